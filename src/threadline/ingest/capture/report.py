"""The standard intelligence report (national 3x5x2 form), validated field by field.

One :class:`IntelligenceReport` is what an officer submits from the browser form, the API or
``threadline capture``. Every rule is the intelligence model's own (`threadline.model`): the
grade is checked by ``grade_3x5x2`` (C needs conditions, P refuses them), the marking by
``parse_marking`` (SECRET and above refused), roles by ``parse_role``; values are cleaned by
the value types ingest uses, so a report is held exactly as a loaded row would be. A
validation error names its field (pydantic's ``loc``): :func:`field_errors` words them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from followthemoney import model as ftm
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from threadline.errors import ValidationError as ModelError
from threadline.ingest.extract import KINDS, extract
from threadline.ingest.mapping import (
    EXTENSION_PROPERTIES,
    VALUE_TYPES_BY_FTM_TYPE,
    VALUE_TYPES_BY_PROPERTY,
)
from threadline.model import (
    ExploitationType,
    HandlingCode,
    IntelligenceAssessment,
    Marking,
    RetentionGroup,
    Role,
    SourceEvaluation,
    StatementKind,
    grade_3x5x2,
    parse_marking,
    parse_retention_group,
    parse_role,
)
from threadline.untrusted import valid_agency_code
from threadline.values import DEFAULT_HINTS, get_type

__all__ = [
    "CLOCK_SKEW",
    "SUBJECT_SCHEMATA",
    "IdentifierDecision",
    "IntelligenceReport",
    "ReportStatement",
    "Subject",
    "SubjectKind",
    "clean_value",
    "field_errors",
    "report_schema",
    "value_type",
]

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a date and time may be (a device's clock running fast); beyond it a
report is refused: intelligence is about what has happened."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
"""A short required text (an officer's name, a reference)."""


class SubjectKind(StrEnum):
    """What a report's subject is, in the form's words."""

    PERSON = "person"
    BUSINESS = "business"
    PREMISES = "premises"
    VEHICLE = "vehicle"
    PHONE = "phone"
    EMAIL = "email"
    BANK_ACCOUNT = "bank_account"
    ONLINE_ACCOUNT = "online_account"


SUBJECT_SCHEMATA: dict[SubjectKind, str] = {
    SubjectKind.PERSON: "Person",
    SubjectKind.BUSINESS: "Company",
    SubjectKind.PREMISES: "Address",
    SubjectKind.VEHICLE: "Vehicle",
    SubjectKind.PHONE: "UserAccount",
    SubjectKind.EMAIL: "UserAccount",
    SubjectKind.BANK_ACCOUNT: "BankAccount",
    SubjectKind.ONLINE_ACCOUNT: "UserAccount",
}
"""The schema each kind of subject is held as: the ones the sources' mappings use, so that a
captured subject resolves with theirs. A phone or email on its own is an account (FtM's
UserAccount holds both); on a person, state it as the person's ``phone`` or ``email``."""

REQUIRED: dict[SubjectKind, str] = {SubjectKind.PHONE: "phone", SubjectKind.EMAIL: "email"}
"""The property a new subject of these kinds must state: it is what the subject is."""


def value_type(schema: str, prop: str) -> str | None:
    """The value type that cleans `prop` of `schema`, as a source mapping would choose it.

    >>> value_type("Person", "birthDate"), value_type("Vehicle", "registrationNumber")
    ('date', 'vrm')
    >>> value_type("Company", "name") is None  # a business name is not a personal name
    True
    """
    extension = EXTENSION_PROPERTIES.get(schema, {})
    if prop in extension:
        return extension[prop]
    found = ftm.get(schema)
    definition = found.get(prop) if found is not None else None
    if definition is None:
        return None
    chosen = VALUE_TYPES_BY_PROPERTY.get((schema, prop), VALUE_TYPES_BY_PROPERTY.get(prop))
    chosen = chosen or VALUE_TYPES_BY_FTM_TYPE.get(definition.type.name)
    if chosen == "name" and found is not None and not found.is_a("Person"):
        return None
    return chosen


def clean_value(schema: str, prop: str, text: str) -> tuple[str, tuple[str, ...]]:
    """(canonical value, flags) of one value a subject states; ValueError, in words, when its
    value type cannot read it (a capture is corrected by its author, not kept unparsed)."""
    kind = value_type(schema, prop)
    if kind is None:
        value = " ".join(text.split())
        if not value:
            raise ValueError(f"{prop}: empty")
        return value, ()
    cleaned = get_type(kind).clean(text, DEFAULT_HINTS)
    if cleaned.value is None:
        raise ValueError(f"{prop}: {text!r}: {cleaned.problem or 'not a ' + kind}")
    return cleaned.value, tuple(cleaned.flags)


def _check_properties(schema: str, props: dict[str, list[str]]) -> dict[str, list[str]]:
    found = ftm.get(schema)
    assert found is not None, schema
    extension = EXTENSION_PROPERTIES.get(schema, {})
    out: dict[str, list[str]] = {}
    for name, values in props.items():
        prop = found.get(name)
        if name not in extension and (prop is None or prop.stub or prop.type.name == "entity"):
            known = ", ".join(sorted(found.featured))
            raise ValueError(f"unknown property {name!r} for {schema} (for example: {known})")
        kept = [" ".join(v.split()) for v in values if v and not v.isspace()]
        for value in kept:
            clean_value(schema, name, value)
        if kept:
            out[name] = kept
    return out


class Subject(BaseModel):
    """A person, business, premises, vehicle, phone, email or account the report is about:
    an existing entity chosen from search (``entity_id``), or a new one (``properties``)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    kind: SubjectKind
    """What the subject is; it sets the schema the subject is held as."""
    entity_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None = (
        None
    )
    """An entity the author chose from search; the capture checks they may see it."""
    role: Role | None = None
    """The data-subject role (DPA 2018 s38(3)); a person's defaults to ``unknown``."""
    properties: dict[str, list[str]] = Field(default_factory=dict, validate_default=True)
    """FollowTheMoney properties of the subject's schema: ``{"name": ["Ana Pop"]}``; a single
    value may be given as a string."""

    @field_validator("entity_id")
    @classmethod
    def _chosen(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> object:
        if value is None or isinstance(value, Role):
            return value
        try:
            return parse_role(str(value))
        except ModelError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("properties", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("properties")
    @classmethod
    def _properties(cls, value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        kind = info.data.get("kind")
        if kind is None:
            return value
        checked = _check_properties(SUBJECT_SCHEMATA[kind], value)
        entity = info.data.get("entity_id")
        if not entity and not checked:
            raise ValueError(
                "a new subject needs at least one property (or choose an existing entity_id)"
            )
        required = REQUIRED.get(kind)
        if not entity and required is not None and required not in checked:
            raise ValueError(f"a new {kind.value} subject needs its {required!r}")
        return checked

    @property
    def schema_name(self) -> str:
        """The schema the subject is held as."""
        return SUBJECT_SCHEMATA[self.kind]


class ReportStatement(BaseModel):
    """One thing the report says, marked fact or opinion (DPA 2018 s38(2)), about one
    subject (its index in ``subjects``) or the report as a whole."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    """What the report says."""
    kind: StatementKind
    """``fact`` or ``opinion`` (a personal assessment)."""
    subject: Annotated[int, Field(ge=0)] | None = None
    """The index in ``subjects`` of the subject it is about; none: the report as a whole."""


class IdentifierDecision(BaseModel):
    """The author's decision on one identifier :func:`identifiers_in` found in the narrative:
    confirmed, it is held as a statement of fact; rejected, it is not held at all. Found but
    undecided, it is held as ingest holds free text: extracted, unverified."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    kind: str
    """The kind :func:`identifiers_in` gave (phone, vrm, postcode...)."""
    start: Annotated[int, Field(ge=0)]
    """Where it starts in the narrative, as :func:`identifiers_in` gave it."""
    end: Annotated[int, Field(ge=0)]
    """Where it ends (just past its last character)."""
    confirmed: bool
    """True: the author confirms it; false: the author rejects it."""

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown identifier kind {value!r}: expected one of {KINDS}")
        return value


def _code(value: object) -> object:
    return str(value).strip().upper() if isinstance(value, str | int) else value


class IntelligenceReport(BaseModel):
    """One intelligence report in the national 3x5x2 shape."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    agency: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    """The originating agency's code; the author must belong to it or hold its delivery
    right."""
    officer: Text
    """The reporting officer (name, or collar or staff number)."""
    source_reference: Text
    """The source's reference (URN, source or contact reference)."""
    intelligence_at: Annotated[date | datetime, Field(union_mode="left_to_right")]
    """When the intelligence was obtained (a date, or a date and time)."""
    reported_at: datetime
    """When the report was written."""
    source_evaluation: SourceEvaluation
    """3x5x2 source evaluation: 1 reliable, 2 untested, 3 not reliable."""
    intelligence_assessment: IntelligenceAssessment
    """3x5x2 intelligence assessment A-E."""
    handling_code: HandlingCode
    """3x5x2 handling code: P lawful sharing permitted, C permitted with conditions."""
    handling_conditions: list[str] = Field(default_factory=list, validate_default=True)
    """Required under C, refused under P."""
    marking: Marking
    """OFFICIAL or OFFICIAL-SENSITIVE; SECRET and above are refused."""
    retention_group: RetentionGroup = RetentionGroup.OTHER_OFFENCES
    """MoPI retention group (1, 2, 3 or other): sets the review date."""
    exploitation: list[ExploitationType] = Field(default_factory=list)
    """NRM exploitation types the report concerns."""
    subjects: list[Subject] = Field(default_factory=list)
    statements: list[ReportStatement] = Field(default_factory=list)
    narrative: Annotated[str, StringConstraints(max_length=100_000)] = ""
    """The report in the officer's words."""
    identifiers: list[IdentifierDecision] = Field(default_factory=list)
    """The author's decisions on the identifiers found in the narrative."""

    @field_validator("agency")
    @classmethod
    def _agency(cls, value: str) -> str:
        if not valid_agency_code(value):
            raise ValueError(
                f"agency code {value!r}: use lower-case letters, digits, - and _ (at most 64)"
            )
        return value

    @field_validator("source_evaluation", "intelligence_assessment", "handling_code",
                     mode="before")  # fmt: skip
    @classmethod
    def _codes(cls, value: object) -> object:
        return _code(value)

    @field_validator("handling_conditions", mode="before")
    @classmethod
    def _conditions_list(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("handling_conditions")
    @classmethod
    def _grade(cls, value: list[str], info: ValidationInfo) -> list[str]:
        parts = [info.data.get(n) for n in
                 ("source_evaluation", "intelligence_assessment", "handling_code")]  # fmt: skip
        if any(p is None for p in parts):
            return value  # the part at fault has its own error
        try:
            grade = grade_3x5x2(str(parts[0]), str(parts[1]), str(parts[2]), value)
        except ModelError as exc:
            raise ValueError(str(exc)) from None
        return list(grade.handling_conditions)

    @field_validator("marking", mode="before")
    @classmethod
    def _marking(cls, value: object) -> object:
        if isinstance(value, Marking):
            return value
        try:
            marking, translated = parse_marking(str(value))
        except ModelError as exc:
            raise ValueError(str(exc)) from None
        if translated:
            raise ValueError(
                f"{value!r} is a legacy GPMS marking: a new report is marked OFFICIAL or "
                "OFFICIAL-SENSITIVE"
            )
        return marking

    @field_validator("retention_group", mode="before")
    @classmethod
    def _group(cls, value: object) -> object:
        if isinstance(value, RetentionGroup):
            return value
        try:
            return parse_retention_group(value if isinstance(value, str | int) else str(value))
        except ModelError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("intelligence_at", "reported_at")
    @classmethod
    def _past(cls, value: datetime | date, info: ValidationInfo) -> datetime | date:
        moment = _aware(value)
        if moment > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError(f"{value.isoformat()} is in the future")
        if info.field_name == "reported_at":
            obtained = info.data.get("intelligence_at")
            if obtained is not None and _aware(obtained) > moment:
                raise ValueError(
                    f"the report ({value.isoformat()}) is dated before the intelligence it "
                    f"reports ({obtained.isoformat()})"
                )
        return value

    @field_validator("statements")
    @classmethod
    def _about(cls, value: list[ReportStatement], info: ValidationInfo) -> list[ReportStatement]:
        subjects = info.data.get("subjects")
        count = len(subjects) if subjects is not None else None
        for number, statement in enumerate(value):
            if statement.subject is not None and count is not None and statement.subject >= count:
                raise ValueError(
                    f"statement {number} is about subject {statement.subject}, but the report "
                    f"has {count} subject{'s' if count != 1 else ''} (numbered from 0)"
                )
        return value

    @field_validator("identifiers")
    @classmethod
    def _found(
        cls, value: list[IdentifierDecision], info: ValidationInfo
    ) -> list[IdentifierDecision]:
        narrative = info.data.get("narrative")
        if narrative is None:
            return value
        found = {(e.kind, e.start, e.end) for e in extract(narrative, DEFAULT_HINTS)}
        seen: set[tuple[str, int, int]] = set()
        for number, decision in enumerate(value):
            key = (decision.kind, decision.start, decision.end)
            if key not in found:
                raise ValueError(
                    f"decision {number}: the narrative has no {decision.kind} at "
                    f"{decision.start}-{decision.end} (see identifiers_in)"
                )
            if key in seen:
                raise ValueError(f"decision {number}: {decision.kind} at {decision.start}-"
                                 f"{decision.end} is decided twice")  # fmt: skip
            seen.add(key)
        return value

    @property
    def reported_on(self) -> date:
        """The day of the report: the review date counts from it, as ingest counts from a
        record's date."""
        return self.reported_at.date()


def _aware(value: datetime | date) -> datetime:
    """A moment to compare: a date is the start of its day, a time without a zone is UTC."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def report_schema() -> dict[str, Any]:
    """The report's JSON schema (what ``POST /api/v1/intelligence`` accepts)."""
    return IntelligenceReport.model_json_schema()


def field_errors(error: ValidationError) -> list[str]:
    """Each error as ``field.path: message``, the field named as the JSON names it.

    >>> try:
    ...     IntelligenceReport.model_validate({"marking": "SECRET"})
    ... except ValidationError as exc:
    ...     print(next(e for e in field_errors(exc) if e.startswith("marking")))
    marking: marking 'SECRET' refused: Threadline is accredited for OFFICIAL and \
OFFICIAL-SENSITIVE only
    """
    out = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "report"
        message = str(item["msg"]).removeprefix("Value error, ")
        out.append(f"{where}: {message}")
    return out
