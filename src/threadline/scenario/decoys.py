"""Innocent look-alikes of each exploitation typology, planted in every shard.

A ranking that flags every nail bar, every family with help at home or every shop selling
grow lights is no use to an analyst: each typology needs a decoy that looks like it on the
surface and is innocent underneath. Each shard gets one of each:

- **a nail bar with its staff living upstairs** (labour's look-alike): every worker is on
  the payroll and paid into an account of their own, and no one controls them;
- **a family home with a live-in nanny** (domestic servitude's): the nanny, of another
  culture than the family, lives with them and is employed and paid, by a care agency;
- **a hydroponics and grow shop** (cannabis cultivation's): a legitimate business selling
  lights, fans and nutrients, from a shop unit;
- **a flat of young women sharing** (a brothel's): friends sharing a flat above a shop,
  each employed and paid in her own name.

Decoys are built after the networks with a random stream of their own (``rng``), so the
networks and the background drawn before them stay as they were; the writers then report
them as they report any background life. None of them is exploitative in the truth.
"""

from __future__ import annotations

import random
from dataclasses import replace

from threadline.scenario._rng import weighted
from threadline.scenario.background import CULTURE_MIX, Background
from threadline.scenario.places import house
from threadline.scenario.world import Builder, Business, Person, Premises

__all__ = ["DECOYS", "plant_decoys"]

DECOYS = ("nail_bar_staff_upstairs", "family_with_nanny", "grow_shop", "women_sharing")
"""The decoys every shard gets, in the order they are built."""


def plant_decoys(b: Builder, bg: Background, rng: random.Random) -> list[Premises]:
    """Build one decoy of each kind into the shard of `b`, drawing from `rng`; the premises
    they occupy (for tests and the truth's description)."""
    saved, b.rng = b.rng, rng
    saved_bg, bg.rng = bg.rng, rng
    try:
        return [
            _nail_bar_staff_upstairs(b, bg),
            _family_with_nanny(b, bg),
            _grow_shop(b, bg),
            _women_sharing(b, bg),
        ]
    finally:
        b.rng, bg.rng = saved, saved_bg


def _employ(b: Builder, biz: Business, person: Person) -> None:
    """On the payroll of `biz`, paid into an account of their own."""
    person.employer = biz
    biz.employees.append(person)
    b.account(person)


def _nail_bar_staff_upstairs(b: Builder, bg: Background) -> Premises:
    biz = bg.business("nail_bar")
    upstairs = replace(biz.premises.address, flat="First Floor Flat")
    flat = b.premises(upstairs, "residential", "flat")
    for _ in range(b.rng.randint(3, 5)):
        worker = b.person("vietnamese", "F", (20, 40), home=flat)
        _employ(b, biz, worker)
    return flat


def _family_with_nanny(b: Builder, bg: Background) -> Premises:
    rng = b.rng
    town = rng.choice(b.world.towns)
    home = bg.home(town, "house")
    culture = weighted(rng, CULTURE_MIX)
    father = b.person(culture, "M", (32, 55), home=home)
    mother = b.person(culture, "F", (30, 50), nationality=father.nationality, home=home)
    father.partner, mother.partner = mother, father
    for _ in range(rng.randint(2, 3)):
        b.person(culture, ages=(1, 9), nationality=father.nationality, home=home)
    nanny_culture = rng.choice([c for c, _ in CULTURE_MIX if c != culture])
    nanny = b.person(nanny_culture, "F", (19, 45), home=home)
    _employ(b, bg.business("care_home"), nanny)
    return home


def _grow_shop(b: Builder, bg: Background) -> Premises:
    rng = b.rng
    biz = bg.business("shop")
    word = rng.choice(("Green", "Indoor", "Urban", "Hydro", "Grow"))
    biz.name = f"{word} Hydroponics & Grow Supplies" + (" Ltd" if biz.company_number else "")
    return biz.premises


def _women_sharing(b: Builder, bg: Background) -> Premises:
    rng = b.rng
    town = rng.choice(b.world.towns)
    (address,) = house(rng, bg.street(town))
    flat = b.premises(replace(address, flat="Flat 1"), "residential", "flat")
    culture = rng.choice(("romanian", "chinese", "albanian", "british"))
    employer = bg.business(rng.choice(("cafe", "care_home", "shop")))
    for _ in range(rng.randint(3, 4)):
        _employ(b, employer, b.person(culture, "F", (19, 30), home=flat))
    return flat
