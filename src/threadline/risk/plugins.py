"""The plugin manager: Threadline's own indicators, partners' ones, and hook tracing.

Set ``THREADLINE_TRACE_HOOKS=1`` to log every hook call (plugin, arguments, what it
returned, seconds) and every indicator evaluation to the ``threadline.risk.hooks`` logger.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pluggy

from threadline.risk import hookspecs
from threadline.risk.types import Context, Finding, Indicator, typed

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINTS",
    "TRACE_ENV",
    "evaluate",
    "plugin_manager",
    "registered_indicators",
]

DEFAULT_PLUGINS = (
    "threadline.risk.indicators.crowded_address",
    "threadline.risk.indicators.victims_share_contact",
    "threadline.risk.indicators.victims_at_address",
    "threadline.risk.indicators.phone_hub",
    "threadline.risk.indicators.wage_account",
    "threadline.risk.indicators.night_vehicle",
    "threadline.risk.indicators.business_workers",
    "threadline.risk.indicators.cash_sector_housed",
    "threadline.risk.indicators.multiple_identities",
    "threadline.risk.indicators.missing_county_lines",
    "threadline.risk.indicators.recruiter",
    "threadline.risk.indicators.household_worker",
    "threadline.risk.indicators.premises_signs",
    "threadline.risk.indicators.missing_child_found",
    "threadline.risk.indicators.child_victim",
)
"""Threadline's own indicators: each a plugin module with a ``register_indicators`` hookimpl."""

ENTRY_POINTS = "threadline.indicators"
"""Entry point group partners register indicator plugins under."""

TRACE_ENV = "THREADLINE_TRACE_HOOKS"

log = logging.getLogger("threadline.risk.hooks")


def _tracing() -> bool:
    return os.environ.get(TRACE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def plugin_manager(extra: Sequence[object] = ()) -> pluggy.PluginManager:
    """A plugin manager with the default plugins, installed partners' ones and `extra`."""
    pm = pluggy.PluginManager("threadline")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints(ENTRY_POINTS)
    for plugin in extra:
        pm.register(plugin)
    if _tracing():

        def before(hook: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
            log.info("hook %s: calling %d plugins with %s", hook, len(impls), dict(kwargs))

        def after(outcome: Any, hook: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
            result = outcome.get_result() if outcome.exception is None else outcome.exception
            log.info("hook %s: %s returned %r", hook, [i.plugin_name for i in impls], result)

        pm.add_hookcall_monitoring(before, after)
    return pm


def registered_indicators(extra: Sequence[object] = ()) -> list[Indicator]:
    """Every registered indicator, in plugin order; names must be unique."""
    found: list[Indicator] = []
    seen: dict[str, str] = {}
    for batch in reversed(plugin_manager(extra).hook.register_indicators()):
        for indicator in batch or ():
            if indicator.name in seen:
                raise ValueError(f"two plugins register an indicator called {indicator.name!r}")
            seen[indicator.name] = indicator.title
            found.append(indicator)
    return found


def evaluate(context: Context, chosen: Iterable[Indicator] | None = None) -> list[Finding]:
    """Run every indicator (or those `chosen`) with a non-zero weight over the context; each
    finding knows its typologies (:func:`typed`)."""
    trace = _tracing()
    named = context.named_types
    out: list[Finding] = []
    for indicator in chosen if chosen is not None else registered_indicators():
        if context.weights.weight(indicator.name) <= 0:
            continue
        start = time.perf_counter()
        found = [typed(f, indicator, named) for f in indicator.evaluate(context)]
        if trace:
            log.info(
                "indicator %s: %d findings in %.3f s",
                indicator.name,
                len(found),
                time.perf_counter() - start,
            )
        out.extend(found)
    return sorted(out, key=lambda f: (f.indicator, -f.score, f.node))
