"""Intelligence capture: every rule of the 3x5x2 form refused with its field named, and a
captured report held, read, resolved, rolled back and erased as a loaded row is, on both
databases; refusals (another agency, a viewer, an entity the author may not see) audited."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.ingest.batches import rollback_batch
from threadline.ingest.capture import (
    CaptureError,
    IntelligenceReport,
    capture,
    field_errors,
    identifiers_in,
    report_schema,
)
from threadline.read import View
from threadline.resolve import resolve_store
from threadline.security import AccessDenied, Actor, NotFound, erase_record, resolve_actor
from threadline.security.sharing import add_agreement
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "intelligence_report.json"
PASSWORD = "correct horse battery staple"
NARRATIVE = "Ana was collected by van AB12 CDE; her controller uses 07700 900123."


def report(**changes: Any) -> dict[str, Any]:
    """A valid report (as JSON would give it), with `changes` laid over it (None removes)."""
    base: dict[str, Any] = {
        "agency": "local",
        "officer": "PC 123 Smith",
        "source_reference": "SRC-0042",
        "intelligence_at": "2026-11-01T21:30:00",
        "reported_at": "2026-11-02T09:00:00Z",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": ["Not to be disseminated outside the originating agency"],
        "marking": "OFFICIAL",
        "exploitation": ["labour"],
        "subjects": [
            {
                "kind": "person",
                "role": "potential_victim",
                "properties": {"name": "Ana Pop", "birthDate": "05/09/1990"},
            },
            {"kind": "vehicle", "properties": {"registrationNumber": "ab12 cde"}},
        ],
        "statements": [
            {"text": "She appeared frightened", "kind": "opinion", "subject": 0},
            {"text": "The van is seen every morning", "kind": "fact"},
        ],
        "narrative": NARRATIVE,
        "identifiers": [
            {"kind": "phone", "start": 55, "end": 67, "confirmed": True},
            {"kind": "vrm", "start": 25, "end": 33, "confirmed": False},
        ],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        IntelligenceReport.model_validate(data)
    return field_errors(caught.value)


FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat()

REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "C without conditions",
        {"handling_conditions": []},
        "handling_conditions",
        "handling code C requires handling conditions",
    ),
    (
        "C with no conditions given",
        {"handling_conditions": None},
        "handling_conditions",
        "requires handling conditions",
    ),
    (
        "P with conditions",
        {"handling_code": "P"},
        "handling_conditions",
        "handling code P cannot carry conditions",
    ),
    ("SECRET", {"marking": "SECRET"}, "marking", "'SECRET' refused: Threadline is accredited"),
    ("TOP SECRET", {"marking": "TOP SECRET"}, "marking", "refused"),
    ("a legacy marking", {"marking": "RESTRICTED"}, "marking", "legacy GPMS marking"),
    ("an unknown marking", {"marking": "PRIVATE"}, "marking", "unknown marking"),
    ("source 4", {"source_evaluation": 4}, "source_evaluation", "'1', '2' or '3'"),
    ("assessment F", {"intelligence_assessment": "F"}, "intelligence_assessment", "'A'"),
    ("handling X", {"handling_code": "X"}, "handling_code", "'P' or 'C'"),
    (
        "5x5x5 grade",
        {"source_evaluation": "B", "intelligence_assessment": "2"},
        "source_evaluation",
        "'1', '2' or '3'",
    ),
    ("no agency", {"agency": None}, "agency", "Field required"),
    ("a bad agency code", {"agency": "Local Police!"}, "agency", "use lower-case letters"),
    ("no officer", {"officer": "  "}, "officer", "at least 1 character"),
    ("no source reference", {"source_reference": None}, "source_reference", "Field required"),
    ("no report time", {"reported_at": None}, "reported_at", "Field required"),
    ("future intelligence", {"intelligence_at": FUTURE}, "intelligence_at", "in the future"),
    (
        "report before intelligence",
        {"reported_at": "2026-10-01T00:00:00Z"},
        "reported_at",
        "dated before the intelligence",
    ),
    (
        "an unknown retention group",
        {"retention_group": "7"},
        "retention_group",
        "unknown MoPI retention group",
    ),
    (
        "an unknown exploitation type",
        {"exploitation": ["fishing"]},
        "exploitation.0",
        "Input should be",
    ),
    (
        "an unknown role",
        {"subjects": [{"kind": "person", "role": "villain", "properties": {"name": "X"}}]},
        "subjects.0.role",
        "unknown data-subject role 'villain'",
    ),
    (
        "an unknown property",
        {"subjects": [{"kind": "person", "properties": {"colour": "red"}}]},
        "subjects.0.properties",
        "unknown property 'colour' for Person",
    ),
    (
        "a date that does not exist",
        {"subjects": [{"kind": "person", "properties": {"birthDate": "31/02/1990"}}]},
        "subjects.0.properties",
        "birthDate: '31/02/1990'",
    ),
    (
        "a new subject with nothing",
        {"subjects": [{"kind": "business"}]},
        "subjects.0.properties",
        "a new subject needs at least one property",
    ),
    (
        "a phone without its number",
        {"subjects": [{"kind": "phone", "properties": {"service": "WhatsApp"}}]},
        "subjects.0.properties",
        "a new phone subject needs its 'phone'",
    ),
    (
        "an unknown kind",
        {"subjects": [{"kind": "boat", "properties": {"name": "X"}}]},
        "subjects.0.kind",
        "Input should be",
    ),
    (
        "a statement about no subject",
        {"statements": [{"text": "x", "kind": "fact", "subject": 7}]},
        "statements",
        "about subject 7, but the report has 2 subjects",
    ),
    (
        "a statement neither fact nor opinion",
        {"statements": [{"text": "x", "kind": "rumour"}]},
        "statements.0.kind",
        "'fact' or 'opinion'",
    ),
    (
        "a decision on nothing found",
        {"identifiers": [{"kind": "phone", "start": 0, "end": 3, "confirmed": True}]},
        "identifiers",
        "the narrative has no phone at 0-3",
    ),
    ("an extra field", {"colour": "red"}, "colour", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(
    ("data", "field", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_every_rule_is_refused_naming_its_field(
    data: dict[str, Any], field: str, words: str
) -> None:
    errors = errors_of(report(**data))
    assert any(e.startswith(f"{field}: ") and words in e for e in errors), errors


def test_a_valid_report_is_read_as_the_model_reads_it() -> None:
    r = IntelligenceReport.model_validate(
        report(
            source_evaluation=1,
            intelligence_assessment="a",
            handling_code="c",
            handling_conditions="No onward sharing;  No onward  sharing",
            marking="official",
            intelligence_at="2026-11-01",
        )
    )
    assert (r.source_evaluation, r.intelligence_assessment, r.handling_code) == ("1", "A", "C")
    assert r.handling_conditions == ["No onward sharing"]
    assert r.marking == "OFFICIAL" and r.intelligence_at == date(2026, 11, 1)
    assert r.subjects[0].role == "potential_victim" and r.subjects[1].role is None
    pv = IntelligenceReport.model_validate(
        report(subjects=[{"kind": "person", "role": "PV", "properties": {"name": "Lan"}}])
    )
    assert pv.subjects[0].role == "potential_victim"


def test_the_example_validates_and_the_schema_is_exported() -> None:
    example = IntelligenceReport.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert example.handling_code == "C" and len(example.subjects) == 4
    schema = report_schema()
    assert set(schema["required"]) >= {
        "agency",
        "officer",
        "source_reference",
        "marking",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "intelligence_at",
        "reported_at",
    }
    assert "Subject" in schema["$defs"] and "IdentifierDecision" in schema["$defs"]
    assert schema["properties"]["marking"]["description"].startswith("OFFICIAL or")


def test_identifiers_in_the_narrative_have_spans_kinds_and_values() -> None:
    found = identifiers_in(NARRATIVE)
    assert [(f.kind, f.value, f.prop) for f in found] == [
        ("vrm", "AB12CDE", "vehicleMentioned"),
        ("phone", "+447700900123", "phoneMentioned"),
    ]
    assert all(NARRATIVE[f.start : f.end] == f.text for f in found)


# -- saving ----------------------------------------------------------------------------------------


def _user(
    store: Store, admin: Actor, name: str, agency: str, *roles: str, os_cleared: bool = False
) -> Actor:
    with store.connect() as conn:
        add_user(
            conn,
            admin,
            name,
            agency,
            list(roles),
            password=PASSWORD,
            agency_name=agency.upper(),
            os_cleared=os_cleared,
        )
    return resolve_actor(store, name)


def _events(store: Store, username: str, operation: str = "capture") -> list[Any]:
    with store.connect() as conn:
        return list(
            conn.execute(
                sa.select(t.audit_events)
                .where(
                    t.audit_events.c.username == username, t.audit_events.c.operation == operation
                )
                .order_by(t.audit_events.c.id)
            )
        )


def test_a_captured_report_is_a_record_read_through_the_view(store: Store, local: Actor) -> None:
    saved = capture(store, local, IntelligenceReport.model_validate(report()))
    assert saved.grade == "2BC" and saved.protection.handling == "C"
    assert saved.review_date == date(2032, 11, 2)  # group 3: six years from the report
    with store.connect() as conn:
        view = View(conn, local)
        record = view.record(saved.record_id)
        assert record is not None
        assert (record.agency, record.source, record.record_key) == (
            "local",
            "capture",
            saved.record_key,
        )
        assert record.grade.code == "2BC"
        assert record.grade.handling_conditions == (
            "Not to be disseminated outside the originating agency",
        )
        assert record.marking == "OFFICIAL" and record.review_date == date(2032, 11, 2)
        assert record.reported_on == date(2026, 11, 2) and record.raw["narrative"] == NARRATIVE
        by_mention = {m: view.statements(m) for m in saved.mentions}
    person, vehicle, text, event = saved.mentions
    said = {(s.prop, s.value, s.kind, s.origin) for s in by_mention[person]}
    assert {
        ("name", "Ana Pop", "fact", "structured"),
        ("birthDate", "1990-09-05", "fact", "structured"),
        ("notes", "She appeared frightened", "opinion", "structured"),
    } <= said
    assert [s.value for s in by_mention[vehicle]] == ["AB12CDE"]
    found = {(s.prop, s.value) for s in by_mention[text]}
    assert ("phoneMentioned", "+447700900123") in found  # confirmed
    assert ("vehicleMentioned", "AB12CDE") not in found  # rejected: not held
    assert ("notes", "The van is seen every morning") in found
    assert ("keywords", "labour") in {(s.prop, s.value) for s in by_mention[event]}
    with store.connect() as conn:
        flags = conn.execute(
            sa.select(t.statements.c.flags).where(t.statements.c.prop == "phoneMentioned")
        ).scalar_one()
        handling = conn.execute(
            sa.select(t.record_handling.c.release).where(
                t.record_handling.c.record_id == saved.record_id
            )
        ).scalar_one()
    assert "confirmed" in flags and "unverified" not in flags
    assert handling == "originator"  # the handling rules read its conditions, as at ingest
    event_rows = _events(store, local.username)
    assert [(e.action, e.outcome, e.records) for e in event_rows] == [
        ("collection", "allowed", [saved.record_id])
    ]


def test_the_same_report_twice_is_held_once(store: Store, local: Actor) -> None:
    first = capture(store, local, IntelligenceReport.model_validate(report()))
    again = capture(store, local, IntelligenceReport.model_validate(report()))
    assert again.already_held and again.record_id == first.record_id
    assert store.counts()["records"] == 1


def test_the_same_report_at_once_from_two_sessions_is_written_once(
    store: Store, local: Actor
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = IntelligenceReport.model_validate(report())
    with ThreadPoolExecutor(2) as pool:
        saved = list(pool.map(lambda _: capture(store, local, data), range(2)))
    assert saved[0].record_id == saved[1].record_id
    assert store.counts()["records"] == 1


def test_undecided_identifiers_are_held_unverified_as_ingest_holds_them(
    store: Store, local: Actor
) -> None:
    saved = capture(store, local, IntelligenceReport.model_validate(report(identifiers=[])))
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.statements.c.prop, t.statements.c.flags, t.statements.c.origin).where(
                t.statements.c.mention_id == saved.mentions[2],
                t.statements.c.prop.in_(("phoneMentioned", "vehicleMentioned")),
            )
        ).all()
    assert len(rows) == 2 and all("unverified" in f and o == "extracted" for _, f, o in rows)


def test_the_narrative_is_attributed_as_a_loaded_row_s_free_text_is(
    store: Store, local: Actor
) -> None:
    """Who the narrative says uses a phone or drives a vehicle is read as ingest reads a
    loaded row's free text: the same people, links, flags and sentence; a value the author
    rejected is neither held nor attributed."""
    from threadline.read.attributions import attributed_links

    narrative = (
        "Driton Koci runs the car wash and uses 07700 900884. "
        "Klodian Basha drives a white Ford Transit UC16 OJV. Basha uses 07700 900111."
    )
    rejected = narrative.index("07700 900111")
    saved = capture(
        store,
        local,
        IntelligenceReport.model_validate(
            report(
                narrative=narrative,
                identifiers=[
                    {"kind": "phone", "start": rejected, "end": rejected + 12, "confirmed": False}
                ],
            )
        ),
    )
    with store.connect() as conn:
        found = attributed_links(View(conn, local))
        rows = conn.execute(
            sa.select(t.statements.c.prop, t.statements.c.flags, t.statements.c.origin)
            .join(t.mentions, t.mentions.c.id == t.statements.c.mention_id)
            .where(t.mentions.c.id.like(f"%{saved.record_key}:text:narrative:person0"))
        ).all()
        conn.commit()
    assert {(a.person, a.kind, a.value, a.grade.code) for a in found} == {
        ("Driton Koci", "role", "controller", "2BC"),
        ("Driton Koci", "phone", "+447700900884", "2BC"),
        ("Klodian Basha", "role", "driver", "2BC"),
        ("Klodian Basha", "vehicle", "UC16OJV", "2BC"),
    }
    assert rows and all(o == "extracted" and "attributed" in f for _, f, o in rows)
    # The subjects, the text's Note and the Event come first, as before.
    assert [m.rsplit(":", 1)[-1] for m in saved.mentions[:4]] == [
        "subject0", "subject1", "narrative", "intelligence"
    ]  # fmt: skip


def test_rollback_and_erasure_remove_a_captured_record(
    store: Store, local: Actor, admin: Actor
) -> None:
    supervisor = _user(store, admin, "sue", "local", "supervisor")
    rolled = capture(store, local, IntelligenceReport.model_validate(report()))
    with store.connect() as conn:
        removed = rollback_batch(conn, rolled.batch_id, by_agency=local.agency_id)
    assert removed["records"] == 1 and store.counts()["records"] == 0
    erased = capture(store, local, IntelligenceReport.model_validate(report(officer="PC 9")))
    with store.connect() as conn:
        erase_record(conn, supervisor, erased.record_id, "no longer necessary (MoPI review)")
    assert store.counts()["records"] == 0 and store.counts()["statements"] == 0
    with pytest.raises(CaptureError, match="erased at retention review"):
        capture(store, local, IntelligenceReport.model_validate(report(officer="PC 9")))


def test_resolution_picks_up_captured_subjects_and_existing_entities(
    store: Store, local: Actor
) -> None:
    people = [
        {"kind": "person", "role": "suspect", "properties": {"name": name, "birthDate": dob}}
        for name, dob in (
            ("Ana Pop", "05/09/1990"),
            ("Ion Rusu", "01/02/1980"),
            ("Mara Lupu", "11/12/1975"),
        )
    ]
    vehicle = {"kind": "vehicle", "properties": {"registrationNumber": "AB12CDE"}}
    first = capture(
        store,
        local,
        IntelligenceReport.model_validate(
            report(
                subjects=[*people, vehicle],
                statements=[],
                handling_code="P",
                handling_conditions=[],
            )
        ),
    )
    with store.connect() as conn:
        resolve_store(conn)
        entity = dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.entity_id)).all())
    ana, van = entity[first.mentions[0]], entity[first.mentions[3]]
    assert ana and van and ana != entity[first.mentions[1]]
    # A second report names both from search: a judgement joins the person, the vehicle
    # carries its registration; neither states a value of its own.
    second = capture(
        store,
        local,
        IntelligenceReport.model_validate(
            report(
                subjects=[
                    {"kind": "person", "entity_id": ana, "role": "victim"},
                    {"kind": "vehicle", "entity_id": van},
                ],
                statements=[],
                officer="DC 7 Jones",
            )
        ),
    )
    assert second.entities == (ana, van) and len(second.judgements) == 1
    with store.connect() as conn:
        resolve_store(conn)
        after = dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.entity_id)).all())
        carried = conn.execute(
            sa.select(t.statements.c.value, t.statements.c.origin).where(
                t.statements.c.mention_id == second.mentions[1]
            )
        ).all()
    assert after[second.mentions[0]] == after[first.mentions[0]]
    assert after[second.mentions[1]] == after[first.mentions[3]]
    assert ("AB12CDE", "derived") in carried


def test_an_entity_the_author_may_not_see_is_refused_as_if_absent(
    store: Store, local: Actor, admin: Actor
) -> None:
    theirs = _user(store, admin, "bea", "b", "analyst")
    hidden = capture(store, theirs, IntelligenceReport.model_validate(report(agency="b")))
    with store.connect() as conn:
        resolve_store(conn)
        entity = conn.execute(
            sa.select(t.mentions.c.entity_id).where(t.mentions.c.id == hidden.mentions[0])
        ).scalar_one()
    messages = []
    for named in (entity, "no-such-entity"):
        data = report(subjects=[{"kind": "person", "entity_id": named}], statements=[])
        with pytest.raises(NotFound) as caught:
            capture(store, local, IntelligenceReport.model_validate(data))
        messages.append(str(caught.value).replace(named, "X"))
    assert messages[0] == messages[1] == "subjects.0.entity_id: no entity or value matches 'X'"
    denied = [e for e in _events(store, local.username, "entity.get") if e.outcome == "denied"]
    assert len(denied) == 2
    assert store.counts()["records"] == 1


def test_another_agency_a_viewer_and_an_uncleared_author_are_refused(
    store: Store, local: Actor, admin: Actor
) -> None:
    other = _user(store, admin, "bob", "b", "analyst")
    viewer = _user(store, admin, "vera", "local", "viewer")
    plain = _user(store, admin, "pat", "local", "analyst")
    cases: list[tuple[Actor, dict[str, Any], str]] = [
        (other, report(), "agency: permission denied: 'local' records are loaded by 'local'"),
        (other, report(agency="nowhere"), "agency: unknown agency 'nowhere'"),
        (viewer, report(), "permission denied: capture needs the analyst or supervisor role"),
        (
            plain,
            report(marking="OFFICIAL-SENSITIVE"),
            "marking: permission denied: you are not cleared for OFFICIAL-SENSITIVE",
        ),
    ]
    for actor, data, words in cases:
        before = len(_events(store, actor.username))
        with pytest.raises(AccessDenied) as caught:
            capture(store, actor, IntelligenceReport.model_validate(data))
        assert str(caught.value).startswith(words), caught.value
        events = _events(store, actor.username)[before:]
        assert [(e.action, e.outcome) for e in events] == [("collection", "denied")]
    assert store.counts()["records"] == 0


def test_a_delivery_right_lets_a_partner_capture_for_the_agency(
    store: Store, local: Actor, admin: Actor
) -> None:
    partner = _user(store, admin, "dan", "b", "analyst")
    with store.connect() as conn:
        add_agreement(conn, admin, "local", "b", delivery=True)
    saved = capture(store, partner, IntelligenceReport.model_validate(report()))
    assert saved.agency == "local"
    with store.connect() as conn:
        batch = conn.execute(
            sa.select(t.batches.c.agency_id, t.batches.c.loaded_by_agency_id).where(
                t.batches.c.id == saved.batch_id
            )
        ).one()
        assert tuple(batch) == (local.agency_id, partner.agency_id)
        assert View(conn, local).record(saved.record_id) is not None


# -- the command line ------------------------------------------------------------------------------

RUNNER = CliRunner()


def test_capture_a_file_from_the_command_line(store_url: str, local: Actor) -> None:
    shown = RUNNER.invoke(app, ["capture", str(EXAMPLE), "--db", store_url])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("Holds: OFFICIAL-SENSITIVE, handling C: Not to be disseminated")
    assert "Captured: record CAP-20261129-" in shown.output and "grade 2BC" in shown.output
    again = RUNNER.invoke(app, ["capture", str(EXAMPLE), "--db", store_url, "--json"])
    data = json.loads(again.output)
    assert data["protection"]["marking"] == "OFFICIAL-SENSITIVE"
    assert data["record"]["already_held"] is True
    assert data["record"]["review_date"] == "2036-11-29"  # group 2: ten years


def test_a_refused_file_names_each_field(store_url: str, local: Actor, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(report(marking="SECRET", handling_conditions=[])), "utf-8")
    refused = RUNNER.invoke(app, ["capture", str(bad), "--db", store_url])
    assert refused.exit_code != 0
    message = str(refused.exception)
    assert isinstance(refused.exception, ThreadlineError)
    assert "handling_conditions: handling code C requires handling conditions" in message
    assert "marking: marking 'SECRET' refused" in message
    schema = RUNNER.invoke(app, ["capture", "--schema"])
    assert json.loads(schema.output)["title"] == "IntelligenceReport"


def _answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_capture_interactively_checks_each_field_as_it_goes(
    store_url: str, local: Actor, store: Store
) -> None:
    answers = _answers(
        "local",
        "PC 5 Lee",
        "SRC-9",
        "2030-01-01",  # in the future: asked again
        "2026-11-01T08:00",
        "2026-11-02T09:00:00Z",
        "4",
        "2",  # 4 is no source evaluation
        "B",
        "C",
        "",  # C needs conditions: asked again
        "No onward sharing",
        "SECRET",
        "OFFICIAL",  # SECRET refused
        "3",
        "labour",
        "y",
        "person",
        "",
        "suspect",
        "colour=red",
        "name=Ion Rusu",
        "",  # colour refused
        "n",  # no more subjects
        "y",
        "Controls the workers",
        "opinion",
        "0",
        "n",
        NARRATIVE,
        "n",
        "y",  # reject the plate, confirm the phone
    )
    shown = RUNNER.invoke(app, ["capture", "--interactive", "--db", store_url], input=answers)
    assert shown.exit_code == 0, shown.output
    for words in (
        "in the future",
        "Input should be '1', '2' or '3'",
        "handling code C requires handling conditions",
        "'SECRET' refused",
        "unknown property 'colour'",
        "Holds: OFFICIAL, handling C: No onward sharing",
        "Captured: record CAP-20261102-",
    ):
        assert words in shown.output, (words, shown.output)
    with store.connect() as conn:
        said = dict(conn.execute(sa.select(t.statements.c.prop, t.statements.c.kind)).all())
        props = set(conn.execute(sa.select(t.statements.c.prop)).scalars())
    assert said["notes"] == "opinion" and "phoneMentioned" in props
    assert "vehicleMentioned" not in props
