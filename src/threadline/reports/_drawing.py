"""The house style of printed figures and the Figure they become (shared by charts and maps).

Text is drawn as paths, so the picture has no font to fetch and renders the same in a browser
and in WeasyPrint; ids are salted with a fixed string and the date is left out, so the same
input gives the same bytes. Colours are Okabe and Ito's, safe for the common kinds of colour
blindness; the charts add hatching, line styles and shapes so that grayscale print still
tells series apart.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as MplFigure
from matplotlib.ft2font import FT2Font
from rigour.text.translit import ascii_text

__all__ = [
    "HATCHES",
    "INK",
    "LINES",
    "MARKERS",
    "PALETTE",
    "WIDTH",
    "ChartNode",
    "Figure",
    "drawable",
    "drawing",
    "to_figure",
    "to_svg",
]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Okabe and Ito's colour-blind-safe colours (black left out: it is the ink)."""

INK = "#222222"
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---")
LINES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
WIDTH = 6.7
"""Inches: the text width of an A4 page with 2 cm margins."""

_RC: Any = {  # matplotlib types rcParams keys as literals; a dict of them is still a dict
    "svg.fonttype": "path",  # glyphs as paths: nothing to fetch, the same in every renderer
    "svg.hashsalt": "threadline",  # fixed ids: the same input gives the same bytes
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",  # shipped with matplotlib, so every machine draws alike
    "font.size": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "hatch.color": INK,
}


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart or map ready to print: its SVG, its text alternative and its numbers."""

    title: str
    svg: str
    """One standalone ``<svg>`` element: no script, no external reference, no web font."""
    alt: str
    """What the figure shows, in one or two sentences (the text alternative)."""
    table: tuple[tuple[str, ...], ...]
    """The numbers behind it: the header row first, then one row per item."""


@dataclass(frozen=True, slots=True)
class ChartNode:
    """A node of a link chart: an id, the label printed beside it, and its category."""

    id: str
    label: str
    category: str


@contextmanager
def drawing(height: float, width: float = WIDTH) -> Iterator[MplFigure]:
    """A matplotlib figure of `width` x `height` inches, drawn under the house style."""
    with mpl.rc_context(_RC):
        fig = MplFigure(figsize=(width, height), layout="constrained")
        FigureCanvasSVG(fig)
        yield fig


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def to_svg(fig: MplFigure, title: str, alt: str) -> str:
    """The figure as one ``<svg>`` element labelled for assistive technology."""
    with mpl.rc_context(_RC):
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = _own_ids(_COMMENT.sub("", _PROLOGUE.sub("", out.getvalue(), count=1)))
    label = f' role="img" aria-label="{escape(alt)}"'
    text = text.replace("<svg ", f"<svg{label} ", 1)
    head_end = text.index(">") + 1
    return f"{text[:head_end]}\n <title>{escape(title)}</title>{text[head_end:]}".strip() + "\n"


_ID = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def _own_ids(svg: str) -> str:
    """Every id (and reference to one) prefixed with a digest of the picture, so that several
    figures inlined in one page never share an id, and the same figure keeps its bytes.

    >>> _own_ids('<g id="a"/><use xlink:href="#a"/><g clip-path="url(#a)"/>')[:22]
    '<g id="f17ba60c63-a"/>'
    """
    prefix = "f" + hashlib.sha256(svg.encode()).hexdigest()[:9]
    return _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


@cache
def _glyphs() -> frozenset[int]:
    """The code points the house font draws."""
    return frozenset(FT2Font(font_manager.findfont(_RC["font.family"])).get_charmap())


def drawable(text: str) -> str:
    """`text` as the charts can draw it: unchanged when the font has every character and
    none is written right to left; otherwise in Latin letters (matplotlib neither shapes
    Arabic nor has CJK or Thai glyphs). The figure's table keeps the original.

    >>> drawable("Nguyễn Văn An"), drawable("王伟"), drawable("Мария")
    ('Nguyễn Văn An', 'wang wei', 'Мария')
    """
    glyphs = _glyphs()
    if all(ord(ch) in glyphs and unicodedata.bidirectional(ch) not in {"R", "AL"} for ch in text):
        return text
    return ascii_text(text)


def to_figure(fig: MplFigure, title: str, alt: str, table: Sequence[Sequence[str]]) -> Figure:
    """Package a drawn figure with its text alternative and table."""
    return Figure(title, to_svg(fig, title, alt), alt, tuple(tuple(row) for row in table))
