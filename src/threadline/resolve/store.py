"""Resolving the store: mentions become entities, link mentions become links between them.

People are scored by the Splink person model (`PersonResolver`); businesses by company number
and name (`CompanyMatcher`); premises by address and postcode, or UPRN; vehicles, bank accounts
and identity documents by their canonical identifiers. Analyst judgements on person mentions
always beat the model. Entity ids are stable: a new cluster keeps the id of the old entity it
shares most mentions with. Each run is kept with its trained model and what else it scored
with (term frequencies, blocking), so it can be explained and reproduced.

People are resolved incrementally: a run after an earlier one reuses that run's model and
scoring, scores only the person mentions that are new or changed since (against all the
others), takes the earlier scores for the rest, and clusters again only what those touch. The
result is the one scoring everything with the same model gives. A run trains afresh when asked
(``full=True``), when there is no earlier model, or when the people have more than doubled
since the model was trained.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from followthemoney import model
from followthemoney.exc import InvalidData
from sqlalchemy.engine import Connection

from threadline import __version__
from threadline.model.protection import Protection, combine, stored_protection
from threadline.resolve.address import resolve_addresses
from threadline.resolve.company import CompanyMatcher, CompanyRecord
from threadline.resolve.engine import (
    Earlier,
    Judgement,
    PersonResolver,
    ResolutionResult,
    Scoring,
)
from threadline.resolve.frames import business_frame, person_frame, premises_frame
from threadline.resolve.working_names import WorkingNameJoin
from threadline.store import tables as t
from threadline.store.database import bulk_insert

__all__ = [
    "KEEP_PAIRS_FROM",
    "ResolveSummary",
    "active_judgements",
    "person_table",
    "resolve_store",
]

KEEP_PAIRS_FROM = 0.2
"""Pairs scored at least this likely are kept with the run: the joined ones explain entities,
the uncertain ones make the review queue, and a later run reuses them (it needs every pair
at or above the match threshold)."""

RETRAIN_GROWTH = 2.0
"""A run trains the person model afresh when the person mentions have grown by this factor
since the model was trained: a model learnt on a few sources fits many sources less well."""

PREFIX = {
    "Person": "per",
    "LegalEntity": "org",
    "Address": "adr",
    "Vehicle": "veh",
    "BankAccount": "acc",
    "Identification": "doc",
    "Image": "img",
}
"""Entity id prefixes by schema family, so an id says what it names."""

_IDENTIFIER_PROPS = {
    "Vehicle": "registrationNumber",
    "BankAccount": "accountNumber",
    "Identification": "number",
    "Passport": "number",
    "Image": "contentHash",
}


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


def active_judgements(conn: Connection) -> list[Judgement]:
    """Every judgement not withdrawn, oldest first (a later one on the same pair wins)."""
    query = (
        sa.select(t.judgements.c.left_id, t.judgements.c.right_id, t.judgements.c.verdict)
        .where(t.judgements.c.deleted_at.is_(None))
        .order_by(t.judgements.c.id)
    )
    latest: dict[tuple[str, str], Judgement] = {}
    for left, right, verdict in conn.execute(query):
        pair = (min(left, right), max(left, right))
        latest[pair] = Judgement(pair[0], pair[1], verdict)
    return list(latest.values())


# -- clustering each kind of mention -----------------------------------------------------------


def person_table(conn: Connection) -> pa.Table:
    """The person table a run scores: every Person mention, with the businesses its record
    names resolved first by their own evidence (numbers, names, places), so that two records
    naming one business can say so."""
    return person_frame(conn, organisations=_businesses(conn, {}))


@dataclass(slots=True)
class _People:
    """The person clusters of a run and how they were made."""

    clusters: dict[str, str]
    result: ResolutionResult | None = None
    mode: str = "trained"
    model_run_id: int | None = None
    scoring: Scoring | None = None
    digests: dict[str, str] = field(default_factory=dict)
    trained_people: int = 0
    people: int = 0

    def fresh_count(self) -> int:
        """Person mentions scored again by an incremental run."""
        return self.result.counts.get("fresh", 0) if self.result is not None else 0


def _earlier_run(conn: Connection, before: int, run_id: int | None = None) -> Any:
    """The latest run before run ``before`` (or run ``run_id``), or None."""
    runs = t.resolution_runs
    query = sa.select(runs).where(runs.c.id < before).order_by(runs.c.id.desc()).limit(1)
    if run_id is not None:
        query = sa.select(runs).where(runs.c.id == run_id)
    return conn.execute(query).first()


def load_scoring(conn: Connection, run: Any) -> Scoring | None:
    """The blocking and term frequencies ``run`` scored with (None for a run made before
    they were kept)."""
    if not run.state or run.model_run_id is None:
        return None
    frequencies = conn.execute(
        sa.select(t.resolution_runs.c.term_frequencies).where(
            t.resolution_runs.c.id == run.model_run_id
        )
    ).scalar()
    if not frequencies or "blocking" not in run.state:
        return None
    return Scoring.from_dict(
        {"format": frequencies["format"], "blocking": run.state["blocking"],
         "term_frequencies": frequencies["term_frequencies"]}
    )  # fmt: skip


def _earlier_pairs(conn: Connection, run_id: int) -> pa.Table:
    p = t.resolution_pairs.c
    rows = conn.execute(
        sa.select(p.left_id, p.right_id, p.weight, p.probability).where(p.run_id == run_id)
    ).all()
    return pa.table(
        {
            "left_id": pa.array([r[0] for r in rows], pa.string()),
            "right_id": pa.array([r[1] for r in rows], pa.string()),
            "match_weight": pa.array([r[2] for r in rows], pa.float64()),
            "match_probability": pa.array([r[3] for r in rows], pa.float64()),
        }
    )


def _people(
    conn: Connection,
    run_id: int,
    judgements: list[Judgement],
    *,
    full: bool,
    model_of: int | None,
) -> _People:
    frame = person_table(conn)
    ids = frame.column("record_id").to_pylist()
    if len(ids) < 3:
        return _People({i: i for i in ids}, trained_people=len(ids), people=len(ids))
    base = _earlier_run(conn, run_id, model_of)
    if model_of is not None and base is None:
        raise ValueError(f"no resolution run {model_of}")
    scoring = load_scoring(conn, base) if base is not None and base.model else None
    state = (base.state or {}) if base is not None else {}
    trained = int(state.get("trained_people", 0))
    # Another version of Threadline may prepare the same records differently.
    other_version = state.get("version") != __version__
    if model_of is not None:
        if scoring is None:
            raise ValueError(f"run {model_of} kept no model and scoring to score with")
        resolver = PersonResolver.from_model_json(base.model, scoring)
        mode, model_run = "rescored", base.model_run_id
    elif full or scoring is None or other_version or len(ids) > RETRAIN_GROWTH * trained:
        resolver = PersonResolver()
        mode, model_run, trained = "trained", None, len(ids)
    else:
        resolver = PersonResolver.from_model_json(base.model, scoring)
        mode, model_run = "incremental", base.model_run_id
    try:
        if mode == "incremental":
            result = resolver.update(frame, _earlier(conn, base, state), judgements)
            if not result.counts.get("fresh") and not result.counts.get("reclustered"):
                mode = "kept"
        else:
            result = resolver.resolve(frame, judgements)
        digests = resolver.digests()
    finally:
        resolver.close()
    return _People(dict(result.clusters), result, mode, model_run, result.scoring, digests,
                   trained, len(ids))  # fmt: skip


def _earlier(conn: Connection, base: Any, state: Mapping[str, Any]) -> Earlier:
    """What the earlier run ``base`` left for an incremental run."""
    m = t.mentions.c
    before = conn.execute(
        sa.select(m.id, m.entity_id, m.resolved_digest).where(
            m.schema == "Person", m.resolved_digest.is_not(None)
        )
    ).all()
    clusters = {mention: entity for mention, entity, _ in before if entity is not None}
    digests = {mention: digest for mention, entity, digest in before if entity is not None}
    # Mentions gone since, and any that lost their entity (its row deleted), left the graph.
    removed = max(int(state.get("people", 0)) - len(clusters), 0)
    judged = [Judgement(a, b, v) for a, b, v in state.get("judgements", [])]
    joins = [WorkingNameJoin.from_dict(j) for j in state.get("working_names", [])]
    return Earlier(clusters, _earlier_pairs(conn, base.id), judged, digests, removed, joins)


def _businesses(conn: Connection, people: Mapping[str, str]) -> dict[str, str]:
    """Businesses by company number, tax reference, name and place, and by the people who run
    them or work for them (``people``: person mention -> resolved person)."""
    frame = business_frame(conn).to_pylist()

    def persons(mentions: list[str]) -> frozenset[str]:
        return frozenset(people.get(m, m) for m in mentions)

    records = [
        CompanyRecord(r["record_id"], r["name"] or "", r["registration_number"], r["postcode"],
                      r["tax_number"], persons(r["officers"]), persons(r["staff"]),
                      frozenset(r["record_postcodes"]))
        for r in frame
    ]  # fmt: skip
    return CompanyMatcher().resolve(records) if records else {}


def _premises(conn: Connection) -> dict[str, str]:
    """Premises by address and postcode, joined across sources by UPRN where one is known;
    named sites (ANPR cameras) by their name."""
    frame = premises_frame(conn).to_pylist()
    parent: dict[str, str] = {row["record_id"]: row["record_id"] for row in frame}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    addressed = [
        (row["record_id"], row["address"], row["postcode"])
        for row in frame
        if row["address"] and not row["name"]
    ]
    for mention, head in resolve_addresses(addressed).items():
        union(mention, head)
    first: dict[str, str] = {}
    for row in frame:
        for key in (f"uprn:{row['uprn']}" if row["uprn"] else None,
                    f"name:{row['name']}" if row["name"] else None):  # fmt: skip
            if key is None:
                continue
            if key in first:
                union(row["record_id"], first[key])
            else:
                first[key] = row["record_id"]
    return {mention: find(mention) for mention in parent}


def _identifiers(conn: Connection) -> dict[str, str]:
    """Vehicles, bank accounts and documents: the same canonical identifier is the same thing."""
    out: dict[str, str] = {}
    for schema, prop in _IDENTIFIER_PROPS.items():
        query = (
            sa.select(t.mentions.c.id, t.statements.c.value)
            .join(
                t.statements,
                sa.and_(t.statements.c.mention_id == t.mentions.c.id, t.statements.c.prop == prop),
                isouter=True,
            )
            .where(t.mentions.c.schema == schema)
            .order_by(t.mentions.c.id, t.statements.c.id)
        )
        heads: dict[str, str] = {}
        for mention_id, value in conn.execute(query):
            if mention_id in out:
                continue
            key = f"{schema}:{value}" if value else f"alone:{mention_id}"
            heads.setdefault(key, mention_id)
            out[mention_id] = heads[key]
    return out


def _singletons(conn: Connection, taken: Mapping[str, str]) -> dict[str, str]:
    """Every other non-link mention (events, notes...) is an entity of its own."""
    query = sa.select(t.mentions.c.id, t.mentions.c.schema)
    out = {}
    for mention_id, schema_name in conn.execute(query):
        schema = model.get(schema_name)
        if mention_id not in taken and schema is not None and not schema.edge:
            out[mention_id] = mention_id
    return out


# -- stable ids ---------------------------------------------------------------------------------


def _family(schema_name: str) -> str:
    schema = model.get(schema_name)
    for family, prefix in PREFIX.items():
        if schema is not None and schema.is_a(family):
            return prefix
    return "ent"


def _new_id(prefix: str, members: Iterable[str]) -> str:
    digest = hashlib.sha1(min(members).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{prefix}-{digest}"


def stable_ids(
    clusters: Mapping[str, list[str]], previous: Mapping[str, str], prefixes: Mapping[str, str]
) -> dict[str, str]:
    """Entity id for each cluster: the old id it shares most mentions with, else a new one.

    An id is never reused for another entity, even one that was merged away.

    >>> ids = stable_ids({"a": ["m1", "m2"], "b": ["m3"]}, {"m1": "per-x", "m2": "per-x",
    ...                  "m3": "per-x"}, {"a": "per", "b": "per"})
    >>> ids["a"], ids["b"] != "per-x"
    ('per-x', True)
    """
    overlap: Counter[tuple[str, str]] = Counter()
    for head, members in clusters.items():
        for member in members:
            old = previous.get(member)
            if old is not None:
                overlap[(head, old)] += 1
    chosen: dict[str, str] = {}
    claimed: set[str] = set()
    for (head, old), _count in sorted(overlap.items(), key=lambda item: (-item[1], item[0])):
        if head in chosen or old in claimed:
            continue
        chosen[head] = old
        claimed.add(old)
    taken = set(previous.values()) | set(chosen.values())
    for head, members in sorted(clusters.items()):
        if head in chosen:
            continue
        new = _new_id(prefixes[head], members)
        salt = 1
        while new in taken:  # an old entity (kept elsewhere or merged away) had this id
            salt += 1
            new = _new_id(prefixes[head], [f"{min(members)}#{salt}"])
        chosen[head] = new
        taken.add(new)
    return chosen


# -- the run ------------------------------------------------------------------------------------


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


def _protection(rows: Iterable[Mapping[str, Any]]) -> Protection:
    return combine(
        stored_protection(r["grading_scheme"], r["source_evaluation"], r["information_assessment"],
                          r["handling_code"], r["handling_conditions"], r["marking"])
        for r in rows
    )  # fmt: skip


def _links(conn: Connection, entity_of: Mapping[str, str]) -> list[dict[str, Any]]:
    """Links between entities from link mentions, with evidence, dates and protection."""
    query = (
        sa.select(t.mentions.c.id, t.mentions.c.schema, t.mentions.c.slot,
                  t.mentions.c.record_id, t.statements.c.prop, t.statements.c.value)
        .join(t.statements, t.statements.c.mention_id == t.mentions.c.id)
        .where(t.mentions.c.schema.in_([s.name for s in model.schemata.values() if s.edge]))
        .order_by(t.mentions.c.id)
    )  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for mention_id, schema_name, slot, record_id, prop, value in conn.execute(query):
        item = found.setdefault(
            mention_id,
            {"schema": schema_name, "slot": slot, "record": record_id, "props": defaultdict(list)},
        )
        item["props"][prop].append(value)
    grouped: dict[str, dict[str, Any]] = {}
    for item in found.values():
        schema = model.get(item["schema"])
        if schema is None:
            continue
        props = item["props"]
        sources = props.get(str(schema.edge_source), [])
        targets = props.get(str(schema.edge_target), [])
        if not sources or not targets:
            continue
        source, target = entity_of.get(sources[0]), entity_of.get(targets[0])
        if source is None or target is None or source == target:
            continue
        parts = str(item["slot"]).split("-")
        kind = parts[1] if len(parts) == 3 else None
        key = f"{item['schema']}|{kind}|{source}|{target}"
        link_id = "lnk-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]
        link = grouped.setdefault(
            link_id,
            {"id": link_id, "schema": item["schema"], "type": kind, "source_id": source,
             "target_id": target, "records": set(), "dates": []},
        )  # fmt: skip
        link["records"].add(item["record"])
        link["dates"].extend(props.get("startDate", []))
    return list(grouped.values())


def resolve_store(
    conn: Connection,
    *,
    user_id: int | None = None,
    full: bool = False,
    model_of: int | None = None,
) -> ResolveSummary:
    """Resolve every mention in the store (within the caller's transaction).

    People are resolved incrementally after an earlier run (see the module's docstring);
    ``full`` trains a new model and scores everything; ``model_of`` scores everything with the
    model and scoring of that earlier run (to reproduce it, or to check an incremental run).
    """
    started = datetime.now(UTC)
    seen = _fingerprint(conn)
    if not full and model_of is None:
        latest = conn.execute(
            sa.select(t.resolution_runs.c.id, t.resolution_runs.c.state, t.resolution_runs.c.counts)
            .order_by(t.resolution_runs.c.id.desc())
            .limit(1)
        ).first()
        state = (latest.state or {}) if latest is not None else {}
        if state.get("fingerprint") == seen and state.get("version") == __version__:
            return _unchanged(latest, started)
    run_id = int(
        conn.execute(
            sa.insert(t.resolution_runs)
            .values(user_id=user_id, started_at=started, counts={})
            .returning(t.resolution_runs.c.id)
        ).scalar_one()
    )
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

    found = _people(conn, run_id, judgements, full=full, model_of=model_of)
    lap("people")
    people, result = found.clusters, found.result
    summary.mode = found.mode
    summary.fresh = found.people if found.mode in ("trained", "rescored") else found.fresh_count()
    assignment: dict[str, str] = dict(people)
    assignment.update(_businesses(conn, people))
    assignment.update(_premises(conn))
    assignment.update(_identifiers(conn))
    assignment.update(_singletons(conn, assignment))
    lap("by_rule")

    schemata = dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.schema)).all())
    previous: dict[str, str] = dict(
        conn.execute(
            sa.select(t.mentions.c.id, t.mentions.c.entity_id).where(
                t.mentions.c.entity_id.is_not(None)
            )
        ).all()
    )
    clusters: dict[str, list[str]] = defaultdict(list)
    for mention, head in assignment.items():
        clusters[f"{_family(schemata[mention])}|{head}"].append(mention)
    prefixes = {head: head.split("|", 1)[0] for head in clusters}
    ids = stable_ids(clusters, previous, prefixes)
    entity_of = {m: ids[head] for head, members in clusters.items() for m in members}
    summary.mentions = len(entity_of)
    old_ids = set(previous.values())
    summary.kept_ids = len(set(ids.values()) & old_ids)
    summary.new_ids = len(set(ids.values()) - old_ids)
    summary.removed_ids = len(old_ids - set(ids.values()))

    captions = dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.caption)).all())
    now = datetime.now(UTC)
    entity_rows = []
    for head, members in clusters.items():
        schema = _schema_of(schemata[m] for m in members)
        names = Counter(captions.get(m) or "" for m in members if captions.get(m))
        caption = max(names.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0] if names else ""
        entity_rows.append({"id": ids[head], "schema": schema, "caption": caption[:2000]})
        summary.entities[schema] = summary.entities.get(schema, 0) + 1

    # Rewrite entities and assignments where they changed; links and their evidence are
    # derived wholly.
    conn.execute(sa.delete(t.link_evidence))
    conn.execute(sa.delete(t.links))
    keep = {row["id"] for row in entity_rows}
    stale = [e for e in old_ids if e not in keep]
    for start in range(0, len(stale), 500):
        conn.execute(sa.delete(t.entities).where(t.entities.c.id.in_(stale[start : start + 500])))
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
    m = t.mentions.c
    digest_of = dict(
        conn.execute(sa.select(m.id, m.resolved_digest).where(m.resolved_digest.is_not(None))).all()
    )
    moved = [
        {"mid": mention, "eid": entity_of.get(mention), "digest": found.digests.get(mention)}
        for mention in sorted(set(entity_of) | set(previous) | set(digest_of))
        if (previous.get(mention), digest_of.get(mention))
        != (entity_of.get(mention), found.digests.get(mention))
    ]
    if moved:
        conn.execute(
            sa.update(t.mentions)
            .where(m.id == sa.bindparam("mid"))
            .values(entity_id=sa.bindparam("eid"), resolved_digest=sa.bindparam("digest")),
            moved,
        )
    lap("entities")
    summary.links = _write_links(conn, _links(conn, entity_of))
    lap("links")
    if result is not None:
        _keep_pairs(conn, run_id, result, people)
        summary.conflicts = list(result.conflicts)
        summary.working_name_joins = len(result.joins)
        summary.timings = dict(result.timings)
    lap("pairs")
    summary.timings.update({f"store_{k}": v for k, v in stages.items()})
    summary.seconds = (datetime.now(UTC) - started).total_seconds()
    scoring = found.scoring.to_dict() if found.scoring is not None else None
    trained = found.mode == "trained" and scoring is not None
    state = {
        "version": __version__,
        "fingerprint": seen,
        "people": found.people,
        "trained_people": found.trained_people,
        "judgements": sorted([j.left_id, j.right_id, j.verdict] for j in judgements),
        "conflicts": [list(c) for c in summary.conflicts],
        "working_names": [j.to_dict() for j in result.joins] if result is not None else [],
    }
    if scoring is not None:
        state["blocking"] = scoring["blocking"]
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
            counts={"mentions": summary.mentions, "entities": summary.entities,
                    "links": summary.links, "judgements": summary.judgements,
                    "kept_ids": summary.kept_ids, "new_ids": summary.new_ids,
                    "removed_ids": summary.removed_ids, "mode": summary.mode,
                    "fresh": summary.fresh},
        )
    )  # fmt: skip
    return summary


def _fingerprint(conn: Connection) -> list[int]:
    """Counts and id sums that change whenever a batch is loaded, altered, rolled back or
    erased, or a judgement is given or withdrawn: equal, nothing is new since a run."""
    out: list[int] = []
    for table in (t.records, t.statements, t.judgements):
        out.extend(
            int(v or 0)
            for v in conn.execute(
                sa.select(sa.func.count(), sa.func.sum(table.c.id), sa.func.max(table.c.id))
            ).one()
        )
    mentions = conn.execute(sa.select(sa.func.count()).select_from(t.mentions)).scalar_one()
    withdrawn = conn.execute(
        sa.select(sa.func.count()).where(t.judgements.c.deleted_at.is_not(None))
    ).scalar_one()
    return [*out, int(mentions), int(withdrawn)]


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


def _write_links(conn: Connection, links: list[dict[str, Any]]) -> int:
    records = {r for link in links for r in link["records"]}
    grades: dict[int, Any] = {}
    ids = sorted(records)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        query = sa.select(
            t.records.c.id, t.records.c.grading_scheme, t.records.c.source_evaluation,
            t.records.c.information_assessment, t.records.c.handling_code,
            t.records.c.handling_conditions, t.records.c.marking,
        ).where(t.records.c.id.in_(chunk))  # fmt: skip
        for row in conn.execute(query):
            grades[int(row.id)] = row._mapping
    rows: list[tuple[Any, ...]] = []
    evidence: list[tuple[str, int]] = []
    for link in links:
        protection = _protection(grades[r] for r in link["records"] if r in grades)
        dates = sorted(d for d in link["dates"] if d)
        rows.append(
            (link["id"], link["schema"], link["source_id"], link["target_id"],
             dates[0] if dates else None, dates[-1] if len(dates) > 1 else None,
             protection.marking.value, protection.handling, json.dumps(list(protection.conditions)),
             link["type"])
        )  # fmt: skip
        evidence.extend((link["id"], r) for r in sorted(link["records"]))
    bulk_insert(
        conn, t.links,
        ("id", "schema", "source_id", "target_id", "start_date", "end_date", "marking",
         "handling_code", "handling_conditions", "type"),
        rows,
    )  # fmt: skip
    bulk_insert(conn, t.link_evidence, ("link_id", "record_id"), evidence)
    return len(rows)


def _keep_pairs(
    conn: Connection, run_id: int, result: ResolutionResult, clusters: Mapping[str, str]
) -> None:
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
