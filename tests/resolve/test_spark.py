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
        ("jaro_winkler_similarity(a, b)", [("martha", "marhta"), ("dwayne", "duane"), ("lan", "")]),
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
    spark: Any, duckdb_sql: str, values: list[tuple[str, str]]
) -> None:
    rows = pa.table({"a": [a for a, _ in values], "b": [b for _, b in values]})
    expected = duckdb.sql(f"SELECT {duckdb_sql} AS v FROM rows").fetchall()
    spark.createDataFrame(rows).createOrReplaceTempView("rows")
    found = spark.sql(f"SELECT {to_spark(duckdb_sql)} AS v FROM rows").collect()
    assert [round(float(v), 9) for (v,) in expected] == [round(float(r.v), 9) for r in found]


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
