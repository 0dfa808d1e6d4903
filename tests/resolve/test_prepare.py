"""Normalisation: one form per value, whatever script, order or format the source used."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pyarrow as pa
import pytest

import threadline.resolve as resolve
from threadline.resolve import prepare
from threadline.resolve.normalise import PREPARED_COLUMNS

from .conftest import person, table


def _one(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = prepare(table([person("x", **values)])).to_pylist()[0]
    return out


def test_columns() -> None:
    out = prepare(table([person("x", given_name="Ann")]))
    assert tuple(out.column_names) == PREPARED_COLUMNS


@pytest.mark.parametrize(
    ("values", "given", "middle", "surname"),
    [
        ({"full_name": "Nguyễn Thị Lan"}, "lan", "thi", "nguyen"),
        ({"full_name": "LAN NGUYEN"}, "lan", None, "nguyen"),
        ({"full_name": "NGUYEN Van Minh"}, "minh", "van", "nguyen"),
        ({"full_name": "Smith, John Paul"}, "john", "paul", "smith"),
        ({"given_name": "Thi Lan", "surname": "Nguyen"}, "lan", "thi", "nguyen"),
        ({"given_name": "Андрей", "surname": "Петров"}, "andrei", None, "petrov"),
        ({"given_name": "Mr John", "surname": "O'Brien"}, "john", None, "obrien"),
    ],
)
def test_names(values: dict[str, str], given: str, middle: str | None, surname: str) -> None:
    row = _one(**values)
    assert (row["given"], row["middle"], row["surname"]) == (given, middle, surname)


def test_variants_and_nicknames_fold() -> None:
    assert _one(given_name="Mohamed")["given_variant"] == "muhammad"
    assert _one(given_name="Bill")["given_nick"] == _one(given_name="William")["given_nick"]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("1990-09-05", "1990-09-05"),
        ("05/09/1990", "1990-09-05"),
        ("19900905", "1990-09-05"),
        ("5 September 1990", "1990-09-05"),
        ("09/1990", "1990-09"),
        ("1990", "1990"),
        ("n/k", None),
        ("31/02/1990", None),
    ],
)
def test_dates(raw: str, iso: str | None) -> None:
    assert _one(date_of_birth=raw)["dob"] == iso


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07911 123456", "+447911123456"),
        ("+44 (0)7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+4407911123456", "+447911123456"),
        ("447911123456", "+447911123456"),
        ("7911 123456", "+447911123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0770O 9OO 123", "+447700900123"),  # a letter O for a zero, as adverts write it
    ],
)
def test_phones(raw: str, e164: str) -> None:
    assert _one(phone=raw)["phone"] == e164


def test_house_number_and_street_of_a_flat() -> None:
    records = pa.table(
        {
            "record_id": ["a", "b", "c"],
            "address": ["2/14 Mill Lane", "Flat 2, 14 Mill Ln", "14A Mill Lane"],
        }
    )
    rows = {r["record_id"]: r for r in prepare(records).to_pylist()}
    assert rows["a"]["address"] == rows["b"]["address"] == "flat 2 14 mill lane"
    assert [rows[k]["house_number"] for k in "abc"] == ["14", "14", "14a"]
    assert {rows[k]["street"] for k in "abc"} == {"mill"}


def test_the_numbers_a_record_gives_are_normalised_as_phones() -> None:
    records = pa.table(
        {
            "record_id": ["a", "b", "c"],
            "record_phones": ["07700 900123; +44 (0)7700 900 456;07700 900123", None, " ; "],
        }
    )
    found = {r["record_id"]: r["ctx_phones"] for r in prepare(records).to_pylist()}
    assert found == {"a": ["+447700900123", "+447700900456"], "b": None, "c": None}


def test_adverts_joined_through_phones_and_photos_are_one_advertiser() -> None:
    adverts = [
        ("a", "Chloe", "07700 900101", "p1"),
        ("b", "Chloe", "07700 900202", "p2"),
        ("c", "Nadia", "+44 7700 900101", "p3"),
        ("d", "Nadia", "07700900202", "P3"),
        ("e", "Chloe", "07700 900303", "p4"),
        ("f", "Chloe", "07700 900303", None),
    ]
    columns = ("record_id", "full_name", "phone", "photo")
    records = pa.table({c: [a[i] for a in adverts] for i, c in enumerate(columns)})
    group = {r["record_id"]: r["photo_group"] for r in prepare(records).to_pylist()}
    assert group["a"] == group["b"] == group["c"] == group["d"] == "p1"
    assert group["e"] == "p4"
    assert group["f"] is None  # no photo: not an advert of anyone's


def test_a_line_several_people_give_is_shared() -> None:
    names = ("Ion", "Elena", "Radu", "Maria")
    rows = [person(f"s{i}", given_name=n, phone="07700 900999") for i, n in enumerate(names)]
    rows += [person("own", given_name="Ion", phone="07700 900111")]
    rows += [person("two", given_name="Ana", phone="07700 900222")]
    rows += [person("two-b", given_name="Anca", phone="07700 900222")]
    shared = {r["record_id"]: r["phone_shared"] for r in prepare(table(rows)).to_pylist()}
    assert all(shared[f"s{i}"] for i in range(len(names)))
    assert not shared["own"]
    assert not shared["two"]  # two given names: her own and a working name, say


def test_postcode_email_nationality_identifiers() -> None:
    row = _one(
        postcode="sw1a1aa",
        email=" L.An+work@GoogleMail.com ",
        nationality="Vietnamese",
        national_id="qq 12 34 56 c",
        document_number="p-123 456",
    )
    assert (row["postcode"], row["pc_sector"], row["pc_district"]) == ("SW1A 1AA", "SW1A 1", "SW1A")
    assert (row["email"], row["email_mailbox"]) == ("l.an+work@googlemail.com", "lan@gmail.com")
    assert (row["nationality"], row["national_id"], row["document_number"]) == (
        "vn",
        "QQ123456C",
        "P123456",
    )


def test_placeholders_are_missing_values() -> None:
    row = _one(given_name="N/K", surname="Unknown", phone="unknown")
    assert (row["given"], row["surname"], row["phone"]) == (None, None, None)


def test_duckdb_relation_input_and_record_id_required() -> None:
    import duckdb

    con = duckdb.connect()
    relation = con.sql("SELECT 'r1' AS record_id, 'Ann' AS given_name")
    assert prepare(relation).column("given").to_pylist() == ["ann"]
    with pytest.raises(ValueError, match="record_id"):
        prepare(pa.table({"given_name": ["Ann"]}))
    con.close()


def test_public_api_matches_all() -> None:
    public = {
        name
        for name in dir(resolve)
        if not name.startswith("_") and not isinstance(getattr(resolve, name), ModuleType)
    }
    assert public == set(resolve.__all__)
