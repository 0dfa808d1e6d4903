"""Helpers the indicator plugins share: who is who, ages, weighted counts and findings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import igraph as ig

from threadline.graph.vocabulary import ENTITY, other_end
from threadline.model.roles import Role
from threadline.risk.types import Context, Finding, ramp

__all__ = [
    "BUSINESS_SCHEMATA",
    "OUTSIDE_EXPLOITATION",
    "VICTIM_ROLES",
    "Tally",
    "age_on",
    "engaged_by",
    "family_names",
    "finding",
    "households",
    "is_address",
    "is_business",
    "is_child",
    "is_person",
    "linked_people",
    "names",
    "paid_by",
    "payers",
    "ramp",
    "related",
    "roles",
    "sector_of",
    "shared_accounts",
    "tally",
    "victim_weights",
]

VICTIM_ROLES = frozenset({Role.VICTIM.value, Role.POTENTIAL_VICTIM.value})
BUSINESS_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity"})

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def is_person(ctx: Context, index: int) -> bool:
    """A person entity."""
    return ctx.kind[index] == ENTITY and ctx.schema[index] == "Person"


def people_about(ctx: Context, record: int) -> list[int]:
    """The people `record` is about: those it names, less those it names only as having come
    with one of them (the far end of an ``accompanied_by`` link it backs: whoever came with a
    patient to A&E, or to a safeguarding appointment). A triage note that a patient "is not
    allowed out of the house alone" describes the patient, not the man who brought her."""
    people = [n for n in ctx.record_nodes.get(record, ()) if is_person(ctx, n)]
    came_with = {
        other
        for person in people
        for other, edge in companions_of(ctx, person)
        if record in ctx.edge_records[edge]
    }
    return [n for n in people if n not in came_with]


def companions_of(ctx: Context, person: int) -> Iterator[tuple[int, int]]:
    """(companion, edge) for everyone records name as having come with `person`: the far end
    of each ``accompanied_by`` link from them."""
    for other, edge in ctx.neighbours(person, ("accompanied_by",)):
        if other != person and ctx.graph.es[edge]["src"] == ctx.graph.vs[person]["name"]:
            yield other, edge


def named_as(ctx: Context, person: int, record: int, roles: Iterable[str]) -> bool:
    """Whether `record` gives `person` one of `roles`."""
    given: dict[str, tuple[int, ...]] = ctx.graph.vs[person]["role_records"]
    return any(record in given.get(role, ()) for role in roles)


def linked_people(ctx: Context, index: int, types: Iterable[str]) -> dict[int, set[int]]:
    """The people linked to node `index` along edges of `types`, each with the records of
    those links."""
    people: dict[int, set[int]] = {}
    for other, edge in ctx.neighbours(index, types):
        if is_person(ctx, other):
            people.setdefault(other, set()).update(ctx.edge_records[edge])
    return people


def is_business(ctx: Context, index: int) -> bool:
    """A company, organisation or other legal entity that is not a person."""
    return ctx.kind[index] == ENTITY and ctx.schema[index] in BUSINESS_SCHEMATA


def is_address(ctx: Context, index: int) -> bool:
    """Premises (an Address entity)."""
    return ctx.kind[index] == ENTITY and ctx.schema[index] == "Address"


def roles(ctx: Context, index: int) -> frozenset[str]:
    """Every role the records give a person."""
    return frozenset(ctx.graph.vs[index]["roles"])


def parse_day(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a full or partial ISO date.

    >>> parse_day("1990-03-04"), parse_day("1990"), parse_day("n/k")
    ((1990, 3, 4), (1990, None, None), None)
    """
    found = _DATE.match(text.strip())
    if not found:
        return None
    year, month, day = found.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def age_on(ctx: Context, index: int, on: date) -> float | None:
    """A person's age on a date from the birth dates on record (the most stated one)."""
    births = ctx.graph.vs[index]["facts"].get("birthDate", ())
    counts: dict[tuple[int, int | None, int | None], int] = {}
    for value, _ in births:
        parsed = parse_day(value)
        if parsed:
            counts[parsed] = counts.get(parsed, 0) + 1
    if not counts:
        return None
    year, month, day = max(counts.items(), key=lambda kv: (kv[1], kv[0][0]))[0]
    born = date(year, month or 7, min(day or 1, 28) if month == 2 else day or 1)
    return (on - born).days / 365.25


def is_child(ctx: Context, person: int, records: Iterable[int], child_age: float) -> bool:
    """Whether the person was under `child_age` on the date of any of `records`."""
    for record in records:
        info = ctx.records.get(record)
        age = age_on(ctx, person, (info.reported_on if info else None) or ctx.as_of)
        if age is not None and age < child_age:
            return True
    return False


def family_names(caption: str) -> frozenset[str]:
    """Likely family names in a caption: the last word, and a first word in capitals
    (family-name-first forms such as "NGUYEN Thi Lan").

    >>> sorted(family_names("NGUYEN Thi Lan")), sorted(family_names("Lauren Turner"))
    (['lan', 'nguyen'], ['turner'])
    """
    words = [w.strip(".,'") for w in caption.split()]
    words = [w for w in words if len(w) > 1]
    if not words:
        return frozenset()
    found = {words[-1].casefold()}
    if len(words) > 1 and words[0].isupper():
        found.add(words[0].casefold())
    return frozenset(found)


OUTSIDE_EXPLOITATION = "a victim only in records not about exploitation"
"""How a victim named only outside records about exploitation is described in reasons."""


def victim_weights(ctx: Context, people: Iterable[int]) -> tuple[dict[int, float], set[int]]:
    """How surely each of `people` is a victim (``Context.role_weight`` of the victim roles),
    for those named as one at all, and the records naming them so."""
    weights: dict[int, float] = {}
    records: set[int] = set()
    for person in people:
        weight, given = ctx.role_weight(person, VICTIM_ROLES)
        if given:
            weights[person] = weight
            records |= given
    return weights, records


def households(ctx: Context, people: list[int]) -> list[list[int]]:
    """People at an address grouped by family links among them."""
    parent = {p: p for p in people}

    def root(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for person in people:
        for other, _ in ctx.neighbours(person, ("family",)):
            if other in parent:
                parent[root(other)] = root(person)
    groups: dict[int, list[int]] = {}
    for person in people:
        groups.setdefault(root(person), []).append(person)
    return list(groups.values())


def related(ctx: Context, a: int, b: int) -> bool:
    """Whether two people are family on record (a family link) or share a family name."""
    if any(other == b for other, _ in ctx.neighbours(a, ("family",))):
        return True
    captions = ctx.graph.vs["caption"]
    return bool(family_names(str(captions[a])) & family_names(str(captions[b])))


def names(ctx: Context, indices: Iterable[int], limit: int = 4) -> str:
    """Captions of a few nodes, for reasons: "Lan NGUYEN, Minh TRAN and 3 others"."""
    captions = sorted(str(ctx.graph.vs[i]["caption"]) for i in set(indices))
    if len(captions) <= limit:
        return ", ".join(captions[:-1]) + (" and " if len(captions) > 1 else "") + captions[-1]
    return f"{', '.join(captions[:limit])} and {len(captions) - limit} others"


def payers(ctx: Context, person: int) -> set[int]:
    """Businesses whose pay of `person` is on record: a ``works_for`` link resting on a record
    that also backs one of their ``paid_into`` links (a payroll return)."""
    return paid_by(ctx.graph, person)


def paid_by(g: ig.Graph, person: int) -> set[int]:
    """:func:`payers` of a graph (prioritisation has the graph, not a context)."""
    paid: set[int] = set()
    works: list[tuple[int, set[int]]] = []
    for edge_id in g.incident(person, mode="all"):
        edge = g.es[edge_id]
        other = other_end(edge, person)
        if edge["type"] == "paid_into":
            paid.update(edge["records"])
        elif edge["type"] == "works_for":
            works.append((other, set(edge["records"])))
    return {business for business, records in works if paid & records}


ENGAGING_LINKS = frozenset({"director_of", "runs"})
"""Links by which a person acts for a business: its director, or the one a record says runs
something at it."""


def engaged_by(g: ig.Graph, person: int) -> set[int]:
    """Businesses the records tie `person` to as theirs, whatever site they are found working
    at: those whose payroll pays them (:func:`paid_by`), those whose payroll pays wages into an
    account they hold (a gangmaster collecting the wages of the workers a labour provider
    supplies), and those they direct or run (`ENGAGING_LINKS`)."""
    out = paid_by(g, person)
    for edge_id in g.incident(person, mode="all"):
        edge = g.es[edge_id]
        other = other_end(edge, person)
        if edge["type"] in ENGAGING_LINKS and g.vs[other]["schema"] in BUSINESS_SCHEMATA:
            out.add(other)
        elif edge["type"] == "holds_account" and g.vs[other]["schema"] == "BankAccount":
            out |= _paying_into(g, other)
    return out


def _paying_into(g: ig.Graph, account: int) -> set[int]:
    """Businesses whose payroll pays wages into `account`: a ``works_for`` link of someone
    paid into it resting on a record that also backs that payment."""
    out: set[int] = set()
    for edge_id in g.incident(account, mode="all"):
        edge = g.es[edge_id]
        if edge["type"] != "paid_into":
            continue
        worker = other_end(edge, account)
        paid = set(edge["records"])
        for work_id in g.incident(worker, mode="all"):
            work = g.es[work_id]
            if work["type"] == "works_for" and paid & set(work["records"]):
                out.add(other_end(work, worker))
    return out


@dataclass(frozen=True, slots=True)
class Tally:
    """A count of things, each weighted by the grade of the evidence it rests on."""

    weights: Mapping[int, float]
    evidence: frozenset[int]
    weak: tuple[str, ...]
    """Weighting codes of things that rest only on weak evidence (weight below 0.5)."""

    @property
    def raw(self) -> int:
        """How many things, unweighted."""
        return len(self.weights)

    @property
    def weighted(self) -> float:
        """Sum of the things' weights."""
        return round(sum(self.weights.values()), 4)

    def phrase(self, noun: str) -> str:
        """The count in words, saying how weighting changed it."""
        text = (
            f"{self.raw} {noun} ({self.weighted:.1f} when each is weighted by the grade of its "
            "evidence"
        )
        if self.weak:
            text += f"; {len(self.weak)} rest only on weak evidence: {', '.join(self.weak)}"
        return text + ")"


def shared_accounts(ctx: Context, threshold: int) -> Iterator[tuple[int, dict[int, set[int]]]]:
    """Each bank account into which at least `threshold` people are paid, with those people
    (node -> the records of their payments)."""
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] != "BankAccount":
            continue
        paid = linked_people(ctx, index, ("paid_into",))
        if len(paid) >= threshold:
            yield index, paid


def tally(
    ctx: Context,
    items: Mapping[int, Iterable[int]],
    extracted: Iterable[int] = (),
    factor: Mapping[int, float] | None = None,
    factor_note: str = "",
) -> Tally:
    """Weigh each thing (node -> its evidence records); things in `extracted` rest on values
    found in free text and count the weights file's ``extracted`` share; a thing's weight is
    also multiplied by its `factor`, if given (how surely a person is a victim, say), and a
    thing that `factor` makes weak is described with `factor_note`."""
    from_text = set(extracted)
    weights: dict[int, float] = {}
    evidence: set[int] = set()
    weak: list[str] = []
    for node, records in items.items():
        recs = sorted(set(records))
        weight = ctx.evidence_weight(recs, extracted=node in from_text)
        if factor is not None:
            weight = round(weight * factor.get(node, 1.0), 4)
        weights[node] = weight
        evidence.update(recs)
        if weight < 0.5:
            codes = sorted({ctx.records[r].code for r in recs if r in ctx.records})
            label = "/".join(codes) or "none"
            if factor is not None and factor.get(node, 1.0) < 1.0 and factor_note:
                label += f" ({factor_note})"
            weak.append(label)
    return Tally(weights, frozenset(evidence), tuple(sorted(weak)))


def finding(
    ctx: Context,
    indicator: str,
    index: int,
    score: float,
    reason: str,
    evidence: Iterable[int],
    values: Iterable[tuple[str, str]] = (),
    *,
    about_victims: bool = True,
    typologies: Iterable[str] = (),
) -> Finding:
    """A finding on node `index`, with its evidence grades summarised, about `typologies`
    when the indicator knows them (else see :func:`threadline.risk.types.typed`)."""
    records = tuple(sorted(set(evidence)))
    return Finding(
        indicator=indicator,
        node=str(ctx.graph.vs[index]["name"]),
        entity_ids=ctx.entities(index),
        score=round(min(1.0, max(0.0, score)), 4),
        reason=reason,
        evidence=records,
        grade=ctx.grade(records),
        values=tuple(values),
        about_victims=about_victims,
        typologies=tuple(sorted(set(typologies))),
    )


def sector_of(ctx: Context, index: int) -> tuple[str, str] | None:
    """(sector name, the text that matched) of a business in a high-risk sector (the weights
    file's ``sectors``: its sector or licence text, SIC code or name)."""
    v = ctx.graph.vs[index]
    texts = [value for value, _ in v["facts"].get("sector", ())] + [str(v["caption"])]
    for sector in ctx.weights.sectors:
        for text in texts:
            if sector.matches(text):
                return sector.name, text
    return None
