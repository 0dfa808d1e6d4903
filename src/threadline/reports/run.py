"""Producing a problem profile: gathered as the reader, drawn, rendered, written, disclosed.

`produce` is the one entry point. It checks the reader may hand material over (an analyst or a
supervisor, as for exports), gathers the profile through their View, draws its figures,
renders HTML or PDF, writes the file whole or not at all, stores the headline figures for the
next profile of the same scope, and logs one audit event: a disclosure naming the recipient,
the purpose, the records and the entities. Re-authentication is the caller's
(``threadline.security.identity.reauthenticate``), as for exports.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from threadline.errors import ValidationError
from threadline.export.run import EXPORT_ROLES
from threadline.model.protection import Protection
from threadline.read import View
from threadline.reports.charts import draw
from threadline.reports.content import STAGES, Profile, gather
from threadline.reports.history import remember
from threadline.reports.render import render_html, render_pdf
from threadline.reports.scope import ProfileScope
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied

__all__ = ["FORMATS", "STEPS", "Produced", "new_reference", "produce"]

FORMATS = ("html", "pdf")
STEPS = (*STAGES, "figures", "render", "write")
"""Every stage of producing a profile, in order (one progress step each)."""


@dataclass(frozen=True, slots=True)
class Produced:
    """What `produce` wrote."""

    path: Path
    format: str
    reference: str
    protection: Protection
    profile: Profile


def new_reference(at: datetime) -> str:
    """A unique product reference: date, time and a random part.

    >>> ref = new_reference(datetime(2026, 12, 6, 22, 15, tzinfo=UTC))
    >>> ref.startswith("TL-PP-20261206-2215-") and len(ref) == 26
    True
    """
    return f"TL-PP-{at:%Y%m%d-%H%M}-{secrets.token_hex(3).upper()}"


def _write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path` and rename it: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".threadline-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def produce(
    view: View,
    scope: ProfileScope,
    fmt: str,
    out: Path,
    *,
    recipient: str,
    purpose: str,
    template: Path | None = None,
    step: Callable[[str], None] | None = None,
) -> Produced:
    """The problem profile of `scope` as `view`'s actor may see it, written to `out` as
    `fmt` (``html`` or ``pdf``) and logged as a disclosure to `recipient` for `purpose`.

    Raises AccessDenied for a user without the analyst or supervisor role, ValidationError
    without a recipient or purpose or for an unknown format, ThreadlineError for a case the
    user may not see (as for one that does not exist), an unknown area or a refused template.
    """
    if fmt not in FORMATS:
        raise ValidationError(f"a profile is written as {' or '.join(FORMATS)}, not {fmt!r}")
    operation = f"report.{fmt}"
    if not view.actor.has(*EXPORT_ROLES):
        raise AccessDenied(
            "permission denied: a problem profile needs the analyst or supervisor role",
            action="disclosure",
            operation=operation,
        )
    if not recipient.strip() or not purpose.strip():
        raise ValidationError("a problem profile must name its recipient and its purpose")
    advance = step or (lambda label: None)
    at = datetime.now(UTC)
    reference = new_reference(at)
    profile = gather(view, scope, reference=reference, step=advance, produced_at=at)
    figures = draw(profile)
    advance("figures")
    html = render_html(profile, figures, recipient=recipient.strip(), purpose=purpose.strip(),
                       template=template)  # fmt: skip
    data = render_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    advance("render")
    _write(out, data)
    try:
        remember(view, scope.key(), reference, at, profile.headline)
        _disclosed(view, profile, operation, recipient.strip(), purpose.strip())
    except BaseException:
        out.unlink(missing_ok=True)  # not disclosed: nothing is left behind
        raise
    advance("write")
    return Produced(out, fmt, reference, profile.protection, profile)


def _disclosed(view: View, profile: Profile, operation: str, recipient: str, purpose: str) -> None:
    records = sorted(profile.records)
    entities = list(profile.entities)
    detail: dict[str, object] = {
        "reference": profile.reference,
        "scope": profile.scope.key(),
        "marking": profile.protection.marking.value,
        "handling": profile.protection.handling,
        **{name.replace(" ", "_"): n for name, n in profile.headline.items()},
    }
    # A disclosure names every record and entity it hands over, however many: its log must
    # show what went to whom (DPA 2018 s62), unlike a whole-store consultation (View).
    audit(view.conn, view.actor, "disclosure", operation, records=records, entities=entities,
          purpose=purpose, recipients=recipient, detail=detail)  # fmt: skip
