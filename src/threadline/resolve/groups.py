"""Mentions grouped by rule: businesses, premises, identifiers, and everything else alone.

Businesses are matched by company number, tax reference, name and place, and by the people
who run them or work for them (`CompanyMatcher`); premises by address and postcode, or UPRN;
vehicles, bank accounts and identity documents by their canonical identifiers. Each function
gives mention -> the mention heading its group. The person table a run scores names the
businesses of each record, grouped here first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa
import sqlalchemy as sa
from followthemoney import model
from sqlalchemy.engine import Connection

from threadline.resolve.address import resolve_addresses
from threadline.resolve.company import CompanyMatcher, CompanyRecord
from threadline.resolve.frames import business_frame, person_frame, premises_frame
from threadline.resolve.results import Judgement
from threadline.resolve.union_find import Groups
from threadline.store import tables as t

__all__ = [
    "businesses",
    "identifiers",
    "judged_together",
    "person_table",
    "premises",
    "singletons",
]

_IDENTIFIER_PROPS = {
    "Vehicle": "registrationNumber",
    "BankAccount": "accountNumber",
    "Identification": "number",
    "Passport": "number",
    "Image": "contentHash",
}


def person_table(conn: Connection, companies: pa.Table | None = None) -> pa.Table:
    """The person table a run scores: every Person mention, with the businesses its record
    names resolved first by their own evidence (numbers, names, places), so that two records
    naming one business can say so (``companies``: the store's
    :func:`~threadline.resolve.frames.business_frame`, when the caller has it already)."""
    return person_frame(conn, organisations=businesses(conn, {}, companies))


def businesses(
    conn: Connection, people: Mapping[str, str], companies: pa.Table | None = None
) -> dict[str, str]:
    """Businesses by company number, tax reference, name and place, and by the people who run
    them or work for them (``people``: person mention -> resolved person; ``companies``: the
    store's :func:`~threadline.resolve.frames.business_frame`, read here if not given)."""
    frame = (companies if companies is not None else business_frame(conn)).to_pylist()

    def persons(mentions: list[str]) -> frozenset[str]:
        return frozenset(people.get(m, m) for m in mentions)

    records = [
        CompanyRecord(r["record_id"], r["name"] or "", r["registration_number"], r["postcode"],
                      r["tax_number"], persons(r["officers"]), persons(r["staff"]),
                      frozenset(r["record_postcodes"]))
        for r in frame
    ]  # fmt: skip
    return CompanyMatcher().resolve(records) if records else {}


def premises(conn: Connection) -> dict[str, str]:
    """Premises by address and postcode, joined across sources by UPRN where one is known;
    named sites (ANPR cameras) by their name."""
    frame = premises_frame(conn).to_pylist()
    groups = Groups()

    addressed = [
        (row["record_id"], row["address"], row["postcode"])
        for row in frame
        if row["address"] and not row["name"]
    ]
    for mention, head in resolve_addresses(addressed).items():
        groups.join(mention, head)
    first: dict[str, str] = {}
    for row in frame:
        for key in (f"uprn:{row['uprn']}" if row["uprn"] else None,
                    f"name:{row['name']}" if row["name"] else None):  # fmt: skip
            if key is None:
                continue
            if key in first:
                groups.join(row["record_id"], first[key])
            else:
                first[key] = row["record_id"]
    return {row["record_id"]: groups.head(row["record_id"]) for row in frame}


def identifiers(conn: Connection) -> dict[str, str]:
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


def singletons(conn: Connection, taken: Mapping[str, str]) -> dict[str, str]:
    """Every other non-link mention (events, notes...) is an entity of its own."""
    query = sa.select(t.mentions.c.id, t.mentions.c.schema)
    out = {}
    for mention_id, schema_name in conn.execute(query):
        schema = model.get(schema_name)
        if mention_id not in taken and schema is not None and not schema.edge:
            out[mention_id] = mention_id
    return out


def judged_together(
    assignment: Mapping[str, str], judgements: Iterable[Judgement], outside: set[str]
) -> dict[str, str]:
    """`assignment` with every "same" judgement on a mention in `outside` (people a narrative
    names, whom the person model does not score) carried out: the mention, and any others of
    its own group, join the group of the mention it was judged the same as.

    >>> judged_together({"a": "a", "t": "t", "u": "t"}, [Judgement("a", "t", "same")], {"t"})
    {'a': 'a', 't': 'a', 'u': 'a'}
    """
    out = dict(assignment)
    for j in judgements:
        if j.verdict != "same" or not {j.left_id, j.right_id} & outside:
            continue
        if j.left_id not in out or j.right_id not in out:
            continue
        keep, gone = sorted(
            (out[j.left_id], out[j.right_id]), key=lambda head: head in outside
        )  # a head the model placed wins over one of a narrative's people
        if keep != gone:
            out = {m: keep if head == gone else head for m, head in out.items()}
    return out
