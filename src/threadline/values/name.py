"""Person names: cleaned display form, parts in the person's own order, explainable comparison.

:meth:`NameType.clean` needs only the display form, so it skips :func:`parse_name`'s search
for given, middle and family names and, for Latin-script names, the ICU transliteration.
:meth:`NameType._clean_slow` keeps the path through :func:`parse_name` as the reference the
tests hold the fast path to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from threadline.values._name_compare import PERSON_THRESHOLD, compare_person_names
from threadline.values._text import ascii_text, load_table, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = [
    "PERSON_THRESHOLD",
    "NameParts",
    "NameType",
    "compare_detail",
    "name_key",
    "parse_name",
]

_NOT_NAME = re.compile("[^\\w\\s'\u2019\\-,.]|_")
_APOSTROPHE = re.compile(r"^([OoDd])'(\w)")
_WORD_BREAK = re.compile(r"[\s\-]+")
_ASCII_DIGIT = re.compile("[0-9]")


@dataclass(frozen=True, slots=True)
class _Tables:
    variant: dict[str, str]
    nicknames: dict[str, frozenset[str]]
    family: frozenset[str]
    vietnamese_middle: frozenset[str]
    titles: frozenset[str]
    particles: frozenset[str]


@cache
def _tables() -> _Tables:
    data = load_table("names.yaml")
    variant = {spelling: group[0] for group in data["variants"] for spelling in group}
    nicknames = {str(k): frozenset(v) for k, v in data["nicknames"].items()}
    family = frozenset(data["family_names"]["vietnamese"] + data["family_names"]["chinese"])
    return _Tables(
        variant,
        nicknames,
        family,
        frozenset(data["vietnamese_middle"]),
        frozenset(data["titles"]),
        frozenset(data["particles"]),
    )


@dataclass(frozen=True, slots=True)
class NameParts:
    """A person's name taken apart.

    >>> parts = parse_name("NGUYEN Thi Lan")
    >>> parts.family, parts.middle, parts.given, parts.family_name_first
    ('Nguyen', ('Thi',), 'Lan', True)
    >>> parse_name("SMITH, John").cleaned
    'John Smith'
    """

    original: str
    """The name as the source wrote it."""
    cleaned: str
    """Display form in the person's own order, Title Case, without a title."""
    ascii: str
    """``cleaned`` through ICU "Any-Latin; Latin-ASCII", for comparison across scripts."""
    title: str | None
    """A title such as "Mr" taken off the front; it hints at gender but is not a name."""
    given: str | None
    """The name the person is called by (the last one in Vietnamese order)."""
    middle: tuple[str, ...]
    """Names between given and family name (Vietnamese "Van", "Thi")."""
    family: str | None
    """Family name, when the order or the writing convention shows it."""
    family_name_first: bool
    """True when the person's own order puts the family name first (Vietnamese, Chinese)."""
    tokens: tuple[str, ...]
    """Sorted ASCII lower-case tokens, for comparison that ignores name order."""

    @property
    def variants(self) -> tuple[str, ...]:
        """``tokens`` with spelling variants folded ("muhammad" for "mohamed"), sorted."""
        table = _tables().variant
        return tuple(sorted(table.get(token, token) for token in self.tokens))

    @property
    def key(self) -> str:
        """Order-free key with spelling variants folded, for blocking and exact matching."""
        return " ".join(self.variants)


@lru_cache(maxsize=65_536)
def _smart_case(token: str, mixed: bool) -> str:
    """Title Case a token, keeping deliberate mixed case ("McDonald", "van"). Names repeat
    their words, so the answers are cached."""
    letters = [ch for ch in token if ch.isalpha()]
    if mixed and any(ch.isupper() for ch in letters) and any(ch.islower() for ch in letters):
        return token
    if mixed and token.islower() and token in _tables().particles:
        return token
    out = "-".join(part[:1].upper() + part[1:].lower() for part in token.split("-"))
    out = _APOSTROPHE.sub(lambda m: m.group(1).upper() + "'" + m.group(2).upper(), out)
    if len(out) > 3 and out.startswith("Mc"):
        out = "Mc" + out[2].upper() + out[3:]
    return out


def _is_latin(text: str) -> bool:
    """Every letter of ``text`` is a Latin one (every ASCII letter is)."""
    return text.isascii() or all(map(_is_latin_char, text))


@lru_cache(maxsize=4096)
def _is_latin_char(ch: str) -> bool:
    return not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN")


def _has_digit(text: str) -> bool:
    """Any character of ``text`` is a digit (in ASCII text, the digits are 0-9)."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(map(str.isdigit, text))


@lru_cache(maxsize=65_536)
def _low(token: str) -> str:
    return ascii_text(token).lower().replace("'", "")


def _family_first(lows: list[str]) -> bool:
    """Whether ASCII lower-case name words read family-name-first (Vietnamese, Chinese)."""
    tables = _tables()
    if len(lows) < 2 or lows[0] not in tables.family:
        return False
    return lows[-1] not in tables.family or lows[1] in tables.vietnamese_middle


class _Written(NamedTuple):
    """A name's words as written, cleaned and cased: the first half of :func:`parse_name`."""

    comma: bool
    """Written "FAMILY, Given": one comma with words on both sides."""
    title: str | None
    words: list[str]
    """Given names (or all names when there is no comma), title taken off."""
    mixed: bool
    """Written in mixed case, so that case carries meaning ("McDonald", "NGUYEN Thi")."""
    cased: list[str]
    family_cased: list[str]
    """The words before the comma, cased; empty without a comma."""


def _written(squashed: str) -> _Written:
    """Words of a name that has been through :func:`squash`, cased as it will be shown."""
    text = squash(_NOT_NAME.sub(" ", squashed).replace("\u2019", "'")).strip(" ,.-'")
    if "." in text:  # text is squashed: without a full stop the join gives it back unchanged
        text = " ".join(word.rstrip(".") or word for word in text.split())
    comma = text.count(",") == 1 and all(side.strip() for side in text.split(","))
    if comma:
        family_words, words = (side.split() for side in text.replace(".", "").split(","))
    else:
        family_words, words = [], text.replace(",", " ").split()
    title, words = _split_title(words)
    # In ASCII the letters are the cased characters, so the text's case is its letters'.
    letters = text if text.isascii() else "".join(filter(str.isalpha, text))
    mixed = not (letters.isupper() or letters.islower())
    cased = [_smart_case(w, mixed) for w in words]
    family_cased = [_smart_case(w, mixed) for w in family_words]
    return _Written(comma, title, words, mixed, cased, family_cased)


def _split_title(words: list[str]) -> tuple[str | None, list[str]]:
    if len(words) > 1 and words[0].lower().rstrip(".") in _tables().titles:
        return words[0].rstrip(".").capitalize(), words[1:]
    return None, words


def parse_name(
    raw: str, *, family_name_first: bool | None = None, hints: Hints = DEFAULT_HINTS
) -> NameParts:
    """Take a person's name apart; ``family_name_first`` overrides the detection.

    >>> parse_name("Nguyen Van Minh").family
    'Nguyen'
    >>> parse_name("Minh Nguyen").family_name_first
    False
    >>> parse_name("Mr JOHN o'brien").cleaned
    "John O'Brien"
    """
    written = _written(squash(raw))
    comma, title, words, cased = written.comma, written.title, written.words, written.cased
    family_cased = written.family_cased
    # "NGUYEN Thi Lan": one ALL-CAPS word among Title Case words is the family name.
    caps = [i for i, w in enumerate(words) if written.mixed and w.isupper() and len(w) > 1]
    if not all(w[:1].isupper() for w in words):
        caps = []
    family: str | None
    if comma:
        family = " ".join(family_cased)
        detected = _low(family) in _tables().family
        rest = cased
    elif len(caps) == 1 and len(cased) > 1 and caps[0] in (0, len(cased) - 1):
        family = cased[caps[0]]
        detected = caps[0] == 0
        rest = cased[1:] if detected else cased[:-1]
    else:
        detected = _family_first([_low(w) for w in cased])
        if family_name_first is not None:
            detected = family_name_first
        family = None if len(cased) < 2 else (cased[0] if detected else cased[-1])
        rest = cased if family is None else (cased[1:] if detected else cased[:-1])
    first = detected if family_name_first is None else family_name_first
    ordered = cased
    if comma:
        ordered = [*family_cased, *rest] if first else [*rest, *family_cased]
    # Vietnamese and Chinese names end with the name the person is called by ("NGUYEN Thi
    # Lan"); other names written family-first keep their forenames in order ("HALL Ryan Lee").
    last = first and (family is None or _low(family.split()[0]) in _tables().family)
    given = (rest[-1] if last else rest[0]) if rest else None
    middle = tuple(rest[:-1] if last else rest[1:])
    cleaned = " ".join(ordered)
    ascii_form = ascii_text(cleaned)
    tokens = tuple(sorted(_words(ascii_form)))
    return NameParts(raw, cleaned, ascii_form, title, given, middle, family or None, first, tokens)


def name_key(name: str) -> str:
    """Order-free key of a name with spelling variants folded.

    >>> name_key("Mohamed ALI") == name_key("Ali, Muhammad")
    True
    """
    return parse_name(name).key


class NameType(ValueType):
    """Person names, cleaned to a display form and compared across order, script and spelling.

    >>> names = NameType()
    >>> names.clean("  SMITH,  john ").value
    'John Smith'
    >>> names.compare_detail("Nguyen Van Minh", "Minh Van Nguyen")
    (0.98, 'same name, different order')
    """

    name = "name"
    label = "Person name"

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        written = _written(text)
        # parse_name's order and family name, as far as the answer depends on them. "SMITH,
        # John": the family name goes last, unless it is one written first (Nguyen); it is
        # never empty, as the text has been stripped of commas and dots at either end.
        # Without such a comma the order is as written, and parse_name finds a family name
        # exactly when there are two names or more.
        if written.comma:
            family = written.family_cased
            first = _low(" ".join(family)) in _tables().family
            ordered = [*family, *written.cased] if first else [*written.cased, *family]
            reordered = text.count(",") == 1
        else:
            ordered = written.cased
            reordered = text.count(",") == 1 and len(ordered) >= 2
        cleaned = " ".join(ordered)
        return self._judge(raw, cleaned, written.title, reordered=reordered, ascii_form=None)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` through the whole of :func:`parse_name`: the reference."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._from_parts(raw, squash(raw), parse_name(raw, hints=hints))

    def _from_parts(self, raw: str, squashed: str, parts: NameParts) -> Cleaned:
        reordered = squashed.count(",") == 1 and parts.family is not None
        return self._judge(
            raw, parts.cleaned, parts.title, reordered=reordered, ascii_form=parts.ascii
        )

    def _judge(
        self, raw: str, cleaned: str, title: str | None, *, reordered: bool, ascii_form: str | None
    ) -> Cleaned:
        """The answer for a name's display form; ``ascii_form`` is made when needed if ``None``."""
        if not cleaned:
            return Cleaned(raw, None, "no letters in this name")
        flags: list[str] = []
        problem = None
        value = cleaned
        if title is not None:
            flags.append("title_removed")
        if reordered:
            flags.append("reordered")
        if not _is_latin(value):
            ascii_form = ascii_text(cleaned) if ascii_form is None else ascii_form
            if ascii_form:
                value = ascii_form
                flags.append("transliterated")
            else:
                problem = "could not be written in Latin letters; kept in its own script"
        if _has_digit(raw):
            problem = "name contains digits"
        return Cleaned(raw, value, problem, tuple(flags))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:  # a kept value with no name in it ("0") is still itself
            return 1.0, "same name"
        return compare_detail(left, right)


def compare_detail(left: str, right: str) -> tuple[float, str]:
    """Similarity of two person names from 0 to 1, with the reason in words: any script,
    order, spelling variants, nicknames, romanisations, Arabic compounds, missing names and
    typing slips (:mod:`threadline.values._name_compare`). At or above
    :data:`PERSON_THRESHOLD` the two are one name.

    >>> compare_detail("Bill Smith", "William Smith")
    (0.92, 'nickname')
    >>> compare_detail("Nguyễn Văn Minh", "Nguyen Van Minh")
    (1.0, 'same name')
    >>> compare_detail("John Paul Smith", "John Smith")
    (0.9, 'a name missing')
    """
    return compare_person_names(left, right)


def _words(ascii_form: str) -> list[str]:
    """Lower-case words of an ASCII name in written order; hyphenated names split."""
    return [t for t in _WORD_BREAK.split(ascii_form.lower().replace("'", "")) if t]
