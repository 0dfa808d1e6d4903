"""How findings add up into a ranking: what travels along which link, and at what share.

Each story builds a few records with the one-line factory, ranks premises or businesses,
and reads the ranking's reasons, whose arithmetic shows the share a finding counted at.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from threadline.graph import build_graph
from threadline.risk import load_weights
from threadline.risk.analysis import findings
from threadline.risk.prioritise import Kind, Priority, prioritise

Case = Any
AS_OF = date(2026, 10, 31)
NO_VICTIMS = "nothing found here or on anything linked is about victims"


def ranked(case: Case, kind: Kind) -> dict[str, Priority]:
    view = case.view()
    g = build_graph(view)
    weights = load_weights()
    found = findings(view, g, weights, as_of=AS_OF)
    return {p.entity_id: p for p in prioritise(g, found, weights, kind, as_of=AS_OF)}


def reason_of(priority: Priority, title: str) -> str:
    return next(r for r in priority.reasons if r.startswith(title))


def staff_upstairs(case: Case, referred: int) -> str:
    """A nail bar whose four staff live in one flat, `referred` of them referred to the NRM."""
    firm: str = case.e("Company", "Polished Nails Ltd", sector="Nail bar")
    flat = case.e("Address", "First Floor Flat, 3 Mill Street")
    for n in range(4):
        role = "potential_victim" if n < referred else None
        record = case.record("nrm", "1B", source="nrm_referrals") if n < referred else None
        worker = case.e("Person", f"Lan{n} NGUYEN{n}", role=role, record=record)
        case.link(worker, "works_for", firm, agency="hmrc")
        case.link(worker, "lives_at", flat, agency="council")
    return firm


def test_staff_housed_together_are_not_about_victims_a_referral_is(case: Case) -> None:
    housed = staff_upstairs(case, referred=0)
    reasons = ranked(case, "business")[housed].reasons
    assert any(r.startswith(NO_VICTIMS) for r in reasons), reasons


def test_a_referred_worker_is_about_victims(case: Case) -> None:
    referred = staff_upstairs(case, referred=1)
    reasons = ranked(case, "business")[referred].reasons
    assert not any(r.startswith(NO_VICTIMS) for r in reasons), reasons


def parlour(case: Case) -> dict[str, str]:
    """A massage parlour's premises where a reliable report places a brothel's signs."""
    ids = {"firm": case.e("Company", "Jade Therapy Rooms Ltd", sector="Massage")}
    ids["premises"] = case.e("Address", "Unit 4, 2 Kiln Lane")
    case.link(ids["firm"], "located_at", ids["premises"], agency="companies")
    report = case.record("police", "1A", text="Men come and go at all hours")
    ids["caller"] = case.e("Person", "Dinh NGUYEN", role="witness", record=report)
    case.link(ids["caller"], "seen_at", ids["premises"], records=[report])
    return ids


def test_a_business_counts_the_signs_at_its_premises_in_full(case: Case) -> None:
    ids = parlour(case)
    ranking = ranked(case, "business")
    signs = reason_of(ranking[ids["firm"]], "Signs of exploitation reported at the premises")
    assert "via Unit 4, 2 Kiln Lane (is located at)" in signs
    assert "x 1.00 =" in signs, signs  # not halved as a neighbour's finding is


def test_premises_count_a_business_finding_at_the_propagated_share(case: Case) -> None:
    ids = staff_upstairs_at(case)
    ranking = ranked(case, "premises")
    workers = reason_of(ranking[ids["shop"]], "Business whose workers are referred")
    assert "x 0.50 =" in workers, workers


def staff_upstairs_at(case: Case) -> dict[str, str]:
    """A nail bar with a referred worker, trading from a shop (its registered office, say)."""
    firm = staff_upstairs(case, referred=1)
    shop = case.e("Address", "2 Market Street")
    case.link(firm, "located_at", shop, agency="companies")
    return {"firm": firm, "shop": shop}


def test_a_place_someone_was_seen_at_counts_their_findings_at_a_smaller_share(
    case: Case,
) -> None:
    phone = "+447700900123"
    ids = {"home": case.e("Address", "4 Mill Street"), "yard": case.e("Address", "Unit 9")}
    boss = case.e("Person", "Hung TRAN", role="suspect", phone=phone)
    for n in range(8):
        case.e("Person", f"Worker{n} LE{n}", phone=phone)
    case.link(boss, "lives_at", ids["home"])
    case.link(boss, "seen_at", ids["yard"])
    ranking = ranked(case, "premises")
    at_home = reason_of(ranking[ids["home"]], "One phone across many people")
    at_yard = reason_of(ranking[ids["yard"]], "One phone across many people")
    assert "x 0.50 =" in at_home and "x 0.25 =" in at_yard, (at_home, at_yard)


def test_a_registered_office_shares_its_businesses_findings_among_them(case: Case) -> None:
    ids = staff_upstairs_at(case)
    for n in range(4):  # four more companies give the shop as their registered office
        case.link(case.e("Company", f"Holding {n} Ltd"), "located_at", ids["shop"])
    ranking = ranked(case, "premises")
    workers = reason_of(ranking[ids["shop"]], "Business whose workers are referred")
    assert "x 0.10 =" in workers, workers  # 0.5 shared among five businesses


def test_a_supplied_workers_findings_count_less_where_they_are_supplied_to(case: Case) -> None:
    # A labour provider's worker, on its payroll, picks at a farm that does not pay them: what
    # is found on the worker (a phone eight people give) is their provider's network, and
    # reaches the farm at `supplied` of the share it reaches the provider at.
    phone = "+447700900123"
    ids = {"agency": case.e("Company", "Fenland Staffing Ltd")}
    ids["farm"] = case.e("Company", "Marsh Farm Ltd", sector="Farm")
    ids["field"] = case.e("Address", "Marsh Farm, Holbeach")
    worker = case.e("Person", "Ionut POPA", phone=phone)
    for n in range(8):
        case.e("Person", f"Worker{n} LE{n}", phone=phone)
    payroll = case.record("hmrc", "1A", source="payroll")
    case.link(worker, "works_for", ids["agency"], records=[payroll])
    case.link(worker, "paid_into", case.e("BankAccount", "20-00-00 12345678"), records=[payroll])
    case.link(worker, "works_for", ids["farm"], agency="immigration")
    case.link(worker, "seen_at", ids["field"], agency="immigration")
    businesses, premises = ranked(case, "business"), ranked(case, "premises")
    title = "One phone across many people"
    at_agency = reason_of(businesses[ids["agency"]], title)
    at_farm = reason_of(businesses[ids["farm"]], title)
    in_field = reason_of(premises[ids["field"]], title)
    assert "x 0.50 =" in at_agency and "x 0.25 =" in at_farm, (at_agency, at_farm)
    assert "x 0.12 =" in in_field, in_field  # seen there (0.25), and supplied


def gangmaster_at_a_farm(case: Case, tie: str) -> dict[str, str]:
    """A labour provider's gangmaster, whose phone eight people give, found working at a farm
    that does not pay her; `tie` is what the records show of her and the provider: she holds
    the account its payroll pays a worker's wages into (``"account"``), directs it
    (``"director"``), or nothing (``""``)."""
    phone = "+447700900123"
    ids = {"provider": case.e("Company", "Fenland Staffing Ltd")}
    ids["farm"] = case.e("Company", "Marsh Farm Ltd", sector="Farm")
    ids["field"] = case.e("Address", "Marsh Farm, Holbeach")
    boss = case.e("Person", "Jolanta KOWALSKA", role="suspect", phone=phone)
    for n in range(8):
        case.e("Person", f"Worker{n} LE{n}", phone=phone)
    if tie == "account":
        worker = case.e("Person", "Ionut POPA")
        account = case.e("BankAccount", "20-00-00 12345678")
        payroll = case.record("hmrc", "1A", source="payroll")
        case.link(worker, "works_for", ids["provider"], records=[payroll])
        case.link(worker, "paid_into", account, records=[payroll])
        case.link(boss, "holds_account", account, records=[payroll])
    elif tie == "director":
        case.link(boss, "director_of", ids["provider"], agency="companies")
    case.link(boss, "works_for", ids["farm"], agency="immigration")
    case.link(boss, "seen_at", ids["field"], agency="immigration")
    return ids


def test_a_gangmaster_holding_the_providers_wage_account_is_supplied_where_found(
    case: Case,
) -> None:
    # The farm is where the provider's gangmaster was found, not whose she is: the account
    # she holds takes the wages the provider's payroll pays, so her findings are the
    # provider's and reach the farm at `supplied` of the usual share.
    ids = gangmaster_at_a_farm(case, "account")
    businesses, premises = ranked(case, "business"), ranked(case, "premises")
    title = "One phone across many people"
    at_farm = reason_of(businesses[ids["farm"]], title)
    in_field = reason_of(premises[ids["field"]], title)
    assert "x 0.25 =" in at_farm, at_farm
    assert "x 0.12 =" in in_field, in_field


def test_a_director_of_another_business_is_supplied_where_found_working(case: Case) -> None:
    ids = gangmaster_at_a_farm(case, "director")
    at_farm = reason_of(ranked(case, "business")[ids["farm"]], "One phone across many people")
    assert "x 0.25 =" in at_farm, at_farm


def test_a_worker_tied_to_no_other_business_counts_in_full_where_found(case: Case) -> None:
    ids = gangmaster_at_a_farm(case, "")
    at_farm = reason_of(ranked(case, "business")[ids["farm"]], "One phone across many people")
    assert "x 0.50 =" in at_farm, at_farm
