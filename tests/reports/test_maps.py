"""Area maps: a choropleth of postcode areas from the shipped table, districts placed from a
loaded ONS directory, and points at their coordinates; always with alt text and a table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from threadline.geo import District, GeoData, load_geo, load_geodata
from threadline.reports.maps import MapPoint, area_map, classes, project
from threadline.security.actors import Actor
from threadline.store import Store

from ..geo.conftest import DIRECTORY
from .test_figures import assert_standalone

SVG = "{http://www.w3.org/2000/svg}"


def _panels(svg: str) -> int:
    """How many axes (panels) the picture has: matplotlib names each group axes_N (after
    the figure's own prefix)."""
    root = ET.fromstring(svg)
    return sum(
        1 for g in root.iter(f"{SVG}g") if re.match(r"f[0-9a-f]{9}-axes_", g.get("id") or "")
    )


def test_districts_are_summed_into_their_areas() -> None:
    fig = area_map("Premises by area", {"PE13": 12, "PE1": 5, "CB": 3, "M1": 20, "XX9": 2})
    assert_standalone(fig)
    assert fig.table == (
        ("postcode area", "name", "count", "districts"),
        ("M", "Manchester", "20", "M1 20"),
        ("PE", "Peterborough", "17", "PE13 12, PE1 5"),
        ("CB", "Cambridge", "3", ""),
        ("", "not a known postcode area", "2", ""),
    )
    assert fig.alt.startswith(
        "Map of counts in 3 of the UK's 121 postcode areas: most in "
        "M (Manchester) 20, PE (Peterborough) 17"
    )
    assert "2 not in a known postcode area" in fig.alt
    assert _panels(fig.svg) == 1  # nothing to place: the tile map alone


def test_points_get_a_geographic_panel() -> None:
    points = [MapPoint(52.66, 0.16, "Farm", "premises"), MapPoint(52.2, 0.12, "Raid", "event")]
    fig = area_map("Places", {"PE13": 1}, points=points)
    assert_standalone(fig)
    assert _panels(fig.svg) == 2
    assert "2 places shown by coordinates (event, premises)" in fig.alt


def test_districts_are_placed_where_the_directory_puts_them() -> None:
    geo = GeoData(
        "ONS postcode directory loaded 2026-12-01 (x.csv)",
        {
            "PE13": District("PE13", "PE", 52.66, 0.16, 3),
            "PE1": District("PE1", "PE", 52.58, -0.24, 1),
            "PE99": District("PE99", "PE", None, None, 0),
        },
    )
    fig = area_map("By district", {"PE13": 4, "PE1": 2, "PE99": 1}, geodata=geo)
    assert_standalone(fig)
    assert _panels(fig.svg) == 2
    assert "2 districts placed from the ONS postcode directory loaded 2026-12-01" in fig.alt


def test_a_map_from_a_loaded_directory(store: Store, admin: Actor) -> None:
    load_geodata(store, admin, DIRECTORY)
    with store.connect() as conn:
        geo = load_geo(conn)
    fig = area_map("Loaded", {"PE14": 2, "M1": 1}, geodata=geo)
    assert "2 districts placed" in fig.alt
    assert fig.svg == area_map("Loaded", {"PE14": 2, "M1": 1}, geodata=geo).svg


def test_an_empty_map_says_so() -> None:
    fig = area_map("Nothing", {})
    assert_standalone(fig)
    assert fig.alt == "Map of the UK's postcode areas: nothing to show."
    assert fig.table == (("postcode area", "name", "count", "districts"),)


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (1, [(1, 1)]),
        (7, [(1, 2), (3, 4), (5, 6), (7, 7)]),
        (12, [(1, 3), (4, 6), (7, 9), (10, 12)]),
    ],
)
def test_classes_cover_every_count_once(top: int, expected: list[tuple[int, int]]) -> None:
    bins = classes(top)
    assert bins == expected
    assert [n for low, high in bins for n in range(low, high + 1)] == list(range(1, top + 1))


def test_the_projection_keeps_north_up_and_shortens_longitude() -> None:
    x1, y1 = project(52.0, -1.0)
    x2, y2 = project(53.0, 0.0)
    assert y2 > y1 and x2 > x1
    assert x2 - x1 == pytest.approx(0.5807, abs=1e-3)  # cos(54.5 degrees)
