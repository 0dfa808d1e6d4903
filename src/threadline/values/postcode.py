"""UK postcodes: "SW1A 1AA", outward and inward codes, Royal Mail letter rules."""

from __future__ import annotations

import re

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["POSTCODE_PATTERN", "PostcodeType", "split_postcode"]

# Royal Mail: the first letter is never Q, V or X; the second never I, J or Z; a letter in the
# third place (A9A) is one of ABCDEFGHJKPSTUW, in the fourth (AA9A) one of ABEHMNPRVWXY; the
# inward letters never include C, I, K, M, O or V.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]|GIR)"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE_PATTERN = re.compile(rf"\b({_OUTWARD}) ?({_INWARD})\b")
"""A full UK postcode in upper-case text, with or without the space; used by extraction."""

_FULL = re.compile(rf"^({_OUTWARD})({_INWARD})$")
_OUTWARD_ONLY = re.compile(rf"^{_OUTWARD}$")
_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9OIL][A-Z]{2}$")
_SEPARATORS = re.compile(r"[\s\-.]")
_MISREAD = str.maketrans("OIL", "011")


def split_postcode(value: str) -> tuple[str, str | None]:
    """Outward and inward code of a cleaned postcode.

    >>> split_postcode("SW1A 1AA")
    ('SW1A', '1AA')
    >>> split_postcode("M1")
    ('M1', None)
    """
    outward, _, inward = value.partition(" ")
    return outward, inward or None


class PostcodeType(ValueType):
    """UK postcodes, upper case with one space before the inward code.

    >>> postcodes = PostcodeType()
    >>> postcodes.clean("sw1a1aa").value
    'SW1A 1AA'
    >>> postcodes.clean("M1 OAB").flags
    ('corrected',)
    >>> postcodes.compare_detail("SW1A 1AA", "SW1A 1AB")
    (0.7, 'same sector')
    """

    name = "postcode"
    label = "Postcode"
    # node_prefix stays None: a postcode covers about fifteen premises, so two people sharing
    # one is a comparison feature, not a link. Addresses are the graph nodes.

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        compact = _SEPARATORS.sub("", text.upper())
        if (full := _FULL.match(compact)) is not None:  # what the checks below would find first
            return Cleaned(raw, f"{full.group(1)} {full.group(2)}")
        return self._clean_compact(raw, compact, hints)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` as first written: the reference for its shortcut."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._clean_compact(raw, _SEPARATORS.sub("", squash(raw).upper()), hints)

    def _clean_compact(self, raw: str, compact: str, hints: Hints) -> Cleaned:
        if not any(ch.isalnum() for ch in compact):
            return Cleaned(raw, None, "no letters or digits in this postcode")
        if (full := _FULL.match(compact)) is not None:
            return Cleaned(raw, f"{full.group(1)} {full.group(2)}")
        if _SHAPE.match(compact):
            # The inward code starts with a digit: "O", "I" or "L" there is a misread 0 or 1.
            fixed = compact[:-3] + compact[-3].translate(_MISREAD) + compact[-2:]
            if (full := _FULL.match(fixed)) is not None:
                problem = f"read {compact[-3]!r} as a digit in the inward code"
                return Cleaned(raw, f"{full.group(1)} {full.group(2)}", problem, ("corrected",))
        if _OUTWARD_ONLY.match(compact):
            return Cleaned(raw, compact, "outward code only (postcode district)", ("partial",))
        if hints.country[:2].lower() not in ("gb", "uk", "im", "je", "gg"):
            return Cleaned(raw, compact, None, ("foreign",))
        problem = "not a valid UK postcode: kept as given for exact matching"
        return Cleaned(raw, compact, problem, ("raw",))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same postcode"
        (out_a, in_a), (out_b, in_b) = split_postcode(left), split_postcode(right)
        if out_a != out_b:
            area_a, area_b = re.match(r"[A-Z]*", out_a), re.match(r"[A-Z]*", out_b)
            if area_a and area_b and area_a.group() == area_b.group():
                return 0.1, "same postcode area"
            return 0.0, "different postcodes"
        if in_a is None or in_b is None:
            return 0.6, "same district (one postcode partial)"
        if in_a[0] == in_b[0]:
            return 0.7, "same sector"
        return 0.4, "same district"
