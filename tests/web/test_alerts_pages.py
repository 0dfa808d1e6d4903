"""Watches and alerts in the browser: watch a person from their entity page, a later export
about her is loaded and resolved, the header counts the alert and the alerts page names it
with its record, agency, grade and marking; marking it read clears the count. A partner's
analyst watching the same phone sees no count and no alert: the material is not theirs to see.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from threadline.read import View
from threadline.resolve.judgements import record_judgement
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking import add_watch, list_alerts

from ..conftest import api_client
from ..tracking.conftest import FIXTURES, later, load, user
from ..tracking.test_alerts import VICTIM, entity_of, resolve
from .conftest import accessibility_problems, csrf_of, log_in, screenshot, sign_in


def header_count(page: Any) -> str:
    return str(page.locator("#alerts-link").inner_text()).replace("\n", " ").strip()


def test_a_watch_from_the_entity_page_raises_an_alert_in_the_header(
    browser_page: Any, store: Store, store_url: str, local: Actor, admin: Actor,
    tmp_path: Path,
) -> None:  # fmt: skip
    user(store, admin, "ana", "local", "analyst")
    pat = user(store, admin, "pat", "partner", "analyst")
    load(store, FIXTURES / "intel.csv")
    resolve(store)
    victim = entity_of(store, VICTIM)
    page = browser_page
    with api_client(store_url, "") as http:
        base = str(http.base_url).rstrip("/")
        log_in(page, base, "ana")
        assert header_count(page) == "Alerts"
        page.goto(f"{base}/entities/{victim}")
        page.get_by_role("link", name="Watch", exact=True).click()
        assert page.get_by_label("Entity id").input_value() == victim
        page.get_by_label("Reason (required)").fill("Op Lantern: victim at risk")
        page.get_by_role("button", name="Add watch").click()
        page.wait_for_url(f"{base}/watches")
        row = page.locator("table.watches tbody tr")
        assert row.count() == 1 and "Op Lantern: victim at risk" in row.inner_text()
        assert accessibility_problems(page) == []
        screenshot(page, "20-watches")

        context = page.context.browser.new_context(viewport={"width": 1366, "height": 768})
        partner = context.new_page()
        log_in(partner, base, "pat")
        partner.goto(f"{base}/watches")
        partner.get_by_label("Identifier type").select_option("phone")
        partner.get_by_label("Identifier", exact=True).fill("07700 900123")
        partner.get_by_label("Reason (required)").fill("a phone named in our hotline call")
        partner.get_by_role("button", name="Add watch").click()
        partner.wait_for_url(f"{base}/watches")

        # a later export states the partner's watched phone in local's record; an analyst
        # confirms it is the same woman, and resolution joins it to her
        load(store, later(tmp_path / "later", address="Unit 4, Canal Yard"))
        with store.connect() as conn:
            record_judgement(conn, local, VICTIM, "local/test_intel:IR0004:subject", "same",
                             "same name, date of birth and phone")  # fmt: skip
        resolve(store)

        page.goto(f"{base}/")
        assert header_count(page) == "Alerts 2 unread", header_count(page)  # mention, link
        page.get_by_role("link", name="Alerts").click()
        rows = page.locator("table.alerts tbody tr")
        assert rows.count() >= 1
        first = rows.first.inner_text()
        assert "IR0004" in first and "Unread" in first and "new link" in first, first
        assert "local" in first.lower() and "OFFICIAL" in first
        assert "new link: lives at Unit 4, Canal Yard" in first  # a caption, not an id
        assert "Person Thi Lan Nguyen" in first and "[[" not in page.content()
        assert page.get_by_role("link", name="IR0004", exact=False).first.is_visible()
        assert accessibility_problems(page) == []
        screenshot(page, "21-alerts")
        page.get_by_role("button", name="Mark all read").focus()
        page.keyboard.press("Enter")  # usable from the keyboard
        page.wait_for_url(f"{base}/alerts?n=1")
        assert header_count(page) == "Alerts"
        assert "Unread" not in page.locator("table.alerts tbody").inner_text()

        partner.goto(f"{base}/")
        assert header_count(partner) == "Alerts"  # no count for local's material
        partner.goto(f"{base}/alerts")
        assert partner.locator("table.alerts").count() == 0
        assert "IR0004" not in partner.content()
        screenshot(partner, "22-partner-alerts")
        with store.connect() as conn:  # the alert is held for her, for when she may see it
            held = sa.select(sa.func.count()).where(t.alerts.c.user_id == pat.user_id)
            assert conn.execute(held).scalar_one() >= 1
        context.close()


def test_the_pages_refuse_what_is_not_theirs_and_a_form_without_its_token(
    store: Store, store_url: str, local: Actor, admin: Actor
) -> None:
    ana = user(store, admin, "ana", "local", "analyst")
    pat = user(store, admin, "pat", "partner", "analyst")
    watched = 0
    for actor in (ana, pat):
        with store.connect() as conn:
            held = add_watch(View(conn, actor), reason="Op Lantern",
                             identifier=("phone", "07700 900456"))  # fmt: skip
            watched = held.id if actor is ana else watched
    load(store, FIXTURES / "intel.csv")
    with store.connect() as conn:
        [theirs, *_] = [a.id for a in list_alerts(View(conn, ana))]
    with api_client(store_url, "") as http:
        base = str(http.base_url).rstrip("/")
        with sign_in(base, "ana") as client:
            shown = re.search(r"Alerts <span class=\"count\">(\d+)<", client.get("/capture").text)
            assert shown is not None and shown[1] == "1", shown  # not IR0002: not cleared
            refused = client.post("/alerts/read", data={"alert": str(theirs)})
            assert refused.status_code == 403  # no CSRF token
            token = csrf_of(client)
            blank = client.post("/watches", data={"csrf_token": token, "search": "Ardit Hoxha"})
            assert blank.status_code == 422 and "needs a reason" in blank.text
        with sign_in(base, "pat") as client:
            token = csrf_of(client)
            assert 'class="count"' not in client.get("/alerts").text  # local's records
            other = client.post("/alerts/read", data={"alert": str(theirs), "csrf_token": token})
            none = client.post("/alerts/read", data={"alert": "999999", "csrf_token": token})
            assert other.status_code == none.status_code == 404
            assert other.text == none.text
            gone = client.post(f"/watches/{watched}/remove", data={"csrf_token": token})
            assert gone.status_code == 404
