"""Every file reads in its declared format and encoding, and carries what a mapping needs."""

from __future__ import annotations

import re
import zipfile

import pytest

from .conftest import Scenario

AGENCIES = {
    "nwpolice",
    "ie",
    "lcc",
    "nhs",
    "hmrc",
    "companies",
    "charity",
    "nrm",
    "anpr",
    "adverts",
}


def test_sources_yaml_lists_every_agency_with_the_fields_ingest_needs(small: Scenario) -> None:
    assert {entry["agency"] for entry in small.sources} == AGENCIES
    for entry in small.sources:
        assert {"file", "agency", "agency_name", "mapping", "format", "key", "description"} <= set(
            entry
        )
        assert entry["format"] in ("csv", "xlsx", "json", "text")
    mappings = [entry["mapping"] for entry in small.sources]
    assert len(mappings) == len(set(mappings))
    hotline = next(e for e in small.sources if e["agency"] == "charity")
    assert hotline == hotline | {"file": "charity/hotline", "format": "text", "pattern": "*.txt"}


@pytest.mark.parametrize(
    "file",
    [
        "police/intel_log.csv",
        "police/intel_legacy.csv",
        "hmrc/payroll.csv",
        "nrm/referrals.csv",
        "adverts/adverts.csv",
    ],
)
def test_utf8_files_decode_strictly(small: Scenario, file: str) -> None:
    (small.root / file).read_bytes().decode("utf-8")


def test_nhs_file_really_is_windows_1252(small: Scenario) -> None:
    raw = (small.root / "nhs/safeguarding.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert re.search(r"[éëçàö]", text)
    assert "Nguyễn" not in text


def test_nhs_dates_are_day_first(small: Scenario) -> None:
    rows = small.records("nhs/safeguarding.csv").values()
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row["Referral Date"]) for row in rows)
    assert any(int(row["Referral Date"][:2]) > 12 for row in rows)


def test_police_grades_are_3x5x2(small: Scenario) -> None:
    rows = list(small.records("police/intel_log.csv").values())
    for row in rows:
        assert row["source_eval"] in "123"
        assert row["intel_assess"] in "ABCDE"
        assert row["handling_code"] in "PC"
        assert (row["handling_code"] == "C") == bool(row["handling_conditions"])
        assert row["marking"] in ("OFFICIAL", "OFFICIAL-SENSITIVE")
        assert row["subject_role"] in ("suspect", "victim", "witness", "associate")
    assert {row["marking"] for row in rows} == {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    assert any(len([r for r in rows if r["urn"] == row["urn"]]) > 1 for row in rows)


def test_legacy_file_is_graded_5x5x5_with_gpms_markings(small: Scenario) -> None:
    rows = list(small.records("police/intel_legacy.csv").values())
    assert rows
    for row in rows:
        assert row["SOURCE_EVAL"] in "ABCDE"
        assert row["INT_EVAL"] in "12345"
        assert row["HANDLING"] in "12345"
        assert row["GPMS"] in ("NOT PROTECTIVELY MARKED", "PROTECT", "RESTRICTED", "CONFIDENTIAL")
        assert re.fullmatch(r"\d\d-[A-Z]{3}-20(09|1[0-6])", row["DATE_RECVD"])
        assert row["REPORT_TEXT"] == row["REPORT_TEXT"].upper()
    assert "RESTRICTED" in {row["GPMS"] for row in rows}


def test_workbook_has_three_sheets_and_fixed_timestamps(small: Scenario) -> None:
    path = small.root / "local_authority/inspections.xlsx"
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 10, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-10-31T00:00:00Z" in core
    sheets = {entry["sheet"] for entry in small.sources if entry["format"] == "xlsx"}
    assert sheets == {"HMO Inspections", "Business Licensing", "Occupants"}
    occupants = small.records("local_authority/inspections.xlsx")
    inspections = {k for k in occupants if k.startswith("HMO-")}
    for key, row in occupants.items():
        if key.startswith("OCC-"):
            assert row["Inspection Ref"] in inspections


def test_encounters_are_nested_objects(small: Scenario) -> None:
    items = list(small.records("immigration/encounters.json").values())
    assert items
    documents = [d for item in items for d in item["person"]["documents"]]
    assert documents
    assert all({"type", "number", "issuing_country"} <= set(d) for d in documents)
    assert any(item["employer"] for item in items)
    assert any(len([i for i in items if i["visit_ref"] == item["visit_ref"]]) > 1 for item in items)


def test_hotline_calls_have_headers_then_narrative(small: Scenario) -> None:
    calls = small.records("charity/hotline")
    assert calls
    for stem, call in calls.items():
        assert re.fullmatch(r"CALL-\d{5}", stem)
        header, _, body = call["text"].partition("\n\n")
        assert header.startswith(f"Call reference: {stem}\nDate/time: ")
        assert body.strip()


def test_adverts_reuse_phones(small: Scenario) -> None:
    phones = [
        re.sub(r"\D", "", row["phone"].replace("O", "0"))[-10:]
        for row in small.records("adverts/adverts.csv").values()
    ]
    assert max(phones.count(p) for p in phones) >= 3


def test_anpr_shows_night_movements(small: Scenario) -> None:
    hours = [
        int(row["read_datetime"][11:13]) for row in small.records("anpr/sightings.csv").values()
    ]
    assert sum(h < 6 or h >= 22 for h in hours) > len(hours) * 0.15


def test_no_value_is_a_real_looking_mobile_outside_the_fictitious_ranges(small: Scenario) -> None:
    allowed = re.compile(r"7700(9\d\d|[2456]\d\d)\d{3}|1632\d{6}")
    text = "\n".join(
        (small.root / f).read_text(encoding=e, errors="strict")
        for f, e in (
            ("police/intel_log.csv", "utf-8"),
            ("nhs/safeguarding.csv", "cp1252"),
            ("adverts/adverts.csv", "utf-8"),
        )
    )
    for match in re.finditer(
        r"(?:\+44|0044|\b0)[ ()0-]*(7\d{3}|1\d{3})[ )-]*(\d{3})[ -]?(\d{3})\b", text
    ):
        digits = "".join(match.groups())
        assert allowed.fullmatch(digits), match.group(0)
