"""Priorities, networks and the map of premises: the API's answers against the read path on
the demo's store, what a partner-agency user sees, and the three pages in Debian's chromium.

Users of this file (added to the demo store once): ``prio_new``, ``prio_click`` and
``prio_rank``, analysts of the local agency with no analysis of their own (so that no other
test's analysis interleaves with theirs), and ``prio_viewer``, a viewer (who may read
rankings but not start an analysis). ``ana`` and ``pat`` come from tests/web/conftest.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from threadline.api.priorities import networks, premises_map
from threadline.graph import build_graph
from threadline.read import View
from threadline.read.currency import currency
from threadline.read.places import places
from threadline.read.rankings import latest_run, stored_priorities
from threadline.security.actors import load_actor
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

from .conftest import (
    PARTNER,
    PASSWORD,
    DemoStore,
    accessibility_problems,
    csrf_of,
    log_in,
    screenshot,
    sign_in,
)

ENDPOINTS = (
    "/api/v1/priorities?kind=premises",
    "/api/v1/priorities?kind=business",
    "/api/v1/graph/communities",
    "/api/v1/premises/map",
)


@pytest.fixture(scope="module")
def users(demo_store: DemoStore) -> DemoStore:
    """The demo store with this file's users added."""
    with Store(demo_store.url) as store:
        owner = resolve_actor(store)
        with store.connect() as conn:
            for name, roles in (
                ("prio_new", ["analyst"]),
                ("prio_click", ["analyst"]),
                ("prio_rank", ["analyst"]),
                ("prio_viewer", ["viewer"]),
            ):
                add_user(conn, owner, name, "local", roles, os_cleared=True, password=PASSWORD)
    return demo_store


@contextmanager
def view_of(url: str, username: str) -> Iterator[View]:
    """The user's View on the store, read-only (rolled back: its audit events are not kept)."""
    with Store(url) as store, store.connect() as conn:
        actor = load_actor(conn, username)
        assert actor is not None
        try:
            yield View(conn, actor)
        finally:
            conn.rollback()


def analysed(client: httpx.Client) -> str:
    """Start an analysis through the API, as the client's user, and wait for its job (the
    server's worker runs it, not the request); the run's id."""
    answer = client.post("/api/v1/priorities/runs", headers={"X-CSRF-Token": csrf_of(client)})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["kind"] == "analyse" and job["status"] in ("queued", "running", "done")
    deadline = time.monotonic() + 300
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"the analysis job did not finish: {job}"
        time.sleep(0.2)
        job = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert job["status"] == "done", job
    return str(job["result"]["run"])


def audited(url: str, username: str, operation: str) -> list[Any]:
    """The audit events of `username` doing `operation`."""
    e = t.audit_events.c
    with Store(url) as store, store.connect() as conn:
        return list(
            conn.execute(
                sa.select(t.audit_events).where(e.username == username, e.operation == operation)
            ).all()
        )


def agencies_of(url: str, record_ids: set[int]) -> set[str]:
    """The agencies that hold these records (read directly, to check an answer)."""
    r, a = t.records.c, t.agencies.c
    with Store(url) as store, store.connect() as conn:
        query = (
            sa.select(a.code)
            .join(t.records, r.agency_id == a.id)
            .where(r.id.in_(sorted(record_ids)))
            .distinct()
        )
        return {str(code) for code in conn.execute(query).scalars()}


# -- the API ----------------------------------------------------------------------------------


def test_every_answer_needs_a_signed_in_user(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        for path in ENDPOINTS:
            assert client.get(path).status_code == 401, path
        assert client.post("/api/v1/priorities/runs").status_code == 401


def test_a_user_without_a_run_is_told_so(server: str, users: DemoStore) -> None:
    with sign_in(server, "prio_new") as client:
        body = client.get("/api/v1/priorities?kind=premises").json()
        assert body["run"] is None
        assert body["entries"] == []
        page = client.get("/priorities").text
        assert "You have no stored analysis yet" in page
        assert 'action="/jobs/start"' in page
        assert 'class="currency behind"' in page and "no analysis of yours" in page


def test_the_ranking_is_the_users_latest_stored_run(server: str, users: DemoStore) -> None:
    with sign_in(server, "prio_rank") as client:
        run = analysed(client)
        answers = {
            kind: client.get(f"/api/v1/priorities?kind={kind}&top=7").json()
            for kind in ("premises", "business")
        }
        with view_of(users.url, "prio_rank") as view:
            said = currency(view).words()
        # The demo's loads were all resolved, then analysed; other tests sharing this store may
        # have loaded or captured since, which the line must then say.
        assert said.startswith("loaded ") and "resolved " in said and "analysed " in said
        assert said.endswith("(current)") or ("behind: " in said and "threadline update" in said)
        for path in ("/priorities", "/chart", "/alerts",
                     f"/entities/{users.entity_ids('Person', 1)[0]}"):  # fmt: skip
            page = client.get(path).text
            assert "Currency: loaded " in page and "analysed " in page, path
    with view_of(users.url, "prio_rank") as view:
        stored = latest_run(view)
        assert stored is not None and stored.id == run
        for kind, body in answers.items():
            assert body["run"]["id"] == run
            expected = stored_priorities(view, run, kind, top=7)  # type: ignore[arg-type]
            assert len(expected) == 7
            got = [
                (e["rank"], e["entity_id"], e["caption"], e["score"], e["reasons"],
                 e["agencies"], e["evidence"], e["grade"])
                for e in body["entries"]
            ]  # fmt: skip
            assert got == [
                (p.rank, p.entity_id, p.caption, p.score, list(p.reasons), list(p.agencies),
                 list(p.evidence), p.grade)
                for p in expected
            ]  # fmt: skip
            held = view.protection({r for p in expected for r in p.evidence})
            assert body["protection"]["marking"] == held.marking.value
            assert body["protection"]["conditions"] == list(held.conditions)
    assert audited(users.url, "prio_rank", "analyse.run")
    shown = audited(users.url, "prio_rank", "analyse.premises")
    assert shown and any(row.entities for row in shown)
    # The run also ranked for each exploitation type its findings are about: the API, the
    # page's select and the read path give the same ranking for one.
    p = t.priorities.c
    with Store(users.url) as store, store.connect() as conn:
        lenses = sorted(conn.execute(sa.select(p.typology).where(
            p.run_id == run, p.typology.is_not(None)).distinct()).scalars())  # fmt: skip
    assert lenses, "the demo's findings are about some exploitation type"
    lens = lenses[0]
    with sign_in(server, "prio_rank") as client:
        body = client.get(f"/api/v1/priorities?kind=premises&typology={lens}&top=5").json()
        page = client.get(f"/priorities?typology={lens}").text
        assert f'<option value="{lens}" selected>' in page and "Ranked for " in page
        assert client.get("/priorities?typology=").status_code == 200  # every type
        assert client.get("/priorities?typology=trafficking").status_code == 422
        assert client.get("/api/v1/priorities?typology=trafficking").status_code == 422
    with view_of(users.url, "prio_rank") as view:
        expected = stored_priorities(view, run, "premises", top=5, typology=lens)
    assert body["typology"] == lens
    assert [(e["entity_id"], e["score"], e["reasons"]) for e in body["entries"]] == [
        (q.entity_id, q.score, list(q.reasons)) for q in expected
    ]
    assert all(q.reasons[0].startswith("ranked for ") for q in expected)
    lensed = audited(users.url, "prio_rank", "analyse.premises")
    assert any(row.detail.get("typology") == lens for row in lensed)


def test_a_viewer_may_read_but_not_start_an_analysis(server: str, users: DemoStore) -> None:
    with sign_in(server, "prio_viewer") as client:
        assert client.get("/api/v1/priorities?kind=premises").status_code == 200
        refused = client.post("/api/v1/priorities/runs", headers={"X-CSRF-Token": csrf_of(client)})
        assert refused.status_code == 403
        assert "analyst or supervisor" in refused.json()["detail"]
        page = client.get("/priorities").text
        assert 'action="/jobs/start"' not in page
        assert "needs the analyst or supervisor role" in page
    denied = audited(users.url, "prio_viewer", "analyse")
    assert denied and all(row.outcome != "allowed" for row in denied)


def test_a_form_without_its_csrf_token_starts_nothing(server: str, users: DemoStore) -> None:
    with sign_in(server, "prio_new") as client:
        assert client.post("/jobs/start", data={"kind": "analyse"}).status_code == 403
        assert client.get("/api/v1/priorities?kind=premises").json()["run"] is None


def test_the_networks_are_the_read_paths(server: str, users: DemoStore) -> None:
    with sign_in(server, "ana") as client:
        body = client.get("/api/v1/graph/communities?top=5&min_size=3").json()
    with view_of(users.url, "ana") as view:
        expected = networks(view, build_graph(view), top=5, min_size=3)
    assert body["found"] == expected.found
    assert [n["community"] for n in body["networks"]] == [
        n.profile.community for n in expected.networks
    ]
    for got, want in zip(body["networks"], expected.networks, strict=True):
        assert got["size"] == want.profile.size
        assert got["agencies"] == want.profile.agencies
        for key, members in want.members.items():
            assert [m["node"] for m in got["members"][key]] == [m.node for m in members]
    knows = {a: {int(n): c for n, c in row.items()} for a, row in body["knows"].items()}
    assert knows == expected.knows
    assert len(expected.agencies) > 2  # the demo's picture is held by several agencies
    assert audited(users.url, "ana", "graph.communities")


def test_the_map_places_only_what_the_records_place(server: str, users: DemoStore) -> None:
    with sign_in(server, "ana") as client:
        body = client.get("/api/v1/premises/map").json()
    listed = [d for d in body["districts"] for _ in d["premises"]]
    assert body["located"] + len(listed) + body["unplaced"] == body["premises"]
    assert body["premises"] > 0 and body["districts"]
    with view_of(users.url, "ana") as view:
        known = places(view, [p["entity_id"] for p in body["points"]])
        for point in body["points"]:
            place = known[point["entity_id"]]
            assert (place.latitude, place.longitude) == (point["latitude"], point["longitude"])
        for d in body["districts"]:
            found = places(view, d["premises"])
            assert {p.district for p in found.values()} == {d["district"]}
            assert not any(p.located for p in found.values())
        expected = premises_map(view, build_graph(view))
    assert body["cameras"] == expected.cameras == sum(p["camera"] for p in body["points"])
    assert audited(users.url, "ana", "premises.map")


def test_the_partner_sees_only_their_agencys(server: str, users: DemoStore) -> None:
    with sign_in(server, "pat") as client:
        analysed(client)
        ranked = [
            e
            for kind in ("premises", "business")
            for e in client.get(f"/api/v1/priorities?kind={kind}&top=500").json()["entries"]
        ]
        nets = client.get("/api/v1/graph/communities?top=100&min_size=2").json()
        placed = client.get("/api/v1/premises/map").json()
        with sign_in(server, "ana") as other:
            everyone = other.get("/api/v1/premises/map").json()
    assert ranked, "the partner's own records rank something"
    assert {a for e in ranked for a in e["agencies"]} == {PARTNER}
    assert agencies_of(users.url, {r for e in ranked for r in e["evidence"]}) == {PARTNER}
    assert set(nets["knows"]) <= {PARTNER}
    assert all(set(n["agencies"]) <= {PARTNER} for n in nets["networks"])
    assert placed["premises"] < everyone["premises"]
    with view_of(users.url, "pat") as view:
        shown = {p["entity_id"] for p in placed["points"]}
        shown |= {e for d in placed["districts"] for e in d["premises"]}
        records = {r for p in places(view, shown).values() for r in p.records}
    assert agencies_of(users.url, records) <= {PARTNER}


# -- the pages --------------------------------------------------------------------------------


def test_the_priorities_page_analyses_and_ranks(
    browser_page: Any, server: str, users: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "prio_click")
    page.get_by_role("link", name="Priorities", exact=True).click()
    assert page.get_by_text("You have no stored analysis yet").is_visible()
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Analyse now").click()  # a background job
    page.wait_for_selector("[data-status=done]", timeout=120_000)
    page.get_by_role("link", name="See the priorities of this analysis").click()
    page.wait_for_selector("table.ranking tbody tr")
    assert page.get_by_text("From your latest analysis run").is_visible()
    rows = page.locator("#rank-premises + table tbody tr")
    assert rows.count() == 20
    first = rows.first
    entity = first.locator("th a").first.get_attribute("href") or ""
    assert entity.startswith("/entities/")
    chart = first.get_by_role("link", name="On the chart").get_attribute("href") or ""
    assert chart == f"/chart?focus={entity.removeprefix('/entities/')}"
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL")
    assert accessibility_problems(page) == []
    screenshot(page, "20-priorities")
    first.locator("th a").first.click()
    page.wait_for_url(f"{server}{entity}")


def test_the_networks_page_shows_who_knows_what(browser_page: Any, server: str) -> None:
    page = browser_page
    log_in(page, server, "ana")
    page.goto(f"{server}/networks")
    matrix = page.get_by_role("table", name="Agencies by network: members each agency holds")
    assert matrix.locator("tbody tr").count() > 2
    assert page.locator("section.network").count() == 10
    assert accessibility_problems(page) == []
    screenshot(page, "21-networks")
    page.get_by_role("link", name="Network 1", exact=True).click()
    assert page.url.endswith("#network-1")
    screenshot(page, "22-network-profile")


def test_the_partner_sees_one_agency_in_the_matrix(browser_page: Any, server: str) -> None:
    page = browser_page
    log_in(page, server, "pat")
    page.goto(f"{server}/networks")
    matrix = page.get_by_role("table", name="Agencies by network: members each agency holds")
    heads = matrix.locator("tbody th").all_inner_texts()
    assert heads == [PARTNER]


def test_the_map_draws_points_a_keyboard_reaches(browser_page: Any, server: str) -> None:
    page = browser_page
    log_in(page, server, "ana")
    page.goto(f"{server}/map")
    points = page.locator("svg.map-drawing a")
    rows = page.locator(".map-table tbody tr")
    assert points.count() == rows.count() > 0
    assert page.get_by_text("Nothing is placed by guesswork").is_visible()
    assert page.locator("table.districts tbody tr").count() > 0
    points.first.focus()
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert rows.first.locator("th").inner_text() in label
    assert accessibility_problems(page) == []
    screenshot(page, "23-map")


def test_the_api_offers_the_exploitation_types_the_read_path_ranks_for() -> None:
    """The API's `typology` choices (a Literal, for its OpenAPI schema) are the read path's."""
    from typing import get_args

    from threadline.api.routers.priorities import Typology
    from threadline.read.rankings import TYPOLOGIES

    assert get_args(Typology) == TYPOLOGIES
