"""Pairwise precision, recall and F1, counted without listing pairs."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from threadline.resolve import CompanyMatcher, evaluate_clusters, evaluate_er_csv, evaluate_names
from threadline.values.name import PERSON_THRESHOLD

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
    assert set(result) == {
        "precision",
        "recall",
        "f1",
        "contradictions",
        "largest_cluster",
        "records",
        "seconds",
    }
    assert result["records"] == 3
    with pytest.raises(ValueError, match="no column"):
        evaluate_er_csv(path, "truth")


def test_evaluate_names_judges_at_the_fixed_threshold(tmp_path: Path) -> None:
    rows = [
        ("Nguyen Thi Lan", "LAN NGUYEN", "true"),
        ("Nguyễn Thị Lan", "Nguyen Thi Lan", "yes"),
        ("Mohammed Ali", "Muhammad Ali", "1"),
        ("Bill Smith", "William Smith", "true"),
        ("John Paul Smith", "John Smith", "true"),
        ("Lan Nguyen", "Minh Tran", "false"),
        ("John Smith", "Jane Smythe", "no"),
        ("Ana Popa", "Ion Radu", "0"),
        ("Maria", "Maria Elena Gonzalez Rodriguez", "false"),
    ]
    path = write_csv(
        tmp_path / "names.csv",
        [{"a": a, "b": b, "same": t} for a, b, t in rows],
        ["a", "b", "same"],
    )
    result = evaluate_names(path, "a", "b", "same")
    assert set(result) == {
        "precision",
        "recall",
        "f1",
        "threshold",
        "best_f1",
        "best_threshold",
        "pairs",
        "by_schema",
    }
    assert result["pairs"] == 9
    assert result["threshold"] == PERSON_THRESHOLD  # without --schema, every pair is a Person
    assert result["f1"] == 1.0
    assert result["best_f1"] >= result["f1"]
    assert set(result["by_schema"]) == {"Person"}


def test_evaluate_names_routes_each_schema_to_its_comparator(tmp_path: Path) -> None:
    rows = [
        ("Acme Incorporated", "Acme Inc.", "true", "Company"),
        ("Bank of Austria Corporation", "Bank of Australia Corporation", "false", "Company"),
        ("Unit Twenty-one Ltd", "Unit 21 Ltd", "true", "Organization"),
        ("MV Ocean Star", "Ocean Star", "true", "Vessel"),
        ("Ivan Petrov", "Иван Петров", "true", "LegalEntity"),
        ("Abdul Karim Mansour", "Abdul Rahim Mansour", "false", ""),
    ]
    path = write_csv(
        tmp_path / "names.csv",
        [{"a": a, "b": b, "same": t, "kind": k} for a, b, t, k in rows],
        ["a", "b", "same", "kind"],
    )
    result = evaluate_names(path, "a", "b", "same", schema="kind")
    by_schema = result["by_schema"]
    assert set(by_schema) == {"Company", "Organization", "Vessel", "LegalEntity", "Person"}
    assert by_schema["Company"]["threshold"] == CompanyMatcher().threshold
    assert by_schema["Person"]["threshold"] == PERSON_THRESHOLD
    assert "threshold" not in result  # two comparators, two thresholds
    assert result["f1"] == 1.0
    with pytest.raises(ValueError, match="no column"):
        evaluate_names(path, "a", "b", "same", schema="type")


def test_evaluate_names_refuses_an_unknown_schema(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "n.csv", [{"a": "x", "b": "y", "t": "1", "s": "Ship"}], ["a", "b", "t", "s"]
    )
    with pytest.raises(ValueError, match="Ship"):
        evaluate_names(path, "a", "b", "t", schema="s")


def test_evaluate_names_refuses_unclear_truth(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [{"a": "x", "b": "y", "t": "maybe"}], ["a", "b", "t"])
    with pytest.raises(ValueError, match="maybe"):
        evaluate_names(path, "a", "b", "t")
