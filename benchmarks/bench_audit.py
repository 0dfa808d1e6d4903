"""What the s62 audit log costs: audited against unaudited reads and inserts, side by side.

- A burst of 10,000 reads through one View (half ``record(id)``, half ``values(entity)``),
  with every read logged as a consultation, against the same reads with logging switched off.
- 100,000 records inserted in transactions of 5,000, each with one collection event naming
  the records it wrote, against the same inserts without the events.

Run on SQLite (a temporary file) and PostgreSQL ($THREADLINE_BENCH_POSTGRES, default
postgresql://postgres@127.0.0.1:5432/test: a scratch database is created and dropped).
Each figure is the best of several interleaved runs, as wall-clock time and as this
process's CPU time (robust to a busy machine). Target: audited / unaudited under 1.10.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from threadline.read import View
from threadline.security import Actor, audit
from threadline.store import Store
from threadline.store import tables as t

READS = 10_000
ROWS = 100_000
CHUNK = 5_000
ENTITIES = 5_000
REPEATS = 7
INSERT_REPEATS = 3
PG_ADMIN = os.environ.get("THREADLINE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


class UnauditedView(View):
    """The same reads with the audit switched off: the baseline, and only ever here."""

    def consulted(self, operation: str, **_: Any) -> None:
        pass


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}", create=True)
        store.migrate()
        yield store
        store.close()


@contextmanager
def postgres_store() -> Iterator[Store]:
    name = f"threadline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    store = Store(f"{base}/{name}")
    try:
        store.migrate()
        yield store
    finally:
        store.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup(store: Store) -> tuple[Actor, int, int]:
    """An agency, an analyst, a source and a batch to write records into."""
    with store.connect() as conn:
        agency = conn.execute(
            sa.insert(t.agencies).values(code="met", name="Met").returning(t.agencies.c.id)
        ).scalar_one()
        user = conn.execute(
            sa.insert(t.users)
            .values(username="ana", agency_id=agency, roles=["analyst"], os_cleared=True)
            .returning(t.users.c.id)
        ).scalar_one()
        source = conn.execute(
            sa.insert(t.sources)
            .values(agency_id=agency, name="intel", format="csv")
            .returning(t.sources.c.id)
        ).scalar_one()
        batch = conn.execute(
            sa.insert(t.batches)
            .values(
                source_id=source, agency_id=agency, file_name="intel.csv", content_hash="h",
                mapping_name="intel", mapping_version="1", counts={}, started_at=datetime.now(UTC),
            )
            .returning(t.batches.c.id)
        ).scalar_one()  # fmt: skip
    actor = Actor(int(user), "ana", int(agency), "met", frozenset({"analyst"}), True)
    return actor, int(source), int(batch)


def rows(source: int, batch: int, agency: int, start: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "batch_id": batch,
            "agency_id": agency,
            "source_id": source,
            "record_key": f"row-{n}",
            "grading_scheme": "3x5x2",
            "source_evaluation": "2",
            "information_assessment": "B",
            "handling_code": "P",
            "handling_conditions": [],
            "marking": "OFFICIAL",
            "retention_group": "3",
            "review_date": date(2031, 1, 1),
            "raw": {"name": f"Person {n}", "phone": f"07700 9{n % 100000:05d}"},
            "warnings": [],
            "flags": [],
        }
        for n in range(start, start + count)
    ]


Timing = tuple[float, float]
"""Wall-clock and CPU seconds (of this process: PostgreSQL's own work is in wall-clock only)."""


@contextmanager
def clock(into: list[Timing]) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append((time.perf_counter() - wall, time.process_time() - cpu))


def insert_records(store: Store, actor: Actor, source: int, batch: int, audited: bool) -> Timing:
    """Write ROWS records in CHUNK-sized transactions."""
    insert = sa.insert(t.records).returning(t.records.c.id, sort_by_parameter_order=True)
    taken: list[Timing] = []
    with clock(taken):
        for start in range(0, ROWS, CHUNK):
            chunk = rows(source, batch, actor.agency_id, start, CHUNK)
            with store.connect() as conn:
                ids = conn.execute(insert, chunk).scalars().all()
                if audited:
                    audit(conn, actor, "collection", "ingest.batch", records=ids,
                          detail={"batch": batch, "rows": len(ids)})  # fmt: skip
    return taken[0]


def add_entities(store: Store) -> None:
    """ENTITIES entities, each mentioned by two records with two statements apiece."""
    with store.connect() as conn:
        ids = (
            conn.execute(sa.select(t.records.c.id).order_by(t.records.c.id).limit(2 * ENTITIES))
            .scalars()
            .all()
        )
        conn.execute(
            sa.insert(t.entities), [{"id": f"e{n}", "schema": "Person"} for n in range(ENTITIES)]
        )
        conn.execute(
            sa.insert(t.mentions),
            [{"id": f"m{r}", "record_id": r, "schema": "Person", "slot": "subject",
              "entity_id": f"e{i // 2}"} for i, r in enumerate(ids)],
        )  # fmt: skip
        conn.execute(
            sa.insert(t.statements),
            [{"record_id": r, "mention_id": f"m{r}", "schema": "Person", "prop": prop,
              "value": f"{prop} {r}", "original_value": f"{prop} {r}", "flags": []}
             for r in ids for prop in ("name", "phone")],
        )  # fmt: skip


def read_burst(store: Store, actor: Actor, view_class: type[View], ids: Sequence[int]) -> Timing:
    """READS reads in one transaction through one View, committed."""
    taken: list[Timing] = []
    with clock(taken), store.connect() as conn:
        view = view_class(conn, actor, purpose="benchmark")
        for n in range(READS // 2):
            view.record(ids[n % len(ids)])
            view.values(f"e{n % ENTITIES}")
    return taken[0]


def best(runs: Sequence[Callable[[], Timing]], repeats: int = REPEATS) -> list[Timing]:
    """Interleave the variants `repeats` times and keep each one's fastest wall and CPU time."""
    times = [[run() for run in runs] for _ in range(repeats)]
    return [
        (min(t[0] for t in column), min(t[1] for t in column))
        for column in zip(*times, strict=True)
    ]


def fresh_insert(opener: Callable[[], Any], audited: bool) -> Timing:
    with opener() as store:
        actor, source, batch = setup(store)
        return insert_records(store, actor, source, batch, audited)


def measure(opener: Callable[[], Any]) -> Mapping[str, tuple[Timing, Timing]]:
    results: dict[str, tuple[Timing, Timing]] = {}
    plain, audited = best(
        [lambda: fresh_insert(opener, False), lambda: fresh_insert(opener, True)],
        repeats=INSERT_REPEATS,
    )
    results[f"insert {ROWS:,} records, {ROWS // CHUNK} transactions"] = (plain, audited)
    with opener() as store:
        actor, source, batch = setup(store)
        insert_records(store, actor, source, batch, audited=False)
        add_entities(store)
        with store.connect() as conn:
            ids = conn.execute(sa.select(t.records.c.id).limit(READS)).scalars().all()
        variants = [
            lambda: read_burst(store, actor, UnauditedView, ids),
            lambda: read_burst(store, actor, View, ids),
        ]
        for warm_up in variants:  # the first View compiles its SQL; later ones reuse it
            warm_up()
        plain, audited = best(variants)
        results[f"{READS:,} reads, one transaction"] = (plain, audited)
    return results


def main() -> None:
    backends: list[tuple[str, Callable[[], Any]]] = [("sqlite", sqlite_store)]
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        backends.append(("postgresql", postgres_store))
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}".splitlines()[0], file=sys.stderr)
    print(
        f"{'database':<11} {'workload':<37} {'no audit':>9} {'audited':>9} {'ratio':>6}"
        f" {'cpu ratio':>9}"
    )
    for name, opener in backends:
        for workload, (plain, audited) in measure(opener).items():
            print(
                f"{name:<11} {workload:<37} {plain[0]:>8.2f}s {audited[0]:>8.2f}s "
                f"{audited[0] / plain[0]:>6.2f} {audited[1] / plain[1]:>9.2f}"
            )
    print(
        "ratio: wall clock, best of runs; cpu ratio: this process's CPU time (excludes the "
        "PostgreSQL server's work, so it overstates the share there)."
    )


if __name__ == "__main__":
    main()
