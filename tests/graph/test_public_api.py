"""The public surface is what __all__ says, no more and no less (STYLE.md guideline 4)."""

from __future__ import annotations

import importlib
import inspect

import pytest


@pytest.mark.parametrize("name", ["threadline.graph", "threadline.risk"])
def test_all_matches_what_the_package_exposes(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and not inspect.ismodule(value) and attr != "annotations"
    }
    assert set(module.__all__) == public
    assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))
