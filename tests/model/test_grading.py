"""3x5x2 and legacy 5x5x5 grading rules, as case tables."""

from __future__ import annotations

import pytest

from threadline.errors import ValidationError
from threadline.model import SCHEME_5X5X5, grade_3x5x2, grade_5x5x5

VALID_3X5X2 = [
    # source, information, handling, conditions, expected code, restricted
    ("1", "A", "P", None, "1AP", False),
    (2, "b", "p", None, "2BP", False),
    ("3", "E", "C", "Not to be disseminated outside the originating agency", "3EC", True),
    (" 2 ", "d", "c", ["A1 combine only", "S2 no sanitisation"], "2DC", True),
]


@pytest.mark.parametrize(("source", "info", "handling", "conds", "code", "restricted"), VALID_3X5X2)
def test_valid_3x5x2(
    source: str | int, info: str, handling: str, conds: object, code: str, restricted: bool
) -> None:
    grade = grade_3x5x2(source, info, handling, conds)  # type: ignore[arg-type]
    assert grade.code == code
    assert grade.restricted is restricted
    assert grade.suggested_3x5x2() is None


INVALID_3X5X2 = [
    # source, information, handling, conditions, words in the error
    ("0", "A", "P", None, "source evaluation '0'"),
    ("4", "A", "P", None, "is not 1, 2 or 3"),
    ("", "A", "P", None, "(empty)"),
    ("1", "F", "P", None, "intelligence assessment 'F'"),
    ("1", "A", "X", None, "handling code 'X'"),
    ("1", "A", "C", None, "C requires handling conditions"),
    ("1", "A", "C", "  ;  ", "C requires handling conditions"),
    ("1", "A", "P", "only police", "P cannot carry conditions"),
]


@pytest.mark.parametrize(("source", "info", "handling", "conds", "message"), INVALID_3X5X2)
def test_invalid_3x5x2(
    source: str, info: str, handling: str, conds: str | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grade_3x5x2(source, info, handling, conds)


def test_conditions_are_split_and_deduplicated() -> None:
    grade = grade_3x5x2("2", "B", "C", "no onward sharing; A2 covert only;no onward sharing")
    assert grade.handling_conditions == ("no onward sharing", "A2 covert only")


LEGACY = [
    # source, information, handling, code kept, suggested 3x5x2 reading
    ("A", "1", "1", "A11", "1?P"),
    ("B", "2", "4", "B24", "1AC"),
    ("C", "3", "2", "C32", "?BC"),
    ("E", "4", "5", "E45", "2DC"),
    ("D", "5", "3", "D53", "3EC"),
]


@pytest.mark.parametrize(("source", "info", "handling", "code", "suggested"), LEGACY)
def test_legacy_grades_keep_their_codes(
    source: str, info: str, handling: str, code: str, suggested: str
) -> None:
    grade = grade_5x5x5(source, info, handling)
    assert grade.scheme == SCHEME_5X5X5
    assert grade.code == code
    assert grade.suggested_3x5x2() == suggested


@pytest.mark.parametrize(("source", "info", "handling"), [("F", 1, 1), ("A", 6, 1), ("A", 1, 0)])
def test_invalid_legacy(source: str, info: int, handling: int) -> None:
    with pytest.raises(ValidationError, match="5x5x5"):
        grade_5x5x5(source, info, handling)


def test_describe_in_words() -> None:
    assert grade_3x5x2(2, "C", "P").describe() == ("2CP: Untested; Known indirectly to the source")
