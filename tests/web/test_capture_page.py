"""Capturing an intelligence report in the browser, and through the API."""

from __future__ import annotations

from typing import Any

from .conftest import accessibility_problems, csrf_of, log_in, screenshot, sign_in


def test_capture_a_report_with_a_c_handling_code(browser_page: Any, server: str) -> None:
    page = browser_page
    log_in(page, server, "ana")
    page.goto(f"{server}/capture")
    assert accessibility_problems(page) == []
    page.get_by_label("Officer *").fill("PC 4471 Okafor")
    page.get_by_label("Source reference *").fill("URN 26/1187")
    page.get_by_label("Date and time of the intelligence *").fill("2026-11-28T21:40")
    page.get_by_label("2: Untested").check()
    page.get_by_label("B: Known indirectly to the source but corroborated").check()
    page.get_by_label("C: lawful sharing permitted subject to conditions").check()
    page.get_by_label("Security marking *").select_option("OFFICIAL-SENSITIVE")
    page.get_by_label("labour").check()
    page.get_by_label("Subject 1 name, address or identifier").fill("Mihai Rusu")
    page.get_by_label("Subject 1 date of birth").fill("14/03/2001")
    page.get_by_label("Subject 1 role").select_option("potential_victim")
    page.get_by_label("Statement 1", exact=True).fill("Workers are collected at 05:30")
    page.get_by_label("What was reported, in full").fill(
        "A white van YK19 ZTE collects six men. The driver uses 07700 900456."
    )
    # C without conditions is refused, naming the field
    page.get_by_role("button", name="Save the report").click()
    assert "handling_conditions" in page.get_by_role("alert").inner_text()
    screenshot(page, "08-capture-refused")
    page.get_by_label("Handling conditions (one per line; required for C, not allowed for P)").fill(
        "Not to be disseminated outside the originating agency"
    )
    page.get_by_role("button", name="Find identifiers in the narrative").click()
    page.wait_for_selector("#identifiers mark.found-id")
    assert "YK19 ZTE" in page.locator("#identifiers").inner_text()
    page.get_by_label("Confirm YK19 ZTE").check()
    assert accessibility_problems(page) == []
    screenshot(page, "09-capture-identifiers")
    page.get_by_role("button", name="Save the report").click()
    assert "Saved as record" in page.get_by_role("status").inner_text()
    # resolution and the analysis are brought up to date by a job, as after an upload
    assert page.get_by_role("link", name="follow job").count() == 1
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL-SENSITIVE, handling C")
    screenshot(page, "10-captured")


def test_the_api_names_the_field_at_fault(server: str) -> None:
    report = {
        "agency": "local", "officer": "PC 1", "source_reference": "S1",
        "intelligence_at": "2026-01-01", "reported_at": "2026-01-02T10:00:00Z",
        "source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P",
        "marking": "SECRET",
    }  # fmt: skip
    with sign_in(server, "ana") as client:
        headers = {"X-CSRF-Token": csrf_of(client)}
        refused = client.post("/api/v1/intelligence", json=report, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "marking"]
        saved = client.post(  # loaded only: the update job is tested in tests/tracking
            "/api/v1/intelligence?update=false",
            json={**report, "marking": "OFFICIAL"},
            headers=headers,
        )
        assert saved.status_code == 201, saved.text
        assert saved.json()["protection"]["marking"] == "OFFICIAL"
        # a partner analyst may not capture for the local agency
    with sign_in(server, "pat") as client:
        headers = {"X-CSRF-Token": csrf_of(client)}
        denied = client.post(
            "/api/v1/intelligence", json={**report, "marking": "OFFICIAL"}, headers=headers
        )
        assert denied.status_code == 403
