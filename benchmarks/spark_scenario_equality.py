"""The synthetic scenario resolved on DuckDB and on Spark: the same people?

Runs ``threadline evaluate scenario FOLDER`` (:func:`threadline.scenario.evaluate_scenario`:
ingest into a fresh SQLite store, resolve, score against the scenario's truth) once per
engine, each in a process of its own, keeps each store, and compares which mentions each
engine put in one entity: the same partition, and the pairs of mentions put together by one
engine only, as a share of the pairs either put together.

    threadline generate --scenario medium --seed 1 --out /tmp/medium
    .venv/bin/python benchmarks/spark_scenario_equality.py /tmp/medium
    .venv/bin/python benchmarks/spark_scenario_equality.py /tmp/medium --master local[2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from threadline.resolve.engines import engine_named
from threadline.scenario.accuracy import evaluate_scenario
from threadline.store import Store
from threadline.store import tables as t


def run_one(folder: Path, engine: str, master: str, memory: str, out: Path) -> None:
    """Evaluate the scenario with one engine; keep the store beside ``out``."""
    runs_on = engine_named(engine, master, memory)
    figures = evaluate_scenario(folder, engine=runs_on, keep=out.with_suffix(".db"))
    out.write_text(json.dumps(figures), encoding="utf-8")


def _together(db: Path) -> set[tuple[str, str]]:
    """Pairs of mentions (by id: the record's source key and the mention's place in it) in
    one entity."""
    with Store(f"sqlite:///{db}") as store, store.connect() as conn:
        rows = conn.execute(
            sa.select(t.mentions.c.entity_id, t.mentions.c.id).where(
                t.mentions.c.entity_id.is_not(None)  # a mention no entity holds pairs with none
            )
        ).all()
    groups: dict[str, list[str]] = {}
    for entity, mention in rows:
        groups.setdefault(str(entity), []).append(str(mention))
    return {
        (a, b) for members in groups.values() for a, b in itertools.combinations(sorted(members), 2)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--only", choices=("duckdb", "spark"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        run_one(args.folder, args.only, args.master, args.driver_memory, args.out)
        return
    loads = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.folder}; Spark {args.master}, driver memory {args.driver_memory}; "
          f"load average {loads} on {os.cpu_count()} cores", flush=True)  # fmt: skip
    figures = {}
    with tempfile.TemporaryDirectory(prefix="spark-scenario-") as tmp:
        for name in ("duckdb", "spark"):
            out = Path(tmp) / name
            subprocess.run(
                [sys.executable, __file__, str(args.folder), "--only", name,
                 "--master", args.master, "--driver-memory", args.driver_memory,
                 "--out", str(out)],
                check=True,
            )  # fmt: skip
            figures[name] = json.loads(out.read_text(encoding="utf-8"))
            print(f"  {name}: person F1 {figures[name]['person_f1']:.4f}, "
                  f"{figures[name]['seconds']:.1f} s", flush=True)  # fmt: skip
        duck, spark = (_together(Path(tmp) / f"{n}.db") for n in ("duckdb", "spark"))
    differ, either = duck ^ spark, duck | spark
    print(f"same entities: {not differ}; mention pairs in one entity on one engine only: "
          f"{len(differ):,} of {len(either):,} ({len(differ) / max(len(either), 1):.4%}); "
          f"DuckDB only {len(duck - spark):,}, Spark only {len(spark - duck):,}")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
