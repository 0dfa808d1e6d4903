"""PostgreSQL at scale: big loads, concurrent agencies, retention and audit verification as the
store grows, with statements and audit events partitioned and (for comparison) not.

Three parts, printed side by side as ratios in one run:

1. ingest: `--rows` synthetic person rows (default 5,000,000) loaded into PostgreSQL beside a
   fifth of them (default 1,000,000) loaded into SQLite: seconds, rows/s, peak memory.
2. concurrent: four agencies' files (`--rows` / 20 rows each) loaded into PostgreSQL one after
   another and then all four at once, each load in its own process: the speed-up, and the
   records and statements held per agency against the input (none lost, none twice).
3. growth: at each size in `--sizes` (default a tenth, a third and all of `--rows` / 5),
   on a partitioned and an unpartitioned PostgreSQL store holding that many records and
   as many audit events: 20 retention erasures (ms each) and the audit chain verified by
   a full walk, by a first incremental run (walk + digests kept) and by a second one.

    .venv/bin/python benchmarks/bench_scale.py [--rows 5000000] [--sizes 100000,300000,1000000]
        [--parts ingest,concurrent,growth]

Every figure comes from a fresh database (created and dropped here) and each load runs in a
process of its own, so each peak memory is that load's. The machine's load average is
printed beside the figures: on a shared machine they are upper bounds.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
write_people = importlib.import_module("bench_ingest").write_people  # beside this script

PG_ADMIN = os.environ.get("THREADLINE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
AGENCIES = ("north", "south", "east", "west")
ERASURES = 20
JSON_FIELDS = ("records", "entities", "detail")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# -- databases --------------------------------------------------------------------------------


@contextmanager
def postgres(partitioned: bool = True) -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL store, dropped afterwards."""
    import psycopg

    from threadline.store import Store
    from threadline.store.partitions import PARTITIONED, unpartition_table

    name = f"threadline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    try:
        with Store(url) as store:
            store.migrate()
            if not partitioned:
                with store.connect() as conn:
                    for spec in PARTITIONED:
                        unpartition_table(conn, spec)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite(folder: Path) -> Iterator[str]:
    from threadline.store import Store

    url = f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
    with Store(url, create=True) as store:
        store.migrate()
    yield url


# -- one load in a process of its own ---------------------------------------------------------


def child_load(url: str, path: str, agency: str) -> None:
    from threadline.ingest.batches import Agency, load_file
    from threadline.ingest.mapping import load_mapping
    from threadline.store import Store

    with Store(url) as store:
        started = time.perf_counter()
        result = load_file(
            store, Path(path), load_mapping(HERE / "people_mapping.yaml"), Agency(agency)
        )
        seconds = time.perf_counter() - started
    assert result.status == "loaded", result.errors
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": result.rows_read, "peak_mb": peak}))


def start_load(url: str, path: Path, agency: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", url, str(path), agency],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> dict[str, float]:
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"a load failed:\n{err[-3000:]}")
    return dict(json.loads(out.strip().splitlines()[-1]))


def load(url: str, path: Path, agency: str = "bench") -> dict[str, float]:
    return finish(start_load(url, path, agency))


# -- 1. one big load on each database ---------------------------------------------------------


def part_ingest(folder: Path, rows: int) -> None:
    small = max(rows // 5, 1)
    big_file, small_file = folder / "big.csv", folder / "small.csv"
    write_people(big_file, rows)
    write_people(small_file, small)
    figures = {}
    with postgres() as url:
        figures["postgresql"] = load(url, big_file)
    with sqlite(folder) as url:
        figures["sqlite"] = load(url, small_file)
    print(f"\n1. One load: {rows:,} rows into PostgreSQL, {small:,} into SQLite ({load_average()})")
    print(
        f"{'database':<12}{'rows':>11}{'seconds':>10}{'rows/s':>10}{'peak MB':>9}{'rate ratio':>12}"
    )
    base = figures["sqlite"]["rows"] / figures["sqlite"]["seconds"]
    for name, f in figures.items():
        rate = f["rows"] / f["seconds"]
        print(
            f"{name:<12}{f['rows']:>11,.0f}{f['seconds']:>10.1f}{rate:>10,.0f}"
            f"{f['peak_mb']:>9.0f}{rate / base:>11.2f}x"
        )
    print("rate ratio: rows per second relative to SQLite's.")


# -- 2. four agencies, one after another and at once ------------------------------------------


def held_per_agency(url: str) -> dict[str, tuple[int, int, int]]:
    """Records, distinct record keys and statements per agency."""
    import sqlalchemy as sa

    from threadline.store import Store
    from threadline.store import tables as t

    r, s = t.records.c, t.statements.c
    with Store(url) as store, store.connect() as conn:
        per_record = (
            sa.select(s.record_id, sa.func.count().label("n")).group_by(s.record_id).subquery()
        )
        rows = conn.execute(
            sa.select(
                t.agencies.c.code,
                sa.func.count(r.id),
                sa.func.count(sa.distinct(r.record_key)),
                sa.func.coalesce(sa.func.sum(per_record.c.n), 0),
            )
            .join(t.records, r.agency_id == t.agencies.c.id)
            .outerjoin(per_record, per_record.c.record_id == r.id)
            .group_by(t.agencies.c.code)
        ).all()
    return {str(code): (int(a), int(b), int(c)) for code, a, b, c in rows}


def part_concurrent(folder: Path, rows: int) -> None:
    each = max(rows // 20, 1)
    files = {}
    for n, code in enumerate(AGENCIES):
        files[code] = folder / f"{code}.csv"
        write_people(files[code], each, seed=100 + n)
    with postgres() as url:
        started = time.perf_counter()
        for code in AGENCIES:
            load(url, files[code], code)
        one_by_one = time.perf_counter() - started
        expected = held_per_agency(url)
    with postgres() as url:
        started = time.perf_counter()
        running = [start_load(url, files[code], code) for code in AGENCIES]
        for process in running:
            finish(process)
        at_once = time.perf_counter() - started
        held = held_per_agency(url)
    print(f"\n2. Four agencies x {each:,} rows into PostgreSQL ({load_average()})")
    print(f"{'how':<16}{'seconds':>9}{'rows/s':>10}{'speed-up':>10}")
    for how, seconds in (("one by one", one_by_one), ("all at once", at_once)):
        rate = 4 * each / seconds
        print(f"{how:<16}{seconds:>9.1f}{rate:>10,.0f}{one_by_one / seconds:>9.2f}x")
    print(f"{'agency':<8}{'input rows':>11}{'records':>9}{'distinct':>9}{'statements':>11}  check")
    for code in AGENCIES:
        records, keys, stated = held.get(code, (0, 0, 0))
        ok = records == keys == each and (records, keys, stated) == expected.get(code)
        print(f"{code:<8}{each:>11,}{records:>9,}{keys:>9,}{stated:>11,}  "
              f"{'none lost or twice' if ok else 'MISMATCH'}")  # fmt: skip
    print("statements are compared with the same four files loaded one by one.")


# -- 3. retention and verification as the store grows -----------------------------------------


def supervisor(url: str) -> Any:
    import sqlalchemy as sa

    from threadline.security.actors import Actor
    from threadline.store import Store
    from threadline.store import tables as t

    with Store(url) as store, store.connect() as conn:
        agency = conn.execute(
            sa.select(t.agencies.c.id).where(t.agencies.c.code == "bench")
        ).scalar_one()
        user = conn.execute(
            sa.insert(t.users)
            .values(username="sup", agency_id=agency, roles=["supervisor"], os_cleared=True)
            .returning(t.users.c.id)
        ).scalar_one()
    return Actor(int(user), "sup", int(agency), "bench", frozenset({"supervisor"}), True)


def write_events(url: str, count: int) -> None:
    """`count` sealed consultation events, hashed in order and copied in at once (the chain
    as sealing writes it, without a transaction per event)."""
    import sqlalchemy as sa

    from threadline.security.audit import make_event
    from threadline.security.chain import EVENT_COLUMNS, event_hash
    from threadline.security.locking import advance_head, lock_chain
    from threadline.store import Store
    from threadline.store import tables as t
    from threadline.store.database import bulk_insert

    template = make_event(None, "consultation", "record.view", username="ana", agency="bench")
    with Store(url) as store, store.connect() as conn:
        seq, head = lock_chain(conn)
        for start in range(0, count, 50_000):
            batch = []
            for n in range(start, min(count, start + 50_000)):
                event = dict(template, records=[n + 1], occurred_at=f"2026-12-07T08:{n % 60:02d}")
                seq += 1
                digest = event_hash(event, head)
                fields = [json.dumps(event[c]) if c in JSON_FIELDS else event[c]
                          for c in EVENT_COLUMNS[:-3]]  # fmt: skip
                batch.append((*fields, head, digest, seq))
                head = digest
            bulk_insert(conn, t.audit_events, EVENT_COLUMNS, batch)
        advance_head(conn, seq, head)
        conn.execute(sa.text("ANALYZE audit_events"))


def timed_erasures(url: str, actor: Any) -> float:
    """Milliseconds per erasure, the median of `ERASURES` records picked at random."""
    import sqlalchemy as sa

    from threadline.security import erase_record, transaction
    from threadline.store import Store
    from threadline.store import tables as t

    with Store(url) as store:
        with store.connect() as conn:
            ids = list(conn.execute(sa.select(t.records.c.id)).scalars())
        spent = []
        for record_id in random.Random(7).sample(ids, ERASURES):
            started = time.perf_counter()
            with transaction(store, actor) as conn:
                erase_record(conn, actor, record_id, "MoPI review: no longer necessary")
            spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def timed_verifications(url: str, folder: Path) -> tuple[float, float, float]:
    from threadline.security.blocks import verify_incremental
    from threadline.security.chain import verify_chain
    from threadline.security.checkpoint import create_key
    from threadline.store import Store

    key = create_key(folder / f"{uuid.uuid4().hex}.key")
    out = []
    with Store(url) as store:
        for run in (verify_chain, verify_incremental, verify_incremental):
            started = time.perf_counter()
            with store.connect() as conn:
                report = run(conn) if run is verify_chain else run(conn, key)
            assert report.intact, report.problems
            out.append(time.perf_counter() - started)
    return out[0], out[1], out[2]


MAIN_QUERIES = {
    "erasure: a record's statements": "SELECT value, original_value FROM statements"
    " WHERE record_id = ANY(%(ids)s) OR mention_id = ANY(%(mentions)s)",
    "erasure: its mentions": "SELECT id, entity_id FROM mentions WHERE record_id = %(id)s",
    "erasure: indicators citing it": "SELECT id FROM indicators"
    " WHERE CAST(evidence AS TEXT) LIKE %(like)s",
    "review queue: records due": "SELECT id FROM records WHERE review_date <= %(day)s LIMIT 100",
    "verify: the walk": "SELECT * FROM audit_events WHERE seq > %(after)s ORDER BY seq",
    "verify: a block's digest": "SELECT count(*), md5(string_agg(md5(r::text), '' ORDER BY"
    " r.seq)) FROM audit_events r WHERE r.seq BETWEEN %(after)s AND %(last)s",
}
"""The queries retention and verification spend their time in, as `EXPLAIN` shows them."""


def explain(url: str) -> None:
    from threadline.store import Store

    with Store(url) as store, store.connect() as conn:
        record_id = conn.exec_driver_sql("SELECT max(record_id) FROM statements").scalar()
        mentions = list(
            conn.exec_driver_sql(
                "SELECT id FROM mentions WHERE record_id = %(id)s", {"id": record_id}
            ).scalars()
        )
        params = {"ids": [record_id], "mentions": mentions, "id": record_id, "day": "2030-01-01",
                  "like": f"%{record_id}%", "after": 1000, "last": 1999}  # fmt: skip
        for name, sql in MAIN_QUERIES.items():
            plan = conn.exec_driver_sql(f"EXPLAIN (COSTS OFF) {sql}", params).scalars().all()
            nodes = [line.strip() for line in plan if "->" in line or not line.startswith(" ")]
            print(f"    {name}: " + " / ".join(n.replace("->  ", "") for n in nodes[:6]))


def part_growth(folder: Path, sizes: list[int], per_record: int = 1) -> None:
    print(f"\n3. Retention and audit verification as the store grows ({load_average()})")
    print(f"{'records':>10}{'events':>11}  {'layout':<13}{'erase ms':>9}{'full s':>8}"
          f"{'incr. 1st s':>12}{'incr. 2nd s':>12}{'full/2nd':>9}")  # fmt: skip
    for size in sizes:
        path = folder / f"growth-{size}.csv"
        write_people(path, size, seed=size)
        results: dict[bool, tuple[float, float, float, float]] = {}
        for partitioned in (False, True):
            with postgres(partitioned) as url:
                load(url, path)
                write_events(url, size * per_record)
                actor = supervisor(url)
                erase = timed_erasures(url, actor)
                full, first, second = timed_verifications(url, folder)
                results[partitioned] = (erase, full, first, second)
                layout = "partitioned" if partitioned else "one table"
                events = size * per_record
                line = f"{size:>10,}{events:>11,}  {layout:<13}{erase:>9.1f}{full:>8.1f}"
                print(f"{line}{first:>12.1f}{second:>12.2f}{full / second:>8.0f}x", flush=True)
                if size == sizes[-1]:
                    explain(url)
        plain, parted = results[False], results[True]
        print(f"{'':>23}partitioned / one table: erase {parted[0] / plain[0]:.2f}x, "
              f"full verify {parted[1] / plain[1]:.2f}x")  # fmt: skip
    print("erase ms: median of 20 MoPI erasures (each removes a record and all derived from it);")
    print(
        "incr.: `audit verify --incremental`, first run (walks, keeps signed digests), second run."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--sizes", default="")
    parser.add_argument("--parts", default="ingest,concurrent,growth")
    parser.add_argument(
        "--events-per-record", type=int, default=1, help="audit events per record (growth)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    sizes = [int(s) for s in args.sizes.split(",") if s] or [
        args.rows // 50, args.rows // 15, args.rows // 5
    ]  # fmt: skip
    print(f"Threadline at scale, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {load_average()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "ingest" in parts:
            part_ingest(folder, args.rows)
        if "concurrent" in parts:
            part_concurrent(folder, args.rows)
        if "growth" in parts:
            part_growth(folder, sizes, args.events_per_record)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_load(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
