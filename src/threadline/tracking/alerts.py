"""Reading alerts: only through the reader's View, every time.

An alert is shown to its user only while their View admits its record (their agency's, shared
with them by an agreement, or attached to a case of theirs, under the handling rules and
their clearance) and, for a case's watch, while they are still a member of the case. An alert
about a record they may not see is not shown, counted or marked read, and a request naming it
gets the same answer as for an alert that never existed: the list never says that anything
changed that they may not know of. Listing is audited as a consultation of the records shown;
marking read as an administration event naming the alerts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from threadline.model.grading import stored_grade
from threadline.model.protection import Protection
from threadline.read import View
from threadline.read.captions import entity_captions
from threadline.security.audit import audit
from threadline.security.errors import NotFound
from threadline.store import tables as t
from threadline.tracking.reasons import refs, render
from threadline.tracking.watches import label, mine

__all__ = [
    "Alert",
    "list_alerts",
    "mark_read",
    "newest_id",
    "protection",
    "shown",
    "unread_count",
    "visible_alerts",
]


@dataclass(frozen=True, slots=True)
class Alert:
    """New material that matched a watch: the record with its agency, grade, marking and date,
    and why it matched."""

    id: int
    kind: str
    """``record`` (a batch states the watched identifier or search), ``mention`` (a new
    mention of the watched entity), ``merge``, ``split``, ``link`` (a new link), ``joined``
    or ``left`` (a member of a watched network) or ``indicator`` (newly firing)."""
    watch_id: int
    watch: str
    """The watch in words (see `Watch.label`)."""
    reason: str
    """Why it matched; as listed (`list_alerts`), with the captions the reader may see in
    place of the entity references it is stored with (`threadline.tracking.reasons`)."""
    entity_id: str | None
    """The entity it is about (none when the reader may see no mention of it)."""
    entity: str
    """That entity's caption as the reader sees it (empty when there is none)."""
    origin: str
    """What found it: ``batch 12``, ``resolution run 4``."""
    raised_at: datetime
    read: bool
    record_id: int
    record_key: str
    agency: str
    grade: str
    marking: str
    reported_on: date | None

    def as_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__slots__}
        out["raised_at"] = self.raised_at.isoformat()
        out["reported_on"] = None if self.reported_on is None else self.reported_on.isoformat()
        return out


def _visible(view: View) -> sa.Select[Any]:
    """The actor's alerts whose record their View admits, newest first."""
    a, w, r = t.alerts.c, t.watches.c, t.records.c
    return (
        sa.select(a.id, a.kind, a.watch_id, a.reason, a.entity_id, a.origin, a.created_at,
                  a.read_at, a.record_id, w.kind.label("watch_kind"), w.value_type, w.target,
                  r.record_key, t.agencies.c.code.label("agency"), r.grading_scheme,
                  r.source_evaluation, r.information_assessment, r.handling_code,
                  r.handling_conditions, r.marking, r.reported_on)
        .join(t.watches, w.id == a.watch_id)
        .join(t.records, r.id == a.record_id)
        .join(t.agencies, t.agencies.c.id == r.agency_id)
        .where(a.user_id == view.actor.user_id, mine(view.actor), view.clause)
        .order_by(a.id.desc())
    )  # fmt: skip


def _alert(row: Any) -> Alert:
    grade = stored_grade(row.grading_scheme, row.source_evaluation, row.information_assessment,
                         row.handling_code, row.handling_conditions)  # fmt: skip
    watch = label(str(row.watch_kind), str(row.value_type), str(row.target))
    return Alert(
        id=int(row.id), kind=str(row.kind), watch_id=int(row.watch_id), watch=watch,
        reason=str(row.reason), entity_id=row.entity_id, entity="", origin=str(row.origin),
        raised_at=row.created_at, read=row.read_at is not None, record_id=int(row.record_id),
        record_key=str(row.record_key), agency=str(row.agency), grade=grade.shown,
        marking=str(row.marking), reported_on=row.reported_on,
    )  # fmt: skip


def list_alerts(
    view: View,
    *,
    unread: bool = False,
    limit: int = 500,
    offset: int = 0,
    unread_first: bool = False,
) -> list[Alert]:
    """The actor's alerts they may see, newest first (only unread ones with `unread`; the
    unread ones before the read ones with `unread_first`), `limit` of them from `offset`."""
    query = _visible(view)
    if unread:
        query = query.where(t.alerts.c.read_at.is_(None))
    if unread_first:
        query = query.order_by(None).order_by(t.alerts.c.read_at.is_not(None), t.alerts.c.id.desc())
    found = shown(view, [_alert(r) for r in view.conn.execute(query.limit(limit).offset(offset))])
    view.consulted("alerts.list", records=[a.record_id for a in found],
                   entities=sorted({a.entity_id for a in found if a.entity_id}),
                   detail={"alerts": len(found), "unread": unread})  # fmt: skip
    return found


def shown(view: View, alerts: list[Alert]) -> list[Alert]:
    """`alerts` as their reader sees them: each reason with captions for its references, and
    the entity it is about only if the reader may see a mention of it."""
    ids = refs(text for a in alerts for text in (a.reason, a.watch))
    ids |= {a.entity_id for a in alerts if a.entity_id}
    captions = entity_captions(view, sorted(ids))
    return [
        replace(a, reason=render(a.reason, captions), watch=render(a.watch, captions),
                entity_id=a.entity_id if a.entity_id in captions else None,
                entity=captions.get(a.entity_id or "", ""))
        for a in alerts
    ]  # fmt: skip


def visible_alerts(
    view: View, *, after: int = 0, since: datetime | None = None, unread: bool = False
) -> list[Alert]:
    """The actor's alerts they may see with an id above `after` and raised since `since`,
    oldest first: what a mail may refer to (their reasons as stored, with references, for a
    mail holds none of them). Not audited here: the mail's sending is."""
    a = t.alerts.c
    query = _visible(view).where(a.id > after).order_by(None).order_by(a.id)
    if since is not None:
        query = query.where(a.created_at >= since)
    if unread:
        query = query.where(a.read_at.is_(None))
    return [_alert(row) for row in view.conn.execute(query)]


def newest_id(view: View) -> int:
    """The id of the actor's newest alert, seen or not (0 if none): where mail starts from."""
    a = t.alerts.c
    query = sa.select(sa.func.coalesce(sa.func.max(a.id), 0)).where(a.user_id == view.actor.user_id)
    return int(view.conn.execute(query).scalar_one())


def protection(view: View, alerts: Iterable[Alert]) -> Protection:
    """The marking and handling of the records behind `alerts`, combined."""
    return view.protection(a.record_id for a in alerts)


def mark_read(view: View, ids: Iterable[int] | None = None) -> list[int]:
    """Mark the actor's alerts read: those `ids`, or every one they may see (None). An id
    that is not theirs to see is refused as not found, whether it exists or not."""
    a = t.alerts.c
    query = _visible(view).with_only_columns(a.id).where(a.read_at.is_(None))
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        theirs = _visible(view).with_only_columns(a.id).where(a.id.in_(wanted))
        allowed = {int(i) for i in view.conn.execute(theirs).scalars()}
        missing = [i for i in wanted if i not in allowed]
        if missing:
            raise NotFound(f"no alert {missing[0]} of yours")
        query = query.where(a.id.in_(wanted))
    marked = sorted(int(i) for i in view.conn.execute(query).scalars())
    if marked:
        view.conn.execute(
            sa.update(t.alerts).where(a.id.in_(marked)).values(read_at=datetime.now(UTC))
        )
    audit(view.conn, view.actor, "administration", "alerts.read",
          detail={"alerts": marked})  # fmt: skip
    return marked


def unread_count(view: View) -> int:
    """How many of the actor's alerts they may see are unread."""
    query = _visible(view).where(t.alerts.c.read_at.is_(None)).order_by(None)
    return int(view.conn.execute(sa.select(sa.func.count()).select_from(query.subquery()))
               .scalar_one())  # fmt: skip
