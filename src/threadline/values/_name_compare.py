"""Comparing two person names, in any script, word by word.

Each name becomes *units*: its words in Latin letters (:mod:`threadline.values._scripts`),
with the Arabic particles set aside (al-, bin, bint) and compounds made one unit ("Abdul
Karim", "Nur ad-Din"). Units are aligned across the two names, in any order; a unit may
also match two or three adjacent units of the other name ("Xiaoming" / "Xiao Ming",
"Zedong" / "泽东"). The score is the weakest agreement, then what is left over:

* every unit of the shorter name must find its partner: when both names keep a unit of
  their own ("Abdul Karim" / "Abdul Rahim"), they are different names;
* each unit only the longer name has costs (a patronymic or a middle name left out), and a
  lone name against a name of several parts is weak.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from threadline.values._scripts import (
    ABJADS,
    Word,
    abjad_pattern,
    chinese_readings,
    is_pinyin,
    korean_families,
    korean_key,
    latin_words,
    phonetic_key,
    romanisation,
)
from threadline.values._text import load_table

__all__ = ["PERSON_THRESHOLD", "compare_person_names"]

PERSON_THRESHOLD = 0.7
"""Score at or above which two person names are one name. It lies between the weakest
agreement of a whole name (every word found, a middle name or two left out, a variant
spelling: 0.7 to 0.8) and the strongest disagreement (one name in common with nothing else,
0.55; a word of each name left over, 0.4 at most)."""


@dataclass(frozen=True, slots=True)
class _Unit:
    """One name of a person's name: a word, or a compound ("Abdul Karim")."""

    word: Word
    prefix: str = ""
    """"abd" (Abdul X), "abu" (Abu X) or "din" (X ad-Din); the word is then the X."""
    particle: bool = False
    """al-, bin, bint: not a name, and not counted."""


@dataclass(frozen=True, slots=True)
class _Tables:
    variant: dict[str, str]
    nicknames: dict[str, frozenset[str]]
    titles: frozenset[str]
    chinese_family: frozenset[str]
    servant: frozenset[str]
    father: frozenset[str]
    faith: frozenset[str]
    allah: frozenset[str]
    particles: frozenset[str]
    particles_after_a_name: frozenset[str]


@cache
def _tables() -> _Tables:
    names: Any = load_table("names.yaml")
    arabic: Any = romanisation()["arabic"]
    return _Tables(
        {str(s): str(group[0]) for group in names["variants"] for s in group},
        {str(k): frozenset(str(x) for x in v) for k, v in names["nicknames"].items()},
        frozenset(str(x) for x in names["titles"]),
        frozenset(str(x) for x in names["family_names"]["chinese"])
        | frozenset(romanisation()["chinese_family"]),
        frozenset(arabic["servant"]),
        frozenset(arabic["father"]),
        frozenset(arabic["faith"]),
        frozenset(arabic["allah"]),
        frozenset(arabic["particles"]),
        frozenset(arabic["particles_after_a_name"]),
    )


_SERVANT_GLUED = re.compile(r"^(abd(?:ul|el|al|ol|ur|us|ou|oul|il|u)?|abu|abou)(.{3,})$")
_SCRIPT_SERVANT_GLUED = re.compile(r"^(a?bd)(.{2,})$")
_FAITH_GLUED = re.compile(r"^(.{3,}?)(eddine?|uddin|uddeen|addin|aldin)$")


def _rest(word: Word, text: str) -> Word:
    """The name after "Abd": Allah in any spelling is one name."""
    if text.startswith("al") and len(text) > 4 and word.script in ABJADS:
        return Word((text[2:],), word.script, word.native, article=True)
    if text in _tables().allah:
        return Word(("allah",), "Latin")
    return Word((text,), word.script, word.native, word.hyphen, word.article)


def _glued(word: Word) -> _Unit:
    """A single word that holds a compound: "Abdulkarim", "Noureddine", "عبدالرحمن"."""
    text = word.text
    if word.script in ABJADS:
        found = _SCRIPT_SERVANT_GLUED.match(text)
        if found and len(text) > 4:
            return _Unit(_rest(word, found.group(2)), "abd")
        return _Unit(word)
    if word.script != "Latin":
        return _Unit(word)
    found = _SERVANT_GLUED.match(text)
    if found:
        prefix = "abu" if found.group(1) in _tables().father else "abd"
        return _Unit(_rest(word, found.group(2)), prefix)
    found = _FAITH_GLUED.match(text)
    if found:
        return _Unit(Word((found.group(1),), word.script), "din")
    return _Unit(word)


def _kind(word: Word, first: bool, last: bool) -> str:
    tables = _tables()
    text = word.text
    if word.script in ABJADS and text in ("bd", "abd"):
        return "abd"
    if text in tables.servant:
        return "abd"
    if text in tables.father:
        return "abu"
    if text in tables.faith or (word.script in ABJADS and word.article and text == "dyn"):
        return "din"
    # A particle stands between names: "Zhang Bin" and "Al Smith" hold none.
    particle = text in tables.particles or text in tables.particles_after_a_name
    if particle and not first and not last:
        return "particle"
    if word.hyphen and text in tables.particles:  # "al-Rashid", "as-Sayyid"
        return "particle"
    return "name"


@lru_cache(maxsize=50_000)
def _units(name: str) -> tuple[_Unit, ...]:
    """The units of a name: particles marked, compounds joined, titles dropped."""
    words = list(latin_words(name))
    while len(words) > 1 and words[0].text in _tables().titles:
        words = words[1:]
    units: list[_Unit] = []
    pending = ""  # "abd" or "abu", waiting for its name
    for i, word in enumerate(words):
        kind = _kind(word, first=not units and not pending, last=i == len(words) - 1)
        if kind == "particle":
            units.append(_Unit(word, particle=True))
        elif kind in ("abd", "abu"):
            pending = kind
        elif kind == "din" and any(not u.particle for u in units):
            at = max(k for k, u in enumerate(units) if not u.particle)
            units[at] = _Unit(units[at].word, "din")
        elif pending:
            units.append(_Unit(_rest(word, word.text), pending))
            pending = ""
        else:
            units.append(_glued(word))
    if pending:  # "Abdul" alone, or last: a name in its own right
        units.append(_Unit(Word(("abdul",), "Latin")))
    return tuple(units)


@dataclass(frozen=True, slots=True)
class _Context:
    chinese: bool
    korean: bool


@dataclass(frozen=True, slots=True)
class _Side:
    """What one name says about its naming culture (:func:`_context` reads two)."""

    scripts: frozenset[str]
    korean_family: bool
    """A word reads as a Korean family name."""
    chinese_family: bool
    """A word reads as a Chinese family name."""
    chinese_readable: bool
    """Every word reads as Chinese syllables."""


@lru_cache(maxsize=50_000)
def _side(units: tuple[_Unit, ...]) -> _Side:
    names = [u.word.text for u in units if not u.particle]
    family = _tables().chinese_family
    return _Side(
        frozenset(u.word.script for u in units),
        any(name in korean_families() for name in names),
        any(chinese_readings(name) & family for name in names),
        all(chinese_readings(name) for name in names),
    )


def _context(a: tuple[_Unit, ...], b: tuple[_Unit, ...]) -> _Context:
    """Which naming culture's rules apply: Chinese when either name is written in Han
    characters, or one holds a word that reads as a Chinese family name and every word of both
    reads as Chinese syllables (pinyin, Wade-Giles, Cantonese); Korean when either is written
    in Hangul or both hold a Korean family name."""
    x, y = _side(a), _side(b)
    scripts = x.scripts | y.scripts
    chinese = "Han" in scripts or (
        (x.chinese_family or y.chinese_family) and x.chinese_readable and y.chinese_readable
    )
    korean = "Hangul" in scripts or (x.korean_family and y.korean_family and not chinese)
    return _Context(chinese, korean)


_INITIAL = 0.75


def _gendered(x: str, y: str) -> bool:
    """One is the other's form for the other sex: Daniel / Daniela, Ivanov / Ivanova,
    Kowalski / Kowalska, Giulio / Giulia, Zhukovsky / Zhukovskaya."""
    if x == y or min(len(x), len(y)) < 3:
        return False
    longer = len(x) - len(y)
    if longer in (1, -1):
        short, long_ = (y, x) if longer > 0 else (x, y)
        if long_ == short + "a":
            return True
    elif not longer and x[:-1] == y[:-1] and "a" in (x[-1], y[-1]):
        return {x[-1], y[-1]} <= set("aoeiy")
    if not (x.endswith("aya") or y.endswith("aya")):
        return False
    stems = (re.sub(r"(sk|ck|tsk|zk)(iy|ii|y|i)$", r"\1", s) for s in (x, y))
    sx, sy = stems
    return sx + "aya" == y or sy + "aya" == x


def _latin_sim(x: str, y: str, ctx: _Context) -> tuple[float, str | None]:
    """How well two Latin spellings of a name agree, and why."""
    tables = _tables()
    if x == y:
        return 1.0, None
    if _gendered(x, y):
        return 0.0, "the other sex's form of the name"
    vx, vy = tables.variant.get(x), tables.variant.get(y)
    if vx is not None and vx == vy:
        return 0.95, "spelling variant"
    nx, ny = tables.nicknames.get(x), tables.nicknames.get(y)
    if (nx and (y in nx or (ny and not nx.isdisjoint(ny)))) or (ny and x in ny):
        return 0.9, "nickname"  # one is the other's nickname, or they share one
    if vx is not None and vy is not None:
        return 0.0, "different names"
    if ctx.chinese:
        if chinese_readings(x) & chinese_readings(y):
            return 0.93, "other romanisation"
        if is_pinyin(x) and is_pinyin(y):
            return 0.0, "different names"
    if ctx.korean:
        families = korean_families()
        if x in families and families.get(x) == families.get(y):
            return 0.95, "other romanisation"
        if korean_key(x) == korean_key(y):
            return 0.92, "other romanisation"
    if min(len(x), len(y)) == 1:
        return (_INITIAL, "initial only") if x[0] == y[0] else (0.0, None)
    if min(len(x), len(y)) >= 4 and phonetic_key(x) == phonetic_key(y):
        return 0.9, "other transliteration"
    return _typo(x, y)


def _typo(x: str, y: str) -> tuple[float, str | None]:
    """A keying slip: one letter wrong, missing, added or swapped in a word of five letters
    or more, two in one of nine or more. The first letter must agree: names that differ only
    there (Mariusz, Dariusz) are other names."""
    shorter = min(len(x), len(y))
    if shorter < 5 or x[0] != y[0]:
        return 0.0, None
    edits = DamerauLevenshtein.distance(x, y, score_cutoff=2)
    if edits == 1:
        return 0.85, "similar spelling"
    if edits == 2 and shorter >= 9:
        return 0.8, "similar spelling"
    return 0.0, None


@lru_cache(maxsize=200_000)
def _word_sim(x: Word, y: Word, ctx: _Context) -> tuple[float, str | None]:
    """How well two words (or runs of words) agree, across scripts."""
    if x.native and y.native:
        return (1.0, None) if x.native == y.native else (0.0, "different characters")
    abjad_x, abjad_y = x.script in ABJADS, y.script in ABJADS
    if abjad_x and abjad_y:
        return (1.0, None) if set(x.forms) & set(y.forms) else (0.0, None)
    if abjad_x or abjad_y:
        script, latin = (x, y) if abjad_x else (y, x)
        pattern = abjad_pattern(script.text, script.article, script.script)
        if any(pattern.fullmatch(form) for form in latin.forms):
            return 0.92, "transliteration"
        return 0.0, None
    best: tuple[float, str | None] = (0.0, None)
    for fx, fy in product(x.forms, y.forms):
        found = _latin_sim(fx, fy, ctx)
        if found[0] > best[0] or (found[0] == 0 and found[1] and best[0] == 0):
            best = found
        if best[0] == 1.0:
            break
    if best[0] >= 1.0 and x.script != y.script:
        return 1.0, "transliteration"
    return best


def _unit_sim(a: _Unit, b: _Unit, ctx: _Context) -> tuple[float, str | None]:
    if a.prefix != b.prefix:
        return 0.0, None
    return _word_sim(a.word, b.word, ctx)


@dataclass(frozen=True, slots=True)
class _Span:
    """A run of one to three adjacent units of a name, matched as one."""

    start: int
    end: int
    """Unit indices, ``end`` exclusive; particles inside are spelt with the run."""
    unit: _Unit


@lru_cache(maxsize=50_000)
def _span_list(units: tuple[_Unit, ...]) -> tuple[_Span, ...]:
    """:func:`_spans` of a name, worked out once: a name is compared with many."""
    return tuple(_spans(units))


def _spans(units: tuple[_Unit, ...]) -> Iterator[_Span]:
    for i, first in enumerate(units):
        if first.particle:
            continue
        yield _Span(i, i + 1, first)
        if first.prefix:
            continue
        for j in range(i + 1, min(len(units), i + 4)):
            run = units[i : j + 1]
            if run[-1].particle or any(u.prefix for u in run):
                continue
            names = [u for u in run if not u.particle]
            if len(names) > 3 or len({u.word.script for u in run}) > 1:
                continue
            yield _Span(i, j + 1, _Unit(_joined([u.word for u in run])))


def _joined(words: list[Word]) -> Word:
    forms = ["".join(p) for p in product(*(w.forms for w in words))][:4]
    native = "".join(w.native for w in words) if all(w.native for w in words) else ""
    return Word(tuple(forms), words[0].script, native, article=words[0].article)


@dataclass(frozen=True, slots=True)
class _Match:
    score: float
    reason: str | None
    left: _Span
    right: _Span


def _align(a: tuple[_Unit, ...], b: tuple[_Unit, ...], ctx: _Context) -> list[_Match]:
    """The best agreeing pairs of spans, each unit used once (greedy, strongest first;
    among equals, single words before runs)."""
    found: list[_Match] = []
    for x, y in product(_span_list(a), _span_list(b)):
        multi = x.end - x.start > 1 or y.end - y.start > 1
        score, reason = _unit_sim(x.unit, y.unit, ctx)
        if score >= 0.7 and not (multi and score < 0.85):
            found.append(_Match(score, reason or ("written as one" if multi else None), x, y))
    found.sort(key=lambda m: (-m.score, m.left.end - m.left.start + m.right.end - m.right.start))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[_Match] = []
    for match in found:
        xs = set(range(match.left.start, match.left.end))
        ys = set(range(match.right.start, match.right.end))
        if xs & used_a or ys & used_b:
            continue
        used_a |= xs
        used_b |= ys
        chosen.append(match)
    return chosen


def _names_in(units: tuple[_Unit, ...], span: set[int] | None = None) -> int:
    return sum(1 for i, u in enumerate(units) if not u.particle and (span is None or i in span))


def compare_person_names(left: str, right: str) -> tuple[float, str]:
    """Similarity of two person names from 0 to 1, with the reason in words.

    >>> compare_person_names("محمد عبد الكريم", "Mohammed Abdul Karim")
    (0.92, 'transliteration')
    >>> compare_person_names("Mohammed Abdul Karim Al-Tamimi", "Mohammed Abdul Rahim Al-Tamimi")
    (0.27, 'names differ')
    >>> compare_person_names("Mao Zedong", "Mao Tse-tung")
    (0.95, 'other romanisation')
    >>> compare_person_names("Maria", "Maria Elena Gonzalez Rodriguez")
    (0.35, 'only one name in common')
    """
    a, b = _units(left), _units(right)
    na, nb = _names_in(a), _names_in(b)
    if not na or not nb:
        return 0.0, "no name to compare"
    if [(u.word.forms, u.word.native, u.word.script, u.prefix) for u in a] == [
        (u.word.forms, u.word.native, u.word.script, u.prefix) for u in b
    ]:
        return 1.0, "same name"
    ctx = _context(a, b)
    matches = _align(a, b, ctx)
    if not matches:
        return 0.0, "different names"
    scores = [m.score for m in matches]
    mean = math.exp(sum(math.log(s) for s in scores) / len(scores))
    score = math.sqrt(min(scores) * mean)
    reasons: list[str] = []
    for match in matches:
        if match.reason and match.reason not in reasons:
            reasons.append(match.reason)
    covered_a = _names_in(a, {i for m in matches for i in range(m.left.start, m.left.end)})
    covered_b = _names_in(b, {i for m in matches for i in range(m.right.start, m.right.end)})
    extra_a, extra_b = na - covered_a, nb - covered_b
    if extra_a and extra_b:
        score *= 0.4 * len(matches) / max(na, nb)
        reasons = ["names differ"]
    elif extra_a or extra_b:
        extra = extra_a or extra_b
        if len(matches) == 1 and min(na, nb) == 1:
            score *= 0.55 * 0.8 ** (extra - 1)
            reasons.append("only one name in common")
        else:
            score *= 0.9**extra
            reasons.append("a name missing" if extra == 1 else "names missing")
    order = [m.right.start for m in sorted(matches, key=lambda m: m.left.start)]
    if order != sorted(order):
        score *= 0.98
        reasons.append("different order")
    if reasons == ["different order"]:
        reasons = ["same name, different order"]
    return round(score, 2), ", ".join(reasons) or "same name, written differently"
