"""Sort codes, UK account numbers (alone or with a sort code) and IBANs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import (
    AccountType,
    IbanType,
    SortCodeType,
    parse_uk_bank,
    uk_bank_from_iban,
)

sortcodes = SortCodeType()
accounts = AccountType()
ibans = IbanType()


@pytest.mark.parametrize(
    ("raw", "value", "flags", "problem"),
    [
        ("20-00-00", "20-00-00", (), None),
        ("20 00 00", "20-00-00", (), None),
        ("200000", "20-00-00", (), None),
        ("20.00.00", "20-00-00", (), None),
        ("20-00-0", "20000", ("raw",), "6 digits, this has 5"),
        ("none", None, ("unknown",), "placeholder"),
        ("ab-cd-ef", None, (), "no digits"),
    ],
)
def test_sortcode_clean(
    raw: str, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = sortcodes.clean(raw)
    assert (cleaned.original, cleaned.value, cleaned.flags) == (raw, value, flags)
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


# raw, sort code value, account value, account flags, words in the account problem
BANK_CASES = [
    ("20-00-00 12345678", "20-00-00", "200000-12345678", (), None),
    ("sort code 20-00-00 account 12345678", "20-00-00", "200000-12345678", (), None),
    ("Sort code: 20 00 00, Account number: 12345678", "20-00-00", "200000-12345678", (), None),
    ("S/C 200000 A/C 12345678", "20-00-00", "200000-12345678", (), None),
    ("a/c 12345678 s/c 20-00-00", "20-00-00", "200000-12345678", (), None),
    ("20000012345678", "20-00-00", "200000-12345678", (), None),
    ("20-00-00 1234567", "20-00-00", "200000-01234567", ("padded",), "padded to 8"),
    ("12345678", None, "12345678", (), None),
    ("account no. 12345678", None, "12345678", (), None),
    ("1234567", None, "01234567", ("padded",), "padded to 8"),
    ("123456789", None, "123456789", ("raw",), "8 digits, this has 9"),
    ("20-00-00", "20-00-00", None, ("missing",), "no account number"),
]


@pytest.mark.parametrize(("raw", "sortcode", "account", "flags", "problem"), BANK_CASES)
def test_parse_uk_bank(
    raw: str, sortcode: str | None, account: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    sc, acc = parse_uk_bank(raw)
    assert sc.original == acc.original == raw
    assert sc.value == sortcode
    assert acc.value == account
    assert acc.flags == flags
    if problem is None:
        assert acc.problem is None
    else:
        assert acc.problem is not None and problem in acc.problem
    if sortcode is None:
        assert sc.problem == "no sort code given"


def test_account_type_cleans_like_parse_uk_bank() -> None:
    assert accounts.clean("20-00-00 12345678").value == "200000-12345678"
    assert accounts.clean("12345678").value == "12345678"
    assert accounts.clean("N/K").flags == ("unknown",)


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("200000-12345678", "200000-12345678", 1.0, "same account"),
        ("200000-12345678", "12345678", 0.8, "same account number, sort code missing in one"),
        ("200000-12345678", "309634-12345678", 0.3, "same account number, different sort code"),
        ("200000-12345678", "200000-87654321", 0.0, "different accounts"),
    ],
)
def test_account_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert accounts.compare_detail(left, right) == (score, detail)


def test_account_caption_and_node() -> None:
    assert accounts.caption("200000-12345678") == "20-00-00 12345678"
    assert accounts.caption("12345678") == "12345678"
    assert accounts.node_id("200000-12345678") == "account:200000-12345678"
    assert sortcodes.node_id("20-00-00") is None


@pytest.mark.parametrize(
    ("raw", "value", "flags", "problem"),
    [
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", (), None),
        ("gb82west12345698765432", "GB82WEST12345698765432", (), None),
        ("IBAN: DE89 3704 0044 0532 0130 00", "DE89370400440532013000", (), None),
        ("RO49 AAAA 1B31 0075 9384 0000", "RO49AAAA1B31007593840000", (), None),
        ("GB82WEST12345698765433", "GB82WEST12345698765433", ("raw",), "check digits"),
        ("GB82 WEST 1234", "GB82WEST1234", ("raw",), "not a valid IBAN"),
        ("12-34", None, (), "not an IBAN"),
    ],
)
def test_iban_clean(
    raw: str, value: str | None, flags: tuple[str, ...], problem: str | None
) -> None:
    cleaned = ibans.clean(raw)
    assert (cleaned.original, cleaned.value, cleaned.flags) == (raw, value, flags)
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


def test_gb_iban_shares_the_account_node() -> None:
    value = "GB82WEST12345698765432"
    assert uk_bank_from_iban(value) == ("123456", "98765432")
    assert ibans.node_id(value) == accounts.node_id("123456-98765432")
    assert ibans.node_id("DE89370400440532013000") == "iban:DE89370400440532013000"
    assert ibans.caption(value) == "GB82 WEST 1234 5698 7654 32"
    assert ibans.compare_detail(value, "GB00WEST12345698765432") == (
        0.8,
        "same account, check digits differ",
    )


@st.composite
def gb_ibans(draw: st.DrawFn) -> str:
    bank = draw(st.from_regex(r"[A-Z]{4}", fullmatch=True))
    digits = draw(st.from_regex(r"[0-9]{14}", fullmatch=True))
    bban = bank + digits
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "GB00")) % 97
    if draw(st.booleans()):
        check = draw(st.integers(0, 99))  # mostly a wrong check
    iban = f"GB{check:02d}{bban}"
    return draw(
        st.sampled_from([iban, iban.lower(), " ".join(iban[i : i + 4] for i in range(0, 22, 4))])
    )


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(gb_ibans(), st.text(alphabet="GBDE0123456789 WESTX", max_size=24)))
def test_iban_fast_path_gives_the_stdnum_answer(raw: str) -> None:
    assert ibans.clean(raw) == ibans._clean_slow(raw)
