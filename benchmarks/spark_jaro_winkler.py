"""Jaro-Winkler on Spark: DuckDB's values to the last bit, and the cost against Splink's jar.

Checks `--check` random string pairs (small alphabets, so characters repeat and move;
accented letters, CJK, emoji, combining marks, empty strings, single characters, NULLs)
through the transpiled ``jaro_winkler_similarity`` (`resolve/spark_sql.py`: Threadline's Java
function, `resolve/spark_udfs.py`) against DuckDB,
and prints how many differ at all, and how many differ on the jar. Then times `--pairs`
name-like pairs (half of them a copy with up to three typos) with the jar's ``jaro_winkler``
and with ours, each twice (the first run warms the JVM), in the Spark JVM's CPU seconds.

    .venv/bin/python benchmarks/spark_jaro_winkler.py --check 100000 --pairs 500000
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from threadline.resolve.spark_model import spark_session
from threadline.resolve.spark_sql import to_spark

ALPHABETS = ("ab", "abc", "abcde", "aeiourstnl", "abcdefghijklmnopqrstuvwxyz", "aéèçüß",
             "ab中文😀", "a\u0301bc")  # fmt: skip


def _typos(rng: random.Random, text: str, alphabet: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 3)):
        at, edit = rng.randrange(len(chars) + 1), rng.random()
        if edit < 0.3 and at < len(chars) - 1:
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
        elif edit < 0.6 and at < len(chars):
            del chars[at]
        else:
            chars.insert(at, rng.choice(alphabet))
    return "".join(chars)


def random_pairs(count: int, seed: int = 7) -> list[tuple[str | None, str | None]]:
    rng = random.Random(seed)
    pairs: list[tuple[str | None, str | None]] = [("", ""), ("a", ""), ("a", "a"), ("a", "b"),
                                                  (None, "a"), ("a", None)]  # fmt: skip
    while len(pairs) < count:
        alphabet = rng.choice(ALPHABETS)
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        b = _typos(rng, a, alphabet) if rng.random() < 0.5 else (
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))  # fmt: skip
        pairs.append((a, b))
    return pairs


def name_pairs(count: int, seed: int = 3) -> pa.Table:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def name() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))

    left = [name() for _ in range(count)]
    right = [_typos(rng, a, letters) if rng.random() < 0.5 else name() for a in left]
    return pa.table({"a": left, "b": right})


def _jvm_cpu(spark: Any) -> Callable[[], float]:
    pid = spark._jvm.java.lang.ProcessHandle.current().pid()

    def seconds() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=500_000)
    parser.add_argument("--master", default="local[1]")
    args = parser.parse_args()
    spark = spark_session(args.master, driver_memory="2g", shuffle_partitions=1)
    ours = to_spark("jaro_winkler_similarity(a, b)")
    pairs = random_pairs(args.check)
    rows = pa.table({"a": pa.array([a for a, _ in pairs], pa.string()),
                     "b": pa.array([b for _, b in pairs], pa.string())})  # fmt: skip
    con = duckdb.connect()
    con.register("pairs", rows)
    expected = [v for (v,) in con.execute("SELECT jaro_winkler_similarity(a, b) FROM pairs")
                .fetchall()]  # fmt: skip
    spark.createDataFrame(rows).createOrReplaceTempView("pairs")
    found = [r.v for r in spark.sql(f"SELECT {ours} AS v FROM pairs").collect()]
    jar = [r.v for r in spark.sql("SELECT jaro_winkler(a, b) AS v FROM pairs").collect()]
    differ = [(p, e, f) for p, e, f in zip(pairs, expected, found, strict=True) if e != f]
    on_jar = sum(e is not None and e != j for e, j in zip(expected, jar, strict=True))
    print(f"{len(pairs):,} random pairs: {len(differ)} differ from DuckDB {differ[:3]}; "
          f"{on_jar:,} on the jar", flush=True)  # fmt: skip
    names = spark.createDataFrame(name_pairs(args.pairs)).persist()
    names.createOrReplaceTempView("names")
    names.count()
    cpu = _jvm_cpu(spark)
    for label, expression in (("jar", "jaro_winkler(a, b)"), ("ours", ours)) * 2:
        started, wall = cpu(), time.perf_counter()
        spark.sql(f"SELECT count_if({expression} >= 0.88) FROM names").collect()
        print(f"{label:4} {args.pairs:,} name pairs: {cpu() - started:6.1f} s JVM CPU, "
              f"{time.perf_counter() - wall:6.1f} s wall, load {os.getloadavg()[0]:.1f}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
