"""Victims no agency has recognised, and innocent decoys, in the emergency department's file."""

from __future__ import annotations

from collections import defaultdict

from .conftest import Scenario

FILE = "nhs/ed_attendances.csv"


def test_hidden_victims_appear_only_in_attendances_with_indirect_signs(small: Scenario) -> None:
    people = {r["true_id"]: r for r in small.truth("people")}
    kinds = {r["kind"] for r in people.values()}
    assert kinds == {"unrecognised_victim", "decoy_family", "decoy_staff"}
    files: dict[str, set[str]] = defaultdict(set)
    for m in small.truth("mentions"):
        files[m["true_id"]].add(m["file"])
    members = {(r["true_id"], r["role"]) for r in small.truth("network_members")}
    rows = small.records(FILE)
    for true_id, row in people.items():
        if row["kind"] != "unrecognised_victim":
            assert not row["network_id"]
            continue
        assert files[true_id] == {FILE}, true_id  # no other agency holds them
        assert (true_id, "victim") in members and "indicators" in row["signs"]
        assert len(row["signs"].split(";")) >= 2
    keys = {m["key"] for m in small.truth("mentions")
            if m["file"] == FILE and m["slot"] == "patient"
            and people.get(m["true_id"], {}).get("kind") == "unrecognised_victim"}  # fmt: skip
    assert keys and all(rows[k]["Triage Notes"] for k in keys)


def test_decoys_share_signs_but_not_exploitation(small: Scenario) -> None:
    people = {r["true_id"]: r["kind"] for r in small.truth("people")}
    rows = small.records(FILE)
    notes = defaultdict(list)
    for m in small.truth("mentions"):
        if m["file"] == FILE and m["slot"] == "patient" and m["true_id"] in people:
            notes[people[m["true_id"]]].append(rows[m["key"]])
    assert all("overcrowded" in r["Triage Notes"] for r in notes["decoy_family"])
    assert all(r["Accompanied By"] for r in notes["decoy_family"])
    assert all(r["Employer Given"] for r in notes["decoy_staff"])
    assert {r["Address Given"] for r in notes["decoy_staff"]} != {""}
