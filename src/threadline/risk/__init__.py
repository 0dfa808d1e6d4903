"""Risk: indicator plugins, the weights file, and prioritisation of premises and businesses.

`analyse` runs everything and stores it; `rank_premises`, `rank_businesses` and
`communities_of` compute afresh for ``threadline evaluate scenario``. Indicators are pluggy
plugins (`hookimpl`, `DEFAULT_PLUGINS`); see docs/analysis.md.
"""

from threadline.risk.analysis import (
    AnalysisResult,
    analyse,
    communities_of,
    member_scores,
    rank_businesses,
    rank_premises,
)
from threadline.risk.hookspecs import hookimpl
from threadline.risk.plugins import DEFAULT_PLUGINS, TRACE_ENV, evaluate, registered_indicators
from threadline.risk.prioritise import Priority, prioritise
from threadline.risk.types import Context, Finding, Indicator
from threadline.risk.weights import Weights, load_weights

__all__ = [
    "DEFAULT_PLUGINS",
    "TRACE_ENV",
    "AnalysisResult",
    "Context",
    "Finding",
    "Indicator",
    "Priority",
    "Weights",
    "analyse",
    "communities_of",
    "evaluate",
    "hookimpl",
    "load_weights",
    "member_scores",
    "prioritise",
    "rank_businesses",
    "rank_premises",
    "registered_indicators",
]
