"""Businesses and premises: rule-based matchers as case tables."""

from __future__ import annotations

import pytest

from threadline.resolve import company
from threadline.resolve.address import compare_addresses, premises_key, resolve_addresses
from threadline.resolve.company import CompanyMatcher, CompanyRecord, company_number, parse_company

SAME_COMPANY = [
    ("Smith & Sons Ltd", "SMITH AND SONS LIMITED"),
    ("The Car Wash Co. Ltd", "Car Wash Company Limited"),
    ("Bright Nails L.T.D.", "bright nails ltd"),
    ("Żabka Foods Sp. z o.o.", "Zabka Foods Sp z o o"),
]
DIFFERENT_COMPANY = [
    ("Smith & Sons Ltd", "Smith & Daughters Ltd"),
    ("Northern Recruitment Ltd", "Southern Recruitment Ltd"),
]


@pytest.mark.parametrize(("a", "b"), SAME_COMPANY)
def test_same_company(a: str, b: str) -> None:
    assert CompanyMatcher().compare(CompanyRecord("1", a), CompanyRecord("2", b)).same


@pytest.mark.parametrize(("a", "b"), DIFFERENT_COMPANY)
def test_different_company(a: str, b: str) -> None:
    assert not CompanyMatcher().compare(CompanyRecord("1", a), CompanyRecord("2", b)).same


def test_legal_form_and_trading_name() -> None:
    parsed = parse_company("A1 Hand Car Wash Ltd T/A Sparkle Valeting")
    assert (parsed.name, parsed.legal_form, parsed.trading_as) == (
        "a1 hand car wash",
        "ltd",
        ("sparkle valeting",),
    )


def test_trading_name_needs_the_same_place() -> None:
    m = CompanyMatcher()
    here = CompanyRecord("1", "Sparkle Valeting", postcode="B9 4AA")
    legal = CompanyRecord("2", "A1 Hand Car Wash Ltd t/a Sparkle Valeting", postcode="B9 4AA")
    elsewhere = CompanyRecord("3", "Sparkle Valeting", postcode="M1 1AA")
    assert m.compare(here, legal).same
    assert not m.compare(elsewhere, legal).same


def test_company_number_is_a_strong_identifier_both_ways() -> None:
    m = CompanyMatcher()
    assert company_number("sc 12345") == "SC012345"
    same_number = m.compare(
        CompanyRecord("1", "Acme Ltd", "1234567"),
        CompanyRecord("2", "Totally Different Ltd", "01234567"),
    )
    assert same_number.same
    twins = m.compare(CompanyRecord("1", "Acme Ltd", "111"), CompanyRecord("2", "Acme Ltd", "222"))
    assert not twins.same


def test_resolve_companies_never_joins_two_company_numbers() -> None:
    records = [
        CompanyRecord("a", "Acme Ltd", "111"),
        CompanyRecord("b", "ACME LIMITED"),
        CompanyRecord("c", "Acme Ltd", "222"),
        CompanyRecord("d", "Acme Ltd", "00000111"),
    ]
    clusters = CompanyMatcher().resolve(records)
    assert clusters["a"] == clusters["d"]
    assert clusters["a"] != clusters["c"]
    # Two registered companies are called Acme: the name alone cannot say which one "b" is.
    assert clusters["b"] not in (clusters["a"], clusters["c"])


def test_a_shared_name_needs_something_else_to_agree() -> None:
    records = [
        CompanyRecord("reg-1", "ACE NAILS LTD", "99000001", "LS6 5HX"),
        CompanyRecord("reg-2", "ACE NAILS LTD", "99000002", "HU5 8SJ"),
        CompanyRecord("licence", "Ace Nails", postcode="HU5 8SJ"),  # the second one's premises
        CompanyRecord("director", "", "99000001", officers=frozenset({"per-7"})),
        CompanyRecord(
            "licensee", "Ace Nails Ltd", postcode="LS11 2ZE", officers=frozenset({"per-7"})
        ),
        CompanyRecord("visit", "Ace Nails Ltd", places=frozenset({"HU5 8SJ"})),
        CompanyRecord("payroll", "ACE NAILS LTD", "99000001", tax_number="961/AB12345"),
        CompanyRecord("encounter", "Ace Nails Ltd", staff=frozenset({"per-9"})),
        CompanyRecord(
            "payroll-2", "Ace Nails", tax_number="961/ab12345", staff=frozenset({"per-9"})
        ),
        CompanyRecord("nothing", "Ace Nails Ltd"),
    ]
    clusters = CompanyMatcher().resolve(records)
    one, two = clusters["reg-1"], clusters["reg-2"]
    assert one != two
    assert clusters["licence"] == two, "same postcode as the registered office"
    assert clusters["licensee"] == one, "run by the company's director"
    assert clusters["visit"] == two, "found at work at its premises"
    assert clusters["payroll"] == clusters["payroll-2"] == one, "one PAYE reference"
    assert clusters["encounter"] == one, "employs the same person"
    assert clusters["nothing"] not in (one, two), "nothing but a name that two companies share"


def test_different_tax_references_are_different_employers() -> None:
    m = CompanyMatcher()
    a = CompanyRecord("1", "J Smith Builders", tax_number="961/AB12345")
    b = CompanyRecord("2", "J SMITH BUILDERS", tax_number="961/ZZ99999")
    assert not m.compare(a, b).same
    assert m.compare(a, CompanyRecord("3", "Smith Builders", tax_number="961 ab12345")).same


def test_many_records_of_few_names_compare_each_pair_of_names_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every record of a business spells its name alike: a large set of records must not pay
    # for a name comparison per pair of records (growth benchmark: 359k at 10^5 records).
    calls: list[tuple[object, object]] = []
    real = company.compare_org_names

    def counted(left: object, right: object) -> tuple[float, str]:
        calls.append((left, right))
        return real(left, right)  # type: ignore[arg-type]

    monkeypatch.setattr(company, "compare_org_names", counted)
    company._name_score.cache_clear()
    names = ["Seldeney Recruitment Ltd", "Seldeney Car Wash", "Orbrook Nails"]
    records = [CompanyRecord(str(i), names[i % 3]) for i in range(120)]
    found = CompanyMatcher().resolve(records)
    company._name_score.cache_clear()  # other tests compare with the real function
    assert len({found[r.record_id] for r in records}) == 3
    assert {found[str(i)] for i in range(0, 120, 3)} == {"0"}
    assert len(calls) <= len(names) ** 2


def test_flat_and_lettered_house_share_a_building_not_premises() -> None:
    a = premises_key("Flat 2, 10 High St", "SW1A 1AA")
    b = premises_key("10A High Street", "sw1a1aa")
    assert a.building == b.building
    assert a.premises != b.premises
    assert (
        compare_addresses("Flat 2, 10 High St", "10A High Street", "SW1A 1AA", "SW1A 1AA").level
        == "same building, different flat"
    )


def test_same_premises_written_differently() -> None:
    match = compare_addresses("10 High St, London", "10 HIGH STREET", "SW1A1AA", "SW1A 1AA")
    assert (match.level, match.score) == ("same premises", 1.0)
    assert compare_addresses("10 High St", "10 High St", "SW1A 1AA", "M1 1AA").score == 0.0


def test_resolve_addresses_by_building() -> None:
    rows = [("1", "Flat 2, 10 High St", "SW1A 1AA"), ("2", "10A High Street", "SW1A 1AA")]
    assert resolve_addresses(rows, level="building") == {"1": "1", "2": "1"}
    assert resolve_addresses(rows) == {"1": "1", "2": "2"}


def test_a_typing_slip_within_one_postcode_is_one_premises() -> None:
    rows = [
        ("1", "15 Orchardcroft Terrace, Spalding", "PE12 9GX"),
        ("2", "15 Orchadrcroft Terr", "PE12 9GX"),
        ("3", "Flat 1, 15 Orchardcoft Terrace", "PE12 9GX"),  # another premises: a flat
        ("4", "1/15 Orchardcroft Terrace", "PE12 9GX"),
        ("5", "17 Orchadrcroft Terrace", "PE12 9GX"),  # another number
        ("6", "15 Orchadrcroft Terrace", "PE12 9GY"),  # another postcode
        ("7", "15 High Road", "PE12 9GX"),  # another street
        ("8", "Unit 1, Acorn Bus Pk", "LN5 7NW"),
        ("9", "Unit 1, Acorn Business Park, Lincoln", "LN5 7NW"),
        ("10", "Unit 2, Acorn Business Park", "LN5 7NW"),
    ]
    groups = resolve_addresses(rows)
    assert groups["1"] == groups["2"] == "1"
    assert groups["3"] == groups["4"] != groups["1"]
    assert len({groups[k] for k in ("1", "5", "6", "7")}) == 4
    assert groups["8"] == groups["9"] != groups["10"]


def test_an_address_without_a_postcode_joins_the_one_building_it_can_be() -> None:
    house = ("1", "10 Ironcroft Lane, Halifax", "HX1 2AB")
    kept = ("2", "10 Ironcroft Ln", None)  # an NRM referral's "kept at"
    assert resolve_addresses([house, kept]) == {"1": "1", "2": "1"}
    flat = ("3", "Flat 1, 10 Ironcroft Lane", None)  # another premises of the building
    assert resolve_addresses([house, flat])["3"] == "3"
    assert resolve_addresses([house, flat], level="building")["3"] == "1"
    elsewhere = ("4", "10 Ironcroft Lane, Wisbech", None)  # shares the key "|10 ironcroft lane"
    assert resolve_addresses([house, kept, elsewhere])["2"] == "2", "towns that differ"
    other_house = ("5", "10 Ironcroft Lane", "HX3 9ZZ")
    assert resolve_addresses([house, kept, other_house])["2"] == "2", "two candidates"


def test_a_street_name_of_several_towns_needs_the_town() -> None:
    york = ("1", "4 High Street, York", "YO1 7HH")
    leeds = ("2", "8 High Street, Leeds", "LS1 6AB")  # another number: still a High Street
    assert resolve_addresses([york, leeds, ("3", "4 High St", None)])["3"] == "3"
    assert resolve_addresses([york, leeds, ("3", "4 High St, York", None)])["3"] == "1"
    assert resolve_addresses([york, ("3", "4 High St", None)])["3"] == "1", "one town knows it"
