"""From a search to an entity's provenance and the record behind it, in the browser."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from threadline.store import Store

from .conftest import DemoStore, accessibility_problems, log_in, screenshot, sign_in


def _a_full_name(demo_store: DemoStore) -> tuple[str, str]:
    """A person entity and a two-word name one of its records gives it."""
    with Store(demo_store.url) as store, store.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT m.entity_id, s.value FROM statements s JOIN mentions m "
                "ON m.id = s.mention_id WHERE s.prop = 'name' AND m.schema = 'Person' "
                "AND s.value LIKE '% %' AND s.value NOT LIKE '% % %' ORDER BY s.id LIMIT 1"
            )
        ).one()
    return str(row[0]), str(row[1])


def test_search_a_name_in_another_order_and_open_its_record(
    browser_page: Any, server: str, demo_store: DemoStore
) -> None:
    entity, name = _a_full_name(demo_store)
    given, family = name.split(" ")
    page = browser_page
    log_in(page, server, "ana")
    page.get_by_label("Search names", exact=False).fill(f"{family} {given}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?**")
    assert "found" in page.get_by_role("status").inner_text()
    links = page.locator("ol.hits h2 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert f"/entities/{entity}" in hrefs
    assert accessibility_problems(page) == []
    screenshot(page, "12-search")
    page.goto(f"{server}/entities/{entity}")
    page.locator("table.values a").first.click()
    page.wait_for_url("**/records/**")
    assert page.get_by_role("heading", name="Provenance").is_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "13-record")


def test_the_api_search_keeps_to_what_the_user_may_see(server: str) -> None:
    with sign_in(server, "pat") as client:
        answer = client.get("/api/v1/search", params={"q": "a", "limit": 200})
        assert answer.status_code == 200
        agencies = {a for hit in answer.json()["hits"] for a in hit["agencies"]}
        assert agencies <= {"nwpolice"}
        assert client.get("/api/v1/records/999999").status_code == 404
