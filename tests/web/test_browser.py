"""The workbench in Debian's chromium: what a person does, step by step, with screenshots.

Each test signs in through the page as a person would. The screenshots in
tests/web/screenshots/ are for people to look at; axe-core checks every main page for serious
or critical accessibility problems.
"""

from __future__ import annotations

import re
from typing import Any

from .conftest import CASE, DemoStore, accessibility_problems, log_in, screenshot


def test_sign_in_and_see_the_start_page(browser_page: Any, server: str) -> None:
    page = browser_page
    page.goto(f"{server}/")
    assert "/login" in page.url
    assert accessibility_problems(page) == []
    screenshot(page, "01-sign-in")
    log_in(page, server, "ana")
    assert page.get_by_role("heading", name="Threadline").is_visible()
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL")
    assert accessibility_problems(page) == []
    screenshot(page, "02-start")


def test_a_wrong_password_is_refused_on_the_page(browser_page: Any, server: str) -> None:
    page = browser_page
    page.goto(f"{server}/login")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "unknown user or wrong password."


def test_an_entity_shows_each_value_with_its_provenance(
    browser_page: Any, server: str, demo_store: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "ana")
    entity = demo_store.entity_ids("Person", 1)[0]
    page.goto(f"{server}/entities/{entity}")
    rows = page.locator("table.values tbody tr")
    assert rows.count() > 0
    first = rows.first.inner_text()
    assert re.search(r"\b[123][A-E][PC]\b|\b[A-E][1-5][1-5]\b", first), first  # a grade
    banner = page.locator(".marking").first.inner_text()
    assert banner.startswith(("OFFICIAL", "OFFICIAL-SENSITIVE"))
    assert accessibility_problems(page) == []
    screenshot(page, "03-entity")


def test_the_chart_expands_an_entity_and_finds_a_path(
    browser_page: Any, server: str, demo_store: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "ana")
    people = demo_store.entity_ids("Person", 40)
    page.goto(f"{server}/chart?focus={people[0]}")
    page.wait_for_function("document.querySelectorAll('#node-list li').length > 0")
    listed = page.locator("#node-list li").count()
    page.locator("#node-list li button").first.click()  # expand a neighbour
    page.wait_for_function(
        "document.getElementById('chart-status').textContent.includes('nodes and')"
    )
    assert page.locator("#node-list li").count() >= listed
    assert accessibility_problems(page) == []
    screenshot(page, "04-chart")
    # a path between two people joined in the graph
    target = page.evaluate(
        "() => Array.from(document.querySelectorAll('#node-list a'))"
        ".map(a => decodeURIComponent(a.href.split('/').pop())).filter(id => id.startsWith('per-'))"
    )
    far = [t for t in target if t != people[0]][-1]
    page.get_by_label("To entity").fill(far)
    page.get_by_role("button", name="Find path").click()
    page.wait_for_selector("#path-steps li")
    assert page.locator("#path-steps li").count() >= 1
    screenshot(page, "05-path")


def test_work_through_the_review_queue_and_judge_a_pair(browser_page: Any, server: str) -> None:
    page = browser_page
    log_in(page, server, "ana")
    page.goto(f"{server}/review")
    assert accessibility_problems(page) == []
    screenshot(page, "06-review")
    first = page.locator("tbody tr").first
    pair = first.locator("small").all_inner_texts()
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    page.wait_for_selector("#explanation table, #explanation p:not(.hint)", timeout=120_000)
    assert accessibility_problems(page) == []
    screenshot(page, "07-compare")
    page.get_by_label("Reason (kept with the judgement)").fill("different dates of birth")
    page.get_by_role("button", name="Different").click()
    page.wait_for_url(re.compile(r"/review\?.*done="))
    assert "recorded" in page.get_by_role("status").inner_text()
    # the judged pair has left the queue
    remaining = page.locator("tbody tr small").all_inner_texts()
    assert [pair[0], pair[1]] not in [remaining[i : i + 2] for i in range(0, len(remaining), 2)]


def test_save_a_chart_to_a_case_and_reopen_it(
    browser_page: Any, server: str, demo_store: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "ana")
    focus = demo_store.entity_ids("Person", 1)[0]
    page.goto(f"{server}/chart?focus={focus}")
    page.wait_for_function(
        "document.getElementById('chart-status').textContent.includes('nodes and')"
    )
    drawn = page.locator("#node-list li").count()
    page.get_by_label("Case").select_option(CASE)
    page.get_by_label("Chart name").fill("first look")
    page.get_by_role("button", name="Save chart").click()
    page.wait_for_function("document.getElementById('chart-status').textContent.includes('saved')")
    page.goto(f"{server}/chart")
    chosen = page.locator("#saved option", has_text="first look").first.get_attribute("value")
    page.get_by_label("Saved chart").select_option(chosen)
    page.get_by_role("button", name="Open", exact=True).click()
    page.wait_for_function("document.getElementById('chart-status').textContent.includes('Opened')")
    assert page.locator("#node-list li").count() == drawn
    screenshot(page, "11-saved-chart")


def test_how_a_network_changed_side_by_side(
    browser_page: Any, server: str, demo_store: DemoStore
) -> None:
    page = browser_page
    log_in(page, server, "ana")
    entity, middle = _busy_person(demo_store)
    page.goto(f"{server}/entities/{entity}")
    page.get_by_role("link", name="How its network changed").click()
    page.get_by_label("From").fill(middle)
    page.get_by_role("button", name="Compare").click()
    page.wait_for_function("document.body.dataset.charts === 'drawn'")
    assert page.locator("h1").inner_text().startswith("How the network of ")
    states = page.locator("section[aria-labelledby=members-heading] tbody td:nth-child(2)")
    shown = set(states.all_inner_texts())
    assert "joined" in shown and "at both dates" in shown, shown
    after = int(page.locator("#cy-after").get_attribute("data-nodes") or 0)
    before = int(page.locator("#cy-before").get_attribute("data-nodes") or 0)
    assert after > before > 0
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL")
    assert accessibility_problems(page) == []
    screenshot(page, "14-network-changes")
    page.get_by_role("link", name="Watch its network")  # offered on the entity page too
    page.goto(f"{server}/entities/{entity}")
    page.get_by_role("link", name="Watch its network").click()
    assert page.get_by_label("Watch the network around this entity").is_checked()


def _busy_person(demo: DemoStore) -> tuple[str, str]:
    """The local agency's person with the most links, and the middle date of their evidence."""
    import sqlalchemy as sa

    from threadline.store import Store
    from threadline.store import tables as t

    lk, ev, r = t.links.c, t.link_evidence.c, t.records.c
    with Store(demo.url) as store, store.connect() as conn:
        person = conn.execute(
            sa.select(lk.source_id).join(t.entities, t.entities.c.id == lk.source_id)
            .where(t.entities.c.schema == "Person")
            .group_by(lk.source_id).order_by(sa.func.count().desc(), lk.source_id).limit(1)
        ).scalar_one()  # fmt: skip
        days = sorted(d for d in conn.execute(
            sa.select(r.reported_on).join(t.link_evidence, ev.record_id == r.id)
            .join(t.links, lk.id == ev.link_id)
            .where(sa.or_(lk.source_id == person, lk.target_id == person),
                   r.reported_on.is_not(None))
        ).scalars())  # fmt: skip
    return str(person), days[len(days) // 2].isoformat()
