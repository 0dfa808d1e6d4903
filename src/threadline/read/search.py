"""One search box: names, dates of birth and identifiers, in what a user may see.

What is typed is read every way it can be, with the project's own value types, and each
reading is looked up among the cleaned values the records state:

* an **identifier**: a phone in any UK or international form ("07700 900238", "+44 7700
  900238", "0044..."), a postcode with or without its space, a vehicle registration with or
  without spaces, an account, IBAN, passport or National Insurance number, an email. Each is
  cleaned as ingest cleans it and matched exactly against the identifier properties, or as
  written when no type takes it;
* a **date of birth** in any common form ("23/08/1976", "23 Aug 1976", "1976-08-23"); a month
  or a year alone matches every date in it;
* a **name**: every name a record states (a person's full name and its parts, aliases and
  working names, business names, names a record's text mentions) that shares a search key
  with what was typed (`threadline.values.name_keys`: words with accents folded, across
  scripts, by sound, by their start) is scored by the resolver's own comparator: any order,
  spelling variants, nicknames, transliterations and romanisations, small slips. A single
  name ("Koci", "Amber") is a *partial* name: it ranks everyone holding it, scored below a
  whole name, and never picks one. The names compared are those of the mentions sharing the
  most keys with what was typed, found in SQL at a cost that does not grow with the store
  (`threadline.read.name_candidates`): a name so common that not all of its holders can be
  compared gives the closest of them, and its count of hits is a floor (`at_least`).

Hits are entities, ranked by their best match and paged, each with what matched and why, the
agencies whose records hold it and its best grade, all from records the View admits (every
query joins the View's policy): a user sees no hit, count, caption or grade from a record they
may not see. The search is audited as a consultation naming what it showed; what was typed is
personal data and is not logged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from followthemoney import model

from threadline.errors import ValidationError
from threadline.graph.evidence import weighting_code
from threadline.model.grading import stored_grade
from threadline.model.protection import Protection, combine, stored_protection
from threadline.read.name_candidates import name_candidates
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.values import get_type
from threadline.values._scripts import latin_words
from threadline.values._text import ascii_text, squash
from threadline.values.name import PERSON_THRESHOLD, compare_detail
from threadline.values.name_keys import NAME_PROPS, PART_PROPS, name_keys
from threadline.values.org_name import compare_org_names

__all__ = [
    "HOW",
    "MAX_LIMIT",
    "Hit",
    "Match",
    "NameLookup",
    "Reading",
    "SearchResults",
    "lone",
    "search",
    "warm_up",
]

HOW = (
    "exact identifier",
    "exact name",
    "date of birth",
    "alias or working name",
    "transliterated",
    "fuzzy name",
    "partial name",
)
"""Why a value matched, in the words a hit gives."""

_RANK = {how: rank for rank, how in enumerate(HOW)}
"""Among matches that score alike, the plainer reason first."""

MAX_LIMIT = 200
"""Most hits on one page."""

MIN_NAME_SCORE = 0.5
"""Names scoring below this are not hits: two names that share a word and differ otherwise
("names differ", 0.4 at most) are other people."""

PARTIAL_WEIGHT = 0.6
"""A single name typed, found as one word of a longer name, scores this much of its word's
agreement: below any whole name that agrees (0.7 and up), above nothing."""

MATCHES_SHOWN = 5
"""Most matches a hit lists (its best first)."""

_IDENTIFIER_TYPES = (
    "phone",
    "email",
    "postcode",
    "vrm",
    "account",
    "iban",
    "ninumber",
    "passport",
    "sortcode",
)
"""Value types a query is tried as for an identifier (in this order for the label)."""

_EXTRA_IDENTIFIER_PROPS = (
    "postalCode",
    "postcodeMentioned",
    "vehicleMentioned",
    "accountMentioned",
    "sortCodeMentioned",
    "identifierMentioned",
    "ibanMentioned",
    "uprn",
    "sortCode",
)
"""Identifier properties that FollowTheMoney types as plain strings, or that are Threadline's
own (the values ingest finds in free text)."""

BIRTH_PROPS = ("birthDate",)
"""Properties that hold a date of birth."""

ALIAS_PROPS = frozenset({"alias", "weakAlias", "previousName"})
"""Properties that hold another name a person or business is known by."""

_HAS_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{4,}")


@lru_cache(maxsize=1)
def _identifier_props() -> tuple[str, ...]:
    """Every property that may hold an identifier: FollowTheMoney's identifier, phone, email
    and checksum properties, and the extra ones."""
    found = {
        prop.name
        for schema in model.schemata.values()
        for prop in schema.properties.values()
        if prop.type.name in ("identifier", "phone", "email", "checksum")
    }
    return tuple(sorted(found | set(_EXTRA_IDENTIFIER_PROPS)))


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Entity kinds (FollowTheMoney schema names) by their lower-case name."""
    return {name.lower(): name for name in model.schemata}


@dataclass(frozen=True, slots=True)
class Reading:
    """One way the search read what was typed."""

    kind: str
    """"identifier", "date of birth" or "name"."""
    label: str
    """In words: "phone number +447700900238", "date of birth 1976-08-23", "name"."""


@dataclass(frozen=True, slots=True)
class Match:
    """One value a visible record holds about a hit, and why it matched."""

    field: str
    """The property that holds it ("name", "alias", "phone", "birthDate"...)."""
    value: str
    """The value as held (cleaned at ingest)."""
    original: str
    """The value as the record wrote it."""
    how: str
    """One of :data:`HOW`."""
    score: float
    """From 0 to 1: 1 for an identifier or a date of birth, the comparator's for a name."""
    reason: str
    """In words: the comparator's reason for a name ("same name, different order"), the kind
    of identifier for one ("phone number")."""
    record_id: int
    """The visible record that states it."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One entity the search found, with what matched and where it is held."""

    entity_id: str
    kind: str
    """Its schema: Person, Company, Address, Vehicle, BankAccount, Note..."""
    caption: str
    """The caption its visible mentions give most often (never the stored one, which may
    come from a record the user may not see)."""
    score: float
    """Its best match's score: what the hits are ranked by."""
    matches: tuple[Match, ...]
    """Best first, at most :data:`MATCHES_SHOWN`."""
    agencies: tuple[str, ...]
    """Codes of the agencies whose visible records mention it."""
    best_grade: str
    """The grade code of its best-graded visible record, as that record gives it (a legacy
    5x5x5 code stays as it is: "B24")."""
    records: tuple[int, ...]
    """Every visible record that mentions it."""
    protection: Protection
    """Marking and handling of those records combined."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "entity_id": self.entity_id,
            "kind": self.kind,
            "caption": self.caption,
            "score": self.score,
            "agencies": list(self.agencies),
            "best_grade": self.best_grade,
            "records": list(self.records),
            "protection": self.protection.as_dict(),
            "matches": [
                {
                    "field": m.field,
                    "value": m.value,
                    "original": m.original,
                    "how": m.how,
                    "score": m.score,
                    "reason": m.reason,
                    "record_id": m.record_id,
                }
                for m in self.matches
            ],
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of hits, ranked, with the count of them all."""

    text: str
    """What was typed (squashed)."""
    kind: str | None
    """The kind of entity asked for, if any."""
    readings: tuple[Reading, ...]
    """How what was typed was read."""
    hits: tuple[Hit, ...]
    total: int
    """How many entities matched in all (every page); a floor when `at_least`."""
    limit: int
    offset: int
    protection: Protection = field(default_factory=Protection)
    """Marking and handling of every record behind the hits on this page."""
    at_least: bool = False
    """Whether `total` is a floor: the name typed is so common in the store that only the
    mentions sharing most of its keys were compared (`threadline.read.name_candidates`), so
    at least `total` entities match, perhaps more. The hits are the best of those compared."""

    @property
    def more(self) -> bool:
        """Whether a later page holds more hits."""
        return self.offset + len(self.hits) < self.total

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the protection first."""
        return {
            "protection": self.protection.as_dict(),
            "text": self.text,
            "kind": self.kind,
            "readings": [{"kind": r.kind, "label": r.label} for r in self.readings],
            "total": self.total,
            "at_least": self.at_least,
            "limit": self.limit,
            "offset": self.offset,
            "hits": [hit.as_dict() for hit in self.hits],
        }


# -- reading what was typed -------------------------------------------------------------------


def _identifier_forms(text: str) -> dict[str, str]:
    """Stored forms an identifier typed may take, each with the kind of identifier it is
    ("phone number"; "identifier" for the text as written)."""
    forms: dict[str, str] = {}
    for name in _IDENTIFIER_TYPES:
        if name == "passport" and _WORD.search(text):
            continue  # a word is no passport number (and would wake the country names up)
        kind = get_type(name)
        cleaned = kind.clean(text)
        if cleaned.value is not None and cleaned.problem is None and not cleaned.is_raw:
            forms.setdefault(cleaned.value, kind.label.lower())
        elif cleaned.value is not None and cleaned.is_raw:
            # stored as ingest cleans it: a number no range holds is kept in E.164
            forms.setdefault(cleaned.value, "identifier")
    squeezed = "".join(ch for ch in text if ch.isalnum())
    for form in (text, text.upper(), squeezed, squeezed.upper()):
        if form:
            forms.setdefault(form, "identifier")
    return forms


def _birth_date(text: str) -> tuple[str, bool] | None:
    """The date typed, ISO (or its ISO year or month), and whether it is whole."""
    cleaned = get_type("date").clean(text)
    if cleaned.value is None or cleaned.is_raw:
        return None
    return cleaned.value, "partial" not in cleaned.flags


def _nameable(text: str) -> bool:
    return len(_LETTERS.findall(text)) >= 2 and not _HAS_DIGIT.search(text) and "@" not in text


# -- the searches -----------------------------------------------------------------------------


class _Found:
    """Matches gathered for each entity."""

    def __init__(self) -> None:
        self.matches: dict[str, list[Match]] = defaultdict(list)
        self.floor = False
        """Whether more entities may match than were found: a name so common that only the
        best of the mentions holding its keys were compared."""

    def add(self, entity_id: str | None, match: Match) -> None:
        if entity_id is not None:
            self.matches[str(entity_id)].append(match)


def _statements(view: View, kind: str | None) -> sa.Select[Any]:
    """Statements of visible records, with their mention's entity (of `kind`). Mentions not
    yet resolved (no entity) are passed over in Python: asked for in SQL, the planner may
    start from the mentions (all of them, after a resolution run it has not counted)."""
    s, m = t.statements, t.mentions
    query = (
        sa.select(s.c.record_id, s.c.prop, s.c.value, s.c.original_value, s.c.schema, m.c.entity_id)
        .join(m, m.c.id == s.c.mention_id)
        .join(t.records, t.records.c.id == s.c.record_id)
        .where(view.clause)
    )
    if kind is not None:
        query = query.join(t.entities, t.entities.c.id == m.c.entity_id).where(
            t.entities.c.schema == kind
        )
    return query


def _find_identifiers(view: View, text: str, kind: str | None, found: _Found) -> Reading | None:
    forms = _identifier_forms(text)
    s = t.statements.c
    query = _statements(view, kind).where(
        s.prop.in_(_identifier_props()), s.value.in_(sorted(forms))
    )
    for row in view.conn.execute(query).all():
        what = forms.get(str(row.value), "identifier")
        found.add(
            row.entity_id,
            Match(
                str(row.prop),
                str(row.value),
                str(row.original_value),
                "exact identifier",
                1.0,
                what,
                int(row.record_id),
            ),
        )
    typed = [f"{what} {form}" for form, what in forms.items() if what != "identifier"]
    return Reading("identifier", ", ".join(typed) or "identifier as written")


def _find_births(view: View, text: str, kind: str | None, found: _Found) -> Reading | None:
    birth = _birth_date(text)
    if birth is None:
        return None
    day, whole = birth
    s = t.statements.c
    query = _statements(view, kind).where(s.prop.in_(BIRTH_PROPS))
    if whole:
        query = query.where(s.value == day)
    else:  # a year or a month: every day in it ("1976" <= "1976-08-23" < "1976~")
        query = query.where(s.value >= day, s.value < f"{day}~")
    for row in view.conn.execute(query).all():
        found.add(
            row.entity_id,
            Match(
                str(row.prop),
                str(row.value),
                str(row.original_value),
                "date of birth",
                1.0 if whole else 0.9,
                f"date of birth {day}",
                int(row.record_id),
            ),
        )
    return Reading("date of birth", f"date of birth {day}")


def _comparator(schema: str, prop: str) -> str:
    """ "person" or "organisation": which comparator judges a name."""
    if prop == "peopleMentioned" or schema == "Person":
        return "person"
    if prop == "namesMentioned" or schema == "LegalEntity":
        return "person"
    return "organisation"


@lru_cache(maxsize=100_000)
def _words(name: str) -> tuple[str, ...]:
    """The words of a name as written (split on spaces and hyphens)."""
    return tuple(w for w in re.split(r"[\s\-,]+", name) if w)


@lru_cache(maxsize=100_000)
def _compare(typed: str, held: str, comparator: str) -> tuple[float, str]:
    if comparator == "person":
        return compare_detail(typed, held)
    return compare_org_names(typed, held)


def _units(text: str) -> int:
    return len(latin_words(text))


@lru_cache(maxsize=100_000)
def _judge(typed: str, held: str, prop: str, comparator: str) -> tuple[float, str, str]:
    """How well a name held matches the name typed: (score, how, reason)."""
    single = _units(typed) == 1
    held_words = _words(held)
    if single and len(held_words) > 1:  # a partial name: the best word of the name held
        best = max((_compare(typed, word, "person") for word in held_words), default=(0.0, ""))
        score = round(best[0] * PARTIAL_WEIGHT, 2) if best[0] >= PERSON_THRESHOLD else 0.0
        return score, "partial name", f"one name of {len(held_words)}: {best[1]}"
    score, reason = _compare(typed, held, comparator)
    if score < MIN_NAME_SCORE:
        return score, "fuzzy name", reason
    if prop in PART_PROPS:
        return round(score * PARTIAL_WEIGHT, 2), "partial name", f"{prop}: {reason}"
    if prop in ALIAS_PROPS or (single and comparator == "person" and len(held_words) == 1):
        return score, "alias or working name", reason
    folded = ascii_text(typed).casefold() == ascii_text(held).casefold()
    if (
        "translit" in reason
        or "romanisation" in reason
        or (folded and typed.casefold() != held.casefold())
    ):
        return score, "transliterated", reason
    if "only one name in common" in reason:
        return score, "partial name", reason
    if score >= 1.0 and reason == "same name":
        return score, "exact name", reason
    return score, "fuzzy name", reason


@dataclass(frozen=True, slots=True)
class NameLookup:
    """How a name typed looks names up: its search keys, which of its words make each key,
    and which of the names sharing a key are compared (:meth:`compares`). The search box and
    a saved search (`threadline.read.saved_search`) both read a name through it, so that a
    saved search is told of exactly the names the search box would compare."""

    words: tuple[str, ...]
    """The words typed (split on spaces and hyphens)."""
    keys: frozenset[str]
    origin: dict[str, frozenset[int]]
    """Key -> the words typed that make it (a key of two words run together: none here,
    so all of them)."""

    @classmethod
    def of(cls, text: str) -> NameLookup:
        words = _words(text)
        origin: dict[str, set[int]] = defaultdict(set)
        for i, word in enumerate(words):
            for key in name_keys(word):
                origin[key].add(i)
        return cls(words, name_keys(text), {k: frozenset(v) for k, v in origin.items()})

    def word_keys(self) -> tuple[frozenset[str], ...]:
        """For each word typed, the keys that cover it (see `covered`): its own, and those
        of words run together, which cover every word."""
        return tuple(
            frozenset(key for key in self.keys if i in self.origin.get(key, range(len(self.words))))
            for i in range(len(self.words))
        )

    def covered(self, shared: Iterable[str]) -> set[int]:
        """The words typed that the keys a mention `shared` with the text come from."""
        out: set[int] = set()
        every = frozenset(range(len(self.words)))
        for key in shared:
            out |= self.origin.get(key, every)
        return out

    def compares(self, covered: AbstractSet[int], held: str, prop: str) -> bool:
        """Whether a name `held` as `prop`, by a mention whose shared keys cover the words
        `covered`, is compared at all. A name of several words that meets only one of
        several words typed has a word of its own left over on both sides: "names differ",
        never a hit. Only a lone name (a working name, "Amber") can still match such a
        mention, so only those are compared."""
        return self.meets(covered) or lone(held, prop)

    def meets(self, covered: AbstractSet[int]) -> bool:
        """Whether a mention whose shared keys cover the words `covered` has every one of its
        names compared: a name of one word typed, or two of its words met."""
        return len(self.words) < 2 or len(covered) >= 2


def lone(held: str, prop: str) -> bool:
    """A name of one word stated whole (not as one part of a person's name): the only kind
    compared with a mention that meets one of several words typed (`NameLookup.compares`)."""
    return len(_words(held)) < 2 and prop not in PART_PROPS


def _find_names(view: View, text: str, kind: str | None, found: _Found) -> Reading | None:
    """Names of the mentions sharing the most keys with `text` (`name_candidates`), scored.
    Their statements' records are put to the View's policy once per record (`View.visible`),
    rather than joined per row. When not every mention sharing a key could be compared (a
    common name in a large store), `found` is marked a floor."""
    lookup = NameLookup.of(text)
    if not lookup.keys:
        return None
    candidates = name_candidates(view, sorted(lookup.keys), lookup.word_keys())
    visible = set(candidates.records)
    covered = candidates.covered
    mentions = list(covered)
    s, m = t.statements, t.mentions
    for chunk in chunked(mentions):
        # The properties are picked here, not in SQL: asked for there, they lead the planner
        # to the property index (every name of the store) instead of the mentions'.
        query = (
            sa.select(s.c.record_id, s.c.mention_id, s.c.prop, s.c.value, s.c.original_value,
                      s.c.schema, m.c.entity_id)
            .join(m, m.c.id == s.c.mention_id)
            .where(s.c.mention_id.in_(chunk))
        )  # fmt: skip
        if kind is not None:
            query = query.join(t.entities, t.entities.c.id == m.c.entity_id).where(
                t.entities.c.schema == kind
            )
        named = [row for row in view.conn.execute(query).all() if row.prop in NAME_PROPS]
        stated = {int(name.record_id) for name in named}
        admitted = visible | view.visible(stated - visible)
        for name in named:
            if int(name.record_id) not in admitted:
                continue
            held = str(name.value)
            if not lookup.compares(covered[str(name.mention_id)], held, str(name.prop)):
                continue
            comparator = _comparator(name.schema, name.prop)
            score, how, reason = _judge(text, held, str(name.prop), comparator)
            if score >= MIN_NAME_SCORE:
                found.add(
                    name.entity_id,
                    Match(str(name.prop), held, str(name.original_value), how, score, reason,
                          int(name.record_id)),
                )  # fmt: skip
    if not candidates.complete:
        found.floor = True
    return Reading("name", "name")


# -- the hits ---------------------------------------------------------------------------------


def _details(view: View, ids: Sequence[str]) -> dict[str, list[Any]]:
    """Every visible mention of `ids`, with its record's agency, grade and marking."""
    m, r = t.mentions, t.records
    rows: dict[str, list[Any]] = defaultdict(list)
    for chunk in chunked(ids):
        query = (
            sa.select(
                m.c.entity_id,
                m.c.caption,
                m.c.record_id,
                t.agencies.c.code,
                t.entities.c.schema.label("kind"),
                r.c.grading_scheme,
                r.c.source_evaluation,
                r.c.information_assessment,
                r.c.handling_code,
                r.c.handling_conditions,
                r.c.marking,
            )
            .join(r, r.c.id == m.c.record_id)
            .join(t.agencies, t.agencies.c.id == r.c.agency_id)
            .join(t.entities, t.entities.c.id == m.c.entity_id)
            .where(m.c.entity_id.in_(chunk), view.clause)
        )
        for row in view.conn.execute(query).all():
            rows[str(row.entity_id)].append(row)
    return rows


def _hit(entity_id: str, matches: list[Match], rows: list[Any]) -> Hit:
    captions = Counter(str(r.caption) for r in rows if r.caption)
    best = min(
        rows,
        key=lambda r: (
            weighting_code(r.grading_scheme, r.source_evaluation, r.information_assessment),
            r.record_id,
        ),
    )
    grade = stored_grade(
        best.grading_scheme,
        best.source_evaluation,
        best.information_assessment,
        best.handling_code,
        best.handling_conditions,
    )
    ordered = sorted(
        matches, key=lambda m: (-m.score, _RANK[m.how], m.field != "name", m.value, m.record_id)
    )
    shown: list[Match] = []
    seen: set[tuple[str, str, str]] = set()
    for match in ordered:
        if (match.field, match.value, match.how) not in seen:
            seen.add((match.field, match.value, match.how))
            shown.append(match)
    return Hit(
        entity_id=entity_id,
        kind=str(rows[0].kind),
        caption=captions.most_common(1)[0][0] if captions else "",
        score=ordered[0].score,
        matches=tuple(shown[:MATCHES_SHOWN]),
        agencies=tuple(sorted({str(r.code) for r in rows})),
        best_grade=grade.shown,
        records=tuple(sorted({int(r.record_id) for r in rows})),
        protection=combine(
            stored_protection(
                r.grading_scheme,
                r.source_evaluation,
                r.information_assessment,
                r.handling_code,
                r.handling_conditions,
                r.marking,
            )
            for r in rows
        ),
    )


def _kind(kind: str | None) -> str | None:
    if kind is None or not kind.strip():
        return None
    found = _kinds().get(kind.strip().lower())
    if found is None:
        raise ValidationError(
            f"{kind!r} is not a kind of entity (e.g. Person, Company, Address, Vehicle, "
            "BankAccount)"
        )
    return found


def warm_up() -> None:
    """Load the comparators' tables (name variants, romanisations, pinyin syllables: about a
    second, once per process), so that a server's first search is as quick as the rest."""
    for typed, held in (("Zhang Wei", "Wei Zhang"), ("Driton Koçi", "Koci Driton")):
        _judge(typed, held, "name", "person")
    _compare("Acme Ltd", "Acme Limited", "organisation")
    _identifier_forms("07700 900123")
    _birth_date("01/02/1990")


def search(
    view: View, text: str, *, kind: str | None = None, limit: int = 20, offset: int = 0
) -> SearchResults:
    """Search everything `view` may see for `text` (see the module docstring): one page of
    hits, `limit` of them from `offset`, best first, and how many there are in all.

    Raises ValidationError for a `kind` that is not an entity schema or a page out of range.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise ValidationError("offset cannot be negative")
    schema = _kind(kind)
    typed = squash(text).strip()[:200]
    found = _Found()
    readings: list[Reading] = []
    if typed and (_HAS_DIGIT.search(typed) or "@" in typed):
        readings += [
            r
            for r in (
                _find_identifiers(view, typed, schema, found),
                _find_births(view, typed, schema, found),
            )
            if r
        ]
    if typed and _nameable(typed):
        reading = _find_names(view, typed, schema, found)
        if reading is not None:
            readings.append(reading)
    if len(readings) > 1:  # text no identifier type took is only worth saying alone
        readings = [r for r in readings if r.label != "identifier as written"]
    ranked = sorted(  # best match first, then the most evidence
        found.matches.items(),
        key=lambda item: (-max(m.score for m in item[1]), -len(item[1]), item[0]),
    )
    page = ranked[offset : offset + limit]
    details = _details(view, [entity_id for entity_id, _ in page])
    hits = tuple(
        _hit(entity_id, matches, details[entity_id])
        for entity_id, matches in page
        if details.get(entity_id)
    )
    records = sorted({record for hit in hits for record in hit.records})
    detail: dict[str, object] = {"hits": len(ranked), "kind": schema or "any"}
    if found.floor:
        detail["at_least"] = True
    view.consulted(
        "search",
        records=records,
        entities=[hit.entity_id for hit in hits],
        outcome="allowed" if hits else "denied",
        detail=detail,
    )
    return SearchResults(
        text=typed,
        kind=schema,
        readings=tuple(readings),
        hits=hits,
        total=len(ranked),
        limit=limit,
        offset=offset,
        protection=combine(hit.protection for hit in hits),
        at_least=found.floor,
    )
