"""A test's missing dependency fails it under CI and skips it, with the reason, elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import conftest
from .conftest import require_module


@pytest.mark.parametrize(
    ("in_ci", "outcome"), [(True, pytest.fail.Exception), (False, pytest.skip.Exception)]
)
def test_a_missing_module(
    monkeypatch: pytest.MonkeyPatch, in_ci: bool, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(conftest, "IN_CI", in_ci)
    with pytest.raises(outcome, match="needs threadline_absent"):
        require_module("threadline_absent")


def test_a_present_module_is_returned() -> None:
    assert require_module("json").dumps([1]) == "[1]"


def test_every_skip_goes_through_missing() -> None:
    # A bare skip would let CI pass without running the test: use `missing` or
    # `require_module` from tests/conftest.py, which fail under CI.
    folder = Path(__file__).parent
    pattern = re.compile(r"\bpytest\.(skip|importorskip)\(|\bmark\.(skip|skipif|xfail)\b")
    bare = [
        f"{path.relative_to(folder)}:{number}"
        for path in sorted(folder.rglob("*.py"))
        if path != folder / "conftest.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not bare, bare
