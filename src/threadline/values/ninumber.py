"""UK National Insurance numbers, checked against HMRC's allocation rules."""

from __future__ import annotations

import re
from typing import ClassVar

from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["NiNumberType"]

_SEPARATORS = re.compile(r"[\s\-.]")
_SHAPE = re.compile(r"^([A-Z]{2})([0-9]{6})([A-Z]?)$")


class NiNumberType(ValueType):
    """National Insurance numbers, compact upper case ("QQ123456C").

    >>> ni = NiNumberType()
    >>> ni.clean("qq 12 34 56 c")
    Cleaned(original='qq 12 34 56 c', value='QQ123456C', problem=None, flags=('specimen',))
    >>> ni.clean("BG 12 34 56 A").problem
    "prefix 'BG' is never issued: kept as given"
    >>> ni.caption("QQ123456C")
    'QQ 12 34 56 C'
    """

    name = "ninumber"
    label = "National Insurance number"
    node_prefix = "ninumber"
    """One NI number used by several workers is how controllers take victims' wages, so
    the number is a graph node as well as a merge key."""

    bad_letters: ClassVar[frozenset[str]] = frozenset("DFIQUV")
    """HMRC never uses D, F, I, Q, U or V as the first or second letter (O is also barred second),
    except in the specimen prefix "QQ" that HMRC prints on forms and guidance: such numbers are
    kept and flagged "specimen", as nobody holds one."""

    bad_prefixes: ClassVar[frozenset[str]] = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
    """Prefixes HMRC does not allocate: "TN" marks temporary numbers, "NK" means not known."""

    suffixes: ClassVar[frozenset[str]] = frozenset("ABCD")
    """The final letter is A, B, C or D; older records leave it off."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        compact = _SEPARATORS.sub("", text.upper())
        shape = _SHAPE.match(compact)
        if shape is None:
            if not compact.isalnum():
                return Cleaned(raw, None, "not a National Insurance number")
            shape_problem = "not shaped like a National Insurance number (AB123456C)"
            return Cleaned(raw, compact, f"{shape_problem}: kept as given", ("raw",))
        prefix, _, suffix = shape.groups()
        problem = self._prefix_problem(prefix)
        if problem is None and suffix and suffix not in self.suffixes:
            problem = f"final letter {suffix!r} is not A, B, C or D"
        if problem is not None:
            return Cleaned(raw, compact, f"{problem}: kept as given", ("raw",))
        flags = ("specimen",) if prefix == "QQ" else ()
        if not suffix:
            flags = (*flags, "no_suffix")
        return Cleaned(raw, compact, None, flags)

    def _prefix_problem(self, prefix: str) -> str | None:
        if prefix == "QQ":
            return None
        if prefix in self.bad_prefixes:
            return f"prefix {prefix!r} is never issued"
        if prefix[0] in self.bad_letters:
            return f"first letter {prefix[0]!r} is never issued"
        if prefix[1] in self.bad_letters | {"O"}:
            return f"second letter {prefix[1]!r} is never issued"
        return None

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same number"
        if left[:8] == right[:8]:
            return 0.95, "same number, final letter missing or different"
        if len(left) == len(right) and sum(a != b for a, b in zip(left, right, strict=True)) == 1:
            return 0.5, "one character differs"
        return 0.0, "different numbers"

    def caption(self, value: str) -> str:
        if len(value) < 8:
            return value
        return " ".join([value[:2], value[2:4], value[4:6], value[6:8], value[8:]]).strip()
