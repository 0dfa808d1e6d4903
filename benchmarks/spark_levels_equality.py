"""Comparison levels on DuckDB and on Spark for the same candidate pairs: which comparisons differ?

Prepares the records of `bench_resolve.py` as a run does, takes every pair its blocking plan
finds, and computes each comparison's level (the first of its conditions that holds, as
Splink does) on DuckDB with the model's conditions and on Spark with their transpiled form
(`resolve/spark_sql.py`). Prints, per comparison, how many pairs fall in a different level,
and a few of them with their values. Training is left out, so it takes minutes where a
resolution on Spark takes most of an hour on a busy machine.

    .venv/bin/python benchmarks/spark_levels_equality.py --rows 20000
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections import Counter
from pathlib import Path
from typing import Any

from threadline.resolve.blocking import blocked_pairs
from threadline.resolve.run import PreparedRun
from threadline.resolve.settings import ResolverSettings
from threadline.resolve.spark_model import spark_session
from threadline.resolve.spark_sql import to_spark
from threadline.resolve.splink_model import starting_settings


def _generate(rows: int) -> Any:
    path = Path(__file__).resolve().with_name("bench_resolve.py")
    spec = importlib.util.spec_from_file_location("bench_resolve", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(rows)[0]


def _levels(comparison: dict[str, Any], spark: bool) -> str:
    parts = []
    for number, level in enumerate(comparison["comparison_levels"]):
        condition = level["sql_condition"]
        if condition.strip().upper() == "ELSE":
            parts.append(f"ELSE {number}")
        else:
            parts.append(f"WHEN {to_spark(condition) if spark else condition} THEN {number}")
    return "CASE " + " ".join(parts) + " END"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--examples", type=int, default=4)
    args = parser.parse_args()
    run = PreparedRun(_generate(args.rows), ResolverSettings())
    comparisons = starting_settings(run.fields, run.plan)["comparisons"]
    names = [c["output_column_name"] for c in comparisons]
    blocked = blocked_pairs(run.con, "tl_records", run.plan, "tl_levels_pairs")
    columns = [c for c in run.con.sql("SELECT * FROM tl_records LIMIT 0").columns
               if not c.startswith("bk_")]  # fmt: skip
    both = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    pairs = run.con.sql(
        f"SELECT {both} FROM tl_levels_pairs p JOIN tl_records l ON l.uid = p.join_key_l "
        "JOIN tl_records r ON r.uid = p.join_key_r"
    ).to_arrow_table()
    print(f"{args.rows:,} records, {blocked:,} candidate pairs", flush=True)
    run.con.register("tl_levels", pairs)
    order = "ORDER BY uid_l, uid_r"
    on_duckdb = run.con.sql(
        f"SELECT uid_l, uid_r, {', '.join(_levels(c, False) for c in comparisons)} "
        f"FROM tl_levels {order}"
    ).fetchall()
    spark = spark_session(args.master, driver_memory="3g", shuffle_partitions=4)
    spark.createDataFrame(pairs).createOrReplaceTempView("tl_levels")
    started = time.perf_counter()
    on_spark = spark.sql(
        f"SELECT uid_l, uid_r, {', '.join(_levels(c, True) for c in comparisons)} "
        f"FROM tl_levels {order}"
    ).collect()
    print(f"Spark: {time.perf_counter() - started:.1f} s", flush=True)
    differ: Counter[str] = Counter()
    shown: dict[str, list[tuple[int, int, int, int]]] = {}
    for duck, other in zip(on_duckdb, on_spark, strict=True):
        assert tuple(duck[:2]) == tuple(other[:2])
        for name, a, b in zip(names, duck[2:], tuple(other)[2:], strict=True):
            if a != b:
                differ[name] += 1
                shown.setdefault(name, []).append((duck[0], duck[1], a, b))
    print(f"pairs in a different level: {sum(differ.values()):,} "
          f"({', '.join(f'{n} {k:,}' for n, k in differ.most_common()) or 'none'})")  # fmt: skip
    rows = {(r["uid_l"], r["uid_r"]): r for r in pairs.to_pylist()}
    for name, found in shown.items():
        conditions = " ".join(
            lv["sql_condition"] for lv in comparisons[names.index(name)]["comparison_levels"]
        )
        used = [c for c in columns if f"{c}_l" in conditions]
        for left, right, a, b in found[: args.examples]:
            values = {
                c: (rows[(left, right)][f"{c}_l"], rows[(left, right)][f"{c}_r"]) for c in used
            }
            print(f"  {name}: level {a} on DuckDB, {b} on Spark: {values}")


if __name__ == "__main__":
    main()
