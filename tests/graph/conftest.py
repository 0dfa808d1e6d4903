"""Fixtures for graph tests.

Fixture strategy: use the smallest fixture; build special cases inline with the one-line
factory (`case.e("Person", "Lan NGUYEN", role="victim", phone=...)`, `case.link(...)`) on the
`store` fixture, so every test runs on SQLite and PostgreSQL. `scenario_store` loads the
small synthetic scenario once per database and resolves it by its ground truth.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from threadline.store import Store

HERE = Path(__file__).parent


def load_helper(name: str) -> ModuleType:
    """A helper module of this folder (tests are imported by path, not as a package)."""
    qualified = f"threadline_tests_graph_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


factory = load_helper("factory")
Case = factory.Case


@pytest.fixture
def case(store: Store) -> Iterator[object]:
    """A Case building rows on the store under test (`case.commit()` shares them)."""
    with store.engine.connect() as conn:
        yield Case(conn)
        conn.rollback()
