"""Cluster integrity in the store, on both databases: contradicting records kept apart and
explained, and `resolve split` recording an analyst's split as judgements that undo."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.ingest.deliveries import ingest_folder
from threadline.resolve import resolve_store
from threadline.scenario.agreements import record_agreements
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t


def entity_of(store: Store) -> dict[str, str]:
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.mentions.c.id, t.mentions.c.entity_id).where(
                t.mentions.c.entity_id.is_not(None)
            )
        ).all()
    return {str(m): str(e) for m, e in rows}


def run(store: Store) -> None:
    with store.connect() as conn:
        resolve_store(conn)


def latest_state(store: Store) -> dict[str, object]:
    with store.connect() as conn:
        state = (
            conn.execute(
                sa.select(t.resolution_runs.c.state).order_by(t.resolution_runs.c.id.desc())
            )
            .scalars()
            .first()
        )
    assert isinstance(state, dict)
    return state


def test_kept_apart_explained_and_split_by_an_analyst(
    store: Store, store_url: str, small_scenario: Path, local: Actor
) -> None:
    ingest_folder(store, small_scenario)
    record_agreements(store, small_scenario)
    run(store)
    first = entity_of(store)
    cli = CliRunner()

    # The run keeps the records it kept apart, with the reason; explain tells them.
    kept = latest_state(store)["kept_apart"]
    assert isinstance(kept, list) and kept, "the small scenario has namesakes kept apart"
    for left, right, words in kept:
        assert first[left] != first[right]
        assert "conflict" in words
    # (Explaining scores the store again: stop at the first pair the owner may see whole.)
    told = (
        " ".join(
            cli.invoke(app, ["resolve", "explain", first[left], "--db", store_url]).output.split()
        )
        for left, _, _ in kept
    )
    assert any("kept apart:" in text and "conflict" in text for text in told)

    # An entity with no contradicting records: the proposal splits nothing.
    people: dict[str, list[str]] = {}
    for mention, entity in first.items():
        if entity.startswith("per-"):
            people.setdefault(entity, []).append(mention)
    biggest = max(people, key=lambda e: (len(people[e]), e))
    proposal = cli.invoke(app, ["resolve", "split", biggest, "--db", store_url, "--json"])
    assert proposal.exit_code == 0, proposal.output
    proposed = json.loads(proposal.output)
    assert proposed["protection"]["marking"].startswith("OFFICIAL")
    assert proposed["judgements"] == [] and proposed["contradictions"] == []

    # The analyst's own split of the mentions they may see: two groups, recorded as
    # judgements, applied by a run.
    mentions = sorted([m for g in proposed["groups"] for m in g] + proposed["unplaced"])
    assert set(mentions) <= set(people[biggest]) and len(mentions) >= 4
    half = len(mentions) // 2
    one, two = mentions[:half], mentions[half:]
    done = cli.invoke(
        app,
        ["resolve", "split", biggest, "--group", ",".join(one), "--group", ",".join(two),
         "--db", store_url, "--json"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    made = json.loads(done.output)["judgements"]
    assert len(made) == len(mentions) - 2 + 1  # "same" within each group, one "different"
    run(store)
    after = entity_of(store)
    assert len({after[m] for m in one}) == 1 and len({after[m] for m in two}) == 1
    assert after[one[0]] != after[two[0]]
    assert biggest in {after[one[0]], after[two[0]]}, "the larger part keeps the entity's id"

    # Undone, the entity is whole again under its id.
    for judgement in made:
        undone = cli.invoke(app, ["resolve", "undo", str(judgement), "--db", store_url])
        assert undone.exit_code == 0, undone.output
    run(store)
    assert {entity_of(store)[m] for m in mentions} == {biggest}

    # A mention that is not the entity's is refused, and nothing is recorded.
    stranger = next(m for m, e in first.items() if e.startswith("per-") and e != biggest)
    refused = cli.invoke(
        app, ["resolve", "split", biggest, "--group", f"{one[0]},{stranger}", "--db", store_url]
    )
    assert refused.exit_code != 0
    with store.connect() as conn:
        active = conn.execute(
            sa.select(sa.func.count()).where(t.judgements.c.deleted_at.is_(None))
        ).scalar_one()
    assert active == 0

    # One group splits its mentions off from the rest of the entity.
    alone = cli.invoke(
        app, ["resolve", "split", biggest, "--group", ",".join(one), "--db", store_url, "--json"]
    )
    assert alone.exit_code == 0, alone.output
    shown = json.loads(alone.output)
    assert shown["groups"] == [one, two] and shown["unplaced"] == []
    assert len(shown["judgements"]) == len(mentions) - 2 + 1
