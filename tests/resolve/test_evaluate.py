"""Pairwise precision, recall and F1, counted without listing pairs."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from threadline.resolve import evaluate_clusters, evaluate_er_csv, evaluate_names

from .conftest import write_csv


def _brute(pred: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    pairs = list(itertools.combinations(sorted(truth), 2))
    p = {(a, b) for a, b in pairs if pred[a] == pred[b]}
    t = {(a, b) for a, b in pairs if truth[a] == truth[b]}
    return len(p & t) / len(p) if p else 1.0, len(p & t) / len(t) if t else 1.0


@pytest.mark.parametrize("seed", range(5))
def test_counting_agrees_with_listing_pairs(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"r{i}" for i in range(60)]
    truth = {i: str(rng.randrange(20)) for i in ids}
    pred = {i: str(rng.randrange(15)) for i in ids}
    scores = evaluate_clusters(pred, truth)
    assert (scores.precision, scores.recall) == pytest.approx(_brute(pred, truth))


def test_missing_predictions_are_singletons() -> None:
    scores = evaluate_clusters({"a": "1"}, {"a": "x", "b": "x"})
    assert (scores.precision, scores.recall, scores.true_pairs) == (1.0, 0.0, 1)


def test_evaluate_er_csv_keys(tmp_path: Path) -> None:
    rows = [
        {"record_id": "1", "full_name": "Lan Nguyen", "date_of_birth": "1990-01-02", "who": "a"},
        {
            "record_id": "2",
            "full_name": "Nguyen Thi Lan",
            "date_of_birth": "02/01/1990",
            "who": "a",
        },
        {"record_id": "3", "full_name": "John Smith", "date_of_birth": "1970-05-05", "who": "b"},
    ]
    path = write_csv(
        tmp_path / "people.csv", rows, ["record_id", "full_name", "date_of_birth", "who"]
    )
    result = evaluate_er_csv(path, "who")
    assert set(result) == {"precision", "recall", "f1", "records", "seconds"}
    assert result["records"] == 3
    with pytest.raises(ValueError, match="no column"):
        evaluate_er_csv(path, "truth")


def test_evaluate_names_picks_the_best_threshold(tmp_path: Path) -> None:
    rows = [
        ("Nguyen Thi Lan", "LAN NGUYEN", "true"),
        ("Nguyễn Thị Lan", "Nguyen Thi Lan", "yes"),
        ("Mohammed Ali", "Muhammad Ali", "1"),
        ("Bill Smith", "William Smith", "true"),
        ("John Paul Smith", "John Smith", "true"),
        ("Lan Nguyen", "Minh Tran", "false"),
        ("John Smith", "Jane Smythe", "no"),
        ("Ana Popa", "Ion Radu", "0"),
    ]
    path = write_csv(
        tmp_path / "names.csv",
        [{"a": a, "b": b, "same": t} for a, b, t in rows],
        ["a", "b", "same"],
    )
    result = evaluate_names(path, "a", "b", "same")
    assert set(result) == {"precision", "recall", "f1", "threshold", "pairs"}
    assert result["pairs"] == 8
    assert result["f1"] == 1.0
    assert 0 < result["threshold"] <= 1


def test_evaluate_names_refuses_unclear_truth(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [{"a": "x", "b": "y", "t": "maybe"}], ["a", "b", "t"])
    with pytest.raises(ValueError, match="maybe"):
        evaluate_names(path, "a", "b", "t")
