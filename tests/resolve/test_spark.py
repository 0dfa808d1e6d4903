"""Resolution on Spark (``--engine spark``): the same clusters as DuckDB.

Fixture strategy: one local Spark session for the whole test session (the JVM starts once,
two cores, small memory, no UI, few shuffle partitions), and the smallest data that still
trains a model: a SQLite store of a small population of the resolver's test fixture (one
CSV), resolved on Spark from the command line and then on DuckDB. Every Splink step is a
Spark job of its own, so even that costs minutes on a busy two-core machine: the equality on
FEBRL3 and FEBRL4 is measured by `benchmarks/spark_febrl_equality.py` (docs/spark.md), not
here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.resolve.sampling import (
    Dialect,
    SampledDuckDBDialect,
    SampledSparkDialect,
    sample_hash,
    sample_hash_sql,
    sampled_rule,
)
from threadline.resolve.spark_model import spark_session
from threadline.resolve.spark_sql import to_spark
from threadline.store import Store
from threadline.store import tables as t

from .conftest import _population, write_csv


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    session = spark_session(
        "local[2]",
        driver_memory="1g",
        shuffle_partitions=2,
        conf={"spark.default.parallelism": "2"},
    )
    yield session
    session.stop()


@pytest.mark.parametrize(
    ("duckdb_sql", "values"),
    [
        (
            "jaro_winkler_similarity(a, b)",
            [
                ("martha", "marhta"),
                ("dwayne", "duane"),
                ("lan", ""),
                ("", ""),
                ("a", "b"),
                (None, "x"),
                ("café", "cafe"),
                ("a😀b", "😀ab"),
                # where Splink's jar differs: transpositions halved and rounded down, the
                # boost above 0.7 only, and rounded once (0.92, a threshold, not 0.9199...)
                ("courtney", "cartoner"),
                ("lamaner", "lanmaner"),
                ("orson", "oorsoney"),
                ("selstoner", "selworths"),
                ("éßççççèüèè", "ééßçüçççèüèè"),
            ],
        ),
        (
            "damerau_levenshtein(a, b)",
            [("ca", "abc"), ("smith", "simth"), ("x1234567", "x1243567")],
        ),
        ("hamming(a, b)", [("1990-09-05", "1990-05-09"), ("abc", "abc")]),
        ("regexp_full_match(a, b)", [("mohammed", "m[aeiou]*h[aeiou]*m+[aeiou]*d"), ("ali", "al")]),
        ("list_has_any(string_split(a, ','), string_split(b, ','))", [("a,b", "c,b"), ("a", "b")]),
    ],
)
def test_transpiled_functions_give_duckdbs_values(
    spark: Any, duckdb_sql: str, values: list[tuple[str | None, str]]
) -> None:
    """The very values, to the last bit: a level's threshold can be the similarity itself."""
    left = pa.array([a for a, _ in values], pa.string())
    rows = pa.table({"a": left, "b": [b for _, b in values]})
    expected = duckdb.sql(f"SELECT {duckdb_sql} AS v FROM rows").fetchall()
    spark.createDataFrame(rows).createOrReplaceTempView("rows")
    found = spark.sql(f"SELECT {to_spark(duckdb_sql)} AS v FROM rows").collect()
    assert [v for (v,) in expected] == [r.v for r in found]


def test_the_winkler_boost_is_rounded_as_each_build_of_duckdb_rounds_it(spark: Any) -> None:
    """Some builds of DuckDB round ``jaro + prefix * 0.1 * (1 - jaro)`` once (a fused
    multiply-add), others twice; the session registers the one this DuckDB is."""
    from pyspark.sql.types import DoubleType

    from threadline.resolve.spark_udfs import fused_boost, udfs

    spark.udf.registerJavaFunction("jw_once", "threadline.JaroWinkler", DoubleType())
    spark.udf.registerJavaFunction("jw_twice", "threadline.JaroWinkler$Twice", DoubleType())
    once, twice = spark.sql("SELECT jw_once('abb', 'abbbbbbaaabaa'), "
                            "jw_twice('abb', 'abbbbbbaaabaa')").first()  # fmt: skip
    assert (once, twice) == (0.8205128205128206, 0.8205128205128205)
    [(on_duckdb,)] = duckdb.sql("SELECT jaro_winkler_similarity('abb', 'abbbbbbaaabaa')").fetchall()
    assert on_duckdb == (once if fused_boost() else twice)
    assert udfs()[0][1] == ("threadline.JaroWinkler" if fused_boost()
                                         else "threadline.JaroWinkler$Twice")  # fmt: skip


@pytest.mark.parametrize("seed", [0, 42])
def test_the_sample_hash_is_the_same_on_duckdb_spark_and_numpy(spark: Any, seed: int) -> None:
    on_duckdb = duckdb.sql(
        f"SELECT {sample_hash_sql('uid', 'duckdb', seed)} FROM range(1, 3001) r(uid) ORDER BY uid"
    ).fetchall()
    on_spark = spark.sql(
        f"SELECT {sample_hash_sql('id', 'spark', seed)} AS h FROM range(1, 3001) ORDER BY id"
    ).collect()
    expected = sample_hash(range(1, 3001), seed).tolist()
    assert [h for (h,) in on_duckdb] == expected
    assert [r.h for r in on_spark] == expected
    assert len(set(expected)) == 3000


def test_both_engines_train_on_the_same_samples(spark: Any) -> None:
    """The records Splink's u estimation keeps (through our dialects) and the pairs an EM
    session keeps (its rule sampled) are the same on DuckDB and on Spark."""
    from splink.internals.input_column import InputColumn

    rows = pa.table({"uid": pa.array(range(1, 2001), pa.int64()),
                     "k": pa.array([i % 50 for i in range(2000)], pa.int64())})  # fmt: skip
    spark.createDataFrame(rows).createOrReplaceTempView("sampled")
    con = duckdb.connect()
    con.register("sampled", rows)
    kept = []
    for dialect, engine in ((SampledDuckDBDialect(), "duckdb"), (SampledSparkDialect(), "spark")):
        uid = InputColumn("uid", sqlglot_dialect_str=engine)
        where = dialect.proportion_sample_sql(0.1, [uid], seed=42)
        sql = f"SELECT uid FROM sampled WHERE 1=1 {where} ORDER BY uid"
        found = con.sql(sql).fetchall() if engine == "duckdb" else spark.sql(sql).collect()
        kept.append([r[0] for r in found])
    assert kept[0] == kept[1]
    assert 150 < len(kept[0]) < 250  # a tenth of 2,000
    pairs = []
    engines: tuple[Dialect, ...] = ("duckdb", "spark")
    for engine in engines:
        rule = sampled_rule("l.k = r.k", 0.25, engine)
        sql = (f"SELECT l.uid AS a, r.uid AS b FROM sampled l JOIN sampled r "
               f"ON {rule} AND l.uid < r.uid ORDER BY a, b")  # fmt: skip
        found = con.sql(sql).fetchall() if engine == "duckdb" else spark.sql(sql).collect()
        pairs.append([(r[0], r[1]) for r in found])
    assert pairs[0] == pairs[1]
    assert 0.03 < len(pairs[0]) / 39_000 < 0.1  # a sixteenth of 50 x 780 pairs


MAPPING = """\
mapping: spark_people
version: "1"
description: A flat person list, for the Spark engine's command-line test.
agency: local
format: csv
key: person_id
record:
  grading: {scheme: 3x5x2, source: "2", information: "B", handling: "P",
            reason: "A test list (2), of people its staff met (B)."}
  marking: OFFICIAL
  retention_group: 3
  reported_on: {column: recorded}
entities:
  person:
    schema: Person
    properties:
      name: {column: full_name}
      birthDate: {column: date_of_birth}
      phone: {column: phone}
      idNumber: {column: national_id}
"""


def _entities(url: str) -> dict[str, str]:
    with Store(url) as store, store.connect() as conn:
        return dict(conn.execute(sa.select(t.mentions.c.id, t.mentions.c.entity_id)).all())


def test_resolve_on_spark_from_the_command_line(spark: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    rows, _truth = _population(size=120, seed=3)
    listed = [
        {"person_id": r["record_id"], "recorded": "2026-01-05",
         "full_name": f"{r['given_name']} {r['surname']}", "date_of_birth": r["date_of_birth"],
         "phone": r["phone"], "national_id": r["national_id"]}
        for r in rows
    ]  # fmt: skip
    people = write_csv(tmp_path / "people.csv", listed, listed[0])
    mapping = tmp_path / "spark_people.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["init", "--db", url],
        ["ingest", str(people), "--mapping", str(mapping), "--no-update", "--db", url],
    ):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    said = runner.invoke(app, ["resolve", "--engine", "spark", "--spark-master", "local[2]",
                               "--json", "--db", url])  # fmt: skip
    assert said.exit_code == 0, said.output
    on_spark = _entities(url)
    assert len(set(on_spark.values())) < len(rows)  # people were merged
    again = runner.invoke(app, ["resolve", "--full", "--json", "--db", url])
    assert again.exit_code == 0, again.output
    assert _entities(url) == on_spark  # DuckDB: the same entities, under the same stable ids
