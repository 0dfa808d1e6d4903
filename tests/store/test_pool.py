"""Pooled PostgreSQL connections: sized from the configuration, tested before use, bounded."""

from __future__ import annotations

import asyncio
import threading

import psycopg
import pytest
import sqlalchemy as sa

from threadline.api import Settings
from threadline.config import ConfigError
from threadline.server import create_app
from threadline.store import Store
from threadline.store.database import StoreError, create_engine

from ..conftest import PG_ADMIN


@pytest.fixture
def url(postgres_url: str, _postgres_store: Store) -> str:
    """The session's migrated PostgreSQL store."""
    return postgres_url


def test_the_pool_is_sized_from_the_settings(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THREADLINE_DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("THREADLINE_DATABASE_MAX_OVERFLOW", "1")
    monkeypatch.setenv("THREADLINE_DATABASE_POOL_TIMEOUT", "1")
    engine = create_engine(url)
    held = [engine.connect() for _ in range(4)]  # the pool and its overflow
    outcome: list[BaseException] = []

    def fifth() -> None:
        try:
            engine.connect().close()
        except sa.exc.TimeoutError as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=fifth)
    waiter.start()
    waiter.join(timeout=10)
    assert not waiter.is_alive()
    assert len(outcome) == 1  # waited pool_timeout for a free connection, then gave up
    for conn in held:
        conn.close()
    assert engine.pool.checkedin() == 3  # the overflow connection was closed on return
    engine.dispose()


def test_a_connection_the_server_dropped_is_replaced_before_use(url: str) -> None:
    store = Store(url)
    with store.connect() as conn:
        first = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    with store.connect() as conn:  # pre-ping finds the pooled connection dead
        second = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    assert second != first
    store.close()


def test_without_pre_ping_the_dropped_connection_fails(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADLINE_DATABASE_POOL_PRE_PING", "false")
    store = Store(url)
    with store.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StoreError), store.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    store.close()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THREADLINE_DATABASE_POOL_SIZE", "0"),
        ("THREADLINE_DATABASE_MAX_OVERFLOW", "-1"),
        ("THREADLINE_DATABASE_POOL_PRE_PING", "maybe"),
    ],
)
def test_a_bad_pool_setting_is_refused_by_name(
    url: str, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        create_engine(url)


def test_the_web_server_pools_by_the_settings(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THREADLINE_DATABASE_POOL_SIZE", "7")
    app = create_app(Settings(database=url, worker="none"))
    sizes: list[int] = []

    async def serve() -> None:  # the server's start-up and shut-down, without a socket
        async with app.router.lifespan_context(app):
            pool = app.state.store.engine.pool
            assert isinstance(pool, sa.pool.QueuePool)
            sizes.append(pool.size())

    asyncio.run(serve())
    assert sizes == [7]


def test_connections_compile_no_queries_just_in_time(url: str) -> None:
    """JIT compilation of the need-to-know clause cost seconds a read (see _without_jit); the
    URL's own server options are kept beside it."""
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off"
    engine.dispose()
    engine = create_engine(url + ("&" if "?" in url else "?") + "options=-c%20work_mem%3D7MB")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off"
        assert conn.execute(sa.text("SHOW work_mem")).scalar_one() == "7MB"
    engine.dispose()
