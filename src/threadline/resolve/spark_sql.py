"""Our DuckDB SQL for Spark: the comparison conditions of a person model, rewritten by sqlglot.

The model's settings are written once, in DuckDB's SQL (:mod:`.comparisons`); a Spark run
hands Splink a copy whose conditions sqlglot has transpiled, with the few functions that Spark
names or lacks rewritten here:

* ``jaro_winkler_similarity`` becomes Threadline's own function (:mod:`.spark_udfs`),
  DuckDB's algorithm compiled for the JVM: the jar's ``jaro_winkler`` (Apache Commons Text)
  is another variant of Jaro-Winkler and gives other values, so other comparison levels;
* ``damerau_levenshtein`` is the function of the same name in Splink's similarity jar
  (loaded with the session; the jar built for Spark 4 and Scala 2.13 ships with Splink 5),
  which gives DuckDB's distances on characters of the Basic Multilingual Plane;
* ``hamming`` (differing characters of two strings of one length) becomes a fold over the
  positions in Spark's own SQL;
* ``list_has_any`` is ``arrays_overlap``, and ``regexp_full_match`` an anchored ``RLIKE``.

The trained model is always kept and saved in DuckDB's form (:func:`duckdb_form`), so a model
trained on Spark explains, updates and reloads on DuckDB unchanged.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlglot
from sqlglot import expressions as exp

from threadline.resolve.spark_udfs import JARO_WINKLER

__all__ = ["duckdb_form", "spark_form", "to_spark"]

_HAMMING = (
    "aggregate(sequence(1, length({a})), 0, (n, i) -> n + "
    "CASE WHEN substr({a}, i, 1) = substr({b}, i, 1) THEN 0 ELSE 1 END)"
)


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this=JARO_WINKLER, expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.RegexpFullMatch):
        pattern = exp.func("concat", exp.Literal.string("^(?:"), node.expression,
                           exp.Literal.string(")$"))  # fmt: skip
        return exp.RegexpLike(this=node.this, expression=pattern)
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "hamming":
        a, b = (arg.sql("spark") for arg in node.expressions)
        folded: exp.Expr = sqlglot.parse_one(_HAMMING.format(a=a, b=b), read="spark")
        return folded
    return node


def to_spark(sql: str) -> str:
    """One condition (or expression) of our DuckDB SQL in Spark's SQL.

    >>> to_spark("damerau_levenshtein(id_l, id_r) <= 2")
    'DAMERAU_LEVENSHTEIN(id_l, id_r) <= 2'
    >>> to_spark("list_has_any(aliases_l, aliases_r)")
    'ARRAYS_OVERLAP(aliases_l, aliases_r)'
    """
    if sql.strip().upper() == "ELSE":
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.transform(_rewrite).sql("spark")


def spark_form(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of Splink ``settings`` written in DuckDB's SQL with every comparison level's
    condition in Spark's."""
    out = copy.deepcopy(settings)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = to_spark(level["sql_condition"])
    return out


def duckdb_form(trained: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """Splink ``trained`` on Spark (from :func:`spark_form` of ``original``) with each level's
    condition back in the DuckDB SQL of ``original``: the model as DuckDB runs and saves it."""
    out = copy.deepcopy(trained)
    for comparison, source in zip(out["comparisons"], original["comparisons"], strict=True):
        for level, written in zip(
            comparison["comparison_levels"], source["comparison_levels"], strict=True
        ):
            level["sql_condition"] = written["sql_condition"]
    return out
