"""Uploads and background jobs: a file previewed (dry run) or loaded as a job; resolve and
analyse started as jobs; a user's jobs and their progress."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Path, UploadFile
from pydantic import BaseModel, Field

from threadline.api.deps import RowId, StoreDep, ViewDep
from threadline.api.schemas import ProtectionOut
from threadline.ingest.uploads import Preview, UploadRefused, find_upload, preview, uploads_root
from threadline.jobs import Job, cancel_job, get_job, list_jobs, submit
from threadline.jobs.intake import may_run, receive, start_load
from threadline.read import View

__all__ = ["router"]

router = APIRouter(tags=["jobs"])

NOT_FOUND = "nothing you may see matches"


class JobOut(BaseModel):
    """A background job: what, whose, how far, how it ended."""

    id: int
    kind: str
    username: str
    agency: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    label: str
    done: int
    total: int | None
    percent: int | None
    message: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls.model_validate({k: v for k, v in job.as_dict().items() if k != "heartbeat_at"})


class CellOut(BaseModel):
    column: str
    raw: str
    cleaned: list[str]
    error: str | None


class RowOut(BaseModel):
    number: int
    location: str
    error: str | None
    warnings: list[str]
    cells: list[CellOut]
    values: list[tuple[str, str, str]]


class PreviewOut(BaseModel):
    """The first rows of an upload as a load would read them, bad cells marked."""

    upload: str
    """The kept upload, to load with ``POST /uploads/{upload}/load``."""
    file: str
    mapping: str
    agency: str
    format: str
    columns: list[str]
    problems: list[str]
    rows_with_errors: int
    rows: list[RowOut]
    protection: ProtectionOut

    @classmethod
    def of(cls, token: str, agency: str, shown: Preview) -> PreviewOut:
        return cls(
            upload=token, file=shown.file, mapping=shown.mapping, agency=agency,
            format=shown.format, columns=shown.columns, problems=shown.problems,
            rows_with_errors=shown.errors, protection=ProtectionOut.of(shown.protection),
            rows=[RowOut(number=r.number, location=r.location, error=r.error,
                         warnings=r.warnings, values=r.values,
                         cells=[CellOut(column=c.column, raw=c.raw, cleaned=c.cleaned,
                                        error=c.error) for c in r.cells])
                  for r in shown.rows],
        )  # fmt: skip


class LoadIn(BaseModel):
    mapping: str = Field(default="", max_length=255)
    agency: str = Field(default="", max_length=64)
    on_error: Literal["reject", "skip"] = "reject"


class JobIn(BaseModel):
    """Start resolution, analysis, or both when due (``update``), in the background."""

    kind: Literal["resolve", "analyse", "update"]


@router.post("/uploads", status_code=202, response_model=PreviewOut | JobOut)
def post_upload(
    view: ViewDep,
    store: StoreDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, XLS, ODS, JSON or JSON Lines")],
    mapping: Annotated[str, Form(max_length=255)] = "",
    mapping_yaml: Annotated[str, Form(max_length=1_000_000)] = "",
    agency: Annotated[str, Form(max_length=64)] = "",
    on_error: Annotated[Literal["reject", "skip"], Form()] = "reject",
    dry_run: Annotated[bool, Form()] = False,
) -> PreviewOut | JobOut:
    """Upload a file with a shipped mapping (by name) or your own (YAML). With ``dry_run``
    the answer is a preview of the first rows, bad cells marked, and the upload is kept for
    ``POST /uploads/{upload}/load``; without it the load starts at once as a job."""
    try:
        upload, chosen, code = receive(
            view, uploads_root(store), file.filename or "upload", file.file,
            mapping=mapping, mapping_yaml=mapping_yaml, agency=agency,
        )  # fmt: skip
    except UploadRefused as refused:
        raise HTTPException(413 if refused.too_large else 415, str(refused)) from None
    if dry_run:
        return PreviewOut.of(upload.token, code, preview(upload, chosen, code))
    job_id = start_load(view, upload, chosen.name, code, on_error)
    job = get_job(view.conn, view.actor, job_id)
    assert job is not None
    return JobOut.of(job)


@router.post("/uploads/{upload}/load", status_code=202, response_model=JobOut)
def load_upload(
    view: ViewDep,
    store: StoreDep,
    upload: Annotated[str, Path(max_length=80)],
    body: LoadIn,
) -> JobOut:
    """Load an upload kept by a dry run, as a job."""
    may_run(view, "ingest")
    kept = find_upload(uploads_root(store), view.actor.user_id, upload)
    if kept is None:
        raise HTTPException(404, NOT_FOUND)
    job_id = start_load(view, kept, body.mapping, body.agency, body.on_error)
    job = get_job(view.conn, view.actor, job_id)
    assert job is not None
    return JobOut.of(job)


def start_job(view: View, kind: str) -> JobOut:
    """Queue a job of `kind` for the View's user, if they may start one; as answered."""
    may_run(view, kind)
    job_id = submit(view.conn, view.actor, kind, {})
    job = get_job(view.conn, view.actor, job_id)
    assert job is not None
    return JobOut.of(job)


@router.post("/jobs", status_code=202, response_model=JobOut)
def post_job(view: ViewDep, body: JobIn) -> JobOut:
    """Start resolution of the store, an analysis of what you may see, or both when due
    (``update``, as `threadline update`), as a job."""
    return start_job(view, body.kind)


@router.get("/jobs", response_model=list[JobOut])
def get_jobs(view: ViewDep) -> list[JobOut]:
    """Your jobs, newest first (a supervisor's: their agency's)."""
    return [JobOut.of(j) for j in list_jobs(view.conn, view.actor)]


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_one_job(view: ViewDep, job_id: RowId) -> JobOut:
    """One of your jobs, with its progress."""
    job = get_job(view.conn, view.actor, job_id)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return JobOut.of(job)


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def post_cancel(view: ViewDep, job_id: RowId) -> JobOut:
    """Cancel one of your jobs: a queued one never runs; a running one stops at its next step
    and keeps nothing it did."""
    job = cancel_job(view.conn, view.actor, job_id)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return JobOut.of(job)
