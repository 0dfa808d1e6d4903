"""Training samples that every engine draws alike: records chosen by a hash of their uid that
we define, written in each engine's SQL, not by the engine's own random or hash function.

Splink samples the records for ``u`` (``estimate_u_using_random_sampling``) and, beyond
``max_pairs``, for expectation maximisation by a hash of the unique id; but the hash is the
database's own (DuckDB's 64-bit ``hash``, Spark's Murmur3 ``hash``), so DuckDB and Spark train
on different records and their models differ in the last digits, enough at 20,000 records to
move pairs near the match threshold. Here a record is in a sample when a 32-bit mix of its uid
(the integer mixer ``0x45d9f3b``: xor-shift, multiply, twice) falls below a threshold: plain
integer arithmetic that stays below 2**63, so DuckDB and Spark (in ANSI mode too) compute the
same value, and :func:`sample_hash` computes it in numpy for tests.

* ``u``: the linker's database API carries a dialect whose ``proportion_sample_sql`` (what
  Splink's u estimation filters its records with) is :func:`sample_filter_sql`
  (:class:`SampledDuckDBDialect`, :class:`SampledSparkDialect`).
* EM: the training session's blocking rule gets the same filter on both sides
  (:func:`sampled_rule`) when its pairs, counted exactly in the run's DuckDB database
  (:func:`equality_pairs`), exceed the cap; Splink's own EM sampling (by the database's
  hash, its share estimated from a probe sample) is not used.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from splink.internals.dialects import DuckDBDialect, SparkDialect

__all__ = [
    "Dialect",
    "SampledDuckDBDialect",
    "SampledSparkDialect",
    "equality_pairs",
    "proportion_for_pairs",
    "sample_filter_sql",
    "sample_hash",
    "sample_hash_sql",
    "sampled_rule",
]

Dialect = Literal["duckdb", "spark"]

_MASK = 0xFFFFFFFF
_MULTIPLIER = 0x45D9F3B
_SEED_STEP = 0x9E3779B9
"""Seeds are spread over the 32 bits (the golden ratio's multiple) before mixing."""
_SCALE = 1 << 32


def _xor(a: str, b: str, dialect: Dialect) -> str:
    return f"xor({a}, {b})" if dialect == "duckdb" else f"({a} ^ {b})"


def _shift(a: str, bits: int, dialect: Dialect) -> str:
    return f"({a} >> {bits})" if dialect == "duckdb" else f"shiftright({a}, {bits})"


def sample_hash_sql(uid: str, dialect: Dialect, seed: int = 0) -> str:
    """SQL of ``dialect`` for the 32-bit hash (0 to 2**32 - 1) of the integer ``uid``.

    >>> sample_hash_sql("uid", "spark").count("uid")  # three xor-shifts of it
    8
    """
    x = f"((CAST({uid} AS BIGINT) + {(seed * _SEED_STEP) & _MASK}) & {_MASK})"
    for _ in range(2):
        x = f"(({_xor(_shift(x, 16, dialect), x, dialect)} * {_MULTIPLIER}) & {_MASK})"
    return _xor(_shift(x, 16, dialect), x, dialect)


def sample_hash(uids: npt.ArrayLike, seed: int = 0) -> npt.NDArray[np.int64]:
    """The hash of :func:`sample_hash_sql`, computed in numpy.

    >>> sample_hash([0, 1, 2]).tolist() == sample_hash([0, 1, 2]).tolist()
    True
    >>> bool((sample_hash(range(1000)) < 2**32).all())
    True
    """
    x = (np.asarray(uids, dtype=np.int64) + ((seed * _SEED_STEP) & _MASK)) & _MASK
    for _ in range(2):
        x = (((x >> 16) ^ x) * _MULTIPLIER) & _MASK
    out: npt.NDArray[np.int64] = (x >> 16) ^ x
    return out


def sample_filter_sql(uid: str, dialect: Dialect, proportion: float, seed: int = 0) -> str:
    """A condition of ``dialect`` true for a share ``proportion`` of the records, the same
    records in every engine; ``""`` when ``proportion`` is 1 or more.

    >>> sample_filter_sql("l.uid", "duckdb", 1.5)
    ''
    >>> sample_filter_sql("uid", "duckdb", 0.25).endswith("< 1073741824")
    True
    """
    if proportion >= 1:
        return ""
    threshold = max(1, round(proportion * _SCALE))
    return f"{sample_hash_sql(uid, dialect, seed)} < {threshold}"


def proportion_for_pairs(pairs: float, max_pairs: float) -> float:
    """The share of records to keep so that about ``max_pairs`` of ``pairs`` remain (a pair
    stays when both its records do): 1 when they already fit.

    >>> proportion_for_pairs(400, 100)
    0.5
    >>> proportion_for_pairs(50, 100)
    1.0
    """
    if pairs <= max_pairs:
        return 1.0
    return math.sqrt(max_pairs / pairs)


def sampled_rule(rule: str, proportion: float, dialect: Dialect) -> str:
    """Blocking ``rule`` (in ``dialect``'s SQL) keeping the pairs whose two records are both
    in the sample of ``proportion`` of the records.

    >>> sampled_rule("l.dob = r.dob", 1.0, "duckdb")
    'l.dob = r.dob'
    >>> sampled_rule("l.dob = r.dob", 0.5, "spark").count("r.uid")
    8
    """
    if proportion >= 1:
        return rule
    left, right = (sample_filter_sql(f"{side}.uid", dialect, proportion) for side in "lr")
    return f"({rule}) AND {left} AND {right}"


def equality_pairs(con: Any, table: str, rule: str) -> int:
    """How many pairs of records of DuckDB ``table`` an equality rule (``l.a = r.a AND
    l.b = r.b``) finds: exactly, from the size of each key's group.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT i AS uid, i % 3 AS k FROM range(9) r(i)")
    >>> equality_pairs(con, "t", "l.k = r.k")
    9
    """
    columns = re.findall(r"\bl\.(\w+) = r\.\1\b", rule)
    if not columns or " AND ".join(f"l.{c} = r.{c}" for c in columns) != rule:
        raise ValueError(f"not a rule of equalities: {rule}")
    keys = ", ".join(columns)
    filled = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    ((found,),) = con.sql(
        f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (SELECT count(*) AS n "  # noqa: S608 - SQL of our own column names
        f"FROM {table} WHERE {filled} GROUP BY {keys})"
    ).fetchall()
    return int(found)


class SampledDuckDBDialect(DuckDBDialect):
    """DuckDB's dialect, sampling for ``u`` by :func:`sample_hash` (a class of its own: Splink
    keeps one instance of each dialect class, and looks up its own by name, not this one)."""

    def proportion_sample_sql(
        self, proportion: float, unique_id_cols: list[Any], seed: int | None = None
    ) -> str:
        return _proportion_sample_sql("duckdb", proportion, unique_id_cols, seed)


class SampledSparkDialect(SparkDialect):
    """Spark's dialect, sampling for ``u`` by :func:`sample_hash`."""

    def proportion_sample_sql(
        self, proportion: float, unique_id_cols: list[Any], seed: int | None = None
    ) -> str:
        return _proportion_sample_sql("spark", proportion, unique_id_cols, seed)


def _proportion_sample_sql(
    dialect: Dialect, proportion: float, unique_id_cols: list[Any], seed: int | None
) -> str:
    (column,) = unique_id_cols  # dedupe on one integer uid: no source dataset column
    condition = sample_filter_sql(column.name, dialect, proportion, seed or 0)
    return f" AND {condition}" if condition else ""
