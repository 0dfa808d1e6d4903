"""Explanations: why the model thinks two records are, or are not, the same person.

A pair's match weight is the prior plus one contribution per field, each the log2 of a Bayes
factor: +3 means "three doublings of the odds". :class:`PairExplanation` lists them in words:

    date of birth: day and month swapped (1990-09-05 / 1990-05-09), +3.1
    surname: exact match (term frequency adjusted: common name), +4.2
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from threadline.resolve.comparisons import Field, Level

if TYPE_CHECKING:
    from threadline.resolve.run import PreparedRun

__all__ = [
    "Contribution",
    "PairExplanation",
    "build_explanation",
    "explain_pair",
    "explain_pairs",
    "name_parts_as_read",
    "named_context",
]  # fmt: skip

_NAME_FIELDS = {"given_name": "given", "surname": "surname"}
_TF_NOUN = {"given_name": "name", "surname": "name", "phone": "number", "postcode": "postcode"}


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one field adds to a pair's match weight."""

    field: str
    """Comparison name, e.g. ``"date_of_birth"``."""
    label: str
    """The field in words, e.g. ``"date of birth"``."""
    level: str
    """The level reached, in words, e.g. ``"day and month swapped"``."""
    weight: float
    """log2 Bayes factor, including the term-frequency adjustment."""
    tf_weight: float
    """The part of ``weight`` due to how common the agreeing value is (0 when none)."""
    left: str | None
    """The left record's value as compared."""
    right: str | None
    """The right record's value as compared."""

    @property
    def text(self) -> str:
        """One line an analyst reads: "surname: exact match (...), +4.2"."""
        values = ""
        if self.left is not None and self.right is not None and self.left != self.right:
            values = f" ({self.left} / {self.right})"
        elif self.left is not None and self.right is not None:
            values = f" ({self.left})"
        note = ""
        if abs(self.tf_weight) >= 0.05:
            noun = _TF_NOUN.get(self.field, "value")
            common = "common" if self.tf_weight < 0 else "rare"
            note = f" (term frequency adjusted: {common} {noun})"
        return f"{self.label}: {self.level}{values}{note}, {self.weight:+.1f}"


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """A scored pair, field by field."""

    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    prior_weight: float
    """log2 odds that two records picked at random are the same person."""
    contributions: tuple[Contribution, ...]

    def lines(self) -> list[str]:
        """The explanation as lines of text, strongest evidence first; fields that add
        nothing (missing on one side) are named together on the last line."""
        ordered = sorted(self.contributions, key=lambda c: -abs(c.weight))
        head = (
            f"{self.left_id} and {self.right_id}: match probability "
            f"{self.match_probability:.3f} (match weight {self.match_weight:+.1f}, "
            f"starting from {self.prior_weight:+.1f} for two records picked at random)"
        )
        weighed = [c.text for c in ordered if round(c.weight, 1) != 0]
        idle = sorted(c.label for c in ordered if round(c.weight, 1) == 0)
        tail = [f"not weighed (missing on one side, or no difference): {', '.join(idle)}"]
        return [head, *weighed, *(tail if idle else [])]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def contribution(self, field: str) -> Contribution:
        """The contribution of one field, by comparison name."""
        for item in self.contributions:
            if item.field == field:
                return item
        raise KeyError(field)


_CONTEXT_FIELDS = ("record_organisations",)
"""Fields whose values are mention ids of the same records (a business both name)."""


def named_context(
    explanation: PairExplanation, name_of: Callable[[str], str | None]
) -> PairExplanation:
    """The explanation with the businesses a pair's records name (mention ids) named as the
    reader sees them: ``name_of`` gives a mention's entity caption, or None when the reader may
    not see it ("a business you may not see")."""

    def name(value: str | None) -> str | None:
        if value is None:
            return None
        parts = [name_of(part) or "a business you may not see" for part in value.split()]
        return ", ".join(sorted(set(parts)))

    items = tuple(
        replace(c, left=name(c.left), right=name(c.right)) if c.field in _CONTEXT_FIELDS else c
        for c in explanation.contributions
    )
    return replace(explanation, contributions=items)


_OTHER_PART = {"given_name": "given name", "surname": "surname"}


def name_parts_as_read(explanations: Sequence[PairExplanation]) -> list[PairExplanation]:
    """The explanations, with a name part that the entity's other records read as the other
    part (a name written "LACKO DENIS", whose order nothing shows, read as given name Lacko
    and surname Denis) labelled as such: "surname as these records read it (elsewhere the
    given name)", never plainly a surname."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for explanation in explanations:
        for c in explanation.contributions:
            if c.field in _OTHER_PART:
                for value in (c.left, c.right):
                    if value:
                        votes[value][c.field] += 1

    def relabel(c: Contribution) -> Contribution:
        if c.field not in _OTHER_PART:
            return c
        other = "surname" if c.field == "given_name" else "given_name"
        values = [v for v in (c.left, c.right) if v]
        if values and all(votes[v][other] > votes[v][c.field] for v in values):
            label = f"{c.label} as these records read it (elsewhere the {_OTHER_PART[other]})"
            return replace(c, label=label)
        return c

    return [
        replace(e, contributions=tuple(relabel(c) for c in e.contributions)) for e in explanations
    ]


def _level(field: Field, gamma: int) -> Level:
    if gamma < 0:
        return next(lv for lv in field.levels if lv.null)
    scored = [lv for lv in field.levels if not lv.null]
    return scored[len(scored) - 1 - gamma]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def _words(field: Field, level: Level, row: Mapping[str, Any]) -> str:
    """The level's words, sharpened by what the values show (transliteration, punctuation)."""
    column = _NAME_FIELDS.get(field.name)
    exact = f"{column}_l = {column}_r"
    if column is None or not (level.sql == exact or level.sql.startswith(f"{exact} AND ")):
        return level.words
    raw_l, raw_r = row.get(f"{column}_raw_l"), row.get(f"{column}_raw_r")
    if raw_l is None or raw_r is None or raw_l == raw_r:
        return level.words
    rest = level.words.removeprefix("exact match")  # ", with the given name (...)"
    if not (str(raw_l).isascii() and str(raw_r).isascii()):
        return f"exact match after transliteration to Latin letters ({raw_l} / {raw_r}){rest}"
    return f"exact match once punctuation and spacing are ignored ({raw_l} / {raw_r}){rest}"


def build_explanation(
    left_id: str,
    right_id: str,
    row: Mapping[str, Any],
    fields: Sequence[Field],
    prior: float,
) -> PairExplanation:
    """Turn one row of Splink's intermediate output into a :class:`PairExplanation`."""
    items: list[Contribution] = []
    for field in fields:
        gamma = int(row[f"gamma_{field.name}"])
        level = _level(field, gamma)
        base = float(row.get(f"mw_{field.name}") or 0.0)
        tf_weight = float(row.get(f"mw_tf_adj_{field.name}") or 0.0)
        left = [_text(row.get(f"{c}_l")) for c in field.shown]
        right = [_text(row.get(f"{c}_r")) for c in field.shown]
        items.append(
            Contribution(
                field.name,
                field.label,
                _words(field, level, row),
                base + tf_weight,
                tf_weight,
                ", ".join(v for v in left if v) or None,
                ", ".join(v for v in right if v) or None,
            )
        )
    return PairExplanation(
        left_id,
        right_id,
        float(row["match_probability"]),
        float(row["match_weight"]),
        math.log2(prior / (1 - prior)),
        tuple(items),
    )


def explain_pair(run: PreparedRun | None, left_id: str, right_id: str) -> PairExplanation:
    """Why the model scores two records of ``run`` (the current run) as it does, field by
    field."""
    found = explain_pairs(run, [(left_id, right_id)])
    if (left_id, right_id) not in found:
        raise KeyError(f"record not in this run: {left_id} or {right_id}")
    return found[(left_id, right_id)]


def explain_pairs(
    run: PreparedRun | None, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], PairExplanation]:
    """Why the model scores each pair of records of ``run`` as it does, in one scoring pass;
    a pair with a record not in the run is left out."""
    if run is None or run.model is None:
        raise RuntimeError("no scored records: call resolve() or predict() first")
    ids = sorted({i for pair in pairs for i in pair})
    uids = dict(zip(ids, run.uids(pa.array(ids, pa.string())).tolist(), strict=True))
    wanted = [(left, right) for left, right in pairs if uids[left] >= 0 and uids[right] >= 0]
    rows = run.model.explain_many(
        [(uids[left] + 1, uids[right] + 1) for left, right in wanted], ["given_raw", "surname_raw"]
    )
    out: dict[tuple[str, str], PairExplanation] = {}
    for left, right in wanted:
        row = rows.get((uids[left] + 1, uids[right] + 1))
        if row is not None:
            out[(left, right)] = build_explanation(left, right, row, run.fields, run.model.prior)
    return out
