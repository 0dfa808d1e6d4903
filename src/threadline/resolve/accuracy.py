"""Measuring resolution against ground truth: pairwise precision, recall and F1.

Pairwise scores count pairs of records placed together. They are computed from cluster sizes
(pairs in a cluster of n records: n(n-1)/2), never by listing pairs, so a million records with
large clusters cost no more than counting.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz

from threadline.resolve.engine import PersonResolver
from threadline.resolve.settings import ResolverSettings
from threadline.values.name import compare_detail

__all__ = ["Scores", "evaluate_clusters", "evaluate_er_csv", "evaluate_names", "name_score"]


@dataclass(frozen=True, slots=True)
class Scores:
    """Pairwise precision, recall and F1, with the pair counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted_pairs: int
    true_pairs: int


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def evaluate_clusters(pred: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Pairwise scores of predicted clusters against true ones, over the records in ``truth``.

    A record missing from ``pred`` counts as a cluster of its own.

    >>> s = evaluate_clusters({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"})
    >>> round(s.precision, 3), s.recall, round(s.f1, 3)
    (0.333, 1.0, 0.5)
    """
    predicted = {rid: pred.get(rid, ("\0unclustered", rid)) for rid in truth}
    tp = _pairs(Counter((predicted[rid], truth[rid]) for rid in truth))
    pp = _pairs(Counter(predicted.values()))
    tt = _pairs(Counter(truth.values()))
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, pp, tt)


def _read_csv(path: str | Path) -> pa.Table:
    """Every column of a CSV file as text. Columns are chosen from the result by name, never
    written into the SQL: a column name given on the command line is data, not SQL."""
    con = duckdb.connect()
    try:
        return con.sql(
            "SELECT * FROM read_csv(?, all_varchar = true, header = true)", params=[str(path)]
        ).to_arrow_table()
    finally:
        con.close()


def evaluate_er_csv(
    path: str | Path, truth_column: str, settings: ResolverSettings | None = None
) -> dict[str, float | int]:
    """Resolve the person records of a CSV file and score the result against a truth column.

    The file uses the resolver's column names (``record_id``, ``given_name``, ``surname``,
    ``full_name``, ``date_of_birth``, ...; other columns are ignored). ``truth_column`` holds the
    true person of each record. Returns what ``threadline evaluate er FILE --truth COL --json``
    prints: ``precision``, ``recall``, ``f1``, ``records`` and ``seconds``.
    """
    table = _read_csv(path)
    if truth_column not in table.column_names:
        raise ValueError(f"{path} has no column {truth_column!r}")
    if "record_id" not in table.column_names:
        ids = pa.array([str(i) for i in range(1, table.num_rows + 1)])
        table = table.append_column("record_id", ids)
    truth = dict(
        zip(
            table.column("record_id").to_pylist(),
            table.column(truth_column).to_pylist(),
            strict=True,
        )
    )
    records = table.drop_columns([truth_column])
    started = time.perf_counter()
    resolver = PersonResolver(settings)
    try:
        result = resolver.resolve(records)
    finally:
        resolver.close()
    seconds = time.perf_counter() - started
    scores = evaluate_clusters(result.clusters, {k: str(v) for k, v in truth.items()})
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "records": table.num_rows,
        "seconds": seconds,
    }


def name_score(left: str, right: str) -> float:
    """Similarity from 0 to 1 of two person names as the resolver sees them: order, script,
    spelling variants, nicknames, missing middle names and typos (see
    :func:`threadline.values.name.compare_detail`).

    >>> name_score("Nguyen Thi Lan", "LAN NGUYEN") > 0.8 > name_score("Lan Nguyen", "Minh Tran")
    True
    """
    if not left.strip() or not right.strip():
        return 0.0
    score, _ = compare_detail(left, right)
    # Fall back on plain token-set similarity for names the parser cannot split cleanly.
    return max(score, 0.9 * fuzz.token_set_ratio(left.lower(), right.lower()) / 100 - 0.1)


_TRUE = {"true", "1", "yes", "y", "t", "same", "match"}
_FALSE = {"false", "0", "no", "n", "f", "different", "nonmatch", "non-match"}


def evaluate_names(path: str | Path, left: str, right: str, truth: str) -> dict[str, float | int]:
    """The name comparator alone on labelled name pairs (a CSV with two name columns and a
    truth column of true/false, 1/0 or yes/no). The threshold that maximises F1 is chosen and
    reported: ``precision``, ``recall``, ``f1``, ``threshold``, ``pairs``.
    """
    table = _read_csv(path)
    for column in (left, right, truth):
        if column not in table.column_names:
            raise ValueError(f"{path} has no column {column!r}")
    rows = zip(*(table.column(c).to_pylist() for c in (left, right, truth)), strict=True)
    scored: list[tuple[float, bool]] = []
    for a, b, label in rows:
        word = (label or "").strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"truth value {label!r} is not true/false, 1/0 or yes/no")
        scored.append((name_score(a or "", b or ""), word in _TRUE))
    positives = sum(1 for _, t in scored if t)
    best = (0.0, 0.0, 0.0, 1.0)  # f1, precision, recall, threshold
    scored.sort(key=lambda x: -x[0])
    tp = fp = 0
    for i, (score, is_true) in enumerate(scored):
        tp += is_true
        fp += not is_true
        if i + 1 < len(scored) and scored[i + 1][0] == score:
            continue  # a threshold takes every pair with the same score
        precision = tp / (tp + fp)
        recall = tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[0]:
            best = (f1, precision, recall, score)
    return {
        "precision": best[1],
        "recall": best[2],
        "f1": best[0],
        "threshold": best[3],
        "pairs": len(scored),
    }
