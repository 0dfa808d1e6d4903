"""Fixtures for watches and alerts.

Fixture strategy: the small intelligence log of tests/ingest (three records: a victim with
her phone and flat, a suspect whose record may not leave its agency, a witness) is loaded as
the local agency's; a later export (`later`) adds one record about the same victim. Users
of another agency and case members are made inline in each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.ingest.batches import Agency, BatchResult, load_file
from threadline.ingest.mapping import load_mapping
from threadline.security import Actor
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store

FIXTURES = Path(__file__).parent.parent / "ingest" / "fixtures"
PASSWORD = "correct horse battery staple"


def load(store: Store, path: Path, agency: str = "local") -> BatchResult:
    """Load a file of the intelligence log's shape as `agency`'s batch."""
    result = load_file(store, path, load_mapping(FIXTURES / "intel.yaml"), Agency(agency))
    assert result.status == "loaded", result.errors
    return result


def later(folder: Path, *, address: str = "Flat 2, 10 Mill Street", key: str = "IR0004") -> Path:
    """A later export: one new record about the victim of IR0001 (same name, date of birth
    and phone), at `address`."""
    lines = (FIXTURES / "intel.csv").read_text(encoding="utf-8").splitlines()
    row = (lines[1].replace("IR0001", key).replace("05/09/2025", "01/10/2025")
           .replace("Flat 2, 10 Mill Street", address))  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.csv"
    path.write_text(f"{lines[0]}\n{row}\n", encoding="utf-8")
    return path


def user(store: Store, admin: Actor, name: str, agency: str, *roles: str) -> Actor:
    """A user of `agency` (made if new) with `roles`."""
    with store.connect() as conn:
        add_user(conn, admin, name, agency, list(roles) or ["analyst"], password=PASSWORD,
                 agency_name=agency.upper())  # fmt: skip
    return resolve_actor(store, name)


@pytest.fixture
def intel() -> Path:
    return FIXTURES / "intel.csv"
