"""Businesses: one company under its legal name, its trading names and its company number.

Rule-based with rapidfuzz rather than a trained model: business records are few, and the
rules an analyst would apply are clear. A Companies House number is a strong identifier both
ways (the same number is the same company; different numbers are different companies, however
alike the names). Legal forms (Ltd, Limited, LLP, PLC) are set aside for comparison but noted.
A match on a trading name alone ("Lucky Nails") needs the same postcode: chains and
look-alike shop names are common in the sectors where exploitation is found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from threadline.resolve.cluster import cluster_graph

__all__ = [
    "CompanyMatch",
    "CompanyMatcher",
    "CompanyName",
    "CompanyRecord",
    "company_number",
    "parse_company",
]

_TRADING = re.compile(
    r"\s+(?:t/a|t\.a\.|ta|trading\s+as|trading\s+under|d/b/a|dba|also\s+known\s+as|aka)\s+",
    re.IGNORECASE,
)
_FORMS = {
    "limited": "ltd",
    "ltd": "ltd",
    "llp": "llp",
    "plc": "plc",
    "lp": "lp",
    "cic": "cic",
    "cio": "cio",
    "llc": "llc",
    "inc": "inc",
    "incorporated": "inc",
    "gmbh": "gmbh",
    "srl": "srl",
    "sro": "sro",
    "spzoo": "sp z o o",
}
_FORM_TAIL = re.compile(
    r"(?:\b(?:limited|ltd|llp|plc|lp|cic|cio|llc|inc|incorporated|gmbh|srl|sro)\b|"
    r"\bsp\s*z\s*o\s*o\b)\s*$"
)
_NOISE = {"the", "company", "co", "uk", "and"}
_NUMBER = re.compile(r"^([A-Z]{0,2})(\d{1,8})$")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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


def _normalise(text: str) -> tuple[str, str | None]:
    low = _ascii(text).lower().replace("&", " and ").replace("+", " and ")
    low = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", low)  # "l.t.d" -> "ltd"
    low = re.sub(r"[^a-z0-9 ]+", " ", low)
    low = " ".join(low.split())
    form = None
    found = _FORM_TAIL.search(low)
    if found is not None:
        form = _FORMS.get(found.group(0).replace(" ", ""), found.group(0))
        low = low[: found.start()].strip()
    words = [w for w in low.split() if w not in _NOISE]
    return " ".join(words) or low, form


def parse_company(raw: str) -> CompanyName:
    """Legal name, legal form and trading names of a business name as written.

    >>> c = parse_company("A & B Nails Limited t/a Lucky Nails")
    >>> c.name, c.legal_form, c.trading_as
    ('a b nails', 'ltd', ('lucky nails',))
    >>> parse_company("The Car Wash Co. LTD").name
    'car wash'
    """
    parts = _TRADING.split(raw.strip())
    name, form = _normalise(parts[0])
    trading = tuple(t for t in (_normalise(p)[0] for p in parts[1:]) if t)
    return CompanyName(raw, name, form, trading)


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


@dataclass(frozen=True, slots=True)
class CompanyMatch:
    """A scored pair of business records and the reasons, in words."""

    score: float
    same: bool
    reasons: tuple[str, ...]


def _postcode(value: str | None) -> str | None:
    return re.sub(r"\s+", "", value.upper()) if value else None


class CompanyMatcher:
    """Compare and resolve business records.

    >>> m = CompanyMatcher()
    >>> a, b = CompanyRecord("1", "Smith & Sons Ltd"), CompanyRecord("2", "SMITH AND SONS LIMITED")
    >>> m.compare(a, b)
    CompanyMatch(score=1.0, same=True, reasons=('same name (legal form ignored)',))
    >>> m.compare(CompanyRecord("1", "Ltd", "123"), CompanyRecord("2", "Ltd", "456")).same
    False
    """

    def __init__(self, threshold: float = 0.9) -> None:
        self.threshold = threshold
        """Score at or above which two records are the same business."""

    def compare(self, left: CompanyRecord, right: CompanyRecord) -> CompanyMatch:
        """Score two business records."""
        num_l, num_r = company_number(left.company_number), company_number(right.company_number)
        if num_l and num_r:
            if num_l == num_r:
                return CompanyMatch(1.0, True, (f"same company number {num_l}",))
            return CompanyMatch(0.0, False, (f"different company numbers ({num_l} / {num_r})",))
        a, b = parse_company(left.name), parse_company(right.name)
        pc_l, pc_r = _postcode(left.postcode), _postcode(right.postcode)
        same_place = bool(pc_l and pc_l == pc_r)
        score, reasons = self._names(a, b, same_place)
        if a.legal_form and b.legal_form and a.legal_form != b.legal_form:
            score -= 0.15
            reasons.append(f"different legal forms ({a.legal_form} / {b.legal_form})")
        if pc_l and pc_r:
            if same_place:
                score += 0.05
                reasons.append("same postcode")
            else:
                score -= 0.05
                reasons.append("different postcodes")
        score = round(min(max(score, 0.0), 1.0), 3)
        return CompanyMatch(score, score >= self.threshold, tuple(reasons))

    @staticmethod
    def _names(a: CompanyName, b: CompanyName, same_place: bool) -> tuple[float, list[str]]:
        if a.name == b.name:
            return 1.0, ["same name (legal form ignored)"]
        names_a, names_b = {a.name, *a.trading_as}, {b.name, *b.trading_as}
        if names_a & names_b:
            if same_place:
                return 0.95, ["trading name of the other, at the same postcode"]
            return 0.7, ["shares a trading name, but not shown at the same place"]
        ratio = fuzz.token_sort_ratio(a.name, b.name) / 100
        if ratio >= 0.85:
            return ratio, [f"similar names ({ratio:.0%})"]
        return ratio / 2, ["different names"]

    def resolve(self, records: Sequence[CompanyRecord]) -> dict[str, str]:
        """Cluster business records; returns record id -> cluster id (smallest record id).

        Candidates share a company number, a name word or a postcode; different company
        numbers are never merged, not even through a third record.
        """
        parsed = [parse_company(r.name) for r in records]
        index: dict[str, list[int]] = {}
        for i, (record, name) in enumerate(zip(records, parsed, strict=True)):
            keys = {f"w:{w}" for n in (name.name, *name.trading_as) for w in n.split()[:2]}
            number = company_number(record.company_number)
            if number:
                keys.add(f"n:{number}")
            for key in keys:
                index.setdefault(key, []).append(i)
        left: list[int] = []
        right: list[int] = []
        prob: list[float] = []
        cannot: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        for members in index.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if (i, j) in seen:
                        continue
                    seen.add((i, j))
                    match = self.compare(records[i], records[j])
                    if match.score <= 0 and match.reasons[0].startswith("different company"):
                        cannot.append((i, j))
                    left.append(i)
                    right.append(j)
                    prob.append(match.score if match.same else min(match.score, 0.49))
        outcome = cluster_graph(
            len(records),
            np.array(left, dtype=np.int64),
            np.array(right, dtype=np.int64),
            np.array(prob, dtype=np.float64),
            threshold=0.5,
            cannot=cannot,
            strong=_same_numbers(records),
        )
        heads: dict[int, str] = {}
        for record, label in zip(records, outcome.labels.tolist(), strict=True):
            if label not in heads or record.record_id < heads[label]:
                heads[label] = record.record_id
        return {
            r.record_id: heads[label]
            for r, label in zip(records, outcome.labels.tolist(), strict=True)
        }


def _same_numbers(records: Iterable[CompanyRecord]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (record, first record with the same company number): merged outright."""
    first: dict[str, int] = {}
    left: list[int] = []
    right: list[int] = []
    for i, record in enumerate(records):
        number = company_number(record.company_number)
        if not number:
            continue
        if number in first:
            left.append(i)
            right.append(first[number])
        else:
            first[number] = i
    return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)
