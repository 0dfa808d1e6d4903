"""Command line for analysis and the graph.

Register in the main app::

    app.add_typer(analyse_app, name="analyse")
    app.add_typer(graph_app, name="graph")

``threadline analyse`` runs and stores an analysis (communities, centralities, indicators and
rankings); ``analyse premises`` and ``analyse businesses`` show a ranking. ``threadline graph``
explores: ``path``, ``ego``, ``communities``, ``timeline`` and ``changes``. Every command acts
as a user (``--user``, else $THREADLINE_USER, else the local account), sees only what that
user may see, and is audited. Entities are named by id or by a caption only one node has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import igraph as ig
import typer
from rich.console import Console

from threadline.cli import render as show
from threadline.cli.disclosure import asked, disclose
from threadline.cli.options import (
    AgencyOption,
    DbOption,
    EntityArg,
    FromOption,
    GradeOption,
    JsonOption,
    ToOption,
    TypeOption,
    UserOption,
    parse_date,
)
from threadline.errors import ThreadlineError
from threadline.graph.build import build_graph
from threadline.graph.communities import carried, communities
from threadline.graph.evidence import protection_of_records
from threadline.graph.network_change import NetworkChange, network_change_seen
from threadline.graph.paths import all_paths, ego_network, path_steps, shortest_path
from threadline.graph.profiles import network_profiles
from threadline.graph.timeline import Clock, changes_since, timeline
from threadline.graph.vocabulary import GraphFilter, find_node
from threadline.read import View, reading
from threadline.read.cases import narrow_to_case
from threadline.reports.network_changes import write_change_chart
from threadline.risk.analysis import member_risk

__all__ = ["graph_app"]

console = Console()

graph_app = typer.Typer(
    no_args_is_help=True,
    help="Explore the graph: paths, ego networks, communities, timelines and changes.",
)


def _filters(
    since: str | None,
    until: str | None,
    types: list[str] | None,
    grade: str | None,
    agencies: list[str] | None,
) -> GraphFilter:
    return GraphFilter.asked(
        parse_date(since, "--from"), parse_date(until, "--to"), types, grade, agencies
    )


def _membership(view: View, g: ig.Graph, filters: GraphFilter, seed: int) -> list[int]:
    """Each node's network number: found on the whole graph the user may see and carried to
    `g`, so that a filter narrows a network and never renumbers it."""
    if filters == GraphFilter():
        return communities(g, seed=seed, resolution=None)
    full = build_graph(view)
    return carried(full, communities(full, seed=seed, resolution=None), g)


@contextmanager
def _graph(
    db: str | None, user: str | None, filters: GraphFilter, operation: str
) -> Iterator[tuple[View, ig.Graph]]:
    with reading(db, user, operation) as view:
        yield view, build_graph(view, filters=filters)


# -- graph ------------------------------------------------------------------------------------


@graph_app.command("path")
def path_command(
    source: EntityArg,
    target: EntityArg,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path, in hops.")] = 4,
    every: Annotated[
        bool, typer.Option("--all", help="Every simple path, not just the shortest.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Most paths to list with --all.")] = 20,
    through_referrers: Annotated[
        bool,
        typer.Option(
            "--through-referrers",
            help="Also paths through a body that only referred or reported someone (an NRM "
            "first responder, a caller): not a link between the people it referred.",
        ),
    ] = False,
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """How two entities are connected, hop by hop, with the evidence for each hop (not through
    a body that only referred or reported someone, unless --through-referrers)."""
    chosen = _filters(since, until, types, grade, agencies)
    with _graph(db, user, chosen, "graph.path") as (view, g):
        a, b = find_node(g, source), find_node(g, target)
        if every:
            paths = all_paths(
                g, a, b, max_hops=max_hops, limit=limit, through_referrers=through_referrers
            )
        else:
            found = shortest_path(g, a, b, max_hops=max_hops, through_referrers=through_referrers)
            paths = [found] if found else []
        steps = [path_steps(g, p) for p in paths]
        used = {r for hops in steps for step in hops for r in step.records}
        names = {n for p in paths for n in p}
        view.consulted("graph.path", records=used, entities=_entities(g, names),
                    detail={"paths": len(paths), "max_hops": max_hops})  # fmt: skip
    held = protection_of_records(g, used)
    if as_json:
        listed = [
            {"nodes": p, "steps": show.as_dicts(h)} for p, h in zip(paths, steps, strict=True)
        ]
        show.print_json({"protection": held.as_dict(), "paths": listed})
        return
    show.print_protection(console, held)
    show.print_paths(console, g, steps)


@graph_app.command("ego")
def ego_command(
    entity: EntityArg,
    hops: Annotated[int, typer.Option("--hops", help="How far out to go.")] = 2,
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything within a few hops of an entity, and the links among them."""
    chosen = _filters(since, until, types, grade, agencies)
    with _graph(db, user, chosen, "graph.ego") as (view, g):
        centre = g.vs[find_node(g, entity)]["name"]
        ego = ego_network(g, centre, hops=hops)
        used = {r for v in ego.vs for r in v["records"]} | {r for e in ego.es for r in e["records"]}
        view.consulted("graph.ego", records=used, entities=_entities(ego, ego.vs["name"]),
                    detail={"hops": hops, "nodes": ego.vcount()})  # fmt: skip
        held = protection_of_records(g, used)
    if as_json:
        nodes = [
            {
                k: v[k]
                for k in ("name", "kind", "schema", "caption", "entity_ids", "roles", "records")
            }
            for v in ego.vs
        ]
        edges = [
            {
                "source": ego.vs[e.source]["name"],
                "target": ego.vs[e.target]["name"],
                **{
                    k: e[k]
                    for k in (
                        "type",
                        "src",
                        "start",
                        "end",
                        "grade",
                        "weight",
                        "records",
                        "marking",
                        "handling",
                        "conditions",
                    )
                },
            }
            for e in ego.es
        ]
        show.print_json(
            {"protection": held.as_dict(), "centre": centre, "hops": hops, "nodes": nodes,
             "edges": edges}
        )  # fmt: skip
        return
    show.print_protection(console, held)
    show.print_ego(console, ego, centre, hops)


@graph_app.command("communities")
def communities_command(
    min_size: Annotated[int, typer.Option("--min-size", help="Smallest community to profile.")] = 3,
    top: Annotated[int, typer.Option("--top", help="How many communities to show.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Leiden's random seed.")] = 0,
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Network profiles: each community's people by role, places, things, dates, agencies."""
    chosen = _filters(since, until, types, grade, agencies)
    with _graph(db, user, chosen, "graph.communities") as (view, g):
        membership = _membership(view, g, chosen, seed)
        scores = member_risk(view, g)
        profiles = network_profiles(g, membership, min_size=min_size, scores=scores)[:top]
        names = {
            n
            for p in profiles
            for n in (
                *p.victims,
                *p.suspects,
                *p.associates,
                *p.other_people,
                *p.premises,
                *p.businesses,
                *p.phones,
                *p.emails,
                *p.vehicles,
                *p.accounts,
            )
        }
        index = {n: i for i, n in enumerate(g.vs["name"])}
        used = {r for n in names for r in g.vs[index[n]]["records"]}
        view.consulted("graph.communities", records=used, entities=_entities(g, names),
                    detail={"communities": len(profiles)})  # fmt: skip
    held = protection_of_records(g, used)
    if as_json:
        show.print_json({"protection": held.as_dict(), "networks": show.as_dicts(profiles)})
        return
    show.print_protection(console, held)
    show.print_profiles(console, g, profiles)


@graph_app.command("timeline")
def timeline_command(
    entity: Annotated[
        str | None,
        typer.Argument(
            help="An entity id, a value (phone:+44...) or a caption; or give --network.",
            show_default=False,
        ),
    ] = None,
    network: Annotated[
        int | None,
        typer.Option("--network", help="A network's number, as `graph communities` shows it."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Leiden's seed, as for communities.")] = 0,
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """What the records say about an entity or a whole network, and dated links, oldest first."""
    if (entity is None) == (network is None):
        raise typer.BadParameter("give an entity or --network N, not both", param_hint="ENTITY")
    chosen = _filters(since, until, types, grade, agencies)
    with _graph(db, user, chosen, "graph.timeline") as (view, g):
        if network is None:
            members = [find_node(g, str(entity))]
            title = f"Timeline of {g.vs[members[0]]['caption']}"
        else:
            membership = _membership(view, g, chosen, seed)
            members = [i for i, c in enumerate(membership) if c == network]
            title = f"Timeline of network {network} ({len(members)} members)"
        events = timeline(g, members) if members else []
        used = {r for e in events for r in e.records}
        names = [g.vs[i]["name"] for i in members]
        view.consulted("graph.timeline", records=used, entities=_entities(g, names),
                    detail={"events": len(events), "network": network})  # fmt: skip
    if network is not None and not members:
        raise ThreadlineError(f"no network {network}: see threadline graph communities")
    held = protection_of_records(g, used)
    if as_json:
        show.print_json({"protection": held.as_dict(), "events": show.as_dicts(events)})
        return
    show.print_protection(console, held)
    show.print_timeline(console, title, events)


@graph_app.command("changes")
def changes_command(
    since: Annotated[
        str | None, typer.Option("--since", help="Report what is new from this date (YYYY-MM-DD).")
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="With --since: 'received' (what reached the store since) or 'reported' (what"
            " the intelligence itself dates since).",
        ),
    ] = "received",
    network: Annotated[
        str | None,
        typer.Option("--network", help="The network holding this entity: how it changed."),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option("--case", help="Everything this case's records show: how it changed."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="With --network or --case: the first date.")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="With --network or --case: the second date (default: today)."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="With --network or --case: draw the network at both dates side by side into "
            "this .svg or .html file (a disclosure: --recipient, --purpose, your password).",
        ),
    ] = None,
    recipient: Annotated[
        str | None,
        typer.Option("--recipient", help="With --chart: who receives it (asked if not given)."),
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option("--purpose", help="With --chart: why it is disclosed (asked if not given)."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """What the graph has learned since a date (--since): new and updated entities, new links,
    by when the material reached the store (or --by reported: the intelligence's own date),
    each record with both dates. Or how one network (--network ENTITY) or a case (--case C)
    changed between two dates (--from, --to): who joined and left, which links and premises are
    new or gone, and with --chart the network at each date drawn side by side (a file: a
    disclosure, audited with its recipient and purpose, as an export is)."""
    if chart is not None and chart.suffix.lower() not in (".svg", ".html"):
        raise typer.BadParameter("the chart is an .svg or an .html file", param_hint="--chart")
    if network is not None or case is not None:
        drawn = None
        if chart is not None:
            drawn = Drawn(chart, asked(recipient, "Recipient (who receives this chart)",
                                       "--recipient"),
                          asked(purpose, "Purpose (why it is disclosed)", "--purpose"))  # fmt: skip
        _network_changes(network, case, start, end, db, user, as_json, drawn)
        return
    if chart is not None:
        raise typer.BadParameter("--chart draws --network or --case", param_hint="--chart")
    day = parse_date(since, "--since")
    if day is None:
        raise typer.BadParameter("give a date (YYYY-MM-DD)", param_hint="--since")
    if by not in ("received", "reported"):
        raise typer.BadParameter("choose 'received' or 'reported'", param_hint="--by")
    clock: Clock = "received" if by == "received" else "reported"
    with _graph(db, user, GraphFilter(), "graph.changes") as (view, g):
        changes = changes_since(g, day, clock)
        view.consulted(
            "graph.changes",
            records=changes.records,
            entities=_entities(g, [*changes.new_nodes, *changes.updated_nodes]),
        )
    held = protection_of_records(g, changes.records)
    if as_json:
        dates = show.record_dates(g, changes.records)
        show.print_json({"protection": held.as_dict(), **asdict(changes), "record_dates": dates})
        return
    show.print_protection(console, held)
    show.print_changes(console, g, changes)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A chart asked for: its file, and to whom and why it is disclosed."""

    path: Path
    recipient: str
    purpose: str


def _network_changes(
    network: str | None, case: str | None, start: str | None, end: str | None,
    db: str | None, user: str | None, as_json: bool, chart: Drawn | None = None,
) -> None:  # fmt: skip
    if network is not None and case is not None:
        raise typer.BadParameter("give --network or --case, not both", param_hint="--case")
    first, second = parse_date(start, "--from"), parse_date(end, "--to") or date.today()
    if first is None:
        raise typer.BadParameter("give the first date (YYYY-MM-DD)", param_hint="--from")
    if second < first:
        raise typer.BadParameter("the second date is before the first", param_hint="--to")

    def changed(view: View) -> tuple[NetworkChange, ig.Graph]:
        if case is not None and not narrow_to_case(view, case):
            raise ThreadlineError(f"no open case {case!r} that you are a member of")
        detail = {"chart": chart.path.name} if chart else None
        change, g = network_change_seen(view, first, second, network, detail=detail)
        if chart is not None:
            title = f"How the network of {network} changed" if network else f"Case {case}"
            write_change_chart(view, change, g, chart.path, title=f"{title}: {first} to "
                               f"{second}", recipient=chart.recipient,
                               purpose=chart.purpose)  # fmt: skip
        return change, g

    if chart is None:
        with reading(db, user, "graph.network_changes") as view:
            change, g = changed(view)
    else:
        operation = f"graph.chart.{chart.path.suffix.lower().lstrip('.')}"
        change, g = disclose(db, user, operation, chart.purpose, changed,
                             lambda _: chart.path)  # fmt: skip
        if not as_json:
            console.print(f"Chart written to {chart.path}, disclosed to {chart.recipient!r} for "
                          f"{chart.purpose!r}.", soft_wrap=True, markup=False,
                          highlight=False)  # fmt: skip
    held = protection_of_records(g, change.records)
    if as_json:
        show.print_json({
            "protection": held.as_dict(), "from": first.isoformat(), "to": second.isoformat(),
            "members": {"before": len(change.before.members), "after": len(change.after.members)},
            "joined": change.joined, "left": change.left,
            "premises_joined": change.of(change.joined, "premises"),
            "premises_left": change.of(change.left, "premises"),
            "new_links": change.new_links, "gone_links": change.gone_links,
            "captions": {n: change.caption(n) for n in (*change.joined, *change.left)},
            "chart": None if chart is None else {"path": str(chart.path),
                "recipient": chart.recipient, "purpose": chart.purpose},
        })  # fmt: skip
        return
    show.print_protection(console, held)
    show.print_network_change(console, change, network or f"case {case}")


def _entities(g: ig.Graph, names: Iterable[str]) -> list[str]:
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    return sorted({e for n in names for e in g.vs[index[n]]["entity_ids"]})
