"""Charts for printed products: bar, grouped bar, per-month and link charts as standalone SVG.

Each chart is a :class:`Figure`: the SVG, a text alternative and the table of its numbers,
so that a reader who cannot see the picture (or distrusts it) has the same facts. Drawn with
matplotlib's SVG canvas (no pyplot, no global state): text is turned into paths, so the
picture has no font to fetch and renders the same in a browser and in WeasyPrint; the ids
are salted with a fixed string and the date left out, so the same input gives the same bytes.

Print-friendly: the Okabe-Ito palette (safe for the common kinds of colour blindness) and,
beside colour, hatching (bars), line styles and markers (lines) and shapes (link charts), so
that a grayscale print still tells the series apart. Sized for the text width of an A4 page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from threadline.reports._drawing import (
    HATCHES,
    INK,
    LINES,
    MARKERS,
    PALETTE,
    ChartNode,
    Figure,
    drawable,
    drawing,
    to_figure,
)
from threadline.reports._network import network_chart

__all__ = [
    "ChartNode",
    "Figure",
    "bar_chart",
    "grouped_bar_chart",
    "network_chart",
    "time_chart",
]


def _empty(ax: Axes, what: str = "Nothing to show") -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, fontsize=10)


def _bar_height(rows: float) -> float:
    return min(9.0, 1.0 + 0.28 * max(rows, 1))


def _shorten(text: str, limit: int = 32) -> str:
    text = drawable(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def bar_chart(title: str, counts: Sequence[tuple[str, int]], *, label: str = "count") -> Figure:
    """Horizontal bars, one per (name, count) in the given order, each with its number.

    >>> fig = bar_chart("Victims by type", [("Labour", 12), ("Sexual", 7)])
    >>> fig.table
    (('category', 'count'), ('Labour', '12'), ('Sexual', '7'))
    >>> fig.alt
    'Bar chart of count by category: Labour 12, Sexual 7 (total 19).'
    """
    names = [str(n) for n, _ in counts]
    values = [int(v) for _, v in counts]
    with drawing(_bar_height(len(names))) as fig:
        ax = fig.add_subplot()
        if not names:
            _empty(ax)
        else:
            ys = range(len(names))
            bars = ax.barh(ys, values, color=PALETTE[0], edgecolor=INK, linewidth=0.5)
            ax.set_yticks(list(ys), [_shorten(n) for n in names])
            ax.invert_yaxis()
            ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
            ax.set_xlabel(label)
            ax.margins(x=0.12)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, loc="left", fontweight="bold")
    listed = ", ".join(f"{n} {v:,}" for n, v in zip(names, values, strict=True))
    alt = (
        f"Bar chart of {label} by category: {listed} (total {sum(values):,})."
        if names
        else f"Bar chart of {label}: nothing to show."
    )
    table = [("category", label), *((n, str(v)) for n, v in zip(names, values, strict=True))]
    return to_figure(fig, title, alt, table)


def grouped_bar_chart(
    title: str, categories: Sequence[str], series: Mapping[str, Sequence[int]]
) -> Figure:
    """One group of horizontal bars per category, one bar per series (colour and hatching).

    >>> fig = grouped_bar_chart("By type", ["Labour", "Sexual"], {"adult": [3, 4], "child": [1, 0]})
    >>> fig.table
    (('category', 'adult', 'child', 'total'), ('Labour', '3', '1', '4'), ('Sexual', '4', '0', '4'))
    """
    names = list(series)
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)}")
    with drawing(_bar_height(len(categories) * max(1, len(names)) * 0.6 + 1.5)) as fig:
        ax = fig.add_subplot()
        if not categories or not names:
            _empty(ax)
        else:
            step = 0.8 / len(names)
            for i, name in enumerate(names):
                ys = [c - 0.4 + step * (i + 0.5) for c in range(len(categories))]
                bars = ax.barh(
                    ys,
                    list(series[name]),
                    height=step * 0.95,
                    label=name,
                    color=PALETTE[i % len(PALETTE)],
                    edgecolor=INK,
                    linewidth=0.5,
                    hatch=HATCHES[i % len(HATCHES)],
                )
                ax.bar_label(bars, labels=[f"{v:,}" for v in series[name]], padding=2, fontsize=7)
            ax.set_yticks(range(len(categories)), [_shorten(c) for c in categories])
            ax.invert_yaxis()
            ax.margins(x=0.12)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("count")
            ax.legend(loc="best", frameon=False, fontsize=8)
        ax.set_title(title, loc="left", fontweight="bold")
    totals = [sum(series[n][c] for n in names) for c in range(len(categories))]
    parts = [
        f"{c} {t:,} (" + ", ".join(f"{n} {series[n][i]:,}" for n in names) + ")"
        for i, (c, t) in enumerate(zip(categories, totals, strict=True))
    ]
    alt = (
        f"Grouped bar chart by {', '.join(names)}: " + "; ".join(parts) + "."
        if categories and names
        else "Grouped bar chart: nothing to show."
    )
    table = [
        ("category", *names, "total"),
        *(
            (c, *(str(series[n][i]) for n in names), str(totals[i]))
            for i, c in enumerate(categories)
        ),
    ]
    return to_figure(fig, title, alt, table)


def _month(day: date) -> date:
    return day.replace(day=1)


def time_chart(title: str, series: Mapping[str, Sequence[tuple[date, int]]]) -> Figure:
    """Counts per month, one line per series (colour, line style and marker).

    The caller buckets by month; a month missing from one series is shown as blank in the
    table and not drawn as zero.

    >>> fig = time_chart("Referrals", {"all": [(date(2026, 1, 1), 3), (date(2026, 2, 1), 5)]})
    >>> fig.table
    (('month', 'all'), ('2026-01', '3'), ('2026-02', '5'))
    """
    names = list(series)
    months = sorted({_month(d) for points in series.values() for d, _ in points})
    by_name = {n: {_month(d): int(v) for d, v in series[n]} for n in names}
    with drawing(3.2) as fig:
        ax = fig.add_subplot()
        if not months:
            _empty(ax)
        else:
            for i, name in enumerate(names):
                points = sorted(by_name[name].items())
                ax.plot(
                    [_day(d) for d, _ in points],
                    [v for _, v in points],
                    label=name,
                    color=PALETTE[i % len(PALETTE)],
                    linestyle=LINES[i % len(LINES)],
                    marker=MARKERS[i % len(MARKERS)],
                    markersize=4,
                    linewidth=1.5,
                )
            # matplotlib.dates leaves these constructors unannotated
            locator = mdates.AutoDateLocator(maxticks=10)  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            concise = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_formatter(concise)
            ax.xaxis_date()
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel("count per month")
            ax.grid(axis="y", color="#cccccc", linewidth=0.5)
            if len(names) > 1:
                ax.legend(frameon=False, fontsize=8)
        ax.set_title(title, loc="left", fontweight="bold")
    if months:
        span = f"{months[0]:%B %Y} to {months[-1]:%B %Y}"
        peaks = []
        for name in names:
            if by_name[name]:
                top = max(by_name[name].items(), key=lambda kv: (kv[1], kv[0]))
                peaks.append(
                    f"{name}: {sum(by_name[name].values()):,} in all, "
                    f"most in {top[0]:%B %Y} ({top[1]:,})"
                )
        alt = f"Counts per month from {span}. " + "; ".join(peaks) + "."
    else:
        alt = "Counts per month: nothing to show."
    table = [
        ("month", *names),
        *((f"{m:%Y-%m}", *(_cell(by_name[n].get(m)) for n in names)) for m in months),
    ]
    return to_figure(fig, title, alt, table)


def _day(day: date) -> float:
    """A date as matplotlib's day number (the plot's x); matplotlib leaves it unannotated."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)
