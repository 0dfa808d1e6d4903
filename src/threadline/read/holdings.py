"""What the store holds, as one user may know it: counts, loads (batches) and judgements.

Counts are of what the user may see, never of the whole store, except for an administrator,
whose count of the whole store is labelled as such (administration is not need-to-know: it
shows how much there is, not what). A load (batch) is shown when it belongs to the user's
agency or wrote a record the user may see; its row counts only to the loading roles of its
own agency, because a count of rows the user may not see is itself a disclosure. A judgement
is shown when the user may see the records of both its mentions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from threadline.read.view import View
from threadline.security.actors import UserRole
from threadline.store import tables as t
from threadline.store.evidence_ids import evidence_records

__all__ = [
    "LOADING_ROLES",
    "Holdings",
    "batches",
    "counts",
    "judgements",
    "known_batches",
    "visible_mentions",
]

LOADING_ROLES = (UserRole.ANALYST, UserRole.SUPERVISOR)
"""Roles that load an agency's files, and so see its loads' row counts."""


def _visible_records(view: View) -> sa.Select[Any]:
    return sa.select(t.records.c.id).where(view.clause)


@dataclass(frozen=True, slots=True)
class Holdings:
    """Counts of what the store holds, and over what they were counted."""

    whole_store: bool
    """True for an administrator's count of the whole store; False for what the user may see."""
    counts: dict[str, int]

    @property
    def scope(self) -> str:
        """What the counts cover, in words."""
        return "the whole store (administrator)" if self.whole_store else "what you may see"


def counts(view: View) -> Holdings:
    """How many of each kind of thing the user may see; for an administrator, the store's own
    totals, labelled as such (see the module docstring)."""
    if view.actor.has(UserRole.ADMINISTRATOR):
        return Holdings(True, _whole_store(view))
    visible = _visible_records(view).scalar_subquery()
    r, m, s = t.records.c, t.mentions.c, t.statements.c
    mentioned = sa.select(m.entity_id).where(m.record_id.in_(visible), m.entity_id.is_not(None))
    evidenced = sa.select(t.link_evidence.c.link_id).where(t.link_evidence.c.record_id.in_(visible))
    queries: dict[str, sa.Select[Any]] = {
        "agencies": sa.select(sa.func.count(sa.distinct(r.agency_id))).where(r.id.in_(visible)),
        "batches": sa.select(sa.func.count()).select_from(known_batches(view).subquery()),
        "records": sa.select(sa.func.count()).where(r.id.in_(visible)),
        "statements": sa.select(sa.func.count()).where(s.record_id.in_(visible)),
        "entities": sa.select(sa.func.count()).where(t.entities.c.id.in_(mentioned)),
        "links": sa.select(sa.func.count()).where(t.links.c.id.in_(evidenced)),
        "judgements": sa.select(sa.func.count()).select_from(
            _judgements(view, withdrawn=False).subquery()
        ),
    }
    queries["users"] = sa.select(sa.func.count()).where(
        t.users.c.agency_id == view.actor.agency_id
    )  # the colleagues of one's own agency, as `users list` shows them
    out = {name: int(view.conn.execute(q).scalar_one()) for name, q in queries.items()}
    out["indicators"] = _indicators(view)
    view.consulted("status.counts", detail=dict(out))
    return Holdings(False, out)


def _indicators(view: View) -> int:
    """Stored indicators whose every evidence record the user may see (as `View.indicators`
    shows them)."""
    rows = view.conn.execute(sa.select(t.indicators.c.evidence)).scalars().all()
    named = [evidence_records(evidence) for evidence in rows]
    visible = view.visible(set().union(*named)) if named else set()
    return sum(1 for ids in named if ids and ids <= visible)


def _whole_store(view: View) -> dict[str, int]:
    tables = {
        "agencies": t.agencies, "batches": t.batches, "records": t.records,
        "statements": t.statements, "entities": t.entities, "links": t.links,
        "judgements": t.judgements, "indicators": t.indicators, "users": t.users,
    }  # fmt: skip
    out: dict[str, int] = {}
    for name, table in tables.items():
        query = sa.select(sa.func.count()).select_from(table)
        if table is t.judgements:
            query = query.where(t.judgements.c.deleted_at.is_(None))
        out[name] = int(view.conn.execute(query).scalar_one())
    view.consulted("status.counts", detail={"whole_store": True, **out})
    return out


def known_batches(view: View) -> sa.Select[Any]:
    """The ids of the loads the user may know of: their own agency's, and those that wrote a
    record they may see."""
    b = t.batches.c
    wrote_visible = sa.exists().where(t.records.c.batch_id == b.id, view.clause)
    return sa.select(b.id).where(sa.or_(b.agency_id == view.actor.agency_id, wrote_visible))


def batches(view: View) -> list[dict[str, Any]]:
    """The loads the user may know of, newest first (see the module docstring)."""
    b = t.batches.c
    shown = (
        sa.select(sa.func.count())
        .where(t.records.c.batch_id == b.id, view.clause)
        .scalar_subquery()
        .label("records_visible")
    )
    query = (
        sa.select(
            b.id, t.agencies.c.code.label("agency"), t.sources.c.name.label("source"),
            b.agency_id, b.file_name, b.status, b.rows_read, b.records_written, b.records_altered,
            b.rows_rejected, b.mapping_version, b.started_at, b.content_hash, shown,
        )
        .join(t.agencies, t.agencies.c.id == b.agency_id)
        .join(t.sources, t.sources.c.id == b.source_id)
        .where(b.id.in_(known_batches(view).scalar_subquery()))
        .order_by(b.id.desc())
    )  # fmt: skip
    loader = view.actor.has(*LOADING_ROLES)
    out = []
    for row in view.conn.execute(query):
        item = dict(row._mapping)
        if not (loader and item.pop("agency_id") == view.actor.agency_id):
            item.pop("agency_id", None)
            for name in ("rows_read", "records_written", "records_altered", "rows_rejected"):
                item[name] = None
        out.append(item)
    records = sa.select(t.records.c.id).where(
        t.records.c.batch_id.in_([item["id"] for item in out]), view.clause
    )
    view.consulted(
        "batches.list",
        records=view.conn.execute(records).scalars(),
        detail={"batches": [item["id"] for item in out]},
    )
    return out


def _judgements(view: View, *, withdrawn: bool) -> sa.Select[Any]:
    j = t.judgements.c
    left, right = t.mentions.alias("left_mention"), t.mentions.alias("right_mention")
    visible = _visible_records(view).scalar_subquery()
    query = (
        sa.select(j.id)
        .join(left, left.c.id == j.left_id)
        .join(right, right.c.id == j.right_id)
        .where(left.c.record_id.in_(visible), right.c.record_id.in_(visible))
    )
    return query if withdrawn else query.where(j.deleted_at.is_(None))


def judgements(view: View, *, withdrawn: bool = False) -> list[dict[str, Any]]:
    """Analysts' judgements on pairs of mentions the user may both see, newest first; with
    `withdrawn`, the withdrawn ones too."""
    j = t.judgements
    query = (
        sa.select(j, t.users.c.username)
        .join(t.users, t.users.c.id == j.c.user_id)
        .where(j.c.id.in_(_judgements(view, withdrawn=withdrawn).scalar_subquery()))
        .order_by(j.c.id.desc())
    )
    rows = [dict(r._mapping) for r in view.conn.execute(query)]
    mentions = {m for row in rows for m in (row["left_id"], row["right_id"])}
    records = view.conn.execute(
        sa.select(t.mentions.c.record_id).where(t.mentions.c.id.in_(sorted(mentions)))
    ).scalars()
    view.consulted("judgements.list", records=records, detail={"count": len(rows)})
    return rows


def visible_mentions(view: View, mention_ids: Iterable[str]) -> set[str]:
    """Which of `mention_ids` are in records the user may see (not logged: the caller logs
    what it does with them)."""
    wanted = sorted(set(mention_ids))
    m = t.mentions.c
    query = (
        sa.select(m.id)
        .join(t.records, t.records.c.id == m.record_id)
        .where(m.id.in_(wanted), view.clause)
    )
    return {str(i) for i in view.conn.execute(query).scalars()}
