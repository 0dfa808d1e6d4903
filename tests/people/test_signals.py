"""Each people signal, from case tables an analyst can read and review.

A case is a story: who and what the records hold (built with the one-line factory), whom the
signal should flag (with the least score expected), whom it must not, and words its reason
must contain. Grades are as analysts write them: ``1A``, ``2D``...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from threadline.people import load_people_weights, people_context, registered_signals
from threadline.risk.plugins import evaluate

Case = Any
AS_OF = date(2026, 10, 31)
PHONE = "+447700900123"


@dataclass(frozen=True)
class SignalCase:
    """One story for one signal."""

    signal: str
    story: str
    build: Callable[[Case], dict[str, str]]
    flags: dict[str, float] = field(default_factory=dict)
    spares: tuple[str, ...] = ()
    says: tuple[str, ...] = ()


def nrm(case: Case) -> int:
    """An NRM referral: a record about exploitation."""
    return int(case.record("nrm", "1B", source="nrm_referrals"))


def victim(case: Case, name: str, **props: str) -> str:
    return str(case.e("Person", name, role="potential_victim", record=nrm(case), **props))


def suspect(case: Case, name: str, **props: str) -> str:
    return str(case.e("Person", name, role="suspect", record=nrm(case), **props))


# -- victims' signals ---------------------------------------------------------------------


def lodger_with_victims(family: bool = False, weak: bool = False) -> Callable[[Case], Any]:
    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "4 Mill Street")}
        for n in range(2):
            if weak:  # an NHS safeguarding patient: a potential victim of anything
                record = case.record("nhs", "1B", source="nhs_safeguarding", text="Self-neglect")
                person = case.e("Person", f"Patient{n} Other{n}", role="potential_victim",
                                record=record)  # fmt: skip
            else:
                person = victim(case, f"Victim{n} Pop")
            case.link(person, "lives_at", ids["house"], agency="council", grade="1B")
        name = "Lodger Pop" if family else "Lodger Quiet"
        ids["lodger"] = case.e("Person", name, agency="nhs", grade="1B")
        case.link(ids["lodger"], "lives_at", ids["house"], agency="nhs", grade="1B")
        return ids

    return build


def paid_into(count: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"account": case.e("BankAccount", "Account", accountNumber="200000-12345678"),
               "holder": case.e("Person", "Money HANDLER")}  # fmt: skip
        case.link(ids["holder"], "holds_account", ids["account"], agency="hmrc")
        for n in range(count):
            ids[f"p{n}"] = case.e("Person", f"Payee{n} Name{n}", agency="hmrc")
            case.link(ids[f"p{n}"], "paid_into", ids["account"], agency="hmrc")
        return ids

    return build


def gives_the_line(adverts: int = 0, kin: bool = False) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"boss": suspect(case, "Hung TRAN", phone=PHONE)} if not adverts else {}
        ids["worker"] = case.e("Person", "Van TRAN" if kin else "Lan NGUYEN", phone=PHONE,
                               agency="nhs", grade="1B")  # fmt: skip
        for _ in range(adverts):
            case.e("Note", "Advert", record=case.record("adverts", "2D", source="osint_adverts"),
                   phone=PHONE)  # fmt: skip
        return ids

    return build


def came_with(kin: bool = False) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"boss": suspect(case, "Arben HOXHA")}
        ids["patient"] = case.e("Person", "Ilir HOXHA" if kin else "Patient Quiet", agency="nhs")
        case.link(ids["patient"], "accompanied_by", ids["boss"], agency="nhs", grade="1B")
        return ids

    return build


def staff_at_the_farm(case: Case) -> dict[str, str]:
    ids = {"farm": case.e("Address", "Manor Farm, Fen Lane"),
           "firm": case.e("Company", "Manor Farm Ltd"),
           "staff": case.e("Person", "Staff Member", agency="nhs"),
           "neighbour": case.e("Person", "Neighbour Elsewhere", agency="nhs"),
           "cottage": case.e("Address", "2 Fen Lane")}  # fmt: skip
    case.link(ids["firm"], "located_at", ids["farm"], agency="companies")
    case.link(ids["staff"], "lives_at", ids["farm"], agency="nhs", grade="1B")
    case.link(ids["neighbour"], "lives_at", ids["cottage"], agency="nhs", grade="1B")
    return ids


def one_passport(family: bool) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"doc": case.e("Identification", "IT X1234567", number="X1234567"),
               "a": case.e("Person", "Ana Pop"),
               "b": case.e("Person", "Bea Pop" if family else "Bea Lungu")}  # fmt: skip
        for holder in ("a", "b"):
            case.link(ids[holder], "holds_document", ids["doc"], agency="ie")
        return ids

    return build


def described(case: Case) -> dict[str, str]:
    notes = "Appears malnourished; has few personal possessions; fearful."
    record = case.record("nhs", "1B", source="nhs_ed_attendances", text=notes)
    ids = {"patient": case.e("Person", "Patient Quiet", record=record),
           "companion": case.e("Person", "Companion Loud", record=record),
           "other": case.e("Person", "Other Patient", agency="nhs")}  # fmt: skip
    case.link(ids["patient"], "accompanied_by", ids["companion"], records=[record])
    return ids


# -- suspects' signals ---------------------------------------------------------------------


def landlord_of(houses: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"landlord": case.e("Person", "Landlord Many", agency="council")}
        for n in range(houses):
            house = case.e("Address", f"{n + 1} Mill Street")
            case.link(victim(case, f"Tenant{n} Name{n}"), "lives_at", house)
            case.link(ids["landlord"], "landlord_of", house, agency="council")
        return ids

    return build


def directs_a_flagged_wash(case: Case) -> dict[str, str]:
    ids = paid_into(4)(case)
    ids["firm"] = case.e("Company", "Sparkle Hand Car Wash Ltd")
    ids["director"] = case.e("Person", "Director Boss", agency="companies")
    ids["clean"] = case.e("Company", "Clean Books Ltd")
    ids["honest"] = case.e("Person", "Honest Director", agency="companies")
    for n in range(4):
        record = case.mention(ids[f"p{n}"], agency="hmrc")
        case.link(ids[f"p{n}"], "works_for", ids["firm"], records=[record])
        case.link(ids[f"p{n}"], "paid_into", ids["account"], records=[record])
    case.link(ids["director"], "director_of", ids["firm"], agency="companies")
    case.link(ids["honest"], "director_of", ids["clean"], agency="companies")
    return ids


def accompanies(count: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"boss": case.e("Person", "Driver Boss", agency="nhs")}
        for n in range(count):
            person = victim(case, f"Victim{n} Name{n}")
            case.link(person, "accompanied_by", ids["boss"], agency="nhs", grade="1B")
        return ids

    return build


def referrals_name_the_line(count: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"boss": case.e("Person", "Line Holder", phone=PHONE, agency="police")}
        for n in range(count):
            record = nrm(case)
            case.e("Person", f"Referred{n} Name{n}", role="potential_victim", record=record)
            case.note(record, phone=PHONE)  # "the boss, phone 07700 900123"
        return ids

    return build


def advertised_line(adverts: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"boss": case.e("Person", "Line Holder", phone=PHONE)}
        for _ in range(adverts):
            case.e("Note", "Advert", record=case.record("adverts", "2D", source="osint_adverts"),
                   phone=PHONE)  # fmt: skip
        return ids

    return build


CASES = [
    SignalCase("lives_with_victims", "a lodger in a house of two NRM-referred people",
               lodger_with_victims(), {"lodger": 0.5}, says=("people named victims",)),
    SignalCase("lives_with_victims", "their relative lives with them", lodger_with_victims(True),
               spares=("lodger",)),
    SignalCase("lives_with_victims", "the others are NHS safeguarding patients only",
               lodger_with_victims(weak=True), spares=("lodger",)),
    SignalCase("paid_into_shared_account", "four people paid into one account", paid_into(4),
               {"p0": 0.5}, spares=("holder",), says=("receives the wages of 4 people",)),
    SignalCase("paid_into_shared_account", "two people paid into one account", paid_into(2),
               spares=("p0", "holder")),
    SignalCase("suspect_line", "gives the phone a suspect gives", gives_the_line(),
               {"worker": 0.5}, spares=("boss",), says=("named a suspect",)),
    SignalCase("suspect_line", "the suspect is family", gives_the_line(kin=True),
               spares=("worker",)),
    SignalCase("suspect_line", "gives the phone ten adverts carry", gives_the_line(10),
               {"worker": 0.5}, says=("adverts",)),
    SignalCase("accompanied_by_suspect", "came to hospital with a suspect", came_with(),
               {"patient": 0.9}, says=("accompanied by Arben HOXHA",)),
    SignalCase("accompanied_by_suspect", "came with a relative named a suspect",
               came_with(kin=True), spares=("patient",)),
    SignalCase("employer_address_home", "lives where a farm trades", staff_at_the_farm,
               {"staff": 0.9}, spares=("neighbour",), says=("Manor Farm Ltd",)),
    SignalCase("shared_document", "one passport, two unrelated people", one_passport(False),
               {"a": 0.9, "b": 0.9}),
    SignalCase("shared_document", "one passport, two of a family", one_passport(True),
               spares=("a", "b")),
    SignalCase("indicator_text", "triage notes with three indicators", described,
               {"patient": 0.5}, spares=("companion", "other"), says=("malnourish",)),
    SignalCase("landlord_of_victims", "lets two houses of victims", landlord_of(2),
               {"landlord": 0.5}),
    SignalCase("landlord_of_victims", "lets one house of victims", landlord_of(1),
               spares=("landlord",)),
    SignalCase("director_of_flagged", "directs a car wash paying wages into one account",
               directs_a_flagged_wash, {"director": 0.5}, spares=("honest",)),
    SignalCase("accompanies_victims", "accompanied three referred people", accompanies(3),
               {"boss": 0.5}),
    SignalCase("accompanies_victims", "accompanied one", accompanies(1), spares=("boss",)),
    SignalCase("named_in_referrals", "three referrals give their phone as the exploiter's",
               referrals_name_the_line(3), {"boss": 0.6}, says=("referrals of 3 people",)),
    SignalCase("named_in_referrals", "one referral does", referrals_name_the_line(1),
               spares=("boss",)),
    SignalCase("advert_line", "ten adverts carry their phone", advertised_line(10),
               {"boss": 0.9}),
    SignalCase("advert_line", "two adverts carry it", advertised_line(2), spares=("boss",)),
]  # fmt: skip


def run(case: Case, name: str) -> dict[str, Any]:
    view = case.view()
    ctx, _ = people_context(view, load_people_weights(), AS_OF)
    chosen = [s for s in registered_signals() if s.name == name]
    return {e: f for f in evaluate(ctx, chosen) for e in f.entity_ids}


@pytest.mark.parametrize("spec", CASES, ids=[f"{c.signal}: {c.story}" for c in CASES])
def test_signal_case(case: Case, spec: SignalCase) -> None:
    ids = spec.build(case)
    found = run(case, spec.signal)
    for name, least in spec.flags.items():
        assert ids[name] in found, f"{spec.story}: {name} should be flagged"
        assert found[ids[name]].score >= least, f"{spec.story}: {found[ids[name]]}"
        assert found[ids[name]].evidence and found[ids[name]].grade
    for name in spec.spares:
        assert ids[name] not in found, f"{spec.story}: {name}: {found[ids[name]].reason}"
    if spec.says:
        reason = found[ids[next(iter(spec.flags))]].reason
        for words in spec.says:
            assert words in reason, reason


def test_every_signal_has_a_case_that_fires() -> None:
    names = {s.name for s in registered_signals()}
    assert {c.signal for c in CASES if c.flags} == names
    assert all(s.subjects in (("victims",), ("suspects",)) for s in registered_signals())
