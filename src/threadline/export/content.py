"""What an export holds: the part of the acting user's graph a scope names, row by row.

`select` builds the graph of what the View admits (``threadline.graph.build_graph``) and cuts
it to the scope: a case (the View narrowed to the case's records), the ego network of an
entity, a network (a Leiden community, numbered as ``threadline graph communities`` numbers
them), or everything. `Content` then yields entity rows and link rows one at a time, each
with its evidence (agency, source, grade, report date and marking of every record), so that
writers stream them out without building a second copy of the graph.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import igraph as ig

from threadline.errors import ThreadlineError
from threadline.graph.build import build_graph
from threadline.graph.communities import communities
from threadline.graph.evidence import protection_of_records
from threadline.graph.paths import ego_network
from threadline.graph.vocabulary import GraphFilter, RecordInfo, find_node
from threadline.model.grading import SCHEME_5X5X5, Grade
from threadline.model.links import link_types
from threadline.model.marking import Marking
from threadline.model.protection import Protection
from threadline.read import View
from threadline.read.cases import narrow_to_case
from threadline.read.currency import currency

__all__ = ["Content", "Evidence", "LinkRow", "NodeRow", "Scope", "select"]


@dataclass(frozen=True, slots=True)
class Scope:
    """What to export: everything the user may see, or one case, ego network or network."""

    case: str | None = None
    """A case's name: only the records attached to it (the user must be a member)."""
    entity: str | None = None
    """An entity id, a value (``phone:+44...``) or a caption: its ego network."""
    hops: int = 2
    """How far out from `entity` to go."""
    network: int | None = None
    """A network's number, as ``threadline graph communities`` shows it."""
    seed: int = 0
    """Leiden's seed, for `network` and for grouping by community."""
    filters: GraphFilter = field(default_factory=GraphFilter)
    """Dates, link types, grade and agencies, as for the graph commands."""

    def __post_init__(self) -> None:
        if self.entity is not None and self.network is not None:
            raise ThreadlineError("export an entity's network (--entity) or a network, not both")
        if self.hops < 0:
            raise ThreadlineError("--hops must be 0 or more")

    def words(self, *, named: bool = True) -> str:
        """The scope in words, for headers; with ``named=False``, for the audit log, without
        the entity as typed (a caption or a value is personal data: the event names the
        entities exported by id instead).

        >>> Scope(entity="Lan NGUYEN", hops=1).words(named=False)
        '1 hops around one entity'
        """
        parts = []
        if self.case is not None:
            parts.append(f"case {self.case}")
        if self.entity is not None:
            parts.append(f"{self.hops} hops around {self.entity if named else 'one entity'}")
        if self.network is not None:
            parts.append(f"network {self.network}")
        return ", ".join(parts) or "everything the user may see"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One record behind an entity or a link, as far as an export may say."""

    record: int
    agency: str
    source: str
    grade: str
    """The grade as given (``1AP``, or a legacy ``B24``)."""
    code: str
    """Its 3x5x2 reading (``1A``), used for grading columns and chart grades."""
    marking: str
    reported_on: date | None

    @property
    def shown(self) -> str:
        """The grade as given, a legacy grade with its suggested 3x5x2 reading beside it.

        >>> Evidence(1, "nwpolice", "legacy", "B42", "1D", "OFFICIAL", None).shown
        'B42 (5x5x5; suggested 3x5x2 reading 1DC)'
        """
        if len(self.grade) == 3 and self.grade[:1].isalpha():
            return Grade(SCHEME_5X5X5, *self.grade).shown
        return self.grade


@dataclass(frozen=True, slots=True)
class NodeRow:
    """An entity (or a shared value: phone, email, account, vehicle) in an export."""

    id: str
    kind: str
    """``entity`` or ``value``."""
    schema: str
    label: str
    entity_ids: tuple[str, ...]
    roles: tuple[str, ...]
    facts: Mapping[str, tuple[tuple[str, int], ...]]
    """``{prop: ((value, record id), ...)}``: birthDate, nationality, sector..."""
    evidence: tuple[Evidence, ...]
    protection: Protection
    community: int | None

    @property
    def first_seen(self) -> date | None:
        days = [e.reported_on for e in self.evidence if e.reported_on]
        return min(days) if days else None

    @property
    def last_seen(self) -> date | None:
        days = [e.reported_on for e in self.evidence if e.reported_on]
        return max(days) if days else None

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(sorted({e.agency for e in self.evidence}))

    @property
    def grade(self) -> str:
        """The best 3x5x2 reading of its evidence (``1A`` beats ``2B``), or empty."""
        return min((e.code for e in self.evidence), default="")


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link in an export, from the entity it starts from to the other end."""

    id: str
    source: str
    target: str
    type: str
    label: str
    """The link type in words: "lives at"."""
    schema: str
    start: str | None
    end: str | None
    weight: float
    grade: str
    evidence: tuple[Evidence, ...]
    protection: Protection
    directed: bool
    """Whether the relationship has a direction (works for); associations do not."""

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(sorted({e.agency for e in self.evidence}))


UNDIRECTED = frozenset({"associate", "family", "mentioned_with"})
"""Link types that hold both ways."""


@functools.cache
def _labels() -> dict[str, str]:
    return {name: kind.label for name, kind in link_types().items()}


def link_label(kind: str) -> str:
    """A link type in words.

    >>> link_label("works_for"), link_label("has_phone")
    ('works for', 'has phone')
    """
    return _labels().get(kind, kind.replace("_", " "))


class Content:
    """The graph an export holds, its protection and, where asked, each node's community."""

    def __init__(
        self,
        graph: ig.Graph,
        scope: Scope,
        *,
        community: Mapping[str, int] | None = None,
        produced_by: str = "",
        produced_at: datetime | None = None,
        recipient: str = "",
        purpose: str = "",
        currency: str = "",
    ) -> None:
        self.graph = graph
        self.currency = currency
        """How current the material is (`threadline.read.currency`), in words."""
        self.recipient = recipient
        """Who the export is for (the disclosure's recipient)."""
        self.purpose = purpose
        """Why it is disclosed."""
        self.scope = scope
        self.community = community
        self.produced_by = produced_by
        self.produced_at = produced_at or datetime.now(UTC)
        self.records: set[int] = {
            r for rs in (graph.vs["records"] if graph.vcount() else []) for r in rs
        } | {r for rs in (graph.es["records"] if graph.ecount() else []) for r in rs}
        """Every record the export rests on."""
        self.protection: Protection = protection_of_records(graph, self.records)
        """Highest marking and most restrictive handling of everything in it."""
        self._info: dict[int, RecordInfo] = graph["records"]
        self._evidence: dict[int, Evidence] = {}

    @property
    def node_count(self) -> int:
        return int(self.graph.vcount())

    @property
    def link_count(self) -> int:
        return int(self.graph.ecount())

    @property
    def entity_ids(self) -> list[str]:
        """The ids of the resolved entities exported (for the audit log)."""
        ids = self.graph.vs["entity_ids"] if self.graph.vcount() else []
        return sorted({e for group in ids for e in group})

    def title(self) -> str:
        """A chart or sheet title that starts with the export's marking."""
        return f"{self.protection.words()} | Threadline export: {self.scope.words()}"

    def _of(self, record: int) -> Evidence:
        found = self._evidence.get(record)
        if found is None:
            info = self._info[record]
            found = self._evidence[record] = Evidence(
                record=record,
                agency=info.agency,
                source=info.source,
                grade=info.grade.code,
                code=info.code,
                marking=info.marking,
                reported_on=info.reported_on,
            )
        return found

    def evidence_of(self, records: Iterable[int]) -> tuple[Evidence, ...]:
        """The evidence of the records `records` (those the graph holds)."""
        return tuple(self._of(r) for r in records if r in self._info)

    def evidence(self) -> Iterator[Evidence]:
        """Every record the export rests on, by id."""
        for record in sorted(self.records):
            if record in self._info:
                yield self._of(record)

    def nodes(self) -> Iterator[NodeRow]:
        """Every node, in name order."""
        g = self.graph
        for v in g.vs:
            records = v["records"]
            yield NodeRow(
                id=v["name"],
                kind=v["kind"],
                schema=v["schema"],
                label=v["caption"],
                entity_ids=tuple(v["entity_ids"]),
                roles=tuple(v["roles"]),
                facts=v["facts"],
                evidence=tuple(self._of(r) for r in records if r in self._info),
                protection=protection_of_records(g, records),
                community=None if self.community is None else self.community.get(v["name"]),
            )

    def links(self) -> Iterator[LinkRow]:
        """Every link, oriented from the node it starts from."""
        g = self.graph
        names: list[str] = g.vs["name"] if g.vcount() else []
        for e in g.es:
            a, b = names[e.source], names[e.target]
            start_from = e["src"] or a
            target = b if start_from == a else a
            kind = e["type"]
            yield LinkRow(
                id=f"L{e.index}",
                source=start_from,
                target=target,
                type=kind,
                label=link_label(kind),
                schema=e["schema"] or "",
                start=e["start"],
                end=e["end"],
                weight=float(e["weight"]),
                grade=str(e["grade"]),
                evidence=tuple(self._of(r) for r in e["records"] if r in self._info),
                protection=Protection(Marking(e["marking"]), e["handling"], tuple(e["conditions"])),
                directed=kind not in UNDIRECTED,
            )


def select(view: View, scope: Scope, *, by_community: bool = False) -> Content:
    """What `scope` names of what `view`'s actor may see (see the module docstring).

    Raises ThreadlineError when the case is not one of the actor's, the entity matches no
    node they may see (NodeNotFound) or there is no such network.
    """
    if scope.case is not None and not narrow_to_case(view, scope.case):
        raise ThreadlineError(f"no open case {scope.case!r} that you are a member of")
    g = build_graph(view, filters=scope.filters)
    membership: list[int] | None = None
    if scope.network is not None or by_community:
        membership = communities(g, seed=scope.seed, resolution=None)
    if scope.entity is not None:
        centre = g.vs[find_node(g, scope.entity)]["name"]
        chosen = ego_network(g, centre, hops=scope.hops)
    elif scope.network is not None:
        assert membership is not None
        members = [i for i, c in enumerate(membership) if c == scope.network]
        if not members:
            raise ThreadlineError(f"no network {scope.network}: see threadline graph communities")
        chosen = g.induced_subgraph(members)
    else:
        chosen = g
    community = None
    if by_community and membership is not None:
        community = {name: membership[i] for i, name in enumerate(g.vs["name"])}
    return Content(chosen, scope, community=community, produced_by=view.actor.username,
                   currency=currency(view).words())  # fmt: skip
