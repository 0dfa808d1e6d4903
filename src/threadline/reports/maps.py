"""Maps for printed products, drawn from reference data alone: no web map tiles, no download.

The left panel is a tile map: each of the 121 postcode areas is one square on a grid that keeps
their rough places (London's many small areas get room), shaded by count in up to five classes
of one hue, so that the shading reads in grayscale too. Counts given by district (or postcode)
are summed into their area. The right panel, drawn when there is something to place, is
geographic: points (premises, events, victims) at their coordinates and, when the ONS postcode
directory is loaded, each counted district at its postcodes' mean position, sized and shaded on
a scale of its own. It uses an equirectangular projection (longitude shortened by the cosine of
54.5 degrees north), so what is close on the ground is close on the page, with a scale bar. No
coastline is drawn: the shipped data has none; the postcode areas' codes at their centres (and,
with the directory, every district as a faint dot) give the shape.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from threadline.geo.areas import area_of_code, district_of, postcode_areas
from threadline.geo.scope import GeoData
from threadline.reports._drawing import (
    INK,
    PALETTE,
    WIDTH,
    Figure,
    drawable,
    drawing,
    to_figure,
)

__all__ = ["MapPoint", "area_map", "classes", "project"]

SHRINK = math.cos(math.radians(54.5))
"""A degree of longitude, in degrees of latitude, at the middle of the UK."""

_SHADES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
"""Five blues from light to dark (ColorBrewer Blues): one hue, so grayscale keeps the order."""

_PANEL_POINTS = 270.0
"""The geographic panel's width on the page, in points (for placing labels)."""

_LABELS = 40
"""Labels drawn at most on the geographic panel."""
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}

_KINDS = {"premises": ("s", PALETTE[1]), "event": ("^", PALETTE[5]), "victim": ("o", PALETTE[3])}


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Something at a known place: a premises, an event or a victim's location."""

    latitude: float
    longitude: float
    label: str
    kind: str


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Map coordinates of a place: x east, y north, in degrees of latitude.

    >>> x, y = project(54.5, -2.0)
    >>> round(x, 3), y
    (-1.161, 54.5)
    """
    return longitude * SHRINK, latitude


def classes(top: int, count: int = 5) -> list[tuple[int, int]]:
    """Up to `count` ranges of whole numbers (low, high) that cover 1..top.

    >>> classes(3)
    [(1, 1), (2, 2), (3, 3)]
    >>> classes(100)
    [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)]
    >>> classes(0)
    []
    """
    if top <= 0:
        return []
    if top <= count:
        return [(n, n) for n in range(1, top + 1)]
    step = math.ceil(top / count)
    return [(1 + i * step, min(top, (i + 1) * step)) for i in range(count) if 1 + i * step <= top]


def _shade(value: int, bins: list[tuple[int, int]]) -> str:
    for i, (low, high) in enumerate(bins):
        if low <= value <= high:
            return _SHADES[round(i * (len(_SHADES) - 1) / max(1, len(bins) - 1))]
    return "#ffffff"


def _by_area(counts: Mapping[str, int]) -> tuple[dict[str, int], dict[str, dict[str, int]], int]:
    """Counts summed into postcode areas, the districts behind each, and what was unplaced."""
    areas: dict[str, int] = defaultdict(int)
    districts: dict[str, dict[str, int]] = defaultdict(dict)
    unplaced = 0
    for key, value in counts.items():
        area = area_of_code(key)
        if area is None:
            unplaced += int(value)
            continue
        areas[area] += int(value)
        district = district_of(key)
        if district is not None:
            districts[area][district] = districts[area].get(district, 0) + int(value)
    return dict(areas), dict(districts), unplaced


def _tiles(ax: Axes, areas: Mapping[str, int], bins: list[tuple[int, int]]) -> None:
    for code, area in postcode_areas().items():
        col, row = area.tile
        value = areas.get(code, 0)
        fill = _shade(value, bins) if value else "#ffffff"
        ax.add_patch(
            Rectangle((col, -row), 0.92, 0.92, facecolor=fill, edgecolor="#999999", linewidth=0.5)
        )
        dark = fill in _SHADES[3:]
        ax.text(
            col + 0.46,
            -row + 0.46,
            code,
            ha="center",
            va="center",
            fontsize=5.5,
            color="white" if dark else INK,
            fontweight="bold" if value else "normal",
        )
    cols = [a.tile[0] for a in postcode_areas().values()]
    rows = [a.tile[1] for a in postcode_areas().values()]
    ax.set_xlim(min(cols) - 0.2, max(cols) + 1.1)
    ax.set_ylim(-max(rows) - 0.2, -min(rows) + 1.1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _places(
    ax: Axes,
    counts: Mapping[str, int],
    points: Sequence[MapPoint],
    geodata: GeoData | None,
) -> int:
    """The geographic panel and its legend; how many counted districts it could place."""
    if geodata is not None:  # every district as a faint dot: the shape of the country
        background = [
            project(d.latitude, d.longitude)
            for d in geodata.districts.values()
            if d.latitude is not None and d.longitude is not None
        ]
        ax.scatter(
            [p[0] for p in background],
            [p[1] for p in background],
            s=2,
            c="#cccccc",
            linewidths=0,
            zorder=1,
        )
    for area in postcode_areas().values():
        ax.annotate(
            area.code,
            project(area.latitude, area.longitude),
            ha="center",
            va="center",
            fontsize=6,
            color="#aaaaaa",
            zorder=1,
            annotation_clip=True,
        )
    placed = _placed_districts(counts, geodata)
    bins = classes(max((v for _, v, _ in placed), default=0))
    ordered = sorted(placed, key=lambda p: p[1])  # the largest drawn last, on top
    labels = [(x, y, code) for (x, y), _, code in reversed(ordered)]
    labels += [(*project(p.latitude, p.longitude), p.label) for p in points]
    xy = [(x, y) for x, y, _ in labels]
    half = _frame(ax, xy or [project(a.latitude, a.longitude) for a in postcode_areas().values()])
    zoom = min(1.0, max(0.2, 1.2 / half))  # markers shrink as the panel covers more ground
    ax.scatter(
        [p[0][0] for p in ordered],
        [p[0][1] for p in ordered],
        s=[(30 + 30 * _class_of(p[1], bins)) * zoom for p in ordered],
        c=[_shade(p[1], bins) for p in ordered],
        edgecolors=INK,
        linewidths=0.5,
        zorder=2,
    )
    for kind in dict.fromkeys(p.kind for p in points):  # one layer per kind, in order seen
        marker, colour = _KINDS.get(kind, ("X", "#ffffff"))
        at = [project(p.latitude, p.longitude) for p in points if p.kind == kind]
        ax.scatter(
            [x for x, _ in at],
            [y for _, y in at],
            s=28 * max(zoom, 0.5),
            marker=marker,
            c=colour,
            edgecolors=INK,
            linewidths=0.6,
            zorder=3,
        )
    _label(ax, labels, half)
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=math.sqrt((30 + 30 * i) * zoom),
            markerfacecolor=_shade(low, bins),
            markeredgecolor=INK,
            label=_range(low, high),
        )
        for i, (low, high) in enumerate(bins)
    ]
    handles += [
        Line2D(
            [],
            [],
            linestyle="",
            marker=_KINDS[k][0],
            markerfacecolor=_KINDS[k][1],
            markeredgecolor=INK,
            label=k,
        )
        for k in _KINDS
        if any(p.kind == k for p in points)
    ]
    if handles:
        ax.figure.legend(
            handles=handles,
            loc="outside lower right",
            ncols=min(3, len(handles)),
            frameon=False,
            fontsize=7,
            title="districts (count)" if bins else None,
            title_fontsize=7,
        )
    return len(placed)


def _placed_districts(
    counts: Mapping[str, int], geodata: GeoData | None
) -> list[tuple[tuple[float, float], int, str]]:
    """Counted districts (summed, above zero) at their loaded positions."""
    if geodata is None:
        return []
    summed: dict[str, int] = defaultdict(int)
    for key, value in counts.items():
        district = district_of(key)
        if district is not None:  # a full postcode counts in its district
            summed[district] += int(value)
    placed = []
    for district, value in sorted(summed.items()):
        found = geodata.districts.get(district)
        if value > 0 and found and found.latitude is not None and found.longitude is not None:
            placed.append((project(found.latitude, found.longitude), value, district))
    return placed


def _class_of(value: int, bins: list[tuple[int, int]]) -> int:
    return next((i for i, (low, high) in enumerate(bins) if low <= value <= high), 0)


def _range(low: int, high: int) -> str:
    return f"{low:,}" if low == high else f"{low:,}-{high:,}"


def _label(ax: Axes, labels: Sequence[tuple[float, float, str]], half: float) -> None:
    """Labels in the given order (most important first), each left out where its box would
    overlap one already drawn; the table and the text alternative still list every count."""
    scale = _PANEL_POINTS / (2 * half)  # page points per map unit
    boxes: list[tuple[float, float, float, float]] = []
    for x, y, label in labels[:_LABELS]:
        text = drawable(label)[:24]
        left, top = x + 4 / scale, y + 4 / scale
        box = (left, top - 8 / scale, left + (len(text) * 3.7 + 3) / scale, top)
        if any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in boxes):
            continue
        boxes.append(box)
        ax.annotate(
            text,
            (x, y),
            xytext=(5, -2),
            textcoords="offset points",
            fontsize=6,
            zorder=4,
            bbox=_LABEL_BOX,
        )


def _scale_bar(ax: Axes, left: float, bottom: float, half: float) -> None:
    """A bar of a round number of kilometres, about a fifth of the panel wide."""
    km_per_unit = 111.2  # a degree of latitude; x is in the same units by construction
    target = half * 2 / 5 * km_per_unit
    length = max(n for n in (1, 2, 5, 10, 20, 50, 100, 200) if n <= max(1.0, target))
    x0, y0 = left + half * 0.08, bottom + half * 0.08
    ax.plot(
        [x0, x0 + length / km_per_unit],
        [y0, y0],
        color=INK,
        linewidth=2,
        solid_capstyle="butt",
        zorder=5,
    )
    ax.annotate(
        f"{length} km", (x0, y0), xytext=(0, 3), textcoords="offset points", fontsize=6, zorder=5
    )


def _frame(ax: Axes, xy: Sequence[tuple[float, float]]) -> float:
    """Square limits around the placed things, a scale bar; half the side, in map units."""
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = max(0.25, (max(xs) - min(xs)) * 0.6, (max(ys) - min(ys)) * 0.6)
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    _scale_bar(ax, cx - half, cy - half, half)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(True)
        ax.spines[side].set_color("#999999")
    return half


def area_map(
    title: str,
    counts: Mapping[str, int],
    *,
    points: Sequence[MapPoint] = (),
    geodata: GeoData | None = None,
) -> Figure:
    """A choropleth of `counts` (keyed by postcode district or area) on the postcode areas'
    tile map, and, when there is something to place, `points` and the counted districts (with
    loaded ONS data) on a geographic panel beside it."""
    areas, districts, unplaced = _by_area(counts)
    top = max([*areas.values(), *counts.values(), 0])
    bins = classes(top)
    geographic = bool(points) or (geodata is not None and any(districts.values()))
    with drawing(5.6, WIDTH if geographic else WIDTH * 0.62) as fig:
        grid = fig.add_gridspec(
            1, 2 if geographic else 1, width_ratios=[1, 1.35] if geographic else [1]
        )
        tiles = fig.add_subplot(grid[0, 0])
        _tiles(tiles, areas, bins)
        tiles.set_title("By postcode area", fontsize=8, loc="left")
        if bins:
            fig.legend(
                handles=[
                    Patch(facecolor=_shade(low, bins), edgecolor="#999999", label=_range(low, high))
                    for low, high in bins
                ],
                loc="outside lower left",
                ncols=min(3, len(bins)),
                frameon=False,
                fontsize=7,
                title="postcode areas (count)",
                title_fontsize=7,
            )
        placed = 0
        if geographic:
            where = fig.add_subplot(grid[0, 1])
            placed = _places(where, counts, points, geodata)
            where.set_title("Districts and places" if geodata else "Places", fontsize=8, loc="left")
        fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=10)
    alt = _alt(areas, points, placed, unplaced, geodata)
    table: list[tuple[str, ...]] = [("postcode area", "name", "count", "districts")]
    for code, value in sorted(areas.items(), key=lambda kv: (-kv[1], kv[0])):
        listed = ", ".join(
            f"{d} {n:,}"
            for d, n in sorted(districts.get(code, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        )
        table.append((code, postcode_areas()[code].name, str(value), listed))
    if unplaced:
        table.append(("", "not a known postcode area", str(unplaced), ""))
    return to_figure(fig, title, alt, table)


def _alt(
    areas: Mapping[str, int],
    points: Sequence[MapPoint],
    placed: int,
    unplaced: int,
    geodata: GeoData | None,
) -> str:
    if not areas and not points:
        return "Map of the UK's postcode areas: nothing to show."
    top = sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    parts = [
        f"Map of counts in {len(areas)} of the UK's {len(postcode_areas())} postcode areas"
        + (
            ": most in " + ", ".join(f"{c} ({postcode_areas()[c].name}) {v:,}" for c, v in top)
            if top
            else ""
        )
    ]
    if placed:
        parts.append(f"{placed} districts placed from the {geodata.precision if geodata else ''}")
    if points:
        kinds = sorted({p.kind for p in points})
        parts.append(f"{len(points)} places shown by coordinates ({', '.join(kinds)})")
    if unplaced:
        parts.append(f"{unplaced:,} not in a known postcode area")
    return "; ".join(parts) + "."
