"""The People page and /api/v1/people on the demo's store: the API's answer is the read
path's, a decision made through it is shown beside the score, and the page in Debian's
chromium ranks with reasons and takes a dismissal with its reason.

Users of this file (added to the demo store once): ``people_api`` and ``people_page``,
analysts of the local agency, so that no other test's decisions show on their rankings.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from threadline.people.shown import people_shown
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store

from .conftest import (
    PASSWORD,
    DemoStore,
    accessibility_problems,
    csrf_of,
    log_in,
    screenshot,
    sign_in,
)
from .test_priorities import audited, view_of


@pytest.fixture(scope="module")
def users(demo_store: DemoStore) -> DemoStore:
    """The demo store with this file's users added."""
    with Store(demo_store.url) as store:
        owner = resolve_actor(store)
        with store.connect() as conn:
            for name in ("people_api", "people_page"):
                add_user(conn, owner, name, "local", ["analyst"], os_cleared=True,
                         password=PASSWORD)  # fmt: skip
    return demo_store


def test_the_api_ranks_as_the_read_path_and_keeps_decisions(server: str, users: DemoStore) -> None:
    with httpx.Client(base_url=server, timeout=30) as anonymous:
        assert anonymous.get("/api/v1/people").status_code == 401
    with sign_in(server, "people_api") as client:
        body = client.get("/api/v1/people?unrecognised=true&top=5").json()
        with view_of(users.url, "people_api") as view:
            expected = people_shown(view, unrecognised=True, top=5)
        for side in ("victim", "suspect"):
            got = [(e["entity_id"], e["role"], e["score"], e["reasons"], e["agencies"],
                    e["grade"], e["action"]) for e in body[f"{side}s"]]  # fmt: skip
            assert got == [(p.entity_id, p.role, p.score, list(p.reasons), list(p.agencies),
                            p.grade, p.action) for p in expected.sides[side]]  # fmt: skip
        victim = body["victims"][0]
        assert victim["unrecognised"] and victim["role"].startswith("potential")
        assert body["protection"]["marking"] == expected.protection.marking.value
        headers = {"X-CSRF-Token": csrf_of(client)}
        path = f"/api/v1/people/{victim['entity_id']}/decisions"
        made = client.post(path, json={"side": "victim", "decision": "confirmed",
                                       "reason": "seen at the visit"}, headers=headers)  # fmt: skip
        assert made.status_code == 201, made.text
        again = client.get("/api/v1/people?role=victim&unrecognised=true&top=5").json()
        assert again["suspects"] is None
        decided = next(e for e in again["victims"] if e["entity_id"] == victim["entity_id"])
        assert decided["decision"]["decision"] == "confirmed"
        assert decided["decision"]["reason"] == "seen at the visit"
        assert decided["score"] == victim["score"]  # a decision never changes the score
        gone = client.delete(f"/api/v1/people/decisions/{made.json()['id']}", headers=headers)
        assert gone.status_code == 204
        past_64_bits = client.delete(f"/api/v1/people/decisions/{2**64}", headers=headers)
        assert past_64_bits.status_code == 422  # refused as invalid, not failed on
        refused = client.post(path, json={"side": "victim", "decision": "confirmed",
                                          "reason": "no token"})  # fmt: skip
        assert refused.status_code == 403
    assert audited(users.url, "people_api", "analyse.people")
    assert audited(users.url, "people_api", "people.confirm")
    assert audited(users.url, "people_api", "people.withdraw")


def test_the_page_ranks_with_reasons_and_takes_a_dismissal(
    browser_page: Any, server: str, users: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "people_page")
    page.get_by_role("link", name="Priorities", exact=True).click()
    page.get_by_role("link", name="Potential victims and suspects").click()
    page.wait_for_selector("#people-victim + table tbody tr")
    victims = page.locator("#people-victim + table tbody tr")
    assert victims.count() > 0 and page.locator("#people-suspect + table tbody tr").count() > 0
    first = victims.first
    name = first.locator("th a").first.inner_text()
    assert "potential" in first.locator("td").nth(1).inner_text()
    assert "Suggested action:" in first.inner_text() and "NRM" in first.inner_text()
    assert "evidence " in first.locator(".reasons li").first.inner_text()
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL")
    assert accessibility_problems(page) == []
    screenshot(page, "21-people")
    first.get_by_label(f"Reason for the decision on {name}").fill("known to the council")
    first.get_by_role("button", name=f"Dismiss {name}").click()
    page.wait_for_url(f"{server}/people?done=dismissed")
    assert "Decision dismissed" in page.get_by_role("status").inner_text()
    row = page.locator("#people-victim + table tbody tr", has_text=name).first
    assert "Dismissed by people_page" in row.inner_text()
    assert "known to the council" in row.inner_text()
    assert accessibility_problems(page) == []
