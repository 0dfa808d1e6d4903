"""The search box and the record viewer, on a small store built by ingest (both databases).

Fixture strategy: one small intelligence log, written here, is loaded through a mapping by the
real ingest (which writes the name keys), by two agencies; each mention is then given an
entity as resolution would (the two records of Yuan Bin, and of Driton Koçi, joined). The
cases below are what a new user types, with what must come first and why.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ValidationError
from threadline.ingest.batches import Agency, load_file, rollback_batch
from threadline.ingest.mapping import load_mapping
from threadline.read import View
from threadline.read.records import RecordView, show_record
from threadline.read.search import SearchResults, search
from threadline.security.actors import Actor, load_actor
from threadline.security.users import hash_password
from threadline.store import Store
from threadline.store import tables as t

RUNNER = CliRunner()

MAPPING = """\
mapping: search_log
version: "1"
description: A small intelligence log for the search tests.
agency: local
system: Test RMS
format: csv
options:
  date_order: dmy
key: urn
record:
  grading:
    scheme: 3x5x2
    source: {column: source_eval}
    information: {column: intel_assess}
    handling: {column: handling}
    conditions: {column: conditions}
  marking: {column: marking}
  retention_group: 3
  reported_on: {column: recorded}
  text: [narrative]
entities:
  subject:
    schema: Person
    role: suspect
    properties:
      firstName: {column: forenames}
      lastName: {column: surname}
      name: {column: full_name}
      alias: {column: alias}
      birthDate: {column: dob}
      phone: {column: phone}
      email: {column: email}
      socialSecurityNumber: {column: ni}
      passportNumber: {column: passport}
  home:
    schema: Address
    properties:
      full: {column: address}
      postalCode: {column: postcode}
  car:
    schema: Vehicle
    properties:
      registrationNumber: {column: vrm}
links:
  - {type: lives_at, from: subject, to: home}
  - {type: uses_vehicle, from: subject, to: car}
handling_rules:
  "Partner safeguarding use only":
    rule: conditions-of-use
"""

HEADER = (
    "urn,recorded,source_eval,intel_assess,handling,conditions,marking,surname,forenames,"
    "full_name,alias,dob,phone,email,ni,passport,address,postcode,vrm,narrative"
)

LOCAL_ROWS = [
    "L1,05/09/2025,2,B,P,,OFFICIAL,KOÇI,Driton,Driton KOÇI,,14/03/1987,07700 900123,"
    'driton@example.com,QQ123456C,,"Flat 2, 10 Mill Street",NS1 4AB,AB12 CDE,'
    "Seen at the car wash on Mill Street.",
    "L2,06/09/2025,1,A,P,,OFFICIAL,YUAN,Bin,YUAN Bin,,1990-01-02,+44 7700 900456,,,"
    '123456789,"12 Quarry Road, Northtown",NS2 4DF,,Works nights at the nail bar.',
    "L3,07/09/2025,2,C,P,,OFFICIAL,NGUYEN,Thi Lan,NGUYEN Thi Lan,Amber,03/04/1998,,,,,,,,"
    "Advertised as Amber.",
    "L4,07/09/2025,2,B,P,,OFFICIAL,SMITH,John,John SMITH,,1975-06-01,0044 7700 926473,,,,,,,"
    "Witness.",
    "L5,08/09/2025,2,B,P,,OFFICIAL,KOCI,Drita,Drita KOCI,,1992-11-11,,,,,,,,Sister.",
]
"""The local agency's log: P records, OFFICIAL, that an agreement may share."""

PARTNER_ROWS = [
    "P1,09/09/2025,1,B,C,Partner safeguarding use only,OFFICIAL-SENSITIVE,BIN,Yuan,Bin Yuan,"
    "Benny,02/01/1990,0044 7700 900 456,,,,,,,Seen with a new worker.",
    "P2,09/09/2025,2,B,P,,OFFICIAL,KOCI,Driton,Driton Koci,Toni,14/03/1987,,,,,,,,Known as Toni.",
    "P3,10/09/2025,2,B,P,,OFFICIAL,HIDDEN,Zamira,Zamira HIDDEN,,01/01/1980,07700 900999,,,,"
    ",,,Only the partner holds this.",
]
"""The partner agency's log; only the analyst of the local agency with no agreement sees none
of it; Yuan Bin's record is OFFICIAL-SENSITIVE."""

JOINED = {"P1": "L2", "P2": "L1"}
"""Records whose subject resolution joins to another record's subject."""


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _resolve(conn: sa.Connection) -> None:
    """Give each mention an entity, as resolution would, joining the JOINED subjects."""
    m, r = t.mentions.c, t.records.c
    rows = conn.execute(
        sa.select(m.id, m.schema, r.record_key).join(t.records, r.id == m.record_id)
    ).all()
    for mention_id, schema, key in rows:
        if schema in ("UnknownLink",):
            continue
        slot = str(mention_id).rsplit(":", 1)[-1]
        owner = JOINED.get(key, key) if slot == "subject" else key
        entity = f"e-{owner}-{slot}"
        exists = sa.select(t.entities.c.id).where(t.entities.c.id == entity)
        if conn.execute(exists).first() is None:
            conn.execute(
                sa.insert(t.entities).values(id=entity, schema=schema, caption="STORED-CAPTION")
            )
        conn.execute(sa.update(t.mentions).where(m.id == mention_id).values(entity_id=entity))


def _user(conn: sa.Connection, username: str, agency: str, *, os_cleared: bool) -> None:
    agency_id = conn.execute(
        sa.select(t.agencies.c.id).where(t.agencies.c.code == agency)
    ).scalar_one_or_none()
    if agency_id is None:
        made = sa.insert(t.agencies).values(code=agency, name=agency.title())
        agency_id = conn.execute(made.returning(t.agencies.c.id)).scalar_one()
    conn.execute(
        sa.insert(t.users).values(
            username=username, agency_id=agency_id, roles=["analyst"], os_cleared=os_cleared,
            password_hash=hash_password(os.environ["THREADLINE_PASSWORD"]),
        )
    )  # fmt: skip


def _agreement(conn: sa.Connection, giver: str, taker: str, *, conditioned: bool) -> None:
    ids = dict(conn.execute(sa.select(t.agencies.c.code, t.agencies.c.id)).all())
    creator = conn.execute(sa.select(t.users.c.id).limit(1)).scalar_one()
    conn.execute(
        sa.insert(t.sharing_agreements).values(
            from_agency_id=ids[giver], to_agency_id=ids[taker], conditions_allowed=conditioned,
            valid_from=date(2020, 1, 1), created_by=creator,
        )
    )  # fmt: skip


@pytest.fixture
def built(store: Store, local: Actor, tmp_path: Path) -> Store:
    """The two logs loaded and resolved; users: the local analyst (cleared, sees the partner's
    records by agreement, conditioned ones too), ``outsider`` (agency ``b``, no agreement),
    ``sharer`` (agency ``b``, sees the local log only, not cleared)."""
    mapping_path = tmp_path / "search_log.yaml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    mapping = load_mapping(mapping_path)
    today = date(2026, 1, 15)
    loaded = load_file(store, _csv(tmp_path / "local.csv", LOCAL_ROWS), mapping,
                       Agency("local"), today=today)  # fmt: skip
    assert loaded.status == "loaded", loaded
    loaded = load_file(store, _csv(tmp_path / "partner.csv", PARTNER_ROWS), mapping,
                       Agency("partner"), today=today)  # fmt: skip
    assert loaded.status == "loaded", loaded
    with store.connect() as conn:
        _resolve(conn)
        _user(conn, "outsider", "b", os_cleared=True)
        _user(conn, "sharer", "b", os_cleared=False)
        _agreement(conn, "partner", "local", conditioned=True)
        _agreement(conn, "local", "b", conditioned=False)
        conn.commit()
    return store


def _search(store: Store, username: str, text: str, **options: Any) -> SearchResults:
    with store.connect() as conn:
        actor = load_actor(conn, username)
        assert actor is not None
        found = search(View(conn, actor), text, **options)
        conn.commit()
    return found


@dataclass(frozen=True)
class Case:
    """What a user types, and what must be the first hit (entity) and how it matched."""

    typed: str
    first: str | None
    """The entity expected first (None: no hit at all)."""
    how: str = ""
    why: str = ""


CASES = [
    Case("Driton Koçi", "e-L1-subject", "exact name", "the name as written, accents and all"),
    Case("Driton Koci", "e-L1-subject", "", "without its accents"),
    Case("Koci Driton", "e-L1-subject", "fuzzy name", "another order"),
    Case("KOÇI, Driton", "e-L1-subject", "", "as a referral writes it"),
    Case("Dritan Koci", "e-L1-subject", "fuzzy name", "a slip in the given name"),
    Case("Toni", "e-L1-subject", "alias or working name", "an alias from the partner's record"),
    Case("Yuan Bin", "e-L2-subject", "", "family name first"),
    Case("Bin Yuan", "e-L2-subject", "", "given name first"),
    Case("Benny", "e-L2-subject", "alias or working name", "the alias"),
    Case("Amber", "e-L3-subject", "alias or working name", "a working name"),
    Case("Nguyen Thi Lan", "e-L3-subject", "exact name", "Vietnamese order"),
    Case("Thi Lan Nguyen", "e-L3-subject", "fuzzy name", "Western order"),
    Case("07700 900123", "e-L1-subject", "exact identifier", "a phone, national form"),
    Case("+447700900123", "e-L1-subject", "exact identifier", "the phone, international"),
    Case("0044 7700 900 456", "e-L2-subject", "exact identifier", "another spacing"),
    Case("07700 926473", "e-L4-subject", "exact identifier", "a mobile no range holds"),
    Case("+44 7700 926 473", "e-L4-subject", "exact identifier", "the same, international"),
    Case("ns14ab", "e-L1-home", "exact identifier", "a postcode without its space"),
    Case("NS1 4AB", "e-L1-home", "exact identifier", "a postcode with its space"),
    Case("ab12cde", "e-L1-car", "exact identifier", "a plate without its space"),
    Case("AB12 CDE", "e-L1-car", "exact identifier", "a plate with its space"),
    Case("qq 12 34 56 c", "e-L1-subject", "exact identifier", "an NI number, spaced"),
    Case("123456789", "e-L2-subject", "exact identifier", "a passport number"),
    Case("DRITON@example.com", "e-L1-subject", "exact identifier", "an email"),
    Case("14/03/1987", "e-L1-subject", "date of birth", "a date of birth, UK form"),
    Case("14 March 1987", "e-L1-subject", "date of birth", "in words"),
    Case("1987-03-14", "e-L1-subject", "date of birth", "ISO"),
    Case("Zamira Hidden", "e-P3-subject", "exact name", "the partner's record, by agreement"),
    Case("Nobody Atall", None, "", "nothing matches"),
]


def test_a_new_users_searches_find_the_right_entity_first(built: Store) -> None:
    failures: list[tuple[str, str, object]] = []
    for case in CASES:
        found = _search(built, "analyst", case.typed)
        hits = found.hits
        if case.first is None:
            if hits or found.total:
                failures.append((case.typed, "expected nothing", hits))
            continue
        if not hits or hits[0].entity_id != case.first:
            failures.append((case.typed, case.why, [(h.entity_id, h.score) for h in hits]))
            continue
        if case.how and hits[0].matches[0].how != case.how:
            failures.append((case.typed, case.why, hits[0].matches[0]))
    assert failures == []


def test_a_partial_name_ranks_everyone_holding_it_and_picks_none(built: Store) -> None:
    found = _search(built, "analyst", "Koci")
    ids = [h.entity_id for h in found.hits]
    assert set(ids) == {"e-L1-subject", "e-L5-subject"}
    assert all(h.matches[0].how == "partial name" for h in found.hits)
    assert all(h.score < 0.7 for h in found.hits)
    # The whole name ranks its holder above the namesake sharing the surname.
    whole = _search(built, "analyst", "Drita Koci").hits
    assert whole[0].entity_id == "e-L5-subject" and whole[0].score > 0.9


def test_a_hit_says_what_matched_where_it_is_held_and_its_best_grade(built: Store) -> None:
    found = _search(built, "analyst", "Yuan Bin")
    hit = found.hits[0]
    assert hit.kind == "Person" and hit.agencies == ("local", "partner")
    assert hit.best_grade == "1AP"  # the local record 1A beats the partner's 1B
    assert hit.caption in ("Yuan Bin", "Bin Yuan") and hit.caption != "STORED-CAPTION"
    assert {m.field for m in hit.matches} >= {"name"}
    assert found.protection.marking.value == "OFFICIAL-SENSITIVE"
    assert "Partner safeguarding use only" in found.protection.conditions
    assert found.as_dict()["hits"][0]["entity_id"] == "e-L2-subject"


def test_paging_and_kinds(built: Store) -> None:
    everyone = _search(built, "analyst", "Koci", limit=1)
    assert everyone.total == 2 and len(everyone.hits) == 1 and everyone.more
    second = _search(built, "analyst", "Koci", limit=1, offset=1)
    assert second.hits[0].entity_id != everyone.hits[0].entity_id
    assert not second.more
    homes = _search(built, "analyst", "NS1 4AB", kind="address")
    assert [h.kind for h in homes.hits] == ["Address"]
    assert _search(built, "analyst", "NS1 4AB", kind="Vehicle").total == 0
    with pytest.raises(ValidationError):
        _search(built, "analyst", "Koci", kind="spaceship")
    with pytest.raises(ValidationError):
        _search(built, "analyst", "Koci", limit=0)


def test_need_to_know_no_hit_no_count_no_agency(built: Store) -> None:
    # Agency b has no agreement with the partner, and only the local log by agreement.
    for typed in ("Zamira Hidden", "07700 900999", "01/01/1980", "Toni", "Benny"):
        found = _search(built, "outsider", typed)
        assert (found.total, found.hits) == (0, ()), typed
    # The sharer sees the local records only: no partner agency, grade or alias behind a hit.
    found = _search(built, "sharer", "Yuan Bin")
    hit = found.hits[0]
    assert hit.agencies == ("local",) and hit.best_grade == "1AP"
    assert all(m.value != "Bin Yuan" for m in hit.matches)
    assert found.protection.marking.value == "OFFICIAL"
    assert _search(built, "sharer", "Benny").total == 0


def test_a_search_is_audited_without_what_was_typed(built: Store) -> None:
    _search(built, "analyst", "Driton Koci")
    with built.connect() as conn:
        events = conn.execute(
            sa.select(t.audit_events).where(t.audit_events.c.operation == "search")
        ).all()
    assert events and events[-1].action == "consultation" and events[-1].outcome == "allowed"
    assert "e-L1-subject" in events[-1].entities
    assert "Driton" not in json.dumps(events[-1].detail)


def test_name_keys_go_with_a_rolled_back_load(built: Store) -> None:
    with built.connect() as conn:
        batch = conn.execute(
            sa.select(t.batches.c.id).where(t.batches.c.file_name.like("%partner.csv"))
        ).scalar_one()
        rollback_batch(conn, batch)
        conn.commit()
    assert _search(built, "analyst", "Zamira Hidden").total == 0
    with built.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count()).select_from(t.name_keys)
            .join(t.records, t.records.c.id == t.name_keys.c.record_id)
            .join(t.batches, t.batches.c.id == t.records.c.batch_id)
            .where(t.batches.c.id == batch)
        ).scalar_one()  # fmt: skip
        assert left == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(t.name_keys)).scalar_one()


# -- the record viewer ------------------------------------------------------------------------


def _show(store: Store, username: str, key: str) -> RecordView | None:
    with store.connect() as conn:
        actor = load_actor(conn, username)
        assert actor is not None
        shown = show_record(View(conn, actor), key)
        conn.commit()
    return shown


def test_a_record_as_the_agency_wrote_it(built: Store) -> None:
    record = _show(built, "analyst", "P1")
    assert record is not None
    assert (record.key, record.agency, record.source) == ("P1", "partner", "search_log")
    assert record.grade.code == "1BC"
    assert record.handling_conditions == ("Partner safeguarding use only",)
    assert record.marking == "OFFICIAL-SENSITIVE"
    assert record.narrative == (("narrative", "Seen with a new worker."),)
    assert record.raw["full_name"] == "Bin Yuan"
    assert record.file_name.endswith("partner.csv") and record.location
    assert record.review_date and record.loaded_at
    entities = {m.slot: m.entity_id for m in record.mentions}
    assert entities["subject"] == "e-L2-subject"
    said = {(s.prop, s.value, s.original) for s in record.statements}
    assert ("phone", "+447700900456", "0044 7700 900 456") in said
    by_id = _show(built, "analyst", str(record.id))
    assert by_id is not None and by_id.key == "P1"


def test_a_record_not_to_be_seen_is_answered_as_one_that_is_not_there(built: Store) -> None:
    assert _show(built, "outsider", "P3") is None
    assert _show(built, "sharer", "P1") is None  # a partner record: no agreement
    assert _show(built, "analyst", "NO-SUCH") is None
    with built.connect() as conn:
        denied = conn.execute(
            sa.select(t.audit_events.c.outcome).where(t.audit_events.c.operation == "record.show")
        ).scalars().all()  # fmt: skip
    assert denied.count("denied") == 3


# -- the commands -----------------------------------------------------------------------------


def test_the_search_and_records_commands(built: Store) -> None:
    url = built.url
    result = RUNNER.invoke(app, ["search", "Koci Driton", "--db", url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Holds: OFFICIAL")
    assert "e-L1-subject" in result.output and "Driton Koci" in result.output
    result = RUNNER.invoke(app, ["search", "NS1 4AB", "--kind", "Address", "--json", "--db", url])
    data = json.loads(result.output)
    assert data["protection"]["marking"] == "OFFICIAL" and data["total"] == 1
    result = RUNNER.invoke(app, ["search", "Zamira", "--db", url, "--user", "outsider"])
    assert result.exit_code == 0 and "Nothing you may see matches." in result.output
    assert "Zamira" not in result.output
    result = RUNNER.invoke(app, ["records", "show", "L1", "--db", url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Holds: OFFICIAL, handling P")
    assert "Seen at the car wash on Mill Street." in result.output
    outsider = ["--db", url, "--user", "outsider"]
    result = RUNNER.invoke(app, ["records", "show", "P3", "--json", *outsider])
    assert result.exit_code != 0 and "no record 'P3' that you may see" in str(result.exception)
    result = RUNNER.invoke(app, ["records", "show", "NOPE", "--db", url, "--user", "outsider"])
    assert "no record 'NOPE' that you may see" in str(result.exception)
