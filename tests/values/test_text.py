"""The text helpers every value type uses, against the forms they were first written in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values._text import _squash_slow, digits, squash

# Whitespace of every kind, the invisible characters squash drops, combining marks that NFC
# composes, and letters: where a faster squash could go wrong.
AWKWARD = st.text(
    alphabet=st.sampled_from(
        list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000\u200b\u200d\u2060\ufeff\u00ad")
        + list("aeAE1-.,'\u0301\u0303\u0323éÉ\u1ec5Ω")
    ),
    max_size=20,
)


@settings(max_examples=500)
@given(text=st.one_of(AWKWARD, st.text(max_size=20)))
def test_squash_matches_its_first_form(text: str) -> None:
    assert squash(text) == _squash_slow(text)


@settings(max_examples=300)
@given(text=st.text(alphabet=st.sampled_from("0123456789٣²①x -+"), max_size=20))
def test_digits_keeps_only_ascii_digits(text: str) -> None:
    assert digits(text) == "".join(ch for ch in text if ch.isdigit() and ch.isascii())
