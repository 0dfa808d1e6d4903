"""People ranked as potential victims and potential suspects, with reasons and an action.

``assess`` builds the graph of what the acting user may see (the View), runs the premises
indicators and the people signals over it, and ranks every person on two sides:

- **potential victims**: the sum, over the victim signals and the premises indicators'
  findings on people that point to exploitation of the person (a vehicle moving them at
  night, a child repeatedly missing), of the indicator's weight times its score (the
  strongest finding of each); plus ``agency_bonus`` per agency beyond the first;
- **potential suspects**: the same over the suspect signals, the findings that point to
  control (the account taking many wages, the phone behind adverts, the recruiter), and how
  surely records about exploitation name them a suspect. Their role (controller, recruiter,
  transporter) is ``controller`` when any signal of control over victims shows
  (``control`` in the weights), else the group of signals that weighs most (``roles``).

A person is ranked on one side only: the side the records name them for (weight at least
``suspect_share``), else the side that scores more. *Unrecognised* victims are those no
record the user may see names a victim or a potential victim, and no NRM referral covers.
Nothing is stated as fact: every entry is "potential", with the action it suggests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

import igraph as ig

from threadline.graph.build import build_graph
from threadline.graph.communities import communities
from threadline.people.plugins import registered_signals
from threadline.people.settings import PeopleWeights, load_people_weights
from threadline.people.signals.suspects import FLAGGED
from threadline.read.assessments import Decision, active_decisions
from threadline.read.text import text_places, text_search
from threadline.read.view import View
from threadline.risk.analysis import findings as risk_findings
from threadline.risk.indicators._common import VICTIM_ROLES, age_on, is_business, is_person
from threadline.risk.plugins import evaluate, registered_indicators
from threadline.risk.types import Context, Finding

__all__ = ["ACTIONS", "Assessed", "PersonAssessment", "Side", "assess", "people_context"]

Side = Literal["victim", "suspect"]
WeightsLike = PeopleWeights | str | Path | None

ACTIONS = {
    "child": (
        "Potential child victim: make a safeguarding referral to the local authority now; a "
        "first responder may refer a child to the NRM without consent (MSA 2015 s52 duty to "
        "notify)."
    ),
    "adult": (
        "Potential victim: consider an NRM referral through a first responder with their "
        "consent, or the duty to notify (MSA 2015 s52) if they do not consent."
    ),
    "suspect": (
        "Potential {role}: consider developing the intelligence (corroborate, de-conflict) "
        "towards an investigation of MSA 2015 offences; not a finding of guilt."
    ),
}
"""What each kind of entry suggests (domain-standards.md sections 2.1 and 3.1)."""


@dataclass(frozen=True, slots=True)
class PersonAssessment:
    """One person ranked as a potential victim or a potential suspect, with why."""

    rank: int
    entity_id: str
    node: str
    caption: str
    side: str
    role: str
    """``potential victim``, ``potential child victim``, ``potential controller``..."""
    score: float
    unrecognised: bool
    """No record the user may see names them a victim and no NRM referral covers them."""
    child: bool
    reasons: tuple[str, ...]
    """Each contribution in words, with its arithmetic, grades and agencies, strongest first."""
    signals: tuple[str, ...]
    agencies: tuple[str, ...]
    evidence: tuple[int, ...]
    grade: str
    action: str
    network: int | None
    """The graph community the person belongs to (as ``graph communities`` numbers them)."""
    decision: Decision | None = None
    """An analyst of the user's agency confirmed or dismissed this assessment."""


@dataclass(frozen=True, slots=True)
class Assessed:
    """Both rankings of one assessment."""

    victims: list[PersonAssessment]
    suspects: list[PersonAssessment]
    graph: ig.Graph

    def ranking(
        self, side: Side, *, unrecognised: bool = False, top: int | None = None
    ) -> list[PersonAssessment]:
        """One side, only the unrecognised victims if asked, renumbered from 1."""
        chosen = self.victims if side == "victim" else self.suspects
        if unrecognised:
            chosen = [p for p in chosen if p.unrecognised]
        chosen = chosen[:top] if top is not None else chosen
        return [replace(p, rank=i + 1) for i, p in enumerate(chosen)]


@dataclass(frozen=True, slots=True)
class _Term:
    side: str
    finding: Finding
    title: str
    weight: float

    @property
    def value(self) -> float:
        return self.weight * self.finding.score


def assess(
    view: View,
    weights: WeightsLike = None,
    *,
    as_of: date | None = None,
    graph: ig.Graph | None = None,
    seed: int = 0,
) -> Assessed:
    """Rank the people `view`'s user may see as potential victims and suspects."""
    chosen = weights if isinstance(weights, PeopleWeights) else load_people_weights(weights)
    day = as_of or date.today()
    ctx, found = people_context(view, chosen, day, graph)
    g = ctx.graph
    index_of = {name: i for i, name in enumerate(g.vs["name"] if g.vcount() else [])}
    signals = registered_signals()
    own = evaluate(ctx, signals)
    titles = {i.name: i.title for i in [*registered_indicators(), *signals]}
    sides = {s.name: ("victim" if "victims" in s.subjects else "suspect") for s in signals}
    terms: dict[int, list[_Term]] = defaultdict(list)
    for f in own:
        if f.node in index_of:
            term = _Term(sides[f.indicator], f, titles[f.indicator], 0.0)
            terms[index_of[f.node]].append(replace(term, weight=chosen.signal_weight(f.indicator)))
    for f in found:
        index = index_of.get(f.node)
        if index is None or not is_person(ctx, index):
            continue
        side = _side_of(ctx, index, f)
        weight = chosen.finding_weight(side, f.indicator)
        if weight > 0:
            terms[index].append(_Term(side, f, titles.get(f.indicator, f.indicator), weight))
    aliases = same_people(ctx)
    folded: dict[int, list[int]] = defaultdict(list)
    for alias, person in aliases.items():
        folded[person].append(alias)
        terms[person].extend(terms.pop(alias, []))
    membership = communities(g, seed=seed) if g.vcount() else []
    victims: list[PersonAssessment] = []
    suspects: list[PersonAssessment] = []
    for index in range(g.vcount()):
        if not is_person(ctx, index) or index in aliases:
            continue
        same = [index, *folded.get(index, [])]
        named = [t for i in same if (t := _named_suspect(ctx, i, chosen)) is not None]
        listed = [*terms.get(index, []), *named]
        if not listed:
            continue
        entry = _entry(ctx, same, listed, chosen, day, membership)
        if entry is not None:
            (victims if entry.side == "victim" else suspects).append(entry)
    decided = active_decisions(view, [p.entity_id for p in [*victims, *suspects]])
    out = []
    for ranked in (victims, suspects):
        ranked.sort(key=lambda p: (-p.score, p.caption, p.node))
        out.append(
            [
                replace(p, rank=i + 1, decision=decided.get((p.entity_id, p.side)))
                for i, p in enumerate(ranked)
            ]
        )
    return Assessed(out[0], out[1], g)


IDENTIFIERS = ("Phone", "Vehicle", "BankAccount", "Email")
"""Identifiers that a name-only person sharing with a person of the same name makes them one."""


def same_people(ctx: Context) -> dict[int, int]:
    """People recorded by name alone (no date of birth: as a record's free text names them,
    outside the person model) who share a phone, vehicle, account or email with a person of
    the same full name: each is taken as that person (the one with a date of birth when there
    is exactly one, else the one most records name), so that no one is ranked twice."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    g = ctx.graph
    for index in range(g.vcount()):
        if not is_person(ctx, index):
            continue
        name = " ".join(str(g.vs[index]["caption"]).casefold().split())
        for other, _ in ctx.neighbours(index):
            if ctx.schema[other] in IDENTIFIERS:
                by_key[(name, _identifier(ctx, other))].append(index)
    aliases: dict[int, int] = {}
    for people in by_key.values():
        if len(people) < 2:
            continue
        dated = sorted({p for p in people if g.vs[p]["facts"].get("birthDate")})
        name_only = sorted({p for p in people if p not in dated},
                           key=lambda p: (-len(g.vs[p]["records"]), p))  # fmt: skip
        if len(dated) > 1 or not name_only:
            continue
        target = dated[0] if dated else name_only.pop(0)
        target = aliases.get(target, target)
        for person in name_only:
            if person != target and person not in aliases:
                aliases[person] = target
    return aliases


def _identifier(ctx: Context, index: int) -> str:
    """An identifier node as a key: a phone by its national digits, whichever form a record
    wrote it in ("07700 900123", "00447700900123", "+44 7700 900123"); any other by its node."""
    if ctx.schema[index] == "Phone":
        digits = "".join(c for c in str(ctx.graph.vs[index]["caption"]) if c.isdigit())
        for prefix in ("0044", "44"):
            if digits.startswith(prefix) and len(digits) == len(prefix) + 10:
                digits = digits[len(prefix) :]
                break
        return f"phone:{digits.lstrip('0')}"
    return str(ctx.graph.vs[index]["name"])


def people_context(
    view: View, weights: PeopleWeights, day: date, graph: ig.Graph | None = None
) -> tuple[Context, list[Finding]]:
    """What the signals look at, built from what `view`'s user may see: the graph (with the
    businesses the premises indicators flag), the people weights as indicator settings, a
    text search of the visible records; and the premises indicators' findings."""
    g = graph if graph is not None else build_graph(view)
    found = risk_findings(view, g, weights.risk, as_of=day)
    ctx = Context(
        g,
        weights.context_weights(),
        day,
        text_search(view, g["records"]),
        text_places(view, g["records"]),
    )
    index_of = {name: i for i, name in enumerate(g.vs["name"] if g.vcount() else [])}
    g["flagged_businesses"] = {
        f.node: set(f.evidence)
        for f in found
        if f.indicator in FLAGGED and f.node in index_of and is_business(ctx, index_of[f.node])
    }
    return ctx, found


def _side_of(ctx: Context, index: int, f: Finding) -> str:
    """Which side a premises indicator's finding on a person points to."""
    if f.indicator == "missing_county_lines":
        return "suspect" if f.reason.startswith("gave ") else "victim"
    if f.indicator == "night_vehicle":
        return "suspect" if ctx.role_weight(index, {"suspect"})[0] > 0 else "victim"
    if f.indicator == "multiple_identities":
        return "victim"
    return "suspect"


def _named_suspect(ctx: Context, index: int, weights: PeopleWeights) -> _Term | None:
    weight, records = ctx.role_weight(index, {"suspect"})
    if weight <= 0 or weights.named_suspect <= 0:
        return None
    about = sum(1 for r in records if r in ctx.exploitation_records)
    reason = (
        f"named a suspect in {len(records)} records ({about} about exploitation, counted in "
        f"full; the others at {ctx.weights.exploitation.other_roles:g})"
    )
    f = Finding("named_suspect", str(ctx.graph.vs[index]["name"]), ctx.entities(index),
                round(weight, 4), reason, tuple(sorted(records)), ctx.grade(records))  # fmt: skip
    return _Term("suspect", f, "Named a suspect", weights.named_suspect)


def _best(terms: Iterable[_Term], side: str) -> list[_Term]:
    best: dict[str, _Term] = {}
    for term in terms:
        if term.side != side:
            continue
        known = best.get(term.finding.indicator)
        if known is None or term.value > known.value:
            best[term.finding.indicator] = term
    return sorted(best.values(), key=lambda t: (-t.value, t.finding.indicator))


def _entry(
    ctx: Context,
    same: list[int],
    terms: list[_Term],
    weights: PeopleWeights,
    day: date,
    membership: list[int],
) -> PersonAssessment | None:
    index = same[0]
    settings = weights.ranking
    scores = {side: _best(terms, side) for side in ("victim", "suspect")}
    total = {side: sum(t.value for t in chosen) for side, chosen in scores.items()}
    as_suspect, _ = ctx.role_weight(index, {"suspect"})
    as_victim, _ = ctx.role_weight(index, VICTIM_ROLES)
    share = settings["suspect_share"]
    if as_suspect >= share and as_suspect >= as_victim:
        side = "suspect"
    elif as_victim >= share:
        side = "victim"
    else:
        side = "victim" if total["victim"] >= total["suspect"] else "suspect"
    chosen = scores[side]
    if not chosen:
        return None
    records = ctx.records
    evidence = sorted({r for t in chosen for r in t.finding.evidence if r in records})
    agencies = sorted({records[r].agency for r in evidence})
    bonus = min(settings["max_agency_bonus"], settings["agency_bonus"] * max(0, len(agencies) - 1))
    reasons = [_reason(ctx, t) for t in chosen]
    if bonus:
        reasons.append(f"{len(agencies)} agencies hold evidence ({', '.join(agencies)}): "
                       f"+{bonus:.2f}")  # fmt: skip
    age = age_on(ctx, index, day)
    child = age is not None and age < settings["child_age"]
    node_roles = frozenset(role for i in same for role in ctx.graph.vs[i]["roles"])
    nrm = set(ctx.weights.exploitation.sources)
    referred = any(
        records[r].source in nrm for i in same for r in ctx.graph.vs[i]["records"] if r in records
    )
    if side == "victim":
        role = "potential child victim" if child else "potential victim"
        action = ACTIONS["child" if child else "adult"]
    else:
        role = f"potential {_role(chosen, weights.roles, weights.control)}"
        action = ACTIONS["suspect"].format(role=role.removeprefix("potential "))
    return PersonAssessment(
        rank=0,
        entity_id=ctx.entities(index)[0],
        node=str(ctx.graph.vs[index]["name"]),
        caption=str(ctx.graph.vs[index]["caption"]),
        side=side,
        role=role,
        score=round(sum(t.value for t in chosen) + bonus, 4),
        unrecognised=side == "victim" and not (node_roles & VICTIM_ROLES) and not referred,
        child=child,
        reasons=tuple(reasons),
        signals=tuple(t.finding.indicator for t in chosen),
        agencies=tuple(agencies),
        evidence=tuple(evidence),
        grade=ctx.grade(evidence),
        action=action,
        network=membership[index] if membership else None,
    )


def _role(terms: list[_Term], roles: Mapping[str, tuple[str, ...]], control: frozenset[str]) -> str:
    if any(t.value > 0 and t.finding.indicator in control for t in terms):
        return "controller"
    weighed = {
        role: sum(t.value for t in terms if t.finding.indicator in signals)
        for role, signals in roles.items()
    }
    role, value = max(weighed.items(), key=lambda kv: (kv[1], kv[0] == "controller"))
    return role if value > 0 else "suspect"


def _reason(ctx: Context, term: _Term) -> str:
    f = term.finding
    agencies = sorted({ctx.records[r].agency for r in f.evidence if r in ctx.records})
    sums = f"{term.weight:g} x {f.score:.2f} = {term.value:.2f}"
    return (
        f"{term.title}: {f.reason} [{sums}; evidence {f.grade}; held by "
        f"{', '.join(agencies) or 'no agency'}]"
    )
