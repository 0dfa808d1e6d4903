"""The synthetic population's names are as concentrated as real populations' names, no more.

Too few names make namesakes of most people, which no real force sees and which would make
every name comparison look weaker than it is; too many would hide the real trouble of common
names (Nguyen, Khan, Singh, Smith). Figures are shares of 20,000 names drawn per culture.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from threadline.scenario._name_pools import POOLS
from threadline.scenario.names import make_name

DRAWS = 20_000

# Culture -> (commonest family name, lowest and highest share of people bearing it).
# Real figures for orientation: Smith is about 1 in 80 people in Great Britain; Nguyen about 1
# in 3 Vietnamese; Patel about 1 in 6 British Indians; Khan and Wang each about 1 in 13.
COMMONEST = {
    "british": ("Smith", 0.008, 0.03),
    "vietnamese": ("Nguyễn", 0.25, 0.45),
    "indian": ("Patel", 0.08, 0.25),
    "pakistani": ("Khan", 0.08, 0.25),
    "chinese": ("Wang", 0.04, 0.12),
    "polish": ("Nowak", 0.01, 0.06),
}


def _draw(culture: str) -> list[str]:
    rng = random.Random(7)
    return [make_name(rng, culture, "M" if i % 2 else "F").family for i in range(DRAWS)]


@pytest.mark.parametrize("culture", sorted(COMMONEST))
def test_commonest_family_name_has_a_realistic_share(culture: str) -> None:
    name, low, high = COMMONEST[culture]
    counts = Counter(_draw(culture))
    top, count = counts.most_common(1)[0]
    assert top == name
    assert low <= count / DRAWS <= high


def test_british_people_rarely_share_a_whole_name() -> None:
    rng = random.Random(3)
    names = Counter(make_name(rng, "british", "M" if i % 2 else "F").full for i in range(5_000))
    shared = sum(n for n in names.values() if n > 1) / 5_000
    assert shared < 0.1


@pytest.mark.parametrize("culture", sorted(POOLS))
def test_pools_have_no_repeats_and_gendered_surnames_line_up(culture: str) -> None:
    pool = POOLS[culture]
    for names in (pool.family, pool.female_family):
        assert len(set(names)) == len(names)
    assert not pool.female_family or len(pool.female_family) == len(pool.family)
    assert len(pool.male) >= 40 and len(pool.female) >= 40
