"""Formula escaping (OWASP CSV injection): a case table analysts can review."""

from __future__ import annotations

from datetime import date

import pytest

from threadline.export import safe_cell, safe_value

CASES: list[tuple[str, str, str]] = [
    # (what a partner wrote, what the cell holds, why)
    ("=1+1", "'=1+1", "a formula"),
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")', "a link that leaks data"),
    ("+44 7700 900123", "'+44 7700 900123", "a phone number read as a sum"),
    ("-2+3", "'-2+3", "a leading minus"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)", "Lotus-style function"),
    ("\t=1", "'\t=1", "a tab hiding a formula"),
    ("\r=1", "'\r=1", "a carriage return hiding a formula"),
    ("\n=1", "'\n=1", "a line feed"),
    ("  =1", "'  =1", "spaces before a formula"),
    ("\uff1d1+1", "'\uff1d1+1", "a full-width equals sign"),
    ("'quoted", "''quoted", "an apostrophe already there, so unescaping is exact"),
    ("Lan NGUYEN", "Lan NGUYEN", "an ordinary name"),
    ("4 Mill Street", "4 Mill Street", "an ordinary address"),
    ("a=b", "a=b", "an equals sign inside text"),
    ("", "", "an empty cell"),
]


@pytest.mark.parametrize(("written", "held", "why"), CASES, ids=[c[2] for c in CASES])
def test_text_that_a_spreadsheet_would_evaluate_is_escaped(
    written: str, held: str, why: str
) -> None:
    assert safe_cell(written) == held, why


def test_values_threadline_wrote_are_kept_as_they_are() -> None:
    assert safe_value(-5) == -5 and safe_value(2.5) == 2.5 and safe_value(True) is True
    assert safe_value(date(2025, 1, 1)) == date(2025, 1, 1) and safe_value(None) is None
    assert safe_value(("=x",)) == "('=x',)"  # not text: shown as Python writes it
