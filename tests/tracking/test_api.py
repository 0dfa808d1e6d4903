"""`/api/v1/watches` and `/api/v1/alerts`, over a server on loopback, as users with tokens: a
watch added, an alert raised by a load and marked read; another agency's analyst sees no
alert and gets the same 404 for an alert id as for none."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from threadline.security import Actor
from threadline.security.sessions import add_token
from threadline.store import Store

from ..conftest import api_client
from .conftest import later, load, user
from .test_alerts import VICTIM, entity_of, resolve


@contextmanager
def client(store: Store, url: str, actor: Actor) -> Iterator[httpx.Client]:
    """An API client acting as `actor` (a bearer token of theirs) on a server of `url`."""
    with store.connect() as conn:
        token = add_token(conn, actor, f"tests-{time.time_ns()}")
    with api_client(url, token) as http:
        yield http


def test_watches_and_alerts_over_the_api(
    store: Store, store_url: str, local: Actor, admin: Actor, intel: Path
) -> None:
    partner = user(store, admin, "bea", "b")
    with client(store, store_url, local) as api:
        added = api.post("/api/v1/watches", json={
            "reason": "Operation Lantern", "identifier_type": "phone",
            "identifier": "07700 900123"})  # fmt: skip
        assert added.status_code == 201, added.text
        watch = added.json()
        assert (watch["kind"], watch["target"], watch["lapsed"]) == (
            "identifier", "+447700900123", False)  # fmt: skip
        assert api.post("/api/v1/watches", json={"reason": "x", "entity": "per-nobody"}
                        ).status_code == 404  # fmt: skip
        assert api.post("/api/v1/watches", json={"reason": "x"}).status_code == 422
        load(store, intel)
        shown = api.get("/api/v1/alerts?unread=true").json()
        [alert] = shown["alerts"]
        assert (alert["record_key"], alert["agency"], alert["grade"], alert["marking"]) == (
            "IR0001", "local", "2BP", "OFFICIAL")  # fmt: skip
        assert shown["protection"]["marking"] == "OFFICIAL"
        assert api.post(f"/api/v1/alerts/{alert['id']}/read").json() == {"marked": [alert["id"]]}
        assert api.get("/api/v1/alerts?unread=true").json()["alerts"] == []
        assert [w["id"] for w in api.get("/api/v1/watches").json()] == [watch["id"]]
    with client(store, store_url, partner) as theirs:
        assert theirs.get("/api/v1/alerts").json()["alerts"] == []
        assert theirs.post(f"/api/v1/alerts/{alert['id']}/read").status_code == 404
        assert theirs.post("/api/v1/alerts/999999/read").status_code == 404
        assert theirs.delete(f"/api/v1/watches/{watch['id']}").status_code == 404
    with client(store, store_url, local) as api:
        assert api.delete(f"/api/v1/watches/{watch['id']}").status_code == 204
        assert api.get("/api/v1/alerts").json()["alerts"] == []


def test_a_network_watch_over_the_api_names_who_joined_by_caption(
    store: Store, store_url: str, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    with client(store, store_url, local) as api:
        added = api.post("/api/v1/watches", json={"reason": "Lantern", "network": victim})
        assert added.status_code == 201, added.text
        assert (added.json()["kind"], added.json()["label"]) == (
            "network", "network of Person Thi Lan Nguyen")  # fmt: skip
        load(store, later(tmp_path, address="Unit 4, Canal Yard"))
        resolve(store)
        found = api.get("/api/v1/alerts").json()["alerts"]
    [joined] = [a for a in found if a["kind"] == "joined"]
    assert joined["reason"] == ("Unit 4, Canal Yard, Thi Lan Nguyen joined the watched network "
                                "of Thi Lan Nguyen")  # fmt: skip
    assert joined["entity"] == "Unit 4, Canal Yard" and "[[" not in str(found)


def _finished(api: httpx.Client, job_id: int, timeout: float = 120) -> dict[str, Any]:
    """Job `job_id` once it has ended (the server's own worker runs it)."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        job: dict[str, Any] = api.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end in {timeout} s")


def test_a_report_captured_over_the_api_brings_the_store_up_to_date_and_alerts(
    store: Store, store_url: str, local: Actor, intel: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    report = {
        "agency": "local", "officer": "PC 123 Smith", "source_reference": "SRC-0042",
        "intelligence_at": "2026-11-01T21:30:00", "reported_at": "2026-11-02T09:00:00Z",
        "source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P",
        "marking": "OFFICIAL", "exploitation": ["labour"],
        "subjects": [{"kind": "person", "entity_id": victim, "role": "potential_victim"},
                     {"kind": "vehicle", "properties": {"registrationNumber": "AB12 CDE"}}],
        "statements": [{"text": "She is driven to the car wash in a van", "kind": "fact"}],
        "narrative": "She was seen getting out of a van at the car wash.",
    }  # fmt: skip
    with client(store, store_url, local) as api:
        added = api.post("/api/v1/watches", json={"reason": "Lantern", "entity": victim})
        assert added.status_code == 201, added.text
        saved = api.post("/api/v1/intelligence", json=report)
        assert saved.status_code == 201, saved.text
        job = _finished(api, saved.json()["update_job"])
        assert (job["kind"], job["status"]) == ("update", "done"), job
        assert job["result"]["analysis"] is not None  # and the analyst's analysis with it
        found = api.get("/api/v1/alerts").json()["alerts"]
        # resolution ran: the captured record's person is (by the judgement the capture
        # made) the watched victim, a new mention of her
        [mention] = [a for a in found if a["kind"] == "mention"]
        assert (mention["record_key"], mention["agency"], mention["grade"]) == (
            saved.json()["record_key"], "local", "2BP")  # fmt: skip
        assert mention["reason"] == "new mention of Thi Lan Nguyen"
        again = api.post("/api/v1/intelligence", json=report)  # already held: nothing to do
        assert again.json()["already_held"] and again.json()["update_job"] is None
        quiet = api.post("/api/v1/intelligence?update=false",
                         json={**report, "source_reference": "SRC-0043"})  # fmt: skip
        assert quiet.status_code == 201 and quiet.json()["update_job"] is None
