"""Source mappings: YAML files that say how a partner's file becomes records and mentions.

A mapping is validated before any data is read. Every problem names the mapping file and the
line it is on, so that an analyst can fix the YAML without reading code. See docs/mappings.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from followthemoney import model

from threadline import safe_yaml
from threadline.errors import ThreadlineError, ValidationError
from threadline.model import parse_marking, parse_retention_group, parse_role
from threadline.model.links import link_types
from threadline.security.handling import RuleUse, active_rules, normalise
from threadline.untrusted import UnsafePath, relative_parts, valid_agency_code
from threadline.yamlfile import Loader as _Loader
from threadline.yamlfile import Node as _Node

__all__ = [
    "FORMATS",
    "EntitySpec",
    "GradingSpec",
    "LinkSpec",
    "Mapping",
    "MappingError",
    "RecordSpec",
    "ValueSpec",
    "load_mapping",
]

FORMATS = ("csv", "xlsx", "xls", "ods", "json", "jsonl", "ftm", "text")

VALUE_TYPES_BY_FTM_TYPE = {
    "phone": "phone",
    "email": "email",
    "date": "date",
    "country": "country",
    "name": "name",
    "iban": "iban",
    "address": "address",
    "gender": "gender",
}
"""Which of our value types cleans a property, by its FollowTheMoney type."""

VALUE_TYPES_BY_PROPERTY = {
    "postalCode": "postcode",
    "passportNumber": "passport",
    "socialSecurityNumber": "ninumber",
    "accountNumber": "account",
    ("Vehicle", "registrationNumber"): "vrm",
    ("Passport", "number"): "passport",
}
"""Identifier properties whose FtM type is too general to clean them well."""


EXTENSION_PROPERTIES: dict[str, dict[str, str | None]] = {
    "Address": {"uprn": None},
    "Person": {"statedAge": None},
}
"""Threadline's own properties where FollowTheMoney has none: the UK Unique Property Reference
Number identifies premises exactly; the age a record states of a person (an advert's "Ruby,
23") tells two people of one name apart. Value: the value type that cleans it (None: plain
text)."""

PLAIN_TEXT = "text"
"""Value type name meaning "keep the text as written" (e.g. an ANPR read time)."""


class MappingError(ThreadlineError):
    """A mapping file is wrong; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.reason = message


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """Where a value comes from: one or more columns, a join of columns, or a constant."""

    columns: tuple[str, ...] = ()
    """Columns whose values are each used (or joined, when `join` is set)."""
    constant: str | None = None
    join: str | None = None
    """Separator: the columns are joined into one value instead of giving one value each."""
    type: str | None = None
    """Value type that cleans it; None for plain text."""
    format: str | None = None
    """strptime format for dates, when a source states one."""
    keep_time: bool = False
    """For dates: keep the time of day the source gives (an ANPR read's time), which dates
    otherwise drop."""
    split: bool = False
    """For person names: also state the given, middle and family names parsed from it."""
    split_on: str | None = None
    """Separator within a cell that holds several values (aliases "Amber; Ruby"): each
    non-empty part is a value of its own, with its own original."""
    optional: bool = False
    """The columns may be missing from a file (an older export, before the source added
    them): the value is then absent, not an error."""
    line: int = 0
    wildcard: bool = False
    """A column ends in ``.*``: every numbered element of a JSON list."""
    codes: tuple[tuple[str, str], ...] = ()
    """For grades only (``map:``): how the source's own words read as a grade code, by the
    cell's text in upper case (an NRM "Positive" reasonable-grounds decision -> ``B``); a cell
    the map does not name reads as the default ``value``."""

    def read_code(self, text: str) -> str:
        """A cell's text through ``codes`` (unchanged when there are none).

        >>> ValueSpec(codes=(("POSITIVE", "B"),), constant="C").read_code(" positive ")
        'B'
        >>> ValueSpec(codes=(("POSITIVE", "B"),), constant="C").read_code("Pending")
        'C'
        """
        if not self.codes:
            return text
        return dict(self.codes).get(text.strip().upper(), self.constant or text)


@dataclass(frozen=True, slots=True)
class GradingSpec:
    """Where a record's grade comes from."""

    scheme: str
    source: ValueSpec
    information: ValueSpec
    handling: ValueSpec
    conditions: ValueSpec | None
    reason: str = ""
    """Why the source's default grade is what it is. Required whenever a part of the grade is
    a constant or falls back to one (``{column: source_eval, value: "2"}``): a default grade
    is the mapping author's judgement of the whole source, and must say so."""

    @property
    def default(self) -> str:
        """The grade a row gets when it gives none of its own, e.g. ``1B``/``1BP``; parts read
        only from columns show as ``?``."""
        return "".join(p.constant or "?" for p in (self.source, self.information, self.handling))

    @property
    def per_row(self) -> bool:
        """Whether any part of the grade is read from the row."""
        return any(p.columns for p in (self.source, self.information, self.handling))


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """What every row of the source is as an intelligence record."""

    grading: GradingSpec
    marking: ValueSpec
    retention_group: ValueSpec
    reported_on: ValueSpec | None
    text: tuple[str, ...]
    """Free-text columns: identifiers in them are extracted as unverified statements."""
    text_about: str | None = None
    """The entity slot (a Person) the texts' phrases without a subject speak of: the person a
    referral is about, whom "kept at ADDRESS" says where they were kept."""


@dataclass(frozen=True, slots=True)
class EntitySpec:
    """One mention a row makes: a person, premises, business, vehicle, account..."""

    slot: str
    schema: str
    properties: dict[str, ValueSpec]
    role: ValueSpec | None
    each: str | None
    """For JSON: a list path; one mention per element, its columns relative to the element."""
    line: int
    ref: str | None = None
    """A mention made by another record, as a template of its id with {column} fields (e.g.
    the premises of the inspection an occupant row names): a link end, not a new mention."""


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """A relationship the row states between two of its mentions."""

    type: str
    source: str
    target: str
    start: ValueSpec | None
    line: int


@dataclass(frozen=True)
class Mapping:
    """A validated source mapping."""

    path: Path
    name: str
    version: str
    agency: str
    system: str
    format: str
    options: dict[str, Any]
    key: tuple[str, ...]
    record: RecordSpec
    entities: tuple[EntitySpec, ...]
    links: tuple[LinkSpec, ...]
    description: str = ""
    digest: str = field(default="")
    """sha256 of the mapping file: a batch records exactly which mapping read it."""
    handling_rules: dict[str, RuleUse] = field(default_factory=dict)
    """The handling rule for each condition text the source writes, by its normalised text
    (`threadline.security.handling.normalise`): see docs/mappings.md, "Handling conditions"."""

    @property
    def date_order(self) -> str:
        """Day-first unless the source says otherwise."""
        return str(self.options.get("date_order", "dmy"))

    def columns(self) -> Iterator[tuple[str, int]]:
        """Every column the mapping reads, with the line that names it (not the optional
        ones: a file may lack them)."""
        for spec in self._value_specs():
            if spec.optional:
                continue
            for column in spec.columns:
                yield column, spec.line
        for entity in self.entities:
            if entity.ref:
                for column in template_fields(entity.ref):
                    if column != "agency":
                        yield column, entity.line
        for column in self.key:
            yield column, 0
        for column in self.record.text:
            yield column, 0

    def _value_specs(self) -> Iterator[ValueSpec]:
        g = self.record.grading
        yield from (g.source, g.information, g.handling, self.record.marking)
        yield self.record.retention_group
        if g.conditions:
            yield g.conditions
        if self.record.reported_on:
            yield self.record.reported_on
        for entity in self.entities:
            if entity.each:
                continue
            yield from entity.properties.values()
            if entity.role:
                yield entity.role
        for link in self.links:
            if link.start:
                yield link.start


# -- loading ----------------------------------------------------------------------------------


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; raise MappingError naming the file and line."""
    try:
        data, text = safe_yaml.read(path, _Loader)
    except OSError as exc:
        raise MappingError(path, None, f"cannot read the mapping: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise MappingError(path, None, "the mapping is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        line, reason = safe_yaml.problem(exc)
        raise MappingError(path, line, f"not valid YAML: {reason}") from None
    if not isinstance(data, _Node):
        raise MappingError(path, 1, "a mapping must be a YAML mapping (key: value lines)")
    return _Builder(path, data, hashlib.sha256(text.encode()).hexdigest()).build()


class _Builder:
    def __init__(self, path: Path, data: _Node, digest: str) -> None:
        self.path = path
        self.data = data
        self.digest = digest

    def fail(self, node: _Node | None, key: str | None, message: str) -> MappingError:
        line = None
        if node is not None:
            line = node.key_lines.get(key, node.line) if key else node.line
        return MappingError(self.path, line, message)

    def require(self, node: _Node, key: str, kind: type | tuple[type, ...] = str) -> Any:
        if key not in node:
            raise self.fail(node, None, f"missing required key {key!r}")
        value = node[key]
        if not isinstance(value, kind):
            raise self.fail(node, key, f"{key!r} has the wrong kind of value")
        return value

    def known_keys(self, node: _Node, allowed: set[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                hint = get_close_matches(key, sorted(allowed), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(node, key, f"unknown key {key!r} in {what}{extra}")

    def build(self) -> Mapping:
        d = self.data
        self.known_keys(
            d,
            {"mapping", "version", "description", "agency", "system", "format", "options",
             "key", "record", "entities", "links", "handling_rules"},
            "the mapping",
        )  # fmt: skip
        fmt = str(self.require(d, "format"))
        if fmt not in FORMATS:
            raise self.fail(d, "format", f"format {fmt!r} is not one of {', '.join(FORMATS)}")
        options = d.get("options") or _Node()
        if not isinstance(options, _Node):
            raise self.fail(d, "options", "'options' must be a mapping")
        if options.get("date_order", "dmy") not in ("dmy", "mdy", "ymd"):
            raise self.fail(options, "date_order", "date_order must be dmy, mdy or ymd")
        if "pattern" in options:
            try:
                relative_parts(str(options["pattern"]))
            except UnsafePath as exc:
                raise self.fail(options, "pattern", f"pattern {exc}") from None
        agency = str(d.get("agency", ""))
        if agency and not valid_agency_code(agency):
            raise self.fail(
                d, "agency", f"agency code {agency!r}: use lower-case letters, digits, - and _"
            )
        key = d.get("key")
        keys = (key,) if isinstance(key, str) else tuple(key or ())
        if fmt not in ("ftm", "text") and not keys:
            raise self.fail(d, None, "missing 'key': the column(s) that identify a row")
        entities = self.entities(d.get("entities") or _Node(), fmt)
        record = self.record(self.require(d, "record", dict))
        about = record.text_about
        if about is not None and not any(
            e.slot == about and e.schema == "Person" and e.each is None for e in entities
        ):
            raise self.fail(d["record"], "text_about", f"text_about {about!r} is not a Person "
                            "entity slot of one per row")  # fmt: skip
        return Mapping(
            path=self.path,
            name=str(self.require(d, "mapping")),
            version=str(d.get("version", "1")),
            agency=agency,
            system=str(d.get("system", "")),
            format=fmt,
            options=dict(options),
            key=tuple(str(k) for k in keys),
            record=record,
            entities=entities,
            links=self.links(d.get("links") or [], d, entities),
            description=str(d.get("description", "")),
            digest=self.digest,
            handling_rules=self.handling_rules(d, record),
        )

    def handling_rules(self, parent: _Node, record: RecordSpec) -> dict[str, RuleUse]:
        """The ``handling_rules:`` block: condition text -> rule name, or -> {rule: NAME,
        agencies: [CODE...], authority: TEXT}."""
        node = parent.get("handling_rules")
        if node is None:
            return {}
        if not isinstance(node, _Node):
            raise self.fail(parent, "handling_rules", "'handling_rules' must map condition "
                            "texts to rule names")  # fmt: skip
        if record.grading.scheme != "3x5x2":
            raise self.fail(parent, "handling_rules", "'handling_rules' reads 3x5x2 handling "
                            "conditions; a 5x5x5 grade has none")  # fmt: skip
        rules = active_rules()
        out: dict[str, RuleUse] = {}
        for text, spec in node.items():
            if ";" in text or not text.strip():
                raise self.fail(node, text, "a condition is split at ';': name each part")
            if isinstance(spec, str):
                spec = _Node({"rule": spec})
                spec.line, spec.key_lines = node.key_lines[text], {}
            if not isinstance(spec, _Node):
                raise self.fail(node, text, "give a rule name or {rule: NAME, agencies: [...], "
                                "authority: TEXT}")  # fmt: skip
            self.known_keys(spec, {"rule", "agencies", "authority"}, "a handling rule")
            name = str(self.require(spec, "rule"))
            if name not in rules.rules:
                hint = get_close_matches(name, sorted(rules.rules), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(spec, "rule", f"unknown handling rule {name!r}{extra}")
            agencies = spec.get("agencies", [])
            if not isinstance(agencies, list) or not all(isinstance(a, str) for a in agencies):
                raise self.fail(spec, "agencies", "'agencies' must be a list of agency codes")
            authority = spec.get("authority")
            if authority is not None and not (isinstance(authority, str) and authority.strip()):
                raise self.fail(spec, "authority", "'authority' must be a text, such as DI")
            use = RuleUse(name, frozenset(a.strip() for a in agencies if a.strip()),
                          (authority.strip(),) if authority else ())  # fmt: skip
            try:
                rules.restriction(use)
            except ValueError as exc:
                raise self.fail(spec, None, str(exc)) from None
            key = normalise(text)
            if key in out:
                raise self.fail(node, text, f"the condition {text!r} is named twice")
            out[key] = use
        return out

    def value(
        self,
        parent: _Node,
        key: str,
        *,
        ftm_type: str | None = None,
        default_type: str | None = None,
        several: bool = False,
        coded: bool = False,
    ) -> ValueSpec:
        """The value spec at `parent[key]`; `several`: the value may hold several values (an
        entity's property), so `split_on` applies; `coded`: a grade part, which may `map` the
        source's words to codes."""
        raw = parent[key]
        line = parent.key_lines.get(key, parent.line)
        if isinstance(raw, str | int | float) and not isinstance(raw, bool):
            return ValueSpec(constant=str(raw), type=default_type, line=line)
        if not isinstance(raw, _Node):
            raise self.fail(
                parent, key, f"{key!r} must be a constant or a mapping like {{column: X}}"
            )
        self.known_keys(
            raw,
            {"column", "columns", "value", "join", "sep", "type", "format", "split", "keep_time",
             "split_on", "optional", *(("map",) if coded else ())},
            key,
        )  # fmt: skip
        columns: tuple[str, ...] = ()
        if "column" in raw:
            columns = (str(raw["column"]),)
        elif "columns" in raw:
            columns = tuple(str(c) for c in raw["columns"])
        elif "join" in raw:
            columns = tuple(str(c) for c in raw["join"])
        constant = str(raw["value"]) if "value" in raw else None
        if not columns and constant is None:
            raise self.fail(raw, None, f"{key!r} needs 'column', 'columns', 'join' or 'value'")
        vtype = raw.get("type", default_type)
        if vtype == PLAIN_TEXT:
            vtype = None
        elif vtype is not None:
            from threadline.values import registry

            if vtype not in registry:
                known = ", ".join(sorted(registry))
                raise self.fail(raw, "type", f"unknown value type {vtype!r} (known: {known})")
        fmt = raw.get("format")
        if fmt is not None:
            _check_date_format(str(fmt), self.fail(raw, "format", f"bad date format {fmt!r}"))
        keep_time = raw.get("keep_time", False)
        if not isinstance(keep_time, bool):
            raise self.fail(raw, "keep_time", "'keep_time' must be true or false")
        if keep_time and vtype != "date":
            raise self.fail(raw, "keep_time", "'keep_time' applies to dates only")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise self.fail(raw, "optional", "'optional' must be true or false")
        split_on = raw.get("split_on")
        if "split_on" in raw:
            problem = None
            if not isinstance(split_on, str) or not split_on:
                problem = "'split_on' must be the text between values, such as \";\""
            elif not several:
                problem = "'split_on' applies to an entity's properties only"
            elif "join" in raw or not columns:
                problem = "'split_on' splits the cells of 'column' or 'columns', not a 'join'"
            if problem:
                raise self.fail(raw, "split_on", f"{key!r}: {problem}")
        return ValueSpec(
            columns=columns,
            constant=constant,
            join=str(raw.get("sep", " ")) if "join" in raw else None,
            type=vtype,
            format=str(fmt) if fmt is not None else None,
            keep_time=keep_time,
            split=bool(raw.get("split", False)),
            split_on=split_on,
            optional=optional,
            line=raw.line,
            wildcard=any(c.endswith(".*") for c in columns),
            codes=self.codes(raw, key) if "map" in raw else (),
        )

    def codes(self, raw: _Node, key: str) -> tuple[tuple[str, str], ...]:
        """A grade part's ``map:`` of the source's words to codes."""
        table = raw["map"]
        if not isinstance(table, _Node) or not table:
            raise self.fail(raw, "map", f"{key!r}: 'map' gives the source's words and the code "
                            "each reads as, such as {Positive: B}")  # fmt: skip
        if "value" not in raw:
            raise self.fail(raw, "map", f"{key!r}: a 'map' needs a default 'value' for the "
                            "words it does not name")  # fmt: skip
        return tuple((str(k).strip().upper(), str(v).strip().upper()) for k, v in table.items())

    def record(self, node: _Node) -> RecordSpec:
        self.known_keys(
            node,
            {"grading", "marking", "retention_group", "reported_on", "text", "text_about"},
            "record",
        )
        grading = self.require(node, "grading", dict)
        self.known_keys(
            grading,
            {"scheme", "source", "information", "handling", "conditions", "reason"},
            "grading",
        )
        scheme = str(grading.get("scheme", "3x5x2"))
        if scheme not in ("3x5x2", "5x5x5"):
            raise self.fail(grading, "scheme", f"grading scheme {scheme!r} is not 3x5x2 or 5x5x5")
        for part in ("source", "information", "handling"):
            if part not in grading:
                raise self.fail(grading, None, f"grading needs {part!r}")
        spec = GradingSpec(
            scheme=scheme,
            source=self.value(grading, "source", coded=True),
            information=self.value(grading, "information", coded=True),
            handling=self.value(grading, "handling", coded=True),
            conditions=self.value(grading, "conditions") if "conditions" in grading else None,
            reason=" ".join(str(grading.get("reason") or "").split()),
        )
        defaulted = [p for p in ("source", "information", "handling")
                     if getattr(spec, p).constant is not None]  # fmt: skip
        if defaulted and not spec.reason:
            raise self.fail(
                grading,
                None,
                f"grading gives a default {' and '.join(defaulted)} for every "
                "row: say why in 'reason' (what the source is, and how it knows what it reports)",
            )
        self._check_constant_grade(grading, spec)
        if "marking" not in node:
            raise self.fail(node, None, "record needs 'marking' (OFFICIAL or OFFICIAL-SENSITIVE)")
        marking = self.value(node, "marking")
        if marking.constant is not None:
            try:
                parse_marking(marking.constant)
            except ValidationError as exc:
                raise self.fail(node, "marking", str(exc)) from None
        group = (
            self.value(node, "retention_group")
            if "retention_group" in node
            else ValueSpec(constant="3")
        )
        if group.constant is not None:
            try:
                parse_retention_group(group.constant)
            except ValidationError as exc:
                raise self.fail(node, "retention_group", str(exc)) from None
        text = node.get("text") or []
        return RecordSpec(
            grading=spec,
            marking=marking,
            retention_group=group,
            reported_on=self.value(node, "reported_on", default_type="date")
            if "reported_on" in node
            else None,
            text=tuple(str(c) for c in ([text] if isinstance(text, str) else text)),
            text_about=str(node["text_about"]) if node.get("text_about") else None,
        )

    def _check_constant_grade(self, node: _Node, spec: GradingSpec) -> None:
        from threadline.model import grade_3x5x2, grade_5x5x5

        parts = (spec.source, spec.information, spec.handling)
        codes = ({"1", "2", "3"}, set("ABCDE"), {"P", "C"}) if spec.scheme == "3x5x2" else (
            set("ABCDE"), set("12345"), set("12345"))  # fmt: skip
        for name, part, allowed in zip(("source", "information", "handling"), parts, codes,
                                       strict=True):  # fmt: skip
            wrong = sorted({code for _, code in part.codes} - allowed)
            if wrong:
                raise self.fail(node, name, f"'map' reads as {', '.join(wrong)}: not a "
                                f"{spec.scheme} {name} code")  # fmt: skip
        if any(p.constant is None for p in parts):
            return
        conditions = spec.conditions.constant if spec.conditions else None
        try:
            if spec.scheme == "3x5x2":
                grade_3x5x2(parts[0].constant, parts[1].constant, parts[2].constant, conditions)
            else:
                grade_5x5x5(parts[0].constant, parts[1].constant, parts[2].constant)
        except ValidationError as exc:
            raise self.fail(node, None, str(exc)) from None

    def entities(self, node: _Node, fmt: str) -> tuple[EntitySpec, ...]:
        if not isinstance(node, _Node):
            raise self.fail(self.data, "entities", "'entities' must map slot names to entities")
        out = []
        for slot, spec in node.items():
            if not isinstance(spec, _Node):
                raise self.fail(node, slot, f"entity {slot!r} must be a mapping")
            self.known_keys(
                spec, {"schema", "role", "properties", "each", "ref"}, f"entity {slot!r}"
            )
            schema_name = str(self.require(spec, "schema"))
            schema = model.get(schema_name)
            if schema is None:
                hint = get_close_matches(schema_name, sorted(model.schemata), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(spec, "schema", f"unknown schema {schema_name!r}{extra}")
            if schema.abstract or schema.edge:
                raise self.fail(
                    spec, "schema", f"{schema_name} cannot be a mention: use a concrete thing"
                )
            ref = spec.get("ref")
            if ref is not None:
                if "properties" in spec:
                    raise self.fail(spec, "ref", "a 'ref' entity takes no properties")
                out.append(
                    EntitySpec(str(slot), schema_name, {}, None, None,
                               node.key_lines.get(slot, node.line), ref=str(ref))
                )  # fmt: skip
                continue
            props = self.require(spec, "properties", dict)
            properties: dict[str, ValueSpec] = {}
            for prop_name in props:
                extension = EXTENSION_PROPERTIES.get(schema_name, {})
                if prop_name in extension:
                    properties[prop_name] = self.value(
                        props, prop_name, default_type=extension[prop_name], several=True
                    )
                    continue
                prop = schema.get(prop_name)
                if prop is None or prop.stub:
                    hint = get_close_matches(prop_name, sorted(schema.properties), n=1)
                    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                    raise self.fail(
                        props, prop_name, f"unknown property {prop_name!r} for {schema_name}{extra}"
                    )
                if prop.type.name == "entity":
                    raise self.fail(
                        props, prop_name, f"{prop_name!r} joins entities: state it under 'links'"
                    )
                default = VALUE_TYPES_BY_PROPERTY.get(
                    (schema_name, prop_name), VALUE_TYPES_BY_PROPERTY.get(prop_name)
                ) or VALUE_TYPES_BY_FTM_TYPE.get(prop.type.name)
                if default == "name" and not schema.is_a("Person"):
                    default = None  # business, premises and event names are not personal names
                properties[prop_name] = self.value(
                    props, prop_name, default_type=default, several=True
                )
            role = None
            if "role" in spec:
                role = self.value(spec, "role")
                if role.constant is not None:
                    try:
                        parse_role(role.constant)
                    except ValidationError as exc:
                        raise self.fail(spec, "role", str(exc)) from None
            each = spec.get("each")
            if each is not None and fmt not in ("json", "jsonl"):
                raise self.fail(spec, "each", "'each' applies to JSON sources only")
            out.append(
                EntitySpec(
                    slot=str(slot),
                    schema=schema_name,
                    properties=properties,
                    role=role,
                    each=str(each) if each is not None else None,
                    line=node.key_lines.get(slot, node.line),
                )
            )
        return tuple(out)

    def links(
        self, items: list[Any], parent: _Node, entities: tuple[EntitySpec, ...]
    ) -> tuple[LinkSpec, ...]:
        if not isinstance(items, list):
            raise self.fail(parent, "links", "'links' must be a list")
        slots = {e.slot: e for e in entities}
        out = []
        types = link_types()
        for item in items:
            if not isinstance(item, _Node):
                raise self.fail(parent, "links", "each link must be a mapping")
            self.known_keys(item, {"type", "from", "to", "start"}, "a link")
            kind = str(self.require(item, "type"))
            if kind not in types:
                hint = get_close_matches(kind, sorted(types), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(item, "type", f"unknown link type {kind!r}{extra}")
            ends = []
            for end in ("from", "to"):
                slot = str(self.require(item, end))
                if slot not in slots:
                    raise self.fail(item, end, f"link {end} {slot!r} is not an entity slot")
                ends.append(slots[slot])
            if not types[kind].admits(ends[0].schema, ends[1].schema):
                raise self.fail(
                    item, "type", f"{kind} cannot join {ends[0].schema} to {ends[1].schema}"
                )
            start = self.value(item, "start", default_type="date") if "start" in item else None
            if start is not None and start.type != "date":
                raise self.fail(
                    item, "start", "a link's start is a date (keep_time: true keeps its time)"
                )
            out.append(
                LinkSpec(
                    type=kind, source=ends[0].slot, target=ends[1].slot, start=start,
                    line=item.line,
                )
            )  # fmt: skip
        return tuple(out)


def template_fields(template: str) -> list[str]:
    """The {column} fields of a mention-id template."""
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _check_date_format(fmt: str, error: MappingError) -> None:
    sample = date(2001, 11, 23)
    try:
        text = sample.strftime(fmt)
        parsed = datetime.strptime(text, fmt).date()
    except ValueError:
        raise error from None
    if "%" not in fmt or parsed.year != sample.year:
        raise error
