"""docs/exports.md stays true to the code: every format, column, attribute and option."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.export import exporters
from threadline.export.anx import ATTRIBUTE_CLASSES, ENTITY_TYPES
from threadline.export.graphml import EDGE_KEYS, NODE_KEYS
from threadline.export.tables import ENTITY_COLUMNS, LINK_COLUMNS

DOC = (Path(__file__).parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(exporters()))
def test_every_format_is_documented(name: str) -> None:
    assert f"`--format {name}`" in DOC


def test_every_column_and_attribute_is_documented() -> None:
    for column in (*ENTITY_COLUMNS, *LINK_COLUMNS, *(k for k, _ in NODE_KEYS),
                   *(k for k, _ in EDGE_KEYS)):  # fmt: skip
        assert column in DOC, column
    for attribute in ATTRIBUTE_CLASSES:
        assert attribute in DOC, attribute
    for kind, _ in ENTITY_TYPES.values():
        assert kind in DOC, kind


def test_every_option_is_documented() -> None:
    for option in ("--case", "--entity", "--hops", "--network", "--by-community", "--recipient",
                   "--purpose", "THREADLINE_CONFIRM_PASSWORD"):  # fmt: skip
        assert option in DOC, option
