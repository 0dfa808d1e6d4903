"""Loading is analysts' work: a viewer is refused, and the refusal is in the audit log."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.security import Actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery staple"


def test_viewer_may_not_ingest(store: Store, store_url: str, admin: Actor) -> None:
    root = admin
    with store.connect() as conn:
        add_user(conn, root, "vera", "local", ["viewer"], password=PASSWORD)
    args = ["ingest", str(FIXTURES / "intel.csv"), "--mapping", str(FIXTURES / "intel.yaml"),
            "--agency", "local"]  # fmt: skip
    refused = CliRunner().invoke(app, [*args, "--db", store_url, "--user", "vera"])
    assert refused.exit_code != 0
    assert "permission denied: ingest needs the analyst or supervisor role" in str(
        refused.exception
    )
    assert store.counts()["records"] == 0
    with store.connect() as conn:
        outcome = conn.execute(
            sa.select(t.audit_events.c.outcome).where(
                t.audit_events.c.username == "vera", t.audit_events.c.operation == "ingest"
            )
        ).scalar_one()
    assert outcome == "denied"
    loaded = CliRunner().invoke(app, [*args, "--db", store_url])
    assert loaded.exit_code == 0, loaded.output
    assert store.counts()["records"] == 3
