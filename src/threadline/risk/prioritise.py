"""Prioritisation: premises and businesses ranked for multi-agency visits, with reasons.

A candidate's score adds, for each indicator, the strongest of:

- a finding on the candidate itself (its score), and
- a finding on something linked to it (a resident, a worker, the vehicle that serves it)
  along the weights file's ``prioritisation.link_types``, counted at ``propagation`` times
  the link's own evidence weight,

each multiplied by the indicator's ``weight``. What is found at the premises a business trades
from is found at the business: a business counts its premises' findings along ``same_place``
links (``located_at``) in full, times the link's weight (premises count a business's findings
at ``propagation``: those come from its workers' homes and accounts, and a registered office
hosts many businesses: where more than ``office_businesses`` are located, each counts divided
by their number). Plus ``agency_bonus`` for each agency beyond
the first holding evidence (up to ``max_agency_bonus``): a picture held in pieces by several
agencies is what a joint visit is for. The sum is then multiplied by how recent the newest
evidence is (``recency``): in full within ``recent_years`` of the analysis date, less
``per_year`` for each year older, never below ``floor``: a place exploited last month needs a
visit sooner than one last reported five years ago. A candidate none of whose indicators is
about victims (``victim_indicators``: victims living or found there, a lone worker kept at
home, a missing child found there, signs of exploitation reported there...) counts
``without_victims`` of its sum: the home of a controller, a legitimate nail bar whose staff
live upstairs and a crowded but innocent house share patterns with exploitation, not its
victims. Every term is listed in the reasons with its arithmetic; a term too small to show
(under 0.005) is left out, reason and score alike. ANPR camera sites are not premises: a
vehicle's findings do not travel along ``seen_at``, and an address only vehicles are seen at
is not ranked.

For one NRM exploitation type (``typology``: an analyst planning an operation against sexual
exploitation ranks by it), only the findings about that type and the neutral ones count
(:func:`threadline.risk.types.counts_for`), and the agency bonus, recency and the
``without_victims`` rule are taken over the terms kept; the first reason names the lens and
how many of the candidate's findings it counted. Without one, the ranking is across every
type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import igraph as ig

from threadline.graph.paths import edge_label
from threadline.graph.vocabulary import ENTITY, other_end
from threadline.risk.indicators._common import engaged_by
from threadline.risk.plugins import registered_indicators
from threadline.risk.types import Finding, counts_for, typology_label
from threadline.risk.weights import Weights

__all__ = ["Kind", "Priority", "prioritise"]

Kind = Literal["premises", "business"]

BUSINESSES = frozenset({"Company", "Organization"})
"""Schemata ranked as businesses. A bare LegalEntity (a landlord a council names without
saying whether it is a person or a firm) is not."""


@dataclass(frozen=True, slots=True)
class Priority:
    """One ranked premises or business, with why."""

    rank: int
    entity_id: str
    node: str
    caption: str
    kind: str
    score: float
    reasons: tuple[str, ...]
    """Each contribution in words with its arithmetic, strongest first."""
    indicators: tuple[str, ...]
    agencies: tuple[str, ...]
    """Agencies holding the evidence behind the reasons."""
    evidence: tuple[int, ...]
    grade: str


@dataclass(frozen=True, slots=True)
class _Term:
    finding: Finding
    value: float
    factor: float
    via: str


def _candidate(g: ig.Graph, index: int, kind: Kind) -> bool:
    v = g.vs[index]
    if v["kind"] != ENTITY or not v["entity_ids"]:
        return False
    if kind == "business":
        return v["schema"] in BUSINESSES
    if v["schema"] != "Address":
        return False
    others = [g.vs[n]["schema"] for n in g.neighbors(index)]
    return not others or any(s != "Vehicle" for s in others)


def prioritise(
    g: ig.Graph,
    findings: Iterable[Finding],
    weights: Weights,
    kind: Kind,
    *,
    top: int | None = None,
    as_of: date | None = None,
    typology: str | None = None,
) -> list[Priority]:
    """Rank premises or businesses by their own and their neighbours' findings, on `as_of`
    (default today); for one NRM exploitation `typology` (a lens: an analyst planning an
    operation against sexual exploitation ranks by it), counting only the findings about it
    and the neutral ones (:func:`counts_for`)."""
    settings = weights.prioritisation
    propagation = float(settings["propagation"])
    bonus, max_bonus = float(settings["agency_bonus"]), float(settings["max_agency_bonus"])
    link_types = set(settings["link_types"])
    same_place = set(settings.get("same_place", ()))
    sighting = float(settings.get("sighting", 1.0))
    office = int(settings.get("office_businesses", 0))
    supplied_share = float(settings.get("supplied", 1.0))
    today = as_of or date.today()
    victims = set(settings.get("victim_indicators", ()))
    without = float(settings.get("without_victims", 1.0))
    titles = {ind.name: ind.title for ind in registered_indicators()}
    records = g["records"]
    by_node: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_node[f.node].append(f)
    names: list[str] = g.vs["name"]
    out: list[Priority] = []
    for index in range(g.vcount()):
        if not _candidate(g, index, kind):
            continue
        best: dict[str, _Term] = {}
        every: dict[str, _Term] = {}  # without the lens, to say what it set aside
        tenants = _tenants(g, index) if kind == "premises" else 0
        for f in by_node.get(names[index], ()):
            _lens(best, every, _Term(f, weights.weight(f.indicator) * f.score, 1.0, ""), typology)
        for edge_id in g.incident(index, mode="all"):
            edge = g.es[edge_id]
            if edge["type"] not in link_types:
                continue
            other = other_end(edge, index)
            if edge["type"] == "seen_at" and g.vs[other]["schema"] != "Person":
                continue
            share = propagation
            if kind == "business" and edge["type"] in same_place:
                share = 1.0  # what is found at its premises is found at the business
            elif edge["type"] == "seen_at":
                share *= sighting  # a person seen at a place once does not live there
            elif office and tenants > office and edge["type"] == "located_at":
                share /= tenants  # a registered office: none of its businesses trades here
            if edge["type"] in SUPPLIED_LINKS and _supplied(g, other, index, kind):
                share *= supplied_share  # the worker's findings are their supplier's
            factor = share * float(edge["weight"])
            via = f"{g.vs[other]['caption']} ({edge_label(edge['type'])})"
            for f in by_node.get(names[other], ()):
                value = weights.weight(f.indicator) * f.score * factor
                _lens(best, every, _Term(f, value, factor, via), typology)
        # A term that adds nothing a reader can see to the score is left out, reason and all.
        terms = sorted(
            (t for t in best.values() if round(t.value, 2) > 0),
            key=lambda t: (-t.value, t.finding.indicator),
        )
        if not terms:
            continue
        if typology is not None:
            shown = sum(1 for t in every.values() if round(t.value, 2) > 0)
            lens = f"ranked for {typology_label(typology)}: {len(terms)} of its {shown} findings"
            reasons_first = [f"{lens} counted (those about it, and those about no one type)"]
        else:
            reasons_first = []
        evidence = sorted({r for t in terms for r in t.finding.evidence})
        agencies = sorted({records[r].agency for r in evidence if r in records})
        extra = min(max_bonus, bonus * max(0, len(agencies) - 1))
        reasons = [*reasons_first, *(_reason(t, titles, weights) for t in terms)]
        if extra:
            reasons.append(
                f"{len(agencies)} agencies hold evidence ({', '.join(agencies)}): +{extra:.2f}"
            )
        newest = max((d for r in evidence if (d := _day(records, r)) is not None), default=None)
        factor = recency(newest, today, settings.get("recency") or {})
        if factor < 1.0 and newest is not None:
            reasons.append(f"newest evidence {newest.isoformat()}: the sum counts x{factor:.2f}")
        if not any(t.finding.indicator in victims and t.finding.about_victims for t in terms):
            factor *= without
            reasons.append(
                f"nothing found here or on anything linked is about victims "
                f"({', '.join(sorted(victims))}): the sum counts x{without:g}"
            )
        out.append(
            Priority(
                rank=0,
                entity_id=g.vs[index]["entity_ids"][0],
                node=names[index],
                caption=str(g.vs[index]["caption"]),
                kind=kind,
                score=round((sum(t.value for t in terms) + extra) * factor, 4),
                reasons=tuple(reasons),
                indicators=tuple(sorted(best)),
                agencies=tuple(agencies),
                evidence=tuple(evidence),
                grade=weights.grades.describe(records[r].label for r in evidence if r in records),
            )
        )
    out.sort(key=lambda p: (-p.score, p.caption, p.node))
    return [replace(p, rank=i + 1) for i, p in enumerate(out[:top] if top is not None else out)]


SUPPLIED_LINKS = frozenset({"works_for", "seen_at"})
"""Links along which a worker supplied by another business reaches where they work."""


def _supplied(g: ig.Graph, person: int, index: int, kind: Kind) -> bool:
    """Whether `person`, working at candidate `index` (a business they work for, premises they
    were found at), was supplied there by another business: the records tie them to another
    business as its own (:func:`engaged_by`: its payroll pays them or pays wages into an
    account they hold, or they direct or run it), and they do not live at the premises, nor
    does such a business trade from it."""
    if g.vs[person]["schema"] != "Person":
        return False
    paying = engaged_by(g, person)
    if not paying:
        return False
    if kind == "business":
        return index not in paying
    here: set[int] = set()
    for edge_id in g.incident(index, mode="all"):
        edge = g.es[edge_id]
        other = other_end(edge, index)
        if edge["type"] == "lives_at" and other == person:
            return False
        if edge["type"] == "located_at":
            here.add(other)
    return not paying & here


def _tenants(g: ig.Graph, index: int) -> int:
    """How many businesses are located at premises `index`."""
    located = (g.es[e] for e in g.incident(index, mode="all"))
    return sum(
        1
        for edge in located
        if edge["type"] == "located_at" and g.vs[other_end(edge, index)]["schema"] in BUSINESSES
    )


def _day(records: Any, record: int) -> date | None:
    info = records.get(record)
    return info.reported_on if info is not None else None


def recency(newest: date | None, as_of: date, spec: Any) -> float:
    """How much a candidate's sum counts, from the date of its newest evidence.

    >>> spec = {"recent_years": 2, "per_year": 0.1, "floor": 0.6}
    >>> recency(date(2025, 6, 1), date(2026, 1, 1), spec), recency(None, date(2026, 1, 1), spec)
    (1.0, 1.0)
    >>> today = date(2026, 1, 1)
    >>> recency(date(2022, 1, 1), today, spec), recency(date(2010, 1, 1), today, spec)
    (0.8, 0.6)
    """
    if newest is None or not spec:
        return 1.0
    years = (as_of - newest).days / 365.25 - float(spec.get("recent_years", 0))
    if years <= 0:
        return 1.0
    factor = 1.0 - float(spec.get("per_year", 0.0)) * years
    return round(max(float(spec.get("floor", 1.0)), factor), 4)


def _lens(
    best: dict[str, _Term], every: dict[str, _Term], term: _Term, typology: str | None
) -> None:
    """Offer a term to the ranking without a lens (`every`) and, if its finding counts for
    `typology`, to the lens's (`best`)."""
    _offer(every, term)
    if counts_for(term.finding, typology):
        _offer(best, term)


def _offer(best: dict[str, _Term], term: _Term) -> None:
    """Keep the strongest term of each indicator."""
    known = best.get(term.finding.indicator)
    if known is None or term.value > known.value:
        best[term.finding.indicator] = term


def _reason(term: _Term, titles: dict[str, str], weights: Weights) -> str:
    f = term.finding
    title = titles.get(f.indicator, f.indicator)
    weight = weights.weight(f.indicator)
    if term.via:
        sums = f"{weight:g} x {f.score:.2f} x {term.factor:.2f} = {term.value:.2f}"
        return f"{title}, via {term.via}: {f.reason} [{sums}; evidence {f.grade}]"
    sums = f"{weight:g} x {f.score:.2f} = {term.value:.2f}"
    return f"{title}: {f.reason} [{sums}; evidence {f.grade}]"
