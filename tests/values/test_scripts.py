"""Names in every script: Latin words, romanisation keys, abjad patterns."""

from __future__ import annotations

import pytest

from threadline.values._scripts import (
    abjad_pattern,
    chinese_readings,
    is_pinyin,
    korean_key,
    latin_words,
    phonetic_key,
)

# name, the words' plain spellings, their scripts
WORDS = [
    ("毛泽东", ["mao", "ze", "dong"], "Han"),
    ("習近平", ["xi", "jin", "ping"], "Han"),  # traditional characters read as simplified
    ("김정은", ["gim", "jeong", "eun"], "Hangul"),
    ("Иван Петров", ["ivan", "petrov"], "Cyrillic"),
    ("محمد عبد الكريم", ["mhmd", "bd", "krym"], "Arabic"),
    ("राहुल", ["rahul"], "Devanagari"),
    ("Łukasz O'Brien", ["lukasz", "obrien"], "Latin"),
]


@pytest.mark.parametrize(("name", "words", "script"), WORDS)
def test_latin_words(name: str, words: list[str], script: str) -> None:
    found = latin_words(name)
    assert [w.text for w in found] == words
    assert {w.script for w in found} == {script}


def test_latin_words_keep_what_comparison_needs() -> None:
    assert latin_words("Müller")[0].forms == ("muller", "mueller")
    assert latin_words("王")[0].native == "王"
    assert [w.hyphen for w in latin_words("Tse-tung Mao")] == [True, False, False]
    assert latin_words("الكريم")[0].article  # the article was written on


# two romanised Chinese words, whether they can be one name
CHINESE = [
    ("zedong", "tsetung", True),  # pinyin and Wade-Giles
    ("xiaoping", "hsiaoping", True),
    ("qian", "chien", True),
    ("cai", "tsai", True),
    ("zhou", "chou", True),
    ("huang", "wong", True),  # Cantonese
    ("xiaolong", "xiaoling", False),
    ("jing", "jie", False),
]


@pytest.mark.parametrize(("a", "b", "same"), CHINESE)
def test_chinese_readings(a: str, b: str, same: bool) -> None:
    assert bool(chinese_readings(a) & chinese_readings(b)) is same


def test_pinyin_opens_a_syllable_with_a_vowel_only_at_the_start() -> None:
    assert is_pinyin("xiaoming") and is_pinyin("an")
    assert not is_pinyin("dae")  # would be da'e
    assert chinese_readings("smith") == frozenset()


KOREAN = [
    ("jiseong", "jisung", True),
    ("jongun", "jeongeun", True),
    ("jiwoo", "jiu", True),
    ("gyeong", "kyung", True),
    ("jihoon", "jihyun", False),
    ("daesung", "taesung", False),
]


@pytest.mark.parametrize(("a", "b", "same"), KOREAN)
def test_korean_key(a: str, b: str, same: bool) -> None:
    assert (korean_key(a) == korean_key(b)) is same


PHONETIC = [
    ("kuznetsov", "kuznetzov", True),
    ("yelena", "elena", True),
    ("zaitsev", "zaytsev", True),
    ("hoxha", "hodja", True),
    ("gaddour", "qaddour", True),
    ("fatimah", "fatima", True),
    ("osama", "usama", True),
    ("hassan", "hussein", False),
    ("florin", "florian", False),
    ("luca", "lucia", False),
    ("salah", "saleh", False),
]


@pytest.mark.parametrize(("a", "b", "same"), PHONETIC)
def test_phonetic_key(a: str, b: str, same: bool) -> None:
    assert (phonetic_key(a) == phonetic_key(b)) is same


# ICU form of a word in Arabic or Hebrew script, a Latin spelling, whether it fits
ABJAD = [
    ("mhmd", "mohammed", True),
    ("hsyn", "hussein", True),
    ("hsyn", "hassan", False),  # حسين has a long i; Hassan has none
    ("hsn", "hussein", False),  # and حسن none, which "ei" spells
    ("krym", "kareem", True),
    ("krym", "rahim", False),
    ("ywsf", "youssef", True),
    ("'mr", "omar", True),  # the ayn, spelt as a vowel
    ("qasm", "ghasem", True),  # qaf as gh (Persian)
    ("fatma", "fatimah", True),
    ("njar", "najjar", True),  # the doubled consonant is not written
]


@pytest.mark.parametrize(("written", "latin", "fits"), ABJAD)
def test_abjad_pattern(written: str, latin: str, fits: bool) -> None:
    assert bool(abjad_pattern(written).fullmatch(latin)) is fits


def test_abjad_pattern_article_and_hebrew() -> None:
    assert abjad_pattern("tyby", article=True).fullmatch("alotaibi")
    assert abjad_pattern("tyby", article=True).fullmatch("otaibi")
    assert abjad_pattern("khn", script="Hebrew").fullmatch("cohen")
