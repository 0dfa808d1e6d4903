"""Background jobs on both databases: the queue, workers, progress, refusals and who sees what.

Jobs run the same library functions as the command line, so these tests load a real file,
then check the batch, the job's progress and the audit log.
"""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.ingest.uploads import (
    UploadRefused,
    find_upload,
    preview,
    save_upload,
    upload_mapping,
    uploads_root,
)
from threadline.jobs import cancel_job, claim, get_job, list_jobs, run, submit, work
from threadline.security import Actor
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user, set_disabled
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures"
PASSWORD = "correct horse battery staple"
BAD_GRADE = "7"
"""A source evaluation 3x5x2 does not have: row 4 (IR0003) of the file is bad for it."""
INTEL = (FIXTURES / "intel.csv").read_text().replace("07/09/2025,3,D", f"07/09/2025,{BAD_GRADE},D")


@pytest.fixture
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("THREADLINE_UPLOADS", str(folder))
    return folder


def _upload(store: Store, actor: Actor, csv_text: str | None = None) -> str:
    text = csv_text if csv_text is not None else INTEL
    kept = save_upload(
        uploads_root(store), actor.user_id, "intel.csv", io.BytesIO(text.encode()),
        mapping_yaml=(FIXTURES / "intel.yaml").read_text(),
    )  # fmt: skip
    return kept.token


def _ingest(
    store: Store, actor: Actor, token: str, on_error: str = "skip", *, update: bool = False
) -> int:
    """An upload's ingest job; loading only unless `update` (the tests of loading need not
    resolve, as `threadline ingest --no-update`)."""
    params = {"upload": token, "mapping": "", "agency": "local", "on_error": on_error,
              "update": update}  # fmt: skip
    with store.connect() as conn:
        return submit(conn, actor, "ingest", params)


def test_an_upload_loads_as_a_job_with_progress_and_is_audited(
    store: Store, local: Actor, uploads: Path
) -> None:
    job_id = _ingest(store, local, _upload(store, local), update=True)
    with store.connect() as conn:
        queued = get_job(conn, local, job_id)
    assert queued is not None and queued.status == "queued"
    assert work(store, once=True) == 1
    with store.connect() as conn:
        job = get_job(conn, local, job_id)
        events = conn.execute(
            sa.select(t.audit_events.c.operation, t.audit_events.c.action)
            .where(t.audit_events.c.username == local.username)
            .order_by(t.audit_events.c.id)
        ).all()
    assert job is not None and job.status == "done", job
    assert job.done == 3 and job.total is not None and job.total >= 3
    assert job.result is not None and job.result["records_written"] == 2
    assert job.result["rows_rejected"] == 1  # the row with a grade of 7, set aside
    assert job.result["file"] == "intel.csv"  # the partner's name, never where it is kept
    assert job.started_at is not None and job.finished_at is not None
    assert ("job.submit", "administration") in events
    assert ("ingest.batch", "collection") in events
    assert store.counts()["records"] == 2
    # The store kept current, as `threadline ingest` keeps it: resolved, then analysed.
    assert "; resolution run " in job.message and "; analysis run " in job.message
    update = job.result["update"]
    assert update["resolution"]["mode"] != "unchanged" and update["analysis"]["run"]
    assert ("resolve.run", "combination") in events and ("analyse.run", "combination") in events
    # Run again: the file is recognised by its content and nothing is loaded twice.
    again = _ingest(store, local, job.params["upload"], update=True)
    run(store, claim(store) or {})
    with store.connect() as conn:
        second = get_job(conn, local, again)
    assert second is not None and second.status == "done"
    assert "already held" in second.message and "update" not in (second.result or {})
    assert store.counts()["records"] == 2


def test_a_file_with_a_bad_row_is_refused_whole_when_asked(
    store: Store, local: Actor, uploads: Path
) -> None:
    job_id = _ingest(store, local, _upload(store, local), on_error="reject")
    work(store, once=True)
    with store.connect() as conn:
        job = get_job(conn, local, job_id)
    assert job is not None and job.status == "failed"
    assert job.message.startswith("refused: 1 bad row, nothing was written")
    assert job.result is not None and "intel.csv:4:source_eval" in "".join(job.result["errors"])
    assert store.counts()["records"] == 0


def test_a_user_sees_only_their_own_jobs_and_a_supervisor_their_agencys(
    store: Store, local: Actor, admin: Actor, uploads: Path
) -> None:
    with store.connect() as conn:
        add_user(conn, admin, "other", "local", ["analyst"], password=PASSWORD)
        add_user(conn, admin, "boss", "local", ["supervisor"], password=PASSWORD)
        add_user(conn, admin, "away", "elsewhere", ["supervisor"], password=PASSWORD,
                 agency_name="Elsewhere")  # fmt: skip
    other, boss, away = (resolve_actor(store, n) for n in ("other", "boss", "away"))
    job_id = _ingest(store, local, _upload(store, local))
    with store.connect() as conn:
        assert get_job(conn, other, job_id) is None
        assert list_jobs(conn, other) == []
        assert cancel_job(conn, other, job_id) is None
        assert get_job(conn, away, job_id) is None
        seen = get_job(conn, boss, job_id)
        assert seen is not None and seen.username == local.username
        assert [j.id for j in list_jobs(conn, local)] == [job_id]
    # Another user's upload token is not theirs to load: the job fails as for no file at all.
    token = _upload(store, local)
    assert find_upload(uploads_root(store), other.user_id, token) is None
    stolen = _ingest(store, other, token)
    work(store, once=True)
    with store.connect() as conn:
        failed = get_job(conn, other, stolen)
    assert failed is not None and failed.status == "failed"
    assert failed.message == "the uploaded file is no longer kept: upload it again"


def test_a_job_runs_as_its_user_is_now(
    store: Store, local: Actor, admin: Actor, uploads: Path
) -> None:
    with store.connect() as conn:
        add_user(conn, admin, "leaver", "local", ["analyst"], password=PASSWORD)
    leaver = resolve_actor(store, "leaver")
    job_id = _ingest(store, leaver, _upload(store, leaver))
    with store.connect() as conn:
        set_disabled(conn, admin, "leaver", True)
    work(store, once=True)
    with store.connect() as conn:
        job = conn.execute(sa.select(t.jobs).where(t.jobs.c.id == job_id)).one()
        refusal = conn.execute(
            sa.select(t.audit_events.c.outcome).where(
                t.audit_events.c.username == "leaver", t.audit_events.c.operation == "job.ingest"
            )
        ).scalar_one()
    assert job.status == "failed" and "disabled" in job.message
    assert refusal == "denied"
    assert store.counts()["records"] == 0


def test_a_job_whose_worker_died_is_failed_by_the_next_claim(
    store: Store, local: Actor, uploads: Path
) -> None:
    first = _ingest(store, local, _upload(store, local))
    claimed = claim(store, "worker-that-dies")
    assert claimed is not None and claimed["id"] == first
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    with store.connect() as conn:
        conn.execute(sa.update(t.jobs).where(t.jobs.c.id == first).values(heartbeat_at=long_ago))
    assert claim(store, "second") is None
    with store.connect() as conn:
        job = get_job(conn, local, first)
    assert job is not None and job.status == "failed"
    assert "the worker running this job stopped" in job.message
    # Submitted again, it loads (the dead run had written nothing that was kept).
    again = _ingest(store, local, job.params["upload"])
    work(store, once=True)
    with store.connect() as conn:
        done = get_job(conn, local, again)
    assert done is not None and done.status == "done" and done.result is not None
    assert done.result["records_written"] == 2


def test_several_workers_never_take_the_same_job(store: Store, local: Actor) -> None:
    with store.connect() as conn:
        ids = {submit(conn, local, "resolve", {}) for _ in range(6)}
    taken: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := claim(store, name)) is not None:
            with lock:
                taken.append(int(job["id"]))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(ids)


def test_a_queued_job_cancelled_never_runs(store: Store, local: Actor, uploads: Path) -> None:
    job_id = _ingest(store, local, _upload(store, local))
    with store.connect() as conn:
        cancelled = cancel_job(conn, local, job_id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert claim(store) is None
    assert store.counts()["records"] == 0


def test_resolve_and_analyse_jobs_run_over_the_store(
    store: Store, local: Actor, uploads: Path
) -> None:
    with store.connect() as conn:
        submit(conn, local, "resolve", {})
        submit(conn, local, "analyse", {})
    _ingest(store, local, _upload(store, local))
    # Ingest was submitted last: jobs run in order, so resolve and analyse see an empty store.
    assert work(store, once=True) == 3
    with store.connect() as conn:
        jobs = {j.kind: j for j in list_jobs(conn, local)}
    assert jobs["ingest"].status == "done"
    assert jobs["resolve"].status in ("done", "failed"), jobs["resolve"]
    with store.connect() as conn:
        resolve_job = submit(conn, local, "resolve", {})
        analyse_job = submit(conn, local, "analyse", {})
    work(store, once=True)
    with store.connect() as conn:
        resolved, analysed = get_job(conn, local, resolve_job), get_job(conn, local, analyse_job)
    assert resolved is not None and resolved.status == "done", resolved.message
    assert resolved.message.startswith("resolution run")
    assert analysed is not None and analysed.status == "done", analysed.message
    assert analysed.result is not None and analysed.result["run"]


def test_an_upload_is_refused_when_too_large_or_unreadable(store: Store, local: Actor,
                                                           uploads: Path) -> None:  # fmt: skip
    root = uploads_root(store)
    with pytest.raises(UploadRefused, match="larger than the 1 MB") as big:
        save_upload(root, local.user_id, "big.csv", io.BytesIO(b"a,b\n" * 400_000),
                    limit=1_000_000)  # fmt: skip
    assert big.value.too_large
    with pytest.raises(UploadRefused, match="Threadline reads CSV"):
        save_upload(root, local.user_id, "notes.docx", io.BytesIO(b"PK\x03\x04"))
    assert list(root.iterdir()) == []  # nothing kept of either


def test_the_preview_marks_the_bad_cell_and_shows_cleaned_values(
    store: Store, local: Actor, uploads: Path
) -> None:
    upload = find_upload(uploads_root(store), local.user_id, _upload(store, local))
    assert upload is not None
    shown = preview(upload, upload_mapping(upload, ""), "local")
    assert shown.problems == []
    assert [r.number for r in shown.rows if r.error] == [4]
    bad = next(r for r in shown.rows if r.error)
    marked = [c for c in bad.cells if c.error]
    assert [c.column for c in marked] == ["source_eval"] and marked[0].raw == BAD_GRADE
    first = shown.rows[0]
    dob = next(c for c in first.cells if c.column == "dob")
    assert dob.raw == "03/04/1998" and dob.cleaned == ["1998-04-03"]
    phone = next(c for c in first.cells if c.column == "phone")
    assert phone.cleaned == ["+447700900123"]
    assert ("Person", "name", "Thi Lan Nguyen") in first.values


def test_threadline_worker_runs_the_queued_jobs(
    store: Store, store_url: str, local: Actor, uploads: Path
) -> None:
    from typer.testing import CliRunner

    from threadline.cli import app

    job_id = _ingest(store, local, _upload(store, local))
    result = CliRunner().invoke(app, ["worker", "--once", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "1 job run." in result.output
    with store.connect() as conn:
        job = get_job(conn, local, job_id)
    assert job is not None and job.status == "done"


def test_progress_is_seen_while_a_load_runs(store: Store, local: Actor, uploads: Path) -> None:
    header, first = INTEL.splitlines()[:2]
    rows = [first.replace("IR0001", f"IRP{n:06d}") for n in range(20_000)]
    job_id = _ingest(store, local, _upload(store, local, "\n".join([header, *rows]) + "\n"))
    claimed = claim(store)
    assert claimed is not None
    runner = threading.Thread(target=run, args=(store, claimed), kwargs={"every": 0.5})
    runner.start()
    seen: list[tuple[int, int | None]] = []
    written: set[int] = set()
    while runner.is_alive():
        with store.connect() as conn:
            job = get_job(conn, local, job_id)
            row = conn.execute(
                sa.select(t.jobs.c.progress_done).where(t.jobs.c.id == job_id)
            ).scalar_one()
        assert job is not None
        if job.status == "running":
            seen.append((job.done, job.total))
            written.add(int(row))
        time.sleep(0.05)  # a reader polls, as the workbench does; a tight loop starves the load
    runner.join()
    assert any(0 < done < 20_000 for done, _total in seen), seen[-3:]
    assert all(total is not None and total >= 20_000 for _d, total in seen if _d)
    if not store.embedded:  # SQLite's one writer is the load itself until it commits
        assert any(0 < n < 20_000 for n in written), sorted(written)[-3:]
    with store.connect() as conn:
        done = get_job(conn, local, job_id)
    assert done is not None and done.status == "done" and done.done == 20_000


def test_a_running_load_cancelled_keeps_nothing(store: Store, local: Actor, uploads: Path) -> None:
    header, first = INTEL.splitlines()[:2]
    rows = [first.replace("IR0001", f"IRC{n:06d}") for n in range(40_000)]
    job_id = _ingest(store, local, _upload(store, local, "\n".join([header, *rows]) + "\n"))
    claimed = claim(store)
    assert claimed is not None
    runner = threading.Thread(target=run, args=(store, claimed), kwargs={"every": 0.05})
    runner.start()
    while True:
        with store.connect() as conn:
            job = get_job(conn, local, job_id)
        assert job is not None and job.status == "running"
        if job.done > 0:
            break
    with store.connect() as conn:
        cancel_job(conn, local, job_id)
    runner.join()
    with store.connect() as conn:
        ended = get_job(conn, local, job_id)
    assert ended is not None and ended.status == "cancelled", ended
    assert ended.finished_at is not None
    assert store.counts()["records"] == 0
