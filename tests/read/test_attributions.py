"""Links attributed from free text, stored at ingest and read back through the View: each graded
and marked as its record, extracted and unverified, and never shown to a user who may not see
the record it came from."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.ingest.batches import Agency, load_file
from threadline.ingest.mapping import load_mapping
from threadline.read import View
from threadline.read.attributions import attributed_links
from threadline.security.actors import Actor, load_actor
from threadline.security.users import hash_password
from threadline.store import Store
from threadline.store import tables as t

MAPPING = Path(__file__).parent.parent / "ingest" / "fixtures" / "intel.yaml"
HEADER = (
    "urn,recorded,source_eval,intel_assess,handling,conditions,marking,surname,forenames,dob,"
    "role,phone,address,postcode,narrative\n"
)
ROWS = [
    # shared with partners
    'IR0101,05/09/2025,2,B,P,,OFFICIAL,NGUYEN,Lan,1998,victim,,,,"Driton Koci runs the car '
    'wash and uses +44 7700 900884. Klodian Basha drives a red Ford Focus UC16 OJV."',
    # kept within the originating agency
    "IR0102,06/09/2025,1,A,C,Not to be disseminated outside the originating agency,OFFICIAL,"
    'HOXHA,Ardit,1985,suspect,,,,"Miri Hysa was given 07700 900111 by Driton Koci."',
    # marked OFFICIAL-SENSITIVE: only for the cleared
    "IR0103,07/09/2025,2,B,P,,OFFICIAL-SENSITIVE,SMITH,John,1990,witness,,,,"
    '"Ardit Hoxha linked to thefts; lives at 12 Mill Street, Luton."',
]


@pytest.fixture
def loaded(store: Store, local: Actor, tmp_path: Path) -> Store:
    """The three rows loaded by the local agency; ``partner`` (agency ``b``, not cleared) sees
    the local agency's records by an agreement that does not pass on handling conditions."""
    path = tmp_path / "intel.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = load_file(store, path, load_mapping(MAPPING), Agency("local"),
                       today=date(2026, 1, 15))  # fmt: skip
    assert result.status == "loaded", result
    with store.connect() as conn:
        made = sa.insert(t.agencies).values(code="b", name="B")
        b = conn.execute(made.returning(t.agencies.c.id)).scalar_one()
        conn.execute(
            sa.insert(t.users).values(
                username="partner", agency_id=b, roles=["analyst"], os_cleared=False,
                password_hash=hash_password(os.environ["THREADLINE_PASSWORD"]),
            )
        )  # fmt: skip
        ids = dict(conn.execute(sa.select(t.agencies.c.code, t.agencies.c.id)).all())
        creator = conn.execute(sa.select(t.users.c.id).limit(1)).scalar_one()
        conn.execute(
            sa.insert(t.sharing_agreements).values(
                from_agency_id=ids["local"], to_agency_id=b, conditions_allowed=False,
                valid_from=date(2020, 1, 1), created_by=creator,
            )
        )  # fmt: skip
        conn.commit()
    return store


def _links(store: Store, username: str) -> set[tuple[str, str, str, str]]:
    with store.connect() as conn:
        actor = load_actor(conn, username)
        assert actor is not None
        found = attributed_links(View(conn, actor))
        conn.commit()
    return {(a.person, a.kind, a.value, a.grade.code) for a in found}


def test_the_sentence_links_each_value_to_its_user_graded_as_its_record(
    loaded: Store, local: Actor
) -> None:
    assert _links(loaded, local.username) == {
        ("Driton Koci", "role", "controller", "2BP"),
        ("Driton Koci", "phone", "+447700900884", "2BP"),
        ("Klodian Basha", "role", "driver", "2BP"),
        ("Klodian Basha", "vehicle", "UC16OJV", "2BP"),
        ("Miri Hysa", "phone", "+447700900111", "1AC"),
        ("Ardit Hoxha", "address", "12 Mill Street, Luton", "2BP"),
    }


def test_a_user_sees_only_what_the_records_they_may_see_attribute(loaded: Store) -> None:
    # Not the agency-only record (IR0102), nor the OFFICIAL-SENSITIVE one (IR0103).
    assert {(p, k) for p, k, _, _ in _links(loaded, "partner")} == {
        ("Driton Koci", "role"),
        ("Driton Koci", "phone"),
        ("Klodian Basha", "role"),
        ("Klodian Basha", "vehicle"),
    }


def test_attributed_values_are_stored_extracted_unverified_with_the_sentence(
    loaded: Store,
) -> None:
    s = t.statements.c
    with loaded.connect() as conn:
        rows = conn.execute(
            sa.select(s.mention_id, s.prop, s.value, s.origin, s.span_start, s.span_end, s.flags)
            .where(s.mention_id.like("%IR0101:text:narrative:person0"))
            .order_by(s.id)
        ).all()
        mention = conn.execute(
            sa.select(t.mentions.c.role, t.mentions.c.schema).where(
                t.mentions.c.id.like("%IR0101:text:narrative:person0")
            )
        ).one()
    assert tuple(mention) == ("suspect", "Person")
    assert {r.origin for r in rows} == {"extracted"}
    assert all({"unverified", "attributed"} <= set(r.flags) for r in rows)
    by_prop = {r.prop: r for r in rows}
    assert by_prop["phone"].value == "+447700900884"
    text = ROWS[0].split(',"', 1)[1].rstrip('"')
    assert by_prop["description"].value == text[: text.index(".") + 1]
    phone = by_prop["phone"]
    assert text[phone.span_start : phone.span_end] == "+44 7700 900884"


def test_people_a_text_names_wait_outside_the_person_model(loaded: Store) -> None:
    """Scored by the person model they joined clusters that should stay apart (frames.py,
    JOIN_TEXT_PEOPLE): each stays a person of its own until a rule of their own joins them."""
    from threadline.resolve.frames import person_frame

    with loaded.connect() as conn:
        scored = set(person_frame(conn).column("record_id").to_pylist())
    assert scored == {f"local/test_intel:IR010{n}:subject" for n in (1, 2, 3)}
