"""Email addresses: one lower-case form, obfuscation undone, invalid ones kept raw."""

from __future__ import annotations

import pytest

from threadline.values import EmailType

email = EmailType()

# raw, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("John.Smith@Example.COM", "john.smith@example.com", (), None),
    ("  John Smith <John.Smith@Example.COM> ", "john.smith@example.com", (), None),
    ("mailto:lan@example.co.uk", "lan@example.co.uk", (), None),
    ("lan.nguyen [at] gmail [dot] com", "lan.nguyen@gmail.com", ("deobfuscated",), None),
    ("lan.nguyen at gmail dot com", "lan.nguyen@gmail.com", ("deobfuscated",), None),
    ("john@gmail", "john@gmail", ("raw",), "not a valid email address"),
    ("a@b@c.com", "a@b@c.com", ("raw",), "kept as given"),
    ("not an email", None, (), "no @"),
    ("n/a", None, ("unknown",), "placeholder"),
]


@pytest.mark.parametrize(("raw", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(raw: str, value: str | None, flags: tuple[str, ...], problem: str | None) -> None:
    cleaned = email.clean(raw)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


@pytest.mark.parametrize(
    ("left", "right", "score", "detail"),
    [
        ("lan@example.com", "lan@example.com", 1.0, "same address"),
        ("l.an+work@googlemail.com", "lan@gmail.com", 0.95, "same mailbox (dots or +tag differ)"),
        ("lan@example.com", "lan@example.org", 0.3, "same user name at a different provider"),
        ("lan@example.com", "minh@example.com", 0.0, "different addresses"),
    ],
)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert email.compare_detail(left, right) == (score, detail)


def test_node_id() -> None:
    assert email.node_id("lan@example.com") == "email:lan@example.com"
