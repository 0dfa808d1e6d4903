"""Accuracy measured on labelled data, kept so that products can quote it.

`threadline evaluate er|names|scenario --record` stores what it measured: which measure, on
which file or scenario (its name and SHA-256, so a reader can tell whether two figures rest on
the same data), the figures, who measured and when. A problem profile's methodology quotes the
latest measurement of each kind. These are figures about the method on labelled data, not
intelligence, so every reader may see them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.store import tables as t

__all__ = ["KINDS", "Evaluation", "digest_of", "latest_evaluations", "record_evaluation"]

KINDS = {
    "er": "entity resolution on labelled person records",
    "names": "name comparison on labelled name pairs",
    "scenario": "the whole pipeline against a generated scenario's truth",
}
"""Each kind of measurement, in words."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One stored measurement."""

    kind: str
    source: str
    digest: str
    figures: Mapping[str, Any]
    measured_by: str
    measured_at: datetime

    @property
    def described(self) -> str:
        """What was measured, on what, in words."""
        return f"{KINDS[self.kind]} ({self.source}, sha256 {self.digest[:12]})"


def digest_of(path: Path) -> str:
    """The SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    hashed = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            hashed.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                hashed.update(block)
    return hashed.hexdigest()


def record_evaluation(
    conn: Connection, username: str, kind: str, source: Path, figures: Mapping[str, Any]
) -> int:
    """Store a measurement of `kind` on `source`; its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown evaluation {kind!r}")
    found = conn.execute(
        sa.insert(t.evaluations)
        .values(kind=kind, source=source.name[:255], digest=digest_of(source),
                figures=dict(figures), measured_by=username, measured_at=datetime.now(UTC))
        .returning(t.evaluations.c.id)
    ).scalar_one()  # fmt: skip
    return int(found)


def latest_evaluations(conn: Connection) -> list[Evaluation]:
    """The latest measurement of each kind, in the order of `KINDS`."""
    e = t.evaluations.c
    out = []
    for kind in KINDS:
        row = conn.execute(
            sa.select(t.evaluations)
            .where(e.kind == kind)
            .order_by(e.measured_at.desc(), e.id.desc())
        ).first()
        if row is not None:
            out.append(Evaluation(row.kind, row.source, row.digest, row.figures, row.measured_by,
                                  row.measured_at))  # fmt: skip
    return out
