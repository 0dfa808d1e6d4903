"""Reading resolution's results for a user: runs, candidate pairs, mentions and their entities.

The pairs and joins a run scored name mentions of every agency; a command shows one only
when the user may see the records of every mention it names (`captions` answers None
otherwise), and says nothing about the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from threadline.model.captions import caption_of
from threadline.model.protection import Protection
from threadline.read.holdings import counts
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = [
    "captions",
    "entity_name",
    "entity_of_mentions",
    "judged_pairs",
    "latest_run",
    "mention_visible",
    "narrated_mentions",
    "narrated_people",
    "pair_score",
    "protection_of_mentions",
    "run_as_seen",
    "run_in_words",
    "uncertain_pairs",
]


def latest_run(view: View) -> Any | None:
    """The latest resolution run's row (its model, scoring and state), or None."""
    r = t.resolution_runs
    return view.conn.execute(sa.select(r).order_by(r.c.id.desc()).limit(1)).first()


def judged_pairs(view: View) -> set[frozenset[str]]:
    """Every pair of mentions under an active judgement, to leave out of a review (never shown:
    a judgement about records the user may not see only hides a pair they cannot see either)."""
    j = t.judgements.c
    rows = view.conn.execute(sa.select(j.left_id, j.right_id).where(j.deleted_at.is_(None)))
    return {frozenset((a, b)) for a, b in rows}


def uncertain_pairs(view: View, run_id: int, limit: int) -> list[Any]:
    """The run's pairs nearest an even chance, most uncertain first (to be checked against
    what the user may see before any is shown)."""
    p = t.resolution_pairs.c
    return list(
        view.conn.execute(
            sa.select(p.left_id, p.right_id, p.probability, p.joined)
            .where(p.run_id == run_id)
            .order_by(sa.func.abs(p.probability - 0.5), p.left_id)
            .limit(limit)
        ).all()
    )


def captions(view: View, mentions: Sequence[str]) -> list[str] | None:
    """The mentions' captions, or None if the user may not see one of their records (each
    record read is logged by the View)."""
    shown = []
    m = t.mentions.c
    for mention in mentions:
        row = view.conn.execute(sa.select(m.record_id, m.caption).where(m.id == mention)).first()
        if row is None or view.record(int(row.record_id)) is None:
            return None
        shown.append(str(row.caption))
    return shown


def entity_name(view: View, mention_id: str) -> str | None:
    """What the user calls the entity a mention belongs to: the caption of its mentions they may
    see (:func:`threadline.model.captions.best_caption`), or None when they may not see the
    mention itself (each read is logged by the View)."""
    if not mention_visible(view, mention_id):
        return None
    entity = view.conn.execute(
        sa.select(t.mentions.c.entity_id).where(t.mentions.c.id == mention_id)
    ).scalar()
    shown = view.mentions(str(entity)) if entity is not None else []
    return caption_of((m.caption, m.slot) for m in shown) or None


def mention_visible(view: View, mention_id: str) -> bool:
    """Whether `mention_id` is a mention in a record the user may see (the read is logged)."""
    record = view.conn.execute(
        sa.select(t.mentions.c.record_id).where(t.mentions.c.id == mention_id)
    ).scalar()
    return record is not None and view.record(int(record)) is not None


def entity_of_mentions(view: View) -> dict[str, str]:
    """Mention id -> entity id, for every resolved mention in a record the user may see."""
    m = t.mentions.c
    rows = view.conn.execute(
        sa.select(m.id, m.entity_id, m.record_id)
        .join(t.records, t.records.c.id == m.record_id)
        .where(m.entity_id.is_not(None), view.clause)
    ).all()
    view.consulted("resolution.entities", records={int(r.record_id) for r in rows})
    return {str(r.id): str(r.entity_id) for r in rows}


def narrated_people(view: View) -> dict[str, str]:
    """Mention id -> name, for every person a narrative names (``text:<column>:person<n>``
    mentions) in a record the user may see."""
    return narrated_mentions(view, ("Person",))


def narrated_mentions(view: View, schemata: Sequence[str]) -> dict[str, str]:
    """Mention id -> caption, for every mention of one of `schemata` that a narrative makes
    (``text:<column>:...``: a person, a place, a business its text names) in a record the
    user may see."""
    m = t.mentions.c
    rows = view.conn.execute(
        sa.select(m.id, m.caption, m.record_id)
        .join(t.records, t.records.c.id == m.record_id)
        .where(m.schema.in_(list(schemata)), m.slot.like("text:%"), view.clause)
    ).all()
    view.consulted("resolution.narrated", records={int(r.record_id) for r in rows})
    return {str(r.id): str(r.caption) for r in rows}


def protection_of_mentions(view: View, mentions: Sequence[str]) -> Protection:
    """The combined marking and handling of the records of `mentions` the user may see."""
    m = t.mentions.c
    wanted = sorted(set(mentions))
    records: set[int] = set()
    for chunk in chunked(wanted, 2000):
        query = sa.select(m.record_id).where(m.id.in_(chunk))
        records.update(int(r) for r in view.conn.execute(query).scalars())
    return view.protection(records)


def pair_score(view: View, run_id: int, left: str, right: str) -> tuple[float, bool] | None:
    """The run's match probability for two mentions and whether it joined them, or None when
    it kept no score for them; only for mentions the user may see (else None, and the
    refusal is logged)."""
    if not (mention_visible(view, left) and mention_visible(view, right)):
        return None
    p = t.resolution_pairs.c
    a, b = sorted((left, right))
    row = view.conn.execute(
        sa.select(p.probability, p.joined).where(
            p.run_id == run_id, p.left_id == a, p.right_id == b
        )
    ).first()
    return None if row is None else (float(row.probability), bool(row.joined))


def run_as_seen(view: View, summary: Any) -> dict[str, Any]:
    """What a resolution run did, as its user may be told.

    A run resolves every agency's mentions, so its own figures (mentions, entities by kind,
    links, judgements, working-name joins, conflicts) count what the user may not see. An
    administrator is told them, as `status` tells them the store's totals; anyone else is told
    the run, its mode and time, what they may see after it, and only the judgement conflicts
    between mentions they may see.
    """
    held = counts(view)
    if held.whole_store:
        return {**asdict(summary), "scope": held.scope}
    return {
        "run_id": summary.run_id,
        "mode": summary.mode,
        "seconds": summary.seconds,
        "scope": held.scope,
        "entities": held.counts["entities"],
        "links": held.counts["links"],
        "conflicts": [
            (left, right)
            for left, right in summary.conflicts
            if mention_visible(view, left) and mention_visible(view, right)
        ],
    }


def run_in_words(seen: dict[str, Any]) -> str:
    """`run_as_seen`'s answer in one line."""
    if seen["mode"] == "unchanged":
        return f"nothing is new since resolution run {seen['run_id']}"
    entities = seen["entities"]
    total = sum(entities.values()) if isinstance(entities, dict) else entities
    return (
        f"resolution run {seen['run_id']} ({seen['mode']}, {seen['seconds']:.1f} s): "
        f"{total:,} entities and {seen['links']:,} links in {seen['scope']}"
    )
