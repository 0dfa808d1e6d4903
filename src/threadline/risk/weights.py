"""Risk weights: the analyst-editable YAML that says how evidence and indicators count.

The shipped ``weights.yaml`` holds every value; a file given with ``--weights`` is laid over
it, so an analyst changes only what they mean to. Every run stores the effective weights and
their SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from threadline import safe_yaml
from threadline.errors import ValidationError
from threadline.graph.evidence import GradeWeights
from threadline.risk.plugins import registered_indicators

__all__ = [
    "SHIPPED",
    "Exploitation",
    "Sector",
    "Weights",
    "load_weights",
    "overlay",
    "read_weights_file",
]

SHIPPED = Path(__file__).with_name("weights.yaml")
"""The weights Threadline ships; every other weights file is laid over these."""

_SECTIONS = ("version", "evidence", "exploitation", "indicators", "prioritisation", "sectors")


@dataclass(frozen=True, slots=True)
class Sector:
    """A high-risk sector: words matched in a sector text or name, and SIC code prefixes."""

    name: str
    words: tuple[str, ...]
    sic: tuple[str, ...]

    def matches(self, text: str) -> bool:
        """Whether a sector text, licence type or business name falls in this sector.

        >>> Sector("car_wash", ("car wash",), ("45200",)).matches("45200 - Maintenance ...")
        True
        """
        folded = text.casefold()
        if any(word in folded for word in self.words):
            return True
        code = re.match(r"\s*(\d{4,5})\b", text)
        return bool(code and any(code.group(1).startswith(p) for p in self.sic))


@dataclass(frozen=True, slots=True)
class Exploitation:
    """Which records are about exploitation: every record of `sources`, and records whose
    text holds any of `words`. A victim or suspect role given in such a record counts in
    full; one given in any other record counts `other_roles` of it."""

    sources: tuple[str, ...]
    words: tuple[str, ...]
    other_roles: float


@dataclass(frozen=True, slots=True)
class Weights:
    """The effective weights of a run (shipped values with any analyst file laid over)."""

    data: Mapping[str, Any]
    """The whole merged mapping, as stored with a run."""
    sources: tuple[str, ...]
    """Files read, shipped file first."""

    @property
    def digest(self) -> str:
        """SHA-256 of the weights in canonical JSON: equal weights, equal digest."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def grades(self) -> GradeWeights:
        """How much one record counts, by its weighting code."""
        evidence = self.data["evidence"]
        return GradeWeights(
            {str(k): float(v) for k, v in evidence["source"].items()},
            {str(k): float(v) for k, v in evidence["information"].items()},
        )

    @property
    def extracted(self) -> float:
        """Share of its record's weight that a value found in free text counts."""
        return float(self.data["evidence"].get("extracted", 1.0))

    @property
    def exploitation(self) -> Exploitation:
        """What makes a record one about exploitation, and how much roles given elsewhere
        count."""
        spec = self.data.get("exploitation") or {}
        return Exploitation(
            tuple(str(s) for s in spec.get("sources", ())),
            tuple(str(w) for w in spec.get("words", ())),
            float(spec.get("other_roles", 1.0)),
        )

    def weight(self, indicator: str) -> float:
        """How much an indicator's score counts in a ranking (0 for an unknown one)."""
        spec = self.data["indicators"].get(indicator, {})
        return float(spec.get("weight", 0.0))

    def params(self, indicator: str) -> Mapping[str, Any]:
        """An indicator's thresholds and options."""
        return dict(self.data["indicators"].get(indicator, {}))

    @property
    def prioritisation(self) -> Mapping[str, Any]:
        """Propagation, agency bonus and the link types findings travel along."""
        return dict(self.data["prioritisation"])

    @property
    def sectors(self) -> tuple[Sector, ...]:
        """High-risk sectors."""
        return tuple(
            Sector(name, tuple(str(w).casefold() for w in spec.get("words", ())),
                   tuple(str(s) for s in spec.get("sic", ())))
            for name, spec in sorted(self.data["sectors"].items())
        )  # fmt: skip


def overlay(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `over` laid on it, mapping by mapping (a value in `over` wins).

    >>> overlay({"a": {"x": 1, "y": 2}, "b": 3}, {"a": {"y": 5}})
    {'a': {'x': 1, 'y': 5}, 'b': 3}
    """
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            out[key] = overlay(base[key], value)
        else:
            out[key] = value
    return out


def read_weights_file(path: Path, sections: Sequence[str] = _SECTIONS) -> dict[str, Any]:
    """The mapping a weights file holds (empty for an empty file), refused with the file and
    line when it cannot be read or is not a mapping of `sections`."""
    try:
        data, _ = safe_yaml.read(path)
    except OSError as exc:
        raise ValidationError(f"cannot read weights file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        line, reason = safe_yaml.problem(exc)
        where = f"{path}:{line}" if line else str(path)
        raise ValidationError(f"{where}: not valid YAML: {reason}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: a weights file is a mapping of {', '.join(sections)}")
    return data


@cache
def _shipped() -> dict[str, Any]:
    return read_weights_file(SHIPPED)


def _check(data: Mapping[str, Any], path: Path, known: Mapping[str, Mapping[str, Any]]) -> None:
    for key in data:
        if key not in _SECTIONS:
            raise ValidationError(
                f"{path}: unknown section {key!r}; expected {', '.join(_SECTIONS)}"
            )
    for name, spec in (data.get("indicators") or {}).items():
        if name not in known:
            raise ValidationError(
                f"{path}: unknown indicator {name!r}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(spec, Mapping):
            raise ValidationError(f"{path}: indicators.{name} must be a mapping")
        for param, value in spec.items():
            if param not in known[name]:
                raise ValidationError(
                    f"{path}: indicators.{name} has no setting {param!r}; "
                    f"it has: {', '.join(sorted(known[name]))}"
                )
            if param == "weight" and (not isinstance(value, int | float) or value < 0):
                raise ValidationError(f"{path}: indicators.{name}.weight must be a number >= 0")


def load_weights(path: str | Path | None = None) -> Weights:
    """The shipped weights, with the file at `path` (if any) laid over them.

    >>> w = load_weights()
    >>> w.weight("crowded_address"), w.params("crowded_address")["threshold"], len(w.digest)
    (1.0, 5, 64)
    """
    known = {ind.name: ind.defaults for ind in registered_indicators()}
    defaults: dict[str, Any] = {"indicators": {n: dict(d) for n, d in sorted(known.items())}}
    base = _shipped()
    _check(base, SHIPPED, known)
    merged = overlay(defaults, base)
    sources = [str(SHIPPED)]
    if path is not None:
        chosen = Path(path)
        over = read_weights_file(chosen)
        _check(over, chosen, known)
        merged = overlay(merged, over)
        sources.append(str(chosen))
    return Weights(merged, tuple(sources))
