"""How the profile's picture was made: matching, scoring, and how well they are known to work.

The text says how records become people, premises and businesses (resolution), how premises
and businesses are ranked (indicators weighted by the grade of their evidence), and which runs
this profile rests on. Accuracy figures are those of the latest evaluation of each kind stored
in the store (``threadline evaluate ... --record``), named with the data they were measured on;
when none is stored the profile says so rather than quoting figures from elsewhere. The
resolution run is named by its dates only: its counts are of the whole store, which the reader
may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from threadline.read import View
from threadline.read.rankings import RunInfo
from threadline.read.resolution import latest_run as latest_resolution
from threadline.risk.plugins import registered_indicators
from threadline.store.evaluations import Evaluation, latest_evaluations

__all__ = ["Methodology", "methodology"]


@dataclass(frozen=True, slots=True)
class Methodology:
    """The runs behind a profile and the indicators that scored it."""

    resolved_at: datetime | None
    """When the latest resolution run finished (or started, if unfinished), if any."""
    analysed_at: datetime | None
    """When the reader's latest analysis (the rankings' run) finished, if any."""
    weights_digest: str
    indicators: tuple[tuple[str, str], ...]
    """(title, rule in words) of every registered indicator."""
    evaluation: tuple[tuple[str, str], ...]
    """(measure, value) of the latest stored evaluation; empty when none is stored."""


def methodology(view: View, run: RunInfo | None) -> Methodology:
    """The methodology of a profile whose rankings come from `run`."""
    resolved = latest_resolution(view)
    return Methodology(
        resolved_at=None if resolved is None else (resolved.finished_at or resolved.started_at),
        analysed_at=None if run is None else (run.finished_at or run.started_at),
        weights_digest="" if run is None else run.weights_digest[:12],
        indicators=tuple((i.title, i.rule) for i in registered_indicators()),
        evaluation=tuple(row for e in latest_evaluations(view.conn) for row in _quoted(e)),
    )


QUOTED = {
    "er": ("precision", "recall", "f1", "records"),
    "names": ("precision", "recall", "f1"),
    "scenario": ("person_f1", "business_f1", "premises_f1", "premises_precision_at_10",
                 "businesses_precision_at_10", "community_ari"),
}  # fmt: skip
"""The figures a profile quotes of each kind of evaluation."""


def _quoted(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(measure, value) rows of one stored evaluation: what it was measured on, then its
    figures."""
    rows = [(f"Measured: {evaluation.described}",
             f"{evaluation.measured_at:%Y-%m-%d} by {evaluation.measured_by}")]  # fmt: skip
    for name in QUOTED[evaluation.kind]:
        value = evaluation.figures.get(name)
        if isinstance(value, int | float):
            shown = f"{value:,}" if isinstance(value, int) else f"{value:.3f}"
            rows.append((f"{name.replace('_', ' ')}", shown))
    return rows
