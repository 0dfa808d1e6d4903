"""Upload: choose a file and a mapping, see the first rows as they will be read, load it as a
background job and watch it; start resolution or analysis; your jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from threadline.api.deps import CurrentUser, StoreDep, ViewDep
from threadline.ingest.uploads import (
    FORMAT_OF_SUFFIX,
    UploadRefused,
    find_upload,
    preview,
    shipped_mappings,
    upload_limit,
    uploads_root,
)
from threadline.jobs import get_job, list_jobs, submit
from threadline.jobs.intake import may_run, receive, start_load
from threadline.read import View
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
NOT_FOUND = "nothing you may see matches"
ACCEPT = ",".join(sorted(FORMAT_OF_SUFFIX))


def _form(request: Request, view: View, *, error: str = "", status: int = 200) -> Response:
    return page(
        request, "upload.html",
        {"mappings": shipped_mappings(), "jobs": list_jobs(view.conn, view.actor, limit=20),
         "error": error, "accept": ACCEPT, "limit_mb": upload_limit() // 1_000_000,
         "section": "upload"},
        status=status,
    )  # fmt: skip


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, view: ViewDep) -> Response:
    return _form(request, view)


@router.get("/upload/mapping/{name}", response_class=PlainTextResponse)
def shipped_mapping_text(_user: CurrentUser, name: Annotated[str, Path(max_length=64)]) -> Response:
    """A shipped mapping's YAML, for the page to copy into the box to be edited."""
    for mapping in shipped_mappings():
        if mapping.name == name:
            return PlainTextResponse(mapping.path.read_text(encoding="utf-8"))
    raise HTTPException(404, NOT_FOUND)


@router.post("/upload", response_class=HTMLResponse)
def upload_preview(
    request: Request,
    view: ViewDep,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[str, Form(max_length=255)] = "",
    mapping_yaml: Annotated[str, Form(max_length=1_000_000)] = "",
    agency: Annotated[str, Form(max_length=64)] = "",
    on_error: Annotated[str, Form(max_length=8)] = "reject",
) -> Response:
    """Keep the file and show its first rows as they will be read."""
    try:
        upload, chosen, code = receive(
            view, uploads_root(store), file.filename or "upload", file.file,
            mapping=mapping, mapping_yaml=mapping_yaml, agency=agency,
        )  # fmt: skip
    except UploadRefused as refused:
        return _form(request, view, error=str(refused), status=413 if refused.too_large else 415)
    shown = preview(upload, chosen, code)
    return page(
        request, "upload_preview.html",
        {"shown": shown, "upload": upload.token, "mapping": chosen.name, "agency": code,
         "on_error": "skip" if on_error == "skip" else "reject", "section": "upload"},
        protection=shown.protection,
    )  # fmt: skip


@router.post("/upload/{token}/load")
def upload_load(
    view: ViewDep,
    store: StoreDep,
    token: Annotated[str, Path(max_length=80)],
    mapping: Annotated[str, Form(max_length=255)] = "",
    agency: Annotated[str, Form(max_length=64)] = "",
    on_error: Annotated[str, Form(max_length=8)] = "reject",
) -> Response:
    may_run(view, "ingest")
    kept = find_upload(uploads_root(store), view.actor.user_id, token)
    if kept is None:
        raise HTTPException(404, NOT_FOUND)
    job_id = start_load(view, kept, mapping, agency, on_error)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/jobs/start")
def start_job(view: ViewDep, kind: Annotated[str, Form(max_length=16)]) -> Response:
    if kind not in ("resolve", "analyse", "update"):
        raise HTTPException(422, "choose resolve, analyse or update")
    may_run(view, kind)
    job_id = submit(view.conn, view.actor, kind, {})
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, view: ViewDep) -> Response:
    return page(
        request, "jobs.html",
        {"jobs": list_jobs(view.conn, view.actor), "section": "upload"},
    )  # fmt: skip


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, view: ViewDep, job_id: Annotated[int, Path(ge=1, le=2**62)]
) -> Response:
    job = get_job(view.conn, view.actor, job_id)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return page(request, "job.html", {"job": job, "section": "upload"})


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(
    request: Request, view: ViewDep, job_id: Annotated[int, Path(ge=1, le=2**62)]
) -> Response:
    """The job's progress, as the fragment its page polls every second until it ends."""
    job = get_job(view.conn, view.actor, job_id)
    if job is None:
        raise HTTPException(404, NOT_FOUND)
    return page(request, "job_progress.html", {"job": job})
