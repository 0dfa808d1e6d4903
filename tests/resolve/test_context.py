"""What a record says around a person: the places and businesses it names, the account a
person holds, the photo that shows them, the people named beside them. Case tables an analyst
can review, resolved inside a population that has such context too."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from threadline.resolve import PersonResolver, ResolutionResult

from .conftest import COLUMNS, _population

CONTEXT = (
    "record",
    "record_postcodes",
    "record_organisations",
    "bank_account",
    "photo",
    "born_about",
    "gender",
    "aliases",
    "record_phones",
)


def row(record_id: str, **values: str | None) -> dict[str, str | None]:
    """A person record with context columns: ``row("a", given_name="Lan", record="r1")``."""
    out: dict[str, str | None] = dict.fromkeys((*COLUMNS, *CONTEXT))
    unknown = set(values) - set(out)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    out.update(values, record_id=record_id)
    return out


def _background() -> list[dict[str, Any]]:
    """The shared population spread over five towns, each record with the places and
    businesses it names: the person's own postcode, or where they were met (mostly in their
    own town)."""
    rng = random.Random(5)
    lines = random.Random(6)  # its own stream: the other columns stay as they were
    rows, truth = _population()
    towns = ("B", "M", "LS", "S", "HU")
    home = {p: rng.choice(towns) for p in sorted(set(truth.values()))}
    sex = {p: rng.choice(("M", "female")) for p in sorted(home)}
    out = []
    for r in rows:
        town = home[truth[r["record_id"]]]
        extra: dict[str, Any] = {"record": r["record_id"]}
        if r["postcode"]:
            extra["postcode"] = town + r["postcode"][1:]
            extra["record_postcodes"] = extra["postcode"]
        elif rng.random() < 0.6:
            where = town if rng.random() < 0.7 else rng.choice(towns)
            extra["record_postcodes"] = f"{where}{rng.randrange(1, 20)} {rng.randrange(1, 10)}ZZ"
        if rng.random() < 0.3:
            extra["record_organisations"] = f"biz-{rng.randrange(400)}"
        if rng.random() < 0.6:
            extra["gender"] = sex[truth[r["record_id"]]]
        if lines.random() < 0.15:  # a number the record gives besides the person's own
            extra["record_phones"] = f"07700 90{lines.randrange(2000, 9999)}"
        out.append({**r, **extra})
    return out


# (case, record a, record b): each pair must end up as one person.
MUST_MATCH = [
    (
        "a name alone, and a place in common: the patient's home for whoever came with them",
        {"given_name": "Dritan", "surname": "Ellerby", "record_postcodes": "B7 3QQ"},
        {
            "given_name": "Dritan",
            "surname": "Ellerby",
            "date_of_birth": "1971-06-02",
            "address": "4 Mill Close",
            "postcode": "B7 3QQ",
            "record_postcodes": "B7 3QQ",
        },
    ),
    (
        "names in each other's fields, in upper case, one account held",
        {"given_name": "Gentian", "surname": "Cela", "bank_account": "00-12-26 12345678"},
        {"given_name": "CELA", "surname": "GENTIAN", "bank_account": "001226 12345678"},
    ),
    (
        "one working name and one photo, two work phones",
        {"full_name": "Bianca", "phone": "07700 900101", "photo": "3394653bbe5e77aa"},
        {"full_name": "Bianca", "phone": "07700 900202", "photo": "3394653BBE5E77AA"},
    ),
    (
        "one working name and one photo on an advertiser's two lines",
        {"full_name": "Nadia", "phone": "07700 900111", "photo": "c3c3c3c3c3c3c3c3"},
        {"full_name": "Nadia", "phone": "07700 900222", "photo": "c3c3c3c3c3c3c3c3"},
    ),
    (
        "a director and the licence holder of one business",
        {
            "full_name": "FAIRBAIRN, Moira",
            "date_of_birth": "1969-04",
            "record_organisations": "biz-acme",
            "address": "1 Station Road",
            "postcode": "B30 1XX",
        },
        {
            "given_name": "Moira",
            "surname": "Fairbairn",
            "phone": "07700 900303",
            "record_organisations": "biz-acme",
            "record_postcodes": "B12 9YY",
        },
    ),
    (
        "a common name in two towns, both records naming the line of the man who controls her",
        {
            "given_name": "Claire",
            "surname": "Hughes",
            "record_postcodes": "B9 4AB",
            "record_phones": "07700 900555",
        },
        {
            "given_name": "Claire",
            "surname": "Hughes",
            "record_postcodes": "M1 1AB",
            "record_phones": "07700 900777; +44 7700 900555",
        },
    ),
]

# A woman's advert (her working name, her phone, her stated age) and her own record, which
# gives the working name as an alias.
WORKING_NAME = (
    {"full_name": "Amberly", "phone": "07700 900911", "photo": "e1e1e1e1", "born_about": "2003"},
    {
        "given_name": "Elena",
        "surname": "Dumitrescu",
        "aliases": "Amberly; Roxanne",
        "phone": "07700 900911",
        "date_of_birth": "2004-03-22",
    },
)

# (case, record a, record b): each pair must stay two people.
MUST_NOT_MATCH = [
    (
        "a common name alone, in different towns",
        {"given_name": "Sarah", "surname": "Wright", "record_postcodes": "B9 4AA"},
        {"given_name": "Sarah", "surname": "Wright", "record_postcodes": "M1 1AA"},
    ),
    (
        "father and son of one name in one record (a child and the parent who brought him)",
        {
            "given_name": "Andrei",
            "surname": "Tanase",
            "date_of_birth": "2019-08-18",
            "address": "2 Irongate Place",
            "postcode": "B8 2HN",
            "record": "referral-1",
        },
        {"given_name": "Andrei", "surname": "Tanase", "record": "referral-1"},
    ),
    (
        "one photo on two adverts with different working names and phones",
        {"full_name": "Lara", "phone": "07700 900404", "photo": "aa11bb22cc33dd44"},
        {"full_name": "Roxy", "phone": "07700 900505", "photo": "aa11bb22cc33dd44"},
    ),
    (
        "one working name on adverts of two advertisers",
        {"full_name": "Chloe", "phone": "07700 900606", "photo": "c6c6c6c6c6c6c6c6"},
        {"full_name": "Chloe", "phone": "07700 900707", "photo": "c7c7c7c7c7c7c7c7"},
    ),
    (
        "a shared bank account, different names (a joint account)",
        {"given_name": "Ion", "surname": "Radu", "bank_account": "00-45-67 87654321"},
        {"given_name": "Elena", "surname": "Popa", "bank_account": "00-45-67 87654321"},
    ),
]

# A father and daughter at one house, given names that spell alike: their genders differ.
# (Gender alone does not part them: a rare surname at one address outweighs it.)
FATHER_AND_DAUGHTER = (
    {
        "given_name": "Michael",
        "surname": "Readman",
        "address": "4 Oak Lane",
        "postcode": "S9 7RP",
        "gender": "M",
    },
    {
        "given_name": "Mia",
        "surname": "Readman",
        "address": "4 Oak Lane",
        "postcode": "S9 7RP",
        "gender": "female",
    },
)


# Two adverts of one working name, different photos and phones, of the advertiser above (his
# lines joined through the photo he shows on both): evidence for one woman, though in this
# population of few adverts not enough on its own.
ONE_ADVERTISER = (
    {"full_name": "Chloe", "phone": "07700 900111", "photo": "c1c1c1c1c1c1c1c1"},
    {"full_name": "Chloe", "phone": "07700 900222", "photo": "c2c2c2c2c2c2c2c2"},
)


# Adverts of one working name whose stated ages imply years of birth 14 years apart (a woman
# of 20 and one of 34), and two a year apart.
STATED_AGES = (
    {"full_name": "Kira", "phone": "07700 900811", "photo": "d1d1d1d1", "born_about": "2005"},
    {"full_name": "Kira", "phone": "07700 900822", "photo": "d2d2d2d2", "born_about": "1991"},
    {"full_name": "Kira", "phone": "07700 900833", "photo": "d3d3d3d3", "born_about": "2004"},
)


def _other_adverts() -> list[dict[str, Any]]:
    """Adverts of other women, each with her own line and photo and a stated age: what the
    stated ages of different women look like."""
    rng = random.Random(7)
    names = ("Amber", "Ruby", "Nina", "Lola", "Mia", "Angel", "Sofia", "Jade")
    return [
        row(
            f"ad{i}",
            full_name=rng.choice(names),
            phone=f"07700 91{i:04d}",
            photo=f"{rng.getrandbits(64):016x}",
            born_about=str(rng.randrange(1980, 2007)),
        )
        for i in range(80)
    ]


def _case_rows() -> list[dict[str, Any]]:
    rows = [row("x0a", **ONE_ADVERTISER[0]), row("x0b", **ONE_ADVERTISER[1])]
    rows += _other_adverts()
    rows += [row(f"k{i}", **values) for i, values in enumerate(STATED_AGES)]
    rows += [row(f"g{i}", **values) for i, values in enumerate(FATHER_AND_DAUGHTER)]
    rows += [row(f"w{i}", **values) for i, values in enumerate(WORKING_NAME)]
    for i, (_, a, b) in enumerate(MUST_MATCH):
        rows += [row(f"m{i}a", **a), row(f"m{i}b", **b)]
    for i, (_, a, b) in enumerate(MUST_NOT_MATCH):
        rows += [row(f"n{i}a", **a), row(f"n{i}b", **b)]
    return rows


@pytest.fixture(scope="module")
def resolved() -> Iterator[tuple[PersonResolver, ResolutionResult]]:
    rows = [*_background(), *_case_rows()]
    columns = (*COLUMNS, *CONTEXT)
    records = pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})
    resolver = PersonResolver()
    result = resolver.resolve(records)
    yield resolver, result
    resolver.close()


@pytest.mark.parametrize(("i", "case"), list(enumerate(c[0] for c in MUST_MATCH)))
def test_must_match(resolved: Any, i: int, case: str) -> None:
    clusters = resolved[1].clusters
    assert clusters[f"m{i}a"] == clusters[f"m{i}b"], case


@pytest.mark.parametrize(("i", "case"), list(enumerate(c[0] for c in MUST_NOT_MATCH)))
def test_must_not_match(resolved: Any, i: int, case: str) -> None:
    clusters = resolved[1].clusters
    assert clusters[f"n{i}a"] != clusters[f"n{i}b"], case


def test_context_is_explained_in_words(resolved: Any) -> None:
    resolver = resolved[0]
    lines = "\n".join(resolver.explain_pair("m0a", "m0b").lines())
    assert "places in the same record: a postcode in common (B7 3QQ)" in lines
    account = resolver.explain_pair("m1a", "m1b")
    assert account.contribution("bank_account").level == "same account"
    assert "names in a different order" in account.contribution("surname").level
    assert resolver.explain_pair("m2a", "m2b").contribution("photo").level == "same photo"
    advertiser = resolver.explain_pair("x0a", "x0b").contribution("photo")
    assert advertiser.level.startswith("different photos, one advertiser")
    assert advertiser.weight > 0
    apart = resolver.explain_pair("n3a", "n3b").contribution("photo")
    assert apart.level == "different photos of different advertisers"
    assert apart.weight < 0
    ages = resolver.explain_pair("k0", "k1").contribution("stated_age")
    assert ages.level == "stated age far out"
    assert ages.weight < 0
    ages = resolver.explain_pair("k0", "k2").contribution("stated_age")
    assert ages.level.startswith("stated age agrees")
    assert ages.weight > 0
    known = resolver.explain_pair("w0", "w1").contribution("given_name")
    assert known.level.startswith("a name the other record gives as an alias")
    assert resolved[1].clusters["w0"] == resolved[1].clusters["w1"]
    apart = resolver.explain_pair("g0", "g1").contribution("gender")
    assert apart.level == "different"
    assert apart.weight < 0
    business = resolver.explain_pair("m4a", "m4b").contribution("record_organisations")
    assert business.level == "a business in common"
    line = resolver.explain_pair("m5a", "m5b").contribution("record_phones")
    assert line.level == "a number in common"
    assert line.weight > 0


def test_names_in_either_order_are_compared(resolved: Any) -> None:
    pairs = resolved[1].pairs
    found = {
        frozenset(p)
        for p in zip(pairs.column("left_id").to_pylist(), pairs.column("right_id").to_pylist(),
                     strict=True)
    }  # fmt: skip
    assert frozenset(("m1a", "m1b")) in found
