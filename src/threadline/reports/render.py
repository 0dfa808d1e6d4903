"""A profile as accessible HTML, and as PDF with WeasyPrint.

The HTML has a language, headings in order, a table of contents, tables with scoped headers,
and for every figure an image with its text alternative and the table of its numbers. The
marking (highest marking, most restrictive handling, conditions) heads and ends the page; in
the PDF it is at the top and bottom of every page (CSS ``@page`` margin boxes fed by
``string-set``), with who produced it, when, its reference and the page number.

The analyst's section (assessment, recommendations) comes from an editable Jinja2 template
shipped in the package, or the analyst's own (``--template FILE``), rendered in Jinja2's
sandbox with plain values only, so that a template cannot reach Python's internals (a template
asking for ``__class__`` is refused).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from threadline.errors import ThreadlineError
from threadline.reports.charts import Figures
from threadline.reports.content import Profile
from threadline.reports.history import Change

__all__ = ["ANALYST_TEMPLATE", "analyst_section", "render_html", "render_pdf"]

ANALYST_TEMPLATE = "analyst.html.j2"
"""The shipped analyst's section, in the package's templates folder."""

TEMPLATE_LIMIT = 200_000
"""Largest analyst's template read, in characters."""


def _data_uri(svg: str) -> str:
    """An SVG as a data URI for an ``<img>`` (an image runs no script and fetches nothing)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("threadline.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["data_uri"] = _data_uri
    return env


def _stylesheet() -> str:
    return (files("threadline.reports") / "templates" / "profile.css").read_text(encoding="utf-8")


def shipped_template() -> str:
    """The text of the shipped analyst's template (a starting point for one's own)."""
    return (files("threadline.reports") / "templates" / ANALYST_TEMPLATE).read_text(
        encoding="utf-8"
    )


def _plain(profile: Profile) -> dict[str, Any]:
    """What an analyst's template may use: plain strings, numbers, lists and dicts."""
    return {
        "scope": profile.scope_words,
        "reference": profile.reference,
        "produced_by": profile.produced_by,
        "produced_at": profile.produced_at.strftime("%Y-%m-%d %H:%M UTC"),
        "currency": profile.currency.words(),
        "headline": dict(profile.headline),
        "networks": [
            {
                "number": s.number,
                "size": s.profile.size,
                "type": s.type.replace("_", " "),
                "victims": len(s.profile.victims),
                "suspects": len(s.profile.suspects),
            }
            for s in profile.networks.sections
        ],
        "premises": [
            {"rank": e.rank, "name": e.caption, "score": round(e.score, 2)}
            for e in profile.premises
        ],
        "businesses": [
            {"rank": e.rank, "name": e.caption, "score": round(e.score, 2)}
            for e in profile.businesses
        ],
        "gaps": [{"title": g.title, "count": g.count} for g in profile.gaps.gaps],
    }


def analyst_section(profile: Profile, template: Path | None = None) -> str:
    """The analyst's section from the shipped template or `template` (sandboxed).

    Raises ThreadlineError when the template cannot be read, is not valid Jinja2, uses a
    name it is not given, or reaches for what the sandbox keeps from it.
    """
    name = str(template) if template is not None else ANALYST_TEMPLATE
    if template is None:
        text = shipped_template()
    else:
        try:
            text = template.read_text(encoding="utf-8")[:TEMPLATE_LIMIT]
        except (OSError, UnicodeDecodeError) as exc:
            raise ThreadlineError(f"{template}: cannot read the template: {exc}") from None
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    try:
        return env.from_string(text).render(_plain(profile))
    except SecurityError as exc:
        raise ThreadlineError(f"{name}: the template was refused: {exc}") from None
    except jinja2.TemplateError as exc:
        raise ThreadlineError(f"{name}: the template does not render: {exc}") from None


def render_html(
    profile: Profile,
    figures: Figures,
    *,
    recipient: str,
    purpose: str,
    template: Path | None = None,
) -> str:
    """The profile as one self-contained HTML page (styles and figures inline)."""
    changes: tuple[Change, ...] = profile.changes.changes or tuple(
        Change(name, None, now) for name, now in profile.headline.items()
    )
    context: Mapping[str, Any] = {
        "p": profile,
        "f": figures,
        "css": _stylesheet(),
        "changes": changes,
        "recipient": recipient,
        "purpose": purpose,
        "analyst": analyst_section(profile, template),
    }
    return _environment().get_template("profile.html.j2").render(context)


def render_pdf(html: str) -> bytes:
    """The HTML as PDF (A4, the marking on every page)."""
    import weasyprint  # imported here: it takes a second to load, and only PDFs need it

    # A profile fetches nothing: its styles and figures are inline (data: URIs only).
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    data: bytes = document.write_pdf()
    return data
