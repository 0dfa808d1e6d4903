"""Email addresses: one lower-case form, obfuscation undone, invalid ones kept raw."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import EmailType
from threadline.values.email import _PLAIN, _check_fast, _check_ftm

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


# The fast path (a strict ASCII pattern) must give exactly what followthemoney gives.

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@st.composite
def plain_addresses(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from(ALNUM + "_%+-"))
    local = first + draw(st.text(alphabet=ALNUM + "._%+'-", max_size=30))
    labels = [
        "-".join(
            draw(st.lists(st.text(alphabet=ALNUM, min_size=1, max_size=8), min_size=1, max_size=3))
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    tld = draw(st.text(alphabet=ALNUM[:52], min_size=2, max_size=8))
    return f"{local}@{'.'.join([*labels, tld])}"


@settings(max_examples=300, deadline=None)
@given(text=plain_addresses())
def test_plain_addresses_take_the_fast_path(text: str) -> None:
    assert _PLAIN.fullmatch(text)
    assert _check_fast(text) == _check_ftm(text) == text.lower()


@settings(max_examples=300, deadline=None)
@given(
    local=st.text(alphabet="aZ09.'-\"<>:é ", max_size=8),
    domain=st.text(alphabet="aZ09.-_é", max_size=16),
)
def test_near_misses_give_the_followthemoney_answer(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert _check_fast(text) == _check_ftm(text)


@pytest.mark.parametrize(
    "text",
    [
        "a@" + "b" * 63 + ".com",
        "a@" + "b" * 64 + ".com",
        "a@" + ".".join(["b" * 60] * 5) + ".com",
        "a@xn--bcher-kva.de",
        "a@ab--cd.com",
        "a@-ab.com",
        "a@ab-.com",
        "a@example.c0m",
        "a@example.c",
        "a@example.123",
        "a@localhost",
        "a" * 64 + "@example.com",
        "a" * 65 + "@example.com",
        ".a@example.com",
        "a.@example.com",
        "a..b@example.com",
        "a@example..com",
        "a@EXAMPLE.COM",
    ],
)
def test_edges_give_the_followthemoney_answer(text: str) -> None:
    assert _check_fast(text) == _check_ftm(text)


@settings(max_examples=300, deadline=None)
@given(
    address=plain_addresses(),
    layout=st.sampled_from(
        ["{}", "<{}>", "Lan Nguyen <{}>", "mailto:{}", " '{}'; ", "{}.", "MAILTO:{}", "{} "]
    ),
)
def test_fast_path_gives_the_reference_answer(address: str, layout: str) -> None:
    raw = layout.format(address)
    assert email.clean(raw) == email._clean_slow(raw)


@settings(max_examples=300, deadline=None)
@given(raw=st.text(max_size=40))
def test_fast_path_on_any_text(raw: str) -> None:
    assert email.clean(raw) == email._clean_slow(raw)
