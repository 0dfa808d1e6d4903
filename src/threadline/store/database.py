"""Connecting to a store: URL handling, engine set-up and the differences between databases.

Feature code never tests the backend name. What differs between SQLite and PostgreSQL (an
upsert, pragmas at connect time) is answered here, once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from threadline.errors import ThreadlineError

__all__ = [
    "DEFAULT_URL",
    "URL_ENV",
    "StoreError",
    "create_engine",
    "insert_ignore",
    "resolve_url",
]

DEFAULT_URL = "sqlite:///threadline.db"
URL_ENV = "THREADLINE_DATABASE_URL"


class StoreError(ThreadlineError):
    """The store cannot be reached, opened or migrated."""


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: the one given, else $THREADLINE_DATABASE_URL, else the default.

    A bare ``postgresql://`` URL is given the psycopg 3 driver that Threadline installs.
    """
    chosen = url or os.environ.get(URL_ENV) or DEFAULT_URL
    if chosen.startswith(("postgresql://", "postgres://")):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_engine(url: str) -> Engine:
    """An engine for `url`, or a StoreError saying in one line what is wrong with it."""
    try:
        parsed = sa.engine.make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} (expected e.g. {DEFAULT_URL})") from exc
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise StoreError(f"unsupported database {backend!r} in {url!r}: use sqlite or postgresql")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(
                f"cannot create the store {parsed.database!r}: {folder} does not exist"
            )
    try:
        engine = sa.create_engine(parsed, future=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"cannot open {url!r}: {exc}") from exc
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def insert_ignore(
    table: sa.Table, rows: Sequence[Mapping[str, Any]], dialect: sa.Dialect, keys: Sequence[str]
) -> sa.Insert:
    """An INSERT of `rows` that skips rows whose `keys` already exist (idempotent writes)."""
    if dialect.name == "postgresql":
        return (
            postgresql.insert(table)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=list(keys))
        )
    return sqlite.insert(table).values(list(rows)).on_conflict_do_nothing(index_elements=list(keys))
