"""Intelligence grading: 3x5x2 (current) and legacy 5x5x5 kept exactly as it was graded.

See domain-standards.md §1.1 (3x5x2) and §1.3 (5x5x5). Source and information are graded
separately; each item carries its own grade. Legacy grades are never silently converted: they
keep their scheme name and codes, and any 3x5x2 reading is a suggestion for an analyst.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from threadline.errors import ValidationError

__all__ = [
    "SCHEME_3X5X2",
    "SCHEME_5X5X5",
    "Grade",
    "HandlingCode",
    "IntelligenceAssessment",
    "SourceEvaluation",
    "grade_3x5x2",
    "grade_5x5x5",
    "stored_grade",
]

SCHEME_3X5X2 = "3x5x2"
SCHEME_5X5X5 = "5x5x5"


class SourceEvaluation(StrEnum):
    """3x5x2 source evaluation."""

    RELIABLE = "1"
    UNTESTED = "2"
    NOT_RELIABLE = "3"


class IntelligenceAssessment(StrEnum):
    """3x5x2 intelligence (information) assessment."""

    KNOWN_DIRECTLY = "A"
    INDIRECT_CORROBORATED = "B"
    INDIRECT = "C"
    NOT_KNOWN = "D"
    SUSPECTED_FALSE = "E"


class HandlingCode(StrEnum):
    """3x5x2 handling code: P lawful sharing permitted, C permitted with conditions."""

    PERMITTED = "P"
    CONDITIONS = "C"


SOURCE_LABELS = {"1": "Reliable", "2": "Untested", "3": "Not reliable"}
INFORMATION_LABELS = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
LEGACY_SOURCE_LABELS = {
    "A": "Always reliable",
    "B": "Mostly reliable",
    "C": "Sometimes reliable",
    "D": "Unreliable",
    "E": "Untested source",
}
LEGACY_INFORMATION_LABELS = {
    "1": "Known to be true without reservation",
    "2": "Known personally to the source but not to the officer",
    "3": "Not known personally to the source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false",
}
LEGACY_HANDLING_LABELS = {
    "1": "May be disseminated to other law enforcement and prosecuting agencies",
    "2": "May be disseminated to UK non-prosecuting parties",
    "3": "May be disseminated to non-EEA law enforcement agencies",
    "4": "Disseminate only within the originating agency",
    "5": "No further dissemination: refer to the originator",
}


@dataclass(frozen=True, slots=True)
class Grade:
    """The grade of one intelligence item, in the scheme it was graded under.

    `handling_conditions` is required under 3x5x2 handling code C and refused under P.
    """

    scheme: str
    source: str
    information: str
    handling: str
    handling_conditions: tuple[str, ...] = field(default=())

    @property
    def code(self) -> str:
        """Compact notation, e.g. ``1AP`` (3x5x2) or ``B24`` (5x5x5)."""
        return f"{self.source}{self.information}{self.handling}"

    @property
    def shown(self) -> str:
        """The grade as given, for anywhere a record's grade is shown: a 3x5x2 code, or a
        legacy code with its suggested 3x5x2 reading beside it (never in its place).

        >>> grade_3x5x2("1", "A", "P").shown, grade_5x5x5("B", 4, 2).shown
        ('1AP', 'B42 (5x5x5; suggested 3x5x2 reading 1DC)')
        """
        if self.scheme == SCHEME_3X5X2:
            return self.code
        return f"{self.code} (5x5x5; suggested 3x5x2 reading {self.suggested_3x5x2()})"

    @property
    def restricted(self) -> bool:
        """Whether sharing is subject to conditions (C, or legacy handling 2-5)."""
        if self.scheme == SCHEME_3X5X2:
            return self.handling == HandlingCode.CONDITIONS
        return self.handling != "1"

    def describe(self) -> str:
        """The grade in words, for reports and explanations."""
        if self.scheme == SCHEME_3X5X2:
            words = f"{SOURCE_LABELS[self.source]}; {INFORMATION_LABELS[self.information]}"
        else:
            words = (
                f"{LEGACY_SOURCE_LABELS[self.source]}; "
                f"{LEGACY_INFORMATION_LABELS[self.information]} (legacy 5x5x5, as graded; "
                f"suggested 3x5x2 reading {self.suggested_3x5x2()}, for an analyst to confirm)"
            )
        return f"{self.code}: {words}"

    def suggested_3x5x2(self) -> str | None:
        """A suggested 3x5x2 reading of a legacy grade for an analyst to confirm, or None.

        Follows the import rule in domain-standards.md §1.3; parts the rule leaves to the
        analyst are shown as ``?``. Never applied automatically.
        """
        if self.scheme == SCHEME_3X5X2:
            return None
        source = {"A": "1", "B": "1", "E": "2", "D": "3"}.get(self.source, "?")
        info = {"2": "A", "3": "B", "4": "D", "5": "E"}.get(self.information, "?")
        handling = "P" if self.handling == "1" else "C"
        return f"{source}{info}{handling}"


def stored_grade(
    scheme: str, source: str, information: str, handling: str, conditions: object
) -> Grade:
    """A grade as the records table stores it (already validated when it was loaded).

    >>> stored_grade("3x5x2", "2", "B", "C", ["no onward sharing"]).code
    '2BC'
    """
    items = conditions if isinstance(conditions, list | tuple) else ()
    return Grade(scheme, source, information, handling, tuple(str(c) for c in items))


def _clean(value: str | int | None) -> str:
    return "" if value is None else str(value).strip().upper()


def grade_3x5x2(
    source: str | int | None,
    information: str | None,
    handling: str | None,
    conditions: str | tuple[str, ...] | list[str] | None = None,
) -> Grade:
    """Validate and build a 3x5x2 grade.

    >>> grade_3x5x2(1, "a", "p").code
    '1AP'
    >>> grade_3x5x2("2", "B", "C", "Not to be disseminated outside the originating agency")
    ... # doctest: +ELLIPSIS
    Grade(scheme='3x5x2', source='2', information='B', handling='C', handling_conditions=(...))
    >>> grade_3x5x2("4", "A", "P")
    Traceback (most recent call last):
    ...
    threadline.errors.ValidationError: source evaluation '4' is not 1, 2 or 3 (3x5x2)
    >>> grade_3x5x2("1", "A", "C")
    Traceback (most recent call last):
    ...
    threadline.errors.ValidationError: handling code C requires handling conditions
    """
    s, i, h = _clean(source), _clean(information), _clean(handling)
    if s not in SOURCE_LABELS:
        raise ValidationError(f"source evaluation {s or '(empty)'!r} is not 1, 2 or 3 (3x5x2)")
    if i not in INFORMATION_LABELS:
        raise ValidationError(f"intelligence assessment {i or '(empty)'!r} is not A-E (3x5x2)")
    if h not in {"P", "C"}:
        raise ValidationError(f"handling code {h or '(empty)'!r} is not P or C (3x5x2)")
    conds = _conditions(conditions)
    if h == "C" and not conds:
        raise ValidationError("handling code C requires handling conditions")
    if h == "P" and conds:
        raise ValidationError("handling code P cannot carry conditions: use C")
    return Grade(SCHEME_3X5X2, s, i, h, conds)


def grade_5x5x5(
    source: str | None, information: str | int | None, handling: str | int | None
) -> Grade:
    """Validate a legacy 5x5x5 grade and keep its codes verbatim.

    >>> grade_5x5x5("B", 2, 4).describe()  # doctest: +NORMALIZE_WHITESPACE
    'B24: Mostly reliable; Known personally to the source but not to the officer (legacy 5x5x5,
    as graded; suggested 3x5x2 reading 1AC, for an analyst to confirm)'
    """
    s, i, h = _clean(source), _clean(information), _clean(handling)
    if s not in LEGACY_SOURCE_LABELS:
        raise ValidationError(f"source evaluation {s or '(empty)'!r} is not A-E (5x5x5)")
    if i not in LEGACY_INFORMATION_LABELS:
        raise ValidationError(f"intelligence evaluation {i or '(empty)'!r} is not 1-5 (5x5x5)")
    if h not in LEGACY_HANDLING_LABELS:
        raise ValidationError(f"handling code {h or '(empty)'!r} is not 1-5 (5x5x5)")
    return Grade(SCHEME_5X5X5, s, i, h)


def _conditions(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        for part in str(item).split(";"):
            text = " ".join(part.split())
            if text and text not in out:
                out.append(text)
    return tuple(out)
