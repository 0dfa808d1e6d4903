"""A saved search: what the search box reads a text as, kept to recognise new material.

A watch on a saved search (`threadline.tracking`) is told about a new record when the search
would have found it: the same identifier forms, date of birth and name reading as
:func:`threadline.read.search.search`, applied to the values one batch states rather than to
the whole store. Names are compared only where they share a search key with the text and
the search box would compare them (:class:`threadline.read.search.NameLookup`).
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.read.search import (
    _HAS_DIGIT,
    BIRTH_PROPS,
    MIN_NAME_SCORE,
    NameLookup,
    _birth_date,
    _comparator,
    _identifier_forms,
    _identifier_props,
    _judge,
    _nameable,
)
from threadline.values._text import squash
from threadline.values.name_keys import NAME_PROPS

__all__ = ["NAME_PROPS", "SavedSearch", "SearchMatch", "identifier_props"]


def identifier_props() -> tuple[str, ...]:
    """Every property that may hold an identifier, as the search reads them."""
    return _identifier_props()


@dataclass(frozen=True, slots=True)
class SearchMatch:
    """Why one stated value matched a saved search."""

    how: str
    """One of :data:`threadline.read.search.HOW`."""
    score: float
    reason: str


class SavedSearch:
    """The text of a search, read once; :meth:`match` tells whether a value would be a hit.

    >>> phone = SavedSearch("07700 900123")
    >>> phone.match("Person", "phone", "+447700900123").how
    'exact identifier'
    >>> SavedSearch("Ardit Hoxha").match("Person", "name", "Ardit Hoxha").how
    'exact name'
    >>> SavedSearch("Ardit Hoxha").match("Person", "phone", "+447700900123") is None
    True
    """

    __slots__ = ("birth", "forms", "keys", "lookup", "typed")

    def __init__(self, text: str) -> None:
        self.typed = squash(text).strip()[:200]
        identifier = bool(_HAS_DIGIT.search(self.typed)) or "@" in self.typed
        self.forms: dict[str, str] = _identifier_forms(self.typed) if identifier else {}
        """Stored forms of an identifier typed, with the kind of identifier each is."""
        self.birth = _birth_date(self.typed) if _HAS_DIGIT.search(self.typed) else None
        """The date of birth typed (ISO, or its year or month) and whether it is whole."""
        self.lookup = NameLookup.of(self.typed) if _nameable(self.typed) else None
        """How the name typed looks names up (None when it is no name)."""
        self.keys = self.lookup.keys if self.lookup is not None else frozenset()
        """The search keys of the name typed (none when it is no name)."""

    @property
    def usable(self) -> bool:
        """Whether the text reads as anything at all."""
        return bool(self.forms or self.birth or self.keys)

    def match(self, schema: str, prop: str, value: str) -> SearchMatch | None:
        """How the value a record states would match the search, or None. A name is scored
        whatever keys it shares: the caller passes only the names the search box would
        compare (those :meth:`compares`)."""
        if value in self.forms and prop in _identifier_props():
            return SearchMatch("exact identifier", 1.0, self.forms[value])
        if self.birth is not None and prop in BIRTH_PROPS:
            day, whole = self.birth
            if value == day or (not whole and value.startswith(day)):
                return SearchMatch("date of birth", 1.0 if whole else 0.9, f"date of birth {day}")
        if self.keys and prop in NAME_PROPS:
            score, how, reason = _judge(self.typed, value, prop, _comparator(schema, prop))
            if score >= MIN_NAME_SCORE:
                return SearchMatch(how, score, reason)
        return None

    def compares(self, shared: frozenset[str] | set[str], prop: str, value: str) -> bool:
        """Whether the search box compares name `value` (stated as `prop`) by a mention that
        shares the search keys `shared` with the text: it shares one, and
        :meth:`NameLookup.compares` lets it.

        >>> two = SavedSearch("Ardit Hoxha")
        >>> two.compares({"w:ardit", "w:hoxha"}, "name", "Ardit Hoxa")
        True
        >>> two.compares({"w:ardit"}, "name", "Ardit Berisha")  # one word of two met
        False
        >>> two.compares({"w:ardit"}, "alias", "Ardi")  # a lone name still may be
        True
        """
        if self.lookup is None or prop not in NAME_PROPS:
            return False
        shared = shared & self.keys
        return bool(shared) and self.lookup.compares(self.lookup.covered(shared), value, prop)
