"""Naming cultures: a whole name shared by strangers is commoner than its two halves say."""

from __future__ import annotations

import numpy as np

from threadline.resolve._cultures import culture_lift


def _zipf(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    weights = 1 / np.arange(1, n + 1)
    return rng.choice(n, size, p=weights / weights.sum())


def _lift(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.unique(pairs, axis=0)
    return pairs, culture_lift(pairs[:, 0], pairs[:, 1], pairs[:, 0], pairs[:, 1])


def test_names_drawn_independently_have_no_lift() -> None:
    rng = np.random.default_rng(1)
    _, lift = _lift(np.stack([_zipf(rng, 300, 6000), _zipf(rng, 3000, 6000)], axis=1))
    assert 0.9 < float(np.median(lift)) < 1.1
    assert float(np.percentile(lift, 95)) < 2.5


def test_a_minority_culture_has_a_lift() -> None:
    # Nine in ten people have names of one culture, one in ten of another: a given name and a
    # surname of the minority culture go together about ten times more often than chance.
    rng = np.random.default_rng(2)
    majority = np.stack([_zipf(rng, 200, 9000), _zipf(rng, 1500, 9000)], axis=1)
    minority = np.stack([200 + _zipf(rng, 100, 1000), 1500 + _zipf(rng, 500, 1000)], axis=1)
    pairs, lift = _lift(np.concatenate([majority, minority]))
    of_minority = pairs[:, 0] >= 200
    assert float(np.median(lift[of_minority])) > 3.0
    assert float(np.median(lift[~of_minority])) < 1.5


def test_a_pair_of_names_is_judged_without_itself() -> None:
    # Names seen only together (one person's, or a typing error's) say nothing of a culture.
    given = np.array([0, 1, 2, 3])
    surname = np.array([0, 1, 2, 3])
    assert np.allclose(culture_lift(given, surname, given, surname), 1.0)
