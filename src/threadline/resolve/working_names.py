"""Joining a woman's adverts to her own records through her working name and her advertiser's line.

Adverts name a woman only by a working name ("Amber") and give her controller's phone; her
own records (a police log, an NRM referral, a hospital visit) give her real name. The model
cannot join the two: an advert and one of her records share too little, and the average
linkage weighs every record of her against every advert. What joins them is what an analyst
would look for across the two clusters as wholes:

* a cluster of adverts that all give one working name, no surname and no date of birth, and
  state her age (*adverts*);
* a cluster of her records, one of which says she is known by that name (an alias: an NRM
  referral's other names, a police "also known as") or gives it as her given name (a woman
  advertising under her own first name);
* a phone line in common: her records give one of the lines her advertiser uses (the lines of
  the adverts that share photos with hers), as her own number or anywhere else in the record
  (an intelligence log on her that says the man who controls her uses that number);
* her age: the ages the adverts state do not contradict a date of birth in her records (at most
  five years out).

The adverts join her records only when exactly one cluster of records qualifies, and no
analyst has judged a record of one different from a record of the other. Working names are
common (many women are "Amber"), so the line is required: name and age alone would join
women of other networks.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkingNameJoin", "join_working_names"]

AGE_GAP = 5
"""Years between the birth year the adverts' ages imply and a date of birth in her records
beyond which they are not one woman (advertised ages run a few years young)."""


@dataclass(frozen=True, slots=True)
class WorkingNameJoin:
    """One cluster of adverts joined to one cluster of a woman's records, and why."""

    adverts: tuple[str, ...]
    """Record ids of the adverts (the working-name cluster)."""
    record: str
    """The record that gives the working name as her alias."""
    name: str
    """The working name (as prepared: lower case, plain letters)."""
    line: str
    """A line both give: one of her advertiser's lines that her records give (as her number
    or elsewhere in the record)."""
    gives: str = ""
    """The record of hers that gives the line (empty in runs made before it was kept)."""
    own: bool = True
    """Whether that record gives the line as her own number (else as a number it names:
    another person's, or one its text mentions)."""

    def words(self) -> str:
        """The join as an explanation says it."""
        if not self.gives:
            where = f"her records give {self.line}"
        elif self.own:
            where = f"{self.gives} gives {self.line} as her number"
        else:
            where = (
                f"{self.gives} gives {self.line} as a number it names (another person's, or "
                "one in its text)"
            )
        return (
            f"{len(self.adverts)} advert(s) under the working name {self.name!r} joined: "
            f"{self.record} gives it as her alias or given name, and {where}, a line of the "
            "adverts' advertiser; the ages the adverts state fit"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as a run keeps it."""
        return {"adverts": list(self.adverts), "record": self.record, "name": self.name,
                "line": self.line, "gives": self.gives, "own": self.own}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkingNameJoin:
        """The inverse of :meth:`to_dict`."""
        return cls(tuple(data["adverts"]), data["record"], data["name"], data["line"],
                   data.get("gives", ""), bool(data.get("own", True)))  # fmt: skip


@dataclass(slots=True)
class _Cluster:
    members: list[str]
    rows: list[Mapping[str, Any]]


def join_working_names(
    rows: Iterable[Mapping[str, Any]],
    clusters: Mapping[str, str],
    different: Collection[tuple[str, str]] = (),
) -> tuple[dict[str, str], tuple[WorkingNameJoin, ...]]:
    """Join clusters of adverts to the cluster of the woman's own records (see the module).

    ``rows`` are prepared records (``record_id``, ``given``, ``surname``, ``dob_y``,
    ``born_about``, ``phone``, ``aliases``, ``photo_group``, and optionally ``ctx_phones``, the
    other numbers the record gives): at least every advert (every
    record of a photo group) and every record of each cluster that holds adverts or gives one
    of their lines (others cannot qualify). ``clusters`` maps
    record ids to cluster ids (the smallest record id of each); ``different`` are judged
    pairs of record ids. Returns the clusters after the joins (a joined cluster is named by
    its smallest record id) and the joins, in a fixed order.
    """
    by_id = {str(r["record_id"]): r for r in rows}
    groups: dict[str, _Cluster] = {}
    for record_id in sorted(by_id):
        label = clusters.get(record_id)
        if label is not None:
            group = groups.setdefault(label, _Cluster([], []))
            group.members.append(record_id)
            group.rows.append(by_id[record_id])
    advertiser_lines: dict[str, set[str]] = defaultdict(set)
    for row in by_id.values():
        if row.get("photo_group") and row.get("phone"):
            advertiser_lines[str(row["photo_group"])].add(str(row["phone"]))
    by_alias: dict[str, list[str]] = defaultdict(list)
    for label, group in sorted(groups.items()):
        if any(r.get("surname") for r in group.rows):
            for alias in sorted({n for r in group.rows for n in _known_as(r)}):
                by_alias[alias].append(label)
    apart = {frozenset(pair) for pair in different}
    members = {label: list(group.members) for label, group in groups.items()}
    out = dict(clusters)
    joins: list[WorkingNameJoin] = []
    for label, group in sorted(groups.items()):
        name = _working_name(group)
        if name is None:
            continue
        lines = {str(r["phone"]) for r in group.rows if r.get("phone")}
        for row in group.rows:
            if row.get("photo_group"):
                lines |= advertiser_lines[str(row["photo_group"])]
        age = statistics.median(int(r["born_about"]) for r in group.rows if r.get("born_about"))
        found = [
            evidence
            for other in by_alias.get(name, [])
            if (evidence := _evidence(groups[other], name, lines, age)) is not None
            and not _judged_apart(group, groups[other], apart)
        ]
        if len(found) != 1:
            continue
        record, line, gives, own = found[0]
        joins.append(WorkingNameJoin(tuple(group.members), record, name, line, gives, own))
        # Her cluster (with any adverts joined to it before) and these adverts become one.
        target = out[record]
        head = min(target, label)
        joined = members.pop(target) + members.pop(label)
        members[head] = joined
        for member in joined:
            out[member] = head
    return out, tuple(joins)


def _working_name(group: _Cluster) -> str | None:
    """The one working name of a cluster of adverts, or None if it is not one."""
    if any(r.get("surname") or r.get("dob_y") or not r.get("given") for r in group.rows):
        return None
    if not any(r.get("born_about") for r in group.rows):
        return None
    names = {str(r["given"]) for r in group.rows}
    return names.pop() if len(names) == 1 else None


def _evidence(
    group: _Cluster, name: str, lines: set[str], age: float
) -> tuple[str, str, str, bool] | None:
    """(the record that gives the name, a shared line, the record that gives the line, whether
    as her own number) if the woman's records qualify."""
    years = [int(r["dob_y"]) for r in group.rows if r.get("dob_y")]
    if years and not any(abs(age - y) <= AGE_GAP for y in years):
        return None
    shared = sorted(lines & {number for r in group.rows for number in _numbers(r)})
    if not shared:
        return None
    pairs = list(zip(group.members, group.rows, strict=True))
    record = min(m for m, r in pairs if name in _known_as(r))
    gives, row = min(((m, r) for m, r in pairs if shared[0] in _numbers(r)), key=lambda p: p[0])
    return record, shared[0], gives, row.get("phone") == shared[0]


def _numbers(row: Mapping[str, Any]) -> set[str]:
    """The numbers a record gives: the person's own and any other (``ctx_phones``)."""
    found = {str(n) for n in row.get("ctx_phones") or ()}
    if row.get("phone"):
        found.add(str(row["phone"]))
    return found


def _known_as(row: Mapping[str, Any]) -> list[str]:
    """The names a record of a woman's own says she goes by: her aliases, and her given name
    where the record gives her whole name."""
    names = list(row.get("aliases") or [])
    if row.get("surname") and row.get("given"):
        names.append(str(row["given"]))
    return names


def _judged_apart(a: _Cluster, b: _Cluster, apart: set[frozenset[str]]) -> bool:
    return bool(apart) and any(frozenset((x, y)) in apart for x in a.members for y in b.members)
