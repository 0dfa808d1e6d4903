"""How graph and risk results are shown: Rich tables for people, JSON for programs.

Free text from the store (captions, reasons) is printed with Rich markup off, so nothing a
source wrote can style or forge the output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import igraph as ig
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadline.graph.network_change import NetworkChange
from threadline.graph.paths import Step
from threadline.graph.profiles import CATEGORIES, CORE_STEPS, NetworkProfile
from threadline.graph.timeline import Changes, Event
from threadline.model.protection import Protection
from threadline.read.currency import Currency
from threadline.risk.plugins import registered_indicators
from threadline.risk.prioritise import Priority

__all__ = [
    "print_changes",
    "print_currency",
    "print_ego",
    "print_json",
    "print_paths",
    "print_priorities",
    "print_profiles",
    "print_timeline",
]


def _t(value: object) -> Text:
    """Store text as a Rich Text: never parsed as markup."""
    return Text(str(value))


def print_protection(console: Console, protection: Protection) -> None:
    """The marking and handling of what follows, as its first line."""
    console.print(Text(f"Holds: {protection.words()}", style="bold"))


def print_currency(console: Console, current: Currency) -> None:
    """How current what follows is (loaded, resolved, analysed; what is behind)."""
    style = "" if current.current else "yellow"
    console.print(Text(f"Currency: {current.words()}", style=style))


def print_json(data: Any) -> None:
    """Print JSON (dataclasses, tuples and dates included) on stdout."""
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def _captions(g: ig.Graph, names: Iterable[str]) -> str:
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    shown = [str(g.vs[index[n]]["caption"]) for n in names if n in index]
    return ", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")


def print_paths(console: Console, g: ig.Graph, paths: Sequence[Sequence[Step]]) -> None:
    """Each path as a numbered table of hops with their evidence."""
    if not paths:
        console.print("No path within the hops allowed.")
        return
    for number, steps in enumerate(paths, 1):
        table = Table(title=f"Path {number}: {len(steps)} hops", show_lines=False)
        for column in ("hop", "what links them", "evidence grade", "agencies", "records"):
            table.add_column(column)
        for hop, step in enumerate(steps, 1):
            records = ", ".join(str(r) for r in step.records[:6])
            if len(step.records) > 6:
                records += f" (+{len(step.records) - 6})"
            table.add_row(
                str(hop), _t(step.sentence), step.grade, ", ".join(step.agencies), records
            )
        console.print(table)


def print_ego(console: Console, ego: ig.Graph, centre: str, hops: int) -> None:
    """The nodes of an ego network and the links among them."""
    table = Table(title=f"Within {hops} hops of {ego.vs.find(name=centre)['caption']}")
    for column in ("node", "kind", "caption", "roles", "records"):
        table.add_column(column)
    for v in ego.vs:
        table.add_row(
            _t(v["name"]), v["schema"], _t(v["caption"]), ", ".join(v["roles"]),
            str(len(v["records"])),
        )  # fmt: skip
    console.print(table)
    links = Table(title="Links")
    for column in ("from", "link", "to", "grade", "weight", "dates"):
        links.add_column(column)
    for e in ego.es:
        a, b = ego.vs[e.source], ego.vs[e.target]
        src, dst = (a, b) if a["name"] == e["src"] else (b, a)
        dates = f"{e['start'] or ''}..{e['end'] or ''}" if e["start"] or e["end"] else ""
        links.add_row(
            _t(src["caption"]), e["type"], _t(dst["caption"]), e["grade"],
            f"{e['weight']:.2f}", dates,
        )  # fmt: skip
    console.print(links)


def _members(count: int) -> str:
    return f"{count} member" if count == 1 else f"{count} members"


def print_profiles(console: Console, g: ig.Graph, profiles: Sequence[NetworkProfile]) -> None:
    """Each network's profile, then who knows what."""
    if not profiles:
        console.print("No community of that size.")
        return
    titles = {i.name: i.title.lower() for i in registered_indicators()}
    for p in profiles:
        risk = (
            f", risk {p.risk:.2f} (findings {p.total:.2f} on {_members(p.scored)} flagged, "
            f"{_members(p.core - p.scored)} more within {CORE_STEPS} steps of them"
            + (
                f"; about victims: {'; '.join(titles.get(k, k) for k in p.victim_evidence)}"
                if p.victims_found
                else ", none about victims"
            )
            + ")"
            if p.scored
            else ""
        )
        table = Table(title=f"Network {p.community}: {p.size} members, {p.records} records{risk}")
        table.add_column("what")
        table.add_column("count", justify="right")
        table.add_column("who / which")
        for label, members in (
            ("victims", p.victims), ("suspects", p.suspects), ("associates", p.associates),
            ("other people", p.other_people), ("premises", p.premises),
            ("businesses", p.businesses), ("phones", p.phones), ("emails", p.emails),
            ("vehicles", p.vehicles), ("accounts", p.accounts),
        ):  # fmt: skip
            if members:
                table.add_row(label, str(len(members)), _t(_captions(g, members)))
        if p.exploitation:
            kinds = ", ".join(f"{k} ({n})" for k, n in p.exploitation)
            table.add_row("exploitation (NRM)", "", kinds)
        table.add_row("first .. last", "", f"{p.first or '?'} .. {p.last or '?'}")
        console.print(table)
        matrix = Table(title=f"Network {p.community}: who knows what")
        matrix.add_column("agency")
        used = [c for c in CATEGORIES if any(c in row for row in p.agencies.values())]
        for column in used:
            matrix.add_column(column, justify="right")
        for agency, row in p.agencies.items():
            matrix.add_row(agency, *(str(row.get(c, "")) for c in used))
        console.print(matrix)


def print_timeline(console: Console, title: str, events: Sequence[Event]) -> None:
    """Events oldest first."""
    table = Table(title=title)
    for column in ("when", "what", "agencies", "grade"):
        table.add_column(column)
    for e in events:
        table.add_row(e.when or "undated", _t(e.what), ", ".join(e.agencies), e.grade)
    console.print(table)


def record_dates(g: ig.Graph, ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each record's two dates: when it reached the store, and the intelligence's own."""
    records = g["records"]
    return {
        r: {
            "received": info.received_on.isoformat() if info.received_on else "",
            "reported": info.reported_on.isoformat() if info.reported_on else "",
        }
        for r in ids
        if (info := records.get(r)) is not None
    }


SHOWN_RECORDS = 20


def print_changes(console: Console, g: ig.Graph, changes: Changes) -> None:
    """New and updated nodes and new links since a date, then the records behind them with
    both their dates (when they reached the store, and the intelligence's own)."""
    clock = "reached the store" if changes.clock == "received" else "dated by the intelligence"
    title = f"Since {changes.since.isoformat()} ({clock}): {len(changes.records)} new records"
    table = Table(title=title)
    table.add_column("change")
    table.add_column("count", justify="right")
    table.add_column("which")
    table.add_row("new", str(len(changes.new_nodes)), _t(_captions(g, changes.new_nodes)))
    table.add_row(
        "updated", str(len(changes.updated_nodes)), _t(_captions(g, changes.updated_nodes))
    )
    links = sorted({kind for _, _, kind in changes.new_edges})
    table.add_row("new links", str(len(changes.new_edges)), ", ".join(links))
    console.print(table)
    if not changes.records:
        return
    records = g["records"]
    evidence = Table(title="The records")
    for column in ("record", "agency", "source", "grade", "reached the store", "its own date"):
        evidence.add_column(column)
    for r in changes.records[:SHOWN_RECORDS]:
        info, dates = records[r], record_dates(g, [r])[r]
        evidence.add_row(str(r), _t(info.agency), _t(info.source), info.grade.code,
                         dates["received"], dates["reported"] or "undated")  # fmt: skip
    console.print(evidence)
    if len(changes.records) > SHOWN_RECORDS:
        more = len(changes.records) - SHOWN_RECORDS
        console.print(f"and {more} more (--json lists them all)")


def print_network_change(console: Console, change: NetworkChange, named: str) -> None:
    """How a network changed between two dates: counts, then who and what."""
    before, after = change.before, change.after
    table = Table(title=f"The network of {named}: {before.day} to {after.day}")
    for column in ("", before.day.isoformat(), after.day.isoformat()):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("members", str(len(before.members)), str(len(after.members)))
    table.add_row("links", str(len(before.links)), str(len(after.links)))
    console.print(table)
    changed = Table(title="What changed")
    for column in ("change", "count", "which"):
        changed.add_column(column, justify="right" if column == "count" else "left")
    rows = (
        ("joined", change.joined), ("left", change.left),
        ("premises joined", change.of(change.joined, "premises")),
        ("premises left", change.of(change.left, "premises")),
    )  # fmt: skip
    for label, names in rows:
        changed.add_row(label, str(len(names)), _t(", ".join(change.caption(n) for n in names)))
    for label, links in (("new links", change.new_links), ("links gone", change.gone_links)):
        kinds = sorted({kind for _, _, kind in links})
        changed.add_row(label, str(len(links)), ", ".join(kinds))
    console.print(changed)


def print_priorities(console: Console, title: str, ranked: Sequence[Priority]) -> None:
    """A ranking, then each entry's reasons."""
    if not ranked:
        console.print(f"{title}: nothing to rank.")
        return
    table = Table(title=title)
    for column in ("rank", "name", "score", "indicators", "agencies", "evidence grade"):
        table.add_column(column, justify="right" if column in ("rank", "score") else "left")
    for p in ranked:
        table.add_row(
            str(p.rank), _t(p.caption), f"{p.score:.2f}", ", ".join(p.indicators),
            ", ".join(p.agencies), p.grade,
        )  # fmt: skip
    console.print(table)
    for p in ranked:
        console.print(Text(f"{p.rank}. {p.caption} ({p.entity_id})", style="bold"))
        for reason in p.reasons:
            console.print(Text(f"   - {reason}"))


def as_dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Dataclasses as dictionaries, for JSON."""
    return [asdict(item) for item in items]
