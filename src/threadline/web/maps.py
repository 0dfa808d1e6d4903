"""Drawing places on a page without map tiles: points projected into an SVG's box.

The projection is equirectangular about the points' mean latitude (a degree of longitude is
shortened by its cosine there), which keeps distances true enough over a county or two. No
coastline or boundary is drawn: the machine may be offline, and an outline we do not have
would be invented.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Label", "Plotted", "label_points", "project"]


@dataclass(frozen=True, slots=True)
class Plotted:
    """A point's place in the drawing, in SVG user units (y grows downwards)."""

    x: float
    y: float


def project(
    points: Sequence[tuple[float, float]], *, width: float = 800, height: float = 520,
    margin: float = 40,
) -> tuple[list[Plotted], float, float]:  # fmt: skip
    """Each (latitude, longitude) as a point inside a `width` x `height` box, north up, and
    the drawing's width and height (the box is shrunk to keep the points' shape).

    >>> plotted, w, h = project([(53.0, -1.0), (54.0, -1.0), (53.5, 0.0)], width=200, height=200, margin=0)
    >>> [(round(p.x), round(p.y)) for p in plotted], round(w), round(h)
    ([(0, 200), (0, 0), (119, 100)], 119, 200)
    >>> project([(53.0, -1.0)], width=100, height=100, margin=10)[0]
    [Plotted(x=50.0, y=50.0)]
    """  # noqa: E501 - a doctest line
    if not points:
        return [], width, height
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    xs = [lon * shrink for lon in lons]
    span_x, span_y = max(xs) - min(xs), max(lats) - min(lats)
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    if span_x == 0 and span_y == 0:
        return [Plotted(width / 2, height / 2) for _ in points], width, height
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    draw_w = span_x * scale + 2 * margin
    draw_h = span_y * scale + 2 * margin
    left, top = min(xs), max(lats)
    plotted = [
        Plotted(margin + (x - left) * scale, margin + (top - lat) * scale)
        for x, lat in zip(xs, lats, strict=True)
    ]
    return plotted, draw_w, draw_h


@dataclass(frozen=True, slots=True)
class Label:
    """Whether a point's label is drawn beside it, and how many nearby points' labels it
    stands for (theirs would overlap it: they show when their point has focus or the pointer)."""

    shown: bool
    others: int


def label_points(
    plotted: Sequence[Plotted], labels: Sequence[str], *, char_width: float = 6.5,
    height: float = 13, gap: float = 8,
) -> list[Label]:  # fmt: skip
    """Labels placed greedily in the given order (most important first): a label that would
    overlap one already placed is not drawn, and the placed label nearest to it counts it.

    >>> at = [Plotted(10, 10), Plotted(12, 11), Plotted(200, 10)]
    >>> label_points(at, ["first", "second", "third"])
    [Label(shown=True, others=1), Label(shown=False, others=0), Label(shown=True, others=0)]
    """
    boxes: list[tuple[int, tuple[float, float, float, float]]] = []
    others = [0] * len(plotted)
    shown = [False] * len(plotted)
    for i, (p, text) in enumerate(zip(plotted, labels, strict=True)):
        box = (
            p.x + gap,
            p.y - height / 2 - 2,
            p.x + gap + len(text) * char_width,
            p.y + height / 2,
        )
        hit = [j for j, b in boxes if _overlap(box, b) or _overlap(_dot(p), b)]
        if hit or any(_overlap(box, _dot(plotted[j])) for j, _ in boxes):
            near = min(
                (j for j, _ in boxes),
                key=lambda j: (plotted[j].x - p.x) ** 2 + (plotted[j].y - p.y) ** 2,
            )
            others[near] += 1
            continue
        boxes.append((i, box))
        shown[i] = True
    return [Label(s, n) for s, n in zip(shown, others, strict=True)]


def _dot(p: Plotted, r: float = 6) -> tuple[float, float, float, float]:
    return (p.x - r, p.y - r, p.x + r, p.y + r)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
