"""FollowTheMoney entities as JSON lines, each carrying its statements' provenance.

Each line is an FtM entity (``id``, ``schema``, ``properties``) that
``followthemoney.model.get_proxy`` loads, with FtM statements (``statements``) saying where
every value came from: the ``dataset`` is the agency and source (``police_intel``), the
``origin`` the record and its grade (``record:12 grade:1AP``), ``first_seen`` its report
date. ``datasets`` lists them, and ``threadline`` keeps Threadline's own id, the records, the
data-subject roles and the protection of the entity.

People, organisations, addresses, vehicles, accounts, notes and events become entities of
their schema; phones and email addresses, which FtM holds as values rather than entities,
become the ``phone`` and ``email`` of the entities that hold them (in the form Threadline's
value types cleaned them to, E.164 for phones). Links become FtM edge
entities (Employment, Directorship, Ownership, Family, Associate, else UnknownLink with the
link's type as its role), from the entity the link starts from.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema
from followthemoney.statement import Statement

from threadline.export.content import Content, Evidence, LinkRow, NodeRow
from threadline.export.hookspecs import hookimpl
from threadline.export.types import Exporter
from threadline.progress import Advance

__all__ = ["FTM", "dataset_name", "ftm_id", "register_exporters", "write_ftm"]

AS_PROPERTY = {"phone": "phone", "email": "email"}
"""Value node types FtM holds as properties of the entities that have them."""

CAPTION_PROP = {"Vehicle": "registrationNumber", "BankAccount": "accountNumber"}
"""Where a node's caption goes, when not the schema's first caption property."""

_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")


def ftm_id(name: str) -> str:
    """An FtM entity id for a Threadline node name: the name itself when FtM accepts it,
    else a slug of it with a digest (so ``phone:+44...`` and ``phone-44...`` stay apart).

    >>> ftm_id("e-lan-nguyen"), ftm_id("vrm:AB12CDE")
    ('e-lan-nguyen', 'vrm-AB12CDE-2c7ed29a')
    """
    if _ID.match(name) and len(name) <= 128:
        return name
    slug = re.sub(r"[^0-9a-zA-Z.\-]+", "-", name).strip("-.")[:100] or "node"
    return f"{slug}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"  # noqa: S324 - an id, not security


def dataset_name(evidence: Evidence) -> str:
    """The FtM dataset of a record: its agency and source, as a name.

    >>> from threadline.export.content import Evidence
    >>> dataset_name(Evidence(1, "police", "Intel Log", "1AP", "1A", "OFFICIAL", None))
    'police_intel_log'
    """
    return re.sub(r"[^a-z0-9]+", "_", f"{evidence.agency} {evidence.source}".lower()).strip("_")


def _schema(name: str) -> Schema:
    found = model.get(name)
    if found is None or found.abstract or found.edge:
        found = model.get("LegalEntity")
    assert found is not None
    return found


class _Entity:
    """One FtM entity being written: its proxy and the statements behind its values."""

    def __init__(self, schema: Schema, entity_id: str) -> None:
        self.proxy = EntityProxy(schema, {"id": entity_id})
        self.statements: list[dict[str, Any]] = []
        self.datasets: set[str] = set()

    def add(
        self, prop: str, value: str, evidence: Iterable[Evidence], *, checked: bool = False
    ) -> None:
        """Add a value FtM's type cleans (or, `checked` by Threadline's own value type
        already, as it is: FtM refuses the Ofcom drama numbers synthetic data uses)."""
        found = self.proxy.schema.get(prop)
        if found is None or not value:
            return
        cleaned = found.type.clean(value, proxy=self.proxy) or (value if checked else None)
        if cleaned is None:
            return
        self.proxy.unsafe_add(found, cleaned, cleaned=True)
        for e in evidence:
            dataset = dataset_name(e)
            self.datasets.add(dataset)
            seen = e.reported_on.isoformat() if e.reported_on else None
            key = f"{self.proxy.id}.{prop}.{e.record}.{cleaned}"
            self.statements.append(
                Statement(
                    entity_id=str(self.proxy.id), prop=prop, schema=self.proxy.schema.name,
                    value=cleaned, original_value=value if value != cleaned else None,
                    dataset=dataset, origin=f"record:{e.record} grade:{e.grade}",
                    first_seen=seen, last_seen=seen,
                    id=hashlib.sha1(key.encode()).hexdigest(),  # noqa: S324 - an id
                ).to_dict()  # type: ignore[arg-type]
            )  # fmt: skip

    def line(self, extra: dict[str, Any]) -> bytes:
        data = self.proxy.to_dict()
        data["caption"] = self.proxy.caption
        data["datasets"] = sorted(self.datasets)
        data["statements"] = self.statements
        data["threadline"] = extra
        return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _held_values(content: Content) -> dict[str, list[tuple[str, str, tuple[Evidence, ...]]]]:
    """Node name -> (property, value, evidence) of the phones and emails it holds."""
    g = content.graph
    held: dict[str, list[tuple[str, str, tuple[Evidence, ...]]]] = defaultdict(list)
    if not g.ecount():
        return held
    names, kinds, types = g.vs["name"], g.vs["kind"], g.vs["value_type"]
    for (a, b), records in zip(g.get_edgelist(), g.es["records"], strict=True):
        for here, there in ((a, b), (b, a)):
            prop = AS_PROPERTY.get(types[there])
            if prop and kinds[here] == "entity":
                value = names[there].split(":", 1)[-1]  # the node id: phone:+447700900123
                held[names[here]].append((prop, value, content.evidence_of(records)))
    return held


def _skipped(content: Content) -> set[str]:
    g = content.graph
    if not g.vcount():
        return set()
    return {v["name"] for v in g.vs if v["kind"] == "value" and v["value_type"] in AS_PROPERTY}


def _node(row: NodeRow, held: list[tuple[str, str, tuple[Evidence, ...]]]) -> bytes:
    schema = _schema(row.schema)
    entity = _Entity(schema, ftm_id(row.id))
    caption = CAPTION_PROP.get(schema.name) or (schema.caption[0] if schema.caption else "name")
    entity.add(caption, row.label, row.evidence)
    if caption != "name" and schema.get("name") is not None and schema.name != "Note":
        entity.add("name", row.label, row.evidence)
    by_record = {e.record: e for e in row.evidence}
    for prop, values in row.facts.items():
        for value, record in values:
            entity.add(prop, value, [by_record[record]] if record in by_record else [])
    for prop, value, evidence in held:
        entity.add(prop, value, evidence, checked=True)
    return entity.line(_extra(row.id, row.evidence, row, roles=row.roles))


def _extra(name: str, evidence: Iterable[Evidence], row: NodeRow | LinkRow,
           roles: Iterable[str] = ()) -> dict[str, Any]:  # fmt: skip
    return {
        "id": name,
        "records": [e.record for e in evidence],
        "roles": list(roles),
        "protection": row.protection.as_dict(),
    }


def _edge(row: LinkRow) -> bytes:
    found = model.get(row.schema) if row.schema else None
    schema = found if found is not None and found.edge else model.get("UnknownLink")
    assert schema is not None and schema.edge_source and schema.edge_target
    source, target = ftm_id(row.source), ftm_id(row.target)
    digest = hashlib.sha1(f"{row.source}|{row.type}|{row.target}".encode()).hexdigest()  # noqa: S324
    entity = _Entity(schema, f"link-{digest}")
    entity.add(schema.edge_source, source, row.evidence)
    entity.add(schema.edge_target, target, row.evidence)
    for prop in ("role", "relationship"):
        if schema.get(prop) is not None:
            entity.add(prop, row.label, row.evidence)
            break
    if row.start:
        entity.add("startDate", row.start, row.evidence)
    if row.end:
        entity.add("endDate", row.end, row.evidence)
    extra = _extra(row.id, row.evidence, row)
    extra.update({"type": row.type, "grade": row.grade, "weight": row.weight})
    return entity.line(extra)


def lines(content: Content, advance: Advance) -> Iterator[bytes]:
    """Each entity and link of `content` as one JSON line."""
    held = _held_values(content)
    skipped = _skipped(content)
    for row in content.nodes():
        if row.id not in skipped:
            yield _node(row, held.get(row.id, []))
        advance("rows", 1)
    for link in content.links():
        if link.source not in skipped and link.target not in skipped:
            yield _edge(link)
        advance("rows", 1)


def write_ftm(content: Content, out: BinaryIO, advance: Advance) -> None:
    """Write `content` as FtM JSON lines (see the module docstring)."""
    for line in lines(content, advance):
        out.write(line)


FTM = Exporter(
    name="ftm",
    suffix=".ftm.jsonl",
    media_type="application/x-ndjson",
    description="FollowTheMoney entities (JSON lines) with statements naming agency, "
    "source, record and grade",
    write=write_ftm,
)


@hookimpl
def register_exporters() -> list[Exporter]:
    """The FollowTheMoney exporter."""
    return [FTM]
