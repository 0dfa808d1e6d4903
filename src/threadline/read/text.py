"""Searching the raw text of the records a user may see (indicators read narratives)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["text_places", "text_search"]


def text_search(view: View, within: Collection[int]) -> Callable[[Sequence[str]], set[int]]:
    """A case-insensitive search of the raw text of the records `view` admits, limited to the
    ids in `within` (a graph's records)."""
    allowed = set(within)

    def search(words: Sequence[str]) -> set[int]:
        raw = sa.func.lower(sa.cast(t.records.c.raw, sa.Text))
        condition = sa.or_(*(raw.contains(w.lower(), autoescape=True) for w in words))
        query = sa.select(t.records.c.id).where(condition, view.clause)
        return {int(i) for i in view.conn.execute(query).scalars()} & allowed

    return search


def text_places(view: View, within: Collection[int]) -> Callable[[], dict[int, set[str]]]:
    """The addresses the free text of each record names (``locationMentioned`` values found
    in it), for the records `view` admits, limited to the ids in `within`: where a report's
    narrative says it happened, whether or not a column gives its location."""
    allowed = set(within)

    def search() -> dict[int, set[str]]:
        s = t.statements.c
        query = (
            sa.select(s.record_id, s.value)
            .join(t.records, t.records.c.id == s.record_id)
            .where(s.prop == "locationMentioned", view.clause)
        )
        out: dict[int, set[str]] = {}
        for record, value in view.conn.execute(query):
            if int(record) in allowed:
                out.setdefault(int(record), set()).add(str(value))
        return out

    return search
