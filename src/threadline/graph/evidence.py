"""How much a piece of evidence counts, from the grade of the record that holds it.

Every record keeps the grade it was given (3x5x2, or legacy 5x5x5 exactly as graded). To weigh
evidence we read each grade as a 3x5x2 *source* and *information* pair (the "weighting code",
e.g. ``2B``) and multiply a weight for each half. Legacy grades are read through the table
below, for weighting only: the record's own grade is never changed.

========================  ====================  =====================================
5x5x5 source              read as 3x5x2 source  why
========================  ====================  =====================================
A always reliable         1 reliable            same meaning
B mostly reliable         1 reliable            as ``Grade.suggested_3x5x2``
C sometimes reliable      2 untested            no track record either way
D unreliable              3 not reliable        same meaning
E untested                2 untested            same meaning
========================  ====================  =====================================

========================================  =============================================
5x5x5 information                         read as 3x5x2 information
========================================  =============================================
1 known to be true without reservation    A known directly to the source
2 known personally to the source          A known directly to the source
3 not known personally, corroborated      B known indirectly, corroborated
4 cannot be judged                        D not known
5 suspected to be false                   E suspected to be false
========================================  =============================================
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import igraph as ig

from threadline.errors import ValidationError
from threadline.model.grading import SCHEME_3X5X2, SCHEME_5X5X5
from threadline.model.marking import Marking
from threadline.model.protection import Protection, combine, protection_of

__all__ = [
    "DEFAULT_INFORMATION_WEIGHTS",
    "DEFAULT_SOURCE_WEIGHTS",
    "LEGACY_INFORMATION",
    "LEGACY_SOURCE",
    "GradeWeights",
    "corroborated",
    "meets",
    "parse_minimum",
    "protection_of_records",
    "weighting_code",
]

LEGACY_SOURCE = {"A": "1", "B": "1", "C": "2", "D": "3", "E": "2"}
"""5x5x5 source evaluation -> the 3x5x2 source evaluation it is weighed as."""

LEGACY_INFORMATION = {"1": "A", "2": "A", "3": "B", "4": "D", "5": "E"}
"""5x5x5 intelligence evaluation -> the 3x5x2 information assessment it is weighed as."""

DEFAULT_SOURCE_WEIGHTS: Mapping[str, float] = {"1": 1.0, "2": 0.6, "3": 0.3}
"""Reliable sources count in full; untested ones (callers, adverts) at 0.6; unreliable at 0.3."""

DEFAULT_INFORMATION_WEIGHTS: Mapping[str, float] = {
    "A": 1.0,
    "B": 1.0,
    "C": 0.7,
    "D": 0.4,
    "E": 0.0,
}
"""Known directly, or indirectly but corroborated, counts in full; hearsay (C) and what the
source cannot vouch for (D) count less; information suspected to be false counts nothing."""

_SOURCES = "123"
_INFORMATION = "ABCDE"


def weighting_code(scheme: str, source: str, information: str) -> str:
    """The 3x5x2 source and information pair a grade is weighed as.

    >>> weighting_code("3x5x2", "2", "B")
    '2B'
    >>> weighting_code("5x5x5", "B", "2")  # legacy: read through the documented table
    '1A'
    """
    if scheme == SCHEME_3X5X2:
        return f"{source}{information}"
    return f"{LEGACY_SOURCE.get(source, '2')}{LEGACY_INFORMATION.get(information, 'D')}"


def parse_minimum(text: str) -> str:
    """Validate a minimum grade such as ``2B`` (source 1-2 and information A-B pass).

    >>> parse_minimum("2c")
    '2C'
    >>> parse_minimum("4A")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    threadline.errors.ValidationError: minimum grade '4A' is not a 3x5x2 source 1-3 and ...
    """
    code = text.strip().upper()
    if len(code) != 2 or code[0] not in _SOURCES or code[1] not in _INFORMATION:
        raise ValidationError(
            f"minimum grade {text!r} is not a 3x5x2 source 1-3 and information A-E, e.g. 2B"
        )
    return code


def meets(code: str, minimum: str | None) -> bool:
    """Whether a weighting code is at least as good as `minimum` on both halves.

    >>> meets("1B", "2B"), meets("2C", "2B"), meets("3A", "2B"), meets("3E", None)
    (True, False, False, True)
    """
    if minimum is None:
        return True
    return _SOURCES.index(code[0]) <= _SOURCES.index(minimum[0]) and _INFORMATION.index(
        code[1]
    ) <= _INFORMATION.index(minimum[1])


def corroborated(weights: Iterable[float]) -> float:
    """Combined confidence of independent pieces of evidence: 1 - prod(1 - w).

    Two reports from untested sources (0.6 each) together count 0.84; one reliable,
    directly known record (1.0) is already certain.

    >>> round(corroborated([0.6, 0.6]), 2), corroborated([1.0, 0.2]), corroborated([])
    (0.84, 1.0, 0.0)
    """
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(1.0, max(0.0, weight))
    return 1.0 - remaining


@dataclass(frozen=True, slots=True)
class GradeWeights:
    """Weights for each half of a weighting code; their product weighs one record.

    >>> w = GradeWeights()
    >>> w.weight("1A"), w.weight("2C"), w.weight("3E")
    (1.0, 0.42, 0.0)
    """

    source: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SOURCE_WEIGHTS))
    information: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_INFORMATION_WEIGHTS)
    )

    def weight(self, code: str) -> float:
        """Weight of one record whose weighting code is `code` (0 to 1); a legacy code as
        given (``B42``) weighs as its weighting code.

        >>> GradeWeights().weight("B42") == GradeWeights().weight("1D")
        True
        """
        if len(code) == 3 and code[:1].isalpha():
            code = weighting_code(SCHEME_5X5X5, code[0], code[1])
        return round(self.source.get(code[:1], 0.0) * self.information.get(code[1:2], 0.0), 4)

    def describe(self, codes: Iterable[str], limit: int = 64) -> str:
        """A short summary of evidence grades for the ``grade`` columns, best first: weighting
        codes, and legacy grades as given (``RecordInfo.label``).

        >>> GradeWeights().describe(["2C", "1A", "1A", "B42"])
        '1A x2, 2C x1, B42 x1 (weights 1, 0.42, 0.4)'
        """
        counts = Counter(codes)
        if not counts:
            return ""
        ordered = sorted(counts, key=lambda c: (-self.weight(c), c))
        parts = ", ".join(f"{c} x{counts[c]}" for c in ordered)
        weights = ", ".join(f"{self.weight(c):g}" for c in ordered)
        text = f"{parts} (weights {weights})"
        if len(text) > limit:
            text = parts if len(parts) <= limit else parts[: limit - 3] + "..."
        return text


def protection_of_records(g: ig.Graph, records: Iterable[int]) -> Protection:
    """The combined marking and handling of the graph's evidence records `records` (what an
    output that shows them holds)."""
    info = g["records"]
    return combine(
        protection_of(info[r].grade, Marking(info[r].marking)) for r in records if r in info
    )
