"""Shared fixtures.

Fixture strategy: use the smallest fixture that shows the behaviour, and build special cases
inline in the test. Storage tests take `store`, which runs once per database named in
$THREADLINE_TEST_DATABASES (default: sqlite and postgresql) on a freshly migrated, empty schema.
PostgreSQL tests use a database of their own, created for the session and dropped after it.

A test whose dependency is missing (a module, an executable, a server) goes through `missing`
or `require_module`: under CI ($CI=true) it fails, elsewhere it is skipped with the reason. CI
never passes by skipping. Hypothesis never fails a test for being slow (the `threadline`
profile): no test depends on how fast the machine is.
"""

from __future__ import annotations

import fcntl
import functools
import importlib
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import httpx
import psycopg
import pytest
import sqlalchemy as sa
import typer
import typer.testing
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings

from threadline.security import users
from threadline.security.actors import LOCAL_USER, Actor
from threadline.security.identity import bootstrap, first_administrator, resolve_actor
from threadline.security.users import add_user, hash_password
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.tables import TABLES

from .graph.factory import Case

BACKENDS = tuple(
    b.strip()
    for b in os.environ.get("THREADLINE_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
)
PG_ADMIN = os.environ.get("THREADLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"

TEST_PASSWORD = "correct horse battery staple"
"""Every user a test creates has this password, and tests act with it ($THREADLINE_PASSWORD,
set for every test); helpers that insert users directly hash it with `hashed_password`."""

# Built on the profile Hypothesis chose (its "ci" profile under CI): no deadline and no
# too-slow health check, so a loaded machine cannot fail a test.
settings.register_profile(
    "threadline", settings.default, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("threadline")


def missing(reason: str) -> NoReturn:
    """Give up on a test whose dependency is missing: fail under CI, else skip with `reason`."""
    if IN_CI:
        pytest.fail(f"{reason} (a missing dependency fails the test under CI)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str) -> ModuleType:
    """The module `name`, for a test that needs it; see :func:`missing` when it is absent."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"needs {name}: {exc}")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Hash and verify the tests' passwords with argon2id at its least cost.

    The production profile (RFC 9106 low-memory: 64 MiB, three passes) takes about 0.4 s per
    verification on this machine, and the tests sign in thousands of times; what they test is
    who may act, not the hash's cost (tests/security/test_users.py checks the production
    profile itself). Hashes made here say their own cost, so they verify without rehashing.
    """
    saved = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users._decoy.cache_clear()
    yield
    users._HASHER = saved
    users._decoy.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _commands_built_once() -> Iterator[None]:
    """Turn the Typer application into its Click command once, not at every invocation.

    Typer's CliRunner rebuilds the whole command tree (reading every command's signature and
    type hints) on each `invoke`: profiled on the access matrix, that was four fifths of its
    time. The tree is the same every time; a Click command keeps no state between runs.
    """
    patch = pytest.MonkeyPatch()
    patch.setattr(typer.testing, "_get_command", functools.cache(typer.testing._get_command))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without Threadline settings from the developer's shell, acting with
    the test users' password."""
    for name in list(os.environ):
        if name.startswith("THREADLINE_") and name != "THREADLINE_TEST_DATABASES":
            monkeypatch.delenv(name)
    monkeypatch.setenv("THREADLINE_PASSWORD", TEST_PASSWORD)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test session's own."""
    name = f"threadline_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        missing(f"needs a PostgreSQL server at {PG_ADMIN}: {exc}")
    with admin as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _postgres_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    url = request.getfixturevalue("postgres_url")
    store = Store(url)
    store.migrate()
    yield store
    store.close()


def _empty(store: Store) -> None:
    with store.connect() as conn:
        for table in reversed(TABLES):
            conn.execute(sa.delete(table))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the database a storage test runs on."""
    return str(request.param)


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder `name`, shared by every pytest-xdist worker of this run, that `build` fills
    the first time a worker asks for it: workers take turns under a file lock, so the build
    runs once a run (a build that failed is started again from an empty folder)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's own folder, above each worker's
    folder, done = root / name, root / f"{name}.built"
    with (root / f"{name}.lock").open("w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                build(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store migrated to the head once per test session, which each SQLite
    test copies: running every migration again for each test cost about a second a test
    (tests/store/test_migrations.py still migrates up and down step by step)."""
    path = tmp_path_factory.mktemp("template") / "store.db"
    with Store(f"sqlite:///{path}", create=True) as template:
        template.migrate()
    return path


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated, empty store on each database under test."""
    if backend == "sqlite":
        path = tmp_path / "store.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        store = Store(f"sqlite:///{path}")
        yield store
        store.close()
        return
    store = request.getfixturevalue("_postgres_store")
    _empty(store)  # what an earlier test left (the database is dropped at the session's end)
    yield store


@pytest.fixture
def local(store: Store) -> Actor:
    """The local analyst account, acting: the embedded store's owner (cleared for
    OFFICIAL-SENSITIVE, as `threadline init --os-cleared` makes it). A server has no owner,
    so there the same account gets the test users' password to act with."""
    bootstrap(store, os_cleared=True)
    if not store.embedded:
        with store.connect() as conn:
            conn.execute(
                sa.update(t.users)
                .where(t.users.c.username == LOCAL_USER)
                .values(password_hash=hash_password(TEST_PASSWORD))
            )
    return resolve_actor(store)


@pytest.fixture
def admin(store: Store, local: Actor) -> Actor:
    """``root``, an administrator (and partnership administrator) of the local agency: made
    by the embedded store's owner, who administers their installation, or on a server as its
    first administrator."""
    if not store.embedded:
        return first_administrator(store, "root", TEST_PASSWORD, agency="local")
    with store.connect() as conn:
        add_user(conn, local, "root", "local", ["administrator", "partnership"],
                 password=TEST_PASSWORD)  # fmt: skip
    return resolve_actor(store, "root")


@pytest.fixture
def store_url(store: Store) -> str:
    """The URL of `store`, for tests that drive the command line."""
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic scenario, generated once per test session (seed 1)."""
    from threadline.scenario import generate

    out = tmp_path_factory.mktemp("scenario") / "small"
    generate("small", 1, out)
    return out


@contextmanager
def api_client(url: str, token: str) -> Iterator[httpx.Client]:
    """A client of the API with a bearer `token`, on a server of the store at `url` that runs
    on loopback (in a thread) until the block ends."""
    import uvicorn

    from threadline.api import Settings
    from threadline.server import create_app

    class Server(uvicorn.Server):
        def install_signal_handlers(self) -> None:  # a thread may not take the signals
            pass

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = Server(uvicorn.Config(create_app(Settings(database=url)), host="127.0.0.1",
                                   port=port, log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.02)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        # a page may take seconds on a busy machine: httpx waits 5 s by default
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=60) as client:  # fmt: skip
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def case(store: Store) -> Iterator[Case]:
    """The graph tests' one-line factory building rows on the store under test
    (`case.e("Person", "Lan NGUYEN", role="victim")`; `case.commit()` shares them)."""
    with store.engine.connect() as conn:
        yield Case(conn)
        conn.rollback()
