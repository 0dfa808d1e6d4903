"""Explanations: why the model thinks two records are, or are not, the same person.

A pair's match weight is the prior plus one contribution per field, each the log2 of a Bayes
factor: +3 means "three doublings of the odds". :class:`PairExplanation` lists them in words:

    date of birth: day and month swapped (1990-09-05 / 1990-05-09), +3.1
    surname: exact match (term frequency adjusted: common name), +4.2
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from threadline.resolve.comparisons import Field, Level

if TYPE_CHECKING:
    from threadline.resolve.run import PreparedRun

__all__ = [
    "Contribution", "PairExplanation", "build_explanation", "explain_pair", "explain_pairs"
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
        """The explanation as lines of text, strongest evidence first."""
        ordered = sorted(self.contributions, key=lambda c: -abs(c.weight))
        head = (
            f"{self.left_id} and {self.right_id}: match probability "
            f"{self.match_probability:.3f} (match weight {self.match_weight:+.1f}, "
            f"starting from {self.prior_weight:+.1f} for two records picked at random)"
        )
        return [head, *(c.text for c in ordered)]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def contribution(self, field: str) -> Contribution:
        """The contribution of one field, by comparison name."""
        for item in self.contributions:
            if item.field == field:
                return item
        raise KeyError(field)


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
