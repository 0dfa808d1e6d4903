"""A small link chart as a picture: igraph places the nodes, matplotlib draws them.

Each category has its own shape and colour (so a grayscale print still tells a person from a
premises), listed in a legend. The layout is Kamada-Kawai started from a circle, which has no
randomness: the same network always comes out the same. Up to about forty nodes keep
readable labels; a larger network is still drawn, with smaller labels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import igraph
from matplotlib.lines import Line2D

from threadline.reports._drawing import (
    INK,
    PALETTE,
    ChartNode,
    Figure,
    drawable,
    drawing,
    to_figure,
)

__all__ = ["STYLES", "NodeStyle", "network_chart", "style_of"]


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """How a category is drawn: a matplotlib marker, a colour and the legend's word."""

    marker: str
    colour: str
    name: str


_PERSON = NodeStyle("o", PALETTE[0], "person")
_ORGANISATION = NodeStyle("s", PALETTE[1], "organisation")
_ADDRESS = NodeStyle("^", PALETTE[2], "address / premises")
_VEHICLE = NodeStyle("D", PALETTE[3], "vehicle")
_PHONE = NodeStyle("v", PALETTE[4], "phone")
_ACCOUNT = NodeStyle("p", PALETTE[5], "account")
_DOCUMENT = NodeStyle("h", "#999999", "document")
_EMAIL = NodeStyle("P", PALETTE[6], "email")
_OTHER = NodeStyle("X", "#ffffff", "other")

STYLES: dict[str, NodeStyle] = {
    "person": _PERSON,
    "people": _PERSON,
    "organisation": _ORGANISATION,
    "organization": _ORGANISATION,
    "businesses": _ORGANISATION,
    "business": _ORGANISATION,
    "address": _ADDRESS,
    "premises": _ADDRESS,
    "vehicle": _VEHICLE,
    "vehicles": _VEHICLE,
    "phone": _PHONE,
    "phones": _PHONE,
    "account": _ACCOUNT,
    "accounts": _ACCOUNT,
    "document": _DOCUMENT,
    "documents": _DOCUMENT,
    "email": _EMAIL,
    "emails": _EMAIL,
    "other": _OTHER,
}
"""Both vocabularies: the chart's (person, organisation...) and `threadline.graph.profiles`
categories (people, businesses...)."""


def style_of(category: str) -> NodeStyle:
    """The style of a category; an unknown one is drawn as "other".

    >>> style_of("people").name, style_of("Premises").name, style_of("boat").name
    ('person', 'address / premises', 'other')
    """
    return STYLES.get(category.strip().lower(), _OTHER)


def _layout(count: int, edges: Sequence[tuple[int, int]]) -> list[tuple[float, float]]:
    if count == 1:
        return [(0.0, 0.0)]
    graph = igraph.Graph(n=count, edges=list(edges))
    seed = graph.layout_circle().coords
    coords = graph.layout_kamada_kawai(seed=seed, maxiter=50 * count).coords
    return [(float(x), float(y)) for x, y in coords]


def network_chart(
    title: str, nodes: Sequence[ChartNode], edges: Sequence[tuple[str, str]]
) -> Figure:
    """A link chart of `nodes` joined by `edges` (pairs of node ids; unknown ids, repeats
    and self-links are left out). The table lists each node with its category and links.

    >>> fig = network_chart("N1", [ChartNode("a", "Ann", "person"),
    ...     ChartNode("b", "1 High St", "premises")], [("a", "b"), ("b", "a")])
    >>> fig.table
    (('node', 'category', 'links'), ('Ann', 'person', '1'), ('1 High St', 'premises', '1'))
    >>> fig.alt
    'Link chart of 2 entities (1 person, 1 address / premises) joined by 1 link.'
    """
    index = {node.id: i for i, node in enumerate(nodes)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in edges
            if a in index and b in index and a != b
        }
    )
    degree = Counter(i for pair in pairs for i in pair)
    styles = [style_of(n.category) for n in nodes]
    size = len(nodes)
    font = 7.5 if size <= 40 else 6 if size <= 80 else 5
    with drawing(5.2 if size > 6 else 3.6) as fig:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(title, loc="left", fontweight="bold")
        if not nodes:
            ax.text(0.5, 0.5, "Nothing to show", ha="center", va="center", transform=ax.transAxes)
        else:
            at = _layout(size, pairs)
            for a, b in pairs:
                (x1, y1), (x2, y2) = at[a], at[b]
                ax.plot([x1, x2], [y1, y2], color="#888888", linewidth=0.8, zorder=1)
            box = {
                "boxstyle": "square,pad=0.1",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.8,
            }
            for i, node in enumerate(nodes):
                style = styles[i]
                ax.scatter(
                    [at[i][0]],
                    [at[i][1]],
                    s=90,
                    marker=style.marker,
                    c=style.colour,
                    edgecolors=INK,
                    linewidths=0.8,
                    zorder=3,
                )
                ax.annotate(
                    _short(node.label),
                    at[i],
                    xytext=(6, 4),
                    textcoords="offset points",
                    fontsize=font,
                    bbox=box,
                    zorder=2,
                )
            xs, ys = [p[0] for p in at], [p[1] for p in at]
            pad_x = (max(xs) - min(xs)) * 0.12 or 1.0
            pad_y = (max(ys) - min(ys)) * 0.08 or 1.0
            ax.set_xlim(min(xs) - pad_x * 0.4, max(xs) + pad_x * 1.6)
            ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
            shown = list(dict.fromkeys(styles))
            handles = [
                Line2D(
                    [],
                    [],
                    linestyle="",
                    marker=s.marker,
                    markerfacecolor=s.colour,
                    markeredgecolor=INK,
                    markersize=8,
                    label=s.name,
                )
                for s in shown
            ]
            fig.legend(
                handles=handles,
                loc="outside lower center",
                ncols=min(4, len(shown)),
                frameon=False,
                fontsize=8,
            )
    kinds = Counter(s.name for s in styles)
    listed = ", ".join(f"{count} {name}" for name, count in kinds.most_common())
    alt = (
        f"Link chart of {size} entities ({listed}) joined by {len(pairs)} "
        f"link{'' if len(pairs) == 1 else 's'}."
        if nodes
        else "Link chart: nothing to show."
    )
    table = [
        ("node", "category", "links"),
        *((n.label, n.category, str(degree[i])) for i, n in enumerate(nodes)),
    ]
    return to_figure(fig, title, alt, table)


def _short(text: str, limit: int = 26) -> str:
    text = drawable(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
