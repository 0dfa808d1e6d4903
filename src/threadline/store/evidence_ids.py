"""The record ids an indicator's or a ranking's stored evidence names."""

from __future__ import annotations

__all__ = ["evidence_records"]


def evidence_records(evidence: object) -> set[int]:
    """Record ids named by an indicator's evidence: ids, or objects with ``record_id``.

    >>> sorted(evidence_records([3, {"record_id": 5}, {"record": "7"}, "x"]))
    [3, 5, 7]
    """
    found: set[int] = set()
    items = evidence if isinstance(evidence, list) else [evidence]
    for item in items:
        value = item.get("record_id", item.get("record")) if isinstance(item, dict) else item
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found.add(int(value))
    return found
