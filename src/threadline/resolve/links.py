"""Links between entities: derived wholly from link mentions at every run, with the records
that evidence them, their dates, and the protection of those records combined.

A link is one relationship (an FtM edge schema and, for some, a type) between two entities;
its id is derived from both ends, so a run that finds it again gives it the same id.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from followthemoney import model
from sqlalchemy.engine import Connection

from threadline.model.protection import Protection, combine, stored_protection
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import bulk_insert

__all__ = ["clear_links", "links_between", "write_links"]


def clear_links(conn: Connection) -> None:
    """Delete every link and its evidence: a run derives them again."""
    conn.execute(sa.delete(t.link_evidence))
    conn.execute(sa.delete(t.links))


def links_between(conn: Connection, entity_of: Mapping[str, str]) -> list[dict[str, Any]]:
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
    schemata = {name: model.get(name) for name in {item["schema"] for item in found.values()}}
    for item in found.values():
        schema = schemata[item["schema"]]
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


def write_links(conn: Connection, links: list[dict[str, Any]]) -> int:
    """Write ``links`` with their evidence and protection; how many."""
    records = {r for link in links for r in link["records"]}
    grades: dict[int, Protection] = {}  # each record's, worked out once for all its links
    ids = sorted(records)
    for chunk in chunked(ids, 1000):
        query = sa.select(
            t.records.c.id, t.records.c.grading_scheme, t.records.c.source_evaluation,
            t.records.c.information_assessment, t.records.c.handling_code,
            t.records.c.handling_conditions, t.records.c.marking,
        ).where(t.records.c.id.in_(chunk))  # fmt: skip
        for row in conn.execute(query):
            grades[int(row.id)] = stored_protection(
                row.grading_scheme, row.source_evaluation, row.information_assessment,
                row.handling_code, row.handling_conditions, row.marking,
            )  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    evidence: list[tuple[str, int]] = []
    for link in links:
        protection = combine(grades[r] for r in link["records"] if r in grades)
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
