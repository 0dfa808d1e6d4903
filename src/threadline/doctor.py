"""Checks of a deployment, each saying what it found and, when it fails, what to do.

`threadline doctor` runs them in order: the configuration file, the database, its schema,
the audit chain and, when one is configured, the Spark master. A check that cannot run
because an earlier one failed is skipped and says why.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from threadline.config import ConfigError, config_file, file_settings, setting
from threadline.errors import ThreadlineError, first_line
from threadline.security.audit import audit, transaction
from threadline.security.chain import verify_chain
from threadline.security.identity import resolve_actor
from threadline.store import Store
from threadline.store.database import resolve_url
from threadline.store.partitions import shortfall

__all__ = ["SPARK_ENV", "Check", "run_checks", "spark_check"]

SPARK_ENV = "THREADLINE_SPARK_MASTER"

Status = Literal["ok", "fail", "skip"]


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict."""

    name: str
    status: Status
    detail: str
    """What was found, in one line."""
    action: str = ""
    """What to do about a failure (empty when there is nothing to do)."""


def run_checks(
    db: str | None, user: str | None, spark_master: str | None = None
) -> Iterator[Check]:
    """Check the deployment at `db` (else the configured store), acting as `user` for the
    audit chain; `spark_master` (else $THREADLINE_SPARK_MASTER) is checked when set."""
    configured = _configuration()
    yield configured
    if configured.status == "fail":
        for name in ("database", "schema", "audit chain"):
            yield Check(name, "skip", "not checked: the configuration cannot be read")
        yield spark_check(spark_master)
        return
    yield from _store_checks(db, user)
    yield spark_check(spark_master or setting(SPARK_ENV))


def _configuration() -> Check:
    try:
        path = config_file()
        if path is None:
            return Check("configuration", "ok", "no configuration file: environment only")
        count = len(file_settings(path))
    except ConfigError as exc:
        return Check(
            "configuration", "fail", str(exc), "correct the file, or unset THREADLINE_CONFIG"
        )
    return Check("configuration", "ok", f"{path}: {count} setting(s)")


def _store_checks(db: str | None, user: str | None) -> Iterator[Check]:
    try:
        store = Store(db)
    except ThreadlineError as exc:
        yield Check("database", "fail", str(exc), _reach_advice(db))
        yield from _skipped("schema", "audit chain", why="the database cannot be reached")
        return
    with store:
        try:
            server = store.server_version()
        except ThreadlineError as exc:
            yield Check("database", "fail", str(exc), _reach_advice(db))
            yield from _skipped("schema", "audit chain", why="the database cannot be reached")
            return
        yield Check("database", "ok", f"{store.location} ({server})")
        schema = _schema(store)
        yield schema
        if schema.status != "ok":
            yield from _skipped("audit chain", why="the schema is not current")
            return
        yield _audit_chain(store, user)


def _skipped(*names: str, why: str) -> Iterator[Check]:
    for name in names:
        yield Check(name, "skip", f"not checked: {why}")


def _reach_advice(db: str | None) -> str:
    where = "--db" if db else "THREADLINE_DATABASE_URL (or database_url in the configuration file)"
    if resolve_url(db).startswith("sqlite"):
        return f"run `threadline init` to create the store, or name another with {where}"
    return f"check that the server is running and that {where} names the store"


def _schema(store: Store) -> Check:
    current, head = store.revision(), store.head()
    if current == head:
        with store.connect() as conn:
            lacking = shortfall(conn)
        if lacking:
            return Check(
                "schema",
                "fail",
                f"at the newest schema, {head}, but " + "; ".join(lacking),
                "run `threadline init` while no load is running: it makes the partitions "
                "ahead and moves the rows into theirs",
            )
        return Check("schema", "ok", f"at the newest schema, {head}")
    if current is None:
        return Check(
            "schema",
            "fail",
            "the database holds no Threadline store",
            "run `threadline init` (with --admin NAME for a shared store)",
        )
    if not store.knows(current):
        return Check(
            "schema",
            "fail",
            f"at schema {current}, newer than this Threadline ({head})",
            "upgrade Threadline to the version that wrote this store",
        )
    return Check(
        "schema",
        "fail",
        f"at schema {current}; this Threadline needs {head}",
        "back the database up, then run `threadline init` to migrate it",
    )


def _audit_chain(store: Store, user: str | None) -> Check:
    try:
        actor = resolve_actor(store, user)
    except ThreadlineError as exc:
        return Check(
            "audit chain",
            "fail",
            f"not checked: {exc}",
            "act as a user: --user NAME, with THREADLINE_PASSWORD set",
        )
    with transaction(store, actor) as conn:
        report = verify_chain(conn)
        audit(
            conn,
            actor,
            "administration",
            "doctor",
            detail={"events": report.events, "intact": report.intact},
        )
    if report.intact:
        return Check("audit chain", "ok", f"intact: {report.events} events")
    kinds = sorted({problem.kind for problem in report.problems})
    return Check(
        "audit chain",
        "fail",
        f"NOT intact: {len(report.problems)} problem(s) ({', '.join(kinds)})",
        "run `threadline audit verify` to name each event, keep the database as it is as "
        "evidence, and compare it with the last backup and the audit checkpoints",
    )


def spark_check(master: str | None, *, timeout: float = 3.0) -> Check:
    """Whether the Spark master `master` can be used: in local mode, pyspark and a Java
    runtime and compiler on this machine; a ``spark://`` or ``k8s://`` master, reached over TCP."""
    if not master:
        return Check("spark", "skip", f"no Spark master configured ({SPARK_ENV})")
    if master.startswith("local"):
        missing = [
            what
            for what, found in (
                ("pyspark", importlib.util.find_spec("pyspark") is not None),
                ("a Java runtime (java)", shutil.which("java") is not None),
                # Threadline's Jaro-Winkler is compiled for the JVM on first use (spark_udfs)
                ("a Java compiler (javac)", shutil.which("javac") is not None),
            )
            if not found
        ]
        if missing:
            return Check(
                "spark",
                "fail",
                f"{master}: {' and '.join(missing)} not installed",
                "install what is missing on this machine, or name a Spark cluster",
            )
        return Check("spark", "ok", f"{master}: pyspark, java and javac are installed")
    if not master.startswith(("spark://", "k8s://")):
        return Check(
            "spark", "skip", f"{master}: only local, spark:// and k8s:// masters are checked"
        )
    failures: list[str] = []
    for host, port in _endpoints(master):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return Check("spark", "ok", f"{master}: {host}:{port} answers")
        except OSError as exc:
            failures.append(f"{host}:{port}: {first_line(exc)}")
    return Check(
        "spark",
        "fail",
        f"{master}: " + "; ".join(failures or ["no host:port"]),
        f"start the Spark master, or correct {SPARK_ENV}",
    )


def _endpoints(master: str) -> list[tuple[str, int]]:
    """The host:port pairs of a Spark master URL (a standalone master may list several).

    >>> _endpoints("spark://a:7077,b:7078"), _endpoints("k8s://https://k.example:6443")
    ([('a', 7077), ('b', 7078)], [('k.example', 6443)])
    """
    if master.startswith("k8s://"):
        parts = urlsplit(master.removeprefix("k8s://"))
        default = 443 if parts.scheme == "https" else 80
        return [(parts.hostname, parts.port or default)] if parts.hostname else []
    out: list[tuple[str, int]] = []
    for item in master.removeprefix("spark://").split(","):
        host, _, port = item.strip().rpartition(":")
        if host and port.isdigit():
            out.append((host, int(port)))
    return out
