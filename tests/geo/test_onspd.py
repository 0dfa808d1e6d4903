"""Loading the ONS postcode directory: by administrators, audited, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.errors import ThreadlineError
from threadline.geo import load_geodata
from threadline.security.actors import Actor
from threadline.security.audit import find_events
from threadline.security.errors import AccessDenied
from threadline.security.identity import resolve_actor
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

from ..conftest import TEST_PASSWORD
from .conftest import DIRECTORY, LA_NAMES


def _postcodes(store: Store) -> dict[str, sa.Row[tuple[object, ...]]]:
    with store.connect() as conn:
        return {r.postcode: r for r in conn.execute(sa.select(t.geo_postcodes))}


def _events(store: Store, operation: str) -> list[tuple[str, str]]:
    with store.connect() as conn:
        return [(e.action, e.outcome) for e in find_events(conn) if e.operation == operation]


def test_an_administrator_loads_the_directory(store: Store, admin: Actor) -> None:
    summary = load_geodata(store, admin, DIRECTORY, names=LA_NAMES)
    assert (summary.postcodes, summary.terminated, summary.skipped) == (13, 1, 1)
    assert (summary.districts, summary.names) == (8, 8)
    rows = _postcodes(store)
    assert rows["PE13 9ZD"].terminated == "201905"
    assert rows["PE13 9ZA"].terminated is None
    assert rows["PE13 9ZE"].latitude is None and rows["PE13 9ZE"].longitude is None
    assert rows["PE14 9ZB"].force_area == "E23000024"
    assert rows["BT1 9ZA"].force_area == "N23000001"  # blank in the file: Northern Ireland's
    assert rows["M1 9ZA"].local_authority == "E08000003"
    with store.connect() as conn:
        pe13 = conn.execute(
            sa.select(t.geo_districts).where(t.geo_districts.c.district == "PE13")
        ).one()
        places = set(
            conn.execute(
                sa.select(
                    t.geo_district_places.c.kind,
                    t.geo_district_places.c.code,
                    t.geo_district_places.c.postcodes,
                ).where(t.geo_district_places.c.district == "PE14")
            )
        )
        load = conn.execute(sa.select(t.geo_loads)).one()
    # PE13's position is the mean of its live postcodes that have one (not the terminated one)
    assert (pe13.postcodes, pe13.terminated) == (3, 1)
    assert pe13.latitude == pytest.approx((52.6651 + 52.6702) / 2)
    assert pe13.longitude == pytest.approx((0.1602 + 0.1488) / 2)
    assert places == {
        ("force area", "E23000023", 1),
        ("force area", "E23000024", 2),
        ("local authority", "E07000010", 1),
        ("local authority", "E07000146", 2),
    }
    assert (load.file_name, load.postcodes, load.loaded_by) == (DIRECTORY.name, 13, "root")
    assert _events(store, "geodata.load") == [("alteration", "allowed")]


def test_the_same_file_again_changes_nothing(store: Store, admin: Actor) -> None:
    load_geodata(store, admin, DIRECTORY)
    again = load_geodata(store, admin, DIRECTORY)
    assert again.already_loaded
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.geo_loads)).scalar() == 1
    assert len(_postcodes(store)) == 13
    assert _events(store, "geodata.load") == [("alteration", "allowed")]


def test_a_zip_is_read_from_its_main_csv_with_its_names(
    store: Store, admin: Actor, onspd_zip: Path
) -> None:
    summary = load_geodata(store, admin, onspd_zip)
    assert (summary.postcodes, summary.names) == (13, 8)  # multi_csv and PFA names left out
    with store.connect() as conn:
        names = dict(conn.execute(sa.select(t.geo_names.c.code, t.geo_names.c.name)).all())
    assert names["E07000010"] == "Fenland"
    assert "E23000023" not in names


def test_a_new_file_replaces_the_last_load(store: Store, admin: Actor, tmp_path: Path) -> None:
    load_geodata(store, admin, DIRECTORY)
    lines = DIRECTORY.read_text(encoding="utf-8").splitlines()
    smaller = tmp_path / "ONSPD_SMALLER.csv"
    smaller.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    summary = load_geodata(store, admin, smaller)
    assert summary.postcodes == 2
    assert set(_postcodes(store)) == {"PE13 9ZA", "PE13 9ZB"}


def test_an_interrupted_load_leaves_the_last_one(
    store: Store, admin: Actor, tmp_path: Path
) -> None:
    load_geodata(store, admin, DIRECTORY)
    lines = DIRECTORY.read_text(encoding="utf-8").splitlines()
    other = tmp_path / "ONSPD_OTHER.csv"
    other.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")

    def interrupt(label: str, n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_geodata(store, admin, other, progress=interrupt)
    assert len(_postcodes(store)) == 13
    with store.connect() as conn:
        assert conn.execute(sa.select(t.geo_loads.c.file_name)).scalars().all() == [DIRECTORY.name]


def test_a_file_without_a_needed_column_is_refused_by_name(
    store: Store, admin: Actor, tmp_path: Path
) -> None:
    text = DIRECTORY.read_text(encoding="utf-8").replace(",pfa,", ",pfa_x,", 1)
    broken = tmp_path / "ONSPD_BROKEN.csv"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ThreadlineError, match=r"ONSPD_BROKEN\.csv: no force area column"):
        load_geodata(store, admin, broken)
    assert _postcodes(store) == {}


def test_a_zip_without_the_directory_is_refused(store: Store, admin: Actor, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/people.csv", "name,age\nx,1\n")
    with pytest.raises(ThreadlineError, match=r"other\.zip: no CSV in this ZIP has a pcds"):
        load_geodata(store, admin, path)


def test_a_newer_edition_with_year_coded_columns_loads(
    store: Store, admin: Actor, tmp_path: Path
) -> None:
    text = DIRECTORY.read_text(encoding="utf-8").replace(",oslaua,", ",lad25cd,", 1)
    newer = tmp_path / "ONSPD_NEWER.csv"
    newer.write_text(text.replace(",pfa,", ",pfa23cd,", 1), encoding="utf-8")
    assert load_geodata(store, admin, newer).postcodes == 13
    assert _postcodes(store)["M1 9ZA"].local_authority == "E08000003"


def test_only_the_partnership_may_load_and_a_refusal_is_audited(store: Store, admin: Actor) -> None:
    with store.connect() as conn:
        add_user(conn, admin, "ana", "local", ["analyst", "supervisor", "administrator"],
                 password=TEST_PASSWORD)  # fmt: skip
    analyst = resolve_actor(store, "ana")
    with pytest.raises(AccessDenied, match="needs the partnership role"):
        load_geodata(store, analyst, DIRECTORY)
    assert _postcodes(store) == {}
    assert _events(store, "geodata.load") == [("alteration", "denied")]
