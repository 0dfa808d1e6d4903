"""Names in every script: Latin words, and the keys that say two spellings are one name.

A name written in another script is compared through its Latin form, and what the script is
tells how to compare it:

* **Han** is read one character at a time (ICU Han-Latin, traditional characters first made
  simplified), so each syllable is a word; two names both written in characters are
  compared character by character, as two toneless pinyin spellings may be different names.
* **Hangul** likewise, one syllable at a time (ICU, Revised Romanisation).
* **Arabic** and **Hebrew** write consonants and long vowels only. ICU gives the letters
  ("محمد" -> ``mhmd``), and :func:`abjad_pattern` turns them into a pattern a Latin spelling
  must fit: every consonant in order, each long vowel somewhere in its place, short vowels
  free ("Mohammed", "Muhammad"; "حسين" fits "Hussein" and "Husain" but not "Hassan").
* **Cyrillic** and the other alphabets through both ICU and rigour, which spell differently
  ("Щукин": ``sukin`` / ``shchukin``); either may match.

Latin spellings of one name differ by system: :func:`chinese_readings` reads Wade-Giles and
Cantonese spellings as pinyin ("Tse-tung" is ``ze-dong``), :func:`korean_key` folds the
Korean romanisations ("Jeong", "Jung", "Chung"), and :func:`phonetic_key` folds what
transliteration varies (y/i/j, kh/h, ts/c, w/v, doubled letters, vowels by kind).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any

import icu
from rigour.text.scripts import text_scripts
from rigour.text.translit import ascii_text as rigour_ascii

from threadline.values._text import load_table

__all__ = [
    "Word",
    "abjad_pattern",
    "chinese_readings",
    "is_pinyin",
    "korean_key",
    "latin_words",
    "phonetic_key",
    "romanisation",
]

_LOCK = threading.Lock()
_SPLIT = re.compile(r"[\s,./_()\[\]\"«»“”„:;!?]+")
_NOT_LETTER = re.compile(r"[^a-z]")
ABJADS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana"})
"""Scripts that write consonants and long vowels, not short vowels."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a name in Latin letters, and what its script says about comparing it."""

    forms: tuple[str, ...]
    """ASCII lower-case spellings, the plain one first ("müller": ``muller``, ``mueller``)."""
    script: str
    """The script it was written in: "Latin", "Arabic", "Han", "Hangul", "Cyrillic"..."""
    native: str = ""
    """The word as written, for Han characters (compared as characters)."""
    hyphen: bool = False
    """Joined to the next word by a hyphen ("Tse-tung", "al-Rashid")."""
    article: bool = False
    """Written in Arabic script with the article glued on (الكريم): a Latin spelling may
    keep it ("Alkarim") or not ("Karim")."""

    @property
    def text(self) -> str:
        """The plain spelling."""
        return self.forms[0]


@cache
def romanisation() -> Any:
    """The romanisation tables (``values/data/romanisation.yaml``)."""
    return load_table("romanisation.yaml")


@cache
def _icu(rule: str) -> Any:
    return icu.Transliterator.createInstance(rule)


def _translit(rule: str, text: str) -> str:
    with _LOCK:  # an ICU transliterator instance is not safe to share between threads
        return str(_icu(rule).transliterate(text))


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", text.lower())


def _latin_forms(word: str) -> tuple[str, ...]:
    """Spellings of a Latin word: accents stripped, and letters spelled out (ü -> ue)."""
    low = word.lower()
    plain = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    forms = [_letters(plain if plain.isascii() else _translit("Latin-ASCII", plain))]
    if not low.isascii():
        spelled = romanisation()["spelled_out"]
        out = "".join(spelled.get(c, c) for c in low)
        out = "".join(c for c in unicodedata.normalize("NFKD", out) if not unicodedata.combining(c))
        forms.append(_letters(_translit("Latin-ASCII", out)))
    return _unique(forms)


def _unique(forms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in forms if f))


def _script_of(word: str) -> str:
    scripts = text_scripts(word)
    if not scripts or scripts == {"Latin"}:
        return "Latin"
    others = sorted(scripts - {"Latin"})
    return others[0]


# Arabic letters ICU spells unhelpfully: the closing ta (ة) and the final alif maqsura (ى)
# are said "a" (Fatima, Layla).
_ARABIC_FIXES = str.maketrans({"\u0629": "\u0627", "\u0649": "\u0627"})


_AYN = re.compile("[\u02bf\u02be]")
_NOT_ABJAD_LETTER = re.compile(r"[^a-z']")
_BRAHMIC = frozenset(
    {
        "Devanagari",
        "Bengali",
        "Gurmukhi",
        "Gujarati",
        "Oriya",
        "Tamil",
        "Telugu",
        "Kannada",
        "Malayalam",
        "Sinhala",
    }
)
_SCHWA = re.compile(r"(?<=[^aeiou])a$")


def _other_forms(word: str, script: str) -> tuple[str, ...]:
    if script in ABJADS:
        # The ayn and the hamza are consonants Latin spells as vowels or not at all: kept as
        # "'", a place where any vowel may be written.
        latin = _AYN.sub("'", _translit("Any-Latin", word.translate(_ARABIC_FIXES)))
        text = _NOT_ABJAD_LETTER.sub("", _translit("Latin-ASCII", latin).lower())
        return _unique([text.strip("'") if text.strip("'") in ("bd", "bn") else text])
    if script in _BRAHMIC:
        # ICU writes the inherent vowel a word ends with, which Hindi and most of its
        # neighbours do not say (राहुल: rahula, said Rahul), and ś and ṣ as s (शर्मा: Sharma).
        latin = _translit("Any-Latin", word).replace("ś", "sh").replace("ṣ", "sh")
        text = _letters(_translit("Latin-ASCII", latin))
        return _unique([_SCHWA.sub("", text), text])
    return _unique(
        [_letters(rigour_ascii(word)), _letters(_translit("Any-Latin; Latin-ASCII", word))]
    )


def _syllables(word: str, script: str) -> list[Word]:
    """A word in Han or Hangul, one syllable per word."""
    if script == "Han":
        word = _translit("Traditional-Simplified", word)
        rule = "Han-Latin; Latin-ASCII"
    else:
        rule = "Hangul-Latin; Latin-ASCII"
    out = []
    for char in word:
        text = _letters(_translit(rule, char))
        if text:
            native = char if script == "Han" else ""
            out.append(Word((text,), script, native))
    return out


@lru_cache(maxsize=100_000)
def latin_words(name: str) -> tuple[Word, ...]:
    """The words of a name in Latin letters, in written order.

    >>> [w.text for w in latin_words("毛泽东")], [w.text for w in latin_words("Mao Tse-tung")]
    (['mao', 'ze', 'dong'], ['mao', 'tse', 'tung'])
    >>> latin_words("Zoë Müller")[1].forms, latin_words("Щукин")[0].forms
    (('muller', 'mueller'), ('shchukin', 'sukin'))
    >>> [(w.text, w.article) for w in latin_words("عبد الكريم")]
    [('bd', False), ('krym', True)]
    """
    words: list[Word] = []
    for chunk in _SPLIT.split(unicodedata.normalize("NFC", name)):
        parts = [p for p in chunk.split("-") if p]
        for i, part in enumerate(parts):
            part = part.replace("'", "").replace("\u2019", "").replace("\u02bf", "")
            script = _script_of(part)
            hyphen = i < len(parts) - 1
            if script in ("Han", "Hangul"):
                words.extend(_syllables(part, script))
                continue
            forms = _latin_forms(part) if script == "Latin" else _other_forms(part, script)
            if not forms:
                continue
            article = False
            if script == "Arabic" and forms[0].startswith("al") and len(forms[0]) > 4:
                forms, article = (forms[0][2:],), True
            elif script in ABJADS and forms[0].startswith("'"):
                forms = (forms[0],)
            words.append(Word(forms, script, "", hyphen, article))
    return tuple(words)


# -- Chinese -----------------------------------------------------------------------------


@cache
def _pinyin() -> frozenset[str]:
    """Every pinyin syllable: the readings ICU gives the CJK Unified Ideographs."""
    out: set[str] = set()
    for code in range(0x4E00, 0xA000):
        text = _translit("Han-Latin; Latin-ASCII", chr(code))
        if text.isalpha() and text.isascii():
            out.add(text.lower())
    return frozenset(out)


@cache
def _wade_giles() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    table = romanisation()["wade_giles"]
    return table["initials"], table["finals"], table["syllables"]


_INITIAL = re.compile(r"^(ch|ts|tz|hs|ss|sz|sh|[bcdfghjklmnpqrstwxyz])?(.*)$")


@lru_cache(maxsize=20_000)
def _syllable_readings(piece: str) -> frozenset[str]:
    """The pinyin syllables a romanised syllable can stand for (pinyin, Wade-Giles,
    Cantonese family names)."""
    pinyin = _pinyin()
    out = {piece} & pinyin
    initials, finals, whole = _wade_giles()
    if piece in whole:
        return frozenset(out | set(whole[piece]))
    found = _INITIAL.match(piece)
    if found is None:
        return frozenset(out)
    initial, final = found.group(1) or "", found.group(2)
    heads = initials.get(initial, [initial])
    tails = list(finals.get(final, [final]))
    if final == "u" and initial in ("ts", "tz", "ss", "sz"):
        tails = ["i"]
    out |= {h + t for h, t in product(heads, tails) if h + t in pinyin}
    return frozenset(out)


_MAX_READINGS = 64


@lru_cache(maxsize=50_000)
def chinese_readings(token: str) -> frozenset[str]:
    """Pinyin readings of a romanised Chinese name word, syllables joined by "-"; empty when
    the word cannot be read as Chinese syllables. A Cantonese family name is read as a whole
    ("Wong": Huang or Wang).

    >>> "ze-dong" in chinese_readings("tsetung"), "xiao-ping" in chinese_readings("hsiaoping")
    (True, True)
    >>> sorted(chinese_readings("wong")), chinese_readings("smith")
    (['huang', 'wang'], frozenset())
    """
    if not token or len(token) > 18:
        return frozenset()
    cantonese = romanisation()["cantonese"].get(token)
    if cantonese:
        return frozenset(cantonese) | _segmented(token)
    return _segmented(token)


def _segmented(token: str) -> frozenset[str]:
    # ends[i]: the readings of token[:i], as tuples of syllables
    ends: list[set[tuple[str, ...]]] = [set() for _ in range(len(token) + 1)]
    ends[0].add(())
    for i in range(len(token)):
        if not ends[i]:
            continue
        for j in range(i + 1, min(len(token), i + 6) + 1):
            if i and token[i] in "aeo":
                break  # pinyin writes xi'an: a syllable opening with a, e or o starts a word
            for syllable in _syllable_readings(token[i:j]):
                for head in ends[i]:
                    if len(ends[j]) < _MAX_READINGS:
                        ends[j].add((*head, syllable))
    return frozenset("-".join(r) for r in ends[len(token)])


@lru_cache(maxsize=50_000)
def is_pinyin(token: str) -> bool:
    """The word is a sequence of pinyin syllables as written.

    >>> is_pinyin("xiaoling"), is_pinyin("tsetung"), is_pinyin("smith")
    (True, False, False)
    """
    pinyin = _pinyin()
    reach = [True] + [False] * len(token)
    for i in range(len(token)):
        if reach[i] and not (i and token[i] in "aeo"):
            for j in range(i + 1, min(len(token), i + 6) + 1):
                if token[i:j] in pinyin:
                    reach[j] = True
    return bool(token) and reach[-1]


# -- Korean ------------------------------------------------------------------------------

_KOREAN_FOLDS = (
    ("ee", "i"),
    ("oo", "u"),
    ("eo", "u"),
    ("eu", "u"),
    ("ae", "e"),
    ("wu", "u"),
    ("o", "u"),
    ("k", "g"),
    ("ch", "j"),
    ("r", "l"),
    ("sh", "s"),
)


@lru_cache(maxsize=50_000)
def korean_key(token: str) -> str:
    """A Korean given name with the differences between Revised Romanisation and the spellings
    families use folded: vowels written eo, o or u (Jeong, Jong, Jung), g or k, j or ch.
    McCune-Reischauer's t and p for d and b are not folded: in everyday spelling t and p are
    the aspirated consonants (Dae-sung and Tae-sung are two names).

    >>> korean_key("jiseong") == korean_key("jisung")
    True
    >>> korean_key("jongun") == korean_key("jeongeun")
    True
    >>> korean_key("jihoon") == korean_key("jihyun")
    False
    """
    out = token
    for old, new in _KOREAN_FOLDS:
        out = out.replace(old, new)
    return _collapse(out)


@cache
def korean_families() -> dict[str, int]:
    """Korean family-name spelling -> the index of its group."""
    return {str(s): i for i, group in enumerate(romanisation()["korean_family"]) for s in group}


# -- Phonetic key --------------------------------------------------------------------------

_DIGRAPHS = (
    ("shch", "S"),
    ("tsch", "C"),
    ("sch", "S"),
    ("tch", "C"),
    ("dzh", "J"),
    ("kh", "h"),
    ("ch", "C"),
    ("cz", "C"),
    ("sz", "S"),
    ("sh", "S"),
    ("zh", "J"),
    ("xh", "J"),
    ("dj", "J"),
    ("tx", "C"),
    ("ts", "Z"),
    ("tz", "Z"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("g", "k"),
    ("w", "v"),
    ("x", "ks"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_VOWEL_RUN = re.compile(r"[aeiouy]+")
_VOWEL_CLASS = {"a": "A", "e": "I", "i": "I", "y": "I", "o": "U", "u": "U"}


@lru_cache(maxsize=100_000)
def phonetic_key(token: str) -> str:
    """A key that spellings of one name by different transliterations share: y/i/j, kh/h,
    ts/tz/c, w/v, q/k/g (Arabic qaf is said g in much of the Arab world), doubled letters, and
    vowels by kind (a; e, i, y; o, u).

    >>> phonetic_key("kuznetsov") == phonetic_key("kuznetzov")
    True
    >>> phonetic_key("osama") == phonetic_key("usama")
    True
    >>> phonetic_key("yelena") == phonetic_key("elena") == phonetic_key("jelena")
    True
    >>> phonetic_key("hassan") == phonetic_key("hussein")
    False
    >>> phonetic_key("luca") == phonetic_key("lucia")
    False
    """
    s = token
    if len(s) > 2 and s[0] in "yji" and s[1] in "aeiou":
        s = s[1:] if s[1] == "e" else "y" + s[1:]  # Yelena, Jelena, Elena; Iurii, Yuri
    if len(s) > 2 and s.endswith("h") and s[-2] in "aeiou":
        s = s[:-1]  # Fatimah, Fatima
    s = _SOFT_C.sub("Z", s)
    for old, new in _DIGRAPHS:
        s = s.replace(old, new)
    s = s.replace("c", "k").replace("j", "y")
    head = s[:1] if s[:1] == "y" else ""
    s = s[len(head) :]
    s = _VOWEL_RUN.sub(lambda m: "".join(sorted({_VOWEL_CLASS[c] for c in m.group(0)})), s)
    return _collapse(head + s)


def _collapse(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


# -- Abjads ------------------------------------------------------------------------------

_V = "[aeiou]?"
"""Short vowels: not written, and spelt with one letter or none (a doubled or paired vowel
spells a long one, which the script writes)."""
_CONSONANTS = {
    "b": "b|p",
    "p": "p|b",
    "t": "t|th|d",
    "th": "th|s|t",
    "j": "j|g|dj|dzh|zh",
    "h": "h|kh|ch",
    "kh": "kh|h|ch|k|c",
    "d": "d|dh|z",
    "dh": "dh|z|d|th",
    "z": "z|dh|th|d|s",
    "s": "s|c|th",
    "sh": "sh|ch|sch|s",
    "gh": "gh|g|q|r",
    "f": "f|ph|v",
    "q": "q|k|g|gh|c|ck",
    "k": "k|c|ck|q|g|ch",
    "g": "g|gh|q|k",
    "v": "v|w",
    "ch": "ch|tch|c",
    "zh": "zh|j|s",
}
_UNIT = re.compile(r"th|kh|dh|sh|gh|ch|zh|.")


@lru_cache(maxsize=20_000)
def abjad_pattern(written: str, article: bool = False, script: str = "Arabic") -> re.Pattern[str]:
    """The Latin spellings a word written in an abjad (Arabic, Hebrew) can have.

    ``written`` is its ICU Latin form: consonants, the long vowels a (alif), w (waw: o, u)
    and y (ya: i, e), and ' for the ayn and hamza. Short vowels are not written, so one may
    come between consonants; a long vowel must be spelt in its place, and a vowel spelt long
    ("ee", "ei") needs one; the ayn may be spelt as any vowels; consonants may be doubled
    (the shadda is not written). ``article``: the Arabic article was written on, and a
    spelling may keep it. ``script``: ICU spells Arabic letters with digraphs (kh, sh, th);
    Hebrew ones one letter each (כהן: k, h, n).

    >>> [bool(abjad_pattern("mhmd").fullmatch(s)) for s in ("mohammed", "muhammad", "ahmad")]
    [True, True, False]
    >>> [bool(abjad_pattern("hsyn").fullmatch(s)) for s in ("hussein", "husain", "hassan")]
    [True, True, False]
    >>> bool(abjad_pattern("hsn").fullmatch("hussein"))
    False
    """
    parts = ["(?:[ae]l)?" if article else "", _V]
    units = _UNIT.findall(written) if script == "Arabic" else list(written)
    long_ = "[aeiouy]*"
    for i, unit in enumerate(units):
        if unit == "a":
            parts.append("[aeiou]" if i == 0 else f"{long_}[ae]{long_}")
        elif unit in ("w", "y") and i == 0:
            parts.append("(?:w|v|u|o)" if unit == "w" else "(?:y|j|i|e)")
        elif unit == "w":
            parts.append(f"(?:{long_}[ouw]{long_}|v)")
        elif unit == "y":
            parts.append(f"(?:{long_}[iey]{long_}|j)")
        elif unit == "'":
            parts.append(long_)
        elif unit in "eiou":
            parts.append(_V)
        else:
            parts.append(f"(?:{_CONSONANTS.get(unit, re.escape(unit))})+")
        parts.append(_V)
    parts.append("h?")
    return re.compile("".join(parts))
