"""`threadline capture`: one intelligence report in the standard 3x5x2 form, from a JSON file
or asked for field by field in the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from threadline.cli.options import DbOption, JsonOption, UserOption, print_json
from threadline.cli.render import print_protection
from threadline.errors import ThreadlineError
from threadline.ingest.capture import (
    CapturedRecord,
    IntelligenceReport,
    ReportStatement,
    Subject,
    SubjectKind,
    capture,
    field_errors,
    identifiers_in,
    report_schema,
)
from threadline.jobs.update import bring_up_to_date
from threadline.model import ExploitationType, Role
from threadline.progress import stages
from threadline.security.authorise import acting_analyst
from threadline.store import Store

__all__ = ["capture_command"]

console = Console(soft_wrap=True)

MAX_FILE = 5_000_000
"""Largest report file read (bytes): a report is a page of text, not a delivery."""


def capture_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="The report as JSON (see docs/capture.md); omit with --interactive."),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Ask for each field in the terminal.")
    ] = False,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the report's JSON schema and stop.")
    ] = False,
    no_update: Annotated[
        bool,
        typer.Option(
            "--no-update",
            help="Capture only: leave resolution and your analysis as they were (bring them "
            "up to date later with `threadline update`).",
        ),
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Capture one intelligence report (3x5x2 graded, marked, with its subjects) as a record
    of the originating agency; audited as a collection. Errors name the field at fault. Then
    bring resolution and your analysis up to date, as `threadline ingest` does, unless
    --no-update."""
    if schema:
        print_json(report_schema())
        return
    if (file is None) == (not interactive):
        raise ThreadlineError("give a report FILE.json, or --interactive (not both)")
    report = _from_file(file) if file is not None else _interactive()
    with Store(db) as store:
        store.require_current()
        actor = acting_analyst(store, user, "capture")
        saved = capture(store, actor, report)
        done = None
        if not (no_update or saved.already_held):
            done = bring_up_to_date(store, actor, stage=stages(console))
    if as_json:
        print_json({"protection": saved.protection.as_dict(), "record": saved.as_dict(),
                    "update": done.as_dict() if done else None})  # fmt: skip
        return
    _print(saved)
    if done is not None:
        console.print(Text(f"Resolution: {done.resolved}."))
        console.print(Text(f"Analysis: {done.analysed}."))
    elif not saved.already_held:
        console.print("Run `threadline update` to resolve its subjects with the store's.")


def _print(saved: CapturedRecord) -> None:
    print_protection(console, saved.protection)
    verb = "Already held" if saved.already_held else "Captured"
    console.print(
        Text(
            f"{verb}: record {saved.record_key} (id {saved.record_id}, batch {saved.batch_id}) "
            f"of agency {saved.agency}, grade {saved.grade}, review date "
            f"{saved.review_date.isoformat()}."
        )
    )
    if saved.entities:
        console.print(Text(f"Names existing entities: {', '.join(saved.entities)}."))
    if saved.judgements:
        joined = ", ".join(str(j) for j in saved.judgements)
        console.print(Text(f"Person subjects joined to them by judgements {joined}."))


def _from_file(path: Path) -> IntelligenceReport:
    if path.stat().st_size > MAX_FILE:
        raise ThreadlineError(f"{path}: larger than {MAX_FILE:,} bytes: not a report")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ThreadlineError(f"{path}: not JSON: {exc}") from None
    return _validated(data, str(path))


def _validated(data: Any, where: str) -> IntelligenceReport:
    try:
        return IntelligenceReport.model_validate(data)
    except ValidationError as exc:
        lines = "; ".join(field_errors(exc))
        raise ThreadlineError(f"{where}: refused, nothing was written: {lines}") from None


# -- asking in the terminal -----------------------------------------------------------------------


def _problems(data: dict[str, Any], name: str, model: type[Any] = IntelligenceReport) -> list[str]:
    """What is wrong with field `name` of `data` so far (other fields' gaps set aside)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [
            line
            for error, line in zip(exc.errors(include_url=False), field_errors(exc), strict=True)
            if error["loc"][:1] == (name,) and error["type"] != "missing"
        ]
    return []


def _ask(
    data: dict[str, Any],
    name: str,
    label: str,
    *,
    default: str | None = None,
    optional: bool = False,
    model: type[Any] = IntelligenceReport,
    convert: Any = None,
) -> None:
    """Ask for one field until it is valid; an optional field may be left empty."""
    while True:
        fallback = default if default is not None else ("" if optional else None)
        text = str(typer.prompt(label, default=fallback, show_default=bool(default)))
        if optional and not text.strip():
            data.pop(name, None)
            return
        data[name] = convert(text) if convert is not None else text
        problems = _problems(data, name, model)
        if not problems:
            return
        for line in problems:
            console.print(Text(line, style="red"))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _interactive() -> IntelligenceReport:
    data: dict[str, Any] = {}
    console.print("[bold]Intelligence report (3x5x2)[/]: each answer is checked as you go.")
    _ask(data, "agency", "Originating agency (code)")
    _ask(data, "officer", "Reporting officer")
    _ask(data, "source_reference", "Source reference")
    _ask(data, "intelligence_at", "Date (and time) of the intelligence, e.g. 2026-12-01T14:30")
    _ask(data, "reported_at", "Date and time of the report", default=_now())
    _ask(data, "source_evaluation", "Source evaluation (1 reliable, 2 untested, 3 not reliable)")
    _ask(data, "intelligence_assessment", "Intelligence assessment (A-E)")
    _ask(data, "handling_code", "Handling code (P or C)")
    if str(data["handling_code"]).strip().upper() == "C":
        _ask(data, "handling_conditions", "Handling conditions (separate several with ;)",
             default="", convert=_split)  # fmt: skip
    _ask(data, "marking", "Marking (OFFICIAL or OFFICIAL-SENSITIVE)", default="OFFICIAL")
    _ask(data, "retention_group", "MoPI retention group (1, 2, 3 or other)", default="3")
    kinds = ", ".join(e.value for e in ExploitationType)
    _ask(data, "exploitation", f"Exploitation types ({kinds}; ; between several)",
         optional=True, convert=_split)  # fmt: skip
    data["subjects"] = []
    while typer.confirm("Add a subject?", default=not data["subjects"]):
        data["subjects"].append(_subject())
    data["statements"] = []
    while typer.confirm("Add a statement (fact or opinion)?", default=False):
        data["statements"].append(_statement(data))
    _ask(data, "narrative", "Narrative", optional=True)
    data["identifiers"] = _decisions(str(data.get("narrative", "")))
    return _validated(data, "report")


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _subject() -> dict[str, Any]:
    subject: dict[str, Any] = {}
    kinds = ", ".join(k.value for k in SubjectKind)
    _ask(subject, "kind", f"  Kind ({kinds})", model=Subject)
    _ask(subject, "entity_id", "  Existing entity id (empty for a new subject)", optional=True,
         model=Subject)  # fmt: skip
    roles = ", ".join(r.value for r in Role)
    person = subject["kind"] == SubjectKind.PERSON.value
    _ask(subject, "role", f"  Data-subject role ({roles})", model=Subject,
         default="unknown" if person else None, optional=not person)  # fmt: skip
    subject["properties"] = {}
    console.print("  Properties as name=value (e.g. name=Ana Pop, birthDate=05/09/1990); empty "
                  "to finish.")  # fmt: skip
    while True:
        line = str(typer.prompt("  ", default="", show_default=False)).strip()
        if not line:
            problems = _problems(subject, "properties", Subject)
            if not problems:
                return subject
            for problem in problems:
                console.print(Text(problem, style="red"))
            continue
        prop, _, value = line.partition("=")
        trial = {k: list(v) for k, v in subject["properties"].items()}
        trial.setdefault(prop.strip(), []).append(value.strip())
        problems = _problems({**subject, "properties": trial}, "properties", Subject)
        # "a new phone subject needs its 'phone'" is not wrong yet: more properties may follow.
        if problems and not any("needs" in p for p in problems):
            for problem in problems:
                console.print(Text(problem, style="red"))
            continue
        subject["properties"] = trial


def _statement(data: dict[str, Any]) -> dict[str, Any]:
    said: dict[str, Any] = {}
    _ask(said, "text", "  Statement", model=ReportStatement)
    _ask(said, "kind", "  fact or opinion", default="fact", model=ReportStatement)
    count = len(data["subjects"])
    if count:
        _ask(said, "subject", f"  About subject (0-{count - 1}; empty: the report as a whole)",
             optional=True, model=ReportStatement)  # fmt: skip
        if "subject" in said and _problems({**data, "statements": [said]}, "statements"):
            console.print(Text(f"  no subject {said.pop('subject')}: about the whole report",
                               style="red"))  # fmt: skip
    return said


def _decisions(narrative: str) -> list[dict[str, Any]]:
    """Each identifier found in the narrative, shown in place, confirmed or rejected."""
    found = identifiers_in(narrative)
    if not found:
        return []
    console.print(f"{len(found)} identifiers found in the narrative: confirm (y), reject (n) or "
                  "leave unverified (enter) each one.")  # fmt: skip
    out = []
    for item in found:
        shown = Text(narrative)
        shown.stylize("bold reverse", item.start, item.end)
        console.print(shown)
        cleaned = f" = {item.value}" if item.value and item.value != item.text else ""
        while True:
            answer = str(typer.prompt(f"  {item.kind} {item.text!r}{cleaned}? [y/n]", default="",
                                      show_default=False)).strip().lower()  # fmt: skip
            if answer in ("", "y", "n", "yes", "no"):
                break
        if answer:
            out.append({"kind": item.kind, "start": item.start, "end": item.end,
                        "confirmed": answer.startswith("y")})  # fmt: skip
    return out
