"""docs/resolution.md stays true to the code: every comparison, level and rule is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.resolve.blocking import BLOCKING_RULES
from threadline.resolve.comparisons import PERSON_FIELDS
from threadline.resolve.settings import ResolverSettings

DOC = (Path(__file__).parents[2] / "docs" / "resolution.md").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("field", PERSON_FIELDS, ids=lambda f: f.name)
def test_comparison_levels_are_documented(field: object) -> None:
    assert field.label.lower() in DOC  # type: ignore[attr-defined]
    for level in field.levels:  # type: ignore[attr-defined]
        assert level.words.lower() in DOC, level.words


def test_blocking_rules_are_documented() -> None:
    for rule in BLOCKING_RULES:
        assert rule.name in DOC, rule.name


def test_settings_are_documented() -> None:
    for name in ResolverSettings().to_dict():
        assert f"`{name}`" in DOC, name
