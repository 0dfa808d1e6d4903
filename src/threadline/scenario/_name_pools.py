"""Name pools per culture, loaded from ``data/names.yaml`` (see :mod:`.names` for the logic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data" / "names.yaml"


@dataclass(frozen=True)
class Pool:
    """Given and family names of one naming culture, and how its names are written."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    female_family: tuple[str, ...] = ()
    """Gendered surnames (Kowalska, Horváthová), in the order of ``family``; empty if none."""
    male_middle: tuple[str, ...] = ()
    female_middle: tuple[str, ...] = ()
    middle_rate: float = 0.0
    family_first: bool = False
    """Whether the canonical order is FAMILY MIDDLE GIVEN (Vietnamese, Chinese)."""
    nationalities: tuple[tuple[str, float], ...] = (("GB", 1.0),)
    nicknames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    given_skew: float = 0.7
    family_skew: float = 1.0
    """How much likelier earlier names are: the ``n``-th name is drawn in proportion to
    ``1 / n ** skew`` (0 draws them evenly). A culture with a few very common family names
    (Vietnamese: Nguyễn) has a high skew; British family names are many and spread out."""


def _pool(data: dict[str, Any]) -> Pool:
    names = ("male", "female", "family", "female_family", "male_middle", "female_middle")
    lists = {name: tuple(str(v) for v in data.get(name, ())) for name in names}
    return Pool(
        **lists,
        middle_rate=float(data.get("middle_rate", 0.0)),
        family_first=bool(data.get("family_first", False)),
        nationalities=tuple((str(c), float(w)) for c, w in data["nationalities"].items()),
        nicknames={str(k): tuple(map(str, vs)) for k, vs in data.get("nicknames", {}).items()},
        given_skew=float(data.get("given_skew", 0.7)),
        family_skew=float(data.get("family_skew", 1.0)),
    )


def _load() -> tuple[dict[str, Pool], dict[str, tuple[str, ...]]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    pools = {str(name): _pool(pool) for name, pool in data["cultures"].items()}
    spellings = {str(k): tuple(str(v) for v in vs) for k, vs in data["spellings"].items()}
    return pools, spellings


POOLS, SPELLINGS = _load()
