"""Building blocks: names, variation, identifiers (and the modules' own doctests)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import random
import re
from datetime import date

import pytest

import threadline.scenario
from threadline.scenario.identifiers import Identifiers
from threadline.scenario.names import Name, Style, ascii_fold, render
from threadline.scenario.variation import DobRates, PartialDate, format_phone, vary_dob

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(threadline.scenario.__path__, "threadline.scenario.")
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_vietnamese_name_is_family_first_and_folds() -> None:
    nam = Name("vietnamese", "Nam", "Văn", "Nguyễn")
    assert nam.full == "Nguyễn Văn Nam"
    assert ascii_fold(nam.full) == "Nguyen Van Nam"
    western = render(
        random.Random(1),
        nam,
        Style(keep_diacritics=1, typo=0, respell=0, western_order=1, wrong_fields=0),
    )
    assert (western.full, western.surname, western.forenames) == (
        "Văn Nam Nguyễn",
        "Nguyễn",
        "Văn Nam",
    )
    wrong = render(
        random.Random(1),
        nam,
        Style(keep_diacritics=0, typo=0, respell=0, wrong_fields=1, western_order=0),
    )
    assert (wrong.surname, wrong.forenames) == ("Nam", "Nguyen Van")


def test_mohammed_is_respelt() -> None:
    mo = Name("pakistani", "Mohammed", "", "Ali")
    spellings = {
        render(random.Random(i), mo, Style(respell=1, typo=0)).forenames for i in range(60)
    }
    assert {"Muhammad", "Mohamed", "Mohammad"} <= spellings


def test_day_month_swap_only_when_possible() -> None:
    always = DobRates(
        missing=0,
        year_only=0,
        month_year=0,
        swapped=1,
        first_of_january=0,
        off_by_a_year=0,
        wrong_day=0,
    )
    assert vary_dob(random.Random(1), date(1990, 5, 4), always) == PartialDate(1990, 4, 5)
    assert vary_dob(random.Random(1), date(1990, 5, 24), always) == PartialDate(1990, 5, 24)


def test_every_uk_phone_format() -> None:
    shapes = {format_phone(random.Random(i), "07700900123") for i in range(300)}
    assert {
        "07700 900123",
        "+44 7700 900123",
        "0044 7700 900123",
        "(07700) 900-123",
        "07700900123",
    } <= shapes


def test_identifiers_are_unique_and_fictitious() -> None:
    ids = Identifiers()
    mobiles = [ids.mobile() for _ in range(3000)]
    assert len(set(mobiles)) == 3000
    assert all(m.startswith("07700900") for m in mobiles[:1000])
    assert all(m[5] in "9456 2" and not m.startswith("07700900") for m in mobiles[1000:])
    rng = random.Random(1)
    assert len({ids.ni_number(rng)[:8] for _ in range(2000)}) == 2000
    nhs = [ids.nhs_number() for _ in range(500)]
    for number in nhs:
        total = sum(int(d) * (10 - i) for i, d in enumerate(number[:9]))
        assert number.startswith("999") and (11 - total % 11) % 11 == int(number[9])
    vrms = [ids.vrm() for _ in range(2000)]
    assert len(set(vrms)) == 2000
    assert all(re.fullmatch(r"U[A-HJ-PR-Y]\d\d [A-HJ-PR-Z]{3}", v) for v in vrms)
    assert all(re.fullmatch(r"QQ\d{6}[A-D]", ids.ni_number(rng)) for _ in range(100))
    assert all(ids.company_number().startswith("99") for _ in range(100))
