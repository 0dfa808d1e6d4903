"""i2 Analyst's Notebook charts (ANX), written as a stream.

Each entity is an icon of its kind (person, vehicle, phone, address, organisation, account,
document...) labelled with its caption, carrying attributes (Threadline id, roles, agencies,
sources, records, best grade, first and last seen, marking, handling, network, and facts such
as date of birth and nationality) and one card per evidence record (agency, source, record,
report date and grade on the chart's 3x5x2 grade scales). Each link has its type, an arrow
for relationships with a direction, its first date, attributes and a card per evidence record.
The chart's title (Summary) and a text block at its top state the marking of everything in it.
With grouping by community, each network is laid out in a block of its own, shaded alike.

Why our own writer (`threadline.export.anx_xml`): anxwritter, the PyPI package that writes
the ANX schema, holds the whole chart before it serialises it. Measured with
``benchmarks/bench_export.py`` at 100,000 entities (82,357 links, 215,613 records) on a shared
2-core machine, one after the other: anxwritter 29 s and +890 MB resident; the stream 10 s
and +56 MB (each entity's place and number, and the evidence every format shares).
The header (attribute classes, grade scales, source types, link types) comes from a first
pass over the graph's attributes; items then go out as `Content` yields them. The items
here are anxwritter's own arguments (``add_icon``, ``add_link``, ``Card``, ``TextBlock``),
and tests/export/test_anx_stream.py checks that anxwritter, given them, writes the same XML
tree (UTF-16 LE, same elements, attributes and text). Allowed differences: ``Id`` values
(references name the same things), declarations in name order rather than first use, the
creation time (the export's time, UTC), the palette's name and the comment at the top.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from threadline.export.anx_xml import ChartWriter, Header
from threadline.export.content import Content, Evidence, LinkRow, NodeRow, link_label
from threadline.export.hookspecs import hookimpl
from threadline.export.types import Exporter, text
from threadline.progress import Advance

__all__ = ["ANX", "ENTITY_TYPES", "entity_type", "register_exporters", "write_anx"]

ENTITY_TYPES: dict[str, tuple[str, str]] = {
    "Person": ("Person", "Person"),
    "Company": ("Organisation", "Organisation"),
    "Organization": ("Organisation", "Organisation"),
    "LegalEntity": ("Organisation", "Organisation"),
    "Address": ("Address", "House"),
    "Vehicle": ("Vehicle", "Car"),
    "Phone": ("Phone", "Phone"),
    "Email": ("Email", "Email"),
    "BankAccount": ("Account", "Account"),
    "Passport": ("Document", "Document"),
    "Identification": ("Document", "Document"),
    "Note": ("Document", "Document"),
    "Event": ("Event", "Event"),
}
"""FtM schema -> (ANB entity type, ANB icon file) for every kind Threadline holds."""

OTHER = ("Other", "Question")

GRADES_ONE = ["1 Reliable", "2 Untested", "3 Not reliable"]
"""3x5x2 source evaluation (legacy grades are shown through their 3x5x2 reading). Names
start with the code; chart items and cards refer to them by index."""
GRADES_TWO = ["A Known directly", "B Known indirectly, corroborated",
              "C Known indirectly", "D Not known", "E Suspected false"]  # fmt: skip
"""3x5x2 intelligence assessment."""
GRADES_THREE = ["P Lawful sharing permitted", "C Conditions apply"]
"""3x5x2 handling code."""

SPACING = 160
"""Canvas units between neighbouring icons."""

SHADES = {"Blue": 0xFF0000, "Red": 0x0000FF, "Dark Green": 0x003300, "Orange": 0x0066FF,
          "Violet": 0x800080, "Teal": 0x808000, "Brown": 0x003399, "Pink": 0xFF00FF,
          "Olive Green": 0x003333, "Dark Blue": 0x800000, "Gold": 0x00CCFF,
          "Sea Green": 0x669933, "Plum": 0x663399, "Dark Red": 0x000080, "Sky Blue": 0xFFCC00,
          "Tan": 0x99CCFF}  # fmt: skip
"""Icon shading per network when grouping by community (cycled): ANB's colour names and
their COLORREF (0xBBGGRR)."""

SHADE_NAMES = tuple(SHADES)

ARC = 20
"""Canvas units between parallel links."""

MARKING_TYPE = ("Marking", "Document")
"""The entity type of the text block stating the chart's marking."""

MAX_CARDS = 100
"""Most evidence cards on one item; the Records attribute always lists every record."""

ATTRIBUTE_CLASSES: dict[str, str] = {
    "Threadline id": "Text",
    "Entity ids": "Text",
    "Roles": "Text",
    "Agencies": "Text",
    "Sources": "Text",
    "Records": "Text",
    "Grade": "Text",
    "First seen": "DateTime",
    "Last seen": "DateTime",
    "Start": "Text",
    "End": "Text",
    "Weight": "Number",
    "Marking": "Text",
    "Handling": "Text",
    "Network": "Number",
}
"""Attribute classes declared on every chart (facts add Text classes of their own)."""


def entity_type(schema: str) -> tuple[str, str]:
    """The ANB entity type and icon for an FtM schema.

    >>> entity_type("BankAccount"), entity_type("Spaceship")
    (('Account', 'Account'), ('Other', 'Question'))
    """
    return ENTITY_TYPES.get(schema, OTHER)


def _day(value: date | str | None) -> tuple[str | None, str | None]:
    """(yyyy-MM-dd, HH:mm:ss) of a date, or of a full ISO date or date-time; partial dates
    (a year, a month) are not dates ANB can hold."""
    if value is None:
        return None, None
    if isinstance(value, date):
        return value.isoformat(), None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    if len(value) <= 10:
        return parsed.date().isoformat(), None
    return parsed.date().isoformat(), parsed.time().replace(microsecond=0).isoformat()


def _grade(code: str, handling: str = "") -> dict[str, int]:
    """Indices into the chart's grade collections of a 3x5x2 reading (``2B``) and handling.

    >>> _grade("2B", "C"), _grade("")
    ({'grade_one': 1, 'grade_two': 1, 'grade_three': 1}, {})
    """
    ones, twos = [g[0] for g in GRADES_ONE], [g[0] for g in GRADES_TWO]
    if len(code) < 2 or code[0] not in ones or code[1] not in twos:
        return {}
    out = {"grade_one": ones.index(code[0]), "grade_two": twos.index(code[1])}
    threes = [g[0] for g in GRADES_THREE]
    if handling in threes:
        out["grade_three"] = threes.index(handling)
    return out


def _cards(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    """A card (the fields of anxwritter's ``Card``) per evidence record, the first 100."""
    cards = []
    for e in list(evidence)[:MAX_CARDS]:
        day, _ = _day(e.reported_on)
        cards.append(
            {
                "summary": text(f"{e.agency} {e.source} record {e.record}"),
                "description": text(f"Grade {e.shown}; {e.marking}"),
                "date": day,
                "source_ref": text(f"{e.agency}/{e.source}/{e.record}"),
                "source_type": text(e.agency),
                **_grade(e.code, e.grade[2:3] if e.grade[:1].isdigit() else ""),
            }
        )
    return cards


def _shared(attributes: dict[str, Any], row: NodeRow | LinkRow) -> None:
    attributes["Agencies"] = text("; ".join(row.agencies))
    attributes["Sources"] = text("; ".join(sorted({e.source for e in row.evidence})))
    attributes["Records"] = "; ".join(str(e.record) for e in row.evidence)
    attributes["Marking"] = row.protection.marking.value
    attributes["Handling"] = text(row.protection.words().split(", handling ", 1)[1])


def _positions(content: Content) -> dict[str, tuple[int, int]]:
    """Each node's place: networks (or the whole chart) as square blocks, left to right in
    rows about as wide as the chart is tall."""
    groups: dict[int, list[str]] = {}
    for v in content.graph.vs:
        key = 0 if content.community is None else content.community.get(v["name"], -1)
        groups.setdefault(key, []).append(v["name"])
    width = max(1, math.ceil(math.sqrt(content.node_count))) * SPACING * 2
    out: dict[str, tuple[int, int]] = {}
    x = y = row_height = 0
    for _, names in sorted(groups.items()):
        side = math.ceil(math.sqrt(len(names)))
        if x and x + side * SPACING > width:
            x, y, row_height = 0, y + row_height + SPACING, 0
        for i, name in enumerate(names):
            out[name] = (x + (i % side) * SPACING, y + (i // side) * SPACING)
        x += (side + 1) * SPACING
        row_height = max(row_height, side * SPACING)
    return out


def _icon(row: NodeRow, place: tuple[int, int], community: bool) -> dict[str, Any]:
    kind, icon = entity_type(row.schema)
    attributes: dict[str, Any] = {"Threadline id": text(row.id)}
    if row.entity_ids:
        attributes["Entity ids"] = text("; ".join(row.entity_ids))
    if row.roles:
        attributes["Roles"] = text("; ".join(row.roles))
    _shared(attributes, row)
    if row.grade:
        attributes["Grade"] = row.grade
    if row.first_seen:
        attributes["First seen"] = datetime.combine(row.first_seen, datetime.min.time())
        attributes["Last seen"] = datetime.combine(
            row.last_seen or row.first_seen, datetime.min.time()
        )
    if row.community is not None:
        attributes["Network"] = row.community
    for prop, values in row.facts.items():
        attributes[_fact(prop)] = text("; ".join(sorted({v for v, _ in values})))
    first, _ = _day(row.first_seen)
    return {
        "id": text(row.id),
        "type": kind,
        "icon": icon,
        "label": text(row.label),
        "date": first,
        "attributes": attributes,
        "cards": _cards(row.evidence),
        "x": place[0],
        "y": place[1],
        "source_ref": text("; ".join(row.agencies)) or None,
        **(
            {"color": SHADE_NAMES[row.community % len(SHADES)]}
            if community and row.community is not None
            else {}
        ),
        **_grade(row.grade, row.protection.handling),
    }


def _fact(prop: str) -> str:
    return f"Fact: {prop}"


def _link(row: LinkRow) -> dict[str, Any]:
    day, time = _day(row.start)
    attributes: dict[str, Any] = {"Grade": row.grade, "Weight": row.weight}
    if row.start:
        attributes["Start"] = text(row.start)
    if row.end:
        attributes["End"] = text(row.end)
    _shared(attributes, row)
    return {
        "from_id": text(row.source),
        "to_id": text(row.target),
        "type": text(row.label),
        "label": text(row.label),
        "arrow": "->" if row.directed else None,
        "date": day,
        "time": time,
        "attributes": attributes,
        "cards": _cards(row.evidence),
        **_grade(row.grade, row.protection.handling),
    }


def header(content: Content) -> Header:
    """What precedes the chart's items, from a first pass over the graph's attributes: the
    summary, grade scales, agencies (source types), attribute classes (those of every chart
    and one per fact), entity types and the link types used."""
    words = content.protection.words()
    g = content.graph
    facts = sorted({p for props in g.vs["facts"] for p in props}) if g.vcount() else []
    kinds = [*sorted(set(ENTITY_TYPES.values()) | {OTHER}), MARKING_TYPE]
    return Header(
        summary=[
            ("SummaryFieldTitle", text(content.title())),
            ("SummaryFieldSubject", text(f"Marking: {words}")),
            ("SummaryFieldKeywords", "Threadline export"),
            ("SummaryFieldCategory", content.protection.marking.value),
            ("SummaryFieldComments", text(_disclosure(content))),
            ("SummaryFieldAuthor", text(content.produced_by)),
        ],
        created=content.produced_at,
        grades=(GRADES_ONE, GRADES_TWO, GRADES_THREE),
        source_types=sorted({e.agency for e in content.evidence()}),
        attribute_classes=ATTRIBUTE_CLASSES | {_fact(p): "Text" for p in facts},
        entity_types=kinds,
        link_types=sorted({link_label(t) for t in g.es["type"]}) if g.ecount() else [],
    )


def marking_block(content: Content) -> dict[str, Any]:
    """The text block at the chart's top stating its marking (``TextBlock``'s fields)."""
    return {"id": "threadline-marking", "type": MARKING_TYPE[0],
            "label": text(content.protection.words()), "x": 0, "y": -2 * SPACING,
            "description": text(content.title())}  # fmt: skip


def icons(content: Content, advance: Advance) -> Iterator[dict[str, Any]]:
    """Each entity's icon (``add_icon``'s arguments), one at a time."""
    places = _positions(content)
    grouped = content.community is not None
    for n, row in enumerate(content.nodes(), 1):
        yield _icon(row, places[row.id], grouped)
        if n % 1000 == 0:
            advance("rows", 1000)
    advance("rows", content.node_count % 1000)


def links(content: Content, advance: Advance) -> Iterator[dict[str, Any]]:
    """Each link (``add_link``'s arguments), one at a time."""
    for n, link in enumerate(content.links(), 1):
        yield _link(link)
        if n % 1000 == 0:
            advance("rows", 1000)
    advance("rows", content.link_count % 1000)


def _disclosure(content: Content) -> str:
    return (
        f"Produced by {content.produced_by} on {content.produced_at:%Y-%m-%d %H:%M} UTC for "
        f"{content.recipient}; purpose: {content.purpose}. Scope: {content.scope.words()}. "
        f"Holds: {content.protection.words()}. Currency: {content.currency}."
    )


def offsets(content: Content) -> dict[int, int]:
    """Links that run alongside others (the same start and end), by their place in
    `Content.links`, and how far each arcs from the straight line so that ANB shows them
    apart (anxwritter's layout of parallel links)."""
    g = content.graph
    if not g.ecount():
        return {}
    names: list[str] = g.vs["name"]
    pairs: dict[tuple[str, str], list[int]] = {}
    for index, count in enumerate(g.count_multiple()):
        if count > 1:
            e = g.es[index]
            a, b = names[e.source], names[e.target]
            start = e["src"] or a
            pairs.setdefault((start, b if start == a else a), []).append(index)
    out: dict[int, int] = {}
    for indices in pairs.values():
        out |= dict(zip(indices, _arcs(len(indices)), strict=True))
    return out


def _arcs(n: int) -> list[int]:
    """Offsets of `n` parallel links, symmetric about the straight line.

    >>> _arcs(1), _arcs(2), _arcs(3), _arcs(4)
    ([0], [10, -10], [0, 20, -20], [10, -10, 30, -30])
    """
    if n % 2:
        sizes, first = [ARC * k for k in range(1, n // 2 + 1)], [0]
    else:
        sizes, first = [ARC // 2 + ARC * k for k in range(n // 2)], []
    return first + [arc for size in sizes for arc in (size, -size)]


def write_anx(content: Content, out: BinaryIO, advance: Advance) -> None:
    """Write `content` as an ANX chart (UTF-16, as ANB expects), item by item."""
    chart = ChartWriter(out, header(content), "Threadline export (ANX)")
    chart.text_block(marking_block(content))
    for icon in icons(content, advance):
        chart.icon(icon, SHADES.get(icon.get("color", "")))
    arcs = offsets(content)
    for n, link in enumerate(links(content, advance)):
        chart.link(link, arcs.get(n, 0))
    chart.finish()


ANX = Exporter(
    name="anx",
    suffix=".anx",
    media_type="application/xml",
    description="i2 Analyst's Notebook chart: icons by kind, attributes, evidence cards",
    write=write_anx,
)


@hookimpl
def register_exporters() -> list[Exporter]:
    """The ANX exporter."""
    return [ANX]
