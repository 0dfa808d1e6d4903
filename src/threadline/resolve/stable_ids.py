"""Stable entity ids: a cluster of mentions keeps the id of the old entity it shares most
mentions with, so an id an analyst wrote down names the same thing after the next run.

An id says what it names (``per-``, ``org-``, ``adr-``...) and, when new, is derived from the
cluster's smallest mention id; an id is never reused for another entity.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

from followthemoney import model

__all__ = ["PREFIX", "id_prefix", "stable_ids"]

PREFIX = {
    "Person": "per",
    "LegalEntity": "org",
    "Address": "adr",
    "Vehicle": "veh",
    "BankAccount": "acc",
    "Identification": "doc",
    "Image": "img",
}
"""Entity id prefixes by schema family, so an id says what it names."""


def id_prefix(schema_name: str) -> str:
    """The id prefix of a schema's family (``ent`` when none of :data:`PREFIX`)."""
    schema = model.get(schema_name)
    for family, prefix in PREFIX.items():
        if schema is not None and schema.is_a(family):
            return prefix
    return "ent"


def _new_id(prefix: str, members: Iterable[str]) -> str:
    digest = hashlib.sha1(min(members).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{prefix}-{digest}"


def stable_ids(
    clusters: Mapping[str, list[str]], previous: Mapping[str, str], prefixes: Mapping[str, str]
) -> dict[str, str]:
    """Entity id for each cluster: the old id it shares most mentions with, else a new one.

    An id is never reused for another entity, even one that was merged away.

    >>> ids = stable_ids({"a": ["m1", "m2"], "b": ["m3"]}, {"m1": "per-x", "m2": "per-x",
    ...                  "m3": "per-x"}, {"a": "per", "b": "per"})
    >>> ids["a"], ids["b"] != "per-x"
    ('per-x', True)
    """
    overlap: Counter[tuple[str, str]] = Counter()
    for head, members in clusters.items():
        for member in members:
            old = previous.get(member)
            if old is not None:
                overlap[(head, old)] += 1
    chosen: dict[str, str] = {}
    claimed: set[str] = set()
    for (head, old), _count in sorted(overlap.items(), key=lambda item: (-item[1], item[0])):
        if head in chosen or old in claimed:
            continue
        chosen[head] = old
        claimed.add(old)
    taken = set(previous.values()) | set(chosen.values())
    for head, members in sorted(clusters.items()):
        if head in chosen:
            continue
        new = _new_id(prefixes[head], members)
        salt = 1
        while new in taken:  # an old entity (kept elsewhere or merged away) had this id
            salt += 1
            new = _new_id(prefixes[head], [f"{min(members)}#{salt}"])
        chosen[head] = new
        taken.add(new)
    return chosen
