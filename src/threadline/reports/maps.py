# TEMPORARY SHIM (not committed): replaced by geo's maps on merge.
from __future__ import annotations
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from threadline.reports.figures import Figure, bar_chart

@dataclass(frozen=True, slots=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    kind: str

def area_map(title: str, counts: Mapping[str, int], *, points: Sequence[MapPoint] = (), geodata: object = None) -> Figure:
    return bar_chart(title, list(counts.items()))
