"""UK vehicle registration marks: current, prefix, suffix and dateless formats."""

from __future__ import annotations

import re

from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["VRM_FORMATS", "VrmType", "vrm_format"]

VRM_FORMATS: dict[str, re.Pattern[str]] = {
    "current": re.compile(r"^([A-HJ-PR-Y][A-HJ-PR-Y])([0-9]{2})([A-HJ-PR-Z]{3})$"),
    "prefix": re.compile(r"^([A-HJ-NP-Y])([0-9]{1,3})([A-Z]{3})$"),
    "suffix": re.compile(r"^([A-Z]{3})([0-9]{1,3})([A-HJ-NP-Y])$"),
    "dateless": re.compile(r"^([A-Z]{1,3})([0-9]{1,4})$|^([0-9]{1,4})([A-Z]{1,3})$"),
}
"""Shapes of a GB or Northern Irish mark, written without spaces. Current marks (2001 on) are
two letters, the age identifier and three letters; the letters I and Q are never issued there,
and Z only in the last three."""

_SEPARATORS = re.compile(r"[\s\-.]")
_LOOKALIKE = str.maketrans("0O1I5S8B", "O0I1S5B8")
_DIGIT_FOR = str.maketrans("OIZSB", "01258")


def vrm_format(value: str) -> str | None:
    """Which UK format a cleaned mark follows.

    >>> vrm_format("AB12CDE"), vrm_format("A123BCD"), vrm_format("ABC123D"), vrm_format("1ABC")
    ('current', 'prefix', 'suffix', 'dateless')
    """
    for name, pattern in VRM_FORMATS.items():
        if pattern.match(value):
            return name
    return None


class VrmType(ValueType):
    """Vehicle registration marks, upper case without spaces ("AB12CDE").

    >>> vrms = VrmType()
    >>> vrms.clean("ab12 cde").value
    'AB12CDE'
    >>> vrms.caption("AB12CDE")
    'AB12 CDE'
    >>> vrms.clean("AB1O CDE").flags
    ('corrected',)
    """

    name = "vrm"
    label = "Vehicle registration"
    node_prefix = "vrm"
    """Vehicles carry victims between addresses and workplaces: a shared car links people."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        compact = _SEPARATORS.sub("", text.upper())
        if not compact.isalnum() or not compact.isascii():
            return Cleaned(raw, None, "a registration has only letters and digits")
        if vrm_format(compact) is not None:
            return Cleaned(raw, compact)
        # Current format with a letter typed for a digit in the age identifier: "AB1O CDE".
        if len(compact) == 7:
            fixed = compact[:2] + compact[2:4].translate(_DIGIT_FOR) + compact[4:]
            if vrm_format(fixed) == "current":
                problem = f"read {compact[2:4]!r} as the age identifier {fixed[2:4]!r}"
                return Cleaned(raw, fixed, problem, ("corrected",))
        if hints.country[:2].lower() not in ("gb", "uk"):
            return Cleaned(raw, compact, None, ("foreign",))
        problem = "not a UK registration format: kept as given for exact matching"
        return Cleaned(raw, compact, problem, ("raw",))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same registration"
        if len(left) == len(right):
            diffs = [(a, b) for a, b in zip(left, right, strict=True) if a != b]
            if all(a.translate(_LOOKALIKE) == b for a, b in diffs):
                return 0.9, "look-alike characters (0/O, 1/I, 5/S, 8/B)"
            if len(diffs) == 1:
                return 0.6, "one character differs"
        return 0.0, "different registrations"

    def caption(self, value: str) -> str:
        kind = vrm_format(value)
        if kind == "current":
            return f"{value[:4]} {value[4:]}"
        if kind == "prefix":
            return f"{value[:-3]} {value[-3:]}"
        if kind == "suffix":
            return f"{value[:3]} {value[3:]}"
        if kind == "dateless":
            split = re.match(r"^([A-Z]+|[0-9]+)", value)
            return f"{split.group(1)} {value[split.end() :]}" if split else value
        return value
