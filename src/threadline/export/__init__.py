"""Exports: i2 Analyst's Notebook (ANX), FollowTheMoney, GraphML, CSV and XLSX.

Every export reads as the acting user through the read path (a `View` and the graph built
from it), so it never holds what they may not see; it carries the marking of its content (in
its file name and inside: chart title, header row, first sheet, graph attributes), names a
recipient and a purpose, and is audited as a disclosure. Formats are plugins
(``register_exporters``, entry point group ``threadline.exporters``)::

    with reading(db, user, "export.anx") as view:
        done = export(view, "anx", Path("network.anx"), recipient="NCA MSHTU",
                      purpose="Op Lantern briefing", scope=Scope(network=0))
    done.path  # network_OFFICIAL.anx

See docs/exports.md for what each format holds and how to open it.
"""

from threadline.export.content import Content, Evidence, LinkRow, NodeRow, Scope, select
from threadline.export.plugins import exporter, exporters
from threadline.export.run import Exported, export, marked_name
from threadline.export.safe_cells import safe_cell, safe_value
from threadline.export.types import Exporter

__all__ = [
    "Content",
    "Evidence",
    "Exported",
    "Exporter",
    "LinkRow",
    "NodeRow",
    "Scope",
    "export",
    "exporter",
    "exporters",
    "marked_name",
    "safe_cell",
    "safe_value",
    "select",
]
