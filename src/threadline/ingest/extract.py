"""Find identifiers, dates, names and places in free text (hotline calls, intelligence narratives).

Each :class:`Extraction` is stored as a statement marked "extracted from text, unverified".
Identifiers aim for high recall; names and places aim for precision, so they are only taken
after a cue ("named", "Mr", "in", "near") or when a table knows them.

>>> [(e.kind, e.text, e.value) for e in extract("Call Lan on 07700 900123 at 12 Mill Street.")]
[('phone', '07700 900123', '+447700900123'), ('place', '12 Mill Street', '12 Mill Street')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import phonenumbers
from followthemoney import registry as ftm
from phonenumbers import Leniency

from threadline.values import DEFAULT_HINTS, Hints, get_type, parse_uk_bank
from threadline.values._text import digits, load_table
from threadline.values.postcode import POSTCODE_PATTERN

__all__ = ["KINDS", "Extraction", "extract"]

KINDS: tuple[str, ...] = (
    "email",
    "iban",
    "account",
    "sortcode",
    "ninumber",
    "passport",
    "postcode",
    "vrm",
    "date",
    "phone",
    "place",
    "name",
)
"""Every kind extraction finds, strongest first: where two finds overlap, the earlier kind wins
(a sort code beats the date "20-00-00", a postcode beats a registration)."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """One value found in a text, with where it was found."""

    kind: str
    """Value type name, or "place" for a town, country or street address."""
    text: str
    """Exactly ``source[start:end]``."""
    start: int
    """Offset of the first character in the source text."""
    end: int
    """Offset just past the last character."""
    value: str | None
    """Cleaned by the value type; ``None`` when it could not be cleaned."""
    flags: tuple[str, ...]
    """The value type's flags, plus "town", "country" or "street" for places."""


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTH_ANY = f"(?:{_MONTH}|{_MONTH.upper()})"
_ORD = r"(?:st|nd|rd|th)?"
_DATES = [
    re.compile(r"(?<![\d/.\-])\d{1,2}([/.\-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/.\-])", re.A),
    re.compile(r"(?<![\d\-])\d{4}-\d{2}-\d{2}(?![\d\-])", re.A),
    re.compile(rf"\b\d{{1,2}}{_ORD}(?:\s+of)?\s+{_MONTH_ANY}\.?,?\s+\d{{4}}\b"),
    # two-digit years only in the compact forms ("05-Sep-90", "05SEP90"): "12 May 20 people"
    re.compile(rf"\b\d{{1,2}}-{_MONTH_ANY}-(?:\d{{4}}|\d{{2}})\b"),
    re.compile(rf"\b\d{{2}}{_MONTH.upper()}\d{{2,4}}\b"),
    re.compile(rf"\b{_MONTH_ANY}\.?\s+\d{{1,2}}{_ORD},?\s+\d{{4}}\b"),
    re.compile(rf"\b{_MONTH_ANY}\.?,?\s+\d{{4}}\b"),
]
_YEAR_CUE = re.compile(r"\b(?:in|since|born|during|until|year)\s+((?:19|20)\d{2})\b(?!-)", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Case-blind: the IBAN check digits and each country's layout keep out false finds.
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.I)
_NINO = re.compile(r"\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2}(?: ?[A-D])?\b")
_POSTCODE = re.compile(POSTCODE_PATTERN.pattern, re.I)
_VRMS = [
    re.compile(r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b"),
    re.compile(r"\b[A-Z][0-9]{1,3} ?[A-Z]{3}\b"),
    re.compile(r"\b[A-Z]{3} ?[0-9]{1,3} ?[A-Z]\b"),
]
_SORTCODE = re.compile(
    r"\b(?i:sort\s*code|s/c)\s*(?i:is|no\.?|number)?[:\s\-]*"
    r"([0-9]{2}[\-\s.]?[0-9]{2}[\-\s.]?[0-9]{2})(?![0-9])"
)
_ACCOUNT = re.compile(
    r"\b(?i:account|acct|acc|a/c)\.?\s*(?i:number|no\.?|num)?\s*(?i:is)?[:#\s\-]*"
    r"([0-9]{7,8})(?![0-9])"
)
_PAIR = re.compile(r"(?<![0-9\-])([0-9]{2}-[0-9]{2}-[0-9]{2})\s+([0-9]{8})(?![0-9])")
_PASSPORT = re.compile(
    r"(?:\b([A-Z][a-z]+)\s+)?(?i:passport)(?:\s+(?i:number|no\.?|num))?\s*(?i:is)?[:#\s\-]*"
    r"\b([A-Z]{0,2}[0-9]{6,10})\b"
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_NAME_CUE = re.compile(
    r"\b(?:named|called|known as|aka|a\.k\.a\.|introduced by|introduced to|name is|name was"
    r"|a man|a woman|a male|a female|a girl|a boy|a lady|a guy|boss|controller|driver)\b[\s,:]+",
    re.I,
)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b\.?\s+")
_PLACE_CUE = re.compile(r"\b(?:in|at|near|from|to|around|outside|towards)\s+", re.I)
_COUNTRY_ALIASES = frozenset({"UK", "United Kingdom", "Britain", "Great Britain", "Viet Nam"})


@cache
def _stop() -> frozenset[str]:
    """Capitalised words that end a run of name or place words ("Police", "Monday")."""
    return frozenset(str(word) for word in load_table("names.yaml")["not_names"])


@cache
def _towns() -> frozenset[str]:
    return frozenset(str(town) for town in load_table("places.yaml")["towns"])


@cache
def _name_starts() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Given names, Vietnamese family names and middle names that start a name without a cue
    ("Katarzyna Kowalska", "Nguyen Van Minh"), ASCII lower case."""
    names = load_table("names.yaml")
    given: set[str] = {n for group in names["variants"] for n in group}
    given |= set(names["nicknames"]) | {n for full in names["nicknames"].values() for n in full}
    family = frozenset(names["family_names"]["vietnamese"])
    return frozenset(given - family), family, frozenset(names["vietnamese_middle"])


@cache
def _vrm_words() -> frozenset[str]:
    return frozenset(str(word) for word in load_table("vrm.yaml")["words_in_prose"])


@cache
def _street_words() -> frozenset[str]:
    table = load_table("address.yaml")
    return frozenset(table["street_words"]) | frozenset(table["street_suffixes"])


@cache
def _street_pattern() -> re.Pattern[str]:
    words = sorted({w.capitalize() for w in _street_words()}, key=len, reverse=True)
    towns = "|".join(re.escape(t) for t in sorted(_towns(), key=len, reverse=True))
    return re.compile(
        r"\b(?:(?:Flat|Unit|Apartment|Room)\s+[0-9]{1,4}[A-Z]?,?\s+)?[0-9]{1,4}[A-Z]?,?\s+"
        rf"(?:[A-Z][a-z']+\s+){{1,3}}(?:{'|'.join(words)})\b(?:,?\s+(?:{towns})\b)?"
    )


def _make(kind: str, source: str, start: int, end: int, hints: Hints) -> Extraction:
    cleaned = get_type(kind).clean(source[start:end], hints)
    return Extraction(kind, source[start:end], start, end, cleaned.value, cleaned.flags)


def _simple(text: str, hints: Hints) -> Iterator[Extraction]:
    for found in _EMAIL.finditer(text):
        yield _make("email", text, found.start(), found.end(), hints)
    for found in _NINO.finditer(text):
        item = _make("ninumber", text, found.start(), found.end(), hints)
        if item.value is not None and "raw" not in item.flags:
            yield item
    for found in _POSTCODE.finditer(text):
        if found.group().isupper() or found.group().islower():
            yield _make("postcode", text, found.start(), found.end(), hints)
    for pattern in _VRMS:
        for found in pattern.finditer(text):
            letters = re.findall(r"[A-Z]{3}", found.group())
            if any(group in _vrm_words() for group in letters):
                continue  # "M25 AND" in upper-case text is a road and a word, not a vehicle
            item = _make("vrm", text, found.start(), found.end(), hints)
            if item.value is not None and not item.flags:
                yield item


def _ibans(text: str, hints: Hints) -> Iterator[Extraction]:
    iban = get_type("iban")
    for found in _IBAN.finditer(text):
        groups = found.group().split(" ")
        # The pattern may run on into a following upper-case word: shrink until it validates.
        for size in range(len(groups), 0, -1):
            candidate = " ".join(groups[:size])
            if iban.validate(candidate):
                end = found.start() + len(candidate)
                yield _make("iban", text, found.start(), end, hints)
                break


def _bank(text: str, hints: Hints) -> Iterator[Extraction]:
    sortcodes = [(m.start(1), m.end(1)) for m in _SORTCODE.finditer(text)]
    accounts = [(m.start(1), m.end(1)) for m in _ACCOUNT.finditer(text)]
    for pair in _PAIR.finditer(text):
        sortcodes.append((pair.start(1), pair.end(1)))
        accounts.append((pair.start(2), pair.end(2)))
    for start, end in sortcodes:
        yield _make("sortcode", text, start, end, hints)
    for start, end in accounts:
        near = [s for s in sortcodes if abs(s[0] - start) <= 80]
        if not near:
            yield _make("account", text, start, end, hints)
            continue
        s_start, s_end = min(near, key=lambda s: abs(s[0] - start))
        _, account = parse_uk_bank(f"{text[s_start:s_end]} {text[start:end]}", hints)
        yield Extraction("account", text[start:end], start, end, account.value, account.flags)


def _passports(text: str, hints: Hints) -> Iterator[Extraction]:
    passport = get_type("passport")
    for found in _PASSPORT.finditer(text):
        country = found.group(1) or ""
        if ftm.country.clean(country) is None:
            country = ""
        cleaned = passport.clean(f"{country} {found.group(2)}".strip(), hints)
        start, end = found.span(2)
        yield Extraction("passport", text[start:end], start, end, cleaned.value, cleaned.flags)


def _dates(text: str, hints: Hints) -> Iterator[Extraction]:
    for number, pattern in enumerate(_DATES):
        for found in pattern.finditer(text):
            item = _make("date", text, found.start(), found.end(), hints)
            # A numeric match that is not a whole date is a sort code or a reference.
            if item.value is not None and (number > 1 or len(item.value) == 10):
                yield item
    for found in _YEAR_CUE.finditer(text):
        yield _make("date", text, found.start(1), found.end(1), hints)


def _phones(text: str, hints: Hints) -> Iterator[Extraction]:
    region = hints.country[:2].upper() or "GB"
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
        start, end = match.start, match.end
        if text[start:end] != match.raw_string:
            continue
        item = _make("phone", text, start, end, hints)
        written = match.raw_string.lstrip("(")
        if item.value is None or not written.startswith(("0", "+")):
            continue
        if "raw" in item.flags and len(digits(written)) < 10:
            continue  # short digit runs in prose are references, not phone numbers
        yield item


def _capitalised(text: str, start: int, limit: int) -> list[re.Match[str]]:
    """Up to ``limit`` capitalised words from ``start``, separated only by single spaces."""
    words: list[re.Match[str]] = []
    position = start
    while len(words) < limit:
        found = _WORD.match(text, position)
        if found is None or not found.group()[0].isupper() or found.group().lower() in _stop():
            break
        words.append(found)
        position = found.end()
        if text[position : position + 1] != " ":
            break
        position += 1
    return words


def _plausible_name(words: list[re.Match[str]]) -> bool:
    """Reject runs that are streets ("Sandy Lane") or only towns ("Miss London")."""
    lows = [w.group().lower() for w in words]
    if any(low in _street_words() for low in lows):
        return False
    return not all(w.group() in _towns() for w in words)


def _names(text: str, hints: Hints) -> Iterator[Extraction]:
    for cue in _NAME_CUE.finditer(text):
        words = _capitalised(text, cue.end(), 4)
        if words and _plausible_name(words):
            yield _make("name", text, words[0].start(), words[-1].end(), hints)
    for title in _TITLE.finditer(text):
        words = _capitalised(text, title.end(), 3)
        if words and _plausible_name(words):
            yield _make("name", text, title.start(), words[-1].end(), hints)
    given, family, middle = _name_starts()
    for first in _WORD.finditer(text):
        low = first.group().lower()
        if not first.group()[0].isupper() or (low not in given and low not in family):
            continue
        words = _capitalised(text, first.start(), 4)
        if len(words) < 2 or not _plausible_name(words):
            continue
        # Short Vietnamese family names (Le, Do, Ho, Vu) are English words too: without a
        # cue they need a Vietnamese middle name after them ("Le Thi Hoa").
        if low not in given and len(low) < 4 and words[1].group().lower() not in middle:
            continue
        yield _make("name", text, words[0].start(), words[-1].end(), hints)


def _places(text: str, hints: Hints) -> Iterator[Extraction]:
    towns = _towns()
    for found in _street_pattern().finditer(text):
        value = get_type("address").clean(found.group(), hints).value
        yield Extraction("place", found.group(), found.start(), found.end(), value, ("street",))
    for cue in _PLACE_CUE.finditer(text):
        words = _capitalised(text, cue.end(), 3)
        for size in range(len(words), 0, -1):
            start, end = words[0].start(), words[size - 1].end()
            phrase = text[start:end]
            if phrase in towns:
                yield Extraction("place", phrase, start, end, phrase, ("town",))
                break
            code = ftm.country.clean(phrase)
            caption = ftm.country.caption(code) if code else None
            if code and (phrase in _COUNTRY_ALIASES or phrase == caption):
                yield Extraction("place", phrase, start, end, caption, ("country",))
                break


_FINDERS = (_simple, _ibans, _bank, _passports, _dates, _phones, _names, _places)
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


def extract(text: str, hints: Hints = DEFAULT_HINTS) -> list[Extraction]:
    """Every identifier, date, name and place found in ``text``, by position, without overlaps.

    >>> found = extract("Sort code 20-00-00 account 12345678, van AB12 CDE seen in Luton.")
    >>> [e.value for e in found]
    ['20-00-00', '200000-12345678', 'AB12CDE', 'Luton']
    """
    found = [item for finder in _FINDERS for item in finder(text, hints)]
    found.sort(key=lambda e: (_RANK[e.kind], e.start - e.end, e.start))
    starts: list[int] = []  # of the items taken so far, which never overlap one another
    taken: list[Extraction] = []
    for item in found:
        at = bisect_left(starts, item.start)
        if at > 0 and taken[at - 1].end > item.start:
            continue
        if at < len(taken) and taken[at].start < item.end:
            continue
        starts.insert(at, item.start)
        taken.insert(at, item)
    return taken
