"""Searching the raw text of the records a user may see (indicators read narratives)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["text_search"]


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
