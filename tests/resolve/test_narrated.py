"""People a narrative names join the person the records make them, by rules an analyst can
read out (threadline.resolve.narrated), on both databases; judgements beat the rules."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from threadline.ingest.batches import Agency, load_file
from threadline.ingest.mapping import load_mapping
from threadline.resolve import resolve_store
from threadline.resolve.judgements import record_judgement, withdraw_judgement
from threadline.security import Actor
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parents[1] / "ingest" / "fixtures"
COLUMNS = ["urn", "recorded", "source_eval", "intel_assess", "handling", "conditions",
           "marking", "surname", "forenames", "dob", "role", "phone", "address", "postcode",
           "narrative"]  # fmt: skip
FLAT = ("Flat 3, 10 Wrenbrook Grove", "NS1 4AB")
WASH = ("Unit 4, Mill Road", "NS2 2BB")
ROWS = [
    # The subject, and his own log's narrative naming him.
    ("IR1", "SANDU", "Alin", "10/07/1984", "suspect", *FLAT,
     "Alin Sandu supplies workers to farms and factories."),
    # A victim at the same flat: her log names him.
    ("IR2", "POPA", "Maria", "02/02/1999", "victim", *FLAT,
     "She says she was recruited by Alin Sandu in Bucharest."),
    # A log with nothing in common with his: the name alone.
    ("IR3", "VLAD", "Dan", "03/03/1970", "witness", "1 Far Lane", "NS8 8XX",
     "The caller said Alin Sandu collects the wages."),
    # One word is not a name to join on.
    ("IR4", "DOBRE", "Ana", "04/04/1990", "victim", *FLAT,
     "She says a man called Sandu took her passport."),
    # A man no record has as a person, named by two logs about one car wash, and by a third
    # about somewhere else.
    ("IR5", "GREEN", "Amy", "05/05/2001", "victim", *WASH,
     "She works for a man called Tommy Gibson."),
    ("IR6", "WHITE", "Sam", "06/06/2002", "victim", *WASH, "Tommy Gibson collects the wages."),
    ("IR7", "BLACK", "Tim", "07/07/1977", "witness", "2 Far Lane", "NS8 8XY",
     "Tommy Gibson collects the wages."),
]  # fmt: skip


def _load(store: Store, tmp_path: Path, rows: Sequence[tuple[str, ...]] = ROWS) -> None:
    path = tmp_path / "intel.csv"
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for urn, surname, forenames, dob, role, address, postcode, narrative in rows:
            out.writerow([urn, "05/09/2025", "2", "B", "P", "", "OFFICIAL", surname, forenames,
                          dob, role, "", address, postcode, narrative])  # fmt: skip
    mapping = load_mapping(FIXTURES / "intel.yaml")
    assert load_file(store, path, mapping, Agency("testforce")).status == "loaded"


def _resolve(store: Store) -> dict[str, str]:
    with store.connect() as conn:
        resolve_store(conn)
        rows = conn.execute(sa.select(t.mentions.c.id, t.mentions.c.entity_id)).all()
    return {str(m): str(e) for m, e in rows}


def _narrated(entity_of: dict[str, str], urn: str) -> list[str]:
    """The people the log `urn`'s narrative names, as mention ids."""
    prefix = f"testforce/test_intel:{urn}:text:narrative:person"
    return sorted(m for m in entity_of if m.startswith(prefix))


def test_a_narrative_person_joins_the_records_person_by_the_rules(
    store: Store, tmp_path: Path, local: Actor
) -> None:
    _load(store, tmp_path)
    entity_of = _resolve(store)
    sandu = entity_of["testforce/test_intel:IR1:subject"]
    (own,) = _narrated(entity_of, "IR1")
    (recruiter,) = _narrated(entity_of, "IR2")
    (caller,) = _narrated(entity_of, "IR3")
    (one_word,) = _narrated(entity_of, "IR4")
    assert entity_of[own] == sandu, "his own log's narrative speaks of him"
    assert entity_of[recruiter] == sandu, "the same full name, and the flat in common"
    assert entity_of[caller] != sandu, "the name alone, with nothing in common, is not enough"
    assert entity_of[one_word] != sandu, "a surname alone is not a name to join on"
    gibson = {urn: entity_of[_narrated(entity_of, urn)[0]] for urn in ("IR5", "IR6", "IR7")}
    assert gibson["IR5"] == gibson["IR6"], "one name, one car wash: one man"
    assert gibson["IR7"] != gibson["IR5"], "the same name somewhere else may be another man"

    # An analyst says the recruiter is someone else: the rule gives way, and comes back
    # when the judgement is undone.
    with store.connect() as conn:
        made = record_judgement(conn, local, recruiter, "testforce/test_intel:IR1:subject",
                                "different", "a namesake: different age")  # fmt: skip
    entity_of = _resolve(store)
    assert entity_of[recruiter] != sandu
    assert entity_of[own] == sandu
    with store.connect() as conn:
        withdraw_judgement(conn, local, made, "judged in error")
    entity_of = _resolve(store)
    assert entity_of[recruiter] == sandu

    # And one who says the caller's Alin Sandu is him is followed.
    with store.connect() as conn:
        record_judgement(conn, local, caller, "testforce/test_intel:IR1:subject", "same",
                         "the caller described him")  # fmt: skip
    entity_of = _resolve(store)
    assert entity_of[caller] == sandu


def test_of_two_namesakes_a_narrative_person_joins_the_one_its_record_shares_with(
    store: Store, tmp_path: Path
) -> None:
    """Two men called Alin Sandu are on record, years and miles apart; a log about the flat
    one of them lives at names "Alin Sandu": it speaks of him, not of the other."""
    namesake_row = ("IR8", "SANDU", "Alin", "21/11/1951", "witness", "7 Far Lane", "NS9 9ZZ",
                    "He saw nothing.")  # fmt: skip
    _load(store, tmp_path, [*ROWS, namesake_row])
    entity_of = _resolve(store)
    sandu, namesake = (entity_of[f"testforce/test_intel:{urn}:subject"] for urn in ("IR1", "IR8"))
    assert sandu != namesake, "two men of one name, 33 years apart"
    (recruiter,) = _narrated(entity_of, "IR2")
    (caller,) = _narrated(entity_of, "IR3")
    assert entity_of[recruiter] == sandu, "the flat in common with one of them"
    assert entity_of[caller] not in {sandu, namesake}, "nothing in common with either"
