"""Which comparator a name goes to, and the score at which it takes two names for one.

A person's name goes to :func:`threadline.values.name.compare_detail` (any script, Arabic
compounds and particles, Chinese and Korean romanisations, token alignment); a business's,
an organisation's or a vessel's to :func:`threadline.values.org_name.compare_org_names`
(legal forms, numbers, distinctive words), which :class:`~threadline.resolve.CompanyMatcher`
uses to compare business names. A legal entity (FtM ``LegalEntity``: either) is an
organisation when either name carries a legal form, else a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.values.name import PERSON_THRESHOLD, compare_detail
from threadline.values.org_name import ORGANISATION_THRESHOLD, compare_org_names, parse_org_name

__all__ = ["SCHEMAS", "NameScore", "compare_names"]

SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vessel")
"""The kinds of named thing a pair may be (FtM schema names)."""


@dataclass(frozen=True, slots=True)
class NameScore:
    """Two names compared by the comparator for their kind of thing."""

    score: float
    reason: str
    comparator: str
    """"person" or "organisation"."""
    threshold: float
    """The comparator's fixed operating threshold: at or above it, one name."""

    @property
    def same(self) -> bool:
        """Whether the comparator takes the two names for one."""
        return self.score >= self.threshold


def compare_names(left: str, right: str, schema: str = "Person") -> NameScore:
    """Compare two names of a ``schema`` (one of :data:`SCHEMAS`).

    >>> compare_names("Acme Incorporated", "Acme Inc.", "Company").same
    True
    >>> compare_names("Ivan Petrov", "Иван Петров", "LegalEntity").comparator
    'person'
    """
    if schema not in SCHEMAS:
        raise ValueError(f"schema {schema!r} is not one of {', '.join(SCHEMAS)}")
    organisation = schema in ("Company", "Organization", "Vessel") or (
        schema == "LegalEntity" and bool(parse_org_name(left).forms or parse_org_name(right).forms)
    )
    if organisation:
        score, reason = compare_org_names(left, right, vessel=schema == "Vessel")
        return NameScore(score, reason, "organisation", ORGANISATION_THRESHOLD)
    score, reason = compare_detail(left, right)
    return NameScore(score, reason, "person", PERSON_THRESHOLD)
