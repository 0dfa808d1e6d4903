"""Mention tables for bulk analysis: one row per mention, one column per property.

Resolution and analytics work on columns, not on statements. These functions pivot the
statements of one kind of mention (people, businesses, premises) into a pyarrow table that
Splink/DuckDB can read, following lives-at and located-at links for addresses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyarrow as pa
import sqlalchemy as sa
from followthemoney import model
from sqlalchemy.engine import Connection

from threadline.store import tables as t
from threadline.values.postcode import POSTCODE_PATTERN

__all__ = ["PERSON_COLUMNS", "business_frame", "from_text", "person_frame", "premises_frame"]

PERSON_COLUMNS = (
    "record_id", "source", "record", "given_name", "surname", "full_name", "date_of_birth", "phone",
    "email", "address", "postcode", "nationality", "national_id", "document_number",
    "bank_account", "photo", "record_postcodes", "record_organisations", "born_about", "gender",
    "aliases", "record_phones",
)  # fmt: skip
"""The person table every resolver reads (`threadline evaluate er` reads the same columns).
``record`` is the stored record the mention comes from: the people one record names are
different people (a patient and whoever came with them).
``record_postcodes`` holds the postcodes of every place the person's record names (their own
address, where they were seen, the premises inspected, the home of the patient they came
with), separated by ``;``: where a record gives no address of the person's own, it still says
where the person was met. ``bank_account`` is an account the person holds; ``photo`` the hash
of a photo that shows them (an advert's). ``record_organisations`` names the businesses the
record names (the employer of a payroll row, the company of a directorship), as the resolved
business ids the caller passes in. ``born_about`` is the year of birth an age the record states
implies at the record's date (an advert's "Ruby, 23" collected in 2025: 2002). ``gender`` is
FtM's (``male``, ``female``). ``aliases`` are the other names the record says the person is
known by (an NRM referral's "other names", a working name), separated by ``;``.
``record_phones`` holds every phone number the person's record gives, separated by ``;``: their
own, those of the other people and businesses it names, and those its text mentions (the line
an intelligence log says a controller uses)."""

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
    "gender": "gender",
}

_LIVES = ("lives_at", "located_at")

JOIN_TEXT_PEOPLE = False
"""Whether the people a narrative names (``text:<column>:person<n>`` mentions, a name and what
the text attributes to them) are scored by the person model. Off: each stays a person of its
own, found by search and carrying its links, unless :mod:`threadline.resolve.narrated`'s rules
join it to a person. Scored on the medium scenario (seed 1) they cost person F1 0.959 -> 0.924
(names alone, often a given name, join clusters that should stay apart)."""


_FROM_TEXT = re.compile(r":text:.+:person\d+$")
"""A narrative's person: ``<source>:<key>:text:<column>:person<n>`` (convert.py)."""


def from_text(mention_id: str) -> bool:
    """Whether a mention is a person a record's free text names. A text column may itself be
    called "text" (a hotline's call notes), so the id is read from its end.

    >>> from_text("police/log:IL-1:text:narrative:person0")
    True
    >>> from_text("charity/hotline:CALL-7:text:text:person2")
    True
    >>> from_text("police/log:IL-1:subject"), from_text("police/log:IL-1:text:narrative")
    (False, False)
    """
    return _FROM_TEXT.search(mention_id) is not None


def _first(values: dict[str, list[str]], column: str) -> str | None:
    found = values.get(column)
    return found[0] if found else None


def _statements(
    conn: Connection, schemata: Iterable[str], props: Iterable[str], mention_ids: set[str] | None
) -> dict[str, dict[str, list[str]]]:
    """prop -> values for every mention of the schemata (usable values first). Of the values
    found in free text, only those a sentence attributes to a person (the people a narrative
    names, and what it says they use) are evidence: a number merely mentioned is not."""
    query = (
        # The flags as stored text: decoding hundreds of thousands of JSON lists (nearly all
        # empty) only to look for two words cost a second a run on the medium scenario.
        sa.select(t.statements.c.mention_id, t.statements.c.prop, t.statements.c.value,
                  sa.cast(t.statements.c.flags, sa.Text))
        .where(t.statements.c.schema.in_(list(schemata)), t.statements.c.prop.in_(list(props)),
               sa.or_(t.statements.c.origin != "extracted",
                      sa.cast(t.statements.c.flags, sa.Text).contains('"attributed"')))
        .order_by(t.statements.c.id)
    )  # fmt: skip
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for mention_id, prop, value, flags in conn.execute(query):
        if mention_ids is not None and mention_id not in mention_ids:
            continue
        bucket = out[mention_id][prop]
        if flags and ('"unparsed"' in flags or '"raw"' in flags):
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


def _ends(conn: Connection, link_types: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(link type, from mention, to mention) of every link mention of these types."""
    query = (
        sa.select(t.mentions.c.id, t.mentions.c.schema, t.mentions.c.slot, t.statements.c.prop,
                  t.statements.c.value)
        .join(t.statements, t.statements.c.mention_id == t.mentions.c.id)
        .where(sa.or_(*[t.mentions.c.slot.like(f"%-{kind}-%") for kind in link_types]))
        .order_by(t.mentions.c.id, t.statements.c.id)
    )  # fmt: skip
    found: dict[str, dict[str, str]] = defaultdict(dict)
    kinds: dict[str, tuple[str, str]] = {}
    for mention_id, schema_name, slot, prop, value in conn.execute(query):
        found[mention_id].setdefault(prop, value)
        kinds[mention_id] = (schema_name, str(slot).split("-")[1])
    out = []
    for mention_id, props in found.items():
        schema = model.get(kinds[mention_id][0])
        if schema is None or schema.edge_source is None or schema.edge_target is None:
            continue
        source, target = props.get(schema.edge_source), props.get(schema.edge_target)
        if source is not None and target is not None:
            out.append((kinds[mention_id][1], source, target))
    return out


def _postcode(props: dict[str, list[str]]) -> str | None:
    """An address's postcode: its own field, else a postcode written in the address line
    (legacy exports put it at the end: "1 HIGH STREET, SPALDING PE12 9NW")."""
    found = _first(props, "postalCode")
    if found is not None:
        return found
    line = _first(props, "full")
    match = POSTCODE_PATTERN.search(line.upper()) if line else None
    return f"{match.group(1)} {match.group(2)}" if match else None


def _record_postcodes(
    conn: Connection, address: dict[str, dict[str, list[str]]]
) -> dict[str, list[str]]:
    """Record id -> postcodes of the Address mentions the record holds, in mention order."""
    out: dict[str, list[str]] = defaultdict(list)
    for mention_id, record_id in _mentions(conn, ("Address",)):
        found = _postcode(address.get(mention_id, {}))
        if found is not None and found not in out[record_id]:
            out[record_id].append(found)
    return out


def _record_phones(conn: Connection) -> dict[str, list[str]]:
    """Record id -> every phone number the record gives, as written, in statement order: its
    mentions' phones and the numbers extracted from its text."""
    query = (
        sa.select(t.mentions.c.record_id, t.statements.c.value)
        .join(t.statements, t.statements.c.mention_id == t.mentions.c.id)
        .where(t.statements.c.prop.in_(("phone", "phoneMentioned")))
        .order_by(t.statements.c.id)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for record_id, value in conn.execute(query):
        if value not in out[str(record_id)]:
            out[str(record_id)].append(value)
    return out


def _mentions(conn: Connection, schemata: Iterable[str]) -> list[tuple[str, str]]:
    query = (
        sa.select(t.mentions.c.id, t.mentions.c.record_id)
        .where(t.mentions.c.schema.in_(list(schemata)))
        .order_by(t.mentions.c.id)
    )
    return [(str(m), str(r)) for m, r in conn.execute(query)]


def _years(conn: Connection, record_ids: Iterable[str]) -> dict[str, int]:
    """Record id -> the year of the record's date (when it was reported or collected)."""
    wanted = sorted({int(r) for r in record_ids})
    if not wanted:
        return {}
    query = sa.select(t.records.c.id, t.records.c.reported_on).where(
        t.records.c.id.in_(wanted), t.records.c.reported_on.is_not(None)
    )
    return {str(record_id): day.year for record_id, day in conn.execute(query)}


def _born_about(age: str, year: int | None) -> str | None:
    """The year of birth an age stated in a record of ``year`` implies."""
    age = age.strip()
    if year is None or not age.isdigit() or not 14 <= int(age) <= 99:
        return None
    return str(year - int(age))


def _source_of(mention_id: str) -> str:
    """The agency/mapping prefix of a mention id: where the mention came from."""
    return mention_id.split(":", 1)[0]


def person_frame(
    conn: Connection,
    mention_ids: set[str] | None = None,
    organisations: Mapping[str, str] | None = None,
) -> pa.Table:
    """One row per Person mention with the columns of PERSON_COLUMNS; ``organisations`` maps
    business mentions to resolved businesses (without it, ``record_organisations`` is empty)."""
    values = _statements(
        conn, ("Person",), [*_PERSON_PROPS, "middleName", "statedAge", "alias"], mention_ids
    )
    homes = _linked(conn, _LIVES)
    address = _statements(conn, ("Address",), ("full", "postalCode"), None)
    documents = _linked(conn, ("holds_document",))
    docs = _statements(conn, ("Identification", "Passport"), ("number",), None)
    places = _record_postcodes(conn, address)
    numbers = _record_phones(conn)
    employers: dict[str, set[str]] = defaultdict(set)
    if organisations:
        for business, business_record in _mentions(conn, ("Company",)):
            found = organisations.get(business)
            if found is not None:
                employers[business_record].add(found)
    holds = _linked(conn, ("holds_account",))
    accounts = _statements(conn, ("BankAccount",), ("accountNumber",), None)
    shown = _linked(conn, ("shown_in",))
    photos = _statements(conn, ("Image",), ("contentHash",), None)
    mentions = [
        (mention_id, record)
        for mention_id, record in _mentions(conn, ("Person",))
        if JOIN_TEXT_PEOPLE or not from_text(mention_id)
    ]
    # An age the record states (an advert's): its year of birth at the record's date.
    years = _years(conn, (r for m, r in mentions if values.get(m, {}).get("statedAge")))
    rows: dict[str, list[str | None]] = {c: [] for c in PERSON_COLUMNS}
    for mention_id, record in mentions:
        if mention_ids is not None and mention_id not in mention_ids:
            continue
        props = values.get(mention_id, {})
        by_column: dict[str, list[str]] = defaultdict(list)
        for prop, column in _PERSON_PROPS.items():
            by_column[column].extend(props.get(prop, []))
        middle = props.get("middleName")
        if middle and by_column["given_name"]:  # a split name's middle names join its given
            by_column["given_name"][0] = f"{by_column['given_name'][0]} {middle[0]}"
        home = next((address[a] for a in homes.get(mention_id, []) if a in address), {})
        doc = next((docs[d] for d in documents.get(mention_id, []) if d in docs), {})
        rows["record_id"].append(mention_id)
        rows["source"].append(_source_of(mention_id))
        rows["record"].append(record)
        for column in PERSON_COLUMNS[3:]:
            rows[column].append(_first(by_column, column))
        rows["address"][-1] = _first(home, "full")
        rows["postcode"][-1] = _postcode(home)
        context = list(places.get(record, []))
        if rows["postcode"][-1] is not None and rows["postcode"][-1] not in context:
            context.insert(0, str(rows["postcode"][-1]))
        rows["record_postcodes"][-1] = "; ".join(context) or None
        rows["record_organisations"][-1] = "; ".join(sorted(employers.get(record, ()))) or None
        if rows["document_number"][-1] is None:
            rows["document_number"][-1] = _first(doc, "number")
        held = next((accounts[a] for a in holds.get(mention_id, []) if a in accounts), {})
        rows["bank_account"][-1] = _first(held, "accountNumber")
        photo = next((photos[p] for p in shown.get(mention_id, []) if p in photos), {})
        rows["photo"][-1] = _first(photo, "contentHash")
        rows["aliases"][-1] = "; ".join(props.get("alias", [])) or None
        rows["record_phones"][-1] = "; ".join(numbers.get(record, [])) or None
        if props.get("statedAge"):
            rows["born_about"][-1] = _born_about(props["statedAge"][0], years.get(record))
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in rows.items()})


_RUNS = ("director_of", "licensee_of", "owns")
"""Links from the people who run a business: its directors, licence holders and owners."""

_WORKS = ("works_for",)


def business_frame(conn: Connection) -> pa.Table:
    """One row per Company/Organization/LegalEntity mention: name, number, tax reference
    (PAYE), address, postcode, the person mentions linked to it as the people who run it
    (``officers``: directors, licence holders, owners) or who work for it (``staff``), and the
    postcodes of the places its record names (where an employer's staff were found at work)."""
    schemata = ("Company", "Organization", "LegalEntity")
    props = ("name", "registrationNumber", "taxNumber", "sector")
    values = _statements(conn, schemata, props, None)
    sites = _linked(conn, ("located_at",))
    address = _statements(conn, ("Address",), ("full", "postalCode"), None)
    people: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for kind, source, target in _ends(conn, (*_RUNS, *_WORKS)):
        people[target]["staff" if kind in _WORKS else "officers"].append(source)
    places = _record_postcodes(conn, address)
    columns = ("record_id", "source", "schema", "name", "registration_number", "tax_number",
               "sector", "address", "postcode")  # fmt: skip
    rows: dict[str, list[str | None]] = {c: [] for c in columns}
    linked: dict[str, list[list[str]]] = {"officers": [], "staff": [], "record_postcodes": []}
    query = sa.select(t.mentions.c.id, t.mentions.c.schema, t.mentions.c.record_id).where(
        t.mentions.c.schema.in_(schemata)
    )
    for mention_id, schema, record in conn.execute(query.order_by(t.mentions.c.id)):
        found = values.get(mention_id, {})
        site = next((address[a] for a in sites.get(mention_id, []) if a in address), {})
        rows["record_id"].append(mention_id)
        rows["source"].append(_source_of(mention_id))
        rows["schema"].append(schema)
        rows["name"].append(_first(found, "name"))
        rows["registration_number"].append(_first(found, "registrationNumber"))
        rows["tax_number"].append(_first(found, "taxNumber"))
        rows["sector"].append(_first(found, "sector"))
        rows["address"].append(_first(site, "full"))
        rows["postcode"].append(_postcode(site))
        for role in ("officers", "staff"):
            linked[role].append(sorted(set(people.get(mention_id, {}).get(role, []))))
        linked["record_postcodes"].append(places.get(str(record), []))
    table = {c: pa.array(v, type=pa.string()) for c, v in rows.items()}
    table.update({c: pa.array(v, type=pa.list_(pa.string())) for c, v in linked.items()})
    return pa.table(table)


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
