"""Anchoring the audit chain: a checkpoint of its head made on demand, and the stored log
checked against a file of checkpoints.

A checkpoint (`threadline.security.checkpoint`) pins the hash of the event at one place in
the chain, and that hash covers every event before it. So the log answers for every
checkpoint: the event at its ``seq`` must still be there with its ``hash``. One that is gone
means events were deleted from the end (or the whole log was); one whose hash differs means
the log was rewritten from some point on, however carefully the hashes after the edit were
recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.security.chain import ChainProblem, ChainReport
from threadline.security.checkpoint import Checkpoint, Key, read
from threadline.security.locking import utc_stamp
from threadline.store import tables as t

__all__ = ["AnchorReport", "checkpoint_of", "verify_anchor"]

_PAGE = 500
"""Checkpoints looked up in the log per query."""


def checkpoint_of(report: ChainReport, key: Key) -> Checkpoint:
    """A checkpoint of the head that `report` (`verify_chain`) walked to, signed by `key`."""
    return Checkpoint(report.head_seq, report.head_hash, report.events, utc_stamp(), key.id)


@dataclass(frozen=True, slots=True)
class AnchorReport:
    """What `verify_anchor` found."""

    checkpoints: int
    """How many genuine checkpoints the file holds."""
    newest: Checkpoint | None
    """The genuine checkpoint furthest along the chain."""
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        """Whether the file is genuine and the log still holds every event it anchored."""
        return not self.problems


def verify_anchor(conn: Connection, path: Path, key: Key) -> AnchorReport:
    """Check the log against every checkpoint in the file at `path` that `key` signed.

    The file is read before the log, so a checkpoint written meanwhile (after its
    transaction committed) is never ahead of what the log shows.
    """
    problems: list[ChainProblem] = []
    genuine: list[Checkpoint] = []
    for line in read(path, key):
        if line.checkpoint is None:
            problems.append(
                ChainProblem(None, "checkpoint", f"{path} line {line.number} {line.problem}")
            )
        else:
            genuine.append(line.checkpoint)
    if not genuine:
        problems.append(
            ChainProblem(
                None,
                "unanchored",
                f"{path} holds no checkpoint signed with key {key.id}: "
                "nothing to check the log against",
            )
        )
        return AnchorReport(0, None, tuple(problems))
    ordered = sorted(genuine, key=lambda c: (c.seq, c.at))
    problems += _compare(conn, ordered)
    return AnchorReport(len(genuine), ordered[-1], tuple(problems))


def _compare(conn: Connection, ordered: list[Checkpoint]) -> list[ChainProblem]:
    stored = _hashes(conn, {c.seq for c in ordered})
    events = t.audit_events.c
    last = int(conn.execute(sa.select(sa.func.max(events.seq))).scalar() or 0)
    problems: list[ChainProblem] = []
    matched: Checkpoint | None = None
    rewritten = False
    for anchored in ordered:
        found = stored.get(anchored.seq)
        if anchored.seq == 0 or found == anchored.hash:
            matched = anchored
        elif found is not None and not rewritten:
            rewritten = True
            since = 1 if matched is None else matched.seq + 1
            where = f"seq {since}" if since == anchored.seq else (
                f"a point between seq {since} and {anchored.seq}"
            )  # fmt: skip
            problems.append(
                ChainProblem(
                    None,
                    "rewritten",
                    f"the event at seq {anchored.seq} is not the one anchored at {anchored.at}: "
                    f"the log was rewritten from {where} on",
                )
            )
        elif found is None and anchored.seq <= last:
            problems.append(
                ChainProblem(
                    None,
                    "deleted",
                    f"the event at seq {anchored.seq}, anchored at {anchored.at}, is missing",
                )
            )
    newest = ordered[-1]
    if newest.seq > last:
        problems.append(_cut(newest, last))
    if matched is not None and matched.seq > 0:
        held = conn.execute(
            sa.select(sa.func.count()).where(events.seq.is_not(None), events.seq <= matched.seq)
        ).scalar_one()
        if held < matched.events:
            problems.append(
                ChainProblem(
                    None,
                    "deleted",
                    f"{matched.events - held} of the {matched.events} events anchored at "
                    f"{matched.at} (up to seq {matched.seq}) are missing",
                )
            )
    return problems


def _cut(newest: Checkpoint, last: int) -> ChainProblem:
    if last == 0:
        return ChainProblem(
            None,
            "deleted",
            f"the log holds no events, but {newest.events} were anchored at {newest.at} "
            f"(up to seq {newest.seq}): the whole log was deleted",
        )
    return ChainProblem(
        None,
        "truncated",
        f"the log ends at seq {last}, but seq {newest.seq} was anchored at {newest.at}: "
        f"its newest {newest.seq - last} event(s) were deleted",
    )


def _hashes(conn: Connection, seqs: Iterable[int]) -> dict[int, str]:
    """The stored hash at each of `seqs` that holds an event."""
    events = t.audit_events.c
    wanted = sorted(seqs)
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _PAGE):
        page = wanted[start : start + _PAGE]
        rows = conn.execute(sa.select(events.seq, events.hash).where(events.seq.in_(page)))
        found.update((int(seq), str(hash_)) for seq, hash_ in rows)
    return found
