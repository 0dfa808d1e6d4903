"""The hooks Threadline's risk engine calls, for our own indicators and for partners'.

A plugin is a module (or object) with functions marked ``@hookimpl``. Threadline's own
indicators are plugins listed in ``DEFAULT_PLUGINS``; a partner's package registers its own
under the ``threadline.indicators`` entry point group::

    [project.entry-points."threadline.indicators"]
    my_indicator = "my_package.my_indicator"
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from threadline.risk.types import Indicator

__all__ = ["hookimpl", "hookspec", "register_indicators"]

hookspec = pluggy.HookspecMarker("threadline")
hookimpl = pluggy.HookimplMarker("threadline")


@hookspec
def register_indicators() -> Iterable[Indicator]:  # type: ignore[empty-body]
    """Return the indicators this plugin provides.

    Each `Indicator` names itself, states its rule in words, lists its settings with their
    defaults (the weights file may override them) and gives a function that evaluates it
    over a `Context` and yields `Finding`s.
    """
