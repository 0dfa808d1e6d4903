"""Groups of names joined pair by pair, the smallest name leading each group."""

from __future__ import annotations

__all__ = ["Groups"]


class Groups:
    """Disjoint groups of strings (union-find with path halving); a group's head is its
    smallest member, so that the same joins give the same heads in any order.

    >>> groups = Groups()
    >>> groups.join("c", "b"); groups.join("b", "a"); groups.head("c")
    'a'
    >>> groups.head("z")
    'z'
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def head(self, item: str) -> str:
        """The head of `item`'s group (`item` itself when it was never joined)."""
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        """Put `a` and `b` in one group."""
        first, second = sorted((self.head(a), self.head(b)))
        self._parent[second] = first
