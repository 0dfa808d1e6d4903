"""Network profiles: each community as an analyst describes a network, and who knows what.

A profile lists a community's people by role, its premises, businesses, phones, vehicles
and accounts, the exploitation types its NRM referrals name, its first and last dates, and
a matrix of which agencies hold evidence on how many of its members of each kind.

Profiles are ranked by risk when the members' risk scores are given (their strongest risk
finding each, as ``threadline.risk.analysis.member_scores`` gives them): a network's risk is
the sum of its members' scores, so that a cluster of background people with nothing against
them falls below a real network however large it is. Without scores they are listed by
size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import igraph as ig

from threadline.graph._guards import graph_function
from threadline.graph.vocabulary import VALUE, node_evidence
from threadline.model.roles import Role

__all__ = ["CATEGORIES", "NetworkProfile", "category", "network_profiles"]

CATEGORIES = ("people", "premises", "businesses", "phones", "emails", "vehicles", "accounts")
"""Kinds of member counted in a profile and in its agency matrix."""

_BUSINESS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
VICTIM_ROLES = frozenset({Role.VICTIM.value, Role.POTENTIAL_VICTIM.value})


def category(schema: str, value_type: str = "") -> str:
    """The profile category of a node, or "other".

    >>> category("Person"), category("Address"), category("Phone", "phone"), category("Note")
    ('people', 'premises', 'phones', 'other')
    """
    if value_type:
        return {"phone": "phones", "email": "emails", "vrm": "vehicles"}.get(value_type, "accounts")
    if schema == "Person":
        return "people"
    if schema == "Address":
        return "premises"
    if schema in _BUSINESS:
        return "businesses"
    return {"Vehicle": "vehicles", "BankAccount": "accounts"}.get(schema, "other")


@dataclass(frozen=True, slots=True)
class NetworkProfile:
    """One community, described. Member lists hold node names, sorted."""

    community: int
    size: int
    victims: tuple[str, ...]
    """People named as victims or potential victims in any record (they may also be
    named as suspects: victim-offender overlap is common in criminal exploitation)."""
    suspects: tuple[str, ...]
    associates: tuple[str, ...]
    other_people: tuple[str, ...]
    premises: tuple[str, ...]
    businesses: tuple[str, ...]
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    vehicles: tuple[str, ...]
    accounts: tuple[str, ...]
    exploitation: tuple[tuple[str, int], ...]
    """NRM exploitation types named by the community's records, with how many records."""
    first: str | None
    last: str | None
    agencies: dict[str, dict[str, int]]
    """Who knows what: agency -> category -> how many members it holds evidence on (a record
    naming the member, or backing one of its links)."""
    records: int
    risk: float = 0.0
    """Sum of its members' risk scores (0 when none were given)."""
    scored: int = 0
    """How many of its members have a risk score above 0."""


@graph_function
def network_profiles(
    g: ig.Graph,
    membership: list[int],
    *,
    min_size: int = 3,
    scores: Mapping[str, float] | None = None,
) -> list[NetworkProfile]:
    """A profile of every community of at least `min_size` nodes: riskiest first when
    `scores` (node name -> risk score) are given, else largest first.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges(
    ...     [("lan", "mill", "lives_at"), ("hung", "mill", "lives_at")],
    ...     schemata={"mill": "Address"},
    ... )
    >>> g.vs["roles"] = [("victim",), (), ("suspect",)]  # lan, mill, hung
    >>> p = network_profiles(g, [0, 0, 0])[0]
    >>> p.victims, p.suspects, p.premises
    (('lan',), ('hung',), ('mill',))
    >>> [(p.community, p.risk) for p in network_profiles(
    ...     g, [0, 0, 1], min_size=1, scores={"hung": 0.9, "lan": 0.2})]
    [(1, 0.9), (0, 0.2)]
    """
    if len(membership) != g.vcount():
        raise ValueError("membership must give a community for every node")
    groups: dict[int, list[int]] = defaultdict(list)
    for index, comm in enumerate(membership):
        groups[comm].append(index)
    records = g["records"]
    evidence = node_evidence(g)
    exploitation = g["exploitation"] if "exploitation" in g.attributes() else {}
    out: list[NetworkProfile] = []
    for comm in sorted(groups):
        members = groups[comm]
        if len(members) < min_size:
            continue
        lists: dict[str, list[str]] = defaultdict(list)
        matrix: dict[str, Counter[str]] = defaultdict(Counter)
        used: set[int] = set()
        for index in members:
            v = g.vs[index]
            kind = category(v["schema"], v["value_type"] if v["kind"] == VALUE else "")
            if kind == "people":
                roles = set(v["roles"])
                if roles & VICTIM_ROLES:
                    lists["victims"].append(v["name"])
                if Role.SUSPECT.value in roles:
                    lists["suspects"].append(v["name"])
                if Role.ASSOCIATE.value in roles and not roles & VICTIM_ROLES:
                    lists["associates"].append(v["name"])
                if not roles & (VICTIM_ROLES | {"suspect", "associate"}):
                    lists["other_people"].append(v["name"])
            else:
                lists[kind].append(v["name"])
            for agency in {records[r].agency for r in evidence[index] if r in records}:
                matrix[agency][kind] += 1
            used.update(evidence[index])
        inside = set(members)
        dates = [
            info.reported_on.isoformat()
            for r in used
            if (info := records.get(r)) is not None and info.reported_on is not None
        ]
        for edge in g.es.select(_within=inside):
            dates.extend(d[:10] for d in edge["dates"])
        kinds = Counter(k for r in used for k in exploitation.get(r, ()))
        risks = [scores.get(g.vs[i]["name"], 0.0) for i in members] if scores else []
        out.append(
            NetworkProfile(
                community=comm,
                size=len(members),
                **{key: tuple(sorted(lists[key])) for key in _LIST_FIELDS},
                exploitation=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
                first=min(dates) if dates else None,
                last=max(dates) if dates else None,
                agencies={a: dict(sorted(c.items())) for a, c in sorted(matrix.items())},
                records=len(used),
                risk=round(sum(risks), 4),
                scored=sum(1 for r in risks if r > 0),
            )
        )
    if scores is not None:
        return sorted(out, key=lambda p: (-p.risk, -p.size, p.community))
    return sorted(out, key=lambda p: (-p.size, p.community))


_LIST_FIELDS = (
    "victims", "suspects", "associates", "other_people", "premises", "businesses", "phones",
    "emails", "vehicles", "accounts",
)  # fmt: skip
