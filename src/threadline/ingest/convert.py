"""Turning one source row into one record, its mentions and their statements.

Nothing is lost silently: every value keeps its original beside the cleaned form; a value that
cannot be cleaned is kept as written, flagged ``unparsed``, and named in the record's warnings.
A row that breaks a rule of the intelligence model (no key, a bad grade, a SECRET marking, an
unknown role) is rejected with the column and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal, NamedTuple, cast

from threadline.errors import ValidationError
from threadline.ingest.extract import Extraction
from threadline.ingest.mapping import EntitySpec, Mapping, ValueSpec, template_fields
from threadline.ingest.readers import Row
from threadline.model import (
    SCHEME_3X5X2,
    Grade,
    grade_3x5x2,
    grade_5x5x5,
    parse_marking,
    parse_retention_group,
    parse_role,
    review_date,
)
from threadline.model.links import LinkType, link_types
from threadline.untrusted import printable
from threadline.values import Cleaned, Hints, get_type

__all__ = [
    "FORMULA_PREFIXES",
    "Converter",
    "MentionDraft",
    "RecordDraft",
    "RowError",
    "StatementDraft",
    "attributed",
    "value_statements",
]

FORMULA_PREFIXES = ("=", "+", "-", "@")
"""Cell openings a spreadsheet would evaluate: stored as data, flagged for safe export."""

EXTRACTED_PROPS = {
    "phone": "phoneMentioned",
    "email": "emailMentioned",
    "iban": "ibanMentioned",
    "name": "peopleMentioned",
    "place": "locationMentioned",
    "postcode": "postcodeMentioned",
    "vrm": "vehicleMentioned",
    "account": "accountMentioned",
    "sortcode": "sortCodeMentioned",
    "ninumber": "identifierMentioned",
    "passport": "identifierMentioned",
    "date": "dateMentioned",
}
"""Property on the record's Note mention for each kind of value found in free text. Those not
in FollowTheMoney's Note schema are Threadline extensions (docs/mappings.md)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row was rejected, and where."""

    line: int
    column: str | None
    reason: str
    location: str = ""

    def __post_init__(self) -> None:
        # The reason and column quote the file: echoed, they must not drive a terminal.
        object.__setattr__(self, "reason", printable(self.reason))
        if self.column is not None:
            object.__setattr__(self, "column", printable(self.column))

    def describe(self, file: str) -> str:
        """file:row:column: reason, the form an analyst can find in the file.

        >>> RowError(3, "name\\x1b[31m", "bad").describe("intel.csv")
        'intel.csv:3:name\\\\x1b[31m: bad'
        """
        column = f":{self.column}" if self.column else ""
        return f"{printable(file)}:{self.line}{column}: {self.reason}"


class StatementDraft(NamedTuple):
    """One value a record states about a mention.

    The fields are the statements table's columns after the record, mention and schema, in
    its order and database form, so that the writer makes a row with one tuple join.
    """

    prop: str
    value: str
    original: str
    kind: Literal["fact", "opinion"] = "fact"
    origin: Literal["structured", "extracted", "derived"] = "structured"
    span_start: int | None = None
    span_end: int | None = None
    flags: str = "[]"
    """The flags (``unparsed``, ``partial``, ``unverified``...) as the JSON list stored."""


@lru_cache(maxsize=4096)
def _flags_json(flags: tuple[str, ...]) -> str:
    """Flags as the JSON list a statement stores (few distinct sets: cached).

    >>> _flags_json(("partial",)), _flags_json(())
    ('["partial"]', '[]')
    """
    return json.dumps(list(flags), ensure_ascii=False, separators=(",", ":")) if flags else "[]"


@dataclass(slots=True)
class MentionDraft:
    """A person, premises, business, thing or link as one record describes it."""

    id: str
    schema: str
    slot: str
    role: str | None
    statements: list[StatementDraft] = field(default_factory=list)
    caption: str = ""
    index: int | None = None
    """Position in a JSON list, for mappings that make one mention per list element."""
    external: bool = False
    """A mention another record made, named only so that a link can point at it."""


@dataclass(slots=True)
class RecordDraft:
    """One row, ready to write."""

    key: str
    line: int
    location: str
    grading_scheme: str
    source_evaluation: str
    information_assessment: str
    handling_code: str
    handling_conditions: list[str]
    marking: str
    original_marking: str | None
    retention_group: str
    review_date: date
    reported_on: date | None
    raw: dict[str, str]
    warnings: list[str]
    flags: list[str]
    mentions: list[MentionDraft]


class _Reject(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


_parse_role = lru_cache(maxsize=1024)(parse_role)
_parse_marking = lru_cache(maxsize=1024)(parse_marking)
_parse_group = lru_cache(maxsize=1024)(parse_retention_group)
_review_date = lru_cache(maxsize=16_384)(review_date)


@lru_cache(maxsize=4096)
def _grade(scheme: str, source: str, information: str, handling: str, conditions: str) -> Grade:
    if scheme == SCHEME_3X5X2:
        return grade_3x5x2(source, information, handling, conditions or None)
    return grade_5x5x5(source, information, handling)


@lru_cache(maxsize=200_000)
def _clean(type_name: str, raw: str, hints: Hints) -> Cleaned:
    return get_type(type_name).clean(raw, hints)


MEMO_SIZE = 100_000
"""Distinct cells remembered per property, with the statements and warnings each makes: names,
dates, postcodes and places repeat across a file, so most cells are cleaned once. A full memo
is emptied and refilled, which bounds memory on files of mostly unique values."""

Single = Callable[[dict[str, str]], tuple[str, str | None]]
"""Reads a spec's one value from a row: (text, column), as :meth:`Converter._single` does."""

Outcome = tuple[tuple[StatementDraft, ...], tuple[str, ...]]
"""The statements a cell makes and the warnings it raises."""


@dataclass(slots=True)
class _Property:
    """One property of an entity, prepared once per file: where its text comes from, and the
    memo of what each text cleans to."""

    prop: str
    spec: ValueSpec
    column: str | None
    """The column, when the spec reads exactly one (the common case, read without a list)."""
    derived: tuple[StatementDraft, ...] | None
    """The statement of a constant-only spec (the same on every row)."""
    memo: dict[Any, Outcome] = field(default_factory=dict)


@dataclass(slots=True)
class _Entity:
    """An entity spec prepared once per file."""

    spec: EntitySpec
    properties: list[_Property]
    role: Single | None


class Converter:
    """Applies one mapping to rows."""

    def __init__(self, mapping: Mapping, agency: str, *, today: date | None = None) -> None:
        self.mapping = mapping
        self.prefix = f"{agency}/{mapping.name}"
        """Mention ids are {agency}/{mapping}:{record key}:{slot}: stable across re-loads and
        unique wherever the record is (a record is unique per agency, source and key)."""
        self.today = today or date.today()
        order = cast(Literal["dmy", "mdy", "ymd"], mapping.date_order)
        self.hints = Hints(country=str(mapping.options.get("country", "gb")), date_order=order)
        self.link_types = link_types()
        g = mapping.record.grading
        self._grading = (self._coded(g.source), self._coded(g.information),
                         self._coded(g.handling))  # fmt: skip
        self._conditions = self._getter(g.conditions) if g.conditions else None
        self._marking = self._getter(mapping.record.marking)
        self._group = self._getter(mapping.record.retention_group)
        reported = mapping.record.reported_on
        self._reported = self._getter(reported) if reported is not None else None
        self._reported_memo: dict[tuple[str, str | None], tuple[date | None, str | None]] = {}
        self._entities = {id(e): self._prepare(e) for e in mapping.entities if e.ref is None}

    def convert(self, row: Row) -> RecordDraft | RowError:
        """The record a row makes, or why it is rejected."""
        if row.error:
            return RowError(row.number, row.column, row.error, row.location)
        try:
            return self._convert(row)
        except _Reject as exc:
            return RowError(row.number, exc.column, exc.reason, row.location)

    # -- preparing the mapping -------------------------------------------------------------------

    def _getter(self, spec: ValueSpec) -> Single:
        """:meth:`_single` for `spec`, without its general case when the spec is a constant or
        reads one column."""
        if not spec.columns and spec.constant is not None:
            constant: tuple[str, str | None] = (spec.constant, None)
            return lambda _values: constant
        if len(spec.columns) == 1 and spec.join is None and not spec.wildcard:
            column = spec.columns[0]
            missing: tuple[str, str | None] = (
                (spec.constant, None) if spec.constant is not None else ("", column)
            )

            def single(values: dict[str, str]) -> tuple[str, str | None]:
                text = values.get(column, "")
                return (text, column) if text and not text.isspace() else missing

            return single
        return lambda values: self._single(spec, values)

    def _coded(self, spec: ValueSpec) -> Single:
        """:meth:`_getter` for a grade part, reading the source's words through its ``map``."""
        read = self._getter(spec)
        if not spec.codes:
            return read

        def coded(values: dict[str, str]) -> tuple[str, str | None]:
            text, column = read(values)
            return spec.read_code(text), column

        return coded

    def _prepare(self, spec: EntitySpec) -> _Entity:
        properties = []
        for prop, vspec in spec.properties.items():
            derived = None
            if vspec.constant is not None and not vspec.columns:
                derived = (StatementDraft(prop, vspec.constant, vspec.constant, origin="derived"),)
            simple = len(vspec.columns) == 1 and vspec.join is None and not vspec.wildcard
            properties.append(_Property(prop, vspec, vspec.columns[0] if simple else None, derived))
        role = self._getter(spec.role) if spec.role is not None else None
        return _Entity(spec, properties, role)

    # -- helpers ---------------------------------------------------------------------------------

    def _raw_values(self, spec: ValueSpec, values: dict[str, str]) -> list[tuple[str, str | None]]:
        """(text, column) pairs a value spec yields for a row; empty cells give nothing."""
        columns = spec.columns
        if len(columns) == 1 and spec.join is None and not spec.wildcard:
            text = values.get(columns[0], "")
            return [(text, columns[0])] if text and not text.isspace() else []
        if spec.constant is not None and not columns:
            return [(spec.constant, None)]
        if spec.join is not None:
            parts = [values.get(c, "").strip() for c in spec.columns]
            text = spec.join.join(p for p in parts if p)
            return [(text, spec.columns[0])] if text else []
        out: list[tuple[str, str | None]] = []
        for column in spec.columns:
            if column.endswith(".*"):
                stem = column[:-1]
                for key in sorted(k for k in values if k.startswith(stem)):
                    if key[len(stem) :].isdigit() and values[key].strip():
                        out.append((values[key], key))
                continue
            text = values.get(column, "")
            if text.strip():
                out.append((text, column))
        return out

    def _single(self, spec: ValueSpec, values: dict[str, str]) -> tuple[str, str | None]:
        found = self._raw_values(spec, values)
        if found:
            return found[0]
        if spec.constant is not None:
            return spec.constant, None
        return "", spec.columns[0] if spec.columns else None

    def _hints(self, spec: ValueSpec) -> Hints:
        if spec.format or spec.keep_time:
            return Hints(self.hints.country, self.hints.date_order, spec.format, spec.keep_time)
        return self.hints

    # -- the record ------------------------------------------------------------------------------

    def _convert(self, row: Row) -> RecordDraft:
        m = self.mapping
        values = row.values
        key_parts = [values.get(c, "").strip() for c in m.key] if m.key else []
        if m.key and not all(key_parts):
            missing = next(c for c, v in zip(m.key, key_parts, strict=True) if not v)
            raise _Reject(missing, "the key column is empty: a row must be identifiable")
        if m.key:
            key = ":".join(key_parts)
        elif m.format == "ftm":
            key = str(row.extra.get("json", {}).get("id") or "")
            if not key:
                raise _Reject("id", "a FollowTheMoney entity needs an id")
        else:
            key = values.get("file", str(row.number))
        warnings: list[str] = []
        flags: list[str] = []
        parts = [read(values) for read in self._grading]
        conditions = self._conditions(values)[0] if self._conditions else ""
        try:
            grade = _grade(m.record.grading.scheme, parts[0][0], parts[1][0], parts[2][0],
                           conditions)  # fmt: skip
        except ValidationError as exc:
            raise _Reject(_grade_column(str(exc), parts), str(exc)) from None
        marking_text, marking_column = self._marking(values)
        try:
            marking, translated = _parse_marking(marking_text)
        except ValidationError as exc:
            raise _Reject(marking_column, str(exc)) from None
        if translated:
            warnings.append(
                f"legacy marking {marking_text.strip()!r} read as {marking.value}; "
                "the original is kept"
            )
        group_text, group_column = self._group(values)
        try:
            group = _parse_group(group_text)
        except ValidationError as exc:
            raise _Reject(group_column, str(exc)) from None
        reported_on = None
        if self._reported is not None:
            reported_on = self._reported_on(self._reported(values), warnings)
        for column, text in values.items():
            if text[:1] in FORMULA_PREFIXES and not column.startswith("_"):
                flags.append(f"formula-like:{column}")
        mentions = self._mentions(row, key, warnings)
        return RecordDraft(
            key=key,
            line=row.number,
            location=row.location,
            grading_scheme=grade.scheme,
            source_evaluation=grade.source,
            information_assessment=grade.information,
            handling_code=grade.handling,
            handling_conditions=list(grade.handling_conditions),
            marking=marking.value,
            original_marking=marking_text.strip() if translated else None,
            retention_group=group.value,
            review_date=_review_date(group, reported_on or self.today),
            reported_on=reported_on,
            raw={k: v for k, v in values.items() if not k.startswith("_")},
            warnings=[printable(w) for w in warnings] if warnings else warnings,
            flags=flags,
            mentions=mentions,
        )

    def _reported_on(self, found: tuple[str, str | None], warnings: list[str]) -> date | None:
        """The date a record reports on, or None with a warning when it is not a full date."""
        text, column = found
        if not text.strip():
            return None
        known = self._reported_memo.get(found)
        if known is None:
            assert self.mapping.record.reported_on is not None
            cleaned = _clean("date", text, self._hints(self.mapping.record.reported_on))
            if cleaned.value and len(cleaned.value) >= 10:  # a kept time is more than a day
                known = (date.fromisoformat(cleaned.value[:10]), None)
            else:
                problem = cleaned.problem or "partial"
                known = (None, f"{column}: {text!r} is not a full date ({problem})")
            if len(self._reported_memo) >= MEMO_SIZE:
                self._reported_memo.clear()
            self._reported_memo[found] = known
        if known[1] is not None:
            warnings.append(known[1])
        return known[0]

    # -- mentions --------------------------------------------------------------------------------

    def _mentions(self, row: Row, key: str, warnings: list[str]) -> list[MentionDraft]:
        m = self.mapping
        prefix = f"{self.prefix}:{key}"
        if m.format == "ftm":
            return [self._ftm_mention(row, warnings)]
        by_slot: dict[str, list[MentionDraft]] = {}
        for spec in m.entities:
            if spec.ref is not None:
                target = self._reference(spec, row.values)
                if target is not None:
                    by_slot[spec.slot] = [target]
                continue
            entity = self._entities[id(spec)]
            if spec.each is None:
                mention = self._mention(entity, f"{prefix}:{spec.slot}", row.values, warnings)
                if mention is not None:
                    by_slot[spec.slot] = [mention]
                continue
            for index, values in self._instances(spec, row):
                mention_id = f"{prefix}:{spec.slot}" + (f":{index}" if index is not None else "")
                mention = self._mention(entity, mention_id, values, warnings)
                if mention is not None:
                    mention.index = index
                    by_slot.setdefault(spec.slot, []).append(mention)
        out = [m for group in by_slot.values() for m in group if not m.external]
        for link in m.links:
            kind = self.link_types[link.type]
            for source in by_slot.get(link.source, []):
                for target in by_slot.get(link.target, []):
                    statements = _link_ends(kind, source, target, link.type)
                    if link.start is not None:
                        text, _ = self._single(link.start, row.values)
                        cleaned = _clean("date", text, self._hints(link.start)) if text else None
                        if cleaned is not None and cleaned.value:
                            statements.append(StatementDraft("startDate", cleaned.value, text))
                    out.append(
                        MentionDraft(
                            id=f"{prefix}:{_end(source)}-{link.type}-{_end(target)}",
                            schema=kind.schema,
                            slot=f"{link.source}-{link.type}-{link.target}",
                            role=None,
                            statements=statements,
                            caption=f"{source.caption} {kind.label} {target.caption}",
                        )
                    )
        about = by_slot.get(m.record.text_about or "", [None])[0]
        for column in m.record.text:
            text = row.values.get(column, "")
            if text.strip():
                out.extend(self._extracted(f"{prefix}:text:{column}", column, text, about))
        return out

    def _reference(self, spec: EntitySpec, values: dict[str, str]) -> MentionDraft | None:
        """The mention another record makes, from the entity's id template; None when a
        column it needs is empty."""
        assert spec.ref is not None
        fields = {k: v.strip() for k, v in values.items()}
        fields["agency"] = self.prefix.split("/", 1)[0]
        if not all(fields.get(name) for name in template_fields(spec.ref)):
            return None
        key = spec.ref.format_map(fields)
        return MentionDraft(key, spec.schema, spec.slot, None, external=True, caption=key)

    def _ftm_mention(self, row: Row, warnings: list[str]) -> MentionDraft:
        """One FollowTheMoney entity as one mention; entity-typed values point at the
        mentions of the other entities in the same stream."""
        from followthemoney import model

        data = row.extra.get("json", {})
        schema = model.get(str(data.get("schema", "")))
        if schema is None:
            raise _Reject("schema", f"unknown FollowTheMoney schema {data.get('schema')!r}")
        properties = data.get("properties") or {}
        if not isinstance(properties, dict):
            raise _Reject("properties", "'properties' must be an object of lists")
        statements: list[StatementDraft] = []
        for name, items in properties.items():
            prop = schema.get(name)
            if prop is None:
                warnings.append(f"properties.{name}: not a property of {schema.name}; kept as text")
            for item in items if isinstance(items, list) else [items]:
                text = str(item)
                if prop is not None and prop.type.name == "entity":
                    target = f"{self.prefix}:{text}:entity"
                    statements.append(StatementDraft(name, target, text))
                    continue
                vtype = None
                if prop is not None:
                    from threadline.ingest.mapping import VALUE_TYPES_BY_FTM_TYPE

                    vtype = VALUE_TYPES_BY_FTM_TYPE.get(prop.type.name)
                spec = ValueSpec(type=vtype)
                made, problems = self._statements(name, spec, text, f"properties.{name}")
                statements.extend(made)
                warnings.extend(problems)
        return MentionDraft(
            id=f"{self.prefix}:{data['id']}:entity",
            schema=schema.name,
            slot="entity",
            role="unknown" if schema.is_a("Person") else None,
            statements=statements,
            caption=_caption(statements, schema.name),
        )

    def _instances(self, spec: EntitySpec, row: Row) -> list[tuple[int | None, dict[str, str]]]:
        if spec.each is None:
            return [(None, row.values)]
        from threadline.ingest.readers import flatten

        items: Any = row.extra.get("json", {})
        for part in spec.each.split("."):
            items = items.get(part) if isinstance(items, dict) else None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            return []
        return [(i, flatten(item)) for i, item in enumerate(items) if isinstance(item, dict)]

    def _mention(
        self, entity: _Entity, mention_id: str, values: dict[str, str], warnings: list[str]
    ) -> MentionDraft | None:
        statements: list[StatementDraft] = []
        stated = False
        """Whether the row gave a value (a mention of constants alone is not made)."""
        for p in entity.properties:
            if p.column is not None:
                text = values.get(p.column, "")
                if not text or text.isspace():
                    continue
                outcome = p.memo.get(text)
                if outcome is None:
                    outcome = self._statements(p.prop, p.spec, text, p.column)
                    _remember(p.memo, text, outcome)
            elif p.derived is not None:
                statements.extend(p.derived)
                continue
            else:
                for text, column in self._raw_values(p.spec, values):
                    outcome = p.memo.get((text, column))
                    if outcome is None:
                        outcome = self._statements(p.prop, p.spec, text, column)
                        _remember(p.memo, (text, column), outcome)
                    made, problems = outcome
                    stated = stated or bool(made)
                    statements.extend(made)
                    warnings.extend(problems)
                continue
            made, problems = outcome
            if made:
                stated = True
                statements.extend(made)
            if problems:
                warnings.extend(problems)
        if not stated:
            return None
        spec = entity.spec
        role = None
        if entity.role is not None:
            text, column = entity.role(values)
            try:
                role = _parse_role(text).value
            except ValidationError as exc:
                raise _Reject(column, str(exc)) from None
        elif spec.schema == "Person":
            role = "unknown"
        return MentionDraft(
            id=mention_id,
            schema=spec.schema,
            slot=spec.slot,
            role=role,
            statements=statements,
            caption=_caption(statements, spec.schema),
        )

    def _statements(self, prop: str, spec: ValueSpec, text: str, column: str | None) -> Outcome:
        """The statements one cell makes (the cleaned value first, then any derived from it)
        and the warnings it raises; a cell of several values (`split_on`) makes those of each
        non-empty part in turn, the part (stripped) being its original."""
        if spec.split_on is None:
            return self._value(prop, spec, text, column)
        made: list[StatementDraft] = []
        problems: list[str] = []
        for part in text.split(spec.split_on):
            if part and not part.isspace():
                statements, warnings = self._value(prop, spec, part.strip(), column)
                made.extend(statements)
                problems.extend(warnings)
        return tuple(made), tuple(problems)

    def _value(self, prop: str, spec: ValueSpec, text: str, column: str | None) -> Outcome:
        """The statements one value makes (:func:`value_statements`)."""
        return value_statements(prop, spec, text, column, self._hints(spec), self.hints)

    def _extracted(
        self, mention_id: str, column: str, text: str, about: MentionDraft | None = None
    ) -> list[MentionDraft]:
        """The text's Note (every value found in it), then the people it names with what its
        sentences say each uses and is (:mod:`threadline.ingest.attribute`), and where it says
        the person the record is `about` was kept."""
        from threadline.ingest.extract import extract

        statements = [StatementDraft("description", f"free text in {column}", column)]
        everything = extract(text, self.hints)
        for found in everything:
            prop = EXTRACTED_PROPS.get(found.kind)
            if prop is None:
                continue
            statements.append(
                StatementDraft(
                    prop,
                    found.value or found.text,
                    found.text,
                    origin="extracted",
                    span_start=found.start,
                    span_end=found.end,
                    flags=_flags_json(("unverified", *found.flags)),
                )
            )
        note = MentionDraft(
            id=mention_id,
            schema="Note",
            slot=f"text:{column}",
            role=None,
            statements=statements,
            caption=f"Text of {column}",
        )
        return [note, *self._attributed(mention_id, column, text, everything, about)]

    def _attributed(
        self,
        prefix: str,
        column: str,
        text: str,
        found: list[Extraction],
        about: MentionDraft | None = None,
    ) -> list[MentionDraft]:
        """The people `text` names and what its sentences say they use and are
        (:func:`attributed`)."""
        return attributed(prefix, column, text, found, self.hints, self.link_types, about=about)


THINGS: dict[str, tuple[str, str]] = {
    "phone": ("Person", "phone"),
    "vrm": ("Vehicle", "registrationNumber"),
    "account": ("BankAccount", "accountNumber"),
    "iban": ("BankAccount", "iban"),
    "place": ("Address", "full"),
}
"""The schema and property of each kind of value a sentence attributes to a person (a phone is
a property of the person; the others are things of their own, linked to the person)."""

_TEXT_NAME = ValueSpec(type="name", split=True)
"""A name a text gives: cleaned and split as a name column is."""


def value_statements(
    prop: str,
    spec: ValueSpec,
    text: str,
    column: str | None,
    hints: Hints,
    name_hints: Hints | None = None,
) -> Outcome:
    """The statements one value makes (the cleaned value first, then any derived from it: a
    name's parts, split with `name_hints`, else `hints`) and the warnings it raises."""
    original = text
    if spec.type is None:
        value = " ".join(text.split())
        return ((StatementDraft(prop, value, original),) if value else ()), ()
    cleaned = _clean(spec.type, text, hints)
    if cleaned.value is None:
        placeholder = "unknown" in cleaned.flags or "empty" in cleaned.flags
        problems: tuple[str, ...] = ()
        if cleaned.problem and (not placeholder or "no_fixed_abode" in cleaned.flags):
            problems = (f"{column}: {cleaned.problem}",)
        if placeholder:
            return (), problems
        unparsed = StatementDraft(prop, original.strip(), original, flags='["unparsed"]')
        return (unparsed,), problems
    problems = (f"{column}: {cleaned.problem}",) if cleaned.problem else ()
    out = [StatementDraft(prop, cleaned.value, original, flags=_flags_json(cleaned.flags))]
    if spec.split and spec.type == "name":
        from threadline.values.name import parse_name

        parts = parse_name(text, hints=name_hints or hints)
        for part_prop, part in (
            ("firstName", parts.given),
            ("middleName", " ".join(parts.middle) or None),
            ("lastName", parts.family),
        ):
            if part:
                out.append(StatementDraft(part_prop, part, original, origin="derived"))
    return tuple(out), problems


def attributed(
    prefix: str,
    column: str,
    text: str,
    found: list[Extraction],
    hints: Hints,
    kinds: dict[str, LinkType],
    refused: Collection[tuple[int, int]] = (),
    about: MentionDraft | None = None,
) -> list[MentionDraft]:
    """A Person mention for each person `text` names (their names, the sentences that speak
    of them, the functions those give them, the phones they use), the vehicles, accounts
    and addresses the sentences say they use, each linked to its user, and the businesses
    they say a person runs something at (an Organization, linked ``runs``)
    (:mod:`threadline.ingest.attribute`). Every statement is marked extracted and unverified,
    and its span is where the text says it. Mention ids start with `prefix` (the id of the
    text's Note); `found` is what :func:`threadline.ingest.extract.extract` found in the
    text, and `kinds` the link types by name. A place the text says the person the record is
    `about` was kept at ("kept at 10 Ironcroft Lane") is linked to that mention; without one
    it stays on the Note. A loaded row's free-text columns and a captured
    report's narrative are read alike."""
    from threadline.ingest.attribute import read_text

    reading = read_text(text, found, hints)
    people: list[MentionDraft] = []
    for number, named in enumerate(reading.people):
        statements: list[StatementDraft] = []
        for name, start, end in [(named.name, named.start, named.end), *named.aliases]:
            made, _ = value_statements("name", _TEXT_NAME, name, column, hints)
            prop = "name" if start == named.start else "alias"
            statements.extend(
                _said(s._replace(prop=prop) if s.prop == "name" else s, start, end)
                for s in made
                if prop == "name" or s.prop == "name"
            )
        statements += [
            _said(StatementDraft("position", function, function), named.start, named.end)
            for function in named.functions
        ]
        statements += [
            _said(StatementDraft("description", text[a:b], text[a:b]), a, b)
            for a, b in named.sentences
        ]
        people.append(
            MentionDraft(
                id=f"{prefix}:person{number}",
                schema="Person",
                slot=f"text:{column}:person{number}",
                role=named.role,
                statements=statements,
                caption=named.name,
            )
        )
    out = list(people)
    for number, said in enumerate(reading.attributions):
        if any(a < said.item.end and said.item.start < b for a, b in refused):
            continue
        person = about if said.person is None else people[said.person]
        if person is None:
            continue  # kept somewhere, but the mapping names no one the text is about
        value = said.item.value or said.item.text
        item = StatementDraft(THINGS[said.item.kind][1], value, said.item.text)
        item = _said(item, said.item.start, said.item.end, said.item.flags)
        if said.link == "phone":
            person.statements.append(item)
            continue
        thing = MentionDraft(
            id=f"{prefix}:{said.item.kind}{number}",
            schema=THINGS[said.item.kind][0],
            slot=f"text:{column}:{said.item.kind}{number}",
            role=None,
            statements=[item],
            caption=value,
        )
        link = _text_link(kinds[said.link], person, said.link, thing, text, said.sentence)
        out += [thing, link]
    for relation in reading.relations:
        source, target = people[relation.source], people[relation.target]
        kind = kinds[relation.kind]
        out.append(_text_link(kind, source, relation.kind, target, text, relation.sentence))
    businesses: dict[str, MentionDraft] = {}
    runs: set[tuple[int, str]] = set()
    for named_business in reading.businesses:
        key = " ".join(named_business.name.lower().split())
        business = businesses.get(key)
        if business is None:
            called = _said(
                StatementDraft("name", named_business.name, named_business.name),
                named_business.start,
                named_business.end,
            )
            business = businesses[key] = MentionDraft(
                id=f"{prefix}:organisation{len(businesses)}",
                schema="Organization",
                slot=f"text:{column}:organisation{len(businesses)}",
                role=None,
                statements=[called],
                caption=named_business.name,
            )
            out.append(business)
        if (named_business.person, business.id) in runs:
            continue  # said again: the first sentence is the link's
        runs.add((named_business.person, business.id))
        person = people[named_business.person]
        out.append(_text_link(kinds["runs"], person, "runs", business, text,
                              named_business.sentence))  # fmt: skip
    return out


def _text_link(
    kind: LinkType,
    source: MentionDraft,
    link_type: str,
    target: MentionDraft,
    text: str,
    sentence: tuple[int, int],
) -> MentionDraft:
    """A link of `kind` (named `link_type`) a sentence states, the sentence its description."""
    start, end = sentence
    statements = [
        *_link_ends(kind, source, target, link_type),
        _said(StatementDraft("description", text[start:end], text[start:end]), start, end),
    ]
    return MentionDraft(
        id=f"{source.id}-{link_type}-{target.slot.rsplit(':', 1)[-1]}",
        schema=kind.schema,
        slot=f"{source.slot}-{link_type}-{target.slot.rsplit(':', 1)[-1]}",
        role=None,
        statements=statements,
        caption=f"{source.caption} {kind.label} {target.caption}",
    )


def _link_ends(
    kind: LinkType, source: MentionDraft, target: MentionDraft, link_type: str
) -> list[StatementDraft]:
    """A link's two ends and what it is: a ``relationship`` between people (Associate,
    Family), else a ``role``."""
    label = "relationship" if kind.schema in ("Associate", "Family") else "role"
    return [
        StatementDraft(kind.source_prop, source.id, source.id),
        StatementDraft(kind.target_prop, target.id, target.id),
        StatementDraft(label, kind.label, link_type),
    ]


def _said(
    statement: StatementDraft, start: int, end: int, flags: tuple[str, ...] = ()
) -> StatementDraft:
    """``statement`` as what a text says at ``start:end``: extracted, unverified, attributed."""
    return statement._replace(
        origin="extracted",
        span_start=start,
        span_end=end,
        flags=_flags_json(("unverified", "attributed", *flags)),
    )


def _remember(memo: dict[Any, Outcome], key: object, outcome: Outcome) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = outcome


def _end(mention: MentionDraft) -> str:
    return mention.slot if mention.index is None else f"{mention.slot}.{mention.index}"


def _caption(statements: list[StatementDraft], schema: str = "") -> str:
    """What a mention is called: its name, else its address, number...; a named place (an ANPR
    camera site, a licensed business's premises) by where it is, with its name beside it.

    >>> site = [StatementDraft("name", "NSP1601", "NSP1601"),
    ...         StatementDraft("full", "A4540 j/w Mill Street", "A4540 j/w Mill Street")]
    >>> _caption(site, "Address")
    'A4540 j/w Mill Street (NSP1601)'
    """
    if schema == "Address":
        full = next((s.value for s in statements if s.prop == "full"), None)
        name = next((s.value for s in statements if s.prop == "name"), None)
        if full and name:
            return f"{full} ({name})"
    for prop in ("name", "full", "registrationNumber", "accountNumber", "iban", "number"):
        for s in statements:
            if s.prop == prop:
                return s.value
    first = [s.value for s in statements if s.prop == "firstName"]
    last = [s.value for s in statements if s.prop == "lastName"]
    if first or last:
        return " ".join(first[:1] + last[:1])
    return statements[0].value if statements else ""


def _grade_column(message: str, parts: list[tuple[str, str | None]]) -> str | None:
    if message.startswith("source"):
        return parts[0][1]
    if message.startswith(("intelligence", "information")):
        return parts[1][1]
    return parts[2][1]
