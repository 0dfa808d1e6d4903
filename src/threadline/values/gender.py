"""Gender as followthemoney records it: male, female or other."""

from __future__ import annotations

from typing import ClassVar

from followthemoney import registry as ftm

from threadline.values._text import squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["GenderType"]


class GenderType(ValueType):
    """Gender: "male", "female" or "other".

    >>> genders = GenderType()
    >>> [genders.clean(x).value for x in ("M", "Female", "girl", "X")]
    ['male', 'female', 'female', 'other']
    """

    name = "gender"
    label = "Gender"

    words: ClassVar[dict[str, str]] = {
        "man": "male",
        "boy": "male",
        "mr": "male",
        "woman": "female",
        "girl": "female",
        "mrs": "female",
        "ms": "female",
        "miss": "female",
        "x": "other",
        "non-binary": "other",
        "nonbinary": "other",
        "non binary": "other",
    }
    """Words in agency records that followthemoney's gender type does not know: child
    victims are recorded as "boy" or "girl", and passports carry "X"."""

    unknown: ClassVar[frozenset[str]] = frozenset({"u", "unk", "not specified", "not disclosed"})
    """Codes for an unrecorded gender: kept out of the value, flagged like other placeholders."""

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        return self._clean_text(raw, text)

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` as first written, squashing twice: the reference for it."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return self._clean_text(raw, squash(raw))

    def _clean_text(self, raw: str, squashed: str) -> Cleaned:
        text = squashed.casefold().strip(" .")
        if text in self.unknown:
            return Cleaned(raw, None, "gender recorded as unknown", ("unknown",))
        value = self.words.get(text) or ftm.gender.clean(text)
        if value is None:
            return Cleaned(raw, None, "not a recognised gender")
        return Cleaned(raw, value)

    def caption(self, value: str) -> str:
        return value.capitalize()
