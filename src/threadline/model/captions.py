"""Which of its mentions' captions names an entity: one rule for every place that shows it.

A company's officers extract names it by number ("99763753") and the register by name
("NORTHERN GROUNDWORKS LTD"); counted plainly, two officer rows outvote the register, and the
company is a number in one place and a name in another. A caption that is a name beats one that
is a bare identifier (one token with a digit in it); among names (or among identifiers) the
commonest wins, then the longest, then the first in alphabetical order.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["best_caption", "is_identifier"]


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
