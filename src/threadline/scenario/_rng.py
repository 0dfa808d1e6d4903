"""Deterministic randomness: one seeded :class:`random.Random` per component.

Every component (the world of one shard, each agency writer...) draws from its own generator,
derived from the scenario seed and a path of labels. Changing how one component uses its
randomness therefore leaves every other component's output unchanged.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar

T = TypeVar("T")


def derive(seed: int, *labels: object) -> random.Random:
    """Return a generator seeded from ``seed`` and ``labels`` (stable across runs and machines).

    >>> derive(1, "police", 3).random() == derive(1, "police", 3).random()
    True
    """
    text = "/".join([str(seed), *(str(label) for label in labels)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - synthetic data, not secrets


def chance(rng: random.Random, p: float) -> bool:
    """True with probability ``p``."""
    return rng.random() < p


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """Pick one value from ``(value, weight)`` pairs."""
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]


def between(rng: random.Random, start: date, end: date) -> date:
    """A uniformly random day in ``[start, end]``."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def at_hour(rng: random.Random, day: date, hours: Sequence[int]) -> datetime:
    """A time on ``day`` in one of ``hours`` with random minutes and seconds."""
    hour = rng.choice(hours)
    return datetime.combine(day, time(hour, rng.randint(0, 59), rng.randint(0, 59)))
