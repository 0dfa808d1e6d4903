"""Evidence rules of issue 16: one-name notes, phones written in many ways, close given names
in one family, names in Arabic script against their romanisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from threadline.resolve import prepare

from .conftest import person, table


def _lan(note_given: str, note_phone: str | None) -> list[dict[str, str | None]]:
    return [
        person("lan-nhs", source="nhs", given_name="Oluwaseun", surname="Adebayo-Okafor",
               date_of_birth="1991-04-17", address="12 Foundry Way", postcode="M4 7QT"),
        person("lan-police", source="police", full_name="ADEBAYO-OKAFOR, Oluwaseun",
               date_of_birth="17/04/1991", address="12 Foundry Way"),
        person("lan-council", source="council", full_name="Oluwaseun Adebayo-Okafor",
               date_of_birth="17/04/1991", phone="07700 900 123"),
        person("lan-note", source="hotline", given_name=note_given, phone=note_phone),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "phone", "joined", "why"),
    [
        ("Oluwaseun", "+44 7700 900123", True, "the name and the phone, written otherwise"),
        ("Chidinma", "07700900123", False, "the phone, but another given name"),
        ("Oluwaseun", None, False, "a given name alone is no evidence"),
    ],
)
def test_a_one_name_note_joins_the_person_only_with_other_evidence(
    resolve_with: Callable[..., Any], given: str, phone: str | None, joined: bool, why: str
) -> None:
    resolver, result = resolve_with(_lan(given, phone))
    try:
        clusters = result.clusters
        assert clusters["lan-nhs"] == clusters["lan-council"]
        assert (clusters["lan-note"] == clusters["lan-nhs"]) is joined, why
    finally:
        resolver.close()


def test_one_mobile_written_in_every_way_is_one_number() -> None:
    forms = ["07700 900 123", "07700 900123", "07700900123", "+44 7700 900123",
             "+44 (0)7700 900123", "0044 7700 900123", "447700900123", "7700 900123",
             "(07700) 900-123", "+44-7700-900-123"]  # fmt: skip
    rows = [person(f"r{i}", given_name="Anna", phone=form) for i, form in enumerate(forms)]
    phones = prepare(table(rows)).column("phone").to_pylist()
    assert set(phones) == {"+447700900123"}, dict(zip(forms, phones, strict=True))
