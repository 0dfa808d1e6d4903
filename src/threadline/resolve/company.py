"""Businesses: one company under its legal name, its trading names and its company number.

Rule-based rather than a trained model: business records are few, and the rules an analyst
would apply are clear. A Companies House number is a strong identifier both ways (the same
number is the same company; different numbers are different companies, however alike the
names). Names are compared by the organisation comparator
(:func:`threadline.values.org_name.compare_org_names`: legal forms in any language set aside
but compared, numbers written as words, a different distinctive word counting against), which
``threadline evaluate names`` measures. A match on a trading name alone ("Lucky Nails") needs
the same postcode: chains and look-alike shop names are common in the sectors where
exploitation is found.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from threadline.resolve.cluster import cluster_graph
from threadline.values.org_name import (
    ORGANISATION_THRESHOLD,
    TRADING_AS,
    OrgName,
    compare_org_names,
    parse_org_name,
)

__all__ = [
    "CompanyMatch",
    "CompanyMatcher",
    "CompanyName",
    "CompanyRecord",
    "company_number",
    "parse_company",
]

_NUMBER = re.compile(r"^([A-Z]{0,2})(\d{1,8})$")


@dataclass(frozen=True, slots=True)
class CompanyName:
    """A business name taken apart for matching."""

    original: str
    name: str
    """Legal name, lower-case ASCII words, legal form and filler words removed."""
    legal_form: str | None
    """"ltd", "llp", "plc"...: set aside for matching, but two different forms are noted."""
    trading_as: tuple[str, ...]
    """Trading names written after "t/a" or "trading as", normalised like ``name``."""
    parsed: OrgName | None = None
    """The legal name as the organisation comparator takes it apart."""


def parse_company(raw: str) -> CompanyName:
    """Legal name, legal form and trading names of a business name as written.

    >>> c = parse_company("A & B Nails Limited t/a Lucky Nails")
    >>> c.name, c.legal_form, c.trading_as
    ('a b nails', 'ltd', ('lucky nails',))
    >>> parse_company("The Car Wash Co. LTD").name
    'car wash'
    """
    parts = TRADING_AS.split(raw.strip())
    legal = parse_org_name(parts[0])
    trading = tuple(t for t in (_key(parse_org_name(p)) for p in parts[1:]) if t)
    return CompanyName(raw, _key(legal), legal.forms[0] if legal.forms else None, trading, legal)


def _key(name: OrgName) -> str:
    """A name's words joined: equal keys are the same name (blocking and rival names)."""
    return " ".join(word.text for word in name.words)


def company_number(raw: str | None) -> str | None:
    """A Companies House number in its canonical eight-character form, or ``None``.

    >>> company_number("1234567"), company_number("sc 123456"), company_number("n/a")
    ('01234567', 'SC123456', None)
    """
    if raw is None:
        return None
    text = re.sub(r"[\s\-./]", "", raw.upper())
    found = _NUMBER.match(text)
    if found is None:
        return None
    prefix, digits = found.groups()
    return prefix + digits.zfill(8 - len(prefix))


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """One mention of a business."""

    record_id: str
    name: str
    company_number: str | None = None
    postcode: str | None = None
    tax_number: str | None = None
    """An employer's PAYE reference: like a company number, the same reference is the same
    employer (a sole trader has no company number) and different references are different
    employers."""
    officers: frozenset[str] = frozenset()
    """Who runs the business (directors, licence holders, owners), as resolved person ids."""
    staff: frozenset[str] = frozenset()
    """Who works for it, as resolved person ids."""
    places: frozenset[str] = frozenset()
    """Postcodes of the places the record names (an immigration visit to the workplace): weaker
    than the business's own address, they only say that two records may be one business."""


@dataclass(frozen=True, slots=True)
class CompanyMatch:
    """A scored pair of business records and the reasons, in words."""

    score: float
    same: bool
    reasons: tuple[str, ...]


def _postcode(value: str | None) -> str | None:
    return re.sub(r"\s+", "", value.upper()) if value else None


def _reference(value: str | None) -> str | None:
    """A tax reference compared as upper-case letters and digits."""
    text = re.sub(r"[^A-Z0-9]", "", value.upper()) if value else ""
    return text or None


@dataclass(slots=True)
class _Profile:
    """What is known of one business: a record, or every record sharing an identifier."""

    members: list[int]
    numbers: set[str] = field(default_factory=set)
    taxes: set[str] = field(default_factory=set)
    names: dict[str, CompanyName] = field(default_factory=dict)
    postcodes: set[str] = field(default_factory=set)
    officers: set[str] = field(default_factory=set)
    staff: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)

    def add(self, index: int, record: CompanyRecord, name: CompanyName) -> None:
        self.members.append(index)
        number, tax = company_number(record.company_number), _reference(record.tax_number)
        if number:
            self.numbers.add(number)
        if tax:
            self.taxes.add(tax)
        if name.name:
            self.names.setdefault(name.name, name)
        if record.postcode:
            self.postcodes.add(str(_postcode(record.postcode)))
        self.officers |= record.officers
        self.staff |= record.staff
        self.places |= {str(_postcode(p)) for p in record.places if p}


class CompanyMatcher:
    """Compare and resolve business records.

    >>> m = CompanyMatcher()
    >>> a, b = CompanyRecord("1", "Smith & Sons Ltd"), CompanyRecord("2", "SMITH AND SONS LIMITED")
    >>> m.compare(a, b)
    CompanyMatch(score=1.0, same=True, reasons=('same name (legal form ignored)',))
    >>> m.compare(CompanyRecord("1", "Ltd", "123"), CompanyRecord("2", "Ltd", "456")).same
    False
    """

    def __init__(self, threshold: float = ORGANISATION_THRESHOLD) -> None:
        self.threshold = threshold
        """Score at or above which two records are the same business."""

    def compare(self, left: CompanyRecord, right: CompanyRecord) -> CompanyMatch:
        """Score two business records."""
        a, b = _Profile([]), _Profile([])
        a.add(0, left, parse_company(left.name))
        b.add(1, right, parse_company(right.name))
        return self._compare(a, b, 1)

    def _compare(self, a: _Profile, b: _Profile, rivals: int) -> CompanyMatch:
        """Score two profiles; ``rivals`` is how many registered businesses (company number or
        tax reference) share the name they agree on."""
        for label, left, right in (
            ("company number", a.numbers, b.numbers),
            ("tax reference", a.taxes, b.taxes),
        ):
            if left and right:
                if left & right:
                    return CompanyMatch(1.0, True, (f"same {label} {min(left & right)}",))
                shown = f"{min(left)} / {min(right)}"
                return CompanyMatch(0.0, False, (f"different {label}s ({shown})",))
        same_place = bool(a.postcodes & b.postcodes)
        score, reasons = -1.0, ["different names"]
        for x in a.names.values():
            for y in b.names.values():
                found, why = self._names(x, y, same_place)
                if found > score:
                    score, reasons = found, why
        if score < 0:
            return CompanyMatch(0.0, False, ("no name to compare",))
        if a.postcodes and b.postcodes:
            if same_place:
                score += 0.05
                reasons.append("same postcode")
            else:
                score -= 0.05
                reasons.append("different postcodes")
        # A person runs, and works for, more than one business: their evidence counts only
        # for names that already look alike.
        run_by = bool(a.officers & b.officers) and score >= 0.6
        if run_by:
            score = max(score, 0.95)
            reasons.append("run by the same person")
        staff = bool(a.staff & b.staff) and score >= 0.85
        if staff:
            reasons.append("employs the same person")
        places = (a.postcodes | a.places) & (b.postcodes | b.places)
        near = not same_place and bool(places) and score >= 0.85
        if near:
            reasons.append("named in records of the same place")
        if rivals > 1 and not (same_place or run_by or staff or near) and score >= 0.5:
            # "Ace Nails Ltd" is the name of several companies: the name alone cannot say
            # which one a record without a company number means.
            score = min(score, 0.45)
            reasons.append(f"the name of {rivals} registered businesses; nothing else agrees")
        score = round(min(max(score, 0.0), 1.0), 3)
        return CompanyMatch(score, score >= self.threshold, tuple(reasons))

    @staticmethod
    def _names(a: CompanyName, b: CompanyName, same_place: bool) -> tuple[float, list[str]]:
        # Every CompanyName here is parse_company's, so the name as written stands for it.
        score, reason = _name_score(a.original, b.original, same_place)
        return score, [reason]

    def resolve(self, records: Sequence[CompanyRecord]) -> dict[str, str]:
        """Cluster business records; returns record id -> cluster id (smallest record id).

        Records sharing a company number or a tax reference are one business outright, and
        two different numbers are never merged, not even through a third record. The rest
        are compared with those businesses and with each other when they share a name, a
        trading name, a name word at the same postcode district, or a person who runs them.
        A record without a number whose name several registered businesses share joins one
        only when something else agrees: the same postcode, the same person running it or
        working for it.
        """
        names = {name: parse_company(name) for name in {r.name for r in records}}
        parsed = [names[r.name] for r in records]
        profiles = _profiles(records, parsed)
        rivals: dict[str, set[int]] = defaultdict(set)
        for p, profile in enumerate(profiles):
            if profile.numbers or profile.taxes:
                for name in profile.names:
                    rivals[name].add(p)
        left: list[int] = []
        right: list[int] = []
        prob: list[float] = []
        cannot: list[tuple[int, int]] = []
        for i, j in _candidates(profiles):
            a, b = profiles[i], profiles[j]
            shared = set(a.names) & set(b.names)
            count = max((len(rivals[n]) for n in shared), default=0)
            match = self._compare(a, b, count)
            if match.score <= 0 and match.reasons[0].startswith("different "):
                cannot.append((i, j))
            left.append(i)
            right.append(j)
            prob.append(match.score if match.same else min(match.score, 0.49))
        outcome = cluster_graph(
            len(profiles),
            np.array(left, dtype=np.int64),
            np.array(right, dtype=np.int64),
            np.array(prob, dtype=np.float64),
            threshold=0.5,
            cannot=cannot,
        )
        heads: dict[int, str] = {}
        label_of: dict[int, int] = {}
        for profile, label in zip(profiles, outcome.labels.tolist(), strict=True):
            for member in profile.members:
                label_of[member] = label
                record_id = records[member].record_id
                if label not in heads or record_id < heads[label]:
                    heads[label] = record_id
        return {r.record_id: heads[label_of[i]] for i, r in enumerate(records)}


@lru_cache(maxsize=1 << 18)
def _name_score(left: str, right: str, same_place: bool) -> tuple[float, str]:
    """Score two business names as written (:func:`parse_company` takes them apart), with the
    reason in words. The records of one business mostly spell its name alike, and businesses
    share names, so most of the comparisons a large set of records needs repeat one already
    made: they are kept (a quarter of a million, some tens of MB at most)."""
    a, b = parse_company(left), parse_company(right)
    if a.name != b.name and {a.name, *a.trading_as} & {b.name, *b.trading_as}:
        if same_place:
            return 0.95, "trading name of the other, at the same postcode"
        return 0.7, "shares a trading name, but not shown at the same place"
    return compare_org_names(a.parsed or a.original, b.parsed or b.original)


def _profiles(records: Sequence[CompanyRecord], parsed: Sequence[CompanyName]) -> list[_Profile]:
    """One profile per business known by a company number or tax reference (records sharing
    either are joined), and one per record with neither."""
    parent = list(range(len(records)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, int] = {}
    for i, record in enumerate(records):
        number, tax = company_number(record.company_number), _reference(record.tax_number)
        for key in (f"n:{number}" if number else None, f"t:{tax}" if tax else None):
            if key is None:
                continue
            if key in first:
                a, b = find(i), find(first[key])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[key] = i
    groups: dict[int, _Profile] = {}
    for i, record in enumerate(records):
        groups.setdefault(find(i), _Profile([])).add(i, record, parsed[i])
    return list(groups.values())


_MAX_BLOCK = 300
"""Candidate keys shared by more profiles than this are not used: a name word that common says
nothing, and those businesses are still compared through their whole names."""


def _candidates(profiles: Sequence[_Profile]) -> list[tuple[int, int]]:
    """Pairs of profiles worth comparing, each once."""
    index: dict[str, list[int]] = defaultdict(list)
    for p, profile in enumerate(profiles):
        keys: set[str] = set()
        districts = {pc[:-3] for pc in profile.postcodes if len(pc) > 3}
        for name in profile.names.values():
            for text in (name.name, *name.trading_as):
                keys.add(f"x:{text}")
                words = text.split()
                if words:
                    keys.add(f"w:{' '.join(words[:2])}")
                    keys.update(f"d:{words[0]}|{d}" for d in districts)
        keys.update(f"o:{person}" for person in profile.officers)
        for key in keys:
            index[key].append(p)
    pairs: set[tuple[int, int]] = set()
    for key, members in index.items():
        limit = _MAX_BLOCK if key.startswith("x:") else _MAX_BLOCK // 6
        if len(members) > limit:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((i, j))
    return sorted(pairs)
