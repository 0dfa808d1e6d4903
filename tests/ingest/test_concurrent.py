"""Several agencies' ingests at the same time, each on its own connection: none waits for ever,
each batch is whole or absent (to the loads and to readers alike), a file loaded twice at once
is held once, and no record is lost or duplicated."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.ingest import batches
from threadline.ingest.batches import Agency, BatchResult, load_file
from threadline.ingest.mapping import load_mapping
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 1, 15)
ROWS = 240
AGENCIES = ("north", "south", "east", "west")
HEADER = (
    "urn,recorded,source_eval,intel_assess,handling,conditions,marking,surname,forenames,dob,"
    "role,phone,address,postcode,narrative\n"
)


def write_log(folder: Path, code: str, *, bad_row: int | None = None) -> Path:
    lines = [HEADER]
    for i in range(ROWS):
        marking = "SECRET" if i == bad_row else "OFFICIAL"
        lines.append(
            f"{code.upper()}{i:04d},05/09/2025,2,B,P,,{marking},SURNAME{i % 37},Person {code} {i},"
            f"03/04/1990,victim,07700 900{i % 1000:03d},{i} Mill Street,NS1 4AB,Seen at the wash.\n"
        )
    path = folder / f"{code}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def per_source(store: Store) -> dict[str, tuple[int, int]]:
    """Records and statements held per agency, read in one statement."""
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.agencies.c.code,
                sa.func.count(sa.distinct(t.records.c.id)),
                sa.func.count(t.statements.c.id),
            )
            .join(t.records, t.records.c.agency_id == t.agencies.c.id)
            .join(t.statements, t.statements.c.record_id == t.records.c.id)
            .group_by(t.agencies.c.code)
        ).all()
    return {str(code): (int(records), int(stated)) for code, records, stated in rows}


@pytest.fixture(params=["indexed", "deferred"])
def bulk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each load writes in several chunks; "deferred" makes every first load big enough to
    build its indexes afterwards, as a first export of millions of rows does."""
    monkeypatch.setattr(batches, "CHUNK", 50)
    if request.param == "deferred":
        monkeypatch.setattr(batches, "BULK_ROWS", 10)
    return str(request.param)


def test_concurrent_ingests_of_four_agencies(store: Store, tmp_path: Path, bulk: str) -> None:
    mapping = load_mapping(FIXTURES / "intel.yaml")
    files = {code: write_log(tmp_path, code) for code in AGENCIES}
    broken = write_log(tmp_path, "harbour", bad_row=ROWS - 1)
    jobs: list[tuple[str, Path]] = list(files.items())
    jobs += [("north", files["north"]), ("harbour", broken)]  # north's file twice at once
    results: dict[int, BatchResult | BaseException] = {}
    start = threading.Barrier(len(jobs) + 1)
    done = threading.Event()

    def load(slot: int, code: str, path: Path) -> None:
        start.wait()
        try:
            results[slot] = load_file(store, path, mapping, Agency(code), today=TODAY)
        except BaseException as exc:  # reported by the test below
            results[slot] = exc

    seen: list[dict[str, tuple[int, int]]] = []

    def read() -> None:
        start.wait()
        while not done.is_set():
            seen.append(per_source(store))
            time.sleep(0.01)

    threads = [threading.Thread(target=load, args=(i, *job)) for i, job in enumerate(jobs)]
    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    reader.join(timeout=10)
    assert not any(thread.is_alive() for thread in [*threads, reader]), "an ingest never ended"

    failures = {slot: r for slot, r in results.items() if isinstance(r, BaseException)}
    assert failures == {}
    statuses = sorted(r.status for r in results.values() if isinstance(r, BatchResult))
    assert statuses == ["already_loaded", "loaded", "loaded", "loaded", "loaded", "rejected"]

    held = per_source(store)
    stated = held["north"][1]
    assert held == dict.fromkeys(AGENCIES, (ROWS, stated))
    for snapshot in seen:  # a reader saw each agency's batch whole or not at all
        assert all(snapshot.get(code, (0, 0)) in {(0, 0), (ROWS, stated)} for code in AGENCIES)
        assert "harbour" not in snapshot
    with store.connect() as conn:
        keys = conn.execute(
            sa.select(
                sa.func.count(), sa.func.count(sa.distinct(t.records.c.record_key))
            ).select_from(t.records)
        ).one()
        loaded = conn.execute(
            sa.select(sa.func.count()).where(t.batches.c.status == "loaded")
        ).scalar_one()
    assert tuple(keys) == (ROWS * len(AGENCIES), ROWS * len(AGENCIES))
    assert loaded == len(AGENCIES)

    again = [
        load_file(store, path, mapping, Agency(code), today=TODAY) for code, path in files.items()
    ]
    assert {r.status for r in again} == {"already_loaded"}
    assert per_source(store) == held
