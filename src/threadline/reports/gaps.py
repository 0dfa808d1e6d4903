"""Intelligence gaps: where a profile's picture is thin, untested, old or uncorroborated.

- networks one agency alone holds evidence on (nobody else has seen them);
- records from untested (2) or not reliable (3) sources under 3x5x2 (domain-standards.md §1.1);
- legacy material graded under 5x5x5 and not yet regraded (its 3x5x2 reading is a suggestion);
- records past their MoPI review date (domain-standards.md §4.1: due a review to retain);
- identifiers (phones, emails, vehicles, accounts) that one record alone mentions.

Everything is counted over the records the profile rests on, as the reader may see them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import igraph as ig

from threadline.graph.vocabulary import VALUE, RecordInfo
from threadline.model.grading import SCHEME_3X5X2
from threadline.read import View

__all__ = ["Gap", "Gaps", "find_gaps"]

SEEN_ONCE_LISTED = 25
"""Most identifiers seen once that are listed by name (the rest are counted)."""


@dataclass(frozen=True, slots=True)
class Gap:
    """One kind of gap: how many, by agency, and what it means."""

    title: str
    count: int
    by_agency: tuple[tuple[str, int], ...]
    meaning: str


@dataclass(frozen=True, slots=True)
class Gaps:
    """The gaps of a profile."""

    gaps: tuple[Gap, ...]
    single_source_networks: tuple[int, ...]
    seen_once: tuple[tuple[str, str], ...]
    """(kind, value) of the identifiers seen once, at most `SEEN_ONCE_LISTED`."""
    seen_once_by_kind: tuple[tuple[str, int], ...]


def _by_agency(
    records: Iterable[int], info: Mapping[int, RecordInfo]
) -> tuple[tuple[str, int], ...]:
    counts = Counter(info[r].agency for r in records if r in info)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def find_gaps(
    view: View,
    g: ig.Graph,
    nodes: Iterable[int],
    records: Iterable[int],
    single_source: tuple[int, ...],
    *,
    today: date | None = None,
) -> Gaps:
    """The gaps among `records` and the value nodes among `nodes` of `g` (module docstring)."""
    info: Mapping[int, RecordInfo] = g["records"]
    used = sorted({r for r in records if r in info})
    untested = [r for r in used if info[r].grade.scheme == SCHEME_3X5X2
                and info[r].grade.source in {"2", "3"}]  # fmt: skip
    legacy = [r for r in used if info[r].grade.scheme != SCHEME_3X5X2]
    due = [rec.id for rec in view.records(ids=used, due_by=today or date.today())]
    once: list[tuple[str, str]] = []
    for index in nodes:
        v = g.vs[index]
        if v["kind"] == VALUE and len(set(v["records"])) == 1:
            once.append((str(v["value_type"]), str(v["caption"] or v["name"])))
    once.sort()
    kinds = Counter(kind for kind, _ in once)
    gaps = (
        Gap("Networks known to one agency only", len(single_source), (),
            "No other agency holds evidence on these networks: nothing corroborates them."),
        Gap("Records from untested or unreliable sources (grade 2 or 3)", len(untested),
            _by_agency(untested, info),
            "Treat with caution and seek corroboration before acting on them."),
        Gap("Legacy 5x5x5 material not regraded", len(legacy), _by_agency(legacy, info),
            "Graded under the old scheme; its 3x5x2 reading is a suggestion, not a grade."),
        Gap("Records past their MoPI review date", len(due), _by_agency(due, info),
            "Due a review under the retention rules before they are relied on or kept."),
        Gap("Identifiers seen in one record only", len(once), (),
            "Phones, emails, vehicles and accounts nothing else confirms."),
    )  # fmt: skip
    return Gaps(
        gaps=gaps,
        single_source_networks=single_source,
        seen_once=tuple(once[:SEEN_ONCE_LISTED]),
        seen_once_by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
