"""MoPI retention: the review queue, retain decisions, erasure that leaves no trace, and the
subject access export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.errors import ValidationError
from threadline.model.retention import RetentionGroup, review_date
from threadline.read import View
from threadline.security import (
    AccessDenied,
    erase_record,
    erasures,
    retain_record,
    transaction,
    verify_chain,
)
from threadline.security.subject_access import subject_access
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.erased import erased_keys


def test_the_review_queue_holds_only_due_records_the_user_may_see(store: Store, world: Any) -> None:
    sup = world.user("sup", "met", "supervisor")
    old = world.record("old", "met", review=date(2020, 1, 1))
    world.record("new", "met", review=date(2099, 1, 1))
    world.record("theirs", "council", review=date(2020, 1, 1))
    world.commit()
    with store.connect() as conn:
        due = View(conn, sup).records(due_by=date.today())
    assert [r.id for r in due] == [old]


def test_retain_records_the_decision_and_moves_the_review_on(store: Store, world: Any) -> None:
    sup = world.user("sup", "met", "supervisor")
    ana = world.user("ana", "met", "analyst")
    other = world.user("other", "council", "supervisor")
    rec = world.record("old", "met", retention="2", review=date(2020, 1, 1))
    world.commit()
    with pytest.raises(AccessDenied, match="supervisor"), transaction(store, ana) as conn:
        retain_record(conn, ana, rec, "still needed")
    with pytest.raises(AccessDenied, match="not found"), transaction(store, other) as conn:
        retain_record(conn, other, rec, "still needed")
    with transaction(store, sup) as conn:
        with pytest.raises(ValidationError, match="reason"):
            retain_record(conn, sup, rec, "  ")
        kept = retain_record(conn, sup, rec, "Linked to live investigation", today=date(2026, 1, 5))
    assert kept.next_review == review_date(RetentionGroup.SERIOUS, date(2026, 1, 5))
    with store.connect() as conn:
        review = conn.execute(sa.select(t.retention_reviews)).one()
        moved = conn.execute(sa.select(t.records.c.review_date).where(t.records.c.id == rec))
        assert moved.scalar_one() == date(2036, 1, 5)
        denied = conn.execute(
            sa.select(t.audit_events.c.username).where(t.audit_events.c.outcome == "denied")
        ).scalars()
        assert sorted(denied) == ["ana", "other"]
    assert (review.decision, review.reason, review.reviewer_id) == (
        "retain", "Linked to live investigation", sup.user_id,
    )  # fmt: skip


def test_erasure_leaves_nothing_but_a_non_identifying_audit_event(store: Store, world: Any) -> None:
    sup = world.user("sup", "met", "supervisor", os=True)
    secret = world.token("victim")
    world.entity("e-hub", caption=secret)  # as if resolution had drawn the caption from it
    world.entity("e-victim", caption=secret)
    victim = world.record("victim", "met", values={"name": secret, "birthDate": "1990-01-01"})
    keep = world.record("keep", "met")
    world.link("only-victim", "e-victim", "e-keep", ["victim"])
    world.link("both", "e-hub", "e-keep", ["victim", "keep"])
    world.indicator("e-hub", ["victim"], name="drops")
    world.indicator("e-hub", ["keep"], name="stays")
    world.conn.execute(
        sa.insert(t.judgements).values(
            left_id="m-victim", right_id="m-keep", verdict="same", reason=secret,
            user_id=sup.user_id,
        )
    )  # fmt: skip
    world.case("aurora", "met", ["sup"], ["victim"])
    analysis_run(world.conn, "run-1", [("e-hub", [victim], f"crowded: {secret} and 5 others")])
    world.conn.execute(
        sa.insert(t.resolution_runs).values(id=1, started_at=datetime.now(UTC), counts={})
    )
    world.conn.execute(
        sa.insert(t.resolution_pairs).values(
            run_id=1, left_id="m-victim", right_id="m-keep", probability=0.9, weight=3.0,
            joined=True,
        )
    )  # fmt: skip
    world.commit()
    with transaction(store, sup) as conn:  # consulted, reviewed and retained before
        View(conn, sup, purpose="triage").values("e-hub")
        retain_record(conn, sup, victim, "review: still needed")
    with transaction(store, sup) as conn:
        gone = erase_record(conn, sup, victim, "No longer necessary for a policing purpose")
    assert (gone.mentions, gone.links, gone.indicators, gone.judgements) == (2, 1, 1, 1)
    assert (gone.entities_removed, gone.entities_stale, gone.analyses_stale) == (1, 2, 1)

    with store.connect() as conn:
        for table in t.metadata.sorted_tables:
            text = repr(conn.execute(sa.select(table)).all())
            for value in (secret, world.token("victim", "phone"), "1990-01-01"):
                assert value not in text, f"{value} survives in {table.name}"
        hub = conn.execute(sa.select(t.entities).where(t.entities.c.id == "e-hub")).one()
        assert hub.stale and hub.caption == world.token("keep", "phone")
        both = conn.execute(sa.select(t.links).where(t.links.c.id == "both")).one()
        assert (both.marking, both.handling_code) == ("OFFICIAL", "P")  # from what remains
        assert conn.execute(sa.select(t.indicators.c.name)).scalars().all() == ["stays"]
        event = conn.execute(
            sa.select(t.audit_events).where(t.audit_events.c.action == "erasure")
        ).one()
        assert (event.records, event.entities, event.purpose) == (
            [victim], [], "No longer necessary for a policing purpose",
        )  # fmt: skip
        assert View(conn, sup).record(keep) is not None
        assert verify_chain(conn).intact
        run = conn.execute(sa.select(t.analysis_runs)).one()
        assert run.stale_at is not None and run.stale_reason == f"record {victim} was erased"
        assert conn.execute(sa.select(t.priorities)).all() == []
        assert conn.execute(sa.select(t.resolution_pairs)).all() == []
        source = conn.execute(sa.select(t.records.c.source_id).where(t.records.c.id == keep))
        assert erased_keys(conn, source.scalar_one(), ["row-victim", "row-keep"]) == {"row-victim"}


def test_subject_access_exports_what_is_held_about_an_entity(store: Store, world: Any) -> None:
    sup = world.user("sup", "met", "supervisor", os=True)
    viewer = world.user("viewer", "met", "viewer")
    outsider = world.user("outsider", "charity", "analyst")
    world.record("a", "met", "C", values={"name": "Ana Smith"}, hub="e-person")
    world.record("b", "met", "P", marking="OFFICIAL-SENSITIVE", hub="e-person")
    world.record("c", "council", "P", hub="e-person")  # not shared with met: not exported
    world.commit()
    with transaction(store, sup) as conn:
        doc = subject_access(conn, sup, "e-person", recipients="Disclosure Unit")
    assert [r["record_key"] for r in doc["records"]] == ["row-a", "row-b"]
    assert doc["protection"] == {
        "marking": "OFFICIAL-SENSITIVE",
        "handling": "C",
        "conditions": ["Partner safeguarding use only"],
    }
    assert doc["records"][0]["grade"]["code"] == "2BC"
    assert {s["value"] for m in doc["mentions"] for s in m["statements"]} == {
        world.token("a", "phone"), world.token("b", "phone"),
    }  # fmt: skip
    assert world.token("c", "phone") not in json.dumps(doc)
    with pytest.raises(AccessDenied, match="not found"), transaction(store, outsider) as conn:
        subject_access(conn, outsider, "e-person")
    with (
        pytest.raises(AccessDenied, match="analyst or supervisor"),
        transaction(store, viewer) as conn,
    ):
        subject_access(conn, viewer, "e-person")
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.audit_events).where(t.audit_events.c.action == "disclosure")
        ).all()
    outcomes = sorted((r.username, r.outcome) for r in rows)
    assert outcomes == [("outsider", "denied"), ("sup", "allowed"), ("viewer", "denied")]
    allowed = next(r for r in rows if r.outcome == "allowed")
    assert (allowed.entities, allowed.recipients) == (["e-person"], "Disclosure Unit")


def test_long_id_lists_are_read_in_chunks(
    store: Store, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threadline.read.view as view_module

    sup = world.user("sup", "met", "supervisor")
    ids = [world.record(f"r{n}", "met", review=date(2020, 1, 1 + n)) for n in range(5)]
    hidden = world.record("hidden", "council")
    world.commit()
    monkeypatch.setattr(view_module, "CHUNK", 2)
    with store.connect() as conn:
        view = View(conn, sup)
        assert [r.id for r in view.records(ids=[*ids, hidden])] == ids
        assert [r.id for r in view.records(ids=ids, offset=1, limit=2)] == ids[1:3]
        due = view.records(ids=reversed(ids), due_by=date(2020, 1, 3))
        assert [r.id for r in due] == ids[:3]


def analysis_run(conn: Any, run_id: str, ranked: list[tuple[str, list[int], str]]) -> None:
    """An analysis run ranking premises, each with the records its reason cites."""
    conn.execute(
        sa.insert(t.analysis_runs).values(
            id=run_id, started_at=datetime.now(UTC), weights={}, weights_digest="d", params={},
            counts={},
        )
    )  # fmt: skip
    for rank, (entity, evidence, reason) in enumerate(ranked, 1):
        conn.execute(
            sa.insert(t.priorities).values(
                run_id=run_id, entity_id=entity, kind="premises", rank=rank, score=1.0,
                reasons=[reason], indicators=[], agencies=["met"], evidence=evidence,
            )
        )  # fmt: skip


def test_the_erasure_register_names_earlier_disclosures_to_follow_up(
    store: Store, world: Any
) -> None:
    sup = world.user("sup", "met", "supervisor", os=True)
    analyst = world.user("ana", "met", "analyst", os=True)
    victim = world.record("victim", "met", hub="e-person")
    world.record("other", "met", hub="e-person")
    world.commit()
    with transaction(store, sup) as conn:
        subject_access(conn, sup, "e-person", recipients="CPS disclosure team")
    with transaction(store, sup) as conn:
        erase_record(conn, sup, victim, "Review: no longer necessary")
    with transaction(store, sup) as conn:
        (erased,) = erasures(conn, sup)
    assert (erased.record_id, erased.username, erased.reason) == (
        victim, "sup", "Review: no longer necessary",
    )  # fmt: skip
    assert [(d.recipients, d.operation) for d in erased.disclosures] == [
        ("CPS disclosure team", "subject_access")
    ]
    with transaction(store, sup) as conn:
        assert erasures(conn, sup, since="2999-01-01") == []
    with pytest.raises(AccessDenied), transaction(store, analyst) as conn:
        erasures(conn, analyst)
