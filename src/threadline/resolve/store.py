"""Resolving the store: mentions become entities, link mentions become links between them.

People are scored by the Splink person model (`PersonResolver`); businesses by company number
and name (`CompanyMatcher`); premises by address and postcode, or UPRN; vehicles, bank accounts
and identity documents by their canonical identifiers. Analyst judgements on person mentions
always beat the model. Entity ids are stable: a new cluster keeps the id of the old entity it
shares most mentions with. Each run is kept with its trained model, so it can be explained.
"""

from __future__ import annotations

import hashlib
import json
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

from threadline.model.protection import Protection, combine, stored_protection
from threadline.resolve.address import resolve_addresses
from threadline.resolve.company import CompanyMatcher, CompanyRecord
from threadline.resolve.engine import Judgement, PersonResolver, ResolutionResult
from threadline.store import tables as t
from threadline.store.database import bulk_insert
from threadline.store.frames import business_frame, person_frame, premises_frame

__all__ = [
    "KEEP_PAIRS_FROM",
    "ResolveSummary",
    "active_judgements",
    "person_table",
    "resolve_store",
]

KEEP_PAIRS_FROM = 0.2
"""Pairs scored at least this likely are kept with the run: the joined ones explain entities,
the uncertain ones make the review queue."""

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
    mentions: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    links: int = 0
    kept_ids: int = 0
    new_ids: int = 0
    removed_ids: int = 0
    judgements: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
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


def _people(
    conn: Connection, judgements: list[Judgement]
) -> tuple[dict[str, str], ResolutionResult | None]:
    frame = person_table(conn)
    ids = frame.column("record_id").to_pylist()
    if len(ids) < 3:
        return {i: i for i in ids}, None
    resolver = PersonResolver()
    try:
        result = resolver.resolve(frame, judgements)
    finally:
        resolver.close()
    return dict(result.clusters), result


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


def resolve_store(conn: Connection, *, user_id: int | None = None) -> ResolveSummary:
    """Resolve every mention in the store (within the caller's transaction)."""
    started = datetime.now(UTC)
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
    people, result = _people(conn, judgements)
    assignment: dict[str, str] = dict(people)
    assignment.update(_businesses(conn, people))
    assignment.update(_premises(conn))
    assignment.update(_identifiers(conn))
    assignment.update(_singletons(conn, assignment))

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

    # Rewrite entities, assignments and links: links and their evidence are derived wholly.
    conn.execute(sa.delete(t.link_evidence))
    conn.execute(sa.delete(t.links))
    conn.execute(sa.update(t.mentions).values(entity_id=None))
    keep = {row["id"] for row in entity_rows}
    stale = [e for e in old_ids if e not in keep]
    for start in range(0, len(stale), 500):
        conn.execute(sa.delete(t.entities).where(t.entities.c.id.in_(stale[start : start + 500])))
    existing = set(conn.execute(sa.select(t.entities.c.id)).scalars())
    fresh = [row for row in entity_rows if row["id"] not in existing]
    if fresh:
        conn.execute(sa.insert(t.entities), [{**r, "updated_at": now} for r in fresh])
    changed = [row for row in entity_rows if row["id"] in existing]
    if changed:
        conn.execute(
            sa.update(t.entities)
            .where(t.entities.c.id == sa.bindparam("eid"))
            .values(schema=sa.bindparam("eschema"), caption=sa.bindparam("ecaption"),
                    updated_at=now, stale=False),
            [{"eid": r["id"], "eschema": r["schema"], "ecaption": r["caption"]} for r in changed],
        )  # fmt: skip
    conn.execute(
        sa.update(t.mentions)
        .where(t.mentions.c.id == sa.bindparam("mid"))
        .values(entity_id=sa.bindparam("eid")),
        [{"mid": m, "eid": e} for m, e in entity_of.items()],
    )
    summary.links = _write_links(conn, _links(conn, entity_of))
    if result is not None:
        _keep_pairs(conn, run_id, result, people)
        summary.conflicts = list(result.conflicts)
        summary.timings = dict(result.timings)
    summary.seconds = (datetime.now(UTC) - started).total_seconds()
    conn.execute(
        sa.update(t.resolution_runs)
        .where(t.resolution_runs.c.id == run_id)
        .values(
            finished_at=datetime.now(UTC),
            model=result.model_json if result is not None else "",
            counts={"mentions": summary.mentions, "entities": summary.entities,
                    "links": summary.links, "judgements": summary.judgements,
                    "kept_ids": summary.kept_ids, "new_ids": summary.new_ids,
                    "removed_ids": summary.removed_ids},
        )
    )  # fmt: skip
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
    rows = []
    seen: set[tuple[str, str]] = set()
    for left, right, weight, probability in zip(
        pairs.column("left_id").to_pylist(), pairs.column("right_id").to_pylist(),
        pairs.column("match_weight").to_pylist(), pairs.column("match_probability").to_pylist(),
        strict=True,
    ):  # fmt: skip
        if probability is None or probability < KEEP_PAIRS_FROM:
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
