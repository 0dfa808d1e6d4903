"""What a person resolution run takes and gives: judgements, scorings, earlier runs, results.

Kept apart from :mod:`threadline.resolve.engine` so that the store, the evaluation and the
command line can name them without the engine's machinery.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from threadline.resolve.blocking import BlockingPlan
from threadline.resolve.working_names import WorkingNameJoin

__all__ = [
    "Earlier",
    "Judgement",
    "JudgementLike",
    "ResolutionResult",
    "Scoring",
    "Verdict",
    "to_judgement",
]

Verdict = Literal["same", "different", "unsure"]
SCORING_FORMAT = "threadline.person-scoring/1"


@dataclass(frozen=True, slots=True)
class Judgement:
    """An analyst's decision on a pair of records. It always beats the model."""

    left_id: str
    right_id: str
    verdict: Verdict
    """"same" forces a merge; "different" forbids one, even through other records; "unsure"
    leaves the pair to the model."""


JudgementLike = Judgement | tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Scoring:
    """What a run scored with besides the model: its blocking and its term frequencies.
    Given to a later run (:meth:`PersonResolver.from_model_json`), they make it score every
    pair exactly as this run did, however much data has arrived since."""

    plan: BlockingPlan
    """The blocking rules and their block-size caps."""
    excluded: dict[str, list[str]]
    """Block keys left out as too big, by rule. They stay out in later runs, so that records
    leaving never bring back pairs that nobody scored."""
    term_frequencies: dict[str, pa.Table]
    """Per column, how common each value is (``value``, ``tf_value``): a name shared by
    many is weaker evidence. Values missing from a table get no adjustment."""

    def to_dict(self) -> dict[str, Any]:
        """As JSON-able data."""
        return {
            "format": SCORING_FORMAT,
            "blocking": {**self.plan.to_dict(), "excluded": self.excluded},
            "term_frequencies": {
                column: {
                    "values": table.column(0).to_pylist(),
                    "tf": table.column(1).to_pylist(),
                }
                for column, table in sorted(self.term_frequencies.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scoring:
        """The scoring :meth:`to_dict` wrote."""
        if data.get("format") != SCORING_FORMAT:
            raise ValueError("not a Threadline person-scoring document")
        blocking = data["blocking"]
        tables = {
            column: pa.table(
                {
                    column: pa.array(found["values"], pa.string()),
                    f"tf_{column}": pa.array(found["tf"], pa.float64()),
                }
            )
            for column, found in data["term_frequencies"].items()
        }
        excluded = {str(k): [str(v) for v in keys] for k, keys in blocking["excluded"].items()}
        return cls(BlockingPlan.from_dict(blocking), excluded, tables)


@dataclass(frozen=True, slots=True)
class Earlier:
    """What an earlier run of the same model and scoring left, for
    :meth:`PersonResolver.update`."""

    clusters: Mapping[str, str]
    """Record id -> cluster label, for every record of the earlier run."""
    pairs: pa.Table
    """Its scored pairs (``left_id``, ``right_id``, ``match_weight``, ``match_probability``),
    at least all those at or above the match threshold."""
    judgements: Collection[JudgementLike] = ()
    """The judgements it applied."""
    digests: Mapping[str, str] = field(default_factory=dict)
    """Its digest of each record's prepared values (:meth:`PersonResolver.digests`): a
    record whose values differ now, as written or as the whole data prepares them (a phone
    line now shared by several people), is scored again like a new one."""
    removed: int = 0
    """How many of its records are gone since without ``clusters`` naming them (records
    that ``clusters`` names and ``records`` lacks count as removed too)."""
    joins: Collection[WorkingNameJoin] = ()
    """Its joins of adverts to a woman's records (:mod:`.working_names`): undone before
    clustering again, and made again afterwards if they still hold."""


@dataclass(frozen=True, slots=True)
class ResolutionResult:
    """What a resolution run produced."""

    clusters: dict[str, str]
    """Record id -> cluster id (the smallest record id in the cluster)."""
    pairs: pa.Table
    """Scored candidate pairs: ``left_id``, ``right_id``, ``match_weight``,
    ``match_probability`` (pairs below the settings' ``pair_floor`` are left out)."""
    model_json: str
    """The trained model and settings, as :meth:`PersonResolver.save_model` writes them."""
    seconds: float
    """Wall-clock time of the run."""
    conflicts: tuple[tuple[str, str], ...] = ()
    """"Different" judgements that "same" judgements overrode, for an analyst to settle."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (prepare, train, predict, cluster)."""
    scoring: Scoring | None = None
    """The blocking and term frequencies the run scored with (to give a later run)."""
    counts: dict[str, int] = field(default_factory=dict)
    """What :meth:`PersonResolver.update` did: ``fresh`` records, ``scored`` and ``kept``
    pairs, ``reclustered`` records."""
    joins: tuple[WorkingNameJoin, ...] = ()
    """Clusters of adverts joined to a woman's own records through her working name and her
    advertiser's line (:mod:`.working_names`)."""
    kept_apart: tuple[tuple[str, str, str], ...] = ()
    """Pairs of records the model's links would have put in one cluster but that contradict
    each other (:mod:`.integrity`), kept apart: ``(left_id, right_id, reason in words)``."""


def to_judgement(item: JudgementLike) -> Judgement:
    """A judgement from a :class:`Judgement` or a (left, right, verdict) tuple."""
    if isinstance(item, Judgement):
        return item
    left, right, verdict = item
    if verdict not in ("same", "different", "unsure"):
        raise ValueError(f"unknown verdict {verdict!r}")
    return Judgement(str(left), str(right), verdict)  # type: ignore[arg-type]
