"""Which mentions a name search compares: those sharing the most search keys with what was
typed, found in SQL at a cost that does not grow with the store.

A name typed has a few search keys (`threadline.values.name_keys`) and ``name_keys`` holds
every mention that states a name with each key. A rare key ("w:driton") is held by a handful
of mentions, but a common one (the sound of "Smith", the word "Van", "Ltd") by a fixed share
of all of them, so reading every holder of every key (as the search once did) reads more rows,
and checks more records against the View's policy, the larger the store. Here:

1. each key leads to at most :data:`COMMON_KEY` mentions, read from the key's index (the
   table's primary key, ``key, record_id, mention_id``) newest record first: every holder of
   a *rare* key, the latest holders of a *common* one (held by more);
2. each mention found is ranked, in SQL, by how many of the keys typed it holds, all of
   them: the rare ones counted from the holders read, the common ones probed in the same
   index for that mention alone (so a mention found through a rare key is credited with
   the common ones it holds too; with no common key there is no probe at all);
3. only the best have their records put to the View (`View.visible`), a page at a time,
   until :data:`CANDIDATES` visible mentions are in hand.

However large the store, a search reads at most ``keys x COMMON_KEY`` entries of the index
(and probes those mentions) and checks a few pages of records. When no key typed is common
and no more than `CANDIDATES` visible mentions share one, the mentions returned are exactly
those the whole store holds (as before); otherwise they are the best-ranked of those read,
and the search's count of hits is a floor ("at least"), which :attr:`Candidates.complete`
says.

The ranking gives also, for each mention returned, which words typed its keys cover (for
`NameLookup.compares`), in the same way: counted for the rare keys, probed for the common.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t

__all__ = ["CANDIDATES", "COMMON_KEY", "Candidates", "name_candidates"]

CANDIDATES = 3000
"""Most mentions whose names are compared for one search (those sharing the most keys with
what was typed): enough for the commonest surname of a regional store."""

COMMON_KEY = 5000
"""Most holders of one key a search reads. A key held by more mentions is *common* and only
its holders in the newest records are read: a fixed count rather than a share of the store,
so that what a search reads stays the same however large the store grows (a share would grow
with it). At 10^5 records only the words of business names (Car Wash, Ltd) are held more
often; at 10^6 the commonest given names and surnames are too (docs/scaling.md)."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """The mentions to compare, best first, and how they were found."""

    covered: dict[str, frozenset[int]]
    """Mention id -> the words typed (their positions) that the keys it holds come from;
    in rank order (most keys shared first)."""
    records: frozenset[int]
    """Records the View admits among those the candidates were found in."""
    complete: bool
    """Whether every visible mention sharing a key with what was typed is here: no key was
    common and no more than `CANDIDATES` visible mentions shared one."""


_NK = t.name_keys.c

_HOLDERS = sa.select(sa.func.count()).select_from(
    sa.select(_NK.key).where(_NK.key == sa.bindparam("key")).limit(sa.bindparam("most")).subquery()
)
"""How many mentions hold one key, counted no further than ``most``: a walk of at most that
many entries of the primary key."""


def _common(view: View, keys: Sequence[str], per_key: int) -> set[str]:
    """The keys held by more than `per_key` mentions."""
    return {
        key
        for key in keys
        if view.conn.execute(_HOLDERS, {"key": key, "most": per_key + 1}).scalar_one() > per_key
    }


def _postings(keys: Sequence[str], common: set[str], per_key: int) -> Any:
    """(record, mention, key) for the holders read: every holder of a key that is not common,
    the newest `per_key` holders of one that is."""
    parts: list[sa.Select[Any]] = []
    rare = [key for key in keys if key not in common]
    if rare:
        parts.append(sa.select(_NK.record_id, _NK.mention_id, _NK.key).where(_NK.key.in_(rare)))
    for key in sorted(common):
        newest = (
            sa.select(_NK.record_id, _NK.mention_id, _NK.key)
            .where(_NK.key == key)
            .order_by(_NK.record_id.desc(), _NK.mention_id.desc())
            .limit(per_key)
            .subquery()
        )
        parts.append(sa.select(newest.c.record_id, newest.c.mention_id, newest.c.key))
    if len(parts) == 1:
        return parts[0].subquery("postings")
    return sa.union_all(*parts).subquery("postings")  # one key's holders each: no overlap


def _held(rows: Any, keys: Sequence[str]) -> sa.ColumnElement[bool]:
    """`keys` held by the mention of each of `rows`: for a correlated subquery, so that it is
    answered by probes of the index for that mention alone (as a join, a planner may read
    every holder of a common key instead)."""
    k = t.name_keys.alias().c
    return sa.and_(
        k.key.in_(keys), k.record_id == rows.c.record_id, k.mention_id == rows.c.mention_id
    )


def _page(
    keys: Sequence[str],
    words: Sequence[frozenset[str]],
    common: set[str],
    per_key: int,
    offset: int,
    size: int,
) -> sa.Select[Any]:
    """Rows `offset` to `offset + size` of the ranking by keys shared (see the module
    docstring): record, mention and, for each of `words`, whether the mention holds one of
    its keys, in two columns (among the rare keys, counted; among the common ones, probed)."""
    rare = [key for key in keys if key not in common]
    postings = _postings(keys, common, per_key)

    def holding(among: Sequence[str]) -> sa.ColumnElement[Any]:
        """1 for a holder read of one of `among`, else 0."""
        if not among:
            return sa.literal(0)
        return sa.case((postings.c.key.in_(among), 1), else_=0)

    found = (
        sa.select(
            postings.c.record_id,
            postings.c.mention_id,
            sa.func.sum(holding(rare)).label("rare"),
            *(
                sa.func.max(holding(sorted(word - common))).label(f"w{i}")
                for i, word in enumerate(words)
            ),
        )
        .group_by(postings.c.record_id, postings.c.mention_id)
        .subquery("found")
    )
    shared: sa.ColumnElement[Any] = found.c.rare
    if common:
        probed = sa.select(sa.func.count()).where(_held(found, sorted(common))).scalar_subquery()
        shared = shared + probed
    ranked = (
        sa.select(found, shared.label("shared"))
        .order_by(sa.desc("shared"), found.c.mention_id)
        .limit(size)
        .offset(offset)
        .subquery("ranked")
    )
    met: list[sa.ColumnElement[Any]] = []
    for i, word in enumerate(words):
        met.append(ranked.c[f"w{i}"])
        among = sorted(word & common)
        probe = sa.exists().where(_held(ranked, among)) if among else sa.false()
        met.append(probe.label(f"c{i}"))
    return sa.select(ranked.c.record_id, ranked.c.mention_id, *met).order_by(
        ranked.c.shared.desc(), ranked.c.mention_id
    )


def name_candidates(view: View, keys: Sequence[str], words: Sequence[frozenset[str]]) -> Candidates:
    """The mentions sharing the most of `keys` that `view` may see, best first, at most
    `CANDIDATES` (see the module docstring). `words` holds, for each word typed, the keys
    that cover it (`NameLookup.word_keys`)."""
    limit, per_key = CANDIDATES, COMMON_KEY
    ordered = sorted(set(keys))
    common = _common(view, ordered, per_key)
    asked = words if len(words) > 1 else ()  # one word typed: every mention covers it
    covered: dict[str, frozenset[int]] = {}
    records: set[int] = set()
    offset, size = 0, limit + 1
    while len(covered) <= limit:
        rows = view.conn.execute(_page(ordered, asked, common, per_key, offset, size)).all()
        seen = view.visible({int(row.record_id) for row in rows})
        records |= seen
        for row in rows:
            if int(row.record_id) in seen and len(covered) <= limit:
                met = (i for i in range(len(asked)) if row[2 + 2 * i] or row[3 + 2 * i])
                covered[str(row.mention_id)] = frozenset(met if asked else range(len(words)))
        if len(rows) < size:
            break
        offset, size = offset + size, size * 2  # a user who sees little: wider pages
    best = dict(list(covered.items())[:limit])
    return Candidates(best, frozenset(records), len(covered) <= limit and not common)
