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

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import igraph as ig
import sqlalchemy as sa
import typer
from rich.console import Console
from rich.table import Table

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
    WeightsOption,
)
from threadline.errors import ThreadlineError
from threadline.graph import _render as show
from threadline.graph._access import Session, session
from threadline.graph.build import build_graph
from threadline.graph.communities import communities
from threadline.graph.model import GraphFilter, find_node
from threadline.graph.paths import all_paths, ego_network, path_steps, shortest_path
from threadline.graph.profiles import network_profiles
from threadline.graph.timeline import changes_since, timeline
from threadline.risk.analysis import AnalysisResult, analyse, latest_run, stored_priorities
from threadline.risk.prioritise import Kind, Priority
from threadline.risk.weights import load_weights
from threadline.store import tables as t

__all__ = ["analyse_app", "graph_app"]

console = Console()

analyse_app = typer.Typer(
    invoke_without_command=True,
    help="Analyse the graph and rank premises and businesses for multi-agency visits.",
)
graph_app = typer.Typer(
    no_args_is_help=True,
    help="Explore the graph: paths, ego networks, communities, timelines and changes.",
)


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _filters(
    since: str | None,
    until: str | None,
    types: list[str] | None,
    grade: str | None,
    agencies: list[str] | None,
) -> GraphFilter:
    return GraphFilter(
        since=_day(since, "--from"),
        until=_day(until, "--to"),
        link_types=frozenset(types) if types else None,
        min_grade=grade,
        agencies=frozenset(agencies) if agencies else None,
    )


@contextmanager
def _graph(
    db: str | None, user: str | None, filters: GraphFilter, operation: str
) -> Iterator[tuple[Session, ig.Graph]]:
    with session(db, user, operation) as s:
        yield s, build_graph(s.conn, permitted_records=s.permitted(), filters=filters)


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
    since: FromOption = None,
    until: ToOption = None,
    types: TypeOption = None,
    grade: GradeOption = None,
    agencies: AgencyOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """How two entities are connected, hop by hop, with the evidence for each hop."""
    chosen = _filters(since, until, types, grade, agencies)
    with _graph(db, user, chosen, "graph.path") as (s, g):
        a, b = find_node(g, source), find_node(g, target)
        if every:
            paths = all_paths(g, a, b, max_hops=max_hops, limit=limit)
        else:
            found = shortest_path(g, a, b, max_hops=max_hops)
            paths = [found] if found else []
        steps = [path_steps(g, p) for p in paths]
        used = {r for hops in steps for step in hops for r in step.records}
        names = {n for p in paths for n in p}
        s.consulted("graph.path", records=used, entities=_entities(g, names),
                    detail={"paths": len(paths), "max_hops": max_hops})  # fmt: skip
    if as_json:
        show.print_json(
            [{"nodes": p, "steps": show.as_dicts(h)} for p, h in zip(paths, steps, strict=True)]
        )
        return
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
    with _graph(db, user, chosen, "graph.ego") as (s, g):
        centre = g.vs[find_node(g, entity)]["name"]
        ego = ego_network(g, centre, hops=hops)
        used = {r for v in ego.vs for r in v["records"]} | {r for e in ego.es for r in e["records"]}
        s.consulted("graph.ego", records=used, entities=_entities(ego, ego.vs["name"]),
                    detail={"hops": hops, "nodes": ego.vcount()})  # fmt: skip
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
        show.print_json({"centre": centre, "hops": hops, "nodes": nodes, "edges": edges})
        return
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
    with _graph(db, user, chosen, "graph.communities") as (s, g):
        profiles = network_profiles(
            g, communities(g, seed=seed, resolution=None), min_size=min_size
        )[:top]
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
            )
        }
        index = {n: i for i, n in enumerate(g.vs["name"])}
        used = {r for n in names for r in g.vs[index[n]]["records"]}
        s.consulted("graph.communities", records=used, entities=_entities(g, names),
                    detail={"communities": len(profiles)})  # fmt: skip
    if as_json:
        show.print_json(show.as_dicts(profiles))
        return
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
    with _graph(db, user, chosen, "graph.timeline") as (s, g):
        if network is None:
            members = [find_node(g, str(entity))]
            title = f"Timeline of {g.vs[members[0]]['caption']}"
        else:
            membership = communities(g, seed=seed, resolution=None)
            members = [i for i, c in enumerate(membership) if c == network]
            title = f"Timeline of network {network} ({len(members)} members)"
        events = timeline(g, members) if members else []
        used = {r for e in events for r in e.records}
        names = [g.vs[i]["name"] for i in members]
        s.consulted("graph.timeline", records=used, entities=_entities(g, names),
                    detail={"events": len(events), "network": network})  # fmt: skip
    if network is not None and not members:
        raise ThreadlineError(f"no network {network}: see threadline graph communities")
    if as_json:
        show.print_json(show.as_dicts(events))
        return
    show.print_timeline(console, title, events)


@graph_app.command("changes")
def changes_command(
    since: Annotated[
        str, typer.Option("--since", help="Report what is new from this date (YYYY-MM-DD).")
    ],
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """What the graph has learned since a date: new and updated entities, new links."""
    day = _day(since, "--since")
    if day is None:
        raise typer.BadParameter("give a date (YYYY-MM-DD)", param_hint="--since")
    with _graph(db, user, GraphFilter(), "graph.changes") as (s, g):
        changes = changes_since(g, day)
        s.consulted(
            "graph.changes",
            records=changes.records,
            entities=_entities(g, [*changes.new_nodes, *changes.updated_nodes]),
        )
    if as_json:
        show.print_json(asdict(changes))
        return
    show.print_changes(console, g, changes)


def _entities(g: ig.Graph, names: Iterable[str]) -> list[str]:
    index = {n: i for i, n in enumerate(g.vs["name"])} if g.vcount() else {}
    return sorted({e for n in names for e in g.vs[index[n]]["entity_ids"]})


# -- analyse ----------------------------------------------------------------------------------


def _run(s: Session, weights: Path | None, seed: int) -> AnalysisResult:
    result = analyse(
        s.conn,
        weights=load_weights(weights),
        permitted_records=s.permitted(),
        scope=s.actor.username,
        seed=seed,
    )
    s.consulted(
        "analyse.run",
        action="combination",
        records=result.graph["records"],
        detail={"run": result.run_id, "weights_digest": result.weights.digest},
    )
    return result


@analyse_app.callback()
def analyse_command(
    ctx: typer.Context,
    weights: WeightsOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for Leiden and sampling.")] = 0,
    top: Annotated[
        int, typer.Option("--top", help="How many premises and businesses to show.")
    ] = 5,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute communities, centralities, indicators and rankings, and store them as a run."""
    if ctx.invoked_subcommand is not None:
        return
    with session(db, user, "analyse.run") as s:
        result = _run(s, weights, seed)
    found = Counter(f.indicator for f in result.findings)
    summary = {
        "run": result.run_id,
        "weights_digest": result.weights.digest,
        "weights": list(result.weights.sources),
        "nodes": result.graph.vcount(),
        "edges": result.graph.ecount(),
        "records": len(result.graph["records"]),
        "communities": len(set(result.measures.community)),
        "findings": dict(sorted(found.items())),
        "seconds": round(result.seconds, 2),
    }
    if as_json:
        show.print_json(
            {
                **summary,
                "premises": show.as_dicts(result.premises[:top]),
                "businesses": show.as_dicts(result.businesses[:top]),
            }
        )
        return
    table = Table(title=f"Analysis run {result.run_id}")
    table.add_column("what")
    table.add_column("value", justify="right")
    for name in ("nodes", "edges", "records", "communities", "seconds"):
        table.add_row(name, str(summary[name]))
    for name, count in sorted(found.items()):
        table.add_row(f"indicator {name}", str(count))
    table.add_row("weights digest", result.weights.digest[:16])
    console.print(table)
    show.print_priorities(console, "Premises for multi-agency visits", result.premises[:top])
    show.print_priorities(console, "Businesses for multi-agency visits", result.businesses[:top])


def _ranking(
    kind: Kind, top: int, weights: Path | None, db: str | None, user: str | None
) -> list[Priority]:
    with session(db, user, f"analyse.{kind}") as s:
        run = None if weights is not None else latest_run(s.conn, scope=s.actor.username)
        run_id = run.id if run is not None else str(_run(s, weights, 0).run_id)
        stored = stored_priorities(s.conn, run_id, kind)
        visible = s.visible({r for p in stored for r in p.evidence})
        shown = [p for p in stored if set(p.evidence) <= visible][:top]
        captions = _visible_captions(s, [p.entity_id for p in shown])
        ranked = [
            Priority(
                i + 1,
                p.entity_id,
                p.node,
                captions.get(p.entity_id, p.entity_id),
                p.kind,
                p.score,
                p.reasons,
                p.indicators,
                p.agencies,
                p.evidence,
                p.grade,
            )
            for i, p in enumerate(shown)
        ]
        s.consulted(
            f"analyse.{kind}",
            records={r for p in ranked for r in p.evidence},
            entities=[p.entity_id for p in ranked],
            detail={"run": run_id},
        )
    return ranked


def _visible_captions(s: Session, entity_ids: list[str]) -> dict[str, str]:
    """Each entity's most used caption in records the user may see."""
    m = t.mentions.c
    rows = s.conn.execute(
        sa.select(m.entity_id, m.caption, m.record_id).where(m.entity_id.in_(entity_ids))
    ).all()
    visible = s.visible(int(r.record_id) for r in rows)
    counts: dict[str, Counter[str]] = {}
    for row in rows:
        if int(row.record_id) in visible and row.caption:
            counts.setdefault(str(row.entity_id), Counter())[str(row.caption)] += 1
    return {e: c.most_common(1)[0][0] for e, c in counts.items()}


@analyse_app.command("premises")
def premises_command(
    top: Annotated[int, typer.Option("--top", help="How many to show.")] = 10,
    weights: WeightsOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Premises ranked for multi-agency visits, with reasons, agencies and evidence grade."""
    ranked = _ranking("premises", top, weights, db, user)
    if as_json:
        show.print_json(show.as_dicts(ranked))
        return
    show.print_priorities(console, "Premises for multi-agency visits", ranked)


@analyse_app.command("businesses")
def businesses_command(
    top: Annotated[int, typer.Option("--top", help="How many to show.")] = 10,
    weights: WeightsOption = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Businesses ranked for multi-agency visits, with reasons, agencies and evidence grade."""
    ranked = _ranking("business", top, weights, db, user)
    if as_json:
        show.print_json(show.as_dicts(ranked))
        return
    show.print_priorities(console, "Businesses for multi-agency visits", ranked)
