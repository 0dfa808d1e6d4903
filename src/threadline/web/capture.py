"""The standard capture form: one intelligence report, graded 3x5x2, saved as ingest saves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from threadline.api.deps import CurrentUser, ViewDep
from threadline.ingest.capture import (
    CaptureError,
    FoundIdentifier,
    IntelligenceReport,
    SubjectKind,
    capture_with,
    field_errors,
    identifiers_in,
)
from threadline.jobs.intake import start_update
from threadline.model.grading import INFORMATION_LABELS, SOURCE_LABELS
from threadline.model.retention import RetentionGroup
from threadline.model.roles import ExploitationType, Role
from threadline.security.errors import NotFound
from threadline.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

SUBJECT_ROWS = 4
STATEMENT_ROWS = 3

MAIN_PROPERTY: dict[str, str] = {
    SubjectKind.PERSON: "name",
    SubjectKind.BUSINESS: "name",
    SubjectKind.PREMISES: "full",
    SubjectKind.VEHICLE: "registrationNumber",
    SubjectKind.PHONE: "phone",
    SubjectKind.EMAIL: "email",
    SubjectKind.BANK_ACCOUNT: "accountNumber",
    SubjectKind.ONLINE_ACCOUNT: "username",
}
"""The one value a subject row of the form asks for, by kind (the API takes any property)."""


def _choices() -> dict[str, Any]:
    return {
        "sources": SOURCE_LABELS,
        "assessments": INFORMATION_LABELS,
        "kinds": [k.value for k in SubjectKind],
        "roles": [r.value for r in Role],
        "exploitation": [e.value for e in ExploitationType],
        "retention": {g.value: g.label for g in RetentionGroup},
        "subject_rows": range(SUBJECT_ROWS),
        "statement_rows": range(STATEMENT_ROWS),
    }


def _form_page(
    request: Request, form: dict[str, Any], errors: list[str], status: int = 200
) -> Response:
    fields = {e.split(":", 1)[0] for e in errors}
    return page(
        request, "capture.html",
        {**_choices(), "form": form, "errors": errors, "bad": fields, "section": "capture"},
        status=status,
    )  # fmt: skip


@router.get("/capture", response_class=HTMLResponse)
def capture_page(request: Request, user: CurrentUser) -> Response:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    return _form_page(
        request, {"agency": user.agency, "reported_at": now, "marking": "OFFICIAL"}, []
    )


async def _form(request: Request) -> FormData:
    """The posted form, read once (the CSRF check has read it already; Starlette keeps it)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


@router.post("/capture/identifiers", response_class=HTMLResponse)
def capture_identifiers(request: Request, _user: CurrentUser, form: FormDep) -> Response:
    """The narrative with each identifier the extractor found, to confirm or reject."""
    narrative = str(form.get("narrative", ""))[:100_000]
    found = identifiers_in(narrative)
    return page(
        request, "capture_identifiers.html",
        {"found": found, "segments": _segments(narrative, found)},
    )  # fmt: skip


def _segments(narrative: str, found: list[FoundIdentifier]) -> list[tuple[str, bool]]:
    """The narrative cut into (text, is an identifier) pieces, to show it highlighted."""
    out: list[tuple[str, bool]] = []
    at = 0
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if item.start < at:  # overlaps one already highlighted
            continue
        out += [(narrative[at : item.start], False), (narrative[item.start : item.end], True)]
        at = item.end
    out.append((narrative[at:], False))
    return [piece for piece in out if piece[0]]


def _report(form: FormData) -> dict[str, Any]:
    """The report as the API takes it, from the form's fields (blank rows left out)."""
    text = {k: str(v).strip() for k, v in form.multi_items() if isinstance(v, str)}
    subjects: list[dict[str, Any]] = []
    numbering: dict[int, int] = {}
    for i in range(SUBJECT_ROWS):
        kind, value = text.get(f"s{i}_kind", ""), text.get(f"s{i}_value", "")
        entity = text.get(f"s{i}_entity", "")
        if not (value or entity):
            continue
        subject: dict[str, Any] = {"kind": kind, "role": text.get(f"s{i}_role") or None}
        if entity:
            subject["entity_id"] = entity
        props: dict[str, list[str]] = {}
        if value:
            props[MAIN_PROPERTY.get(kind, "name")] = [value]
        if kind == SubjectKind.PERSON and text.get(f"s{i}_dob"):
            props["birthDate"] = [text[f"s{i}_dob"]]
        subject["properties"] = props
        numbering[i] = len(subjects)
        subjects.append(subject)
    statements = []
    for i in range(STATEMENT_ROWS):
        if not text.get(f"t{i}_text"):
            continue
        about = text.get(f"t{i}_subject", "")
        statements.append({
            "text": text[f"t{i}_text"], "kind": text.get(f"t{i}_kind", "fact"),
            "subject": numbering.get(int(about)) if about.isdigit() else None,
        })  # fmt: skip
    identifiers = []
    for name, choice in text.items():
        if name.startswith("id:") and choice in {"confirm", "reject"}:
            kind, start, end = name[3:].rsplit(":", 2)
            identifiers.append({"kind": kind, "start": int(start), "end": int(end),
                                "confirmed": choice == "confirm"})  # fmt: skip
    conditions = [c.strip() for c in text.get("handling_conditions", "").splitlines() if c.strip()]
    return {
        "agency": text.get("agency", ""), "officer": text.get("officer", ""),
        "source_reference": text.get("source_reference", ""),
        "intelligence_at": text.get("intelligence_at", ""),
        "reported_at": text.get("reported_at", ""),
        "source_evaluation": text.get("source_evaluation", ""),
        "intelligence_assessment": text.get("intelligence_assessment", ""),
        "handling_code": text.get("handling_code", ""), "handling_conditions": conditions,
        "marking": text.get("marking", ""),
        "retention_group": text.get("retention_group") or RetentionGroup.OTHER_OFFENCES.value,
        "exploitation": form.getlist("exploitation"),
        "subjects": subjects, "statements": statements,
        "narrative": text.get("narrative", ""), "identifiers": identifiers,
    }  # fmt: skip


@router.post("/capture", response_class=HTMLResponse)
def capture_post(request: Request, view: ViewDep, form: FormDep) -> Response:
    echo = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
    echo["exploitation"] = form.getlist("exploitation")  # type: ignore[assignment]
    try:
        report = IntelligenceReport.model_validate(_report(form))
    except ValidationError as invalid:
        return _form_page(request, echo, field_errors(invalid), status=422)
    try:
        saved = capture_with(view, report)
    except (CaptureError, NotFound) as refused:
        return _form_page(request, echo, [str(refused)], status=422)
    # resolution and the analyst's analysis brought up to date outside the request, as an
    # upload's load is (`threadline capture` does it in the foreground)
    job = None if saved.already_held else start_update(view)
    return page(
        request, "captured.html", {"saved": saved, "job": job, "section": "capture"},
        protection=saved.protection,
    )  # fmt: skip
