"""Clustering: weak chains do not glue people together; analyst judgements beat the model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from threadline.resolve import Judgement, PersonResolver
from threadline.resolve.cluster import cluster_graph, comparable

from .conftest import person, table


def _arrays(*edges: tuple[int, int, float]) -> tuple[Any, Any, Any]:
    return (
        np.array([a for a, _, _ in edges], dtype=np.int64),
        np.array([b for _, b, _ in edges], dtype=np.int64),
        np.array([p for _, _, p in edges], dtype=np.float64),
    )


def test_weak_chain_is_not_one_cluster() -> None:
    # A~B~C~D: neighbours look alike, A and D clearly differ; every pair was scored.
    left, right, prob = _arrays(
        (0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.9), (0, 2, 0.3), (1, 3, 0.3), (0, 3, 0.001)
    )
    labels = cluster_graph(4, left, right, prob, threshold=0.5).labels.tolist()
    assert labels[0] != labels[3]
    assert labels[0] == labels[1] and labels[2] == labels[3]


def test_strong_clique_is_one_cluster() -> None:
    left, right, prob = _arrays((0, 1, 0.99), (1, 2, 0.97), (0, 2, 0.95))
    assert len(set(cluster_graph(3, left, right, prob).labels.tolist())) == 1


def test_a_record_joins_a_group_it_matches_on_average() -> None:
    # C matches A strongly and B only fairly: the mean over {A, B} still reaches 0.5.
    left, right, prob = _arrays((0, 1, 0.99), (0, 2, 0.95), (1, 2, 0.3))
    assert len(set(cluster_graph(3, left, right, prob).labels.tolist())) == 1


def test_a_tie_is_broken_alike_whatever_the_last_bits() -> None:
    # One record scored alike against two that differ from each other: it can join one of
    # them. DuckDB gives both pairs the same probability; another engine, summing the same
    # weights in another order, a last bit more to the second pair. Compared as
    # `comparable` rounds them, the tie is kept and broken the same way (by record order).
    tied = 0.8588369795530238
    duckdb = _arrays((0, 1, tied), (0, 2, tied), (1, 2, 0.1))
    spark = _arrays((0, 1, 0.858836979553024), (0, 2, 0.8588369795530241), (1, 2, 0.1))
    raw = [cluster_graph(3, *pairs).labels.tolist() for pairs in (duckdb, spark)]
    assert raw[0] != raw[1]  # the noise chose
    rounded = [
        cluster_graph(3, left, right, comparable(prob)).labels.tolist()
        for left, right, prob in (duckdb, spark)
    ]
    assert rounded[0] == rounded[1] == raw[0]


def test_weak_chain_end_to_end(resolve_with: Callable[..., Any]) -> None:
    # Alan Reed (1961) moves house and changes phone; a record "Alan Read" with no date of
    # birth turns up at his new address; so does Alana Read, born 1994. Each step links to
    # the next, but Alan and Alana are plainly two people.
    chain = [
        person(
            "A",
            given_name="Alan",
            surname="Reed",
            date_of_birth="1961-03-04",
            phone="07911 111111",
            postcode="B15 2TT",
            address="4 Elm Road",
        ),
        person(
            "B",
            given_name="Alan",
            surname="Reed",
            date_of_birth="1961-03-04",
            phone="07922 222222",
            postcode="B16 8QQ",
            address="9 Oak Lane",
        ),
        person(
            "C",
            given_name="Alan",
            surname="Read",
            phone="07922 222222",
            postcode="B16 8QQ",
            address="9 Oak Lane",
        ),
        person(
            "D",
            given_name="Alana",
            surname="Read",
            date_of_birth="1994-06-06",
            phone="07922 222222",
            postcode="B16 8QQ",
            address="9 Oak Lane",
        ),
    ]
    resolver, result = resolve_with(chain)
    links = {
        (a, b): p
        for a, b, p in zip(
            result.pairs.column("left_id").to_pylist(),
            result.pairs.column("right_id").to_pylist(),
            result.pairs.column("match_probability").to_pylist(),
            strict=True,
        )
        if {a, b} <= set("ABCD")
    }
    strong = {frozenset(pair) for pair, p in links.items() if p >= 0.5}
    assert {frozenset("AB"), frozenset("BC"), frozenset("CD")} <= strong  # a real chain
    assert resolver.explain_pair("A", "D").match_probability < 0.01
    resolver.close()
    assert result.clusters["A"] == result.clusters["B"]
    assert result.clusters["A"] != result.clusters["D"]


def _twins() -> list[dict[str, str | None]]:
    # Two brothers: same surname, address and phone, different given names and dates of birth.
    shared = {
        "surname": "Haile",
        "phone": "07700900555",
        "postcode": "B9 4AA",
        "address": "12 Mill Lane",
    }
    return [
        person("t1", given_name="Dawit", date_of_birth="1990-02-01", **shared),
        person("t2", given_name="Dawit", date_of_birth="1990-02-01", **shared),
        person("t3", given_name="Yonas", date_of_birth="1993-07-19", **shared),
    ]


def test_same_forces_a_merge(population: Any, resolve_with: Callable[..., Any]) -> None:
    resolver, before = resolve_with(_twins())
    assert before.clusters["t1"] != before.clusters["t3"]
    # The analyst knows t3 is a mis-keyed record of Dawit: "same" wins over the model, and
    # the trained model is reused (no retraining) for the second run.
    same = [Judgement("t1", "t3", "same")]
    after = resolver.resolve(table([*population[0], *_twins()]), same)
    resolver.close()
    assert after.clusters["t1"] == after.clusters["t3"] == after.clusters["t2"]


def test_different_forbids_a_merge_even_through_a_third_record(
    resolve_with: Callable[..., Any],
) -> None:
    rows = [
        person(
            "x1",
            given_name="Tesfaye",
            surname="Tekle",
            date_of_birth="1985-05-05",
            national_id="QQ123456A",
        ),
        person("x2", given_name="Tesfaye", surname="Tekle", date_of_birth="1985-05-05"),
        person(
            "x3",
            given_name="Tesfaye",
            surname="Tekle",
            date_of_birth="1985-05-05",
            national_id="QQ123456A",
        ),
    ]
    resolver, free = resolve_with(rows)
    assert free.clusters["x1"] == free.clusters["x2"] == free.clusters["x3"]
    apart = [("x1", "x2", "different")]
    _, judged = resolve_with(rows, apart)
    resolver.close()
    assert judged.clusters["x1"] != judged.clusters["x2"]
    # x3 may join one of them, but never glue both together.
    assert judged.clusters["x3"] in (judged.clusters["x1"], judged.clusters["x2"])


def test_judgements_survive_a_rerun_with_a_saved_model(
    population: Any, resolve_with: Callable[..., Any], tmp_path: Any
) -> None:
    judgements = [Judgement("t1", "t2", "different"), Judgement("t1", "t3", "same")]
    resolver, first = resolve_with(_twins(), judgements)
    resolver.save_model(tmp_path / "model.json")
    resolver.close()
    with PersonResolver.load_model(tmp_path / "model.json") as again:
        rows = [*population[0], *_twins()]
        second = again.resolve(table(rows), judgements)
    for result in (first, second):
        assert result.clusters["t1"] == result.clusters["t3"] != result.clusters["t2"]
    assert first.clusters == second.clusters


def test_contradicting_judgements_are_reported(resolve_with: Callable[..., Any]) -> None:
    judgements = [("t1", "t2", "same"), ("t2", "t3", "same"), ("t1", "t3", "different")]
    resolver, result = resolve_with(_twins(), judgements)
    resolver.close()
    assert result.clusters["t1"] == result.clusters["t3"]
    assert result.conflicts == (("t1", "t3"),) or result.conflicts == (("t3", "t1"),)


def test_unsure_leaves_the_pair_to_the_model(resolve_with: Callable[..., Any]) -> None:
    resolver, plain = resolve_with(_twins())
    _, unsure = resolve_with(_twins(), [("t1", "t3", "unsure")])
    resolver.close()
    assert plain.clusters == unsure.clusters


def test_identifier_matches_come_in_record_order() -> None:
    # Where records contradict, the identifier match taken first decides which one is left
    # out; so the order must not be whatever a parallel query returns: two runs on one
    # million records once parted over it. DuckDB returns small tables in order anyway, so
    # the run's table here is a million rows (made in SQL: a fraction of a second).
    import duckdb

    from threadline.resolve.run import PreparedRun

    run = PreparedRun.__new__(PreparedRun)  # only its records table: no preparation needed
    run.con = duckdb.connect()
    run.con.execute("SET threads = 4")
    run.con.execute(
        "CREATE TABLE tl_records AS SELECT range + 1 AS uid, range // 3 AS record, "
        "'m' || (range % 97) AS email_mailbox, 'P' || (range % 89) AS document_number "
        "FROM range(1000000)"
    )
    left, _ = run.strong_pairs(("email", "document_number"))
    split = 1_000_000 - 97  # the e-mails' pairs (each to its mailbox's first), then passports'
    assert len(left) == split + 1_000_000 - 89
    for part in (left[:split], left[split:]):
        assert (np.diff(part) > 0).all()
    pairs = run.record_pairs()
    assert len(pairs) == 333_333 * 3 and pairs == sorted(pairs)  # three records a source record
    run.con.close()
