"""Ingest throughput and peak memory: Threadline versus pandas.read_csv + DataFrame.to_sql.

Writes a synthetic person CSV (default 1,000,000 rows), then in separate processes (so each
peak memory is its own) loads it with `threadline ingest` and with a plain pandas load of the
same file into the same kind of database, on SQLite and on PostgreSQL, and prints rows per
second, seconds, peak memory and the ratio of times. Target (issue 4): under 3 minutes and
under 2 GB for 1,000,000 rows.

    .venv/bin/python benchmarks/bench_ingest.py [--rows N] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"

GIVEN = [
    "Lan",
    "Minh",
    "Ardit",
    "Elira",
    "Ioana",
    "Piotr",
    "Wei",
    "Chinedu",
    "Selam",
    "Priya",
    "Imran",
    "John",
    "Sarah",
    "Mohammed",
    "Fatima",
    "Andrei",
    "Marta",
    "Huong",
    "Tuan",
]
FAMILY = [
    "Nguyen",
    "Tran",
    "Hoxha",
    "Popescu",
    "Kowalski",
    "Wang",
    "Okafor",
    "Tesfaye",
    "Patel",
    "Khan",
    "Smith",
    "Jones",
    "Ali",
    "Begum",
    "Lungu",
    "Le",
    "Pham",
]
STREETS = ["Mill Street", "Quarry Road", "Station Road", "High Street", "Church Lane"]
NATIONS = ["British", "Albanian", "Vietnamese", "Romanian", "Polish", "Chinese", "Nigerian"]


def write_people(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "person_id",
                "recorded",
                "full_name",
                "date_of_birth",
                "nationality",
                "phone",
                "email",
                "address",
                "postcode",
                "role",
            ]
        )
        for i in range(rows):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            out.writerow(
                [
                    f"P{i:08d}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025",
                    f"{given} {family}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2008)}",
                    rng.choice(NATIONS),
                    f"07700 9{rng.randint(0, 99999):05d}",
                    f"{given}.{family}{rng.randint(1, 999)}@example.invalid".lower(),
                    f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                    f"NS{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}"
                    f"{rng.choice('HJLNPQ')}",
                    rng.choice(["victim", "suspect", "witness", "associate", ""]),
                ]
            )


def run_threadline(url: str, path: Path) -> dict[str, float]:
    from threadline.ingest.batches import Agency, load_file
    from threadline.ingest.mapping import load_mapping
    from threadline.store import Store

    store = Store(url, create=True)
    store.migrate()
    started = time.perf_counter()
    result = load_file(store, path, load_mapping(HERE / "people_mapping.yaml"), Agency("bench"))
    seconds = time.perf_counter() - started
    assert result.status == "loaded", result.errors
    return {"seconds": seconds, "rows": result.rows_read}


def run_pandas(url: str, path: Path) -> dict[str, float]:
    import pandas as pd
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    started = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.to_sql("people", engine, if_exists="replace", index=False, chunksize=10_000)
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "rows": len(frame)}


def child(kind: str, url: str, path: str) -> None:
    runner = run_threadline if kind == "threadline" else run_pandas
    figures = runner(url, Path(path))
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(kind: str, url: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, url, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {url} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def database(backend: str, folder: Path) -> tuple[str, object]:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}", None
    import psycopg

    name = f"threadline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}", name


def drop(name: object) -> None:
    if name is None:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "people.csv"
        write_people(path, args.rows)
        print(f"Ingest benchmark: {args.rows:,} person rows ({path.stat().st_size / 1e6:.0f} MB)")
        print(f"{'database':<11}{'tool':<12}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}{'ratio':>8}")
        for backend in args.databases.split(","):
            figures = {}
            for kind in ("pandas", "threadline"):
                url, name = database(backend, folder)
                try:
                    figures[kind] = measure(kind, url, path)
                finally:
                    drop(name)
            for kind in ("pandas", "threadline"):
                f = figures[kind]
                ratio = f["seconds"] / figures["pandas"]["seconds"]
                rate = f["rows"] / f["seconds"]
                print(
                    f"{backend:<11}{kind:<12}{f['seconds']:>9.1f}{rate:>11,.0f}"
                    f"{f['peak_mb']:>9.0f}{ratio:>7.1f}x"
                )
        print(
            "ratio: seconds relative to pandas.read_csv + DataFrame.to_sql into the same "
            "database (Threadline also cleans, validates, grades and writes statements)."
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
