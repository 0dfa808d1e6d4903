"""Network profiles: each community as an analyst describes a network, and who knows what.

A profile lists a community's people by role, its premises, businesses, phones, vehicles
and accounts, the exploitation types its NRM referrals name, its first and last dates, and
a matrix of which agencies hold evidence on how many of its members of each kind.

Profiles are ranked by risk when the members' risk scores are given (``MemberRisk``, as
``threadline.risk.analysis.member_risk`` gives them: each node's strongest finding per
indicator times its weight, added up, and which indicators about victims found something on
each node). A network's risk (``network_risk``) is the sum of its members' scores divided by
the square root of its core's size: the geometric mean of how much is found against the
network (the sum) and how concentrated it is (the sum per member of its core: the members
within ``CORE_STEPS`` steps of a flagged member), times one more than the number
of kinds of evidence about victims found on its members (victims living at one address, a
lone worker in a family's home, a child found there, a typology's signs reported there):
independent kinds of evidence corroborate one another, where a pattern repeated on many
members (one phone given by five people) is still one kind. The sum alone grows with size:
a community of 150 background people, one in twenty with a weak finding of their own (a
crowded house, a shared phone, two names), outranked a family keeping one woman in
servitude. The mean alone dilutes a network among the people the community finder put
around it, and so does dividing by the whole community's size: a network inside a community
of 190 (91 of them within two steps of a finding; the rest its customers, a landlord's other
tenants, further from anything found) ranked below an innocent business's 20 staff sharing a
house and a phone.
Without scores profiles are listed by size.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import igraph as ig

from threadline.graph._guards import graph_function
from threadline.graph.vocabulary import VALUE, node_evidence
from threadline.model.roles import Role

__all__ = [
    "CATEGORIES",
    "CORE_STEPS",
    "MemberRisk",
    "NetworkProfile",
    "category",
    "network_profiles",
    "network_risk",
]

CATEGORIES = ("people", "premises", "businesses", "phones", "emails", "vehicles", "accounts")
"""Kinds of member counted in a profile and in its agency matrix."""

CORE_STEPS = 2
"""How far from a flagged member a network's core reaches: two steps take in what a flagged
member shares (an address, a phone, a record) and who shares it with them."""

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
class MemberRisk:
    """What the risk findings say about a graph's nodes, for ranking its networks."""

    scores: Mapping[str, float]
    """Node name -> its score (nodes without findings left out)."""
    victims: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Node name -> the indicators about victims (the weights' ``victim_indicators``) with a
    finding on it that rests on victims (nodes without one left out)."""


def network_risk(total: float, size: int, kinds: int = 0) -> float:
    """A network's risk from `total`, its `size` members' risk scores added up, and the
    `kinds` of evidence about victims found on them: the geometric mean of the total and the
    total per member, total / sqrt(size), times 1 + kinds.

    A few members with strong findings outweigh many with weak ones: 3 members scoring 1.5
    in a network of 30 outweigh 12 scoring 0.5 in a cluster of 150; and the same findings
    count twice when one kind of evidence about victims is among them, three times with two.

    >>> round(network_risk(4.5, 30), 2), round(network_risk(6.0, 150), 2)
    (0.82, 0.49)
    >>> round(network_risk(4.5, 30, kinds=2), 2)
    2.46
    >>> network_risk(3.0, 0)
    0.0
    """
    return total / math.sqrt(size) * (1 + kinds) if size > 0 else 0.0


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
    """Its members' risk scores added up, over the square root of its ``core``, times one more
    than the kinds of evidence about victims found on them (``network_risk``; 0 when no
    scores were given)."""
    scored: int = 0
    """How many of its members have a risk score above 0."""
    total: float = 0.0
    """Its members' risk scores added up."""
    victim_evidence: tuple[str, ...] = ()
    """The indicators about victims with a finding on a member, sorted."""
    core: int = 0
    """How many of its members are within ``CORE_STEPS`` steps of a flagged member, inside
    the community (flagged members included): the size its risk is measured against."""

    @property
    def victims_found(self) -> bool:
        """Whether a finding on a member is about victims."""
        return bool(self.victim_evidence)


@graph_function
def network_profiles(
    g: ig.Graph,
    membership: list[int],
    *,
    min_size: int = 3,
    scores: MemberRisk | Mapping[str, float] | None = None,
) -> list[NetworkProfile]:
    """A profile of every community of at least `min_size` nodes: riskiest first when
    `scores` are given (a ``MemberRisk``, or node name -> risk score, when no node is
    known to have a finding about victims), else largest first.

    >>> from threadline.graph.build import graph_from_edges
    >>> g = graph_from_edges(
    ...     [("lan", "mill", "lives_at"), ("hung", "mill", "lives_at")],
    ...     schemata={"mill": "Address"},
    ... )
    >>> g.vs["roles"] = [("victim",), (), ("suspect",)]  # lan, mill, hung
    >>> p = network_profiles(g, [0, 0, 0])[0]
    >>> p.victims, p.suspects, p.premises
    (('lan',), ('hung',), ('mill',))
    >>> [(p.community, round(p.risk, 2), p.total) for p in network_profiles(
    ...     g, [0, 0, 1], min_size=1, scores={"hung": 0.9, "lan": 0.2})]
    [(1, 0.9, 0.9), (0, 0.14, 0.2)]
    """
    if len(membership) != g.vcount():
        raise ValueError("membership must give a community for every node")
    groups: dict[int, list[int]] = defaultdict(list)
    for index, comm in enumerate(membership):
        groups[comm].append(index)
    records = g["records"]
    evidence = node_evidence(g)
    exploitation = g["exploitation"] if "exploitation" in g.attributes() else {}
    risk = scores if isinstance(scores, MemberRisk) or scores is None else MemberRisk(scores)
    adjacency: list[list[int]] = g.get_adjlist() if risk is not None else []
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
        names = [g.vs[i]["name"] for i in members]
        risks = [risk.scores.get(n, 0.0) for n in names] if risk is not None else []
        about = sorted({k for n in names for k in risk.victims.get(n, ())}) if risk else []
        flagged = [i for i, r in zip(members, risks, strict=True) if r > 0] if risk else []
        core = len(_core(adjacency, flagged, inside)) if flagged else len(members)
        value = network_risk(sum(risks), core, len(about))
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
                risk=round(value, 4),
                scored=sum(1 for r in risks if r > 0),
                total=round(sum(risks), 4),
                victim_evidence=tuple(about),
                core=core if risk is not None else 0,
            )
        )
    if risk is not None:
        return sorted(out, key=lambda p: (-p.risk, -p.total, -p.size, p.community))
    return sorted(out, key=lambda p: (-p.size, p.community))


def _core(adjacency: list[list[int]], flagged: list[int], inside: set[int]) -> set[int]:
    """The nodes of `inside` (a community) within ``CORE_STEPS`` steps of a `flagged` node,
    over edges inside the community."""
    core = set(flagged)
    frontier = set(flagged)
    for _ in range(CORE_STEPS):
        frontier = {n for i in frontier for n in adjacency[i] if n in inside} - core
        core |= frontier
    return core


_LIST_FIELDS = (
    "victims", "suspects", "associates", "other_people", "premises", "businesses", "phones",
    "emails", "vehicles", "accounts",
)  # fmt: skip
