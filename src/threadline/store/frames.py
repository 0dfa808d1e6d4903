"""Mention tables for bulk analysis: one row per mention, one column per property.

Resolution and analytics work on columns, not on statements. These functions pivot the
statements of one kind of mention (people, businesses, premises) into a pyarrow table that
Splink/DuckDB can read, following lives-at and located-at links for addresses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t

__all__ = ["PERSON_COLUMNS", "business_frame", "person_frame", "premises_frame"]

PERSON_COLUMNS = (
    "record_id", "source", "given_name", "surname", "full_name", "date_of_birth", "phone",
    "email", "address", "postcode", "nationality", "national_id", "document_number",
)  # fmt: skip
"""The person table every resolver reads (`threadline evaluate er` reads the same columns)."""

_PERSON_PROPS = {
    "firstName": "given_name",
    "lastName": "surname",
    "name": "full_name",
    "birthDate": "date_of_birth",
    "phone": "phone",
    "email": "email",
    "nationality": "nationality",
    "socialSecurityNumber": "national_id",
    "passportNumber": "document_number",
}

_LIVES = ("lives_at", "located_at")


def _first(values: dict[str, list[str]], column: str) -> str | None:
    found = values.get(column)
    return found[0] if found else None


def _statements(
    conn: Connection, schemata: Iterable[str], props: Iterable[str], mention_ids: set[str] | None
) -> dict[str, dict[str, list[str]]]:
    """prop -> values for every mention of the schemata (usable values first)."""
    query = (
        sa.select(t.statements.c.mention_id, t.statements.c.prop, t.statements.c.value,
                  t.statements.c.flags)
        .where(t.statements.c.schema.in_(list(schemata)), t.statements.c.prop.in_(list(props)),
               t.statements.c.origin != "extracted")
        .order_by(t.statements.c.id)
    )  # fmt: skip
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for mention_id, prop, value, flags in conn.execute(query):
        if mention_ids is not None and mention_id not in mention_ids:
            continue
        bucket = out[mention_id][prop]
        if flags and ("unparsed" in flags or "raw" in flags):
            bucket.append(value)
        else:
            bucket.insert(0, value)
    return out


def _linked(conn: Connection, link_types: tuple[str, ...]) -> dict[str, list[str]]:
    """For each mention, the mentions its links of these types point at (in record order)."""
    source = t.statements.alias("source")
    target = t.statements.alias("target")
    query = (
        sa.select(source.c.value, target.c.value)
        .join(target, target.c.mention_id == source.c.mention_id)
        .join(t.mentions, t.mentions.c.id == source.c.mention_id)
        .where(
            sa.or_(*[t.mentions.c.slot.like(f"%-{kind}-%") for kind in link_types]),
            source.c.prop.in_(("subject", "owner", "employee", "person")),
            target.c.prop.in_(("object", "asset", "employer", "associate")),
        )
        .order_by(source.c.id)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for left, right in conn.execute(query):
        out[left].append(right)
    return out


def _mentions(conn: Connection, schemata: Iterable[str]) -> list[tuple[str, str]]:
    query = (
        sa.select(t.mentions.c.id, t.mentions.c.record_id)
        .where(t.mentions.c.schema.in_(list(schemata)))
        .order_by(t.mentions.c.id)
    )
    return [(str(m), str(r)) for m, r in conn.execute(query)]


def _source_of(mention_id: str) -> str:
    """The agency/mapping prefix of a mention id: where the mention came from."""
    return mention_id.split(":", 1)[0]


def person_frame(conn: Connection, mention_ids: set[str] | None = None) -> pa.Table:
    """One row per Person mention with the columns of PERSON_COLUMNS."""
    values = _statements(conn, ("Person",), _PERSON_PROPS, mention_ids)
    homes = _linked(conn, _LIVES)
    address = _statements(conn, ("Address",), ("full", "postalCode"), None)
    documents = _linked(conn, ("holds_document",))
    docs = _statements(conn, ("Identification", "Passport"), ("number",), None)
    rows: dict[str, list[str | None]] = {c: [] for c in PERSON_COLUMNS}
    for mention_id, _record in _mentions(conn, ("Person",)):
        if mention_ids is not None and mention_id not in mention_ids:
            continue
        props = values.get(mention_id, {})
        by_column: dict[str, list[str]] = defaultdict(list)
        for prop, column in _PERSON_PROPS.items():
            by_column[column].extend(props.get(prop, []))
        home = next((address[a] for a in homes.get(mention_id, []) if a in address), {})
        doc = next((docs[d] for d in documents.get(mention_id, []) if d in docs), {})
        rows["record_id"].append(mention_id)
        rows["source"].append(_source_of(mention_id))
        for column in PERSON_COLUMNS[2:]:
            rows[column].append(_first(by_column, column))
        rows["address"][-1] = _first(home, "full")
        rows["postcode"][-1] = _first(home, "postalCode")
        if rows["document_number"][-1] is None:
            rows["document_number"][-1] = _first(doc, "number")
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in rows.items()})


def business_frame(conn: Connection) -> pa.Table:
    """One row per Company/Organization/LegalEntity mention: name, number, address, postcode."""
    schemata = ("Company", "Organization", "LegalEntity")
    values = _statements(conn, schemata, ("name", "registrationNumber", "sector"), None)
    sites = _linked(conn, ("located_at",))
    address = _statements(conn, ("Address",), ("full", "postalCode"), None)
    columns = ("record_id", "source", "schema", "name", "registration_number", "sector",
               "address", "postcode")  # fmt: skip
    rows: dict[str, list[str | None]] = {c: [] for c in columns}
    query = sa.select(t.mentions.c.id, t.mentions.c.schema).where(t.mentions.c.schema.in_(schemata))
    for mention_id, schema in conn.execute(query.order_by(t.mentions.c.id)):
        props = values.get(mention_id, {})
        site = next((address[a] for a in sites.get(mention_id, []) if a in address), {})
        rows["record_id"].append(mention_id)
        rows["source"].append(_source_of(mention_id))
        rows["schema"].append(schema)
        rows["name"].append(_first(props, "name"))
        rows["registration_number"].append(_first(props, "registrationNumber"))
        rows["sector"].append(_first(props, "sector"))
        rows["address"].append(_first(site, "full"))
        rows["postcode"].append(_first(site, "postalCode"))
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in rows.items()})


def premises_frame(conn: Connection) -> pa.Table:
    """One row per Address mention: full address, postcode, UPRN."""
    values = _statements(conn, ("Address",), ("full", "postalCode", "uprn", "name"), None)
    columns = ("record_id", "source", "address", "postcode", "uprn", "name")
    rows: dict[str, list[str | None]] = {c: [] for c in columns}
    for mention_id, _record in _mentions(conn, ("Address",)):
        props = values.get(mention_id, {})
        rows["record_id"].append(mention_id)
        rows["source"].append(_source_of(mention_id))
        rows["address"].append(_first(props, "full"))
        rows["postcode"].append(_first(props, "postalCode"))
        rows["uprn"].append(_first(props, "uprn"))
        rows["name"].append(_first(props, "name"))
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in rows.items()})
