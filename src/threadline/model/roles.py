"""Data-subject categories (DPA 2018 s38(3)) and the fact/opinion distinction on statements."""

from __future__ import annotations

from enum import StrEnum

from threadline.errors import ValidationError

__all__ = ["ExploitationType", "Role", "StatementKind", "parse_exploitation", "parse_role"]


class Role(StrEnum):
    """The role a person mention plays in a record."""

    VICTIM = "victim"
    POTENTIAL_VICTIM = "potential_victim"
    SUSPECT = "suspect"
    WITNESS = "witness"
    ASSOCIATE = "associate"
    REPORTING_PERSON = "reporting_person"
    UNKNOWN = "unknown"

    @property
    def is_victim(self) -> bool:
        """Victims and potential victims are safeguarded alike."""
        return self in (Role.VICTIM, Role.POTENTIAL_VICTIM)


_ROLE_SYNONYMS = {
    "pv": Role.POTENTIAL_VICTIM,
    "potential victim": Role.POTENTIAL_VICTIM,
    "possible victim": Role.POTENTIAL_VICTIM,
    "victim": Role.VICTIM,
    "suspect": Role.SUSPECT,
    "offender": Role.SUSPECT,
    "nominal": Role.SUSPECT,
    "subject": Role.UNKNOWN,
    "witness": Role.WITNESS,
    "associate": Role.ASSOCIATE,
    "reporting person": Role.REPORTING_PERSON,
    "informant": Role.REPORTING_PERSON,
    "caller": Role.REPORTING_PERSON,
    "unknown": Role.UNKNOWN,
    "": Role.UNKNOWN,
}


def parse_role(raw: str | None) -> Role:
    """Read a role as agencies write it.

    >>> [parse_role(r).value for r in ("PV", "Reporting_Person", None)]
    ['potential_victim', 'reporting_person', 'unknown']
    """
    text = " ".join((raw or "").replace("_", " ").replace("-", " ").lower().split())
    if text in _ROLE_SYNONYMS:
        return _ROLE_SYNONYMS[text]
    raise ValidationError(
        f"unknown data-subject role {raw!r}: expected one of " + ", ".join(r.value for r in Role)
    )


class StatementKind(StrEnum):
    """DPA 2018 s38(2): facts are kept apart from personal assessments."""

    FACT = "fact"
    OPINION = "opinion"


class ExploitationType(StrEnum):
    """NRM statistics categories (domain-standards.md §2.4)."""

    LABOUR = "labour"
    SEXUAL = "sexual"
    CRIMINAL = "criminal"
    DOMESTIC_SERVITUDE = "domestic_servitude"
    ORGAN_HARVESTING = "organ_harvesting"
    UNKNOWN = "unknown"


def parse_exploitation(raw: str | None) -> ExploitationType:
    """Read an exploitation type from NRM-style labels.

    >>> parse_exploitation("Labour exploitation"), parse_exploitation("county lines")
    (<ExploitationType.LABOUR: 'labour'>, <ExploitationType.CRIMINAL: 'criminal'>)
    """
    text = (raw or "").lower()
    for key, value in (
        ("domestic", ExploitationType.DOMESTIC_SERVITUDE),
        ("servitude", ExploitationType.DOMESTIC_SERVITUDE),
        ("labour", ExploitationType.LABOUR),
        ("labor", ExploitationType.LABOUR),
        ("financial", ExploitationType.LABOUR),
        ("sex", ExploitationType.SEXUAL),
        ("prostitution", ExploitationType.SEXUAL),
        ("criminal", ExploitationType.CRIMINAL),
        ("county", ExploitationType.CRIMINAL),
        ("cannabis", ExploitationType.CRIMINAL),
        ("organ", ExploitationType.ORGAN_HARVESTING),
    ):
        if key in text:
            return value
    return ExploitationType.UNKNOWN
