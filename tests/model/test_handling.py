"""Restrictions combine as handling does: the fewest recipients and every flag."""

from __future__ import annotations

import pytest

from threadline.model.handling import LEAST, MOST, Recipients, Restriction, most_restrictive

ORIGINATOR, NAMED, CONDITIONED = Recipients.ORIGINATOR, Recipients.NAMED, Recipients.CONDITIONED
DI = Restriction(ORIGINATOR, authority=("DI",))
SUPT = Restriction(ORIGINATOR, authority=("Superintendent",))
IE_LCC = Restriction(NAMED, frozenset({"ie", "lcc"}))
LCC_NHS = Restriction(NAMED, frozenset({"lcc", "nhs"}))
NHS = Restriction(NAMED, frozenset({"nhs"}))

COMBINATIONS = [
    # parts, expected
    ([], LEAST),
    ([LEAST, Restriction(no_onward=True)], Restriction(no_onward=True)),
    ([LEAST, IE_LCC], IE_LCC),
    ([IE_LCC, LCC_NHS], Restriction(NAMED, frozenset({"lcc"}))),
    ([IE_LCC, NHS], MOST),
    ([IE_LCC, DI], DI),
    ([DI, SUPT], Restriction(ORIGINATOR, authority=("DI", "Superintendent"))),
    ([DI, MOST], MOST),
    ([IE_LCC, Restriction(sanitise=True)], Restriction(NAMED, IE_LCC.agencies, sanitise=True)),
]  # fmt: skip


@pytest.mark.parametrize(("parts", "expected"), COMBINATIONS)
def test_most_restrictive(parts: list[Restriction], expected: Restriction) -> None:
    assert most_restrictive(parts) == expected
    assert most_restrictive(reversed(parts)) == expected


def test_sanitise_first_keeps_a_record_home() -> None:
    """Threadline holds only the unsanitised original, so it cannot leave."""
    assert Restriction(sanitise=True).release is ORIGINATOR
    assert IE_LCC.release is NAMED and LEAST.release is CONDITIONED
