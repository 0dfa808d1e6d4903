"""A common name in a large store: what the search reads, compares and counts (both databases).

Fixture strategy: a store far too small to hold a common key is made to by lowering the two
bounds (`COMMON_KEY`, the holders of one key read; `CANDIDATES`, the mentions compared) for
the test, with `monkeypatch`: forty SMITHs are then as common as forty thousand are in a
national store. The records are loaded by the real ingest (which writes the name keys) with
the search tests' mapping, and each mention is given an entity of its own.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.ingest.batches import Agency, load_file
from threadline.ingest.mapping import load_mapping
from threadline.read import View, name_candidates
from threadline.read.search import NameLookup, SearchResults, search
from threadline.security.actors import Actor, load_actor
from threadline.store import Store
from threadline.store import tables as t

from ..conftest import api_client
from .test_search import MAPPING, _agreement, _csv, _user

GIVEN = [
    "Aaron",
    "Bella",
    "Cyril",
    "Delia",
    "Edwin",
    "Fiona",
    "Gareth",
    "Hilda",
    "Ivor",
    "Jolene",
    "Kieran",
    "Lorna",
    "Magnus",
    "Nerys",
    "Osian",
    "Petra",
    "Quentin",
    "Rhona",
    "Seamus",
    "Tegan",
    "Ulric",
    "Vesna",
    "Wilbur",
    "Xenia",
    "Yorick",
    "Zelda",
    "Alonso",
    "Beatrix",
    "Casimir",
    "Dagny",
    "Emrys",
    "Fenella",
    "Gideon",
    "Honor",
    "Ingram",
    "Juno",
    "Kester",
    "Linnea",
    "Mungo",
    "Noor",
]
"""Forty given names that share no search key with one another or with Smith."""

RUNNER = CliRunner()


def _row(urn: str, given: str, surname: str) -> str:
    full = f"{given} {surname}".strip()
    return f"{urn},05/09/2025,2,B,P,,OFFICIAL,{surname},{given},{full},,,,,,,,,,Seen."


def _load(store: Store, tmp_path: Path, agency: str, rows: list[str]) -> None:
    mapping_path = tmp_path / "search_log.yaml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    loaded = load_file(store, _csv(tmp_path / f"{agency}.csv", rows),
                       load_mapping(mapping_path), Agency(agency),
                       today=date(2026, 1, 15))  # fmt: skip
    assert loaded.status == "loaded", loaded


def _resolve(store: Store) -> None:
    """An entity for each mention (e-URN), as a resolution that joined nothing would give."""
    m, r = t.mentions.c, t.records.c
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(m.id, m.schema, r.record_key).join(t.records, r.id == m.record_id)
        ).all()
        for mention_id, schema, key in rows:
            entity = f"e-{key}-{str(mention_id).rsplit(':', 1)[-1]}"
            conn.execute(sa.insert(t.entities).values(id=entity, schema=schema))
            conn.execute(sa.update(t.mentions).where(m.id == mention_id).values(entity_id=entity))
        conn.commit()


def _search(store: Store, username: str, text: str, **options: object) -> SearchResults:
    with store.connect() as conn:
        actor = load_actor(conn, username)
        assert actor is not None
        found = search(View(conn, actor), text, **options)  # type: ignore[arg-type]
        conn.commit()
    return found


def _newest(store: Store, n: int) -> set[int]:
    with store.connect() as conn:
        query = sa.select(t.records.c.id).order_by(t.records.c.id.desc()).limit(n)
        return set(conn.execute(query).scalars())


@pytest.fixture
def smiths(store: Store, local: Actor, tmp_path: Path) -> Store:
    """Driton SMITH's record first (the oldest), then forty other SMITHs."""
    rows = [_row("S00", "Driton", "SMITH")]
    rows += [_row(f"S{i + 1:02}", given, "SMITH") for i, given in enumerate(GIVEN)]
    _load(store, tmp_path, "local", rows)
    _resolve(store)
    return store


def test_the_same_hits_while_no_key_is_common(smiths: Store) -> None:
    found = _search(smiths, "analyst", "Smith", limit=200)
    assert (found.total, found.at_least) == (41, False)
    assert found.as_dict()["at_least"] is False


def test_a_common_key_is_read_for_its_newest_holders_only(
    smiths: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(name_candidates, "COMMON_KEY", 10)
    found = _search(smiths, "analyst", "Smith", limit=200)
    # Every key of "Smith" is held by 41 mentions: ten of them are read, the newest.
    assert (found.total, found.at_least) == (10, True)
    assert {r for hit in found.hits for r in hit.records} == _newest(smiths, 10)
    assert found.as_dict()["at_least"] is True


def test_a_rare_name_beside_a_common_one_is_still_found_first(
    smiths: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(name_candidates, "COMMON_KEY", 10)
    monkeypatch.setattr(name_candidates, "CANDIDATES", 5)
    # Driton's record is the oldest, so no SMITH key read leads to it; his own keys do, and
    # the SMITH keys he holds are counted for him (seven shared: first of all).
    found = _search(smiths, "analyst", "Driton Smith")
    assert found.hits[0].entity_id == "e-S00-subject"
    assert found.hits[0].score == 1.0 and found.at_least
    assert "Driton" in found.hits[0].matches[0].value


def test_the_cap_on_names_compared(smiths: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(name_candidates, "CANDIDATES", 7)
    found = _search(smiths, "analyst", "Smith", limit=200)
    assert (found.total, found.at_least) == (7, True)
    assert not found.more  # nothing is promised beyond what was compared


@pytest.fixture
def shared(store: Store, local: Actor, tmp_path: Path) -> Store:
    """The local agency's five SMITHs known by that name alone, then the partner's thirty John
    SMITHs (newer); the local analyst sees both (the partner shares with the local agency),
    ``bee`` (agency b) the local records only, by agreement."""
    _load(store, tmp_path, "local", [_row(f"L{i}", "", "SMITH") for i in range(5)])
    partner = tmp_path / "partner"
    partner.mkdir()
    _load(store, partner, "partner", [_row(f"P{i:02}", "John", "SMITH") for i in range(30)])
    _resolve(store)
    with store.connect() as conn:
        _user(conn, "bee", "b", os_cleared=False)
        _agreement(conn, "local", "b", conditioned=False)
        _agreement(conn, "partner", "local", conditioned=False)
        conn.commit()
    return store


def test_mentions_the_user_may_not_see_take_no_place_and_no_count(
    shared: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The partner's John SMITHs share every key of "John Smith" and rank first: bee may see
    # none of them, so the ranking is read on, page after page, to bee's own five.
    monkeypatch.setattr(name_candidates, "CANDIDATES", 10)
    found = _search(shared, "bee", "John Smith")
    assert (found.total, found.at_least) == (5, False)
    assert {h.entity_id for h in found.hits} == {f"e-L{i}-subject" for i in range(5)}
    assert all(h.agencies == ("local",) for h in found.hits)
    monkeypatch.setattr(name_candidates, "CANDIDATES", 3)
    found = _search(shared, "bee", "John Smith")
    assert (found.total, found.at_least) == (3, True)
    assert all(h.entity_id.startswith("e-L") for h in found.hits)
    everyone = _search(shared, "analyst", "John Smith", limit=50)
    assert everyone.hits[0].entity_id.startswith("e-P") and everyone.total == 3
    with shared.connect() as conn:
        details = conn.execute(
            sa.select(t.audit_events.c.detail)
            .where(t.audit_events.c.operation == "search")
            .order_by(t.audit_events.c.id)
        ).scalars().all()  # fmt: skip
    assert [d.get("at_least", False) for d in details] == [False, True, True]


def test_the_command_and_the_api_say_at_least(
    smiths: Store, store_url: str, local: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(name_candidates, "COMMON_KEY", 10)
    result = RUNNER.invoke(app, ["search", "Smith", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "at least 10 hit(s)" in result.output and "a common name" in result.output
    result = RUNNER.invoke(app, ["search", "Smith", "--json", "--db", store_url])
    data = json.loads(result.output)
    assert (data["total"], data["at_least"]) == (10, True)
    from threadline.security.sessions import add_token

    with smiths.connect() as conn:
        token = add_token(conn, local, "tests-search")
        conn.commit()
    with api_client(store_url, token) as http:
        answer = http.get("/api/v1/search", params={"q": "Smith"})
        assert (answer.json()["total"], answer.json()["at_least"]) == (10, True)
        page = http.get("/search", params={"q": "Smith"})
        assert page.status_code == 200
        assert "At least 10 found (a common name" in page.text


@pytest.mark.parametrize("typed", ["Driton Koçi", "Nguyen Thi Lan", "Yuan", "Abdul-Karim Ali"])
def test_each_words_keys_are_those_that_cover_it(typed: str) -> None:
    lookup = NameLookup.of(typed)
    words = lookup.word_keys()
    assert len(words) == len(lookup.words)
    for key in lookup.keys:  # what a mention holding one key covers, either way
        assert lookup.covered([key]) == {i for i, held in enumerate(words) if key in held}
