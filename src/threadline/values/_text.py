"""Small text helpers shared by the value types: whitespace, transliteration, data tables."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import icu
import yaml

_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_NOT_ASCII_WORD = re.compile(r"[^a-zA-Z0-9\s'\-]")
_NOT_DIGIT = re.compile("[^0-9]")
_LOCK = threading.Lock()


def squash(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse runs of whitespace.

    >>> squash("  Nguyen\\u200b   Van\\tMinh ")
    'Nguyen Van Minh'
    """
    # Every value passes through here, often several times. ASCII text is already NFC and
    # has no invisible characters; str.split() splits on exactly the whitespace that \s
    # matches and drops the ends, so the join is the regex sub and strip in one C call.
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def _squash_slow(text: str) -> str:
    """:func:`squash` as first written, kept as the reference its tests compare with."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


@cache
def _transliterator() -> Any:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@lru_cache(maxsize=20_000)
def ascii_text(text: str) -> str:
    """Latin-script ASCII form of any text, through ICU "Any-Latin; Latin-ASCII".

    >>> ascii_text("Nguyễn Văn Minh")
    'Nguyen Van Minh'
    >>> ascii_text("Александр")
    'Aleksandr'
    """
    if text.isascii():
        return text
    with _LOCK:  # an ICU transliterator instance is not safe to share between threads
        out = str(_transliterator().transliterate(text))
    # Latin-ASCII leaves marks such as the ayn (ʿ) that have no ASCII form: drop them.
    return squash(_NOT_ASCII_WORD.sub("", out))


@cache
def load_table(name: str) -> Any:
    """A YAML table from this package's ``data`` folder, read once."""
    text = files("threadline.values").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _placeholders() -> frozenset[str]:
    return frozenset(str(word).casefold() for word in load_table("common.yaml")["placeholders"])


def is_placeholder(text: str) -> bool:
    """True for words agencies type when they do not know a value ("N/K", "unknown").

    >>> is_placeholder("N/K"), is_placeholder("Not known"), is_placeholder("Na")
    (True, True, False)
    """
    return is_placeholder_squashed(squash(text))


def is_placeholder_squashed(text: str) -> bool:
    """:func:`is_placeholder` for text that has been through :func:`squash` already."""
    word = text.casefold()
    words = _placeholders()
    return word in words or word.rstrip(". ") in words


def digits(text: str) -> str:
    """Only the digits of ``text``.

    >>> digits("(07700) 900-321")
    '07700900321'
    """
    return _NOT_DIGIT.sub("", text)  # the ASCII digits are exactly 0-9
