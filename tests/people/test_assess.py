"""People ranked as potential victims and suspects: reasons, the unrecognised, decoys, access.

One story, built inline: a car-wash house where two people referred to the NRM live, with a
third man only an emergency department has seen (he gave the house as home, came with the
controller, and the notes hold the Home Office's indicators); a child seen the same way; a
large family in an overcrowded house; and a farm's staff living on site.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from threadline.people import ACTIONS, assess

Case = Any
AS_OF = date(2026, 10, 31)
NOTES = "Appears malnourished; has few personal possessions; fearful and withdrawn."


def ed(case: Case, text: str) -> int:
    """An emergency department attendance (no one named a victim)."""
    return int(case.record("nhs", "1B", source="nhs_ed_attendances", text=text))


def story(case: Case) -> dict[str, str]:
    ids = {"house": case.e("Address", "4 Mill Street")}
    intel = case.record("police", "1A", text="modern slavery car wash")
    ids["boss"] = case.e("Person", "Arben HOXHA", role="suspect", record=intel)
    for n in range(2):
        record = case.record("nrm", "1B", source="nrm_referrals")
        ids[f"v{n}"] = case.e("Person", f"Referred{n} Name{n}", role="potential_victim",
                              record=record)  # fmt: skip
        case.link(ids[f"v{n}"], "lives_at", ids["house"], agency="council", grade="1B")
        case.link(ids[f"v{n}"], "accompanied_by", ids["boss"], records=[record])
    for key, name, born in (("hidden", "Quiet Man", "1990-01-01"),
                            ("child", "Young Lad", "2012-03-04")):  # fmt: skip
        record = ed(case, NOTES)
        ids[key] = case.e("Person", name, record=record, birthDate=born)
        case.link(ids[key], "lives_at", ids["house"], records=[record])
        case.link(ids[key], "accompanied_by", ids["boss"], records=[record])
    family = case.e("Address", "9 Crowded Row")
    for n in range(8):
        record = ed(case, "Lives with extended family, nine in three bedrooms; overcrowded.")
        ids[f"f{n}"] = case.e("Person", f"Member{n} Kowalski", record=record)
        case.link(ids[f"f{n}"], "lives_at", family, records=[record])
    farm, firm = case.e("Address", "Manor Farm, Fen Lane"), case.e("Company", "Manor Farm Ltd")
    case.link(firm, "located_at", farm, agency="companies")
    for n in range(4):
        record = ed(case, "Works night shifts; lives in staff accommodation.")
        ids[f"s{n}"] = case.e("Person", f"Staff{n} Name{n}", record=record)
        case.link(ids[f"s{n}"], "lives_at", farm, records=[record])
        case.link(ids[f"s{n}"], "works_for", firm, records=[record])
    return ids


def test_the_unrecognised_victim_ranks_first_with_reasons_grades_agencies_and_action(
    case: Case,
) -> None:
    ids = story(case)
    assessed = assess(case.view(), as_of=AS_OF)
    unrecognised = assessed.ranking("victim", unrecognised=True)
    top = {p.entity_id: p for p in unrecognised[:2]}
    assert set(top) == {ids["hidden"], ids["child"]}
    man, child = top[ids["hidden"]], top[ids["child"]]
    assert man.role == "potential victim" and man.unrecognised and not man.child
    assert man.action == ACTIONS["adult"] and "NRM" in man.action and "duty to notify" in man.action
    assert child.role == "potential child victim" and "safeguarding" in child.action
    assert set(man.signals) >= {"lives_with_victims", "accompanied_by_suspect", "indicator_text"}
    for reason in man.reasons:  # each names its grades and the agencies holding it
        assert ("evidence" in reason and "held by" in reason) or "agencies hold" in reason
    assert any("1B" in r and "nhs" in r for r in man.reasons)
    assert man.agencies == ("council", "nhs", "nrm", "police")
    everyone = [p.entity_id for p in assessed.victims]
    assert ids["v0"] in everyone and ids["v0"] not in [p.entity_id for p in unrecognised]


def test_decoys_rank_below_the_victims(case: Case) -> None:
    ids = story(case)
    assessed = assess(case.view(), as_of=AS_OF)
    scores = {p.entity_id: p.score for p in assessed.victims}
    decoys = [scores.get(ids[k], 0.0) for k in [*(f"f{n}" for n in range(8)),
                                                 *(f"s{n}" for n in range(4))]]  # fmt: skip
    assert max(decoys) < scores[ids["hidden"]] / 2
    assert max(decoys) < scores[ids["child"]] / 2


def test_the_controller_is_a_potential_suspect_never_a_victim(case: Case) -> None:
    ids = story(case)
    assessed = assess(case.view(), as_of=AS_OF)
    (boss,) = [p for p in assessed.suspects if p.entity_id == ids["boss"]]
    assert boss.role == "potential controller" and "accompanies_victims" in boss.signals
    assert "not a finding of guilt" in boss.action
    assert ids["boss"] not in [p.entity_id for p in assessed.victims]


def test_no_one_is_ranked_on_material_the_user_may_not_see(case: Case) -> None:
    ids = story(case)
    # the NHS analyst alone sees the attendances, but neither the referrals nor the police log
    nhs = assess(case.view("nhs", shared=False), as_of=AS_OF)
    man = next(p for p in nhs.victims if p.entity_id == ids["hidden"])
    assert man.signals == ("indicator_text",) and man.agencies == ("nhs",)
    assert all(p.entity_id != ids["boss"] for p in nhs.suspects)
    # the council's analyst sees the addresses only: no one is ranked at all
    council = assess(case.view("council", shared=False), as_of=AS_OF)
    assert council.victims == [] and council.suspects == []


def test_a_person_named_twice_by_name_alone_is_ranked_once(case: Case) -> None:
    ids = story(case)
    phone = case.e("Phone", "07700900111")
    case.link(ids["boss"], "has_phone", phone, agency="police", grade="1A")
    # notes' free text name him by name alone with his phone, in two forms; a namesake with a
    # date of birth and another phone stays apart
    for written in (phone, case.e("Phone", "0044 7700 900111")):
        record = case.record("police", "1B", text="modern slavery: he runs the car wash")
        alias = case.e("Person", "Arben Hoxha", role="suspect", record=record)
        case.link(alias, "has_phone", written, records=[record])
    other = case.e("Person", "Arben Hoxha", birthDate="1970-01-01", role="suspect",
                   record=case.record("police", "1A", text="modern slavery"))  # fmt: skip
    case.link(other, "has_phone", case.e("Phone", "07700900222"), agency="police")
    assessed = assess(case.view(), as_of=AS_OF)
    named = [p for p in assessed.suspects if p.caption.casefold() == "arben hoxha"]
    assert {p.entity_id for p in named} == {ids["boss"], other}


def test_a_wage_account_holder_who_directs_a_flagged_business_is_a_controller() -> None:
    """Signals of control outrank the other roles (`control` in the weights)."""
    from threadline.people.assess import _role, _Term
    from threadline.people.settings import load_people_weights
    from threadline.risk.types import Finding

    weights = load_people_weights()

    def term(indicator: str, weight: float) -> _Term:
        found = Finding(indicator, "n", ("e",), 1.0, "why", (1,), "1A")
        return _Term("suspect", found, indicator, weight)

    money, directs = term("wage_account", 1.0), term("director_of_flagged", 0.4)
    assert _role([money], weights.roles, weights.control) == "money handler"
    assert _role([money, directs], weights.roles, weights.control) == "controller"
    escorts = term("accompanies_victims", 0.4)
    assert _role([money, escorts], weights.roles, weights.control) == "money handler"
