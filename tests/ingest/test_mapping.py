"""Mappings are validated before any data is read, with the mapping file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.ingest.convert import Converter, RecordDraft, RowError
from threadline.ingest.mapping import MappingError, load_mapping
from threadline.ingest.readers import Row
from threadline.security.handling import RuleUse

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixture_mapping_loads() -> None:
    mapping = load_mapping(FIXTURES / "intel.yaml")
    assert mapping.name == "test_intel"
    assert [e.slot for e in mapping.entities] == ["subject", "home"]
    assert mapping.entities[0].properties["birthDate"].type == "date"
    assert mapping.entities[0].properties["phone"].type == "phone"
    assert mapping.entities[1].properties["postalCode"].type == "postcode"
    lines = dict(mapping.columns())
    text = (FIXTURES / "intel.yaml").read_text().splitlines()
    assert "postcode" in text[lines["postcode"] - 1], "a column is reported on its own line"


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The fixture mapping with one line changed, and that line's number."""
    text = (FIXTURES / "intel.yaml").read_text()
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1))
    return path, text[: text.index(old)].count("\n") + 1


BROKEN = [
    # text replaced, replacement, words in the error (on the replaced line)
    ("      birthDate: {column: dob}", "      birthdate: {column: dob}",
     "unknown property 'birthdate' for Person (did you mean 'birthDate'?)"),
    ("    schema: Address", "    schema: Adress", "unknown schema 'Adress'"),
    ("      birthDate: {column: dob}", '      birthDate: {column: dob, format: "%Q"}',
     "bad date format"),
    ("format: csv", "format: docx", "format 'docx' is not one of"),
    ("  - {type: lives_at, from: subject, to: home}",
     "  - {type: lives_in, from: subject, to: home}", "unknown link type 'lives_in'"),
    ("  - {type: lives_at, from: subject, to: home}",
     "  - {type: lives_at, from: home, to: subject}", "lives_at cannot join Address"),
    ("  - {type: lives_at, from: subject, to: home}",
     "  - {type: lives_at, from: subject, to: flat}", "link to 'flat' is not an entity"),
    ("    scheme: 3x5x2", "    scheme: 6x6", "grading scheme '6x6'"),
    ("  marking: {column: marking}", "  marking: SECRET", "refused"),
    ("    role: {column: role}", "    role: boss", "unknown data-subject role"),
    ("      phone: {column: phone}", "      phone: {column: phone, type: fone}",
     "unknown value type 'fone'"),
    ("key: urn", "kee: urn", "unknown key 'kee' in the mapping (did you mean 'key'?)"),
    ("      full: {column: address}", "      full: [address]", "must be a constant"),
    ("      birthDate: {column: dob}", "      birthDate: {column: dob, keep_time: maybe}",
     "'keep_time' must be true or false"),
    ("      phone: {column: phone}", "      phone: {column: phone, keep_time: true}",
     "'keep_time' applies to dates only"),
    ("  - {type: lives_at, from: subject, to: home}",
     "  - {type: lives_at, from: subject, to: home, start: {column: recorded, type: text}}",
     "a link's start is a date"),
    ("      phone: {column: phone}", '      phone: {column: phone, split_on: ""}',
     "'phone': 'split_on' must be the text between values"),
    ("      phone: {column: phone}", "      phone: {column: phone, split_on: [';']}",
     "'phone': 'split_on' must be the text between values"),
    ('      name: {join: [forenames, surname], sep: " "}',
     '      name: {join: [forenames, surname], sep: " ", split_on: ";"}',
     "'name': 'split_on' splits the cells of 'column' or 'columns', not a 'join'"),
    ("  marking: {column: marking}", '  marking: {column: marking, split_on: ";"}',
     "'marking': 'split_on' applies to an entity's properties only"),
    ("      phone: {column: phone}", '      phone: {column: phone, splits_on: ";"}',
     "unknown key 'splits_on' in phone (did you mean 'split_on'?)"),
    ("      phone: {column: phone}", "      phone: {column: phone, optional: yes please}",
     "'optional' must be true or false"),
    ("  text: [narrative]", "  text_about: home", "text_about 'home' is not a Person entity slot"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "words"), BROKEN)
def test_broken_mappings_name_file_and_line(tmp_path: Path, old: str, new: str, words: str) -> None:
    path, line = broken(tmp_path, old, new)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("mapping: x\n  format: [csv\n")
    with pytest.raises(MappingError, match=r"bad\.yaml:\d+: not valid YAML"):
        load_mapping(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read the mapping"):
        load_mapping(tmp_path / "absent.yaml")


PHONE = "      phone: {column: phone}"
NAME = '      name: {join: [forenames, surname], sep: " "}'


def converted(
    tmp_path: Path, spec: str, *, instead_of: str | None = None, **cells: str
) -> dict[str, list[tuple[str, str]]]:
    """The subject's (value, original) statements by property, when the fixture mapping also
    reads the property `spec` (a YAML line; `instead_of` another) from a row of `cells`."""
    path, _ = broken(tmp_path, instead_of or PHONE, spec if instead_of else f"{PHONE}\n{spec}")
    row = {"urn": "IR0001", "source_eval": "2", "intel_assess": "B", "handling": "P",
           "marking": "OFFICIAL", "role": "victim", "surname": "NGUYEN", **cells}  # fmt: skip
    record = Converter(load_mapping(path), "testforce").convert(Row(2, row))
    assert isinstance(record, RecordDraft), record
    subject = next(m for m in record.mentions if m.slot == "subject")
    out: dict[str, list[tuple[str, str]]] = {}
    for statement in subject.statements:
        out.setdefault(statement.prop, []).append((statement.value, statement.original))
    return out


def test_split_on_makes_one_value_of_each_part(tmp_path: Path) -> None:
    stated = converted(
        tmp_path, '      alias: {column: aliases, split_on: ";"}', aliases=" Amber;Ruby ; ;"
    )
    assert stated["alias"] == [("Amber", "Amber"), ("Ruby", "Ruby")]


def test_split_on_cleans_each_part_as_its_own_value(tmp_path: Path) -> None:
    stated = converted(
        tmp_path,
        '      phone: {columns: [phone, phones], split_on: " / "}',
        instead_of=PHONE,
        phone="07700 900123",
        phones="07700 900456 / +44 7700 900789",
    )
    assert stated["phone"] == [
        ("+447700900123", "07700 900123"),  # a cell without the separator is one value
        ("+447700900456", "07700 900456"),
        ("+447700900789", "+44 7700 900789"),
    ]


def test_split_on_and_split_parse_each_name(tmp_path: Path) -> None:
    stated = converted(
        tmp_path,
        '      name: {column: names, split_on: ";", split: true}',
        instead_of=NAME,
        names="Lan Tran; NGUYEN Thi Mai",
    )
    assert stated["name"] == [("Lan Tran", "Lan Tran"), ("Nguyen Thi Mai", "NGUYEN Thi Mai")]
    assert stated["firstName"] == [("Lan", "Lan Tran"), ("Mai", "NGUYEN Thi Mai")]
    assert stated["middleName"] == [("Thi", "NGUYEN Thi Mai")]
    assert stated["lastName"] == [
        ("NGUYEN", "NGUYEN"),  # the surname column
        ("Tran", "Lan Tran"),
        ("Nguyen", "NGUYEN Thi Mai"),
    ]


def test_a_cell_of_separators_states_nothing(tmp_path: Path) -> None:
    stated = converted(tmp_path, '      alias: {column: aliases, split_on: ";"}', aliases=" ; ")
    assert "alias" not in stated


def test_an_optional_column_may_be_missing_from_the_file(tmp_path: Path) -> None:
    spec = '      alias: {column: aliases, split_on: ";", optional: true}'
    path, _ = broken(tmp_path, PHONE, f"{PHONE}\n{spec}")
    mapping = load_mapping(path)
    assert "aliases" not in {column for column, _ in mapping.columns()}
    assert "phone" in {column for column, _ in mapping.columns()}
    assert "alias" not in converted(tmp_path, spec)  # the row has no 'aliases' cell
    assert converted(tmp_path, spec, aliases="Amber")["alias"] == [("Amber", "Amber")]


def with_rules(tmp_path: Path, block: str, text: str | None = None) -> tuple[Path, int]:
    """The fixture mapping with a ``handling_rules:`` block after it, and the line of
    ``handling_rules:``."""
    base = text or (FIXTURES / "intel.yaml").read_text()
    path = tmp_path / "rules.yaml"
    path.write_text(base + "handling_rules:\n" + block)
    return path, base.count("\n") + 1


def test_a_mapping_names_the_rule_for_a_condition(tmp_path: Path) -> None:
    path, _ = with_rules(
        tmp_path,
        '  "Not to be disseminated outside Test Force without  DI authority.":\n'
        "    {rule: originating-agency-unless-authority, authority: DI}\n"
        '  "Share with partners ie and lcc only": {rule: named-agencies, agencies: [ie, lcc]}\n'
        '  "Partner safeguarding use only": conditions-of-use\n',
    )
    rules = load_mapping(path).handling_rules
    assert rules == {
        "not to be disseminated outside test force without di authority": RuleUse(
            "originating-agency-unless-authority", authority=("DI",)
        ),
        "share with partners ie and lcc only": RuleUse("named-agencies", frozenset({"ie", "lcc"})),
        "partner safeguarding use only": RuleUse("conditions-of-use"),
    }


BROKEN_RULES = [
    # the block, the line the error names (0: 'handling_rules:', 1: the next), its words
    ('  "Tell DS Jones": conditions-of-uses\n', 1,
     "unknown handling rule 'conditions-of-uses' (did you mean 'conditions-of-use'?)"),
    ('  "Tell DS Jones": {rule: named-agencies}\n', 1,
     "rule 'named-agencies' needs the agencies that may receive it"),
    ('  "Tell DS Jones": {rule: conditions-of-use, agencies: [ie]}\n', 1,
     "rule 'conditions-of-use' does not take agencies"),
    ('  "Tell DS Jones": {rule: conditions-of-use, authority: DI}\n', 1,
     "keeps nobody out, so no authority releases it"),
    ('  "Tell DS Jones":\n    rule: named-agencies\n    agencies: ie\n', 3,
     "'agencies' must be a list of agency codes"),
    ('  "Tell DS Jones": {rule: named-agencies, agency: [ie]}\n', 1,
     "unknown key 'agency' in a handling rule (did you mean 'agencies'?)"),
    ('  "A1; A2": conditions-of-use\n', 1, "a condition is split at ';': name each part"),
    ('  "Tell DS Jones": conditions-of-use\n  "tell DS  jones.": conditions-of-use\n', 2,
     "named twice"),
    ("  - conditions-of-use\n", 0, "'handling_rules' must map condition texts to rule names"),
]  # fmt: skip


@pytest.mark.parametrize(("block", "offset", "words"), BROKEN_RULES)
def test_broken_handling_rules_name_file_and_line(
    tmp_path: Path, block: str, offset: int, words: str
) -> None:
    path, first = with_rules(tmp_path, block)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{first + offset}: "), message
    assert words in message


def test_handling_rules_need_3x5x2_conditions(tmp_path: Path) -> None:
    text = (FIXTURES / "intel.yaml").read_text()
    text = text.replace("    scheme: 3x5x2\n", "    scheme: 5x5x5\n").replace(
        "    conditions: {column: conditions}\n", ""
    )
    path, first = with_rules(tmp_path, '  "Tell DS Jones": conditions-of-use\n', text)
    with pytest.raises(MappingError, match=f"{first}: 'handling_rules' reads 3x5x2"):
        load_mapping(path)


def test_the_police_mapping_keeps_the_northshire_condition_home() -> None:
    """The shipped police log names the force's own condition: originating agency only,
    unless a DI authorises release (issue 15)."""
    from threadline.ingest.sources import find_mapping
    from threadline.model import Recipients
    from threadline.security.handling import active_rules

    condition = "Not to be disseminated outside Northshire Police without DI authority"
    reading = active_rules().read([condition], find_mapping("police_intel_log").handling_rules)
    assert reading.restriction.recipients is Recipients.ORIGINATOR
    assert reading.restriction.authority == ("DI",)
    assert reading.unrecognised == ()


# -- grades as the source gives them -----------------------------------------------------------

GRADING = (
    "    source: {column: source_eval}\n"
    "    information: {column: intel_assess}\n"
    "    handling: {column: handling}\n"
)


def graded(tmp_path: Path, grading: str, **cells: str) -> RecordDraft | RowError:
    """The record of one row of `cells` when the fixture mapping grades rows by `grading`."""
    path, _ = broken(tmp_path, GRADING, grading)
    row = {"urn": "IR0001", "marking": "OFFICIAL", "role": "victim", "surname": "NGUYEN", **cells}
    return Converter(load_mapping(path), "testforce").convert(Row(2, row))


def test_a_default_grade_without_a_reason_is_refused_on_its_line(tmp_path: Path) -> None:
    path, line = broken(tmp_path, GRADING, '    source: "1"\n    information: "A"\n'
                        '    handling: "P"\n')  # fmt: skip
    with pytest.raises(MappingError, match="say why in 'reason'") as caught:
        load_mapping(path)
    assert caught.value.line == line - 1  # the grading block (its scheme line)


def test_a_row_grade_beats_the_default_and_an_empty_cell_takes_it(tmp_path: Path) -> None:
    grading = (
        '    source: {column: source_eval, value: "1", optional: true}\n'
        '    information: {column: intel_assess, value: "A", optional: true}\n'
        '    handling: "P"\n'
        "    reason: Officers record what they saw themselves.\n"
    )
    own = graded(tmp_path, grading, source_eval="2", intel_assess="c")
    default = graded(tmp_path, grading, source_eval=" ", intel_assess="")
    absent = graded(tmp_path, grading)
    assert isinstance(own, RecordDraft) and isinstance(default, RecordDraft)
    assert isinstance(absent, RecordDraft)
    assert (own.source_evaluation, own.information_assessment) == ("2", "C")
    assert (default.source_evaluation, default.information_assessment) == ("1", "A")
    assert (absent.source_evaluation, absent.information_assessment) == ("1", "A")
    assert load_mapping(broken(tmp_path, GRADING, grading)[0]).record.grading.reason == (
        "Officers record what they saw themselves."
    )


def test_a_map_reads_the_sources_words_as_codes(tmp_path: Path) -> None:
    grading = (
        '    source: "1"\n'
        "    information: {column: rg_decision, map: {Positive: B}, value: C}\n"
        '    handling: "P"\n'
        "    reason: A referral is corroborated by a positive decision.\n"
    )
    found = {
        decision: graded(tmp_path, grading, rg_decision=decision)
        for decision in ("Positive", " positive", "Negative", "Pending", "")
    }
    read = {d: r.information_assessment for d, r in found.items() if isinstance(r, RecordDraft)}
    assert read == {"Positive": "B", " positive": "B", "Negative": "C", "Pending": "C", "": "C"}


@pytest.mark.parametrize(
    ("grading", "words"),
    [
        ('    source: "1"\n    information: {column: d, map: {Positive: Q}, value: C}\n'
         '    handling: "P"\n    reason: r\n', "'map' reads as Q: not a 3x5x2 information code"),
        ('    source: "1"\n    information: {column: d, map: {Positive: B}}\n'
         '    handling: "P"\n    reason: r\n', "a 'map' needs a default 'value'"),
        ('    source: "1"\n    information: "A"\n    handling: {column: h, map: {x: P}}\n'
         "    reason: r\n", "'handling': a 'map' needs a default 'value'"),
    ],
)  # fmt: skip
def test_a_bad_map_is_refused(tmp_path: Path, grading: str, words: str) -> None:
    path, _ = broken(tmp_path, GRADING, grading)
    with pytest.raises(MappingError, match=words):
        load_mapping(path)


def test_every_shipped_mapping_gives_its_default_grade_a_reason() -> None:
    from threadline.ingest.sources import PACKAGED_MAPPINGS

    for path in sorted(PACKAGED_MAPPINGS.glob("*.yaml")):
        grading = load_mapping(path).record.grading
        assert grading.reason or "?" in grading.default, path.name
