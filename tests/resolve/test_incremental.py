"""Incremental resolution: after a new batch, scoring only what it touches gives the clusters
that scoring everything with the same model and scoring gives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from threadline.resolve import Earlier, Judgement, PersonResolver, ResolutionResult, Scoring

from .conftest import person, table

Rows = list[dict[str, Any]]


def partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, head in clusters.items():
        groups.setdefault(head, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def kept(result: ResolutionResult) -> pa.Table:
    """The pairs a store keeps with a run (at least 0.2 likely)."""
    return result.pairs.filter(pc.greater_equal(result.pairs.column("match_probability"), 0.2))


@pytest.fixture(scope="module")
def split(population: tuple[Rows, dict[str, str]]) -> tuple[Rows, Rows]:
    rows = population[0]
    return [r for i, r in enumerate(rows) if i % 8 != 3], [
        r for i, r in enumerate(rows) if i % 8 == 3
    ]


@pytest.fixture(scope="module")
def first(split: tuple[Rows, Rows]) -> ResolutionResult:
    """A run that trained its model on the first batch, with a bridge's two ends in it."""
    with PersonResolver() as resolver:
        result = resolver.resolve(table([*split[0], *BRIDGE_ENDS]), JUDGED)
        DIGESTS.update(resolver.digests())
        return result


DIGESTS: dict[str, str] = {}
"""The first run's digest of each record's prepared values."""


# Irina registered under her maiden name with her NI number, and under her married name with
# her passport; a later record gives both numbers and joins the two.
BRIDGE_ENDS = [
    person("ends-1", given_name="Irina", surname="Volkova", date_of_birth="1985-03-02",
           national_id="QQ999111A", source="police"),
    person("ends-2", given_name="Irina", surname="Smirnova", phone="07999000111",
           document_number="733991122", source="nrm"),
]  # fmt: skip
BRIDGE = person("bridge", given_name="Irina", surname="Volkova Smirnova",
                national_id="QQ999111A", document_number="733991122", source="council")  # fmt: skip

JUDGED = [Judgement("p1-0", "p2-0", "same"), Judgement("p3-0", "p3-1", "different")]


def both(
    first: ResolutionResult, rows: Rows, judgements: Iterable[Judgement] = JUDGED
) -> tuple[ResolutionResult, ResolutionResult]:
    """The incremental run after ``first``, and everything scored with its model."""
    judgements = list(judgements)
    assert first.scoring is not None
    earlier = Earlier(first.clusters, kept(first), JUDGED, DIGESTS)
    with PersonResolver.from_model_json(first.model_json, first.scoring) as resolver:
        update = resolver.update(table(rows), earlier, judgements)
    with PersonResolver.from_model_json(first.model_json, first.scoring) as resolver:
        scratch = resolver.resolve(table(rows), judgements)
    return update, scratch


def test_a_new_batch_scores_only_its_records(
    first: ResolutionResult, split: tuple[Rows, Rows]
) -> None:
    update, scratch = both(first, [*split[0], *BRIDGE_ENDS, *split[1], BRIDGE])
    assert update.clusters == scratch.clusters
    assert update.counts["fresh"] == len(split[1]) + 1
    assert 0 < update.counts["reclustered"] < len(update.clusters) / 2
    assert update.counts["kept"] > 0
    # The new record joins two people of the first batch.
    assert first.clusters["ends-1"] != first.clusters["ends-2"]
    assert update.clusters["ends-1"] == update.clusters["ends-2"] == update.clusters["bridge"]


def test_the_first_run_is_reproduced_by_its_model_and_scoring(
    first: ResolutionResult, split: tuple[Rows, Rows]
) -> None:
    assert first.scoring is not None
    again = Scoring.from_dict(first.scoring.to_dict())
    with PersonResolver.from_model_json(first.model_json, again) as resolver:
        result = resolver.resolve(table([*split[0], *BRIDGE_ENDS]), JUDGED)
    assert result.clusters == first.clusters
    order = [("left_id", "ascending"), ("right_id", "ascending")]
    assert result.pairs.sort_by(order).equals(first.pairs.sort_by(order))


def test_changed_judgements_are_applied(first: ResolutionResult, split: tuple[Rows, Rows]) -> None:
    rows = [*split[0], *BRIDGE_ENDS, *split[1]]
    ids = {r["record_id"] for r in rows}
    twin = next(i for i in sorted(ids) if i.endswith("-1") and f"{i[:-2]}-0" in ids)
    judged = [
        Judgement("p1-0", "p2-0", "same"),  # kept; the "different" on p3 is withdrawn
        Judgement("p4-0", "p5-0", "same"),
        Judgement(f"{twin[:-2]}-0", twin, "different"),
    ]
    update, scratch = both(first, rows, judged)
    assert update.clusters == scratch.clusters
    assert update.clusters["p4-0"] == update.clusters["p5-0"]
    assert update.clusters[f"{twin[:-2]}-0"] != update.clusters[twin]


def test_records_removed_and_changed(first: ResolutionResult, split: tuple[Rows, Rows]) -> None:
    rows = [r for r in split[0] if not r["record_id"].startswith("p7-")]
    changed = next(r for r in rows if r["record_id"] == "p8-0")
    rows = [r if r is not changed else {**r, "given_name": "Zebedee"} for r in rows]
    update, scratch = both(first, [*rows, *BRIDGE_ENDS])
    assert update.clusters == scratch.clusters
    assert (update.counts["fresh"], update.counts["changed"]) == (1, 1)
    assert "p7-0" not in update.clusters


def test_a_record_the_new_data_prepares_differently_is_scored_again(
    first: ResolutionResult, split: tuple[Rows, Rows]
) -> None:
    """Three people giving one phone make it a shared line: the earlier records with that
    phone now compare differently, so they are scored again."""
    phone = next(r["phone"] for r in split[0] if r["phone"])
    sharing = [person(f"line-{i}", given_name=name, surname="Okafor", phone=phone)
               for i, name in enumerate(("Ada", "Chidi", "Emeka"))]  # fmt: skip
    update, scratch = both(first, [*split[0], *BRIDGE_ENDS, *sharing])
    assert update.clusters == scratch.clusters
    assert update.counts["changed"] >= 1


def test_update_needs_a_model_and_its_scoring(first: ResolutionResult) -> None:
    with (
        PersonResolver.from_model_json(first.model_json) as resolver,
        pytest.raises(RuntimeError, match="scoring"),
    ):
        resolver.update(table(BRIDGE_ENDS), Earlier({}, kept(first)))
