"""The jobs table as a queue: submit, claim, report progress, finish, list.

A job is submitted by a user and run later by a worker (`threadline.jobs.runner`). Claiming
takes the oldest queued job with ``FOR UPDATE SKIP LOCKED`` where the database has it
(PostgreSQL: several workers never take the same job and never wait on each other); SQLite has
one writer at a time, and the claim's guarded update (``status = 'queued'``) keeps it safe
there too. A running job's worker writes its heartbeat (and progress) every second or so; a
job whose heartbeat is older than `STALE` belonged to a worker that died, and the next claim
marks it failed. A user sees their own jobs; a supervisor sees their agency's.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ValidationError
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.database import aware

__all__ = [
    "KINDS",
    "STALE",
    "STATUSES",
    "Job",
    "Live",
    "cancel_job",
    "claim",
    "finish",
    "get_job",
    "list_jobs",
    "reap",
    "submit",
    "worker_name",
]

KINDS = ("ingest", "resolve", "analyse", "update")
"""What a job may do: load an uploaded file, resolve the store, analyse what the user sees, or
bring both up to date (after a captured report, as `threadline update`)."""
STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = frozenset({"done", "failed", "cancelled"})
STALE = timedelta(minutes=2)
"""A running job not heard from for this long is taken for dead (its worker stopped)."""
DIED = "the worker running this job stopped (no heartbeat for {minutes} minutes): start it again"


def worker_name() -> str:
    """This process, as a job's `worker` column names it: host, process id and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:128]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Live:
    """A running job's progress as its worker holds it between writes to the row."""

    label: str = ""
    done: int = 0
    total: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    """Set when the job was cancelled or taken for dead: the work stops at its next step."""


_LIVE: dict[int, Live] = {}
"""Jobs this process is running now. A page served by the same process shows their progress
at once, even while the job's own transaction keeps SQLite from writing it to the row."""


def live(job_id: int) -> Live | None:
    """The in-process progress of job `job_id`, if this process runs it."""
    return _LIVE.get(job_id)


def started(job_id: int) -> Live:
    """Register job `job_id` as running in this process."""
    _LIVE[job_id] = held = Live()
    return held


def ended(job_id: int) -> None:
    """Forget job `job_id`'s in-process progress."""
    _LIVE.pop(job_id, None)


@dataclass(frozen=True, slots=True)
class Job:
    """One job, as its owner (or their supervisor) sees it."""

    id: int
    kind: str
    username: str
    agency: str
    status: str
    label: str
    done: int
    total: int | None
    message: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None

    @property
    def finished(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """How far through, when the total is known."""
        if not self.total:
            return 100 if self.status == "done" else None
        return max(0, min(100, round(100 * self.done / self.total)))

    def as_dict(self) -> dict[str, Any]:
        """A plain dictionary (times as ISO text), for JSON."""
        out = {name: getattr(self, name) for name in self.__slots__}
        for name in ("created_at", "started_at", "finished_at", "heartbeat_at"):
            when = out[name]
            out[name] = None if when is None else when.isoformat()
        out["percent"] = self.percent
        return out


def _query() -> sa.Select[Any]:
    j = t.jobs.c
    return (
        sa.select(t.jobs, t.users.c.username, t.agencies.c.code.label("agency_code"))
        .join(t.users, t.users.c.id == j.user_id)
        .join(t.agencies, t.agencies.c.id == j.agency_id)
    )


def _job(row: Any) -> Job:
    held = _LIVE.get(int(row.id)) if row.status == "running" else None
    return Job(
        id=int(row.id), kind=str(row.kind), username=str(row.username),
        agency=str(row.agency_code), status=str(row.status),
        label=held.label if held else str(row.progress_label),
        done=held.done if held else int(row.progress_done),
        total=held.total if held else (None if row.progress_total is None
                                       else int(row.progress_total)),
        message=str(row.message), params=dict(row.params or {}),
        result=None if row.result is None else dict(row.result),
        created_at=aware(row.created_at) or _now(), started_at=aware(row.started_at),
        finished_at=aware(row.finished_at), heartbeat_at=aware(row.heartbeat_at),
    )  # fmt: skip


def _visible_to(actor: Actor) -> sa.ColumnElement[bool]:
    """A user's own jobs; a supervisor's, also those of their agency's users."""
    j = t.jobs.c
    if actor.has(UserRole.SUPERVISOR):
        return sa.or_(j.user_id == actor.user_id, j.agency_id == actor.agency_id)
    return j.user_id == actor.user_id


def submit(conn: Connection, actor: Actor, kind: str, params: dict[str, Any]) -> int:
    """Queue a job of `kind` for `actor` and audit it; returns the job's id. Whether the actor
    may do the work is checked here by the caller and again when the job runs."""
    if kind not in KINDS:
        raise ValidationError(f"unknown job kind {kind!r}: expected {', '.join(KINDS)}")
    job_id = int(
        conn.execute(
            sa.insert(t.jobs)
            .values(kind=kind, user_id=actor.user_id, agency_id=actor.agency_id,
                    status="queued", params=params, created_at=_now())
            .returning(t.jobs.c.id)
        ).scalar_one()
    )  # fmt: skip
    audit(conn, actor, "administration", "job.submit", detail={"job": job_id, "kind": kind})
    return job_id


def get_job(conn: Connection, actor: Actor, job_id: int) -> Job | None:
    """Job `job_id` if `actor` may see it; None (as for a job that does not exist) if not."""
    row = conn.execute(_query().where(t.jobs.c.id == job_id, _visible_to(actor))).first()
    return None if row is None else _job(row)


def list_jobs(conn: Connection, actor: Actor, *, limit: int = 50) -> list[Job]:
    """The newest jobs `actor` may see (their own; a supervisor's agency's), newest first."""
    query = _query().where(_visible_to(actor)).order_by(t.jobs.c.id.desc()).limit(limit)
    return [_job(row) for row in conn.execute(query)]


def cancel_job(conn: Connection, actor: Actor, job_id: int) -> Job | None:
    """Cancel a queued or running job `actor` may see (a running one stops at its next step,
    its work rolled back); None when there is no such job for them."""
    job = get_job(conn, actor, job_id)
    if job is None:
        return None
    if not job.finished:
        held = _LIVE.get(job_id)
        if held is not None:  # first: on SQLite a running load holds the lock the update needs
            held.stop.set()
        conn.execute(
            sa.update(t.jobs)
            .where(t.jobs.c.id == job_id, t.jobs.c.status.in_(("queued", "running")))
            .values(status="cancelled", message=f"cancelled by {actor.username}",
                    finished_at=_now() if job.status == "queued" else None)
        )  # fmt: skip
        audit(conn, actor, "administration", "job.cancel", detail={"job": job_id})
    return get_job(conn, actor, job_id)


def reap(conn: Connection, *, stale: timedelta = STALE, now: datetime | None = None) -> int:
    """Mark failed every running job whose heartbeat is older than `stale`; how many."""
    now = now or _now()
    j = t.jobs.c
    cutoff = now - stale
    dead = sa.and_(
        j.status == "running",
        sa.or_(j.heartbeat_at < cutoff, sa.and_(j.heartbeat_at.is_(None), j.started_at < cutoff)),
    )
    if conn.execute(sa.select(j.id).where(dead).limit(1)).first() is None:
        return 0  # an idle worker's poll only reads: on SQLite it takes no write lock
    minutes = max(1, int(stale.total_seconds() // 60))
    done = conn.execute(
        sa.update(t.jobs).where(dead)
        .values(status="failed", finished_at=now, message=DIED.format(minutes=minutes))
    )  # fmt: skip
    return int(done.rowcount or 0)


def claim(
    store: Store, worker: str | None = None, *, stale: timedelta = STALE
) -> dict[str, Any] | None:
    """Take the oldest queued job for this worker (marking dead ones failed first), or None.

    Returns the job's row (id, kind, user_id, params) as a dictionary.
    """
    worker = worker or worker_name()
    j = t.jobs.c
    while True:
        with store.connect() as conn:
            reap(conn, stale=stale)
            row = conn.execute(
                sa.select(j.id, j.kind, j.user_id, j.params)
                .where(j.status == "queued")
                .order_by(j.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            now = _now()
            taken = conn.execute(
                sa.update(t.jobs)
                .where(j.id == row.id, j.status == "queued")
                .values(status="running", started_at=now, heartbeat_at=now, worker=worker)
            )  # fmt: skip
            if taken.rowcount == 1:
                return {"id": int(row.id), "kind": str(row.kind), "user_id": int(row.user_id),
                        "params": dict(row.params or {})}  # fmt: skip
        # another worker took it between the select and the update: try the next one


def beat(store: Store, job_id: int, held: Live) -> None:
    """Write a running job's heartbeat and progress; a job no longer running (cancelled,
    taken for dead) has its `stop` set."""
    j = t.jobs.c
    with store.connect() as conn:
        done = conn.execute(
            sa.update(t.jobs)
            .where(j.id == job_id, j.status == "running")
            .values(heartbeat_at=_now(), progress_label=held.label[:255],
                    progress_done=held.done, progress_total=held.total)
        )  # fmt: skip
    if done.rowcount != 1:
        held.stop.set()


def finish(
    store: Store, job_id: int, status: str, *, message: str = "",
    result: dict[str, Any] | None = None, held: Live | None = None,
) -> None:  # fmt: skip
    """Record how job `job_id` ended. A job cancelled (or taken for dead) while it ran stays so
    unless its work completed: then it is done, for the work was kept."""
    j = t.jobs.c
    values: dict[str, Any] = {"status": status, "message": message[:4000],
                              "finished_at": _now(), "result": result}  # fmt: skip
    if held is not None:
        values |= {"progress_label": held.label[:255], "progress_done": held.done,
                   "progress_total": held.total}  # fmt: skip
    # Work that committed is done even if the job was cancelled meanwhile, or taken for dead
    # by another worker that could not see its heartbeat (SQLite, during a long write).
    allowed = ("running", "cancelled", "failed") if status == "done" else ("running",)
    with store.connect() as conn:
        changed = conn.execute(
            sa.update(t.jobs).where(j.id == job_id, j.status.in_(allowed)).values(**values)
        )
        if changed.rowcount != 1 and status == "cancelled":
            conn.execute(
                sa.update(t.jobs)
                .where(j.id == job_id, j.finished_at.is_(None))
                .values(finished_at=_now())
            )
