"""Person names: cleaned display form, parts in the person's own order, explainable comparison."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from threadline.values._text import ascii_text, load_table, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["NameParts", "NameType", "compare_detail", "name_key", "parse_name"]

_NOT_NAME = re.compile("[^\\w\\s'\u2019\\-,.]|_")
_APOSTROPHE = re.compile(r"^([OoDd])'(\w)")


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
    def key(self) -> str:
        """Order-free key with spelling variants folded, for blocking and exact matching."""
        table = _tables().variant
        return " ".join(sorted(table.get(token, token) for token in self.tokens))


def _smart_case(token: str, *, mixed: bool) -> str:
    """Title Case a token, keeping deliberate mixed case ("McDonald", "van")."""
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
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _low(token: str) -> str:
    return ascii_text(token).lower().replace("'", "")


def _family_first(lows: list[str]) -> bool:
    """Whether ASCII lower-case name words read family-name-first (Vietnamese, Chinese)."""
    tables = _tables()
    if len(lows) < 2 or lows[0] not in tables.family:
        return False
    return lows[-1] not in tables.family or lows[1] in tables.vietnamese_middle


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
    text = squash(_NOT_NAME.sub(" ", squash(raw)).replace("\u2019", "'")).strip(" ,.-'")
    text = " ".join(word.rstrip(".") or word for word in text.split())
    comma = text.count(",") == 1 and all(side.strip() for side in text.split(","))
    if comma:
        family_words, words = (side.split() for side in text.replace(".", "").split(","))
    else:
        family_words, words = [], text.replace(",", " ").split()
    title, words = _split_title(words)
    letters = "".join(ch for ch in text if ch.isalpha())
    mixed = not (letters.isupper() or letters.islower())
    # "NGUYEN Thi Lan": one ALL-CAPS word among Title Case words is the family name.
    caps = [i for i, w in enumerate(words) if mixed and w.isupper() and len(w) > 1]
    if not all(w[:1].isupper() for w in words):
        caps = []
    cased = [_smart_case(w, mixed=mixed) for w in words]
    family_cased = [_smart_case(w, mixed=mixed) for w in family_words]
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
    given = (rest[-1] if first else rest[0]) if rest else None
    middle = tuple(rest[:-1] if first else rest[1:])
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
    (0.97, 'same name, different order')
    """

    name = "name"
    label = "Person name"

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        parts = parse_name(raw, hints=hints)
        if not parts.cleaned:
            return Cleaned(raw, None, "no letters in this name")
        flags: list[str] = []
        problem = None
        value = parts.cleaned
        if parts.title is not None:
            flags.append("title_removed")
        if squash(raw).count(",") == 1 and parts.family is not None:
            flags.append("reordered")
        if not _is_latin(value) and parts.ascii:
            value = parts.ascii
            flags.append("transliterated")
        elif not _is_latin(value):
            problem = "could not be written in Latin letters; kept in its own script"
        if any(ch.isdigit() for ch in raw):
            problem = "name contains digits"
        return Cleaned(raw, value, problem, tuple(flags))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        return compare_detail(left, right)


def _token_match(x: str, y: str) -> tuple[float, str | None]:
    """How well two ASCII lower-case name tokens match, with the reason."""
    tables = _tables()
    if x == y:
        return 1.0, None
    if tables.variant.get(x, x) == tables.variant.get(y, y):
        return 0.93, "spelling variant"
    nx = tables.nicknames.get(x, frozenset()) | {x}
    ny = tables.nicknames.get(y, frozenset()) | {y}
    if nx & ny:
        return 0.88, "nickname"
    if min(len(x), len(y)) == 1 and x[0] == y[0]:
        return 0.75, "initial only"
    ratio = fuzz.ratio(x, y) / 100
    if min(len(x), len(y)) >= 4 and ratio >= 0.8:
        return 0.9 * ratio, "similar spelling"
    return 0.0, None


def compare_detail(left: str, right: str) -> tuple[float, str]:
    """Similarity of two names from 0 to 1, with the reason in words.

    >>> compare_detail("Bill Smith", "William Smith")
    (0.88, 'nickname')
    >>> compare_detail("Nguyễn Văn Minh", "Nguyen Van Minh")
    (0.97, 'transliteration')
    >>> compare_detail("John Paul Smith", "John Smith")
    (0.85, 'middle name missing')
    """
    a, b = parse_name(left), parse_name(right)
    if a.cleaned == b.cleaned:
        return 1.0, "same name"
    ta, tb = _words(a.ascii), _words(b.ascii)
    if not ta or not tb:
        return 0.0, "no name to compare"
    pairs = sorted(
        ((*_token_match(x, y), i, j) for i, x in enumerate(ta) for j, y in enumerate(tb)),
        key=lambda p: -p[0],
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched: list[tuple[int, int]] = []
    score = 1.0
    reasons: list[str] = []
    for value, reason, i, j in pairs:
        if value <= 0 or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched.append((i, j))
        score *= value
        if reason is not None and reason not in reasons:
            reasons.append(reason)
    if a.cleaned.casefold() != a.ascii.casefold() or b.cleaned.casefold() != b.ascii.casefold():
        reasons.append("transliteration")
        score *= 0.97
    extra_a, extra_b = len(ta) - len(matched), len(tb) - len(matched)
    if (extra_a and extra_b) or not matched:
        score *= 0.4 * len(matched) / max(len(ta), len(tb))
        reasons = ["one name in common, others differ" if matched else "different names"]
    elif extra_a or extra_b:
        if len(matched) >= 2:
            score *= 0.85
            inner = _inner(matched, left_longer=extra_a > 0)
            reasons.append("middle name missing" if inner else "a name missing")
        else:
            score *= 0.5
            reasons.append("only one name in common")
    j_order = [j for _, j in sorted(matched)]
    if j_order != sorted(j_order):
        score *= 0.97
        reasons.append("different order")
    if reasons == ["different order"]:
        reasons = ["same name, different order"]
    # Whole-string similarity catches typos across token boundaries ("Mohammedali Khan");
    # below 80% it says little, so it only counts from there up.
    ratio = max(
        fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)), fuzz.ratio("".join(ta), "".join(tb))
    )
    if ratio >= 80 and 0.8 * ratio / 100 > score:
        return round(0.8 * ratio / 100, 2), "similar spelling"
    return round(score, 2), ", ".join(reasons) or "same name, written differently"


def _words(ascii_form: str) -> list[str]:
    """Lower-case words of an ASCII name in written order; hyphenated names split."""
    return [t for t in re.split(r"[\s\-]+", ascii_form.lower().replace("'", "")) if t]


def _inner(matched: list[tuple[int, int]], *, left_longer: bool) -> bool:
    """True when the unmatched tokens of the longer name all sit between matched ones."""
    positions = sorted(i if left_longer else j for i, j in matched)
    return positions[-1] - positions[0] + 1 > len(positions)
