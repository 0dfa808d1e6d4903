"""The shipped table of postcode areas and police force areas, checked as a whole."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.geo import AreaScope, area_of_code, district_of, force_areas, postcode_areas
from threadline.geo.scope import SHIPPED

UK_LATITUDE = (49.8, 60.9)
UK_LONGITUDE = (-8.7, 1.8)


def _raw(name: str) -> list[dict[str, str]]:
    text = resources.files("threadline.geo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_area_code_is_unique_and_there_are_121() -> None:
    codes = [row["code"] for row in _raw("postcode_areas.csv")]
    assert len(codes) == len(set(codes)) == 121
    assert all(code.isalpha() and code.isupper() and 1 <= len(code) <= 2 for code in codes)
    assert {"GY", "JE", "IM"}.isdisjoint(codes)


def test_every_centre_is_inside_the_uk() -> None:
    for area in postcode_areas().values():
        assert UK_LATITUDE[0] < area.latitude < UK_LATITUDE[1], area
        assert UK_LONGITUDE[0] < area.longitude < UK_LONGITUDE[1], area


def test_every_force_named_is_known_and_every_force_has_an_area() -> None:
    forces = force_areas()
    assert len(forces) == 45  # 43 of England and Wales, Police Scotland, the PSNI
    named = [f for area in postcode_areas().values() for f in area.forces]
    assert set(named) <= set(forces)
    assert set(forces) == set(named)
    for area in postcode_areas().values():
        assert len(area.forces) == len(set(area.forces)), area


def test_force_codes_follow_the_ons_pattern() -> None:
    prefixes = {"England": "E23", "Wales": "W15", "Scotland": "S23", "Northern Ireland": "N23"}
    for code, force in force_areas().items():
        assert code.startswith(prefixes[force.nation]) and len(code) == 9, code
    names = [f.name for f in force_areas().values()]
    assert len(names) == len(set(names))


def test_every_tile_is_its_own() -> None:
    tiles = [area.tile for area in postcode_areas().values()]
    assert len(tiles) == len(set(tiles))
    assert all(col >= 0 and row >= 0 for col, row in tiles)


def test_tiles_keep_north_above_south_and_west_left_of_east() -> None:
    """The tile grid is a distortion, but not a shuffle: an area well north of another sits
    higher, one well west of another at about the same latitude sits further left."""
    areas = list(postcode_areas().values())
    for a in areas:
        for b in areas:
            if a.latitude > b.latitude + 1.5:
                assert a.tile[1] < b.tile[1], (a.code, b.code)
            if abs(a.latitude - b.latitude) < 1 and a.longitude < b.longitude - 1.6:
                assert a.tile[0] < b.tile[0], (a.code, b.code)


@pytest.mark.parametrize(
    ("area", "main"),
    [
        ("PE", "Cambridgeshire"),
        ("BT", "Northern Ireland"),
        ("EH", "Scotland"),
        ("SW", "Metropolitan"),
        ("EC", "City of London"),
        ("CF", "South Wales"),
        ("NP", "Gwent"),
        ("LL", "North Wales"),
        ("LD", "Dyfed-Powys"),
        ("M", "Greater Manchester"),
        ("TR", "Devon and Cornwall"),
        ("NR", "Norfolk"),
    ],
)
def test_main_forces_of_some_areas(area: str, main: str) -> None:
    assert force_areas()[postcode_areas()[area].forces[0]].short_name == main


def test_districts_and_areas_of_what_a_user_types() -> None:
    assert district_of(" sw1a 1aa ") == "SW1A"
    assert district_of("EC1A") == "EC1A"
    assert district_of("not a postcode") is None
    assert area_of_code("b1 1aa") == "B"
    assert area_of_code("BT") == "BT"
    assert area_of_code("GY1 1AA") is None


_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
postcodes = st.builds(
    lambda area, number, inward, letters, spaced: (
        f"{area}{number}{' ' if spaced else ''}{inward}{letters}"
    ),
    st.sampled_from(sorted(postcode_areas())),
    st.integers(1, 99),
    st.integers(0, 9),
    st.text(_INWARD_LETTERS, min_size=2, max_size=2),
    st.booleans(),
)


@given(postcodes)
def test_a_postcode_lies_in_its_area_and_district(postcode: str) -> None:
    district = district_of(postcode)
    assert district is not None and postcode.replace(" ", "").startswith(district)
    area = area_of_code(postcode)
    assert area is not None and district.startswith(area) and district[len(area)].isdigit()
    shipped = AreaScope(f"Postcode area {area}", "postcode area", None, frozenset({area}), SHIPPED)
    assert shipped.contains(postcode) and shipped.contains(postcode.lower())
    exact = AreaScope(
        district, "postcode district", frozenset({district}), frozenset({area}), SHIPPED
    )
    assert exact.contains(postcode)
    others = frozenset(postcode_areas()) - {area}
    assert not AreaScope("rest", "postcode area", None, others, SHIPPED).contains(postcode)
