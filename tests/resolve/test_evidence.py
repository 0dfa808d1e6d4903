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


def _sisters(anna_born: str | None) -> list[dict[str, str | None]]:
    # Two sisters of one house, with names alike but for the first letter.
    home = {"surname": "Wojciechowska", "address": "41 Granby Row", "postcode": "M8 4LX"}
    return [
        person("anna", source="police", given_name="Anna", date_of_birth=anna_born, **home),
        person("hanna", source="council", given_name="Hanna", **home),
    ]


def test_sisters_whose_names_differ_in_the_first_letter_are_two_people(
    resolve_with: Callable[..., Any],
) -> None:
    resolver, result = resolve_with(_sisters(None))
    try:
        assert result.clusters["anna"] != result.clusters["hanna"]
        assert any(
            {left, right} == {"anna", "hanna"} and "of one family conflict" in words
            for left, right, words in result.kept_apart
        )
        given = resolver.explain_pair("anna", "hanna").contribution("given_name")
        assert "another first letter" in given.level
        assert given.weight < 3
    finally:
        resolver.close()


def test_a_name_in_arabic_script_matches_its_romanisation(
    resolve_with: Callable[..., Any],
) -> None:
    rows = [
        person("latin", source="nhs", given_name="Mohammed", surname="Hussain",
               date_of_birth="1979-03-14", phone="07700 900 777"),
        person("arabic", source="immigration", full_name="محمد حسين",
               date_of_birth="1979-03-14", phone="07700900777"),
        person("other", source="immigration", full_name="أحمد خان",
               date_of_birth="1979-03-14"),
    ]  # fmt: skip
    resolver, result = resolve_with(rows)
    try:
        assert result.clusters["latin"] == result.clusters["arabic"]
        assert result.clusters["other"] != result.clusters["latin"]
        why = resolver.explain_pair("latin", "arabic")
        for field in ("given_name", "surname"):
            assert "Arabic or Hebrew script" in why.contribution(field).level
            assert why.contribution(field).weight > 0
        assert "Arabic" not in resolver.explain_pair("latin", "other").contribution("surname").level
    finally:
        resolver.close()
