"""Signs that a person may be a victim whom no agency has recognised yet.

Each is an `Indicator` (the risk package's plugin type) flagging people: it says why in
words, with the grades of the evidence, and scores from 0 to 1. Family do not count for one
another: a household is not a network. See docs/people.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    VICTIM_ROLES,
    finding,
    is_address,
    is_business,
    is_person,
    linked_people,
    names,
    ramp,
    related,
    shared_accounts,
    tally,
    victim_weights,
)
from threadline.risk.types import Context, Finding, Indicator

SUSPECT = frozenset({"suspect"})


def suspect_weight(ctx: Context, index: int) -> tuple[float, frozenset[int]]:
    """How surely the records name a person a suspect (in full in records about
    exploitation), and the records that do."""
    return ctx.role_weight(index, SUSPECT)


def lives_with_victims(ctx: Context) -> Iterator[Finding]:
    """People living at an address where others named victims live or were found."""
    p = ctx.params("lives_with_victims")
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        ties: dict[int, set[int]] = {}
        residents: dict[int, set[int]] = {}
        for other, edge in ctx.neighbours(index, ("lives_at", "seen_at")):
            if is_person(ctx, other):
                ties.setdefault(other, set()).update(ctx.edge_records[edge])
                if ctx.edge_types[edge] == "lives_at":
                    residents.setdefault(other, set()).update(ctx.edge_records[edge])
        if len(ties) < 2 or not residents:
            continue
        sure, _ = victim_weights(ctx, ties)
        sure = {v: w for v, w in sure.items() if w >= p["min_victim"]}
        if not sure:
            continue
        caption = ctx.graph.vs[index]["caption"]
        for person, own in sorted(residents.items()):
            others = {v: w for v, w in sure.items() if v != person and not related(ctx, person, v)}
            if not others:
                continue
            count = tally(ctx, {v: ties[v] for v in others}, factor=others)
            score = ramp(count.weighted, p["threshold"], p["full"]) * ctx.evidence_weight(own)
            if score <= 0:
                continue
            reason = (
                f"lives at {caption} with "
                f"{count.phrase('people named victims or potential victims')} "
                f"({names(ctx, others)}), none of them family"
            )
            said = {r for v in others for r in ctx.role_weight(v, VICTIM_ROLES)[1]}
            evidence = count.evidence | own | said
            yield finding(ctx, "lives_with_victims", person, score, reason, evidence,
                          [("address", caption)])  # fmt: skip


def paid_into_shared_account(ctx: Context) -> Iterator[Finding]:
    """People paid into an account that receives many people's wages (not its holder)."""
    p = ctx.params("paid_into_shared_account")
    for index, paid in shared_accounts(ctx, p["threshold"]):
        holders = {h for h, _ in ctx.neighbours(index, ("holds_account", "owns"))}
        count = tally(ctx, paid)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        caption = ctx.graph.vs[index]["caption"]
        for person, records in sorted(paid.items()):
            if person in holders:
                continue
            reason = (
                f"is paid into the account {caption}, which receives the wages of "
                f"{count.phrase('people')} ({names(ctx, paid)})"
            )
            yield finding(ctx, "paid_into_shared_account", person, score, reason,
                          count.evidence | records, [("account", caption)])  # fmt: skip


def suspect_line(ctx: Context) -> Iterator[Finding]:
    """People giving a phone that a suspect also gives, or that adverts carry."""
    p = ctx.params("suspect_line")
    adverts_from = set(p["advert_sources"])
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] != "Phone":
            continue
        givers = linked_people(ctx, index, ("has_phone",))
        if not givers:
            continue
        suspects = {g: suspect_weight(ctx, g) for g in givers}
        suspects = {g: s for g, s in suspects.items() if s[0] > 0}
        adverts = {
            r for r in ctx.graph.vs[index]["records"]
            if r in ctx.records and ctx.records[r].source in adverts_from
        }  # fmt: skip
        advert_weight = sum(ctx.record_weight(r) for r in adverts)
        caption = ctx.graph.vs[index]["caption"]
        for person, own in sorted(givers.items()):
            if person in suspects:
                continue
            behind = {s: w for s, w in suspects.items() if not related(ctx, person, s)}
            value = max((w for w, _ in behind.values()), default=0.0) + advert_weight / 2.4
            score = ramp(value, p["threshold"], p["full"]) * ctx.evidence_weight(own)
            if score <= 0:
                continue
            parts = []
            if behind:
                parts.append(f"also given by {names(ctx, behind)}, named a suspect "
                             f"(weight {max(w for w, _ in behind.values()):.2f})")  # fmt: skip
            if adverts:
                parts.append(f"carried by {len(adverts)} adverts ({advert_weight:.1f} by grade)")
            reason = f"gives the phone {caption}, " + " and ".join(parts)
            evidence = own | adverts | set().union(*(r for _, r in behind.values()))
            yield finding(ctx, "suspect_line", person, score, reason, evidence,
                          [("phone", caption)])  # fmt: skip


def accompanied_by_suspect(ctx: Context) -> Iterator[Finding]:
    """People who came to an agency with someone named a suspect (not their family)."""
    p = ctx.params("accompanied_by_suspect")
    names_of: list[str] = ctx.graph.vs["name"]
    for index in range(ctx.graph.vcount()):
        if not is_person(ctx, index):
            continue
        best: tuple[float, int, set[int]] | None = None
        for other, edge in ctx.neighbours(index, ("accompanied_by",)):
            if ctx.graph.es[edge]["src"] != names_of[index] or not is_person(ctx, other):
                continue
            if related(ctx, index, other):
                continue
            weight, records = suspect_weight(ctx, other)
            if weight > 0 and (best is None or weight > best[0]):
                best = (weight, other, set(records) | set(ctx.edge_records[edge]))
        if best is None:
            continue
        weight, other, evidence = best
        score = ramp(weight, p["threshold"], p["full"])
        if score <= 0:
            continue
        reason = (
            f"was accompanied by {ctx.graph.vs[other]['caption']}, who is named a suspect "
            f"(weight {weight:.2f})"
        )
        yield finding(ctx, "accompanied_by_suspect", index, score, reason, evidence)


def employer_address_home(ctx: Context) -> Iterator[Finding]:
    """People whose home address is where a business trades (staff housing exists too)."""
    for index in range(ctx.graph.vcount()):
        if not is_address(ctx, index):
            continue
        firms = [(b, e) for b, e in ctx.neighbours(index, ("located_at",)) if is_business(ctx, b)]
        if not firms:
            continue
        caption = ctx.graph.vs[index]["caption"]
        firm_names = names(ctx, [b for b, _ in firms], 2)
        for person, edge in ctx.neighbours(index, ("lives_at",)):
            if not is_person(ctx, person):
                continue
            own = set(ctx.edge_records[edge])
            reason = f"gives {caption} as home, where {firm_names} trades"
            evidence = own | set().union(*(set(ctx.edge_records[e]) for _, e in firms))
            yield finding(ctx, "employer_address_home", person, ctx.evidence_weight(own),
                          reason, evidence, [("address", caption)])  # fmt: skip


def shared_document(ctx: Context) -> Iterator[Finding]:
    """People holding an identity document that others, not their family, hold too."""
    p = ctx.params("shared_document")
    for index in range(ctx.graph.vcount()):
        if ctx.schema[index] not in ("Identification", "Passport"):
            continue
        holders = linked_people(ctx, index, ("holds_document",))
        if len(holders) < p["threshold"]:
            continue
        caption = ctx.graph.vs[index]["caption"]
        for person, own in sorted(holders.items()):
            others = [h for h in holders if h != person and not related(ctx, person, h)]
            if not others:
                continue
            evidence = own | set().union(*(holders[h] for h in others))
            reason = f"holds the identity document {caption}, also held by {names(ctx, others)}"
            yield finding(ctx, "shared_document", person, ctx.evidence_weight(own), reason,
                          evidence, [("document", caption)])  # fmt: skip


def indicator_text(ctx: Context) -> Iterator[Finding]:
    """People whom records describe with the Home Office's published indicators."""
    p = ctx.params("indicator_text")
    hits: dict[int, set[str]] = {}
    for word in p["words"]:
        for record in ctx.words([word]):
            hits.setdefault(record, set()).add(word)
    if not hits:
        return
    names_of: list[str] = ctx.graph.vs["name"]
    by_person: dict[int, dict[int, set[str]]] = {}
    for record, words in hits.items():
        for index in ctx.record_nodes.get(record, ()):
            if is_person(ctx, index) and not _companion(ctx, index, record, names_of):
                by_person.setdefault(index, {})[record] = words
    for index, records in sorted(by_person.items()):
        weighted = sum(len(w) * ctx.record_weight(r) for r, w in records.items())
        score = ramp(weighted, p["threshold"], p["full"])
        if not score:
            continue
        said = sorted({w for found in records.values() for w in found})
        reason = (
            f"described in {len(records)} records with {len(said)} published indicators of "
            f"exploitation ({', '.join(repr(w) for w in said[:6])}"
            f"{'...' if len(said) > 6 else ''}; {weighted:.1f} weighted by grade)"
        )
        yield finding(ctx, "indicator_text", index, score, reason, records,
                      [("indicators", str(len(said)))])  # fmt: skip


def _companion(ctx: Context, index: int, record: int, names_of: list[str]) -> bool:
    """Whether the person is named in `record` only as someone else's companion or kin."""
    for _, edge in ctx.neighbours(index, ("accompanied_by", "family")):
        if record in ctx.edge_records[edge] and ctx.graph.es[edge]["src"] != names_of[index]:
            return True
    return False


def _indicator(
    name: str, title: str, rule: str, evaluate: Callable[[Context], Iterable[Finding]]
) -> Indicator:
    return Indicator(name=name, title=title, rule=rule, subjects=("victims",), evaluate=evaluate)


SIGNALS = (
    _indicator("lives_with_victims", "Lives with people named victims",
               "Lives at an address where at least `threshold` others (not family), weighted "
               "by how surely they are victims (each at least `min_victim`), live or were "
               "found.", lives_with_victims),
    _indicator("paid_into_shared_account", "Paid into an account taking many wages",
               "Is paid into an account into which at least `threshold` people are paid, "
               "and does not hold it.", paid_into_shared_account),
    _indicator("suspect_line", "Gives a suspect's or an advert's phone",
               "Gives a phone that someone named a suspect (not family) also gives, or that "
               "adverts carry.", suspect_line),
    _indicator("accompanied_by_suspect", "Accompanied by a suspect",
               "Came to an agency accompanied by someone named a suspect (not family).",
               accompanied_by_suspect),
    _indicator("employer_address_home", "Lives where a business trades",
               "Gives as home an address where a business is located (weak alone: staff "
               "accommodation exists).", employer_address_home),
    _indicator("shared_document", "Shares an identity document",
               "Holds an identity document that `threshold` or more people (not family) "
               "hold.", shared_document),
    _indicator("indicator_text", "Described with indicators of exploitation",
               "Records naming the person (not only as a companion or kin) hold the Home "
               "Office's published indicators (`words`), weighted by grade.", indicator_text),
)  # fmt: skip


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's signals."""
    return list(SIGNALS)
