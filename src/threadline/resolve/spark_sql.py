"""Our DuckDB SQL for Spark: the comparison conditions of a person model, rewritten by sqlglot.

The model's settings are written once, in DuckDB's SQL (:mod:`.comparisons`); a Spark run
hands Splink a copy whose conditions sqlglot has transpiled, with the few functions that Spark
names or lacks rewritten here:

* ``jaro_winkler_similarity`` becomes DuckDB's algorithm written in Spark's own SQL
  (:func:`jaro_winkler_sql`): the jar's ``jaro_winkler`` (Apache Commons Text) is another
  variant of Jaro-Winkler and gives other values, so other comparison levels;
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
import functools
from typing import Any

import duckdb
import sqlglot
from sqlglot import expressions as exp

__all__ = ["duckdb_form", "jaro_winkler_sql", "spark_form", "to_spark"]

_HAMMING = (
    "aggregate(sequence(1, length({a})), 0, (n, i) -> n + "
    "CASE WHEN substr({a}, i, 1) = substr({b}, i, 1) THEN 0 ELSE 1 END)"
)


def _let(value: str, name: str, body: str) -> str:
    """``body`` with ``name`` bound to ``value``, computed once (Spark's SQL has no ``LET``)."""
    return f"element_at(transform(array({value}), {name} -> {body}), 1)"


@functools.cache
def _fused_boost() -> bool:
    """Whether this DuckDB rounds the Winkler boost ``jaro + prefix * 0.1 * (1 - jaro)`` once
    (its compiler fused the multiply and the add) rather than twice: the two differ in the
    last bit for some pairs, which decides a level whose threshold is that very value."""
    with duckdb.connect() as con:
        found = con.execute("SELECT jaro_winkler_similarity('abb', 'abbbbbbaaabaa')").fetchall()
    return bool(found[0][0] == 0.8205128205128206)  # rounded twice: 0.8205128205128205


def jaro_winkler_sql(a: str, b: str) -> str:
    """DuckDB's ``jaro_winkler_similarity(a, b)`` in Spark's SQL, to the last bit.

    DuckDB runs rapidfuzz's Jaro-Winkler on the strings' characters (code points): each
    character of ``b`` in turn matches the first unmatched equal character of ``a`` no
    further than ``max(length) / 2 - 1`` positions away; the matched characters of both,
    each in its string's order, that differ count half a transposition each, and their
    number is halved *rounded down* (Winkler's own ``strcmp95``); the common prefix (up to 4
    characters) adds a tenth of the gap to 1 per character when the Jaro similarity is
    *above* 0.7. Two empty strings score 0, two different single characters 0.

    Splink's jar (Apache Commons Text's ``JaroWinklerSimilarity``) keeps the half
    transposition, boosts at 0.7 itself, scores two empty strings 1 and counts UTF-16 units,
    so ``courtney``-``cartoner`` is 0.8 on DuckDB and 0.775 on the jar, ``selstoner``-
    ``selworths`` 0.806 and 0.694. The boost is computed as this DuckDB computes it
    (:func:`_fused_boost`): rounded once, through exact integer arithmetic in decimals (the
    prefix's weight in units of 2^-56, the similarity in units of 2^-53), or twice.

    ``a`` and ``b`` appear only outside the lambdas, so no column is shadowed by their names.
    """
    w = "(CAST(greatest(size(w.a), size(w.b)) div 2 AS INT) - 1)"  # the matching window
    # p: for each character j of b (from 0), the character of a it matched, or -1. The
    # window's sequence runs downwards when it starts past a's end: the filter drops it.
    first_match = (
        f"array_min(filter(sequence(greatest(0, j - {w}), least(size(w.a) - 1, j + {w})), "
        f"i -> i >= j - {w} AND i <= j + {w} AND i < size(w.a) "
        "AND w.a[i] = w.b[j] AND NOT array_contains(p, i)))"
    )
    matches = (
        "aggregate(sequence(0, size(w.b) - 1), CAST(array() AS ARRAY<INT>), "
        f"(p, j) -> array_append(p, coalesce({first_match}, -1)))"
    )
    # the matched characters in b's order (t) and in a's order (s)
    matched = (
        "named_struct('t', filter(transform(p, (i, j) -> IF(i >= 0, w.b[j], NULL)), "
        "c -> c IS NOT NULL), 's', transform(array_sort(filter(p, i -> i >= 0)), i -> w.a[i]))"
    )
    m = "size(ts.t)"
    transpositions = "size(filter(ts.t, (c, k) -> c != ts.s[k])) div 2"
    jaro = (
        f"IF({m} = 0, 0D, "
        f"({m} / size(w.a) + {m} / size(w.b) + ({m} - {transpositions}) / {m}) / 3D)"
    )
    prefix = (
        "aggregate(sequence(0, least(4, size(w.a), size(w.b)) - 1), 0, "
        "(n, i) -> IF(n = i AND w.a[i] = w.b[i], i + 1, n))"
    )
    if _fused_boost():
        boost = (
            f"CAST(CAST(CAST({prefix} * 0.1D * 72057594037927936D AS BIGINT) AS DECIMAL(38, 0))"
            " * CAST((1D - sim) * 9007199254740992D AS BIGINT)"
            " + CAST(CAST(sim * 9007199254740992D AS BIGINT) AS DECIMAL(38, 0))"
            " * 72057594037927936 AS DOUBLE) * 1.5407439555097887E-33D"
        )
    else:
        boost = f"sim + {prefix} * 0.1D * (1D - sim)"
    similarity = _let(
        f"named_struct('a', split({a}, ''), 'b', split({b}, ''))",
        "w",
        _let(matches, "p", _let(matched, "ts", _let(jaro, "sim", f"IF(sim > 0.7D, {boost}, sim)"))),
    )
    return (
        f"CASE WHEN {a} IS NULL OR {b} IS NULL THEN CAST(NULL AS DOUBLE) "
        f"WHEN {a} = {b} THEN IF({a} = '', 0D, 1D) "
        f"WHEN {a} = '' OR {b} = '' OR (length({a}) = 1 AND length({b}) = 1) THEN 0D "
        f"ELSE {similarity} END"
    )


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.JarowinklerSimilarity):
        a, b = (arg.sql("spark") for arg in (node.this, node.expression))
        similarity: exp.Expr = sqlglot.parse_one(jaro_winkler_sql(a, b), read="spark")
        return exp.Paren(this=similarity)
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
