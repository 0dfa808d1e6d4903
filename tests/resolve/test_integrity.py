"""Cluster integrity: records that contradict each other never share a cluster unless an
analyst judged them the same; the cut is explained and counted (`evaluate er`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from threadline.resolve import Judgement, PersonResolver
from threadline.resolve.cluster import cluster_graph
from threadline.resolve.integrity import (
    FAMILY_NAMES,
    contradiction,
    dates_contradict,
    propose_split,
)

from .conftest import person, table

# Dates of birth: (left, right, contradict?, why).
DATES = [
    ("1985-01-12", "1985-01-12", False, "the same"),
    ("1985-01-12", "1985-12-01", False, "day and month the other way round"),
    ("1985-01-12", "1985-01-13", False, "a day one out"),
    ("1985-01-12", "1985-01-21", False, "two digits swapped"),
    ("1985-01-12", "1985-07-12", False, "a month with one digit wrong"),
    ("1985-01-12", "1986-01-12", False, "a year one out (worked out from an age)"),
    ("1985-01-12", "1986-01-13", False, "a year one out and a day one out"),
    ("1985-01-12", "1958-01-12", False, "year digits swapped"),
    ("1985-01-01", "1986-06-17", False, "1 January: only the year was known"),
    ("1985-12-31", "1985-06-17", False, "31 December: only the year was known"),
    ("1985", "1985-06-17", False, "a year alone against a full date"),
    ("1985-06", "1985-06-17", False, "a month against a full date"),
    ("1985-06", "1985-11-06", False, "a month against the day of a swapped date"),
    ("1985-01-12", "1992-05-27", True, "seven years apart"),
    ("1993", "2005-08-01", True, "twelve years apart"),
    ("2000-02-23", "2000-07-13", True, "month and day both wrong"),
    ("1985-01-12", "1985-03-25", True, "month and day both wrong, not swapped"),
    ("1974-02-10", "1976-02-11", True, "a year digit wrong and a day one out"),
    ("1974-02-10", "1976-02-10", False, "one year digit wrong"),
    ("1984-03", "1983-11", True, "a year out and a different month"),
]


@pytest.mark.parametrize(("left", "right", "expected", "why"), DATES)
def test_dates_of_birth(left: str, right: str, expected: bool, why: str) -> None:
    assert dates_contradict(left, right) is expected, why
    assert dates_contradict(right, left) is expected, f"{why} (other order)"


# Whole records: (left, right, reason or None, why).
RECORDS: list[tuple[dict[str, str | None], dict[str, str | None], str | None, str]] = [
    ({"gender": "m"}, {"gender": "f"}, "gender", "different sex, both stated"),
    ({"gender": "m"}, {"gender": None}, None, "sex stated once"),
    ({"national_id": "QQ123456C"}, {"national_id": "QQ123465C"}, None, "NI digits swapped"),
    ({"national_id": "QQ123456C"}, {"national_id": "QQ12345C"}, None, "NI digit missing"),
    ({"national_id": "QQ123456C"}, {"national_id": "AB987654D"}, "national_id", "two NI numbers"),
    ({"document_number": "123456789"}, {"document_number": "987654321"}, "document_number",
     "two passports of one format"),
    ({"document_number": "123456789"}, {"document_number": "ZU1234567"}, None,
     "a passport and a residence permit: different kinds of document"),
    ({"dob": "1985-01-12", "gender": "m"}, {"dob": None, "gender": "m"}, None,
     "a record without a date of birth says nothing against one"),
]  # fmt: skip


@pytest.mark.parametrize(("left", "right", "expected", "why"), RECORDS)
def test_records(
    left: dict[str, str | None], right: dict[str, str | None], expected: str | None, why: str
) -> None:
    assert contradiction(left, right) == expected, why


def _arrays(*edges: tuple[int, int, float]) -> tuple[Any, Any, Any]:
    return (
        np.array([a for a, _, _ in edges], dtype=np.int64),
        np.array([b for _, b, _ in edges], dtype=np.int64),
        np.array([p for _, _, p in edges], dtype=np.float64),
    )


def _by_date(dates: dict[int, str]) -> Callable[[Any, Any], Any]:
    """A contradiction finder over node dates of birth, as the resolver's is over records."""

    def find(nodes: Any, labels: Any) -> Any:
        left, right, why = [], [], []
        items = list(zip(nodes.tolist(), labels.tolist(), strict=True))
        for i, (a, la) in enumerate(items):
            for b, lb in items[i + 1 :]:
                if la == lb and a in dates and b in dates and dates_contradict(dates[a], dates[b]):
                    left.append(a)
                    right.append(b)
                    why.append("dob")
        return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64), why

    return find


def _nam_nguyen() -> tuple[Any, Any, Any, dict[int, str]]:
    # Six men named Van Nam Nguyen (nodes 1-6), each with his own date of birth; a police
    # record with the name and no date of birth (node 0) matches each of them at 0.999.
    # The name alone makes them look alike (0.6) to one another.
    dates = {i: f"19{70 + 3 * i}-0{i}-1{i}" for i in range(1, 7)}
    edges = [(0, i, 0.999) for i in range(1, 7)]
    edges += [(i, j, 0.6) for i in range(1, 7) for j in range(i + 1, 7)]
    left, right, prob = _arrays(*edges)
    return left, right, prob, dates


def test_a_record_without_a_date_of_birth_does_not_bridge_six_men() -> None:
    left, right, prob, dates = _nam_nguyen()
    glued = cluster_graph(7, left, right, prob).labels.tolist()
    assert len(set(glued)) == 1  # without the rule: one entity holding six men
    outcome = cluster_graph(7, left, right, prob, contradictions=_by_date(dates))
    labels = outcome.labels.tolist()
    assert len({labels[i] for i in range(1, 7)}) == 6
    assert sum(labels[0] == labels[i] for i in range(1, 7)) == 1  # the police record: one
    # Every pair kept apart is reported with its reason.
    assert {(a, b) for a, b, _ in outcome.kept_apart} >= {(1, 2), (5, 6)}
    assert {why for _, _, why in outcome.kept_apart} == {"dob"}


def test_a_same_judgement_is_never_cut_and_settles_the_evidence() -> None:
    # 1 and 2 contradict on dates of birth, but an analyst judged them the same; 3 shares
    # 1's date of birth and matches both well: it joins them, since the dates of birth of
    # that person are known to be unreliable.
    left, right, prob = _arrays((1, 2, 0.4), (1, 3, 0.95), (2, 3, 0.9), (0, 1, 0.01))
    dates = {1: "1980-05-05", 2: "1990-09-19", 3: "1980-05-05"}
    outcome = cluster_graph(4, left, right, prob, forced=[(1, 2)], contradictions=_by_date(dates))
    labels = outcome.labels.tolist()
    assert labels[1] == labels[2] == labels[3] != labels[0]
    assert outcome.conflicts == ()


def test_an_identifier_match_does_not_join_contradicting_records() -> None:
    # One email address shared by a mother and her daughter (a family account).
    left, right, prob = _arrays((0, 1, 0.3))
    strong = (np.array([1], dtype=np.int64), np.array([0], dtype=np.int64))
    dates = {0: "1965-03-14", 1: "1994-08-02"}
    joined = cluster_graph(2, left, right, prob, strong=strong).labels.tolist()
    assert joined[0] == joined[1]
    kept = cluster_graph(2, left, right, prob, strong=strong, contradictions=_by_date(dates))
    assert kept.labels[0] != kept.labels[1]


def test_one_different_judgement_splits_two_men_of_one_name() -> None:
    # Eight records of one Van Nam Nguyen and eight of another, no dates of birth, each
    # matching every other at 0.7 through the name and one shared house; an analyst judges
    # one pair different: the result is two groups, not one record split off from fifteen.
    group_a, group_b = list(range(8)), list(range(8, 16))
    edges = [(i, j, 0.95) for g in (group_a, group_b) for i in g for j in g if i < j]
    edges += [(i, j, 0.6) for i in group_a for j in group_b]
    left, right, prob = _arrays(*edges)
    labels = cluster_graph(16, left, right, prob, cannot=[(0, 8)]).labels.tolist()
    assert len({labels[i] for i in group_a}) == 1
    assert len({labels[i] for i in group_b}) == 1
    assert labels[0] != labels[8]


def _nguyens() -> list[dict[str, str | None]]:
    rows = [
        person(f"nam-{i}", source="nhs", given_name="Van Nam", surname="Nguyen",
               date_of_birth=f"19{70 + 4 * i}-0{i}-1{i}", address="14 Mill Lane",
               postcode="B12 4XX")
        for i in range(1, 7)
    ]  # fmt: skip
    rows.append(
        person("nam-police", source="police", given_name="Van Nam", surname="Nguyen",
               address="14 Mill Lane", postcode="B12 4XX")
    )  # fmt: skip
    return rows


def test_the_resolver_keeps_contradicting_records_apart(
    resolve_with: Callable[..., Any],
) -> None:
    rows = _nguyens()
    resolver, result = resolve_with(rows)
    try:
        clusters = result.clusters
        assert len({clusters[f"nam-{i}"] for i in range(1, 7)}) == 6
        assert result.counts["contradictions"] == 0
        assert any(
            {left, right} == {"nam-1", "nam-2"} and "dates of birth" in words
            for left, right, words in result.kept_apart
        )
    finally:
        resolver.close()


def _family_email() -> list[dict[str, str | None]]:
    # A mother and her daughter: one surname, one house and one family email address.
    common = {
        "surname": "Kowalczyk",
        "address": "3 Ash Grove",
        "postcode": "B7 2DX",
        "email": "kowalczyk.family@example.com",
    }
    return [
        person("mother", source="council", given_name="Agnieszka", date_of_birth="1966-04-19",
               **common),
        person("daughter", source="nhs", given_name="Agnieszka", date_of_birth="1995-10-02",
               **common),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("integrity", "judged", "together", "contradictions"),
    [
        (False, False, True, 1),  # the shared email joins them: one contradiction counted
        (True, False, False, 0),  # kept apart
        (True, True, True, 0),  # an analyst judged them one person: not a contradiction
    ],
)
def test_contradictions_are_counted(
    population: tuple[list[dict[str, Any]], dict[str, str]],
    model_json: str,
    integrity: bool,
    judged: bool,
    together: bool,
    contradictions: int,
) -> None:
    rows = population[0][:300] + _family_email()
    judgements = [Judgement("mother", "daughter", "same")] if judged else []
    with PersonResolver.from_model_json(model_json) as resolver:
        resolver.settings = replace(resolver.settings, integrity=integrity)
        result = resolver.resolve(table(rows), judgements)
    assert (result.clusters["mother"] == result.clusters["daughter"]) is together
    assert result.counts["contradictions"] == contradictions
    assert result.counts["largest_cluster"] >= 2


def test_a_proposed_split_holds_no_contradiction() -> None:
    # Three men of one name: two records each agree on a date of birth, one states only
    # the year of the first, and one police record states nothing.
    rows: list[dict[str, str | None]] = [
        {"record_id": "a1", "dob": "1970-01-11", "gender": "m"},
        {"record_id": "a2", "dob": "1970-11-01", "gender": "m"},  # day and month swapped
        {"record_id": "b1", "dob": "1984-05-23", "gender": "m"},
        {"record_id": "b2", "dob": "1984-05-23", "national_id": "QQ123456C"},
        {"record_id": "c1", "dob": "1995-09-30", "gender": "m"},
        {"record_id": "c2", "dob": "1995"},
        {"record_id": "police", "dob": None},
    ]
    groups, unplaced, pairs = propose_split(rows)
    assert groups == [["a1", "a2"], ["b1", "b2"], ["c1", "c2"]]
    assert unplaced == ["police"]
    assert {(a, b) for a, b, _ in pairs} >= {("a1", "b1"), ("b2", "c1")}
    for group in groups:
        members = [r for r in rows if r["record_id"] in group]
        assert all(contradiction(x, y) is None for x in members for y in members)


def test_a_proposed_split_keeps_one_family_s_given_names_apart() -> None:
    # Two sisters of one surname and date of birth (twins): nothing of the fields that
    # contradict tells them apart, their given names do.
    rows: list[dict[str, str | None]] = [
        {"record_id": "anna1", "dob": "2001-03-04"},
        {"record_id": "anna2", "dob": "2001-03-04"},
        {"record_id": "hanna", "dob": "2001-03-04"},
        {"record_id": "hanna-named", "dob": None},
    ]
    kin = [("anna1", "hanna"), ("anna2", "hanna"), ("anna1", "hanna-named")]
    groups, unplaced, pairs = propose_split(rows, kin)
    assert groups == [["anna1", "anna2"], ["hanna", "hanna-named"]]
    assert unplaced == []
    assert {(a, b, why) for a, b, why in pairs} == {(a, b, FAMILY_NAMES) for a, b in kin}
