"""The export formats: Threadline's own, partners' ones, and hook tracing.

Set ``THREADLINE_TRACE_HOOKS=1`` to log every hook call to the ``threadline.export.hooks``
logger.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pluggy

from threadline.errors import ThreadlineError
from threadline.export import hookspecs
from threadline.export.types import Exporter

__all__ = ["DEFAULT_PLUGINS", "ENTRY_POINTS", "exporter", "exporters"]

DEFAULT_PLUGINS = (
    "threadline.export.anx",
    "threadline.export.ftm",
    "threadline.export.graphml",
    "threadline.export.tables",
)
"""Threadline's own formats: each a plugin module with a ``register_exporters`` hookimpl."""

ENTRY_POINTS = "threadline.exporters"
"""Entry point group partners register export plugins under."""

TRACE_ENV = "THREADLINE_TRACE_HOOKS"

log = logging.getLogger("threadline.export.hooks")


def _manager(extra: Sequence[object]) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("threadline")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints(ENTRY_POINTS)
    for plugin in extra:
        pm.register(plugin)
    if os.environ.get(TRACE_ENV, "").strip().lower() not in ("", "0", "false", "no"):

        def before(hook: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
            log.info("hook %s: calling %d plugins", hook, len(impls))

        def after(outcome: Any, hook: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
            result = outcome.get_result() if outcome.exception is None else outcome.exception
            log.info("hook %s: %s returned %r", hook, [i.plugin_name for i in impls], result)

        pm.add_hookcall_monitoring(before, after)
    return pm


def exporters(extra: Sequence[object] = ()) -> dict[str, Exporter]:
    """Every registered export format by name, in plugin order; names must be unique."""
    found: dict[str, Exporter] = {}
    for batch in reversed(_manager(extra).hook.register_exporters()):
        for item in batch or ():
            if item.name in found:
                raise ValueError(f"two plugins register an export format called {item.name!r}")
            found[item.name] = item
    return found


def exporter(name: str, extra: Sequence[object] = ()) -> Exporter:
    """The export format `name`."""
    known = exporters(extra)
    if name not in known:
        raise ThreadlineError(f"no export format {name!r}: choose from {', '.join(known)}")
    return known[name]
