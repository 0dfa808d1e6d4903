"""A streaming writer of the XML an ANX chart is made of: UTF-16 LE with its byte-order mark,
one tag a line, as Analyst's Notebook reads it.

Text goes out escaped (``& < > "``) and with the characters XML 1.0 cannot hold dropped
(C0 controls other than tab, line feed and carriage return, lone surrogates, U+FFFE and
U+FFFF), so no caption or fact can break the file. Lines are gathered and encoded about
64 KB at a time: memory stays the same however large the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

__all__ = ["ChartWriter", "Header", "XmlOut", "escape"]

Attrs = Iterable[tuple[str, object]]
"""An element's attributes in the order they are written; a None value is left out."""

_FORBIDDEN = [*range(0x9), 0xB, 0xC, *range(0xE, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", **dict.fromkeys(_FORBIDDEN)}
)

FLUSH_AT = 32_768
"""Characters gathered before they are encoded and written (64 KB of UTF-16)."""


def escape(value: object) -> str:
    """`value` as text fit for an XML attribute.

    >>> escape('A <b>&"\\x01 x\\ud800')
    'A &lt;b&gt;&amp;&quot; x'
    """
    return str(value).translate(_ESCAPES)


def _attrs(attrs: Attrs) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in attrs if value is not None)


class XmlOut:
    """Elements written one at a time to a binary stream (see the module docstring)."""

    def __init__(self, out: BinaryIO, comment: str) -> None:
        self._out = out
        self._parts: list[str] = []
        self._size = 0
        out.write(b"\xff\xfe")
        self._add(f"<?xml version='1.0' encoding='utf-16'?>\n<!-- {escape(comment)} -->\n")

    def empty(self, tag: str, attrs: Attrs = ()) -> None:
        """``<tag a="..."/>``."""
        self._add(f"<{tag}{_attrs(attrs)}/>\n")

    def open(self, tag: str, attrs: Attrs = ()) -> None:
        """``<tag a="...">``."""
        self._add(f"<{tag}{_attrs(attrs)}>\n")

    def close(self, tag: str) -> None:
        """``</tag>``."""
        self._add(f"</{tag}>\n")

    def strings(self, tag: str, texts: Iterable[tuple[str, str]]) -> None:
        """``<tag><StringCollection>`` of (id, text) strings, as grades and source hints are
        held."""
        self.open(tag)
        self.open("StringCollection")
        for ident, value in texts:
            self.empty("String", (("Id", ident), ("Text", value)))
        self.close("StringCollection")
        self.close(tag)

    def _add(self, line: str) -> None:
        self._parts.append(line)
        self._size += len(line)
        if self._size >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Encode and write what is gathered."""
        if self._parts:
            self._out.write("".join(self._parts).encode("utf-16-le"))
            self._parts.clear()
            self._size = 0


ATT_TYPES = {"Text": "AttText", "Number": "AttNumber", "DateTime": "AttTime"}
"""Attribute class types as the ANX schema names them."""

ARROWS = {"->": "ArrowOnHead", "<-": "ArrowOnTail", "<->": "ArrowOnBoth"}

GRADES = ("grade_one", "grade_two", "grade_three")
_GRADE_ATTRS = ("GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex")


@dataclass(frozen=True, slots=True)
class Header:
    """What precedes a chart's items: everything its items refer to."""

    summary: Sequence[tuple[str, str]]
    """(SummaryField type, text), in order; empty texts are left out."""
    created: datetime
    grades: tuple[Sequence[str], Sequence[str], Sequence[str]]
    """The three grade scales (source, information, handling); "-" is added to each as the
    grade of an item that has none."""
    source_types: Sequence[str]
    attribute_classes: Mapping[str, str]
    """Name -> Text, Number or DateTime."""
    entity_types: Sequence[tuple[str, str]]
    """(name, icon file)."""
    link_types: Sequence[str]


class ChartWriter:
    """An ANX chart written item by item: the header when made, then `text_block`, `icon`
    and `link` for each item (an icon before any link to it), then `finish`.

    Items are the keyword arguments of anxwritter's ``add_icon`` and ``add_link`` (with
    cards as dicts of ``Card``'s fields), so the two can be compared on the same chart.
    """

    def __init__(self, out: BinaryIO, header: Header, comment: str) -> None:
        self._xml = x = XmlOut(out, comment)
        self._ids = 0
        self._numbers: dict[str, int] = {}
        self._header = header
        strength = self._id()
        self._entity_types = {name: self._id() for name, _ in header.entity_types}
        self._classes = {name: self._id() for name in header.attribute_classes}
        self._link_types = {name: self._id() for name in header.link_types}
        self._no_grade = tuple(len(scale) for scale in header.grades)
        x.open("Chart")
        x.empty("ApplicationVersion", (("Major", 9), ("Minor", 0), ("Point", 0), ("Build", 0)))
        x.open("StrengthCollection")
        x.empty("Strength", (("Id", strength), ("Name", "Default"), ("DotStyle", "DotStyleSolid")))
        x.close("StrengthCollection")
        for tag, scale in zip(("GradeOne", "GradeTwo", "GradeThree"), header.grades, strict=True):
            x.strings(tag, [(self._id(), s) for s in [*scale, "-"]])
        if header.source_types:
            x.strings("SourceHints", [(self._id(), s) for s in header.source_types])
        x.open("AttributeClassCollection")
        for name, kind in header.attribute_classes.items():
            x.empty(
                "AttributeClass",
                (
                    ("Id", self._classes[name]),
                    ("Name", name),
                    ("Type", ATT_TYPES[kind]),
                    ("IsUser", "true"),
                    ("UserCanAdd", "true"),
                    ("UserCanRemove", "true"),
                    ("ShowValue", "true"),
                ),
            )
        x.close("AttributeClassCollection")
        x.open("EntityTypeCollection")
        for name, icon in header.entity_types:
            x.empty(
                "EntityType", (("Id", self._entity_types[name]), ("Name", name), ("IconFile", icon))
            )
        x.close("EntityTypeCollection")
        if header.link_types:
            x.open("LinkTypeCollection")
            for name in header.link_types:
                x.empty("LinkType", (("Id", self._link_types[name]), ("Name", name)))
            x.close("LinkTypeCollection")
        x.open("Summary")
        x.open("FieldCollection")
        for kind, value in header.summary:
            if value:
                x.empty("Field", (("Type", kind), ("Field", value)))
        x.close("FieldCollection")
        x.empty(
            "Origin",
            (
                ("CreatedDate", f"{header.created:%Y-%m-%dT%H:%M:%S}"),
                ("EditTime", 0),
                ("RevisionNumber", 1),
            ),
        )
        x.close("Summary")
        x.open("ChartItemCollection")

    def _id(self) -> str:
        self._ids += 1
        return f"ID{self._ids}"

    def _entity(self, item: Mapping[str, Any], x: int, y: int) -> None:
        number = self._numbers[item["id"]] = len(self._numbers) + 1
        self._xml.open("ChartItem", self._item(item, ("XPosition", x if x or y else None)))
        self._xml.open("End", (("X", x), ("Y", y), ("Z", 0)))
        self._xml.open(
            "Entity",
            (
                ("EntityId", number),
                ("Identity", item["id"]),
                ("LabelIsIdentity", "true" if item["label"] == item["id"] else "false"),
            ),
        )

    def text_block(self, item: Mapping[str, Any]) -> None:
        """A text block (``TextBlock``'s fields)."""
        x = self._xml
        self._entity(item, item["x"], item["y"])
        x.open("TextBlock")
        x.empty(
            "TextBlockStyle",
            (
                ("Strength", "Default"),
                ("Type", item["type"]),
                ("EntityTypeReference", self._entity_types[item["type"]]),
            ),
        )
        x.close("TextBlock")
        x.close("Entity")
        x.close("End")
        x.close("ChartItem")

    def icon(self, item: Mapping[str, Any], shade: int | None = None) -> None:
        """An icon (``add_icon``'s arguments), shaded with a COLORREF if given."""
        x = self._xml
        self._entity(item, item["x"], item["y"])
        x.open("Icon")
        x.empty(
            "IconStyle",
            (
                ("Type", item["type"]),
                ("EntityTypeReference", self._entity_types[item["type"]]),
                ("IconShadingColour", shade),
                ("OverrideTypeIcon", "true"),
                ("TypeIconName", item["icon"]),
            ),
        )
        x.close("Icon")
        self._cards(item["cards"])
        x.close("Entity")
        x.close("End")
        self._attributes(item["attributes"])
        x.close("ChartItem")

    def link(self, item: Mapping[str, Any], offset: int = 0) -> None:
        """A link (``add_link``'s arguments) between two icons already written, arced by
        `offset` from the straight line."""
        x = self._xml
        x.open("ChartItem", self._item(item))
        ends = (self._numbers[item["from_id"]], self._numbers[item["to_id"]])
        x.open("Link", (("End1Id", ends[0]), ("End2Id", ends[1]), ("Offset", offset or None)))
        self._cards(item["cards"])
        x.empty(
            "LinkStyle",
            (
                ("Strength", "Default"),
                ("ArrowStyle", ARROWS.get(item["arrow"])),
                ("Type", item["type"]),
                ("LinkTypeReference", self._link_types[item["type"]]),
            ),
        )
        x.close("Link")
        self._attributes(item["attributes"])
        x.close("ChartItem")

    def _item(self, item: Mapping[str, Any], *more: tuple[str, object]) -> list[tuple[str, object]]:
        day, time = item.get("date"), item.get("time")
        grades = [item.get(g, none) for g, none in zip(GRADES, self._no_grade, strict=True)]
        return [
            ("Id", self._id()),
            ("Label", item["label"]),
            ("Description", item.get("description") or None),
            ("DateSet", "true" if day else None),
            ("TimeSet", "true" if time else None),
            ("SourceReference", item.get("source_ref") or None),
            *zip(_GRADE_ATTRS, grades, strict=True),
            ("DateTime", _when(day, time)),
            *more,
        ]

    def _cards(self, cards: Sequence[Mapping[str, Any]]) -> None:
        if not cards:
            return
        self._xml.open("CardCollection")
        for card in cards:
            day, time = card.get("date"), card.get("time")
            self._xml.empty(
                "Card",
                (
                    ("Summary", card.get("summary") or None),
                    ("DateSet", "true" if day else None),
                    ("TimeSet", "true" if time else None),
                    ("DateTime", _when(day, time)),
                    *zip(_GRADE_ATTRS, (card.get(g) for g in GRADES), strict=True),
                    ("SourceReference", card.get("source_ref") or None),
                    ("SourceType", card.get("source_type") or None),
                    ("Text", card.get("description") or None),
                ),
            )
        self._xml.close("CardCollection")

    def _attributes(self, attributes: Mapping[str, object]) -> None:
        if not attributes:
            return
        self._xml.open("AttributeCollection")
        for name, value in attributes.items():
            if value is None:
                continue
            shown = f"{value:%Y-%m-%dT%H:%M:%S}" if isinstance(value, datetime) else value
            self._xml.empty(
                "Attribute",
                (
                    ("AttributeClass", name),
                    ("AttributeClassReference", self._classes[name]),
                    ("Value", shown),
                ),
            )
        self._xml.close("AttributeCollection")

    def finish(self) -> None:
        """Close the items, write the palette (every class and type, for ANB's palette) and
        flush."""
        x, header = self._xml, self._header
        x.close("ChartItemCollection")
        x.open("PaletteCollection")
        x.open("Palette", (("Name", "Threadline"),))
        x.open("AttributeClassEntryCollection")
        for name, ident in self._classes.items():
            x.empty(
                "AttributeClassEntry",
                (("AttributeClass", name), ("AttributeClassReference", ident)),
            )
        x.close("AttributeClassEntryCollection")
        x.open("EntityTypeEntryCollection")
        for name, ident in self._entity_types.items():
            x.empty("EntityTypeEntry", (("Entity", name), ("EntityTypeReference", ident)))
        x.close("EntityTypeEntryCollection")
        if header.link_types:
            x.open("LinkTypeEntryCollection")
            for name, ident in self._link_types.items():
                x.empty("LinkTypeEntry", (("LinkType", name), ("LinkTypeReference", ident)))
            x.close("LinkTypeEntryCollection")
        x.close("Palette")
        x.close("PaletteCollection")
        x.close("Chart")
        x.flush()


def _when(day: str | None, time: str | None) -> str | None:
    """ANX's DateTime of a yyyy-MM-dd date and an optional HH:mm:ss time."""
    return f"{day}T{time or '00:00:00'}.000" if day else None
