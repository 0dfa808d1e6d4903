"""`/api/v1/watches` and `/api/v1/alerts`, over a server on loopback, as users with tokens: a
watch added, an alert raised by a load and marked read; another agency's analyst sees no
alert and gets the same 404 for an alert id as for none."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
