"""Resolving the store end to end: mentions become entities, link mentions become links.

People are scored by the Splink person model (`PersonResolver`), incrementally after an
earlier run (:mod:`.incremental`); businesses, premises and identifiers are grouped by rule
(:mod:`.groups`). Analyst judgements on person mentions always beat the model. Entity ids are
stable (:mod:`.stable_ids`): a new cluster keeps the id of the old entity it shares most
mentions with. Links are derived from link mentions with their evidence and protection
(:mod:`.links`). Each run is written (:mod:`.persist`) with its trained model and what else it
scored with (term frequencies, blocking), so it can be explained and reproduced.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from sqlalchemy.engine import Connection

from threadline.model.captions import caption_of
from threadline.resolve.engines import Engine
from threadline.resolve.frames import business_frame, from_text
from threadline.resolve.groups import (
    businesses,
    identifiers,
    judged_together,
    premises,
    singletons,
)
from threadline.resolve.incremental import (
    fingerprint,
    resolve_people,
    run_state,
    unchanged_run,
)
from threadline.resolve.judgements import active_judgements
from threadline.resolve.links import clear_links, links_between, write_links
from threadline.resolve.narrated import narrated_people
from threadline.resolve.persist import (
    assign_mentions,
    finish_run,
    keep_pairs,
    mention_captions,
    mention_entities,
    mention_schemata,
    start_run,
    write_entities,
    written_statistics,
)
from threadline.resolve.stable_ids import id_prefix, stable_ids
from threadline.tracking.check import after_resolution, before_resolution

__all__ = ["ResolveSummary", "resolve_store"]


@dataclass(slots=True)
class ResolveSummary:
    """What a run did."""

    run_id: int
    mode: str = "trained"
    """How the people were resolved: ``trained`` (a new model, everything scored),
    ``incremental`` (the earlier model; only new and changed mentions scored), ``kept`` (no
    person mention new or changed: the earlier people kept, the rest resolved again),
    ``rescored`` (everything scored with the model of an earlier run) or ``unchanged``
    (nothing new in the store since run ``run_id``: nothing done, no run made)."""
    fresh: int = 0
    """Person mentions new or changed since the earlier run (all of them when trained)."""
    mentions: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    links: int = 0
    kept_ids: int = 0
    new_ids: int = 0
    removed_ids: int = 0
    judgements: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    working_name_joins: int = 0
    """Clusters of adverts joined to a woman's own records through her working name."""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def resolve_store(
    conn: Connection,
    *,
    user_id: int | None = None,
    full: bool = False,
    model_of: int | None = None,
    engine: Engine | None = None,
) -> ResolveSummary:
    """Resolve every mention in the store (within the caller's transaction).

    People are resolved incrementally after an earlier run (see :mod:`.incremental`);
    ``full`` trains a new model and scores everything; ``model_of`` scores everything with the
    model and scoring of that earlier run (to reproduce it, or to check an incremental run).
    ``engine`` is where people are blocked, trained and scored (:mod:`.engines`; DuckDB in
    this process by default).
    """
    started = datetime.now(UTC)
    seen = fingerprint(conn)
    if not full and model_of is None:
        latest = unchanged_run(conn, seen)
        if latest is not None:
            return _unchanged(latest, started)
    run_id = start_run(conn, user_id, started)
    summary = ResolveSummary(run_id)
    judgements = active_judgements(conn)
    summary.judgements = len(judgements)
    clock = time.perf_counter()
    stages: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 3)
        clock = now

    companies = business_frame(conn)  # read once: the people's table and by_rule both need it
    found = resolve_people(
        conn, run_id, judgements, full=full, model_of=model_of, engine=engine, companies=companies
    )
    lap("people")
    people, result = found.clusters, found.result
    summary.mode = found.mode
    summary.fresh = found.people if found.mode in ("trained", "rescored") else found.fresh_count()
    assignment: dict[str, str] = dict(people)
    assignment.update(businesses(conn, people, companies))
    assignment.update(premises(conn))
    assignment.update(identifiers(conn))
    assignment.update(narrated_people(conn, assignment, people, judgements))
    assignment.update(singletons(conn, assignment))
    narrated = {m for m in assignment if from_text(m)}
    assignment = judged_together(assignment, judgements, narrated)
    lap("by_rule")

    schemata = mention_schemata(conn)
    previous = mention_entities(conn)
    watching = before_resolution(conn)
    clusters: dict[str, list[str]] = defaultdict(list)
    for mention, head in assignment.items():
        clusters[f"{id_prefix(schemata[mention])}|{head}"].append(mention)
    prefixes = {head: head.split("|", 1)[0] for head in clusters}
    ids = stable_ids(clusters, previous, prefixes)
    entity_of = {m: ids[head] for head, members in clusters.items() for m in members}
    summary.mentions = len(entity_of)
    old_ids = set(previous.values())
    summary.kept_ids = len(set(ids.values()) & old_ids)
    summary.new_ids = len(set(ids.values()) - old_ids)
    summary.removed_ids = len(old_ids - set(ids.values()))

    entity_rows = _entity_rows(clusters, ids, schemata, mention_captions(conn))
    now = datetime.now(UTC)
    for row in entity_rows:
        summary.entities[row["schema"]] = summary.entities.get(row["schema"], 0) + 1
    # Rewrite entities and assignments where they changed; links and their evidence are
    # derived wholly.
    clear_links(conn)
    write_entities(conn, entity_rows, old_ids, now)
    assign_mentions(conn, entity_of, previous, found.digests)
    lap("entities")
    summary.links = write_links(conn, links_between(conn, entity_of))
    lap("links")
    if result is not None:
        keep_pairs(conn, run_id, result, people)
        summary.conflicts = list(result.conflicts)
        summary.working_name_joins = len(result.joins)
        summary.timings = dict(result.timings)
    written_statistics(conn)
    lap("pairs")
    summary.timings.update({f"store_{k}": v for k, v in stages.items()})
    summary.seconds = (datetime.now(UTC) - started).total_seconds()
    scoring = found.scoring.to_dict() if found.scoring is not None else None
    state = run_state(seen, found, judgements, summary.conflicts, scoring)
    counts = {"mentions": summary.mentions, "entities": summary.entities,
              "links": summary.links, "judgements": summary.judgements,
              "kept_ids": summary.kept_ids, "new_ids": summary.new_ids,
              "removed_ids": summary.removed_ids, "mode": summary.mode,
              "fresh": summary.fresh}  # fmt: skip
    finish_run(conn, run_id, found, scoring, state, counts)
    after_resolution(conn, watching, previous, entity_of, run_id)  # not counted: see check
    return summary


def _entity_rows(
    clusters: Mapping[str, list[str]],
    ids: Mapping[str, str],
    schemata: Mapping[str, str],
    captions: Mapping[str, tuple[str, str]],
) -> list[dict[str, Any]]:
    """One entity per cluster: its id, the schema its mentions agree on, and the caption
    they give (:func:`threadline.model.captions.caption_of`)."""
    rows = []
    for head, members in clusters.items():
        schema = _schema_of(schemata[m] for m in members)
        caption = caption_of(captions[m] for m in members if m in captions)
        rows.append({"id": ids[head], "schema": schema, "caption": caption[:2000]})
    return rows


def _schema_of(schemata: Iterable[str]) -> str:
    """The most specific schema a cluster's mentions agree on (Company over LegalEntity)."""
    names = sorted(set(schemata))
    chosen = model.get(names[0])
    for name in names[1:]:
        other = model.get(name)
        if chosen is None or other is None:
            continue
        with suppress(InvalidData):  # unrelated schemata: keep the first, say nothing
            chosen = model.common_schema(chosen, other)
    return chosen.name if chosen is not None else names[0]


def _unchanged(latest: Any, started: datetime) -> ResolveSummary:
    """The summary of a run that finds nothing new since run ``latest``: it makes no run."""
    counts = latest.counts or {}
    summary = ResolveSummary(int(latest.id), mode="unchanged")
    summary.mentions = int(counts.get("mentions", 0))
    summary.entities = dict(counts.get("entities", {}))
    summary.links = int(counts.get("links", 0))
    summary.judgements = int(counts.get("judgements", 0))
    summary.kept_ids = sum(summary.entities.values())
    summary.conflicts = [(a, b) for a, b in (latest.state or {}).get("conflicts", [])]
    summary.seconds = (datetime.now(UTC) - started).total_seconds()
    return summary
