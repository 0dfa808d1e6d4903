"""The hook export formats implement, for our own formats and for partners'.

A plugin is a module with a ``register_exporters`` function marked ``@hookimpl`` returning
`Exporter`s. Threadline's own formats are plugins listed in
``threadline.export.plugins.DEFAULT_PLUGINS``; a partner's package registers its own under
the ``threadline.exporters`` entry point group::

    [project.entry-points."threadline.exporters"]
    my_format = "my_package.my_format"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from threadline.export.types import Exporter

__all__ = ["hookimpl", "hookspec", "register_exporters"]

hookspec = pluggy.HookspecMarker("threadline")
hookimpl = pluggy.HookimplMarker("threadline")


@hookspec
def register_exporters() -> Iterable[Exporter]:  # type: ignore[empty-body]
    """Return the export formats this plugin provides, each with a unique name."""
