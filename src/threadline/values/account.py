"""UK bank account numbers, alone or with their sort code ("200000-12345678")."""

from __future__ import annotations

import re

from threadline.values._text import digits, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType
from threadline.values.sortcode import SortCodeType, format_sortcode

__all__ = ["AccountType", "parse_uk_bank"]

_LABELS = re.compile(
    r"\b(?:sort\s*code|s/c|sc|account|acc|acct|a/c|ac|number|num|no)\b\.?|[:#]", re.I
)
_SORTCODE = re.compile(r"(?<!\d)(\d{2})[-\s.](\d{2})[-\s.](\d{2})(?!\d)")
_RUNS = re.compile(r"\d+")
_SORTCODE_LABELLED = re.compile(r"(?:sort\s*code|s/c)\W*(\d{6})(?!\d)", re.I)


def _account_number(text: str, original: str) -> Cleaned:
    bare = digits(text)
    if len(bare) == 8:
        return Cleaned(original, bare)
    if len(bare) == 7:
        return Cleaned(original, "0" + bare, "7-digit account number padded to 8", ("padded",))
    if not bare:
        return Cleaned(original, None, "no account number given", ("missing",))
    problem = f"UK account numbers have 8 digits, this has {len(bare)}: kept as given"
    return Cleaned(original, bare, problem, ("raw",))


def parse_uk_bank(raw: str, hints: Hints = DEFAULT_HINTS) -> tuple[Cleaned, Cleaned]:
    """Split "20-00-00 12345678" and labelled forms into a sort code and an account.

    The account's value includes the sort code when there is one ("200000-12345678").

    >>> sortcode, account = parse_uk_bank("sort code 20-00-00 account 12345678")
    >>> sortcode.value, account.value
    ('20-00-00', '200000-12345678')
    >>> parse_uk_bank("12345678")[1].value
    '12345678'
    """
    text = squash(raw)
    found = _SORTCODE.search(text) or _SORTCODE_LABELLED.search(text)
    if found is None:
        bare = digits(text)
        if len(bare) in (13, 14) and len(_RUNS.findall(text)) <= 2:
            sortcode = SortCodeType().clean(bare[:6], hints)
            rest = bare[6:]
        else:
            return Cleaned(raw, None, "no sort code given", ("missing",)), _account_number(
                _LABELS.sub(" ", text), raw
            )
    else:
        sortcode = SortCodeType().clean("".join(found.groups()), hints)
        rest = text[: found.start()] + " " + text[found.end() :]
    account = _account_number(_LABELS.sub(" ", rest), raw)
    sortcode = Cleaned(raw, sortcode.value, sortcode.problem, sortcode.flags)
    if account.value is not None and not account.is_raw and sortcode.value is not None:
        value = f"{digits(sortcode.value)}-{account.value}"
        account = Cleaned(raw, value, account.problem, account.flags)
    return sortcode, account


class AccountType(ValueType):
    """UK account numbers: "12345678", or "200000-12345678" with the sort code.

    >>> accounts = AccountType()
    >>> accounts.clean("20-00-00 12345678").value
    '200000-12345678'
    >>> accounts.clean("1234567").flags
    ('padded',)
    >>> accounts.caption("200000-12345678")
    '20-00-00 12345678'
    """

    name = "account"
    label = "Bank account"
    node_prefix = "account"
    """Wages of many workers paid into one controller's account is a classic indicator."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        return parse_uk_bank(raw, hints)[1]

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same account"
        sort_a, _, number_a = left.rpartition("-")
        sort_b, _, number_b = right.rpartition("-")
        if number_a == number_b:
            if not sort_a or not sort_b:
                return 0.8, "same account number, sort code missing in one"
            return 0.3, "same account number, different sort code"
        return 0.0, "different accounts"

    def caption(self, value: str) -> str:
        sortcode, _, number = value.rpartition("-")
        if len(sortcode) == 6:
            return f"{format_sortcode(sortcode)} {number}"
        return value
