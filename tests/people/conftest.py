"""Fixtures for people tests.

Fixture strategy: use the smallest fixture. Each signal lives in a case table
(`test_signals.py`) built inline with the graph tests' one-line factory; `case` runs them on
SQLite and PostgreSQL. One end-to-end test ranks the small scenario's people.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from threadline.store import Store

GRAPH_TESTS = Path(__file__).parent.parent / "graph"


def load_helper(name: str) -> ModuleType:
    """A helper module of tests/graph (tests are imported by path, not as a package)."""
    qualified = f"threadline_tests_graph_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, GRAPH_TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


Case = load_helper("factory").Case


@pytest.fixture
def case(store: Store) -> Iterator[object]:
    """A Case building rows on the store under test (`case.commit()` shares them)."""
    with store.engine.connect() as conn:
        yield Case(conn)
        conn.rollback()
