"""What an indicator is, what it finds, and what it is given to look at.

A `Finding` is cheap and slotted; it explains itself: a score from 0 to 1, a reason in
words (which always says how evidence grades weighed), the evidence record ids and their
grades, and the values that drove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import igraph as ig

from threadline.graph.evidence import corroborated
from threadline.graph.vocabulary import ENTITY, RecordInfo
from threadline.risk.wording import tidy

if TYPE_CHECKING:  # the weights read the indicators' defaults; an indicator only reads them
    from threadline.risk.weights import Weights

__all__ = ["Context", "Finding", "Indicator", "TextSearch", "counts_for", "typed", "typology_label"]

TextSearch = Callable[[Sequence[str]], set[int]]
"""Ids of the graph's records whose text contains any of the given words (case-insensitive)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator firing on one node."""

    indicator: str
    node: str
    """Name of the graph node it is about."""
    entity_ids: tuple[str, ...]
    """Entities it is stored against (a node may stand for several, e.g. one vehicle)."""
    score: float
    """Strength from 0 to 1, after weighting the evidence by its grade."""
    reason: str
    evidence: tuple[int, ...]
    grade: str
    """Summary of the evidence grades, e.g. ``1A x3, 2C x1 (weights 1, 0.42)``."""
    values: tuple[tuple[str, str], ...] = ()
    """What drove it, as (what, value) pairs, e.g. ``("phone", "+447700900123")``."""
    about_victims: bool = True
    """False when this finding of an indicator the weights count as about victims rests on
    none (a business's workers housed together, none of them referred)."""
    typologies: tuple[str, ...] = ()
    """The NRM exploitation types it is about (``labour``, ``sexual``...), sorted; none when it
    is neutral (counted in every typology's ranking). Set by the indicator when it knows
    (:attr:`Indicator.typology`, or the finding's own, such as the typology whose signs
    were reported), else from the types its evidence records name (:func:`typed`)."""

    def __post_init__(self) -> None:
        # Reasons are assembled from labels and counts; their articles and plurals are
        # checked once, here, for every indicator ("an agriculture business", "1 other").
        object.__setattr__(self, "reason", tidy(self.reason))


@dataclass(frozen=True, slots=True)
class Indicator:
    """A risk indicator, as a plugin registers it (see ``threadline.risk.hookspecs``)."""

    name: str
    title: str
    rule: str
    """The rule in words, for analysts, the docs and the workbench."""
    subjects: tuple[str, ...]
    """Kinds of node it flags: premises, businesses, people, vehicles, accounts."""
    evaluate: Callable[[Context], Iterable[Finding]]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Its settings (``weight`` and thresholds), as the weights file may override them."""
    typology: str | None = None
    """The NRM exploitation type it is inherently about (``household_worker``: domestic
    servitude), or None: its findings then take the types their evidence names."""


@dataclass
class Context:
    """What indicators look at: the graph, the weights, the date, and a text search."""

    graph: ig.Graph
    weights: Weights
    as_of: date
    text_search: TextSearch | None = None
    place_search: Callable[[], dict[int, set[str]]] | None = None
    """The addresses each record's free text names (none without it)."""

    @cached_property
    def records(self) -> Mapping[int, RecordInfo]:
        """Every evidence record of the graph."""
        records: Mapping[int, RecordInfo] = self.graph["records"]
        return records

    @cached_property
    def incidence(self) -> list[list[int]]:
        """Edge ids at each node."""
        return [list(edges) for edges in self.graph.get_inclist(mode="all")]

    @cached_property
    def endpoints(self) -> list[tuple[int, int]]:
        """The two nodes of each edge."""
        return list(self.graph.get_edgelist())

    @cached_property
    def edge_types(self) -> list[str]:
        """Type of each edge."""
        return list(self.graph.es["type"]) if self.graph.ecount() else []

    @cached_property
    def edge_records(self) -> list[tuple[int, ...]]:
        """Evidence records of each edge."""
        return list(self.graph.es["records"]) if self.graph.ecount() else []

    @cached_property
    def schema(self) -> list[str]:
        """Schema of each node (``Phone``, ``Email``... for value nodes)."""
        return list(self.graph.vs["schema"]) if self.graph.vcount() else []

    @cached_property
    def kind(self) -> list[str]:
        """``entity`` or ``value``, per node."""
        return list(self.graph.vs["kind"]) if self.graph.vcount() else []

    @cached_property
    def record_nodes(self) -> dict[int, list[int]]:
        """Nodes each record names."""
        out: dict[int, list[int]] = {}
        for index, records in enumerate(self.graph.vs["records"]):
            for record in records:
                out.setdefault(record, []).append(index)
        return out

    @cached_property
    def named_types(self) -> Mapping[int, tuple[str, ...]]:
        """The NRM exploitation types each record names (the graph's ``exploitation``)."""
        g = self.graph
        named: Mapping[int, tuple[str, ...]] = (
            g["exploitation"] if "exploitation" in g.attributes() else {}
        )
        return named

    @cached_property
    def exploitation_records(self) -> frozenset[int]:
        """Records about exploitation (the weights file's ``exploitation`` section): those of
        its `sources`, those naming an NRM exploitation type, those whose text holds one of
        its `words`."""
        spec = self.weights.exploitation
        sources = set(spec.sources)
        found = {r for r, info in self.records.items() if info.source in sources}
        found.update(r for r in self.named_types if r in self.records)
        found.update(self.words(spec.words))
        return frozenset(found)

    def role_weight(self, index: int, roles: Iterable[str]) -> tuple[float, frozenset[int]]:
        """How surely the records give a node one of `roles`, and the records that do.

        Each record counts the weight of its grade, in full when it is about exploitation
        (`exploitation_records`) and at the weights file's ``exploitation.other_roles`` share
        otherwise; records corroborate (1 - prod(1 - w))."""
        given: dict[str, tuple[int, ...]] = self.graph.vs[index]["role_records"]
        records = frozenset(r for role in roles for r in given.get(role, ()) if r in self.records)
        share = self.weights.exploitation.other_roles
        about = self.exploitation_records
        weight = corroborated(
            self.record_weight(r) * (1.0 if r in about else share) for r in records
        )
        return round(weight, 4), records

    def params(self, indicator: str) -> Mapping[str, Any]:
        """Settings of an indicator."""
        return self.weights.params(indicator)

    def record_weight(self, record: int) -> float:
        """How much one record counts, by its grade."""
        info = self.records.get(record)
        return self.weights.grades.weight(info.code) if info else 0.0

    def counted_weight(self, records: Iterable[int]) -> float:
        """Several records counted, each by its grade (a sum: the weights file's counts)."""
        return sum(self.record_weight(r) for r in records)

    def evidence_weight(self, records: Iterable[int], *, extracted: bool = False) -> float:
        """Corroborated weight of several records backing one thing (0-1)."""
        share = self.weights.extracted if extracted else 1.0
        return corroborated(self.record_weight(r) * share for r in records)

    def grade(self, records: Iterable[int]) -> str:
        """Summary of the evidence grades of `records`."""
        return self.weights.grades.describe(
            self.records[r].label for r in records if r in self.records
        )

    def neighbours(self, index: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """(neighbour, edge id) pairs of a node, along edges of `types` (default: all)."""
        wanted = None if types is None else set(types)
        kinds, ends = self.edge_types, self.endpoints
        out: list[tuple[int, int]] = []
        for edge_id in self.incidence[index]:
            if wanted is None or kinds[edge_id] in wanted:
                a, b = ends[edge_id]
                out.append((b if a == index else a, edge_id))
        return out

    def entities(self, index: int) -> tuple[str, ...]:
        """Entity ids a node stands for."""
        ids: tuple[str, ...] = self.graph.vs[index]["entity_ids"]
        return ids

    @cached_property
    def placed_in_text(self) -> Mapping[int, set[str]]:
        """The addresses each record's free text names, by record
        (:func:`threadline.read.text.text_places`)."""
        return self.place_search() if self.place_search is not None else {}

    @cached_property
    def addresses_by_key(self) -> Mapping[str, list[int]]:
        """The graph's premises (Address entities) by building-and-flat key
        (:func:`threadline.values.address.address_key`), to find an address a text names."""
        from threadline.values.address import address_key

        out: dict[str, list[int]] = {}
        for index, (kind, schema) in enumerate(zip(self.kind, self.schema, strict=True)):
            if kind == ENTITY and schema == "Address":
                key = address_key(str(self.graph.vs[index]["caption"]), unit=True)
                out.setdefault(key, []).append(index)
        return out

    def words(self, words: Sequence[str]) -> set[int]:
        """Records whose text holds any of `words` (none without a text search)."""
        if not words or self.text_search is None:
            return set()
        return self.text_search(words)


def ramp(value: float, threshold: float, full: float) -> float:
    """A score from a weighted count: 0 below `threshold`, 0.5 at it, 1 at `full` or more.

    >>> ramp(4.9, 5, 10), ramp(5, 5, 10), ramp(7.5, 5, 10), ramp(12, 5, 10)
    (0.0, 0.5, 0.75, 1.0)
    """
    if value < threshold:
        return 0.0
    if full <= threshold:
        return 1.0
    return round(0.5 + 0.5 * min(1.0, (value - threshold) / (full - threshold)), 4)


def typed(finding: Finding, indicator: Indicator, named: Mapping[int, Sequence[str]]) -> Finding:
    """`finding` with its typologies: its own if the indicator gave them, else the indicator's
    (:attr:`Indicator.typology`), else the NRM exploitation types its evidence records name
    (`named`: record -> types, the graph's ``exploitation``); none makes it neutral.

    >>> f = Finding("crowded_address", "a", ("a",), 0.5, "why", (1, 2), "1A x2")
    >>> ind = Indicator("crowded_address", "T", "R", ("premises",), lambda c: ())
    >>> typed(f, ind, {2: ("labour",)}).typologies, typed(f, ind, {}).typologies
    (('labour',), ())
    """
    if finding.typologies:
        return finding
    if indicator.typology is not None:
        return replace(finding, typologies=(indicator.typology,))
    kinds = sorted({kind for r in finding.evidence for kind in named.get(r, ())})
    return replace(finding, typologies=tuple(kinds)) if kinds else finding


def counts_for(finding: Finding, typology: str | None) -> bool:
    """Whether `finding` counts in `typology`'s ranking: it is of that type or neutral (any
    finding counts when no typology is asked for)."""
    return typology is None or not finding.typologies or typology in finding.typologies


def typology_label(typology: str) -> str:
    """A typology in words.

    >>> typology_label("sexual"), typology_label("domestic_servitude")
    ('sexual exploitation', 'domestic servitude')
    """
    if typology == "domestic_servitude":
        return "domestic servitude"
    return f"{typology.replace('_', ' ')} exploitation"
