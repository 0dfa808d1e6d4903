"""Uploads and background jobs over HTTP and in the browser.

These tests load files, so they run on a copy of the demo's store with a server of their own
(the session's `server` is shared by tests that expect the demo's data unchanged). The copy's
uploads folder is beside it, as a real installation's is.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from threadline.api import Settings
from threadline.server import create_app

from .conftest import (
    DemoStore,
    _free_port,
    _Server,
    accessibility_problems,
    csrf_of,
    log_in,
    screenshot,
    sign_in,
)

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures"
MAPPING = (FIXTURES / "intel.yaml").read_text()
BAD_GRADE = "7"
INTEL = (FIXTURES / "intel.csv").read_text().replace("07/09/2025,3,D", f"07/09/2025,{BAD_GRADE},D")
"""Three intelligence reports; the third (row 4) has a source evaluation 3x5x2 lacks."""


@pytest.fixture(scope="module")
def loading_server(
    demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server with its own job worker on a copy of the demo store."""
    folder = tmp_path_factory.mktemp("uploads-store")
    source = sqlite3.connect(demo_store.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(folder / "threadline.db")
    source.backup(target)
    source.close()
    # other tests' jobs (analyses queued on the demo store) are not this module's: left in the
    # copy they would run first and hold the uploads up, and show in its users' job lists
    target.execute("DELETE FROM jobs")
    target.commit()
    target.close()
    config = uvicorn.Config(
        create_app(Settings(database=f"sqlite:///{folder / 'threadline.db'}")),
        host="127.0.0.1", port=_free_port(), log_level="warning", lifespan="on",
    )  # fmt: skip
    running = _Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    running.should_exit = True
    thread.join(timeout=30)


def _files(name: str = "intel.csv", text: str = INTEL) -> dict[str, Any]:
    return {"file": (name, text.encode(), "text/csv")}


def _finished(client: httpx.Client, job_id: int, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        seen.append(job["status"])
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {seen[-5:]}")


def test_a_dry_run_previews_with_the_bad_cell_marked_then_loads_as_a_job(
    loading_server: str,
) -> None:
    with sign_in(loading_server, "ana") as ana:
        headers = {"X-CSRF-Token": csrf_of(ana)}
        shown = ana.post(
            "/api/v1/uploads",
            headers=headers,
            files=_files(),
            data={"mapping_yaml": MAPPING, "agency": "local", "dry_run": "true"},
        )
        assert shown.status_code == 202, shown.text
        preview = shown.json()
        assert preview["rows_with_errors"] == 1 and preview["problems"] == []
        assert preview["protection"]["marking"] == "OFFICIAL-SENSITIVE"
        bad = [(r["number"], c["column"], c["raw"], c["error"]) for r in preview["rows"]
               for c in r["cells"] if c["error"]]  # fmt: skip
        assert len(bad) == 1 and bad[0][:3] == (4, "source_eval", BAD_GRADE)
        assert "source" in bad[0][3].lower()
        started = ana.post(
            f"/api/v1/uploads/{preview['upload']}/load",
            headers=headers,
            json={"mapping": "test_intel", "agency": "local", "on_error": "skip"},
        )
        assert started.status_code == 202, started.text
        job = _finished(ana, started.json()["id"])
        assert job["status"] == "done", job
        assert job["done"] == 3 and job["percent"] == 100
        assert job["result"]["records_written"] == 2 and job["result"]["rows_rejected"] == 1
        assert job["result"]["file"] == "intel.csv"
        assert job["id"] in [j["id"] for j in ana.get("/api/v1/jobs").json()]
    # Another user never sees it, nor that it exists.
    with sign_in(loading_server, "pat") as pat:
        assert pat.get(f"/api/v1/jobs/{job['id']}").status_code == 404
        assert pat.get(f"/api/v1/jobs/{job['id'] + 10_000}").status_code == 404
        assert job["id"] not in [j["id"] for j in pat.get("/api/v1/jobs").json()]
        assert pat.get(f"/jobs/{job['id']}").status_code == 404
        cancel = pat.post(f"/api/v1/jobs/{job['id']}/cancel",
                          headers={"X-CSRF-Token": csrf_of(pat)})  # fmt: skip
        assert cancel.status_code == 404
        # Nor may they load the upload ana kept.
        stolen = pat.post(
            f"/api/v1/uploads/{preview['upload']}/load",
            headers={"X-CSRF-Token": csrf_of(pat)},
            json={"agency": "local"},
        )
        assert stolen.status_code in (403, 404)


def test_a_partner_may_not_upload_for_another_agency(loading_server: str) -> None:
    with sign_in(loading_server, "pat") as pat:
        answer = pat.post(
            "/api/v1/uploads",
            headers={"X-CSRF-Token": csrf_of(pat)},
            files=_files(),
            data={"mapping_yaml": MAPPING, "agency": "local"},
        )
        assert answer.status_code == 403
        assert answer.json()["detail"] == (
            "permission denied: 'local' records are loaded by 'local' itself, or by an agency it "
            "has given a delivery right (threadline sharing add local YOURS --delivery)"
        )
        assert pat.get("/api/v1/jobs").json() == []


def test_uploads_too_large_or_unreadable_are_refused_politely(
    loading_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADLINE_UPLOAD_MB", "1")
    with sign_in(loading_server, "ana") as ana:
        headers = {"X-CSRF-Token": csrf_of(ana)}
        big = INTEL + (INTEL.split("\n", 1)[1] * 2000)
        answer = ana.post(
            "/api/v1/uploads",
            headers=headers,
            files=_files(text=big),
            data={"mapping_yaml": MAPPING, "agency": "local", "dry_run": "true"},
        )
        assert answer.status_code == 413
        assert "larger than the 1 MB an upload may be" in answer.json()["detail"]
        word = ana.post(
            "/api/v1/uploads",
            headers=headers,
            files={"file": ("notes.docx", b"PK\x03\x04", "application/zip")},
            data={"mapping": "police_intel_log", "dry_run": "true"},
        )
        assert word.status_code == 415
        assert word.json()["detail"].startswith("notes.docx: Threadline reads CSV")
        broken = ana.post(
            "/api/v1/uploads",
            headers=headers,
            files=_files(),
            data={"mapping_yaml": "mapping: [unclosed", "dry_run": "true"},
        )
        assert broken.status_code == 400
        assert broken.json()["detail"].startswith("your mapping, line 1:")
        # Without the CSRF token a browser's upload is refused; without a session, 401.
        assert ana.post("/api/v1/uploads", files=_files()).status_code == 403
    assert httpx.post(f"{loading_server}/api/v1/uploads", files=_files()).status_code == 401
    assert httpx.get(f"{loading_server}/api/v1/jobs").status_code == 401


def test_resolve_and_analyse_start_as_jobs(loading_server: str) -> None:
    with sign_in(loading_server, "ana") as ana:
        headers = {"X-CSRF-Token": csrf_of(ana)}
        analysed = ana.post("/api/v1/jobs", headers=headers, json={"kind": "analyse"})
        assert analysed.status_code == 202, analysed.text
        job = _finished(ana, analysed.json()["id"])
        assert job["status"] == "done", job
        assert job["message"].startswith("analysis run")
        assert ana.post("/api/v1/jobs", headers=headers, json={"kind": "ingest"}).status_code == 422


def test_upload_a_csv_see_the_bad_cell_load_it_and_watch_the_job(
    browser_page: Any, loading_server: str, tmp_path: Path
) -> None:
    page = browser_page
    log_in(page, loading_server, "ana")
    page.goto(f"{loading_server}/upload")
    assert accessibility_problems(page) == []
    screenshot(page, "20-upload")
    upload = tmp_path / "intel-march.csv"
    upload.write_text(INTEL.replace("IR000", "IRB00"))  # new keys: a file not loaded before
    page.get_by_label("File").set_input_files(str(upload))
    page.locator("summary").click()
    box = page.get_by_label("Your mapping, used instead of the one chosen above")
    page.get_by_label("Mapping", exact=True).select_option("police_intel_log")
    page.get_by_role("button", name="Copy the chosen mapping here to edit it").click()
    page.wait_for_function("document.getElementById('mapping_yaml').value.length > 0")
    assert box.input_value().startswith("mapping: police_intel_log")
    box.fill(MAPPING)  # edited: here, replaced by the test's own
    page.get_by_label("Agency code").fill("local")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(f"{loading_server}/upload")
    marked = page.locator("td.cell-error")
    assert marked.count() == 1
    assert marked.get_attribute("data-column") == "source_eval"
    assert marked.inner_text().startswith(BAD_GRADE)
    assert "1 of these rows would be refused" in page.get_by_role("status").inner_text()
    assert page.locator(".cleaned").filter(has_text="1998-04-03").count() == 1
    assert page.locator(".marking").first.inner_text().startswith("OFFICIAL-SENSITIVE")
    assert accessibility_problems(page) == []
    screenshot(page, "21-upload-preview")
    page.get_by_label("Load the good rows and set the bad ones aside").check()
    page.get_by_role("button", name="Load").click()
    page.wait_for_url(f"{loading_server}/jobs/*")
    page.wait_for_selector("[data-status=done]", timeout=120_000)
    assert "loaded as batch" in page.locator("#progress").inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "22-upload-job-done")
    # Close the page and come back: the job is in "your jobs".
    page.goto(f"{loading_server}/upload")
    assert page.get_by_role("cell", name="ingest: intel-march.csv").count() >= 1
