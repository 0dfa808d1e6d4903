"""Name features for matching: ASCII tokens, spelling-variant and nickname forms, phonetic keys.

The value type :mod:`threadline.values.name` owns parsing (order, titles, transliteration);
this module turns its output and the given-name and surname fields into the columns the
matching model compares. Every function here works on one distinct value and is cached, so
that a million records cost one call per distinct spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from rigour.text.phonetics import soundex as _rigour_soundex
from rigour.text.scripts import text_scripts

from threadline.values import parse_name
from threadline.values._scripts import ABJADS, abjad_pattern, latin_words, romanisation
from threadline.values._text import load_table

__all__ = [
    "GivenForm",
    "NameForm",
    "SurnameForm",
    "abjad_key",
    "ascii_token",
    "given_form",
    "soundex",
]

_SPLIT = re.compile(r"[\s\-,./_]+")
_NOT_LETTER = re.compile(r"[^a-z]")


@dataclass(frozen=True, slots=True)
class _Tables:
    variant: dict[str, str]
    nicknames: dict[str, tuple[str, ...]]
    vietnamese_middle: frozenset[str]
    titles: frozenset[str]
    family_first: frozenset[str]


@cache
def _tables() -> _Tables:
    # The same tables threadline.values.name uses, so that both agree on what a variant is.
    data: Any = load_table("names.yaml")
    variant = {str(s): str(group[0]) for group in data["variants"] for s in group}
    nicknames = {str(k): tuple(str(x) for x in v) for k, v in data["nicknames"].items()}
    return _Tables(
        variant,
        nicknames,
        frozenset(str(x) for x in data["vietnamese_middle"]),
        frozenset(str(x) for x in data["titles"]),
        frozenset(str(x) for group in data["family_names"].values() for x in group),
    )


@lru_cache(maxsize=200_000)
def ascii_token(token: str) -> str:
    """Lower-case ASCII letters of one name token, transliterated from any script as the name
    comparator reads it (:func:`threadline.values._scripts.latin_words`: Cyrillic as rigour
    spells it, Щукин ``shchukin`` rather than ICU's ``sukin``; Han and Hangul by syllable).

    >>> ascii_token("Nguyễn"), ascii_token("O'Brien"), ascii_token("Łukasz"), ascii_token("Иван")
    ('nguyen', 'obrien', 'lukasz', 'ivan')
    >>> ascii_token("Щукин"), ascii_token("泽东")
    ('shchukin', 'zedong')
    """
    text = token.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if not text.isascii():
            text = "".join(word.text for word in latin_words(token))
    return _NOT_LETTER.sub("", text)


def _tokens(raw: str) -> list[str]:
    """ASCII tokens of a name field, titles dropped (hyphenated parts become tokens)."""
    out: list[str] = []
    for word in _SPLIT.split(raw):
        for token in ascii_token(word).split() if word else ():
            if token:
                out.append(token)
    titles = _tables().titles
    while len(out) > 1 and out[0] in titles:
        out = out[1:]
    return out


def variant(token: str) -> str:
    """The first spelling of the token's spelling-variant group (Mohamed -> muhammad).

    >>> variant("mohamed"), variant("cheung"), variant("smith")
    ('muhammad', 'zhang', 'smith')
    """
    return _tables().variant.get(token, token)


def nickname_key(token: str) -> str:
    """The full name a nickname stands for (the first, when it stands for several), else the
    token's variant form: "bill" and "william" share the key "william".

    >>> nickname_key("bill"), nickname_key("william"), nickname_key("mohamed")
    ('william', 'william', 'muhammad')
    """
    names = _tables().nicknames.get(token)
    return variant(names[0]) if names else variant(token)


def alternatives(token: str) -> tuple[str, ...]:
    """The token's variant form and the full names it is a nickname for, sorted.

    >>> alternatives("bill"), alternatives("william")
    (('bill', 'william'), ('william',))
    """
    tables = _tables()
    forms = {variant(token)} | {variant(name) for name in tables.nicknames.get(token, ())}
    return tuple(sorted(forms))


def soundex(name: str) -> str:
    """American Soundex of an ASCII name, used as a blocking key (rigour's implementation).

    Vowels separate letters of the same code and h and w do not; the first letter's code counts.

    >>> soundex("robert"), soundex("rupert"), soundex("nguyen"), soundex("")
    ('R163', 'R163', 'N250', '')
    >>> [soundex(n) for n in ("jackson", "tymczak", "pfister", "ashcraft", "honeyman")]
    ['J250', 'T522', 'P236', 'A261', 'H555']
    """
    return _rigour_soundex(name)


@lru_cache(maxsize=100_000)
def abjad_key(raw: str | None, first: bool = False) -> str | None:
    """For a name written in Arabic or Hebrew script, the pattern (a regular expression) that
    its Latin spellings fit, as the name comparator reads it
    (:func:`threadline.values._scripts.abjad_pattern`); ``None`` for a name in another script.
    ``first``: the first word only (the given name of a given-name field); otherwise every
    word, to be matched against the Latin spelling without spaces.

    >>> import re
    >>> key = abjad_key("محمد علي", first=True)
    >>> [bool(re.fullmatch(key, s)) for s in ("mohammed", "muhammad", "ahmad")]
    [True, True, False]
    >>> bool(re.fullmatch(abjad_key("الرشيد"), "alrashid")), abjad_key("Smith")
    (True, None)
    """
    if raw is None or raw.isascii():
        return None
    words = latin_words(raw)
    if first:
        words = words[:1]
    if not words or any(w.script not in ABJADS for w in words):
        return None
    return (
        "".join(abjad_pattern(w.forms[0], w.article, w.script).pattern for w in words if w.forms[0])
        or None
    )


@dataclass(frozen=True, slots=True)
class GivenForm:
    """What the given-name field says, in the forms the model compares."""

    raw: str | None
    given: str | None
    middle: str | None
    variant: str | None
    nick: str | None
    alternatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SurnameForm:
    """What the surname field says, in the forms the model compares."""

    raw: str | None
    surname: str | None
    variant: str | None
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameForm:
    """A whole name (from a full-name field) split into given, middle and surname forms."""

    given: GivenForm
    surname: SurnameForm


_EMPTY_GIVEN = GivenForm(None, None, None, None, None, ())
_EMPTY_SURNAME = SurnameForm(None, None, None, ())


def _raw(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def given_form(raw: str | None) -> GivenForm:
    """Given name, middle names and variant forms of a given-name field.

    A Vietnamese middle name written first ("Thi Lan") is recognised: the name the person is
    called by is the last one.

    >>> given_form("Thi Lan").given, given_form("Thi Lan").middle
    ('lan', 'thi')
    >>> given_form("Mohamed").variant, given_form("Bill").alternatives
    ('muhammad', ('bill', 'william'))
    """
    if raw is None:
        return _EMPTY_GIVEN
    tokens = _tokens(raw)
    if not tokens:
        return _EMPTY_GIVEN
    if len(tokens) > 1 and tokens[0] in _tables().vietnamese_middle:
        given, middle = tokens[-1], tokens[:-1]
    else:
        given, middle = tokens[0], tokens[1:]
    return GivenForm(
        _raw(raw),
        given,
        " ".join(middle) or None,
        variant(given),
        nickname_key(given),
        alternatives(given),
    )


def surname_form(raw: str | None) -> SurnameForm:
    """Surname, its variant form and its parts (for double-barrelled names).

    >>> surname_form("Smith-Jones").parts, surname_form("Smith-Jones").surname
    (('jones', 'smith'), 'smith jones')
    """
    if raw is None:
        return _EMPTY_SURNAME
    tokens = _tokens(raw)
    if not tokens:
        return _EMPTY_SURNAME
    surname = " ".join(tokens)
    return SurnameForm(
        _raw(raw), surname, " ".join(variant(t) for t in tokens), tuple(sorted(set(tokens)))
    )


def full_name_form(raw: str | None) -> NameForm:
    """A full name split in the person's own order (family name first for Vietnamese and
    Chinese names, an ALL-CAPS word or a comma marking the family name).

    >>> form = full_name_form("Nguyễn Thị Lan")
    >>> form.given.given, form.given.middle, form.surname.surname, form.surname.raw
    ('lan', 'thi', 'nguyen', 'nguyễn')
    >>> full_name_form("LAN NGUYEN").surname.surname, full_name_form("SMITH, John").given.given
    ('nguyen', 'john')
    """
    if raw is None or not raw.strip():
        return NameForm(_EMPTY_GIVEN, _EMPTY_SURNAME)
    dense = _dense(raw)
    if dense is not None:
        return dense
    if "," in raw or _caps_marker(raw):
        return _parsed(raw)
    # The common case, without the full parser: the same family-name-first rule as
    # threadline.values.name.parse_name, on cached per-word transliterations.
    words = [w for w in _SPLIT_WORDS.split(raw.strip()) if ascii_token(w)]
    tables = _tables()
    while len(words) > 1 and ascii_token(words[0]) in tables.titles:
        words = words[1:]
    if len(words) < 2:
        return NameForm(given_form(raw), _EMPTY_SURNAME)
    low = [ascii_token(w) for w in words]
    # A word in Arabic script is never a Vietnamese or Chinese family name, however its
    # letters read (علي is "ly", as Lý is).
    first = (
        low[0] in tables.family_first
        and abjad_key(words[0]) is None
        and (low[-1] not in tables.family_first or low[1] in tables.vietnamese_middle)
    )
    if first:
        return NameForm(_with_order(words[-1], tuple(words[1:-1])), surname_form(words[0]))
    return NameForm(given_form(" ".join(words[:-1])), surname_form(words[-1]))


_SPLIT_WORDS = re.compile(r"\s+")


def _dense(raw: str) -> NameForm | None:
    """A name in Han characters or Hangul: family name first, written without a space
    (毛泽东: Mao, Zedong; 김정은: Gim, Jeongeun) or with one after it (毛 泽东).

    >>> form = full_name_form("毛泽东")
    >>> form.surname.surname, form.given.given
    ('mao', 'zedong')
    """
    words = raw.split()
    if raw.isascii() or not all(text_scripts(w) and text_scripts(w) <= _DENSE for w in words):
        return None
    if len(words) > 1:
        return NameForm(given_form(" ".join(words[1:])), surname_form(words[0]))
    syllables = [w.text for w in latin_words(words[0])]
    if len(syllables) < 2:
        return None
    double = romanisation()
    doubles = {*double["chinese_double_family"], *double["korean_double_family"]}
    cut = 2 if len(syllables) > 2 and "".join(syllables[:2]) in doubles else 1
    return NameForm(given_form("".join(syllables[cut:])), surname_form("".join(syllables[:cut])))


_DENSE = frozenset({"Han", "Hangul"})


def _caps_marker(raw: str) -> bool:
    """True when one word is written in capitals among mixed-case ones ("NGUYEN Thi Lan")."""
    words = raw.split()
    letters = [ch for ch in raw if ch.isalpha()]
    mixed = any(ch.isupper() for ch in letters) and any(ch.islower() for ch in letters)
    return mixed and any(len(w) > 1 and w.isupper() for w in words)


def _parsed(raw: str) -> NameForm:
    parts = parse_name(raw)
    if parts.family_name_first:
        given = _with_order(parts.given, parts.middle)
    else:
        given = given_form(" ".join(p for p in (parts.given or "", *parts.middle) if p) or None)
    return NameForm(given, surname_form(parts.family))


def _with_order(given: str | None, middle: tuple[str, ...]) -> GivenForm:
    token = ascii_token(given or "")
    if not token:
        return _EMPTY_GIVEN
    mid = " ".join(t for t in (ascii_token(m) for m in middle) if t) or None
    raw = _raw(" ".join([*middle, given or ""]))
    return GivenForm(raw, token, mid, variant(token), nickname_key(token), alternatives(token))
