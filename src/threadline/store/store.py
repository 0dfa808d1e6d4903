"""The store: one database holding everything Threadline knows, migrated by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from threadline.errors import first_line
from threadline.store import tables as t
from threadline.store.database import StoreError, create_engine, resolve_url
from threadline.store.partitions import ensure_partitions

__all__ = ["COUNTED", "Store"]

MIGRATIONS = Path(__file__).parent / "migrations"

COUNTED: dict[str, sa.Table] = {
    "agencies": t.agencies,
    "batches": t.batches,
    "records": t.records,
    "statements": t.statements,
    "entities": t.entities,
    "links": t.links,
    "judgements": t.judgements,
    "indicators": t.indicators,
    "users": t.users,
}
"""What `threadline status` counts, under the names it prints."""


class Store:
    """A Threadline database reached by URL (SQLite file by default, or PostgreSQL)."""

    def __init__(self, url: str | None = None, *, create: bool = False) -> None:
        """Open the store at `url`; only with `create` may a missing SQLite file be made."""
        self.url = resolve_url(url)
        self.engine: Engine = create_engine(self.url)
        database = self.engine.url.database
        if (
            not create
            and self.engine.url.get_backend_name() == "sqlite"
            and database not in (None, "", ":memory:")
            and not Path(database).expanduser().exists()
        ):
            raise StoreError(f"no Threadline store at {database}: run `threadline init` first")

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    @property
    def embedded(self) -> bool:
        """Whether this is the embedded single-file store (SQLite) rather than a server."""
        return self.engine.url.get_backend_name() == "sqlite"

    @property
    def location(self) -> str:
        """The database URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"cannot use the store at {self.location}: {first_line(exc)}") from exc

    # -- schema -------------------------------------------------------------------------------

    def _alembic(self, conn: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        return config

    def migrate(self, revision: str = "head") -> str | None:
        """Bring the schema up (or down) to `revision`; return the revision now in place.
        Going up also makes the partitions the store will need next (PostgreSQL: see
        `threadline.store.partitions`).

        On SQLite, foreign keys are not enforced while migrations run and are checked before
        they commit: SQLite changes a table's constraints by building a new table and
        dropping the old one, and an enforced drop would delete every row that refers to it.
        """
        try:
            with self.engine.connect() as conn:
                embedded = conn.dialect.name == "sqlite"
                if embedded:
                    conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
                    conn.commit()
                try:
                    with conn.begin():
                        reached = self._migrate(conn, revision)
                        if embedded and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                            raise StoreError(
                                f"migrating {self.location} to {revision} would break foreign "
                                "keys: nothing was changed"
                            )
                        return reached
                finally:
                    if embedded:
                        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        except OperationalError as exc:
            raise StoreError(
                f"cannot reach the store at {self.location}: {first_line(exc)}"
            ) from exc

    def _migrate(self, conn: Connection, revision: str) -> str | None:
        config = self._alembic(conn)
        current = MigrationContext.configure(conn).get_current_revision()
        script = ScriptDirectory.from_config(config)
        target = script.get_revision(revision) if revision not in ("head", "base") else None
        if revision == "base" or (
            target is not None
            and current is not None
            and _is_ancestor(script, target.revision, current)
        ):
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)
            ensure_partitions(conn)
        return MigrationContext.configure(conn).get_current_revision()

    def revision(self) -> str | None:
        """The schema revision in place, or None for an empty database."""
        with self.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head(self) -> str | None:
        """The newest schema revision this version of Threadline knows."""
        return _scripts().get_current_head()

    def knows(self, revision: str) -> bool:
        """Whether `revision` is one of this version's migrations (not a newer one's)."""
        try:
            return _scripts().get_revision(revision) is not None
        except CommandError:
            return False

    def server_version(self) -> str:
        """The database server's name and version, read over a new connection: it proves
        the store can be reached."""
        with self.connect() as conn:
            if conn.dialect.name == "postgresql":
                return "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar_one())
            return "SQLite " + str(conn.exec_driver_sql("SELECT sqlite_version()").scalar_one())

    def require_current(self) -> None:
        """Fail with a clear message when the store is missing or needs `threadline init`."""
        current = self.revision()
        if current is None:
            raise StoreError(f"no Threadline store at {self.location}: run `threadline init` first")
        if current != self.head():
            raise StoreError(
                f"the store at {self.location} is at schema {current}, this Threadline needs "
                f"{self.head()}: run `threadline init` to migrate it"
            )

    # -- reading ------------------------------------------------------------------------------

    def flush_erased(self) -> None:
        """After an erasure or rollback commits, leave no copy of the removed rows in the
        file: on SQLite the write-ahead log is checkpointed into the database (whose deleted
        pages are zeroed, `secure_delete`) and truncated. PostgreSQL's autovacuum reclaims
        dead rows, which no query returns."""
        if self.embedded:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def counts(self) -> dict[str, int]:
        """How many of each kind of thing the store holds (active judgements only)."""
        self.require_current()
        out: dict[str, int] = {}
        with self.connect() as conn:
            for name, table in COUNTED.items():
                query = sa.select(sa.func.count()).select_from(table)
                if table is t.judgements:
                    query = query.where(t.judgements.c.deleted_at.is_(None))
                out[name] = int(conn.execute(query).scalar_one())
        return out


@cache
def _scripts() -> ScriptDirectory:
    """The migrations shipped with this code, read once per process (reading them takes a
    tenth of a second, and every command checks the schema's head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _is_ancestor(script: ScriptDirectory, older: str, newer: str) -> bool:
    """Whether revision `older` precedes `newer` (so moving to it is a downgrade)."""
    return any(rev.revision == older for rev in script.iterate_revisions(newer, "base")) and (
        older != newer
    )
