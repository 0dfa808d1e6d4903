"""Long lists of keys cut into pieces that one SQL ``IN (...)`` may carry.

SQLite binds at most 32,766 parameters in a statement and PostgreSQL 65,535. A piece of 5,000
keys leaves room for a query's other parameters and keeps each statement's plan cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

__all__ = ["CHUNK", "chunked"]

CHUNK = 5000

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` in order, `size` at a time.

    >>> [list(c) for c in chunked([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    >>> list(chunked([], 2))
    []
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]
