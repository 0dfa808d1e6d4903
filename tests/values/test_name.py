"""Person names: cleaning, parts in the person's own order, keys and explained comparison."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.values import NameType, name_key, parse_name
from threadline.values.name import _has_digit, _is_latin, compare_detail

names = NameType()

# raw, expected value, expected flags, words expected in the problem (None: no problem)
CLEAN_CASES = [
    ("  john   SMITH ", "John Smith", (), None),
    ("JOHN SMITH", "John Smith", (), None),
    ("SMITH, John", "John Smith", ("reordered",), None),
    ("NGUYEN, Thi Lan", "Nguyen Thi Lan", ("reordered",), None),
    ("NGUYEN Thi Lan", "Nguyen Thi Lan", (), None),
    ("Mr John O'Brien", "John O'Brien", ("title_removed",), None),
    ("mrs. elizabeth taylor", "Elizabeth Taylor", ("title_removed",), None),
    ("ronald mcdonald", "Ronald McDonald", (), None),
    ("mary smith-jones", "Mary Smith-Jones", (), None),
    ("Ludwig van Beethoven", "Ludwig van Beethoven", (), None),
    ("Nguyễn Văn Minh", "Nguyễn Văn Minh", (), None),
    ("Александр Петров", "Aleksandr Petrov", ("transliterated",), None),
    ("John Smith 2", "John Smith 2", (), "contains digits"),
    ("unknown", None, ("unknown",), "placeholder"),
    ("", None, ("empty",), "empty"),
    ("???!!!", None, (), "no letters"),
    ("\U0002c63f", "\U0002c63f", (), "kept in its own script"),  # no Latin form known to ICU
]


@pytest.mark.parametrize(("raw", "value", "flags", "problem"), CLEAN_CASES)
def test_clean(raw: str, value: str | None, flags: tuple[str, ...], problem: str | None) -> None:
    cleaned = names.clean(raw)
    assert cleaned.original == raw
    assert cleaned.value == value
    assert cleaned.flags == flags
    if problem is None:
        assert cleaned.problem is None
    else:
        assert cleaned.problem is not None and problem in cleaned.problem


# raw, given, middle, family, family_name_first
PARTS_CASES = [
    ("John Paul Smith", "John", ("Paul",), "Smith", False),
    ("SMITH, John Paul", "John", ("Paul",), "Smith", False),
    ("Nguyen Van Minh", "Minh", ("Van",), "Nguyen", True),
    ("Minh Nguyen", "Minh", (), "Nguyen", False),
    ("NGUYEN Thi Lan", "Lan", ("Thi",), "Nguyen", True),
    # family name first in capitals, forenames in their own order
    ("HALL Ryan Lee", "Ryan", ("Lee",), "Hall", True),
    ("Thi Lan NGUYEN", "Thi", ("Lan",), "Nguyen", False),
    ("NGUYEN, Thi Lan", "Lan", ("Thi",), "Nguyen", True),
    ("Tran Thi Hoa", "Hoa", ("Thi",), "Tran", True),
    ("Le Thi Hoa", "Hoa", ("Thi",), "Le", True),
    ("Wang Xiaoming", "Xiaoming", (), "Wang", True),
    ("Mohammed Ali", "Mohammed", (), "Ali", False),
    ("Mr JOHN o'brien", "John", (), "O'Brien", False),
    ("Minh", "Minh", (), None, False),
]


@pytest.mark.parametrize(("raw", "given", "middle", "family", "first"), PARTS_CASES)
def test_parse_name(
    raw: str, given: str, middle: tuple[str, ...], family: str | None, first: bool
) -> None:
    parts = parse_name(raw)
    assert (parts.given, parts.middle, parts.family, parts.family_name_first) == (
        given,
        middle,
        family,
        first,
    )
    assert parts.original == raw


def test_parse_name_order_can_be_stated() -> None:
    parts = parse_name("Minh Nguyen", family_name_first=True)
    assert (parts.family, parts.given, parts.family_name_first) == ("Minh", "Nguyen", True)


def test_parse_name_ascii_tokens_and_title() -> None:
    parts = parse_name("Mrs Nguyễn Thị Lan")
    assert parts.title == "Mrs"
    assert parts.ascii == "Nguyen Thi Lan"
    assert parts.tokens == ("lan", "nguyen", "thi")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Mohamed ALI", "Ali, Muhammad"),
        ("Nguyễn Văn Minh", "MINH Van Nguyen"),
        ("Aleksandr Petrov", "Alexander Petrov"),
    ],
)
def test_name_key_ignores_order_script_and_spelling(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


# left, right, expected score, expected detail
COMPARE_CASES = [
    ("John Smith", "John Smith", 1.0, "same name"),
    ("Nguyễn Văn Minh", "Nguyen Van Minh", 1.0, "same name"),
    ("Nguyen Van Minh", "Minh Van Nguyen", 0.98, "same name, different order"),
    ("Smith John", "John Smith", 0.98, "same name, different order"),
    ("Mohammed Ali", "Muhammad Ali", 0.96, "spelling variant"),
    ("Mohamed Ali", "Mohammad Ali", 0.96, "spelling variant"),
    ("Bill Smith", "William Smith", 0.92, "nickname"),
    ("Bob Jones", "Robert Jones", 0.92, "nickname"),
    ("Liz Taylor", "Elizabeth Taylor", 0.92, "nickname"),
    ("Sasha Ivanova", "Alexandra Ivanova", 0.92, "nickname"),
    ("Kasia Kowalska", "Katarzyna Kowalska", 0.92, "nickname"),
    ("John Paul Smith", "John Smith", 0.9, "a name missing"),
    ("Bill Smith", "William James Smith", 0.83, "nickname, a name missing"),
    ("Alexander Petrov", "Александр Петров", 0.96, "transliteration, spelling variant"),
    ("J Smith", "John Smith", 0.81, "initial only"),
    ("Mohammedali Khan", "Mohammed Ali Khan", 1.0, "written as one"),
    ("Jonathon Edwards", "Jonathan Edwards", 0.89, "similar spelling"),
    ("Lan", "Nguyen Thi Lan", 0.44, "only one name in common"),
    ("John Smith", "John Jones", 0.2, "names differ"),
    ("John Smith", "Jane Doe", 0.0, "different names"),
    # Names in other scripts, and romanisations
    ("محمد عبد الكريم", "Mohammed Abdul Karim", 0.92, "transliteration"),
    ("أحمد حسين", "Ahmed Hussein", 0.92, "transliteration"),
    ("Mao Zedong", "Mao Tse-tung", 0.95, "other romanisation"),
    ("毛泽东", "Mao Zedong", 1.0, "transliteration"),
    ("Kim Jong-un", "김정은", 0.92, "other romanisation"),
    ("Сергей Кузнецов", "Sergey Kuznetsov", 0.96, "transliteration, spelling variant"),
    ("Osama Haddad", "Usama Hadad", 0.9, "other transliteration"),
    ("Abdel Rahman Saleh", "Abdurrahman Salih", 0.92, "other transliteration"),
    (
        "Ahmed bin Khalid Al Mansouri",
        "Ahmed Khalid Al-Mansouri",
        1.0,
        "same name, written differently",
    ),
    # Hard negatives
    ("أحمد حسين", "Ahmed Hassan", 0.18, "names differ"),
    ("Mohammed Abdul Karim Hassan", "Mohammed Abdul Rahim Hassan", 0.27, "names differ"),
    ("Abdul Karim Mansour", "Karim Mansour", 0.2, "names differ"),
    ("Mohammed", "Mohammed Abdul Karim Al-Tamimi", 0.44, "only one name in common"),
    ("Daniel Murphy", "Daniela Murphy", 0.2, "names differ"),
    ("张伟", "张薇", 0.2, "names differ"),
    ("Li Xiaolong", "Li Xiaoling", 0.2, "names differ"),
]


@pytest.mark.parametrize(("left", "right", "score", "detail"), COMPARE_CASES)
def test_compare_detail(left: str, right: str, score: float, detail: str) -> None:
    assert compare_detail(left, right) == (score, detail)
    assert names.compare(right, left) == pytest.approx(score, abs=0.011)


def test_names_are_not_graph_nodes() -> None:
    assert names.node_id("John Smith") is None


# The fast path (display form only, no family-name search, no ICU for Latin names) must give
# exactly what the path through the whole of parse_name gives.

WORDS = [
    "John", "smith", "NGUYEN", "Nguyễn", "Văn", "thị", "Minh", "Lan", "Trần", "Lê", "Wang",
    "Xiaoming", "O'Brien", "o\u2019neill", "mcdonald", "McDonald", "van", "der", "Smith-Jones",
    "Łukasz", "Wiśniewski", "Ștefan", "Çela", "Gëzim", "Александр", "Петров", "王伟", "محمد",
    "ሰላም", "Mr", "mrs.", "Dr", "J.", "A", "2", "Jr.", "-", "'", "Muhammad", "ali", "ß", "İlker",
]  # fmt: skip


@st.composite
def written_names(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=5))
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    pieces = [case(word) for word in words]
    if pieces and draw(st.booleans()):
        at = draw(st.integers(0, len(pieces)))
        pieces.insert(at, draw(st.sampled_from([",", ", ", ",,", "."])))
    return draw(st.sampled_from([" ", "  ", "\t"])).join(pieces)


@settings(max_examples=400, deadline=None)
@given(raw=written_names())
def test_fast_path_gives_the_parse_name_answer(raw: str) -> None:
    assert names.clean(raw) == names._clean_slow(raw)


@settings(max_examples=300, deadline=None)
@given(raw=st.text(max_size=30))
def test_fast_path_on_any_text(raw: str) -> None:
    assert names.clean(raw) == names._clean_slow(raw)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=20))
def test_character_checks_match_their_first_form(text: str) -> None:
    assert _is_latin(text) == all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text
    )
    assert _has_digit(text) == any(ch.isdigit() for ch in text)
