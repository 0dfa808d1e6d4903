"""Explanations in a few lines: the strongest evidence for and against a join, in words.

A pair's explanation lists every field with its weight (:mod:`threadline.resolve.explain`);
an analyst asked "why is this one person?" wants the two or three things that decided it:

    19 records joined by 18 scored pairs (match probability 0.97 to 1.00)
    For: same date of birth 1990-03-04 in 3 of 19 records; same phone number +447700900884 in
    3 of 19 records
    Against: surname differs (Koci / Kochi) in 2 of 19 records

Each pair's fields become phrases; a phrase is counted once per record it joins, and phrases
are ranked by the weight they carried in all. Fields that added nothing are left out. The
given name and surname agreeing together are one phrase, "same name", so that a name whose
order a record does not show is never called a surname.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from threadline.resolve.explain import Contribution, PairExplanation

__all__ = ["Phrase", "entity_summary", "pair_phrases", "pair_summary"]

STRONG = 1.0
"""A field counts as evidence for (against) a join when it adds (takes) at least this much
match weight: one doubling of the odds."""

SHOWN = 3
"""Phrases shown for, and against."""

_SAME = {
    "date_of_birth": "date of birth",
    "phone": "phone number",
    "email": "email address",
    "bank_account": "bank account",
    "document_number": "document number",
    "national_id": "national ID number",
    "address": "address",
    "nationality": "nationality",
    "gender": "gender",
    "stated_age": "stated age",
    "middle_name": "middle name",
    "given_name": "given name",
    "surname": "surname",
}
"""Fields whose agreement reads "same <noun> <value>"."""

_NAMES = ("given_name", "surname")
_LONGEST = 48
"""Longest value quoted in a summary phrase (an address is cut at its first comma)."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """One piece of evidence in words, with what it weighed."""

    text: str
    weight: float
    fields: tuple[str, ...]


@dataclass(slots=True)
class _Tally:
    weight: float = 0.0
    records: set[str] = field(default_factory=set)
    pairs: int = 0


_POSTCODE = re.compile(r",?\s*\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b\s*$", re.IGNORECASE)
_IN_COMMON = ("record_organisations", "record_phones")
"""Fields of things both records name: the thing in common is quoted, not both lists."""


def _value(text: str | None, field_name: str) -> str:
    if text is None:
        return ""
    if field_name in _NAMES or field_name == "middle_name":
        text = text.title()
    elif field_name == "nationality":
        text = text.upper()
    elif field_name == "address":  # "11 umberside crescent spalding pe11 7yr, PE11 7YR"
        text = _POSTCODE.sub("", _POSTCODE.sub("", text)).strip(" ,").title()
    if len(text) > _LONGEST:
        text = text.split(",")[0][:_LONGEST]
    return text


def _phrase(c: Contribution) -> str:
    left, right = _value(c.left, c.field), _value(c.right, c.field)
    if c.field in _IN_COMMON or c.field == "record_places":
        common = sorted(set(left.split(", ")) & set(right.split(", ")) - {""})
        if c.weight > 0 and common and c.field in _IN_COMMON:
            return f"{c.level} ({', '.join(common)})"
        return c.level if c.weight > 0 else f"{c.label}: {c.level}"
    if c.weight > 0:
        if left and left == right and c.field in _SAME:
            return f"same {_SAME[c.field]} {left}"
        if left and right and left != right:
            return f"{c.label}: {c.level} ({left} / {right})"
        return f"{c.label}: {c.level}"
    if left and right and left != right:
        if c.level in ("different", "else"):
            return f"{c.label} differs ({left} / {right})"
        return f"{c.label}: only {c.level} ({left} / {right})"
    return f"{c.label}: only {c.level}"


def pair_phrases(explanation: PairExplanation) -> list[Phrase]:
    """A pair's evidence as phrases, strongest first; fields that weigh less than
    :data:`STRONG` either way are left out.

    Given name and surname that both agree exactly are one phrase ("same name ...").
    """
    items = [c for c in explanation.contributions if abs(c.weight) >= STRONG]
    by_field = {c.field: c for c in items}
    out: list[Phrase] = []
    given, surname = by_field.get("given_name"), by_field.get("surname")
    if (
        given is not None
        and surname is not None
        and given.weight > 0
        and surname.weight > 0
        and given.left == given.right
        and surname.left == surname.right
        and given.left
        and surname.left
    ):
        # In a stable order, so that "Lacko Denis" and "Denis Lacko" are one phrase: a name
        # whose order a record does not show is not split into given name and surname here.
        name = " ".join(sorted(f"{given.left} {surname.left}".title().split()))
        out.append(Phrase(f"same name {name}", given.weight + surname.weight, _NAMES))
        items = [c for c in items if c.field not in _NAMES]
    elif (
        given is not None
        and surname is not None
        and given.weight > 0
        and surname.weight > 0
        and given.left
        and given.right
        and given.left == surname.right
        and given.right == surname.left
    ):
        written = f"{given.left} {surname.left} / {given.right} {surname.right}".title()
        out.append(Phrase(f"same name in a different order ({written})",
                          given.weight + surname.weight, _NAMES))  # fmt: skip
        items = [c for c in items if c.field not in _NAMES]
    out.extend(Phrase(_phrase(c), c.weight, (c.field,)) for c in items)
    return sorted(out, key=lambda p: (-abs(p.weight), p.text))


def pair_summary(explanation: PairExplanation, shown: int = SHOWN) -> str:
    """One pair in one line: the strongest evidence for, then against.

    >>> from threadline.resolve.explain import Contribution, PairExplanation
    >>> c = [Contribution("date_of_birth", "date of birth", "exact match", 9.3, 0.0,
    ...                   "1990-03-04", "1990-03-04"),
    ...      Contribution("surname", "surname", "different", -4.1, 0.0, "koci", "kochi"),
    ...      Contribution("phone", "phone number", "missing on one side", 0.0, 0.0, None, None)]
    >>> pair_summary(PairExplanation("a", "b", 0.93, 3.9, -9.0, tuple(c)))
    'for: same date of birth 1990-03-04; against: surname differs (Koci / Kochi)'
    """
    phrases = pair_phrases(explanation)
    return _for_against(
        [p.text for p in phrases if p.weight > 0][:shown],
        [p.text for p in phrases if p.weight < 0][:shown],
    )


def _for_against(pro: Sequence[str], con: Sequence[str]) -> str:
    parts = []
    if pro:
        parts.append("for: " + "; ".join(pro))
    if con:
        parts.append("against: " + "; ".join(con))
    return "; ".join(parts) if parts else "no field weighs for or against"


def entity_summary(
    pairs: Iterable[tuple[PairExplanation, float]], records: int, shown: int = SHOWN
) -> list[str]:
    """A few lines on why `records` records are one entity, from the pairs that joined them
    (each with the probability the run stored): how many pairs, and the strongest evidence
    for and against over all of them, each with how many of the records it joins."""
    tallies: dict[tuple[bool, str], _Tally] = {}
    probabilities: list[float] = []
    for explanation, probability in pairs:
        probabilities.append(probability)
        for phrase in pair_phrases(explanation):
            tally = tallies.setdefault((phrase.weight > 0, phrase.text), _Tally())
            tally.weight += phrase.weight
            tally.pairs += 1
            tally.records.update((explanation.left_id, explanation.right_id))
    if not probabilities:
        return []
    low, high = min(probabilities), max(probabilities)
    span = f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f} to {high:.2f}"
    plural = "pair" if len(probabilities) == 1 else "pairs"
    lines = [
        f"{records} records joined by {len(probabilities)} scored {plural} (match "
        f"probability {span})"
    ]
    for sign, title in ((True, "For"), (False, "Against")):
        ranked = sorted(
            ((text, t) for (positive, text), t in tallies.items() if positive is sign),
            key=lambda item: (-abs(item[1].weight), item[0]),
        )[:shown]
        if ranked:
            said = "; ".join(
                f"{text} in {len(t.records)} of {records} records" for text, t in ranked
            )
            lines.append(f"{title}: {said}")
        elif not sign:
            lines.append("Against: no field weighs against any of these joins")
    return lines
