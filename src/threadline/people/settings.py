"""People weights: the shipped ``weights.yaml`` of this package, with an analyst's file laid
over it, on top of the risk weights (evidence grades, records about exploitation)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from threadline.errors import ValidationError
from threadline.risk.weights import Weights, load_weights, overlay, read_weights_file

__all__ = ["SHIPPED", "PeopleWeights", "load_people_weights"]

SHIPPED = Path(__file__).with_name("weights.yaml")
_SECTIONS = ("version", "signals", "findings", "roles", "control", "ranking")


@dataclass(frozen=True, slots=True)
class PeopleWeights:
    """The effective people weights, and the risk weights they sit on."""

    data: Mapping[str, Any]
    risk: Weights
    sources: tuple[str, ...]

    @property
    def digest(self) -> str:
        """SHA-256 of both sets of weights in canonical JSON."""
        both = {"people": self.data, "risk": self.risk.data}
        text = json.dumps(both, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def signal_weight(self, name: str) -> float:
        """How much a signal's score counts (0 for an unknown one)."""
        return float(self.data["signals"].get(name, {}).get("weight", 0.0))

    def finding_weight(self, side: str, indicator: str) -> float:
        """How much a premises indicator's finding on a person counts on `side`."""
        return float(self.data["findings"].get(side, {}).get(indicator, 0.0))

    @property
    def named_suspect(self) -> float:
        """How much being named a suspect in records about exploitation counts."""
        return float(self.data["findings"].get("named_suspect", 0.0))

    @property
    def roles(self) -> Mapping[str, tuple[str, ...]]:
        """Suspect roles and the signals pointing to each."""
        return {role: tuple(names) for role, names in self.data["roles"].items()}

    @property
    def control(self) -> frozenset[str]:
        """Signals of control over victims: a suspect showing any is a potential controller,
        whatever else their signals point to."""
        return frozenset(self.data.get("control") or ())

    @property
    def ranking(self) -> Mapping[str, float]:
        """Agency bonus, suspect share, child age."""
        return {k: float(v) for k, v in self.data["ranking"].items()}

    def context_weights(self) -> Weights:
        """The risk weights with the signals' settings among the indicators, so that a
        signal reads its thresholds as an indicator does (``Context.params``)."""
        data = dict(self.risk.data)
        data["indicators"] = {**self.risk.data["indicators"], **self.data["signals"]}
        return Weights(data, self.risk.sources)


def _read(path: Path) -> dict[str, Any]:
    data = read_weights_file(path, _SECTIONS)
    if set(data) - set(_SECTIONS):
        raise ValidationError(f"{path}: a people weights file holds {', '.join(_SECTIONS)}")
    return data


@cache
def _shipped() -> dict[str, Any]:
    return _read(SHIPPED)


def load_people_weights(
    path: str | Path | None = None, risk: Weights | None = None
) -> PeopleWeights:
    """The shipped people weights with the file at `path` (if any) laid over them.

    >>> w = load_people_weights()
    >>> w.signal_weight("lives_with_victims"), w.finding_weight("suspect", "wage_account")
    (1.0, 1.0)
    """
    data = _shipped()
    sources = [str(SHIPPED)]
    if path is not None:
        over = _read(Path(path))
        unknown = set(over.get("signals") or {}) - set(data["signals"])
        if unknown:
            raise ValidationError(
                f"{path}: unknown signal {sorted(unknown)[0]!r}; known: "
                f"{', '.join(sorted(data['signals']))}"
            )
        data = overlay(data, over)
        sources.append(str(path))
    return PeopleWeights(data, risk or load_weights(), tuple(sources))
