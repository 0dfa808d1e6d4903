"""The people signals' plugin manager: Threadline's own signals and partners' ones.

Signals are risk `Indicator` objects registered through the same hook
(``register_indicators``); partners add theirs under the ``threadline.people_signals`` entry
point group.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import pluggy

from threadline.risk import hookspecs
from threadline.risk.types import Indicator

__all__ = ["ENTRY_POINTS", "PEOPLE_PLUGINS", "registered_signals"]

PEOPLE_PLUGINS = ("threadline.people.signals.victims", "threadline.people.signals.suspects")
"""Threadline's own people signals: each a plugin module with a ``register_indicators`` hook."""

ENTRY_POINTS = "threadline.people_signals"


def registered_signals(extra: Sequence[object] = ()) -> list[Indicator]:
    """Every registered people signal, in plugin order; names must be unique."""
    pm = pluggy.PluginManager("threadline")
    pm.add_hookspecs(hookspecs)
    for name in PEOPLE_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints(ENTRY_POINTS)
    for plugin in extra:
        pm.register(plugin)
    found: list[Indicator] = []
    seen: set[str] = set()
    for batch in reversed(pm.hook.register_indicators()):
        for signal in batch or ():
            if signal.name in seen:
                raise ValueError(f"two plugins register a signal called {signal.name!r}")
            seen.add(signal.name)
            found.append(signal)
    return found
