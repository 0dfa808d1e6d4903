"""Problem profiles: the strategic picture of a case, an area or everything, as HTML or PDF.

A profile is gathered through the acting user's View (so it never holds what they may not
see), drawn (charts, a map, link charts, each with a text alternative and its numbers),
rendered to accessible HTML or to PDF with the marking on every page, and disclosed (a
recipient, a purpose, one audit event)::

    with reading(db, user, "report.pdf") as view:
        done = produce(view, ProfileScope(everything=True), "pdf", Path("profile.pdf"),
                       recipient="Partnership board", purpose="quarterly briefing")
    done.reference  # TL-PP-20261206-2215-3F9A1C

See docs/reports.md for what a profile holds, the command and the analyst's template.
"""

from threadline.reports.content import Profile, gather
from threadline.reports.run import FORMATS, STEPS, Produced, produce
from threadline.reports.scope import ProfileScope

__all__ = ["FORMATS", "STEPS", "Produced", "Profile", "ProfileScope", "gather", "produce"]
