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

from threadline.resolve.engine import PersonResolver
from threadline.resolve.engines import Engine
from threadline.resolve.name_matching import compare_names
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
    path: str | Path,
    truth_column: str,
    settings: ResolverSettings | None = None,
    engine: Engine | None = None,
) -> dict[str, float | int]:
    """Resolve the person records of a CSV file and score the result against a truth column.

    The file uses the resolver's column names (``record_id``, ``given_name``, ``surname``,
    ``full_name``, ``date_of_birth``, ...; other columns are ignored). ``truth_column`` holds the
    true person of each record. Returns what ``threadline evaluate er FILE --truth COL --json``
    prints: ``precision``, ``recall``, ``f1``, ``contradictions`` (clusters holding records that
    contradict each other, :mod:`.integrity`), ``largest_cluster``, ``records`` and ``seconds``.
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
    resolver = PersonResolver(settings, engine)
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
        "contradictions": int(result.counts.get("contradictions", 0)),
        "largest_cluster": int(result.counts.get("largest_cluster", 0)),
        "records": table.num_rows,
        "seconds": seconds,
    }


def name_score(left: str, right: str) -> float:
    """Similarity from 0 to 1 of two person names (:func:`threadline.values.name.compare_detail`:
    script, order, spelling variants, nicknames, romanisations, missing names and typos).

    >>> name_score("Nguyen Thi Lan", "LAN NGUYEN") > 0.8 > name_score("Lan Nguyen", "Minh Tran")
    True
    """
    return compare_detail(left, right)[0]


_TRUE = {"true", "1", "yes", "y", "t", "same", "match"}
_FALSE = {"false", "0", "no", "n", "f", "different", "nonmatch", "non-match"}


def evaluate_names(
    path: str | Path, left: str, right: str, truth: str, schema: str | None = None
) -> dict[str, Any]:
    """Name comparators alone on labelled name pairs: a CSV with two name columns, a truth
    column of true/false, 1/0 or yes/no, and optionally a ``schema`` column naming what each
    pair names (Person, Company, Organization, LegalEntity, Vessel; Person without it). Each
    pair goes to the comparator resolution uses for its kind of thing and is judged at that
    comparator's fixed threshold (:func:`threadline.resolve.name_matching.compare_names`).

    Returns ``precision``, ``recall``, ``f1`` at the fixed thresholds (``threshold`` too
    when one applies to every pair), ``best_f1`` and ``best_threshold`` (one threshold over
    all the scores, chosen on the file: for reference only), ``pairs``, and the same per
    schema under ``by_schema``.
    """
    table = _read_csv(path)
    wanted = (left, right, truth, *((schema,) if schema else ()))
    for column in wanted:
        if column not in table.column_names:
            raise ValueError(f"{path} has no column {column!r}")
    rows = list(zip(*(table.column(c).to_pylist() for c in (left, right, truth)), strict=True))
    kinds = (
        [(str(k or "")).strip() or "Person" for k in table.column(schema).to_pylist()]
        if schema
        else ["Person"] * len(rows)
    )
    scored: list[_Scored] = []
    for (a, b, label), kind in zip(rows, kinds, strict=True):
        word = (label or "").strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"truth value {label!r} is not true/false, 1/0 or yes/no")
        found = compare_names(a or "", b or "", kind)
        scored.append(_Scored(kind, found.score, found.threshold, word in _TRUE))
    figures: dict[str, Any] = _figures(scored)
    figures["by_schema"] = {
        kind: _figures([s for s in scored if s.schema == kind])
        for kind in sorted({s.schema for s in scored})
    }
    return figures


@dataclass(frozen=True, slots=True)
class _Scored:
    schema: str
    score: float
    threshold: float
    truth: bool


def _f1(tp: int, fp: int, positives: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _figures(scored: list[_Scored]) -> dict[str, float | int]:
    """Precision, recall and F1 at each comparator's own threshold, and the best F1 any one
    threshold would give."""
    positives = sum(s.truth for s in scored)
    tp = sum(s.truth and s.score >= s.threshold for s in scored)
    fp = sum(not s.truth and s.score >= s.threshold for s in scored)
    precision, recall, f1 = _f1(tp, fp, positives)
    out: dict[str, float | int] = {"precision": precision, "recall": recall, "f1": f1}
    thresholds = {s.threshold for s in scored}
    if len(thresholds) == 1:
        out["threshold"] = thresholds.pop()
    best = (0.0, 1.0)  # f1, threshold
    ranked = sorted(scored, key=lambda s: -s.score)
    tp = fp = 0
    for i, item in enumerate(ranked):
        tp += item.truth
        fp += not item.truth
        if i + 1 < len(ranked) and ranked[i + 1].score == item.score:
            continue  # a threshold takes every pair with the same score
        best_f1 = _f1(tp, fp, positives)[2]
        if best_f1 > best[0]:
            best = (best_f1, item.score)
    out |= {"best_f1": best[0], "best_threshold": best[1], "pairs": len(scored)}
    return out
