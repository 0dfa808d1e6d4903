"""Running jobs: what each kind does, and the worker loop that claims and runs them.

A job runs as its user as they are *now* (a user disabled, or stripped of the analyst role,
since submitting has their job refused) through the same library functions as the command
line: `load_file` for ``ingest`` (then `bring_up_to_date`, as `threadline ingest` does),
`resolve_store` for ``resolve``, `analyse(view)` for ``analyse`` and `bring_up_to_date` for
``update`` (queued after a report captured in the workbench or the API), audited as that user
exactly as the commands are. While it runs, a heartbeat
thread writes its progress to the row every `BEAT` seconds. Work interrupted part way is
rolled back (each runs in one transaction) and may be run again: a file already loaded is
recognised by its content hash and not loaded twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from threadline.errors import ThreadlineError
from threadline.ingest.batches import Agency, OnError, load_file
from threadline.ingest.deliveries import collector
from threadline.ingest.uploads import find_upload, upload_mapping, uploads_root
from threadline.jobs.queue import Live, beat, claim, ended, finish, started, worker_name
from threadline.jobs.update import Cancelled, analyse_job, bring_up_to_date, resolve_job
from threadline.security.actors import Actor, actor_from_row, user_query
from threadline.security.audit import audit, log_refusal
from threadline.security.authorise import WRITE_ROLES
from threadline.security.errors import AccessDenied
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["BEAT", "Cancelled", "run", "work"]

log = logging.getLogger(__name__)

BEAT = 1.0
"""Seconds between writes of a running job's heartbeat and progress."""

Handler = Callable[[Store, Actor, dict[str, Any], Live], tuple[str, str, dict[str, Any]]]
"""Does a job's work: returns (status, message, result)."""


def _current(store: Store, user_id: int, kind: str) -> Actor:
    """The job's user as the store holds them now, allowed to do `kind`; a refusal is audited
    (and committed) before it is raised."""
    operation = f"job.{kind}"
    refusal: AccessDenied | None = None
    with store.connect() as conn:
        row = conn.execute(user_query().where(t.users.c.id == user_id)).first()
        if row is None or row.disabled:
            name = "" if row is None else str(row.username)
            log_refusal(conn, user_id=user_id, username=name,
                        agency="" if row is None else str(row.agency),
                        operation=operation, reason="the user is disabled")  # fmt: skip
            refusal = AccessDenied(f"user {name!r} is disabled", action="administration",
                                   operation=operation)  # fmt: skip
        else:
            actor = actor_from_row(row)
            if not actor.has(*WRITE_ROLES):
                audit(conn, actor, "administration", operation, outcome="denied",
                      detail={"reason": "needs the analyst or supervisor role"})  # fmt: skip
                refusal = AccessDenied(
                    f"permission denied: {kind} needs the analyst or supervisor role",
                    action="administration", operation=operation,
                )  # fmt: skip
    if refusal is not None:
        raise refusal
    return actor


def _advance(held: Live) -> Callable[[str, int], None]:
    def advance(label: str, n: int) -> None:
        held.label = label
        held.done += n
        if held.stop.is_set():
            raise Cancelled

    return advance


def _lines(path: Path) -> int | None:
    """A text file's line count (an upper bound on its rows); None for a workbook."""
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        return None
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return max(count, 1)


def _rows(count: int, noun: str) -> str:
    """A count and its noun, in the plural unless there is one.

    >>> _rows(1, "bad row"), _rows(2_000, "record")
    ('1 bad row', '2,000 records')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _ingest(
    store: Store, actor: Actor, params: dict[str, Any], held: Live
) -> tuple[str, str, dict[str, Any]]:
    upload = find_upload(uploads_root(store), actor.user_id, str(params.get("upload", "")))
    if upload is None:
        raise ThreadlineError("the uploaded file is no longer kept: upload it again")
    mapping = upload_mapping(upload, str(params.get("mapping", "")))
    held.label, held.total = upload.file.name, _lines(upload.file)
    on_error: OnError = "skip" if params.get("on_error") == "skip" else "reject"
    result = load_file(
        store, upload.file, mapping, Agency(str(params.get("agency", ""))),
        user_id=actor.user_id, on_error=on_error, progress=_advance(held),
        audit=collector(actor),
    )  # fmt: skip
    held.total = held.done = result.rows_read
    out = result.as_dict()
    out["file"] = upload.file.name
    if result.rejects_path:
        out["rejects_path"] = Path(result.rejects_path).name
    if result.status == "rejected":
        return ("failed", f"refused: {_rows(result.rows_rejected, 'bad row')}, nothing was "
                "written; fix them, or load the good rows and set the bad ones aside",
                out)  # fmt: skip
    if result.status == "already_loaded":
        return "done", f"already held by batch {result.batch_id}: nothing new", out
    said = (f"loaded as batch {result.batch_id}: {_rows(result.records_written, 'record')} "
            f"written, {_rows(result.rows_rejected, 'row')} set aside")  # fmt: skip
    if params.get("update") is False:  # asked to load only (`threadline ingest --no-update`)
        return "done", said, out
    # The store kept current, as `threadline ingest` keeps it: resolution, then the user's
    # analysis when due (the load has committed: a failure here leaves it loaded).
    update = bring_up_to_date(store, actor, held)
    out["update"] = update.as_dict()
    return "done", f"{said}; {update.resolved}; {update.analysed}", out


def _update(
    store: Store, actor: Actor, _params: dict[str, Any], held: Live
) -> tuple[str, str, dict[str, Any]]:
    """Resolution, then the user's analysis when due: what `threadline update` does."""
    update = bring_up_to_date(store, actor, held)
    return "done", f"{update.resolved}; {update.analysed}", update.as_dict()


HANDLERS: dict[str, Handler] = {
    "ingest": _ingest, "resolve": resolve_job, "analyse": analyse_job, "update": _update,
}  # fmt: skip


def _beating(store: Store, job_id: int, held: Live, every: float) -> threading.Event:
    """Start the heartbeat thread of job `job_id`; set the returned event to stop it."""
    done = threading.Event()

    def loop() -> None:
        while not done.wait(every):
            try:
                beat(store, job_id, held)
            except Exception:  # a missed beat is retried; the job goes on
                log.debug("job %s: heartbeat not written", job_id, exc_info=True)

    threading.Thread(target=loop, name=f"job-{job_id}-heartbeat", daemon=True).start()
    return done


def run(store: Store, job: dict[str, Any], *, every: float = BEAT) -> str:
    """Run a claimed job (see `claim`) to its end and record how it ended; its status."""
    job_id, kind = int(job["id"]), str(job["kind"])
    held = started(job_id)
    stop_beating = _beating(store, job_id, held, every)
    status, message, result = "failed", "", None
    try:
        actor = _current(store, int(job["user_id"]), kind)
        status, message, result = HANDLERS[kind](store, actor, dict(job["params"]), held)
    except Cancelled:
        status, message = "cancelled", "stopped: nothing it had done was kept"
    except (AccessDenied, ThreadlineError) as refused:
        message = str(refused)
    except Exception as error:  # any failure ends the job, and is logged
        log.exception("job %s (%s) failed", job_id, kind)
        message = f"failed: {type(error).__name__}: {str(error)[:300]}"
    except BaseException:  # Ctrl-C or shutdown: the work rolled back; say so, then stop
        stop_beating.set()
        finish(store, job_id, "failed", message="interrupted: nothing it had done was kept; "
               "start it again", held=held)  # fmt: skip
        ended(job_id)
        raise
    finally:
        stop_beating.set()
    try:
        finish(store, job_id, status, message=message, result=result, held=held)
    finally:
        ended(job_id)
    return status


def work(
    store: Store, *, stop: threading.Event | None = None, poll: float = 1.0,
    once: bool = False, worker: str | None = None,
) -> int:  # fmt: skip
    """Claim and run jobs until `stop` is set (or, with `once`, until none is queued); how many
    ran."""
    stop = stop or threading.Event()
    name = worker or worker_name()
    ran = 0
    while not stop.is_set():
        try:
            job = claim(store, name)
        except Exception:  # a database hiccup: the worker tries again
            log.exception("claiming a job failed")
            job = None
        if job is None:
            if once:
                break
            stop.wait(poll)
            continue
        run(store, job)
        ran += 1
    return ran
