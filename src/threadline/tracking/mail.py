"""Alerts by e-mail: a short notice with each alert's reference and marking and a link to the
workbench, never the intelligence itself (no names, no record text, no entity captions).

A user asks for it (`threadline watch notify --email ADDRESS`, stored for them in
``alert_mail``; `--off` stops it); the operator configures the SMTP server from the
environment: ``THREADLINE_SMTP_HOST`` (mail is off without it), ``THREADLINE_SMTP_PORT``
(25), ``THREADLINE_SMTP_FROM`` (required), ``THREADLINE_SMTP_STARTTLS=1``,
``THREADLINE_SMTP_USER`` and ``THREADLINE_SMTP_PASSWORD``, ``THREADLINE_WORKBENCH_URL`` for
the link, and ``THREADLINE_MAIL_DOMAINS`` (comma-separated) to allow addresses only in those
domains (a force's own, say).

`deliver` runs after the transaction that raised the alerts commits: it reads each user's
new alerts through their View (an alert they may not see is never mailed, not even counted),
sends with no transaction open, then records what was sent. A send that fails is logged and
audited and moves nothing, so the alerts stay in the workbench and the next delivery tries
again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.config import setting, setting_flag, setting_int
from threadline.errors import ValidationError
from threadline.model.marking import Marking
from threadline.read import View
from threadline.security import chain
from threadline.security.actors import Actor, actor_from_row, user_query
from threadline.security.audit import audit, make_event
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking.alerts import Alert, newest_id, visible_alerts
from threadline.values import get_type

__all__ = [
    "Notice",
    "Smtp",
    "deliver",
    "digest",
    "mail_address",
    "notice",
    "send",
    "set_address",
    "workbench_url",
]

log = logging.getLogger(__name__)

SYSTEM = "(threadline)"


@dataclass(frozen=True, slots=True)
class Smtp:
    """The operator's SMTP server, from the environment (never from the repository)."""

    host: str
    port: int
    sender: str
    starttls: bool
    user: str
    password: str
    workbench: str

    @classmethod
    def from_env(cls) -> Smtp | None:
        """The configured server, or None when ``THREADLINE_SMTP_HOST`` is not set."""
        host = (setting("THREADLINE_SMTP_HOST") or "").strip()
        if not host:
            return None
        sender = (setting("THREADLINE_SMTP_FROM") or "").strip()
        if not sender:
            log.error("THREADLINE_SMTP_HOST is set but not THREADLINE_SMTP_FROM: no alert mail")
            return None
        return cls(
            host=host, port=setting_int("THREADLINE_SMTP_PORT", 25, minimum=1), sender=sender,
            starttls=setting_flag("THREADLINE_SMTP_STARTTLS", False),
            user=(setting("THREADLINE_SMTP_USER") or ""),
            password=(setting("THREADLINE_SMTP_PASSWORD") or ""),
            workbench=workbench_url(),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Notice:
    """One mail to one user: who, where, and what it says."""

    user_id: int
    username: str
    address: str
    alert_ids: tuple[int, ...]
    subject: str
    body: str


def mail_address(conn: Connection, actor: Actor) -> str | None:
    """The address the actor's alerts are mailed to, or None."""
    found = conn.execute(
        sa.select(t.alert_mail.c.address).where(t.alert_mail.c.user_id == actor.user_id)
    ).scalar()
    return None if found is None else str(found)


def set_address(conn: Connection, actor: Actor, address: str | None) -> str | None:
    """Mail the actor's alerts to `address` (cleaned as an e-mail; only in the operator's
    ``THREADLINE_MAIL_DOMAINS`` when set), or stop mailing them (None). Audited; the address
    itself is personal data and is not logged. New mail starts from the alerts raised next."""
    m = t.alert_mail.c
    conn.execute(sa.delete(t.alert_mail).where(m.user_id == actor.user_id))
    cleaned = None
    if address is not None:
        cleaned = get_type("email").clean(address).value
        if cleaned is None:
            raise ValidationError("that is not an e-mail address")
        domains = {d.strip().lower() for d in (setting("THREADLINE_MAIL_DOMAINS") or "")
                   .split(",") if d.strip()}  # fmt: skip
        if domains and cleaned.rsplit("@", 1)[-1].lower() not in domains:
            raise ValidationError(f"alert mail goes only to {', '.join(sorted(domains))}")
        newest = newest_id(View(conn, actor))
        conn.execute(sa.insert(t.alert_mail).values(
            user_id=actor.user_id, address=cleaned, last_alert_id=int(newest)))  # fmt: skip
    audit(conn, actor, "administration", "alerts.notify", detail={"mail": cleaned is not None})
    return cleaned


def workbench_url() -> str:
    """Where the workbench is, for the link in a mail (``THREADLINE_WORKBENCH_URL``)."""
    return (setting("THREADLINE_WORKBENCH_URL") or "http://127.0.0.1:8000").rstrip("/")


def notice(actor: Actor, address: str, alerts: list[Alert], workbench: str, title: str) -> Notice:
    """The mail for `alerts`: each one's reference and marking, the link; nothing else. The
    subject carries the highest marking (in front, as the marking scheme asks)."""
    highest = max((Marking(a.marking) for a in alerts), key=lambda m: m.rank)
    lines = [f"{title} for {actor.username}: {len(alerts)}.", ""]
    lines += [f"  alert {a.id}  {a.marking}" for a in alerts]
    lines += ["", f"Read them in the workbench: {workbench}/alerts",
              "This mail holds no intelligence: sign in to see what matched and why."]  # fmt: skip
    return Notice(actor.user_id, actor.username, address, tuple(a.id for a in alerts),
                  f"{highest.value}: Threadline {title.lower()} ({len(alerts)})",
                  "\n".join(lines) + "\n")  # fmt: skip


def send(smtp: Smtp, notices: Iterable[Notice]) -> dict[int, str]:
    """Send each notice; the error of each user whose mail failed (logged)."""
    failed: dict[int, str] = {}
    todo = list(notices)
    if not todo:
        return failed
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            for one in todo:
                message = EmailMessage()
                message["From"], message["To"] = smtp.sender, one.address
                message["Subject"] = one.subject
                message.set_content(one.body)
                try:
                    server.send_message(message)
                except smtplib.SMTPException as refused:
                    failed[one.user_id] = str(refused)[:200]
    except (OSError, smtplib.SMTPException) as down:
        failed.update({one.user_id: str(down)[:200] or type(down).__name__ for one in todo
                       if one.user_id not in failed})  # fmt: skip
    for user_id, error in failed.items():
        log.warning("alert mail to user %s not sent: %s", user_id, error)
    return failed


def _subscribers(conn: Connection) -> list[tuple[Actor, str, int]]:
    m = t.alert_mail.c
    rows = conn.execute(
        user_query().add_columns(m.address, m.last_alert_id)
        .join(t.alert_mail, m.user_id == t.users.c.id)
        .where(t.users.c.disabled.is_(False))
    ).all()  # fmt: skip
    return [(actor_from_row(r), str(r.address), int(r.last_alert_id)) for r in rows]


def _record(store: Store, notices: list[Notice], failed: dict[int, str], operation: str) -> None:
    """After sending: move each user's mark past what was mailed, audit what was and was not."""
    with store.connect() as conn:
        for one in notices:
            ok = one.user_id not in failed
            if ok:
                conn.execute(sa.update(t.alert_mail)
                             .where(t.alert_mail.c.user_id == one.user_id)
                             .values(last_alert_id=max(one.alert_ids)))  # fmt: skip
            detail: dict[str, object] = {"alerts": list(one.alert_ids), "sent": ok}
            if not ok:
                detail["error"] = failed[one.user_id]
            chain.append(conn, make_event(
                None, "disclosure", operation, username=SYSTEM, recipients=one.username,
                detail=detail, purpose="alerts mailed: references and markings only"))  # fmt: skip


def deliver(store: Store, smtp: Smtp | None = None) -> int:
    """Mail each user who asked for it the alerts raised since their last mail that they may
    see; how many mails were sent. Nothing at all when no SMTP server is configured."""
    smtp = smtp or Smtp.from_env()
    if smtp is None:
        return 0
    notices: list[Notice] = []
    with store.connect() as conn:
        for actor, address, last in _subscribers(conn):
            new = visible_alerts(View(conn, actor), after=last, unread=True)
            if new:
                notices.append(notice(actor, address, new, smtp.workbench, "New alerts"))
    failed = send(smtp, notices)
    if notices:
        _record(store, notices, failed, "alerts.mail")
    return len(notices) - len(failed)


def digest(store: Store, since: datetime, smtp: Smtp | None = None) -> list[Notice]:
    """Each user's unread alerts raised since `since` that they may see, as a notice. With
    `smtp`, mailed to those who asked for mail, each only the alerts not yet mailed to them
    (above their mark), and their mark moved past what was sent: no alert is mailed twice,
    by the next digest or by the next delivery. References and markings only."""
    found: list[Notice] = []
    with store.connect() as conn:
        subscribers = {a.user_id: (address, last) for a, address, last in _subscribers(conn)}
        users = conn.execute(user_query().where(t.users.c.disabled.is_(False))
                             .order_by(t.users.c.username)).all()  # fmt: skip
        for row in users:
            actor = actor_from_row(row)
            if smtp is not None and actor.user_id not in subscribers:
                continue
            address, last = subscribers.get(actor.user_id, ("", 0))
            after = last if smtp is not None else 0
            new = visible_alerts(View(conn, actor), after=after, since=since, unread=True)
            if new:
                found.append(notice(actor, address, new, workbench_url(), "Daily digest"))
    if smtp is not None and found:
        _record(store, found, send(smtp, found), "alerts.digest")
    return found
