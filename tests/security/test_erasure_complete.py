"""Erasure leaves nothing behind and cannot be undone by loading the row again.

A record whose subject is a unique name and phone goes through the whole flow (ingest,
resolution, analysis), is erased, and then: the SQLite file (with its write-ahead log) or
every PostgreSQL table holds no trace of its values; loading the same file again with the key
written in another case, or under a renamed mapping, does not bring the row back.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.read import View
from threadline.resolve import resolve_store
from threadline.risk import analyse
from threadline.security import Actor
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.tables import TABLES

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures"
PASSWORD = "correct horse battery staple"
NAME, PHONE = "ZQXERASEME", "07700 900987"
TRACES = ("zqxeraseme", "7700900987", "quillon")


def _invoke(url: str, *args: str, user: str | None = None) -> None:
    result = CliRunner().invoke(app, [*args, "--db", url, *(["--user", user] if user else [])])
    assert result.exit_code == 0, (result.output, result.exception)


def _delivery(folder: Path, key_case: str = "upper", mapping_name: str = "test_intel") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = (FIXTURES / "intel.csv").read_text().splitlines()
    first = lines[1].replace("NGUYEN", NAME).replace("Thi Lan", "Quillon")
    first = first.replace("07700 900123", PHONE)
    if key_case == "lower":
        first = first.replace("IR0001", "ir0001")
    (folder / "intel.csv").write_text("\n".join([lines[0], first, *lines[2:]]) + "\n")
    mapping = (FIXTURES / "intel.yaml").read_text().replace("test_intel", mapping_name)
    (folder / "intel.yaml").write_text(mapping.replace("agency: testforce", "agency: local"))
    return folder


def _traces(store: Store, path: Path | None) -> list[str]:
    if path is not None:  # SQLite: the file itself, and its write-ahead log
        data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*")).lower()
        return [trace for trace in TRACES if trace.encode() in data]
    found = []
    with store.connect() as conn:
        for table in TABLES:
            for row in conn.execute(sa.select(table)):
                text = repr(tuple(row)).lower().replace(" ", "")
                found += [f"{table.name}: {trace}" for trace in TRACES if trace in text]
    return found


def test_an_erased_record_leaves_no_trace_and_stays_erased(
    store: Store, store_url: str, tmp_path: Path, admin: Actor
) -> None:
    root = admin
    with store.connect() as conn:
        add_user(conn, root, "sup", "local", ["supervisor"], os_cleared=True, password=PASSWORD)
    sup = "sup"
    folder = _delivery(tmp_path / "first")
    _invoke(store_url, "ingest", str(folder / "intel.csv"), "--mapping",
            str(folder / "intel.yaml"), "--no-update", user=sup)  # fmt: skip
    with store.connect() as conn:
        resolve_store(conn)
    with store.connect() as conn:
        analyse(View(conn, resolve_actor(store, sup)))
    path = Path(store.engine.url.database or "") if store.embedded else None
    assert set(_traces(store, None)) >= {f"records: {TRACES[0]}"}  # it was there
    with store.connect() as conn:
        record = conn.execute(
            sa.select(t.records.c.id).where(t.records.c.record_key == "IR0001")
        ).scalar_one()
    _invoke(store_url, "retention", "review", str(record), "--delete", "--reason",
            "retention period ended", user=sup)  # fmt: skip
    assert _traces(store, path) == []
    assert _traces(store, None) == []
    for again in (_delivery(tmp_path / "lower", key_case="lower"),
                  _delivery(tmp_path / "renamed", mapping_name="renamed_intel")):  # fmt: skip
        _invoke(store_url, "ingest", str(again / "intel.csv"), "--mapping",
                str(again / "intel.yaml"), "--no-update", user=sup)  # fmt: skip
        with store.connect() as conn:
            keys = conn.execute(sa.select(t.records.c.record_key)).scalars().all()
        assert "IR0001" not in keys and "ir0001" not in keys
    assert _traces(store, None) == []
