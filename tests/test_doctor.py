"""`threadline doctor`: each check of a deployment, healthy and broken, on both databases."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli.main import app
from threadline.doctor import spark_check
from threadline.security.actors import Actor
from threadline.store import Store
from threadline.store import tables as t


def doctor(*args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def statuses(report: dict[str, object]) -> dict[str, str]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {check["name"]: check["status"] for check in checks}


def test_a_healthy_store_passes_every_check(store_url: str, local: Actor, store: Store) -> None:
    code, report = doctor("--db", store_url)
    assert code == 0, report
    assert report["ok"] is True
    assert statuses(report) == {
        "configuration": "ok", "database": "ok", "schema": "ok", "audit chain": "ok",
        "spark": "skip",
    }  # fmt: skip
    with store.connect() as conn:
        ran = conn.execute(
            sa.select(sa.func.count()).where(t.audit_events.c.operation == "doctor")
        ).scalar_one()
    assert ran == 1


def test_a_tampered_audit_chain_fails_and_says_what_to_do(
    store_url: str, local: Actor, store: Store
) -> None:
    doctor("--db", store_url)  # writes an event to tamper with
    with store.connect() as conn:
        conn.execute(sa.update(t.audit_events).values(purpose="rewritten"))
    code, report = doctor("--db", store_url)
    assert code == 1
    assert statuses(report)["audit chain"] == "fail"
    chain = next(c for c in report["checks"] if c["name"] == "audit chain")  # type: ignore[attr-defined]
    assert "altered" in chain["detail"]
    assert "threadline audit verify" in chain["action"]


def test_a_user_who_cannot_sign_in_fails_the_audit_check(
    store_url: str, local: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADLINE_PASSWORD", "wrong")
    code, report = doctor("--db", store_url, "--user", "nobody")
    assert code == 1
    assert statuses(report)["audit chain"] == "fail"


def test_an_unreachable_server_fails_and_skips_what_needs_it() -> None:
    code, report = doctor("--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1
    assert statuses(report) == {
        "configuration": "ok", "database": "fail", "schema": "skip", "audit chain": "skip",
        "spark": "skip",
    }  # fmt: skip
    database = report["checks"][1]  # type: ignore[index]
    assert "server is running" in database["action"]


def test_an_empty_database_and_a_newer_schema_fail_the_schema_check(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Store(url, create=True).server_version()  # makes the file, with no schema
    code, report = doctor("--db", url)
    assert (code, statuses(report)["schema"]) == (1, "fail")
    assert "threadline init" in report["checks"][2]["action"]  # type: ignore[index]
    store = Store(url)
    store.migrate()
    with store.connect() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed'")
    code, report = doctor("--db", url)
    assert (code, statuses(report)["schema"]) == (1, "fail")
    assert "upgrade Threadline" in report["checks"][2]["action"]  # type: ignore[index]


def test_a_broken_configuration_file_fails_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "threadline.toml"
    bad.write_text("[database]\nurl = 'sqlite:///x.db'\npool_sise = 3\n", encoding="utf-8")
    monkeypatch.setenv("THREADLINE_CONFIG", str(bad))
    code, report = doctor()
    assert code == 1
    assert statuses(report)["configuration"] == "fail"
    assert "database_pool_sise" in report["checks"][0]["detail"]  # type: ignore[index]
    assert statuses(report)["database"] == "skip"


@pytest.fixture
def listening() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    yield server.getsockname()[1]
    server.close()


def test_a_spark_master_is_reached_over_tcp(listening: int) -> None:
    assert spark_check(f"spark://127.0.0.1:{listening}").status == "ok"
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = spark_check(f"spark://127.0.0.1:{closed}", timeout=1)
    assert down.status == "fail"
    assert "THREADLINE_SPARK_MASTER" in down.action
    assert spark_check(None).status == "skip"


def test_doctor_prints_each_check_and_the_way_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["doctor", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("ok") and "configuration" in lines[0]
    assert lines[1].startswith("FAIL") and "database" in lines[1]
    assert lines[2].strip().startswith("-> ")
    assert lines[-1] == "Some checks FAILED: see above."
