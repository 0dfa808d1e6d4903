"""Rankings by exploitation type: each finding knows its typologies, and a typology's ranking
counts only the findings about it and those about no one type.

Each story builds a few records with the one-line factory: a massage parlour where a report
places a brothel's signs, a warehouse unit where an officer sees a provider's minibus collect
workers, a house where six unrelated adults live (a pattern of no one type).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from threadline.graph import build_graph
from threadline.risk import load_weights
from threadline.risk.analysis import findings
from threadline.risk.prioritise import Kind, Priority, prioritise
from threadline.risk.types import Finding

Case = Any
AS_OF = date(2026, 10, 31)
LENS = "ranked for"


def three_places(case: Case) -> dict[str, str]:
    """A parlour with a brothel's signs (police), a unit with labour's signs (police and
    Immigration Enforcement), and a crowded house (council)."""
    ids = {"parlour": case.e("Address", "Unit 4, 2 Kiln Lane")}
    report = case.record("police", "1A", text="Men come and go at all hours")
    case.link(case.e("Person", "Dinh NGUYEN", role="witness", record=report), "seen_at",
              ids["parlour"], records=[report])  # fmt: skip
    ids["unit"] = case.e("Address", "Unit 9, Fen Road")
    for agency in ("police", "immigration"):
        seen = case.record(agency, "1A", text="A minibus collects the workers at 4:30am")
        case.link(case.e("Person", f"Officer {agency}", role="witness", record=seen),
                  "seen_at", ids["unit"], records=[seen])  # fmt: skip
    ids["house"] = case.e("Address", "12 Mill Street")
    for n in range(6):
        ids[f"adult{n}"] = case.e("Person", f"Adult{n} SURNAME{n}", agency="council",
                                  birthDate="1990-05-01")  # fmt: skip
        case.link(ids[f"adult{n}"], "lives_at", ids["house"], agency="council")
    return ids


def rank(case: Case, kind: Kind, typology: str | None = None) -> dict[str, Priority]:
    view = case.view()
    g = build_graph(view)
    weights = load_weights()
    found = findings(view, g, weights, as_of=AS_OF)
    ranked = prioritise(g, found, weights, kind, as_of=AS_OF, typology=typology)
    return {p.entity_id: p for p in ranked}


def test_each_finding_knows_its_typologies(case: Case) -> None:
    ids = three_places(case)
    view = case.view()
    g = build_graph(view)
    found = {
        (f.indicator, f.entity_ids[0]): f.typologies
        for f in findings(view, g, load_weights(), as_of=AS_OF)
    }
    assert found[("premises_signs", ids["parlour"])] == ("sexual",)
    assert found[("premises_signs", ids["unit"])] == ("labour",)
    assert found[("crowded_address", ids["house"])] == ()  # neutral: no record names a type


def test_a_typology_ranking_counts_its_own_and_neutral_findings(case: Case) -> None:
    ids = three_places(case)
    sexual = rank(case, "premises", "sexual")
    assert ids["parlour"] in sexual and ids["house"] in sexual
    assert ids["unit"] not in sexual  # its only finding is labour's
    assert sexual[ids["parlour"]].reasons[0] == (
        "ranked for sexual exploitation: 1 of its 1 findings counted (those about it, and "
        "those about no one type)"
    )
    labour = rank(case, "premises", "labour")
    assert ids["unit"] in labour and ids["parlour"] not in labour


def test_the_agency_bonus_counts_only_the_evidence_kept(case: Case) -> None:
    ids = three_places(case)
    unit = ids["unit"]
    # A council record places at the unit a man whose phone eight people give the council: his
    # finding (about no one type) reaches the unit, and the council's evidence with it.
    phone = "+447700900123"
    man = case.e("Person", "Hung TRAN", agency="council", phone=phone)
    for n in range(8):
        case.e("Person", f"Worker{n} LE{n}", agency="council", phone=phone)
    case.link(man, "seen_at", unit, agency="council")
    every, sexual = rank(case, "premises")[unit], rank(case, "premises", "sexual")[unit]
    assert any("agencies hold evidence" in r for r in every.reasons), every.reasons
    assert not any("agencies hold evidence" in r for r in sexual.reasons), sexual.reasons
    assert sexual.reasons[0].startswith(f"{LENS} sexual exploitation: 1 of its 2 findings")
    assert sexual.score < every.score


def test_without_a_typology_the_ranking_is_as_before(case: Case) -> None:
    # The same ranking as before findings had typologies (main at e009a94 on this fixture),
    # and the same as with every finding made neutral.
    ids = three_places(case)
    view = case.view()
    g = build_graph(view)
    weights = load_weights()
    found = findings(view, g, weights, as_of=AS_OF)
    ranked = prioritise(g, found, weights, "premises", as_of=AS_OF)
    neutral = [replace(f, typologies=()) for f in found]
    assert ranked == prioritise(g, neutral, weights, "premises", as_of=AS_OF)
    by_place = {p.entity_id: (p.rank, p.score) for p in ranked}
    assert by_place == {
        ids["unit"]: (1, 1.05), ids["parlour"]: (2, 0.7727), ids["house"]: (3, 0.36)
    }  # fmt: skip


def test_a_finding_is_typed_by_the_records_naming_a_type(case: Case) -> None:
    house = case.e("Address", "7 Ash Grove")
    for n in range(2):
        referral = case.record("nrm", "1B", source="nrm_referrals")
        case.e("Event", f"NRM referral {n}", record=referral, keywords=["Sexual exploitation"])
        victim = case.e("Person", f"Mai{n} LE{n}", role="potential_victim", record=referral)
        case.link(victim, "lives_at", house, records=[referral])
    view = case.view()
    g = build_graph(view)
    typed = {
        f.indicator: f.typologies
        for f in findings(view, g, load_weights(), as_of=AS_OF)
        if house in f.entity_ids
    }
    assert typed["victims_at_address"] == ("sexual",)


def test_adverts_make_a_phone_sexual_exploitations(case: Case) -> None:
    phone = "+447700900456"
    person = case.e("Person", "Ion FLOREA", phone=phone)
    for n in range(6):
        advert = case.record("osint", "2D", source="osint_adverts", text=f"Advert {n} {phone}")
        case.mention(person, advert, phone=phone)
    view = case.view()
    g = build_graph(view)
    hubs: list[Finding] = [
        f for f in findings(view, g, load_weights(), as_of=AS_OF) if f.indicator == "phone_hub"
    ]
    assert hubs and all(f.typologies == ("sexual",) for f in hubs)
