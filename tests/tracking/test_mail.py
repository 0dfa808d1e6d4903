"""Alerts by e-mail, on both databases, through a real SMTP server on loopback: mailed after
the batch commits, with each alert's reference and marking and a link, never the intelligence;
never about a record the user may not see; a server that is down loses no alert (logged,
audited, sent on the next delivery); `watch notify` and the daily digest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.errors import ThreadlineError
from threadline.read import View
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking import list_alerts
from threadline.tracking.mail import deliver, set_address

from .conftest import PASSWORD, later, load, user
from .smtp import Received, smtp_server
from .test_alerts import events, watch

INTELLIGENCE = ("NGUYEN", "Thi Lan", "Nguyen", "900123", "900456", "Mill Street", "IR0001",
                "IR0004", "Tran Van Hung", "car wash", "per-")  # fmt: skip
"""What the fixture's records say: none of it may be in a mail."""


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Received]:
    with smtp_server() as (port, received):
        monkeypatch.setenv("THREADLINE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("THREADLINE_SMTP_PORT", str(port))
        monkeypatch.setenv("THREADLINE_SMTP_FROM", "threadline@force.example")
        monkeypatch.setenv("THREADLINE_WORKBENCH_URL", "https://threadline.force.example")
        yield received


def notify(store: Store, actor: Actor, address: str | None) -> None:
    with store.connect() as conn:
        set_address(conn, actor, address)


def test_alerts_are_mailed_after_the_batch_with_references_and_markings_only(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path, mailbox: Received
) -> None:
    partner = user(store, admin, "bea", "b")
    watch(store, local, identifier=("phone", "07700 900456"))
    watch(store, partner, identifier=("phone", "07700 900456"))
    notify(store, local, "Analyst@Force.Example")
    notify(store, partner, "bea@partner.example")
    load(store, intel)  # the suspect's phone, in two of local's records
    [(to, message)] = mailbox.messages  # none to the partner: not hers to see
    assert to == ["analyst@force.example"]
    with store.connect() as conn:
        shown = sorted((a.id, a.marking) for a in list_alerts(View(conn, local)))
    ids = [i for i, _ in shown]
    body = message.get_content()
    assert message["Subject"] == "OFFICIAL-SENSITIVE: Threadline new alerts (2)"
    assert message["From"] == "threadline@force.example"
    listed = [line.split() for line in body.splitlines() if line.startswith("  alert")]
    assert listed == [["alert", str(i), marking] for i, marking in shown]
    assert {m for _, m in shown} == {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    assert "https://threadline.force.example/alerts" in body
    for said in INTELLIGENCE:
        assert said not in body and said not in str(message["Subject"]), said
    # mailed once: a delivery with nothing new sends nothing
    assert deliver(store) == 0 and len(mailbox.messages) == 1
    sent = events(store, "alerts.mail")
    assert [(e.username, e.action) for e in sent][-1] == ("(threadline)", "disclosure")
    assert sent[-1].detail == {"alerts": ids, "sent": True}


def test_a_server_that_is_down_loses_no_alert(
    store: Store, local: Actor, intel: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    with smtp_server() as (port, _):
        pass  # the port is free again: nothing listens there
    monkeypatch.setenv("THREADLINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("THREADLINE_SMTP_PORT", str(port))
    monkeypatch.setenv("THREADLINE_SMTP_FROM", "threadline@force.example")
    watch(store, local, identifier=("phone", "07700 900456"))
    notify(store, local, "analyst@force.example")
    load(store, intel)  # the load itself succeeds
    assert "alert mail to user" in caplog.text
    with store.connect() as conn:
        assert len(list_alerts(View(conn, local), unread=True)) == 2
    [failed] = events(store, "alerts.mail")
    assert failed.detail["sent"] is False and failed.detail["error"]
    with smtp_server() as (port, received):  # the server is back: the next delivery sends
        monkeypatch.setenv("THREADLINE_SMTP_PORT", str(port))
        assert deliver(store) == 1
    assert len(received.messages) == 1


def test_notify_and_the_daily_digest_from_the_command_line(
    store: Store, store_url: str, local: Actor, admin: Actor, intel: Path, tmp_path: Path,
    mailbox: Received, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    runner = CliRunner()

    def run(*args: str, as_user: str | None = None) -> str:
        who = ["--user", as_user] if as_user else []
        env = {"COLUMNS": "200", "THREADLINE_PASSWORD": PASSWORD}
        result = runner.invoke(app, [*args, "--db", store_url, *who], env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, result.output
        return result.output

    monkeypatch.setenv("THREADLINE_MAIL_DOMAINS", "force.example")
    with pytest.raises(ThreadlineError, match="not an e-mail address"):
        run("watch", "notify", "--email", "not an address")
    with pytest.raises(ThreadlineError, match=r"only to force\.example"):
        run("watch", "notify", "--email", "someone@elsewhere.example")
    assert "mailed to analyst@force.example" in run("watch", "notify", "--email",
                                                    "analyst@force.example")  # fmt: skip
    watch(store, local, identifier=("phone", "07700 900456"))
    load(store, intel)
    assert len(mailbox.messages) == 1
    user(store, admin, "ana", "local", "analyst")
    with pytest.raises(ThreadlineError, match="administrator"):
        run("alerts", "digest", as_user="ana")
    printed = run("alerts", "digest", as_user="root")
    assert "Daily digest" in printed and "OFFICIAL-SENSITIVE" in printed
    for said in INTELLIGENCE:
        assert said not in printed, said
    assert "1 user(s) with unread alerts" in printed
    assert "0 user(s)" in run("alerts", "digest", "--since", "2099-01-01", as_user="root")
    run("alerts", "digest", "--send", as_user="root")  # both were mailed as they came
    assert len(mailbox.messages) == 1
    run("watch", "notify", "--off")
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.alert_mail)).scalar() == 0
    load(store, later(tmp_path, key="IR0009"))  # the phone again: no mail now
    assert len(mailbox.messages) == 1


def test_the_digest_sent_moves_the_mark_so_nothing_is_mailed_twice(
    store: Store, store_url: str, local: Actor, admin: Actor, intel: Path,
    mailbox: Received, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    notify(store, local, "analyst@force.example")
    watch(store, local, identifier=("phone", "07700 900456"))
    monkeypatch.delenv("THREADLINE_SMTP_HOST")  # no mail as the batch loads: the digest's job
    load(store, intel)
    monkeypatch.setenv("THREADLINE_SMTP_HOST", "127.0.0.1")
    assert mailbox.messages == []
    runner = CliRunner()
    env = {"THREADLINE_PASSWORD": PASSWORD}

    def digest_sent() -> None:
        args = ["alerts", "digest", "--send", "--db", store_url, "--user", "root"]
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output

    digest_sent()
    [(to, message)] = mailbox.messages
    assert to == ["analyst@force.example"]
    assert "daily digest (2)" in str(message["Subject"])
    with store.connect() as conn:
        ids = [a.id for a in list_alerts(View(conn, local))]
        mark = conn.execute(sa.select(t.alert_mail.c.last_alert_id)).scalar_one()
    assert mark == max(ids)
    digest_sent()  # the next digest: nothing new to mail
    assert deliver(store) == 0  # nor does the next delivery mail them again
    assert len(mailbox.messages) == 1
    assert [e.detail["sent"] for e in events(store, "alerts.digest")] == [True]
