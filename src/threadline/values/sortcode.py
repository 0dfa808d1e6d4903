"""UK bank sort codes: six digits written NN-NN-NN."""

from __future__ import annotations

from threadline.values._text import digits
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["SortCodeType", "format_sortcode"]


def format_sortcode(six_digits: str) -> str:
    """``"200000"`` as ``"20-00-00"``.

    >>> format_sortcode("200000")
    '20-00-00'
    """
    return f"{six_digits[:2]}-{six_digits[2:4]}-{six_digits[4:]}"


class SortCodeType(ValueType):
    """Sort codes as NN-NN-NN ("20-00-00").

    >>> SortCodeType().clean("20 00 00").value
    '20-00-00'
    >>> SortCodeType().clean("20-00-0").flags
    ('raw',)
    """

    name = "sortcode"
    label = "Sort code"
    # node_prefix stays None: a sort code names a bank branch that thousands of people share;
    # the account (sort code and number together) is the graph node.

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        bare = digits(text)
        if len(bare) == 6 and not any(ch.isalpha() for ch in text.lower().replace("sort code", "")):
            return Cleaned(raw, format_sortcode(bare))
        if not bare:
            return Cleaned(raw, None, "no digits in this sort code")
        problem = f"a sort code has 6 digits, this has {len(bare)}: kept as given"
        return Cleaned(raw, bare, problem, ("raw",))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same sort code"
        if left[:2] == right[:2]:
            return 0.2, "same bank prefix"
        return 0.0, "different sort codes"
