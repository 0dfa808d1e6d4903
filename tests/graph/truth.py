"""Resolution by the scenario's ground truth, for end-to-end tests of the analysis.

Resolution proper is another stage; these tests need entities and links now, and resolving
by the truth shows what the analysis finds when resolution is perfect. Mentions the truth
names become its entities; vehicles and accounts are resolved by their number; everything
else is its own entity. Each link mention becomes a link from its record.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
import yaml

from threadline.model.links import link_types
from threadline.store import Store
from threadline.store import tables as t

KEYED = {("Vehicle", "registrationNumber"), ("BankAccount", "accountNumber")}
SPECIFIC = ("Person", "Company", "Organization", "Address")
"""A true entity's schema: the most specific one its mentions use (a landlord named as a
LegalEntity by one source is the Person another source names)."""


def resolve_by_truth(store: Store, scenario: Path) -> dict[str, str]:
    """Fill `entities`, `mentions.entity_id`, `links` and `link_evidence`; return
    mention id -> entity id."""
    index = yaml.safe_load((scenario / "sources.yaml").read_text())["sources"]
    truth: dict[str, str] = {}
    with (scenario / "truth" / "mentions.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            for e in index:
                if row["file"] == e["file"] or row["file"].startswith(e["file"] + "/"):
                    truth[f"{e['agency']}/{e['mapping']}:{row['key']}:{row['slot']}"] = row[
                        "true_id"
                    ]
    types = link_types()
    edge_schemata = {spec.schema for spec in types.values()}
    with store.connect() as conn:
        mentions = conn.execute(
            sa.select(t.mentions.c.id, t.mentions.c.record_id, t.mentions.c.schema,
                      t.mentions.c.slot, t.mentions.c.caption)
        ).all()  # fmt: skip
        values: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
        for row in conn.execute(
            sa.select(t.statements.c.mention_id, t.statements.c.prop, t.statements.c.value,
                      t.statements.c.original_value)
        ):  # fmt: skip
            values[row.mention_id][row.prop].append((row.value, row.original_value))
        entity_of: dict[str, str] = {}
        entities: dict[str, tuple[str, str]] = {}
        for m in mentions:
            if m.schema in edge_schemata:
                continue
            if m.id in truth:
                eid = truth[m.id]
            else:
                key = next(
                    (v[0][0] for (s, p) in KEYED if s == m.schema and (v := values[m.id].get(p))),
                    None,
                )
                if key is None and m.schema == "Address" and m.caption:
                    key = m.caption.casefold()
                eid = f"{m.schema}:{key}" if key else f"M:{m.id}"
            entity_of[m.id] = eid
            known = entities.get(eid)
            if known is None or (m.schema in SPECIFIC and known[0] not in SPECIFIC):
                entities[eid] = (m.schema, m.caption)
        conn.execute(
            sa.insert(t.entities),
            [{"id": e, "schema": s, "caption": c} for e, (s, c) in sorted(entities.items())],
        )
        for start in range(0, len(mentions), 5000):
            chunk = [m for m in mentions[start : start + 5000] if m.id in entity_of]
            conn.execute(
                sa.update(t.mentions)
                .where(t.mentions.c.id == sa.bindparam("mid"))
                .values(entity_id=sa.bindparam("eid")),
                [{"mid": m.id, "eid": entity_of[m.id]} for m in chunk],
            )
        links, evidence = [], []
        for m in mentions:
            if m.schema not in edge_schemata or m.slot.count("-") != 2:
                continue
            kind = m.slot.split("-")[1]
            spec = types.get(kind)
            stated = values[m.id]
            if spec is None or not stated.get(spec.source_prop) or not stated.get(spec.target_prop):
                continue
            source = entity_of.get(stated[spec.source_prop][0][0])
            target = entity_of.get(stated[spec.target_prop][0][0])
            if source is None or target is None or source == target:
                continue
            start = stated["startDate"][0][0] if stated.get("startDate") else None
            links.append(
                {"id": f"L:{m.id}", "schema": spec.schema, "type": kind, "source_id": source,
                 "target_id": target, "start_date": start, "marking": "OFFICIAL",
                 "handling_code": "P", "handling_conditions": []}
            )  # fmt: skip
            evidence.append({"link_id": f"L:{m.id}", "record_id": m.record_id})
        if links:
            conn.execute(sa.insert(t.links), links)
            conn.execute(sa.insert(t.link_evidence), evidence)
    return entity_of
