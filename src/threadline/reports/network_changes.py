"""A network at two dates, side by side: who and what joined, left, or stayed.

Both pictures place every node where it sits in a layout of the two networks together
(Kamada-Kawai from a circle, as `threadline.reports._network` lays out one network), so the
eye compares like with like. A member that joined is drawn with a thick ring and ``+`` before
its label; one that left, faded in the first picture with ``-`` before its label; a new link is
drawn thick, a link that is gone dashed. The same marks are listed in the figure's table, and
`change_elements` gives the same nodes and links to the workbench's chart (Cytoscape.js).

A chart written to a file (`write_change_chart`, `threadline graph changes --chart`) is a
disclosure, as an export is: it takes names, links and dates out of the store, where the audit
log no longer sees who reads them. It names a recipient and a purpose, needs the analyst or
supervisor role, and is logged with every record and entity it draws; the file is removed if the
log is not written. Seeing the same charts in the workbench is a consultation.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import igraph
from matplotlib.lines import Line2D

from threadline.errors import ValidationError
from threadline.export.run import EXPORT_ROLES
from threadline.graph.evidence import protection_of_records
from threadline.graph.network_change import NetworkChange, NetworkState, change_entities
from threadline.model.protection import Protection
from threadline.read import View
from threadline.reports._drawing import INK, Figure, drawable, drawing, to_figure
from threadline.reports._network import style_of
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied

__all__ = ["change_chart", "change_elements", "change_page", "node_state", "write_change_chart"]

CHART_SUFFIXES = (".svg", ".html")

JOINED, LEFT, KEPT = "joined", "left", "kept"
NEW, GONE = "new", "gone"


def node_state(change: NetworkChange, name: str) -> str:
    """``joined``, ``left`` or ``kept``."""
    if name in change.after.members and name not in change.before.members:
        return JOINED
    if name in change.before.members and name not in change.after.members:
        return LEFT
    return KEPT


def _link_state(change: NetworkChange, link: tuple[str, str, str]) -> str:
    if link in change.after.links and link not in change.before.links:
        return NEW
    if link in change.before.links and link not in change.after.links:
        return GONE
    return KEPT


def _nodes(change: NetworkChange) -> list[str]:
    return sorted(change.before.members | change.after.members)


def _layout(names: Sequence[str], change: NetworkChange) -> dict[str, tuple[float, float]]:
    if not names:
        return {}
    if len(names) == 1:
        return {names[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted({(index[a], index[b]) for a, b, _ in change.before.links | change.after.links})
    graph = igraph.Graph(n=len(names), edges=pairs)
    coords = graph.layout_kamada_kawai(seed=graph.layout_circle().coords,
                                       maxiter=50 * len(names)).coords  # fmt: skip
    return {n: (float(coords[i][0]), float(coords[i][1])) for i, n in enumerate(names)}


def _label(change: NetworkChange, name: str, state: str) -> str:
    mark = {JOINED: "+ ", LEFT: "- "}.get(state, "")
    text = drawable(change.caption(name))
    return mark + (text if len(text) <= 24 else text[:23] + "\u2026")


def _draw(ax: Any, change: NetworkChange, state: NetworkState,
          at: dict[str, tuple[float, float]], first: bool) -> None:  # fmt: skip
    ax.set_axis_off()
    ax.set_title(f"{'Before' if first else 'After'}: {state.day.isoformat()}", loc="left",
                 fontweight="bold")  # fmt: skip
    if not state.members:
        ax.text(0.5, 0.5, "No network yet", ha="center", va="center", transform=ax.transAxes)
    for link in sorted(state.links):
        a, b, _ = link
        kind = _link_state(change, link)
        (x1, y1), (x2, y2) = at[a], at[b]
        style = {NEW: ("-", 2.4, INK), GONE: ("--", 1.2, "#888888")}.get(
            kind, ("-", 0.8, "#888888")
        )
        ax.plot([x1, x2], [y1, y2], linestyle=style[0], linewidth=style[1], color=style[2],
                zorder=1)  # fmt: skip
    box = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for name in sorted(state.members):
        kind = node_state(change, name)
        look = style_of(state.categories.get(name, "other"))
        faded = kind == LEFT
        ax.scatter([at[name][0]], [at[name][1]], s=150 if kind == JOINED else 90,
                   marker=look.marker, c=look.colour, alpha=0.35 if faded else 1.0,
                   edgecolors=INK, linewidths=2.4 if kind == JOINED else 0.8,
                   zorder=3)  # fmt: skip
        ax.annotate(_label(change, name, kind), at[name], xytext=(6, 4),
                    textcoords="offset points", fontsize=7, bbox=box, zorder=2,
                    alpha=0.6 if faded else 1.0)  # fmt: skip
    if at:
        xs, ys = [p[0] for p in at.values()], [p[1] for p in at.values()]
        pad_x = (max(xs) - min(xs)) * 0.15 or 1.0
        pad_y = (max(ys) - min(ys)) * 0.1 or 1.0
        ax.set_xlim(min(xs) - pad_x * 0.4, max(xs) + pad_x * 2.2)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)


def change_chart(change: NetworkChange, title: str, marking: str) -> Figure:
    """The network at both dates, side by side, headed by `marking` (the protection of the
    records behind it, in words).

    >>> from datetime import date
    >>> from threadline.graph.network_change import NetworkState
    >>> def s(day, members, links):
    ...     return NetworkState(date(2025, day, 1), frozenset(members), frozenset(links),
    ...                         {m: m.upper() for m in members},
    ...                         {m: "people" for m in members}, frozenset())
    >>> fig = change_chart(NetworkChange(s(1, {"a", "b"}, {("a", "b", "knows")}),
    ...                    s(2, {"a", "c"}, {("a", "c", "knows")})), "N", "OFFICIAL")
    >>> fig.table[1:]
    (('A', 'people', 'kept'), ('B', 'people', 'left'), ('C', 'people', 'joined'))
    >>> fig.alt.split(": ")[1]
    '1 joined, 1 left; 1 new link, 1 gone.'
    """
    names = _nodes(change)
    at = _layout(names, change)
    with drawing(4.6) as fig:
        fig.suptitle(f"{marking}  |  {title}", x=0.01, ha="left", fontsize=9, fontweight="bold")
        left, right = fig.subplots(1, 2)
        _draw(left, change, change.before, at, True)
        _draw(right, change, change.after, at, False)
        shown = list(dict.fromkeys(style_of(c) for c in
                                   (*change.before.categories.values(),
                                    *change.after.categories.values())))  # fmt: skip
        handles = [Line2D([], [], linestyle="", marker=s.marker, markerfacecolor=s.colour,
                          markeredgecolor=INK, markersize=8, label=s.name)
                   for s in shown]  # fmt: skip
        handles += [
            Line2D([], [], linestyle="", marker="o", markerfacecolor="white",
                   markeredgecolor=INK, markeredgewidth=2.4, markersize=9, label="+ joined"),
            Line2D([], [], linestyle="", marker="o", markerfacecolor="#cccccc",
                   markeredgecolor=INK, markersize=8, alpha=0.5, label="- left"),
            Line2D([], [], color=INK, linewidth=2.4, label="new link"),
            Line2D([], [], color="#888888", linestyle="--", label="link gone"),
        ]  # fmt: skip
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False,
                   fontsize=8)  # fmt: skip
    joined, left_, new = len(change.joined), len(change.left), len(change.new_links)
    alt = (f"The network on {change.before.day} ({len(change.before.members)} members) and on "
           f"{change.after.day} ({len(change.after.members)} members): {joined} joined, "
           f"{left_} left; {new} new link{'' if new == 1 else 's'}, "
           f"{len(change.gone_links)} gone.")  # fmt: skip
    categories = {**change.before.categories, **change.after.categories}
    rows = [(change.caption(n), categories.get(n, ""), node_state(change, n)) for n in names]
    table = [("node", "category", "change"), *rows]
    return to_figure(fig, title, alt, table)


def change_elements(change: NetworkChange) -> dict[str, list[dict[str, Any]]]:
    """The two networks as Cytoscape.js elements: ``before`` and ``after``, each node with its
    caption, category and change, each link with its type and change."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, state in (("before", change.before), ("after", change.after)):
        nodes = [{"data": {"id": n, "label": change.caption(n),
                           "category": state.categories.get(n, "other"),
                           "change": node_state(change, n)}}
                 for n in sorted(state.members)]  # fmt: skip
        links = [{"data": {"id": f"{a}|{b}|{kind}", "source": a, "target": b, "type": kind,
                           "change": _link_state(change, (a, b, kind))}}
                 for a, b, kind in sorted(state.links)]  # fmt: skip
        out[key] = nodes + links
    return out


def change_page(figure: Figure, marking: str) -> str:
    """`figure` as a standalone HTML page headed and footed by `marking`, with its table."""
    head, *rows = figure.table
    cells = "".join(f'<th scope="col">{escape(c)}</th>' for c in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(marking)}: {escape(figure.title)}</title></head><body>\n"
        f"<p><strong>{escape(marking)}</strong></p>\n<h1>{escape(figure.title)}</h1>\n"
        f"<figure>{figure.svg}<figcaption>{escape(figure.alt)}</figcaption></figure>\n"
        f"<table><caption>Each member and how it changed</caption><thead><tr>{cells}</tr>"
        f"</thead><tbody>{body}</tbody></table>\n"
        f"<p><strong>{escape(marking)}</strong></p>\n</body></html>\n"
    )


def write_change_chart(
    view: View, change: NetworkChange, g: igraph.Graph, out: Path, *, title: str,
    recipient: str, purpose: str,
) -> Protection:  # fmt: skip
    """Draw `change` (`g`: the graph at its second date) into `out` (``.svg``, or ``.html`` for
    a page), logged as a disclosure to `recipient` for `purpose` (see the module docstring);
    the protection the chart carries."""
    suffix = out.suffix.lower()
    operation = f"graph.chart.{suffix.lstrip('.')}"
    if not view.actor.has(*EXPORT_ROLES):
        raise AccessDenied("permission denied: a chart written to a file needs the analyst or "
                           "supervisor role", action="disclosure", operation=operation)  # fmt: skip
    if suffix not in CHART_SUFFIXES:
        raise ValidationError("the chart is an .svg or an .html file")
    if not recipient.strip() or not purpose.strip():
        raise ValidationError("a chart written to a file must name its recipient and purpose")
    held = protection_of_records(g, change.records)
    figure = change_chart(change, title, held.words())
    out.write_text(change_page(figure, held.words()) if suffix == ".html" else figure.svg,
                   encoding="utf-8")  # fmt: skip
    try:
        # a disclosure names every record and entity it hands over, however many (s62)
        audit(view.conn, view.actor, "disclosure", operation, records=sorted(change.records),
              entities=change_entities(change, g), purpose=purpose.strip(),
              recipients=recipient.strip(),
              detail={"file": out.name, "marking": held.marking.value,
                      "handling": held.handling})  # fmt: skip
    except BaseException:
        out.unlink(missing_ok=True)  # not disclosed: nothing is left behind
        raise
    return held
