"""`threadline resolve` after a new batch: only what the batch touches is scored, and the
people come out as scoring everything with the same model would make them, on both
databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from threadline.cli import app
from threadline.ingest.deliveries import ingest_folder
from threadline.resolve import ResolveSummary, resolve_store
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t

HELD_BACK = "nhs/safeguarding.csv"
"""The batch that arrives after the first run: patients and whoever came with them."""


def split(scenario: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two folders listing the scenario's files: all but one, and that one."""
    data = yaml.safe_load((scenario / "sources.yaml").read_text(encoding="utf-8"))
    folders = []
    for name, held in (("first", False), ("second", True)):
        folder = tmp_path / name
        shutil.copytree(scenario, folder)
        entries = [entry for entry in data["sources"] if (entry["file"] == HELD_BACK) == held]
        text = yaml.safe_dump({**data, "sources": entries})
        (folder / "sources.yaml").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders[0], folders[1]


def resolve(store: Store, **options: int | bool) -> ResolveSummary:
    with store.connect() as conn:
        return resolve_store(conn, **options)  # type: ignore[arg-type]


def entities(store: Store) -> dict[str, list[str]]:
    """Entity id -> its mentions."""
    out: dict[str, list[str]] = {}
    with store.connect() as conn:
        rows = conn.execute(sa.select(t.mentions.c.id, t.mentions.c.entity_id)).all()
    for mention, entity in sorted(rows):
        if entity is not None:
            out.setdefault(entity, []).append(mention)
    return out


def partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(members) for members in entities(store).values()}


def judge(store: Store, left: str, right: str, verdict: str) -> None:
    with store.connect() as conn:
        user = conn.execute(sa.select(sa.func.min(t.users.c.id))).scalar_one()
        a, b = sorted((left, right))
        conn.execute(
            sa.insert(t.judgements).values(left_id=a, right_id=b, verdict=verdict, user_id=user)
        )


def test_a_new_batch_is_resolved_incrementally(
    store: Store, store_url: str, small_scenario: Path, tmp_path: Path, local: Actor
) -> None:
    first, second = split(small_scenario, tmp_path)
    ingest_folder(store, first)
    trained = resolve(store)
    assert trained.mode == "trained"

    # Judgements made between the runs: split the largest person, join two others.
    people = {e: m for e, m in entities(store).items() if e.startswith("per-")}
    biggest = max(people, key=lambda e: (len(people[e]), e))
    apart = sorted(people[biggest])[:2]
    judge(store, apart[0], apart[1], "different")
    others = sorted(e for e in people if e != biggest)[:2]
    together = (people[others[0]][0], people[others[1]][0])
    judge(store, together[0], together[1], "same")

    ingest_folder(store, second)
    update = resolve(store)
    assert update.mode == "incremental"
    assert 0 < update.fresh < update.mentions / 4
    after = entities(store)
    entity_of = {m: e for e, members in after.items() for m in members}
    assert entity_of[apart[0]] != entity_of[apart[1]]
    assert entity_of[together[0]] == entity_of[together[1]]
    incremental = partition(store)

    # Everything scored with the first run's model, frequencies and blocking: the same.
    scratch = resolve(store, model_of=trained.run_id)
    assert scratch.mode == "rescored"
    assert partition(store) == incremental
    assert entities(store) == after, "and every entity keeps its id"

    # Nothing new: nothing to do.
    again = resolve(store)
    assert (again.mode, again.run_id) == ("unchanged", scratch.run_id)
    assert entities(store) == after
    said = CliRunner().invoke(app, ["resolve", "--json", "--db", store_url])
    assert said.exit_code == 0, said.output
    assert json.loads(said.output)["mode"] == "unchanged"
    # A judgement withdrawn: the people it touches are clustered again, the rest kept.
    with store.connect() as conn:
        conn.execute(sa.update(t.judgements).values(deleted_at=sa.func.now()))
    withdrawn = resolve(store)
    assert (withdrawn.mode, withdrawn.fresh) == ("incremental", 0)
    entity_of = {m: e for e, members in entities(store).items() for m in members}
    assert entity_of[together[0]] != entity_of[together[1]]
    # Only vehicles changed: the people are kept as they are.
    with store.connect() as conn:
        drop = sa.delete(t.statements).where(t.statements.c.schema == "Vehicle")
        assert conn.execute(drop).rowcount > 0
    kept = resolve(store)
    assert (kept.mode, kept.fresh) == ("kept", 0)

    # A full run trains afresh.
    assert resolve(store, full=True).mode == "trained"
