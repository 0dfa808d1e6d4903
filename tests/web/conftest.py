"""The workbench under test: the demo's store, a real server on loopback, Debian's chromium.

`demo_store` builds the demo once per test session (the small scenario, ingested, resolved and
analysed, exactly as `make demo` does) and adds two users who sign in with the test password:
``ana``, an analyst of the local agency (which the partners share with), and ``pat``, an
analyst of one partner agency, who sees only that agency's own records. `server` serves it with
uvicorn in a thread; `browser` is Debian's chromium driven by Playwright, started with the
flags this machine needs. Screenshots go to tests/web/screenshots/ for a person to look at.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from threadline.api import Settings
from threadline.security.cases import add_case, add_member
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.server import create_app
from threadline.store import Store
from threadline.store import tables as t

from ..conftest import built_once, missing

PASSWORD = "correct horse battery staple"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""As docs/DESIGN say for this machine: root, offline, no window."""

CASE = "Operation Harbour"
"""A case ``ana`` is a member of."""

PARTNER = "nwpolice"
"""The partner agency whose analyst ``pat`` is."""


@dataclass(frozen=True)
class DemoStore:
    url: str
    folder: Path

    def entity_ids(self, schema: str, limit: int = 5) -> list[str]:
        with Store(self.url) as store, store.connect() as conn:
            rows = conn.execute(
                sa.select(t.entities.c.id)
                .where(t.entities.c.schema == schema)
                .order_by(t.entities.c.id)
                .limit(limit)
            )
            return [str(r) for r in rows.scalars()]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """The demo's store, built once per run (about a minute) with users ``ana`` and ``pat``,
    and copied for each worker, which may change its copy."""
    shared = built_once(tmp_path_factory, "demo", _build_demo)
    own = tmp_path_factory.mktemp("demo")
    shutil.copyfile(shared / "threadline.db", own / "threadline.db")
    return DemoStore(f"sqlite:///{own / 'threadline.db'}", shared)


def _build_demo(folder: Path) -> None:
    """`threadline demo` into `folder`, with ``ana``, ``pat`` and ana's case, and the store's
    write-ahead log folded into its file (which is then copied alone)."""
    from typer.testing import CliRunner

    from threadline.cli import app

    url = f"sqlite:///{folder / 'threadline.db'}"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(folder / "scenario"), "--db", url], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    assert "sign in as demo with the password" in " ".join(result.output.split())
    with Store(url) as store:
        owner = resolve_actor(store)
        with store.connect() as conn:
            add_user(conn, owner, "ana", "local", ["analyst"], os_cleared=True, password=PASSWORD)
            add_user(conn, owner, "pat", PARTNER, ["analyst"], os_cleared=True, password=PASSWORD)
            add_case(conn, owner, CASE, "the demo's labour network")
            add_member(conn, owner, CASE, "ana")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread may not take the process's signals
        pass


@pytest.fixture(scope="session")
def server(demo_store: DemoStore) -> Iterator[str]:
    """The workbench on loopback, serving the demo store; yields its base address."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(database=demo_store.url)), host="127.0.0.1", port=port,
        log_level="warning", lifespan="on",
    )  # fmt: skip
    running = _Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@contextmanager
def sign_in(base: str, username: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """An HTTP client signed in through the login form, as a browser would be."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        form = client.get("/login")
        token = client.cookies.get("threadline_login", path="/login") or ""
        assert form.status_code == 200
        answer = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        )
        assert answer.status_code == 303, answer.text
        yield client


def csrf_of(client: httpx.Client) -> str:
    """The session's CSRF token, as the page gives it to htmx."""
    page = client.get("/").text
    marker = 'name="csrf-token" content="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Any]:
    """Debian's chromium under Playwright (never a browser Playwright downloads)."""
    if not CHROMIUM.exists():
        missing(f"needs Debian's chromium at {CHROMIUM} (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(playwright_browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) at 1366x768, the smallest screen we promise."""
    context = playwright_browser.new_context(
        viewport={"width": 1366, "height": 768}, bypass_csp=True
    )  # bypass: axe-core is injected inline by the test, which the pages' CSP forbids
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a picture of the page for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_problems(page: Any) -> list[str]:
    """Serious or critical axe-core violations on the page (axe-core from npm)."""
    if not AXE.exists():
        missing(f"needs axe-core from npm at {AXE} (make setup installs it)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


def log_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the page, as a person would."""
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
