"""Areas named by a user: postcode areas and districts, force areas and local authorities,
from the shipped table alone and with the ONS directory loaded."""

from __future__ import annotations

import pytest

from threadline.errors import ThreadlineError
from threadline.geo import AreaInfo, area_of, load_geo, load_geodata, resolve_area
from threadline.security.actors import Actor
from threadline.store import Store

from .conftest import DIRECTORY, LA_NAMES


@pytest.fixture
def loaded(store: Store, admin: Actor) -> Store:
    load_geodata(store, admin, DIRECTORY, names=LA_NAMES)
    return store


def test_areas_from_the_shipped_table(store: Store) -> None:
    with store.connect() as conn:
        area = resolve_area(conn, " pe ")
        district = resolve_area(conn, "pe13")
        force = resolve_area(conn, "Cambridgeshire")
        by_code = resolve_area(conn, "e23000023")
        durham = resolve_area(conn, "force:Durham")
    assert (area.label, area.kind, area.areas, area.districts) == (
        "Postcode area PE (Peterborough)",
        "postcode area",
        frozenset({"PE"}),
        None,
    )
    assert area.precision == "shipped table"
    assert area.contains("PE13 2AB") and area.contains("pe1") and not area.contains("CB1 1AA")
    assert (district.kind, district.districts, district.areas) == (
        "postcode district",
        frozenset({"PE13"}),
        frozenset({"PE"}),
    )
    assert district.contains("PE13 9ZZ") and not district.contains("PE1 9ZZ")
    assert force.label == "Cambridgeshire Constabulary" and force.kind == "police force area"
    assert {"PE", "CB", "SG"} <= force.areas and "M" not in force.areas
    assert force.districts is None
    assert by_code == force
    assert durham.label == "Durham Constabulary"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("the Met", "Metropolitan Police Service"),
        ("PSNI", "Police Service of Northern Ireland"),
        ("police scotland", "Police Scotland"),
        ("Devon & Cornwall", "Devon and Cornwall Police"),
        ("Hampshire", "Hampshire and Isle of Wight Constabulary"),
        ("W15000002", "Gwent Police"),
    ],
)
def test_force_areas_by_any_of_their_names(store: Store, text: str, label: str) -> None:
    with store.connect() as conn:
        assert resolve_area(conn, text).label == label


def test_what_is_not_recognised_is_named(store: Store) -> None:
    with store.connect() as conn:
        with pytest.raises(
            ThreadlineError,
            match=r"'Atlantis' is not a known postcode area, "
            r"postcode district, police force area or local authority "
            r"\(local authorities need `threadline geodata load`\)",
        ):
            resolve_area(conn, "Atlantis")
        with pytest.raises(ThreadlineError, match="'Fenland' is not a known local authority"):
            resolve_area(conn, "la:Fenland")
        with pytest.raises(ThreadlineError, match="'QQ1' is not a known"):
            resolve_area(conn, "QQ1")


def test_a_force_area_with_the_directory_is_its_districts(loaded: Store) -> None:
    with loaded.connect() as conn:
        cambs = resolve_area(conn, "Cambridgeshire")
        norfolk = resolve_area(conn, "Norfolk Constabulary")
    assert cambs.districts == frozenset({"PE13", "PE14", "PE1", "CB1"})
    assert cambs.areas == frozenset({"PE", "CB"})
    assert cambs.shared == frozenset({"PE14"})
    assert cambs.precision.startswith("ONS postcode directory loaded ")
    # PE14 is shared: its postcodes are checked one by one; a district alone counts as inside
    assert cambs.contains("PE14 9ZA") and not cambs.contains("PE14 9ZB")
    assert norfolk.contains("PE14 9ZB") and not norfolk.contains("PE14 9ZA")
    assert cambs.contains("PE14") and norfolk.contains("PE14")
    # a postcode the directory does not know, in a shared district, counts for both
    assert cambs.contains("PE14 9QQ") and norfolk.contains("PE14 9QQ")
    assert (cambs.kind, norfolk.kind) == ("police force area", "police force area")
    assert cambs.postcodes == frozenset({"PE14 9ZA"})
    assert cambs.outside == frozenset({"PE14 9ZB", "PE14 9ZD"})
    assert cambs.contains("PE13 9ZA") and not cambs.contains("PE30 9ZA")
    assert not cambs.contains("PE12 9ZA")  # Lincolnshire, though in a Cambridgeshire area


def test_a_local_authority_needs_the_directory(loaded: Store) -> None:
    with loaded.connect() as conn:
        fenland = resolve_area(conn, "fenland")
        by_code = resolve_area(conn, "E07000146")
        area = resolve_area(conn, "PE")
    assert (fenland.label, fenland.kind) == ("Fenland", "local authority")
    assert fenland.districts == frozenset({"PE13", "PE14"})
    assert fenland.contains("PE14 9ZA") and not fenland.contains("PE14 9ZD")
    assert by_code.label == "King's Lynn and West Norfolk"
    assert by_code.districts == frozenset({"PE14", "PE30"})
    assert area.districts == frozenset({"PE1", "PE12", "PE13", "PE14", "PE30"})


def test_a_district_not_in_the_directory_is_refused(loaded: Store) -> None:
    refused = pytest.raises(ThreadlineError, match="PE99 is not in the loaded ONS directory")
    with loaded.connect() as conn, refused:
        resolve_area(conn, "PE99")


def test_where_a_postcode_lies(store: Store, admin: Actor) -> None:
    with store.connect() as conn:
        assert area_of(conn, "PE14 9ZB") == AreaInfo(
            "PE", "PE14", "Cambridgeshire Constabulary", None, "shipped table"
        )
        assert area_of(conn, "Nowhere") is None
        assert load_geo(conn) is None
    load_geodata(store, admin, DIRECTORY, names=LA_NAMES)
    with store.connect() as conn:
        exact = area_of(conn, "pe149zb")
        district = area_of(conn, "PE14")
        unknown = area_of(conn, "PE14 9QQ")
        belfast = area_of(conn, "BT1 9ZA")
        ended = area_of(conn, "PE13 9ZD")
        geo = load_geo(conn)
    assert exact is not None and exact.force_area == "Norfolk Constabulary"
    assert exact.local_authority == "King's Lynn and West Norfolk"
    assert exact.precision.startswith("ONS postcode directory loaded")
    # a district: the force and authority most of its live postcodes are in
    assert district is not None and district.force_area == "Norfolk Constabulary"
    assert unknown == district
    assert belfast is not None and belfast.force_area == "Police Service of Northern Ireland"
    assert exact.terminated is None
    assert ended is not None and ended.terminated == "201905"
    assert geo is not None and set(geo.districts) == {
        "PE1",
        "PE12",
        "PE13",
        "PE14",
        "PE30",
        "CB1",
        "M1",
        "BT1",
    }
    assert geo.districts["M1"].latitude == pytest.approx(53.479)
