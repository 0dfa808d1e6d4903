"""Which of its mentions' captions names an entity: one rule for every place that shows it.

A company's officers extract names it by number ("99763753") and the register by name
("NORTHERN GROUNDWORKS LTD"); counted plainly, two officer rows outvote the register, and the
company is a number in one place and a name in another. A caption that is a name beats one that
is a bare identifier (one token with a digit in it); among names (or among identifiers) the
commonest wins, then the longest, then the first in alphabetical order.

A name a sentence of free text gives ("the women at Bamboo Massage") names the entity only
when no field of any record names it: the register's "BAMBOO MASSAGE LTD" stays the caption
however many narratives mention the parlour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

__all__ = ["FROM_TEXT", "best_caption", "caption_of", "is_identifier"]

FROM_TEXT = "text:"
"""How the slot of a mention read from free text begins (see threadline.ingest.convert)."""


def is_identifier(caption: str) -> bool:
    """Whether a caption is a bare identifier (a number or code) rather than a name.

    >>> is_identifier("99763753"), is_identifier("SC123456"), is_identifier("Crown Taxis Ltd")
    (True, True, False)
    """
    text = caption.strip()
    return " " not in text and any(ch.isdigit() for ch in text)


def best_caption(counts: Mapping[str, int]) -> str:
    """The caption that names an entity, from how often each of its mentions gives it.

    >>> best_caption({"99763753": 2, "NORTHERN GROUNDWORKS LTD": 1})
    'NORTHERN GROUNDWORKS LTD'
    >>> best_caption({"Lan Nguyen": 2, "Nguyen Thi Lan": 2, "L Nguyen": 3})
    'L Nguyen'
    >>> best_caption({})
    ''
    """
    if not counts:
        return ""
    return max(
        counts.items(),
        key=lambda kv: (not is_identifier(kv[0]), kv[1], len(kv[0]), [-ord(c) for c in kv[0]]),
    )[0]


def caption_of(mentions: Iterable[tuple[str | None, str]]) -> str:
    """The caption naming an entity from its mentions' (caption, slot): the best of those that
    fields give, or of those free text gives when no field gives one.

    >>> caption_of([("Bamboo Massage", "text:narrative:organisation0"),
    ...             ("Bamboo Massage", "text:narrative:organisation0"),
    ...             ("BAMBOO MASSAGE LTD", "company")])
    'BAMBOO MASSAGE LTD'
    >>> caption_of([("Zenith Therapy Rooms", "text:details:organisation1")])
    'Zenith Therapy Rooms'
    """
    fields: Counter[str] = Counter()
    text: Counter[str] = Counter()
    for caption, slot in mentions:
        if caption:
            (text if slot.startswith(FROM_TEXT) else fields)[caption] += 1
    return best_caption(fields or text)
