"""Exporting: what a scope names of what the user may see, written in a format, disclosed.

`export` is the one entry point, for the command line and for a web download alike. It
reads through the View (so nothing the user may not see is in the file), writes the chosen
format, names the file after its marking, and logs one audit event: a disclosure naming the
recipient, the purpose, the records and the entities. Re-authentication is the caller's:
``threadline.security.identity.reauthenticate`` before the View is opened.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from threadline.errors import ValidationError
from threadline.export.content import Content, Scope, select
from threadline.export.plugins import exporter
from threadline.export.types import Exporter
from threadline.model.marking import Marking
from threadline.model.protection import Protection
from threadline.progress import Advance
from threadline.read import View
from threadline.security.actors import UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied

__all__ = ["Exported", "Progress", "export", "marked_name"]

Progress = Callable[[int], AbstractContextManager[Advance]]
"""Given how many rows will be written, a context yielding the `advance` callback."""

EXPORT_ROLES = (UserRole.ANALYST, UserRole.SUPERVISOR)
"""Who may hand material over: analysts and supervisors (a viewer may look, not export)."""


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote."""

    format: str
    file_name: str
    """The file's name with its marking (``network_OFFICIAL-SENSITIVE.anx``)."""
    path: Path | None
    """Where it was written, when written to a file."""
    protection: Protection
    entities: int
    links: int
    records: int
    media_type: str


_MARKED = re.compile(
    r"_(?:" + "|".join(re.escape(m.value) for m in Marking) + r")(?:_handling-C)?$"
)


def marked_name(name: str, chosen: Exporter, protection: Protection) -> str:
    """`name` with the marking and, for handling C, the handling before the format's suffix;
    a marking already in the name is replaced by the true one.

    >>> from threadline.export.plugins import exporter
    >>> held = Protection(Marking.OFFICIAL_SENSITIVE, "C", ("no onward sharing",))
    >>> marked_name("network-3.anx", exporter("anx"), held)
    'network-3_OFFICIAL-SENSITIVE_handling-C.anx'
    >>> marked_name("net_OFFICIAL-SENSITIVE.xlsx", exporter("xlsx"), Protection())
    'net_OFFICIAL.xlsx'
    >>> marked_name("x", exporter("anx"), Protection()), marked_name("t.zip", exporter("csv"),
    ...     Protection())
    ('x_OFFICIAL.anx', 't_OFFICIAL.csv.zip')
    """
    base = name
    endings = {chosen.suffix, "." + chosen.suffix.rsplit(".", 1)[-1]}
    for ending in sorted(endings, key=len, reverse=True):
        if base.lower().endswith(ending.lower()):
            base = base[: -len(ending)]
            break
    base = _MARKED.sub("", base) or "export"
    handling = "_handling-C" if protection.handling == "C" else ""
    return f"{base}_{protection.marking.value}{handling}{chosen.suffix}"


def _ignore(label: str, n: int = 1) -> None:
    """Progress nobody watches."""


@contextmanager
def _quiet(total: int) -> Iterator[Advance]:
    yield _ignore


def export(
    view: View,
    fmt: str,
    out: Path | BinaryIO,
    *,
    recipient: str,
    purpose: str,
    scope: Scope | None = None,
    by_community: bool = False,
    progress: Progress | None = None,
) -> Exported:
    """Export what `scope` names (default: everything) of what `view`'s actor may see, in
    format `fmt` (``anx``, ``ftm``, ``graphml``, ``csv``, ``xlsx`` or a plugin's), to `out`,
    and log it as a disclosure to `recipient` for `purpose`.

    `out` is a path (its name gets the marking; written whole or not at all) or a binary
    stream (a web response; `Exported.file_name` is the name to offer). Raises AccessDenied
    for a user without the analyst or supervisor role, ValidationError without a recipient
    or purpose, ThreadlineError for a scope that names nothing the user may see.
    """
    chosen = exporter(fmt)
    operation = f"export.{chosen.name}"
    if not view.actor.has(*EXPORT_ROLES):
        raise AccessDenied(
            "permission denied: exports need the analyst or supervisor role",
            action="disclosure",
            operation=operation,
        )
    if not recipient.strip() or not purpose.strip():
        raise ValidationError("an export must name its recipient and its purpose")
    scope = scope or Scope()
    content = select(view, scope, by_community=by_community)
    content.recipient, content.purpose = recipient.strip(), purpose.strip()
    name = marked_name(out.name if isinstance(out, Path) else "threadline-export",
                       chosen, content.protection)  # fmt: skip
    with (progress or _quiet)(content.node_count + content.link_count) as advance:
        if isinstance(out, Path):
            path: Path | None = out.parent / name
            _write_file(chosen, content, out.parent / name, advance)
        else:
            path = None
            chosen.write(content, out, advance)
    _disclosed(view, content, chosen, recipient, purpose)
    return Exported(
        format=chosen.name, file_name=name, path=path, protection=content.protection,
        entities=content.node_count, links=content.link_count, records=len(content.records),
        media_type=chosen.media_type,
    )  # fmt: skip


def _write_file(chosen: Exporter, content: Content, path: Path, advance: Advance) -> None:
    """Write to a temporary file beside `path` and rename it: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".threadline-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            chosen.write(content, stream, advance)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _disclosed(
    view: View, content: Content, chosen: Exporter, recipient: str, purpose: str
) -> None:
    records = sorted(content.records)
    entities = content.entity_ids
    detail: dict[str, object] = {
        "format": chosen.name,
        "scope": content.scope.words(named=False),
        "marking": content.protection.marking.value,
        "handling": content.protection.handling,
        "nodes": content.node_count,
        "links": content.link_count,
    }
    # A disclosure names every record and entity it hands over, however many: its log must
    # show what went to whom (DPA 2018 s62), unlike a whole-store consultation (View).
    audit(view.conn, view.actor, "disclosure", f"export.{chosen.name}", records=records,
          entities=entities, purpose=purpose.strip(), recipients=recipient.strip(),
          detail=detail)  # fmt: skip
