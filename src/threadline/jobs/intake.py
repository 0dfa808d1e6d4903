"""Taking an upload in, and starting its load as a job: what the API and the page both do.

An upload is kept only for a user who may load (the analyst or supervisor role) and only for
an agency they may load for (`threadline.ingest.batches.may_load`, refused in its words); a
refused upload is deleted at once. Loading is a job (`threadline.jobs`), checked again when it
is submitted and once more when it runs. A captured report is followed by an update job, as
an uploaded file's load is followed by an update in its own job.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from threadline.ingest.batches import may_load
from threadline.ingest.mapping import Mapping
from threadline.ingest.uploads import Upload, save_upload, upload_mapping
from threadline.jobs.queue import submit
from threadline.read import View
from threadline.security.authorise import WRITE_ROLES
from threadline.security.errors import AccessDenied
from threadline.untrusted import valid_agency_code

__all__ = ["Received", "may_run", "receive", "start_load", "start_update"]

Received = tuple[Upload, Mapping, str]
"""A kept upload, the mapping it is read with, and the agency it is loaded for."""


def may_run(view: View, kind: str) -> None:
    """Raise AccessDenied (audited by the View's transaction) unless the user may start a job
    of `kind`: loading, resolving and analysing are analysts' and supervisors' work."""
    if not view.actor.has(*WRITE_ROLES):
        raise AccessDenied(
            f"permission denied: {kind} needs the analyst or supervisor role",
            action="collection" if kind == "ingest" else "combination",
            operation=kind,
        )


def _agency(view: View, mapping: Mapping, agency: str) -> str:
    code = agency.strip() or mapping.agency or view.actor.agency
    if not valid_agency_code(code):
        raise AccessDenied(f"unknown agency {code[:64]!r}", action="collection",
                           operation="ingest")  # fmt: skip
    may_load(view.conn, view.actor.user_id, code)
    return code


def receive(
    view: View, root: Path, name: str, stream: BinaryIO, *,
    mapping: str, mapping_yaml: str, agency: str, limit: int | None = None,
) -> Received:  # fmt: skip
    """Keep an upload for the View's user and check it may be loaded as they ask."""
    may_run(view, "ingest")
    upload = save_upload(root, view.actor.user_id, name, stream, limit=limit,
                         mapping_yaml=mapping_yaml or None)  # fmt: skip
    try:
        chosen = upload_mapping(upload, mapping)
        code = _agency(view, chosen, agency)
    except BaseException:
        shutil.rmtree(upload.folder, ignore_errors=True)
        raise
    return upload, chosen, code


def start_load(view: View, upload: Upload, mapping: str, agency: str, on_error: str) -> int:
    """Submit the load of a kept upload as a job; its id."""
    may_run(view, "ingest")
    chosen = upload_mapping(upload, mapping)
    code = _agency(view, chosen, agency)
    params = {"upload": upload.token, "file": upload.file.name, "mapping": chosen.name,
              "pasted": upload.pasted is not None, "agency": code,
              "on_error": "skip" if on_error == "skip" else "reject"}  # fmt: skip
    return submit(view.conn, view.actor, "ingest", params)


def start_update(view: View) -> int:
    """Submit the job that brings resolution and the user's analysis up to date after a report
    they captured (as `threadline capture` does in the foreground); its id."""
    may_run(view, "update")
    return submit(view.conn, view.actor, "update", {})
