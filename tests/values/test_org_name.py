"""Organisation names: legal forms in any language, numbers, distinctive words."""

from __future__ import annotations

import pytest

from threadline.values.org_name import ORGANISATION_THRESHOLD, compare_org_names, parse_org_name

# left, right, one name?
CASES = [
    ("Acme Incorporated", "Acme Inc.", True),
    ("Müller Aktiengesellschaft", "Mueller AG", True),
    ("OAO Stroygaz", "Stroigaz JSC", True),
    ("Open Joint Stock Company Stroygaz", "OAO Stroygaz", True),
    ("ПАО Северсталь", "Severstal PJSC", True),
    ("Nowak Sp. z o.o.", "Nowak spółka z ograniczoną odpowiedzialnością", True),
    ("Schmidt GmbH", "Schmidt Gesellschaft mit beschränkter Haftung", True),
    ("Hansen Transport AS", "Hansen Transport A/S", True),
    ("华为技术有限公司", "Huawei Jishu", True),
    ("Unit Twenty-one Ltd", "Unit 21 Ltd", True),
    ("First Avenue Cafe", "1st Avenue Cafe", True),
    ("Smith & Sons", "Smith and Sons", True),
    ("St Mungo's", "Saint Mungos", True),
    ("International Business Machines Corporation", "IBM Corp", True),
    ("Golden Dragon Takeaway", "Golden Dragon Take Away", True),
    ("Kensington Care Homes Ltd", "Kensington Care Home Ltd", True),
    ("Kingfisher Packaging Ltd", "Kingfisher Packaging Ltd t/a KF Boxes", True),
    ("Bank of Austria Corporation", "Bank of Australia Corporation", False),
    ("Northern Gas Company", "Northern Oil Company", False),
    ("North Star Logistics", "South Star Logistics", False),
    ("Unit 21 Ltd", "Unit 12 Ltd", False),
    ("Nord Stream AG", "Nord Stream 2 AG", False),
    ("Phoenix Nails", "Phoenix Nails & Spa", False),  # a spa, not an Italian S.p.A.
    ("Acme Ltd", "Acme Holdings Ltd", False),
    ("Apex Construction Ltd", "Apex Construction LLP", False),  # two kinds of legal form
]


@pytest.mark.parametrize(("left", "right", "same"), CASES)
def test_compare_org_names(left: str, right: str, same: bool) -> None:
    score, reason = compare_org_names(left, right)
    assert (score >= ORGANISATION_THRESHOLD) is same, reason
    assert compare_org_names(right, left)[0] == pytest.approx(score, abs=0.011)


def test_legal_forms_are_found_at_either_end_in_any_script() -> None:
    assert parse_org_name("OAO Stroygaz").forms == ("ao",)
    assert parse_org_name("Stroygaz OAO").kinds == ("jsc",)
    assert parse_org_name("ПАО Северсталь").kinds == ("jsc",)
    assert parse_org_name("The Car Wash Co. LTD").kinds == ("llc",)
    assert [w.text for w in parse_org_name("The Car Wash Co. LTD").words] == ["car", "wash"]
    assert parse_org_name("Lucky Nails & Spa").forms == ()
    assert parse_org_name("Ferrari S.p.A.").kinds == ("jsc",)


def test_numbers_and_vessels() -> None:
    assert [w.text for w in parse_org_name("Studio Fifty-Four").words] == ["studio", "#54"]
    assert [w.text for w in parse_org_name("Sea Breeze II").words] == ["sea", "breeze", "#2"]
    assert compare_org_names("MV Ocean Star", "Ocean Star", vessel=True)[0] == 1.0
