"""Mappings are validated before any data is read, with the mapping file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.ingest.mapping import MappingError, load_mapping

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
