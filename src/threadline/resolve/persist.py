"""Writing a resolution run: its row, the entities, each mention's entity, the pairs kept.

Entities and mention assignments are rewritten only where they changed: an entity no cluster
keeps is deleted, a new one inserted, one whose schema or caption changed updated. Links are
written by :mod:`threadline.resolve.links`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.resolve.engine import ResolutionResult
from threadline.resolve.incremental import People
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import bulk_insert, refresh_statistics

__all__ = [
    "KEEP_PAIRS_FROM",
    "assign_mentions",
    "finish_run",
    "keep_pairs",
    "mention_captions",
    "mention_entities",
    "mention_schemata",
    "start_run",
    "write_entities",
    "written_statistics",
]

KEEP_PAIRS_FROM = 0.2
"""Pairs scored at least this likely are kept with the run: the joined ones explain entities,
the uncertain ones make the review queue, and a later run reuses them (it needs every pair
at or above the match threshold)."""


def start_run(conn: Connection, user_id: int | None, started: datetime) -> int:
    """A new run's row; its id."""
    return int(
        conn.execute(
            sa.insert(t.resolution_runs)
            .values(user_id=user_id, started_at=started, counts={})
            .returning(t.resolution_runs.c.id)
        ).scalar_one()
    )


def mention_schemata(conn: Connection) -> dict[str, str]:
    """Mention id -> its schema, for every mention."""
    return dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.schema)).all())


def mention_entities(conn: Connection) -> dict[str, str]:
    """Mention id -> the entity the last run gave it, for every mention it gave one."""
    return dict(
        conn.execute(
            sa.select(t.mentions.c.id, t.mentions.c.entity_id).where(
                t.mentions.c.entity_id.is_not(None)
            )
        ).all()
    )


def mention_captions(conn: Connection) -> dict[str, tuple[str, str]]:
    """Mention id -> its caption and slot, for every mention."""
    m = t.mentions.c
    return {
        str(r.id): (r.caption, r.slot) for r in conn.execute(sa.select(m.id, m.caption, m.slot))
    }


def write_entities(
    conn: Connection, entity_rows: list[dict[str, Any]], old_ids: set[str], now: datetime
) -> None:
    """Make the entities those of ``entity_rows`` (``id``, ``schema``, ``caption``), given the
    ids the last run gave (``old_ids``). Links must be cleared first."""
    keep = {row["id"] for row in entity_rows}
    stale = [e for e in old_ids if e not in keep]
    for chunk in chunked(stale, 500):
        conn.execute(sa.delete(t.entities).where(t.entities.c.id.in_(chunk)))
    e = t.entities.c
    existing = {
        row.id: (row.schema, row.caption, bool(row.stale))
        for row in conn.execute(sa.select(e.id, e.schema, e.caption, e.stale))
    }
    fresh = [row for row in entity_rows if row["id"] not in existing]
    if fresh:
        conn.execute(sa.insert(t.entities), [{**r, "updated_at": now} for r in fresh])
    changed = [row for row in entity_rows if row["id"] in existing
               and existing[row["id"]] != (row["schema"], row["caption"], False)]  # fmt: skip
    if changed:
        conn.execute(
            sa.update(t.entities)
            .where(t.entities.c.id == sa.bindparam("eid"))
            .values(schema=sa.bindparam("eschema"), caption=sa.bindparam("ecaption"),
                    updated_at=now, stale=False),
            [{"eid": r["id"], "eschema": r["schema"], "ecaption": r["caption"]} for r in changed],
        )  # fmt: skip


def assign_mentions(
    conn: Connection,
    entity_of: Mapping[str, str],
    previous: Mapping[str, str],
    digests: Mapping[str, str],
) -> None:
    """Give each mention its entity (``entity_of``) and the digest of its prepared values
    (``digests``, person mentions), where either changed; ``previous``: the last run's."""
    m = t.mentions.c
    digest_of = dict(
        conn.execute(sa.select(m.id, m.resolved_digest).where(m.resolved_digest.is_not(None))).all()
    )
    moved = [
        {"mid": mention, "eid": entity_of.get(mention), "digest": digests.get(mention)}
        for mention in sorted(set(entity_of) | set(previous) | set(digest_of))
        if (previous.get(mention), digest_of.get(mention))
        != (entity_of.get(mention), digests.get(mention))
    ]
    if moved:
        conn.execute(
            sa.update(t.mentions)
            .where(m.id == sa.bindparam("mid"))
            .values(entity_id=sa.bindparam("eid"), resolved_digest=sa.bindparam("digest")),
            moved,
        )


def finish_run(
    conn: Connection,
    run_id: int,
    found: People,
    scoring: Mapping[str, Any] | None,
    state: Mapping[str, Any],
    counts: Mapping[str, Any],
) -> None:
    """Complete run ``run_id``'s row: its model, the model it scored with (its own when
    trained, with the term frequencies it counted), its ``state`` and ``counts``
    (``scoring``: ``found.scoring`` as a dict)."""
    result = found.result
    trained = found.mode == "trained" and scoring is not None
    conn.execute(
        sa.update(t.resolution_runs)
        .where(t.resolution_runs.c.id == run_id)
        .values(
            finished_at=datetime.now(UTC),
            model=result.model_json if result is not None else "",
            model_run_id=run_id if trained else found.model_run_id,
            term_frequencies=(
                {"format": scoring["format"], "term_frequencies": scoring["term_frequencies"]}
                if trained and scoring is not None else None
            ),
            state=state,
            counts=counts,
        )
    )  # fmt: skip


def keep_pairs(
    conn: Connection, run_id: int, result: ResolutionResult, clusters: Mapping[str, str]
) -> None:
    """Keep the pairs of ``result`` scored at least :data:`KEEP_PAIRS_FROM` likely with run
    ``run_id``, each saying whether ``clusters`` joined it."""
    pairs = result.pairs
    if pairs.num_rows == 0:
        return
    # A later run reuses these pairs: it needs every one at or above the match threshold.
    settings = json.loads(result.model_json)["settings"]
    keep_from = min(KEEP_PAIRS_FROM, float(settings.get("match_threshold", KEEP_PAIRS_FROM)))
    rows = []
    seen: set[tuple[str, str]] = set()
    for left, right, weight, probability in zip(
        pairs.column("left_id").to_pylist(), pairs.column("right_id").to_pylist(),
        pairs.column("match_weight").to_pylist(), pairs.column("match_probability").to_pylist(),
        strict=True,
    ):  # fmt: skip
        if probability is None or probability < keep_from:
            continue
        key = (min(left, right), max(left, right))
        if key in seen:
            continue
        seen.add(key)
        joined = clusters.get(left) == clusters.get(right)
        rows.append((run_id, key[0], key[1], float(probability), float(weight or 0.0), joined))
    bulk_insert(
        conn, t.resolution_pairs,
        ("run_id", "left_id", "right_id", "probability", "weight", "joined"), rows,
    )  # fmt: skip


def written_statistics(conn: Connection) -> None:
    """Bring the planner's statistics of the tables a run rewrites up to date (PostgreSQL):
    until then it plans the reads that follow, in the run's transaction (its counts) and
    after it, for the store as it was before (empty entities and links on a first run: nested
    loops over what are tens of thousands of rows)."""
    refresh_statistics(conn, [t.entities, t.mentions, t.links, t.link_evidence, t.resolution_pairs])
