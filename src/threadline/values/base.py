"""The contract every value kind follows: hints in, a :class:`Cleaned` out.

Partner agencies write the same value in many ways. A value type turns what they sent into
one canonical form, keeps the original beside it, and says in words when it could not.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

from threadline.values._text import is_placeholder, is_placeholder_squashed, squash

__all__ = ["DEFAULT_HINTS", "Cleaned", "Hints", "ValueType"]


@dataclass(frozen=True, slots=True)
class Hints:
    """Context a source mapping knows about its values and the value itself does not show."""

    country: str = "gb"
    """ISO 3166 alpha-2 default region for phones, postcodes and passports: most of our
    sources are UK agencies that write numbers in national form ("07911 123456")."""

    date_order: Literal["dmy", "mdy", "ymd"] = "dmy"
    """How to read an all-numeric date such as 05/09/2000: UK sources write the day first."""

    date_format: str | None = None
    """An explicit ``strptime`` format stated by a mapping; it beats every guess."""

    keep_time: bool = False
    """Keep a date's time of day ("2026-06-30T02:27:11"), for the times of events such as an
    ANPR read. Off by default: a date of birth or of a report is a day, and the times exports
    attach to such dates (often midnight) are dropped."""


DEFAULT_HINTS = Hints()


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A value as sent, beside the canonical form we could make of it.

    >>> Cleaned("07911 123456", "+447911123456").usable
    True
    >>> Cleaned("n/k", None, "placeholder for an unknown value", ("unknown",)).usable
    False
    """

    original: str
    """Exactly what the source held, so that an analyst can always see the evidence."""

    value: str | None
    """Canonical form; ``None`` when nothing usable could be made."""

    problem: str | None = None
    """Why the value is ``None``, partial or doubtful, in words an analyst reads. The ingest
    records it as a warning on the record, so nothing is lost silently."""

    flags: tuple[str, ...] = ()
    """Machine flags such as ``"partial"``, ``"raw"`` or ``"fictional_range"``, for code that
    must treat such values differently (a ``"raw"`` value is never a merge key)."""

    @property
    def usable(self) -> bool:
        """A canonical value exists (it may still carry flags or a problem)."""
        return self.value is not None

    @property
    def is_raw(self) -> bool:
        """The value is a fallback kept for exact matching, not a validated form."""
        return "raw" in self.flags


class ValueType(ABC):
    """One kind of value: how to clean, validate, compare, caption and place it in the graph."""

    name: ClassVar[str]
    """Registry key used by source mappings and statements, e.g. ``"phone"``."""

    label: ClassVar[str]
    """What the user interface calls this kind, e.g. ``"Phone number"``."""

    node_prefix: ClassVar[str | None] = None
    """Prefix of graph node ids. Kinds that people share (phones, emails, accounts, vehicles,
    addresses) are graph nodes so that links between people appear; dates are not."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass that forgets its key would register under another kind's name.
        if "name" not in cls.__dict__ or "label" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} must define 'name' and 'label'")

    @abstractmethod
    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """Turn what a source sent into a :class:`Cleaned` value, never raising on bad input."""

    def validate(self, raw: str, hints: Hints = DEFAULT_HINTS) -> bool:
        """True when ``raw`` cleans to a value with no problem and no raw fallback."""
        cleaned = self.clean(raw, hints)
        return cleaned.value is not None and cleaned.problem is None and not cleaned.is_raw

    def compare(self, left: str, right: str) -> float:
        """Similarity from 0 to 1 of two cleaned values."""
        return self.compare_detail(left, right)[0]

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        """Similarity of two cleaned values with a few words saying why."""
        if left == right:
            return 1.0, "same value"
        return 0.0, "different values"

    def caption(self, value: str) -> str:
        """How a cleaned value is shown to a person."""
        return value

    def node_id(self, value: str) -> str | None:
        """Graph node id of a cleaned value, or ``None`` when this kind is not a node."""
        if self.node_prefix is None:
            return None
        return f"{self.node_prefix}:{value}"

    def _empty_or_unknown(self, raw: str) -> Cleaned | None:
        """The answer for blank cells and placeholders such as "N/K", or ``None`` to go on."""
        text = squash(raw)
        if not text:
            return Cleaned(raw, None, "empty value", ("empty",))
        if is_placeholder(text):
            return Cleaned(raw, None, f"placeholder for an unknown value ({text!r})", ("unknown",))
        return None

    def _squashed(self, raw: str) -> Cleaned | str:
        """:meth:`_empty_or_unknown`'s answer, or else ``raw`` through :func:`squash`.

        The fast paths use this to squash each value once; the ``_clean_slow`` reference
        paths keep calling :meth:`_empty_or_unknown`, and the tests hold the two equal.
        """
        text = squash(raw)
        if not text:
            return Cleaned(raw, None, "empty value", ("empty",))
        if is_placeholder_squashed(text):
            return Cleaned(raw, None, f"placeholder for an unknown value ({text!r})", ("unknown",))
        return text

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
