"""Innocent look-alikes of each typology (``threadline.scenario.decoys``), in the world and in
the truth."""

from __future__ import annotations

import pytest

from threadline.scenario import core
from threadline.scenario.background import Background
from threadline.scenario.core import build_world
from threadline.scenario.decoys import DECOYS, plant_decoys
from threadline.scenario.identifiers import Identifiers
from threadline.scenario.places import StreetDirectory
from threadline.scenario.sizes import SIZE_SPECS
from threadline.scenario.world import Premises, World

from .conftest import Scenario


def _world() -> World:
    return build_world(1, 0, SIZE_SPECS["small"], Identifiers(), StreetDirectory())


def _decoys(world: World) -> dict[str, Premises]:
    """Two decoy premises of a built world, found by their look."""
    found: dict[str, Premises] = {}
    for place in world.premises:
        people = place.occupants
        if place.address.flat == "First Floor Flat" and place.network is None and people:
            found["nail_bar_staff_upstairs"] = place
    for biz in world.businesses:
        if "Hydroponics" in biz.name:
            found["grow_shop"] = biz.premises
    return found


def test_every_shard_gets_one_decoy_of_each_kind_and_none_is_exploitative() -> None:
    world = _world()
    found = _decoys(world)
    assert set(found) == {"nail_bar_staff_upstairs", "grow_shop"}
    for place in found.values():
        assert place.network is None and not place.exploitative


def test_the_nail_bar_staff_upstairs_are_each_paid_in_their_own_name() -> None:
    staff = _decoys(_world())["nail_bar_staff_upstairs"].occupants
    assert len(staff) >= 3
    employers = {p.employer.id for p in staff if p.employer}
    assert len(employers) == 1 and all(p.employer.sector == "nail_bar" for p in staff if p.employer)
    accounts = [p.account.number for p in staff if p.account]
    assert len(accounts) == len(staff) == len(set(accounts))


def test_the_nanny_lives_with_a_family_of_another_culture_and_is_employed() -> None:
    world = _world()
    homes = [
        p
        for p in world.premises
        if p.network is None
        and any(o.employer and o.employer.sector == "care_home" for o in p.occupants)
        and any(o.age() < 10 for o in p.occupants)
    ]
    assert homes
    home = homes[-1]
    nanny = next(o for o in home.occupants if o.employer and o.employer.sector == "care_home")
    parents = [o for o in home.occupants if o.partner is not None]
    assert len(parents) == 2 and all(nanny.name.culture != p.name.culture for p in parents)
    assert nanny.account is not None and nanny.account.holder is nanny


def test_decoys_draw_their_own_random_numbers_so_networks_stay_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The networks and the background are built before the decoys, which draw from a
    stream of their own: planting them changes none of the networks' members."""

    def members(world: World) -> list[tuple[str, str, str]]:
        return [(p.id, str(p.name), p.role) for p in world.persons if p.network is not None]

    with_decoys = _world()
    monkeypatch.setattr(core, "plant_decoys", lambda *args: [])
    without = _world()
    assert members(with_decoys) == members(without)
    assert len(with_decoys.persons) > len(without.persons)


def test_plant_decoys_returns_one_premises_per_kind() -> None:
    from threadline.scenario._rng import derive
    from threadline.scenario.world import Builder

    world = World(0, _world().towns)
    builder = Builder(derive(7, "world", 0), 0, Identifiers(), StreetDirectory(), world)
    background = Background(builder, SIZE_SPECS["small"].background)
    background.build()
    places = plant_decoys(builder, background, derive(7, "decoys", 0))
    assert len(places) == len(DECOYS)
    assert all(not p.exploitative and p.network is None for p in places)


def test_decoys_are_innocent_in_the_truth(small: Scenario) -> None:
    businesses = small.truth("businesses")
    shops = [b for b in businesses if "Hydroponics" in b["name"]]
    assert shops and all(b["exploitative"] == "false" and not b["network_id"] for b in shops)
    premises = small.truth("premises")
    upstairs = [
        p for p in premises if p["address"].startswith("First Floor Flat") and not p["network_id"]
    ]
    assert upstairs and all(p["exploitative"] == "false" for p in upstairs)
