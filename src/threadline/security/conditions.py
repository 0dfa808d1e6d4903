"""What records' handling conditions allow, read by the handling rules and stored beside them.

Ingest reads the conditions of a source's 3x5x2 C records once its batch is written
(`apply_rules`), with the rules its mapping names; `threadline sharing conditions --apply`
reads an agency's again (`reapply`), after the rules or a mapping changed, or for records
loaded before there were rules. The policy (`threadline.security.policy`) then tests the
stored ``release`` by key. A C record without a stored reading stays in its agency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit
from threadline.security.errors import AccessDenied
from threadline.security.handling import Reading, RuleSet, RuleUse, active_rules
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["REVIEWERS", "Reapplied", "apply_rules", "reapply"]

REVIEWERS = (UserRole.ADMINISTRATOR, UserRole.SUPERVISOR)
"""Roles that review their agency's handling conditions and read them again."""

"""Record ids per statement when stored readings are replaced."""

Stored = tuple[str, tuple[str, ...], bool, bool, tuple[str, ...], tuple[str, ...], frozenset[str]]
"""A reading as stored: release, authority, no onward, sanitise, rules, unrecognised, named
agencies; compared with a fresh reading so that only what changed is written."""


def _stored(reading: Reading) -> Stored:
    r = reading.restriction
    agencies = r.agencies if r.release.value == "named" else frozenset()
    return (r.release.value, r.authority, r.no_onward, r.sanitise, reading.rules,
            reading.unrecognised, agencies)  # fmt: skip


def apply_rules(
    conn: Connection,
    where: ColumnElement[bool],
    named: Mapping[str, RuleUse],
    rules: RuleSet | None = None,
) -> int:
    """Read the conditions of the 3x5x2 C records `where` selects (a condition over
    ``records``) with `rules` (default: those in force) and the rules a mapping `named`, and
    store what they allow. Returns how many records' stored reading changed."""
    rules = rules or active_rules()
    r, h, to = t.records.c, t.record_handling.c, t.record_recipients.c
    chosen = sa.and_(where, r.grading_scheme == "3x5x2", r.handling_code == "C")
    held: dict[int, list[str]] = {}
    query = (
        sa.select(t.record_recipients.c.record_id, to.agency)
        .join(t.records, r.id == to.record_id)
        .where(chosen)
    )
    for record_id, agency in conn.execute(query):
        held.setdefault(int(record_id), []).append(str(agency))
    query = (
        sa.select(r.id, r.handling_conditions, h.release, h.authority, h.no_onward, h.sanitise,
                  h.rules, h.unrecognised)
        .select_from(t.records.outerjoin(t.record_handling, h.record_id == r.id))
        .where(chosen)
    )  # fmt: skip
    readings: dict[tuple[str, ...], Stored] = {}
    changed: dict[int, Stored] = {}
    for row in conn.execute(query):
        conditions = tuple(str(c) for c in row.handling_conditions or ())
        if conditions not in readings:
            readings[conditions] = _stored(rules.read(conditions, named))
        fresh = readings[conditions]
        before = None
        if row.release is not None:
            before = (row.release, tuple(row.authority), bool(row.no_onward), bool(row.sanitise),
                      tuple(row.rules), tuple(row.unrecognised),
                      frozenset(held.get(int(row.id), ())))  # fmt: skip
        if before != fresh:
            changed[int(row.id)] = fresh
    _replace(conn, changed)
    return len(changed)


def _replace(conn: Connection, changed: Mapping[int, Stored]) -> None:
    ids = sorted(changed)
    for part in chunked(ids):
        conn.execute(
            sa.delete(t.record_recipients).where(t.record_recipients.c.record_id.in_(part))
        )
        conn.execute(sa.delete(t.record_handling).where(t.record_handling.c.record_id.in_(part)))
        rows: list[dict[str, Any]] = []
        recipients: list[dict[str, Any]] = []
        for record_id in part:
            release, authority, onward, sanitise, used, unknown, agencies = changed[record_id]
            rows.append({"record_id": record_id, "release": release, "authority": list(authority),
                         "no_onward": onward, "sanitise": sanitise, "rules": list(used),
                         "unrecognised": list(unknown)})  # fmt: skip
            recipients += [{"record_id": record_id, "agency": a} for a in sorted(agencies)]
        conn.execute(sa.insert(t.record_handling), rows)
        if recipients:
            conn.execute(sa.insert(t.record_recipients), recipients)


@dataclass(frozen=True, slots=True)
class Reapplied:
    """What `reapply` did, by source."""

    changed: dict[str, int]
    """Records whose stored reading changed, by source name."""
    unmapped: tuple[str, ...]
    """Sources whose mapping was not found: read with the rules alone (so conditions only
    their mapping names stay home)."""


def reapply(
    conn: Connection,
    actor: Actor,
    find: Callable[[str], Mapping[str, RuleUse] | None],
    rules: RuleSet | None = None,
) -> Reapplied:
    """Read the conditions of every record of the actor's agency again, each source with the
    rules its mapping names (`find` gives them by mapping name, or None when it is not
    found). Only an administrator or supervisor of the agency may; audited."""
    if not actor.has(*REVIEWERS):
        raise AccessDenied(
            "permission denied: reading handling conditions again needs the administrator or "
            "supervisor role",
            action="administration",
            operation="sharing.conditions.apply",
        )
    changed: dict[str, int] = {}
    unmapped: list[str] = []
    for source_id, name, mapping in _sources(conn, actor.agency_id):
        named = find(mapping) if mapping else None
        if named is None:
            unmapped.append(name)
        where = t.records.c.source_id == source_id
        changed[name] = apply_rules(conn, where, named or {}, rules)
    audit(conn, actor, "administration", "sharing.conditions.apply",
          detail={"changed": sum(changed.values()), "unmapped": unmapped})  # fmt: skip
    return Reapplied(changed, tuple(unmapped))


def _sources(conn: Connection, agency_id: int) -> Iterator[tuple[int, str, str | None]]:
    """The agency's sources: id, name and the mapping of the latest batch loaded from it."""
    b, s = t.batches.c, t.sources.c
    latest = (
        sa.select(b.mapping_name)
        .where(b.source_id == s.id, b.status == "loaded")
        .order_by(b.id.desc())
        .limit(1)
        .correlate(t.sources)
        .scalar_subquery()
    )
    query = sa.select(s.id, s.name, latest).where(s.agency_id == agency_id).order_by(s.name)
    for source_id, name, mapping in conn.execute(query):
        yield int(source_id), str(name), None if mapping is None else str(mapping)
