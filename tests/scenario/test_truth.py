"""The ground truth agrees with itself and with every file written."""

from __future__ import annotations

from collections import Counter

from .conftest import TEXT_FIELDS, Scenario

TABLES = {"person": "persons", "business": "businesses", "premises": "premises"}


def test_every_mention_names_a_real_record_and_a_real_entity(small: Scenario) -> None:
    ids = {kind: {row["true_id"] for row in small.truth(table)} for kind, table in TABLES.items()}
    mentions = small.truth("mentions")
    assert mentions
    for row in mentions:
        assert row["true_id"] in ids[row["kind"]], row
        assert row["key"] in small.records(row["file"]), row


def test_each_slot_of_a_record_names_one_entity(small: Scenario) -> None:
    slots = Counter((row["file"], row["key"], row["slot"]) for row in small.truth("mentions"))
    assert max(slots.values()) == 1


def test_every_record_of_a_person_file_has_its_mentions(small: Scenario) -> None:
    mentioned = {(row["file"], row["key"]) for row in small.truth("mentions")}
    for file in (
        "police/intel_log.csv",
        "nhs/safeguarding.csv",
        "nrm/referrals.csv",
        "hmrc/payroll.csv",
    ):
        for key in small.records(file):
            assert (file, key) in mentioned, (file, key)


def test_text_mentions_are_found_in_the_free_text(small: Scenario) -> None:
    ids = {kind: {row["true_id"] for row in small.truth(table)} for kind, table in TABLES.items()}
    rows = small.truth("text_mentions")
    files = Counter(row["file"].split("/CALL-")[0] for row in rows)
    assert set(files) >= {*TEXT_FIELDS, "charity/hotline"}
    for row in rows:
        assert row["true_id"] in ids[row["kind"]], row
        if "/CALL-" in row["file"]:
            assert row["file"] == f"charity/hotline/{row['key']}.txt"
            text = small.records("charity/hotline")[row["key"]]["text"]
        else:
            text = small.records(row["file"])[row["key"]][TEXT_FIELDS[row["file"]]]
        assert row["text"] and row["text"] in text, row


def test_networks_and_their_members_exist(small: Scenario) -> None:
    networks = {row["network_id"]: row for row in small.truth("networks")}
    ids = {kind: {row["true_id"] for row in small.truth(table)} for kind, table in TABLES.items()}
    roles: Counter[str] = Counter()
    for row in small.truth("network_members"):
        assert row["network_id"] in networks
        roles[row["role"]] += 1
        if row["kind"] in ids:
            assert row["true_id"] in ids[row["kind"]], row
            assert not row["value"]
        else:
            assert row["kind"] in ("phone", "vehicle", "account") and row["value"], row
            assert row["true_id"] in ids["person"], row
    assert set(roles) == {
        "controller", "recruiter", "driver", "money_handler", "victim",
        "premises", "business", "phone", "vehicle", "account",
    }  # fmt: skip
    for row in networks.values():
        assert row["first_date"] <= row["last_date"] <= "2026-10-31"


def test_network_ids_in_entity_tables_agree_with_members(small: Scenario) -> None:
    members = {(row["network_id"], row["true_id"]) for row in small.truth("network_members")}
    for table in ("persons", "premises", "businesses"):
        for row in small.truth(table):
            if row["network_id"]:
                assert (row["network_id"], row["true_id"]) in members, row


def test_exploitative_premises_and_businesses_belong_to_networks(small: Scenario) -> None:
    for table in ("premises", "businesses"):
        rows = small.truth(table)
        assert any(r["exploitative"] == "true" for r in rows)
        for row in rows:
            assert row["exploitative"] in ("true", "false")
            assert (row["exploitative"] == "true") == bool(row["network_id"]), row


def test_every_file_in_sources_exists(small: Scenario) -> None:
    for entry in small.sources:
        assert (small.root / entry["file"]).exists(), entry["file"]


def test_text_links_name_a_person_and_a_value_the_text_gives(small: Scenario) -> None:
    people = {row["true_id"] for row in small.truth("persons")}
    rows = small.truth("text_links")
    kinds = Counter(row["kind"] for row in rows)
    assert set(kinds) == {"phone", "vehicle", "address", "role"}
    roles = {row["value"] for row in rows if row["kind"] == "role"}
    assert roles == {"controller", "driver", "money_handler", "recruiter", "victim"}
    for row in rows:
        assert row["true_id"] in people, row
        if "/CALL-" in row["file"]:
            text = small.records("charity/hotline")[row["key"]]["text"]
        else:
            text = small.records(row["file"])[row["key"]][TEXT_FIELDS[row["file"]]]
        if row["kind"] != "role":
            assert row["value"] and row["value"] in text, row
