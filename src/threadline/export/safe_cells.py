"""Text made safe for spreadsheets: nothing a partner supplied is ever evaluated as a formula.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets) treats a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and a leading tab or carriage return can hide one (OWASP,
"CSV Injection"). Names, addresses and free text in intelligence come from outside, so every
text cell of a CSV or XLSX export goes through `safe_cell`, which prefixes such text with an
apostrophe. The value stays readable and is shown as text; numbers, dates and flags that
Threadline itself wrote are left as they are.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["FORMULA_TRIGGERS", "safe_cell", "safe_value"]

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""Leading characters that make a spreadsheet read a cell as a formula: the OWASP list
(= + - @ tab CR), a line feed, and the full-width forms some spreadsheets also accept."""


def safe_cell(text: str) -> str:
    """`text`, prefixed with an apostrophe when a spreadsheet would evaluate it.

    Text that starts with a trigger after leading spaces is escaped too (a space does not
    stop every spreadsheet), and so is text already starting with an apostrophe, so that
    escaping can be undone by removing exactly one.

    >>> safe_cell("=HYPERLINK(\\"http://evil\\")")
    '\\'=HYPERLINK("http://evil")'
    >>> safe_cell("-5"), safe_cell("Lan NGUYEN"), safe_cell("  @SUM(A1)"), safe_cell("")
    ("'-5", 'Lan NGUYEN', "'  @SUM(A1)", '')
    """
    if not text:
        return text
    first = text.lstrip(" ")[:1] or text[:1]
    if first in FORMULA_TRIGGERS or text[0] == "'":
        return "'" + text
    return text


def safe_value(value: object) -> object:
    """A cell value: text escaped with `safe_cell`; numbers, dates, flags and None as they
    are; anything else as escaped text.

    >>> safe_value("+44 7700 900123"), safe_value(3), safe_value(None)
    ("'+44 7700 900123", 3, None)
    """
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    return safe_cell(value if isinstance(value, str) else str(value))
