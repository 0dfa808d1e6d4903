"""`threadline resolve`: run resolution, explain entities, judge pairs, review, split,
explode."""

from __future__ import annotations

import csv
import json
from itertools import combinations
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from threadline.cli.options import (
    DbOption,
    EngineOption,
    JsonOption,
    SparkMasterOption,
    UserOption,
    resolution_engine,
)
from threadline.errors import ThreadlineError
from threadline.progress import progress_bar, report_console
from threadline.read import View
from threadline.read.holdings import judgements as judgements_of
from threadline.read.holdings import visible_mentions
from threadline.read.resolution import (
    captions,
    judged_pairs,
    latest_run,
    protection_of_mentions,
    run_as_seen,
    run_in_words,
)
from threadline.read.session import reading
from threadline.resolve.judgements import active_pair, record_judgement, withdraw_judgement
from threadline.resolve.review import anchor, review_queue
from threadline.security import AccessDenied, audit, resolve_actor, transaction
from threadline.security.authorise import acting_analyst
from threadline.store import Store
from threadline.tracking.mail import deliver

__all__ = ["resolve_app"]

console = report_console()
resolve_app = typer.Typer(
    help="Who is who: resolve mentions into entities; explain, judge, review and explode.",
    invoke_without_command=True,
)
MAX_EXPLODE = 60
"""Mentions an explode may separate at once (it records a judgement per pair)."""


@resolve_app.callback()
def resolve(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Train the person model afresh and score every pair (by default a run after "
            "an earlier one scores only the people mentioned since, with the earlier model).",
        ),
    ] = False,
    model_of: Annotated[
        int | None,
        typer.Option(
            "--model-of",
            metavar="RUN",
            help="Score every pair with the model, term frequencies and blocking of an "
            "earlier run (reproduces that run on the same data).",
        ),
    ] = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """Resolve every mention into entities (people, businesses, premises, identifiers)."""
    if ctx.invoked_subcommand is not None:
        return
    from threadline.resolve import resolve_store

    if full and model_of is not None:
        raise ThreadlineError("--full trains a new model; --model-of reuses one: choose one")
    runs_on = resolution_engine(engine, spark_master)
    with Store(db) as store:
        actor = acting_analyst(store, user, "resolve")
        status = console.status("Resolving: scoring people, matching businesses and premises...")
        with status, store.connect() as conn:
            try:
                summary = resolve_store(
                    conn, user_id=actor.user_id, full=full, model_of=model_of, engine=runs_on
                )
            except ValueError as error:
                raise ThreadlineError(str(error)) from error
            audit(
                conn,
                actor,
                "combination",
                "resolve.run",
                detail={
                    "run": summary.run_id,
                    "entities": sum(summary.entities.values()),
                    "links": summary.links,
                    "judgements": summary.judgements,
                    "mode": summary.mode,
                },
            )
        deliver(store)  # the alerts the run raised, mailed now that it has committed
        with store.connect() as conn:
            seen = run_as_seen(View(conn, actor), summary)
    if as_json:
        typer.echo(json.dumps(seen, default=str))
        return
    if seen["scope"] == "what you may see":  # not an administrator: not the store's totals
        console.print(f"{run_in_words(seen).capitalize()}.", highlight=False)
        for left, right in seen["conflicts"]:
            console.print(f"conflict: 'different' on {left} / {right} was overridden by 'same' "
                          "judgements elsewhere; settle it with `threadline resolve judge`.",
                          highlight=False, markup=False)  # fmt: skip
        return
    if summary.mode == "unchanged":
        console.print(
            f"Nothing is new since resolution run {summary.run_id} (no batch loaded, altered, "
            "rolled back or erased; no judgement given or withdrawn): nothing to resolve. "
            "`--full` retrains the person model anyway."
        )
        return
    table = Table(title=f"Resolution run {summary.run_id}")
    table.add_column("entities of kind")
    table.add_column("count", justify="right")
    for schema, count in sorted(summary.entities.items(), key=lambda kv: -kv[1]):
        table.add_row(schema, f"{count:,}")
    console.print(table)
    console.print(_people_line(summary.mode, summary.fresh))
    console.print(
        f"{summary.mentions:,} mentions became {sum(summary.entities.values()):,} entities and "
        f"{summary.links:,} links in {summary.seconds:.1f} s; {summary.kept_ids:,} entities kept "
        f"their id, {summary.new_ids:,} are new, {summary.removed_ids:,} were merged away. "
        f"{summary.judgements:,} analyst judgements applied."
    )
    if summary.working_name_joins:
        console.print(
            f"{summary.working_name_joins:,} clusters of adverts joined to a woman's own records "
            "through her working name and her advertiser's line (`threadline resolve explain` "
            "says which)."
        )
    for left, right in summary.conflicts:
        console.print(
            f"[yellow]conflict[/]: 'different' on {left} / {right} was overridden by "
            "'same' judgements elsewhere; settle it with `threadline resolve judge`."
        )


# -- helpers ------------------------------------------------------------------------------------


def _people_line(mode: str, fresh: int) -> str:
    if mode == "kept":
        return "No person mention is new or changed since the last run: people kept as they were."
    if mode == "incremental":
        return (
            f"People: {fresh:,} person mentions new or changed since the last run, scored "
            "with its model (`--full` to retrain)."
        )
    if mode == "rescored":
        return f"People: all {fresh:,} person mentions scored with the earlier run's model."
    return f"People: a new model trained and all {fresh:,} person mentions scored."


# -- commands -----------------------------------------------------------------------------------


@resolve_app.command("judge")
def judge(
    left: Annotated[str | None, typer.Argument(help="Entity or mention id.")] = None,
    right: Annotated[str | None, typer.Argument(help="Entity or mention id.")] = None,
    verdict: Annotated[str | None, typer.Argument(help="same, different or unsure.")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the judgement.")] = "",
    file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV of judgements: left, right, verdict, reason columns."),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record that two entities (or mentions) are the same, different, or unsure.

    Judgements always beat the model and survive every re-run; `resolve undo` withdraws one.
    Run `threadline resolve` to apply them.
    """
    with Store(db) as store:
        actor = acting_analyst(store, user, "resolve.judge")
        rows: list[dict[str, str]]
        if file is not None:
            if not file.is_file():
                raise ThreadlineError(f"{file}: no such file")
            with file.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
            missing = {"left", "right", "verdict"} - set(rows[0] if rows else {})
            if missing:
                raise ThreadlineError(f"{file}: missing columns {', '.join(sorted(missing))}")
        elif left and right and verdict:
            rows = [{"left": left, "right": right, "verdict": verdict, "reason": reason}]
        else:
            raise ThreadlineError("give LEFT RIGHT VERDICT, or --file CSV")
        made = []
        with transaction(store, actor) as conn:
            view = View(conn, actor, purpose="judgement")
            for number, row in enumerate(rows, start=2):
                try:
                    a = anchor(view, row["left"].strip())
                    b = anchor(view, row["right"].strip())
                    made.append(
                        record_judgement(
                            conn,
                            actor,
                            a,
                            b,
                            row["verdict"].strip().lower(),
                            (row.get("reason") or reason).strip(),
                        )
                    )
                except AccessDenied as exc:
                    where = f"{file}:{number}: " if file else ""
                    exc.args = (f"{where}{exc} (no judgement was recorded)",)
                    raise
                except ThreadlineError as exc:
                    where = f"{file}:{number}: " if file else ""
                    raise ThreadlineError(f"{where}{exc} (no judgement was recorded)") from None
    console.print(
        f"Recorded {len(made)} judgement(s): {', '.join(map(str, made))}. "
        "Run `threadline resolve` to apply."
    )


@resolve_app.command("undo")
def undo(
    judgement: Annotated[int, typer.Argument(help="Judgement id (see `resolve judgements`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn.")] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Withdraw a judgement (it is kept, marked withdrawn, never erased)."""
    with Store(db) as store:
        actor = acting_analyst(store, user, "resolve.undo")
        with transaction(store, actor) as conn:
            view = View(conn, actor, purpose="judgement withdrawn")
            pair = active_pair(conn, judgement)
            if pair is None or len(visible_mentions(view, pair)) < 2:
                # The same answer whether it does not exist or the user may not see a side.
                raise AccessDenied(
                    f"no active judgement {judgement} that you may see",
                    action="combination",
                    operation="resolve.undo",
                )
            withdraw_judgement(conn, actor, judgement, reason)
    console.print(f"Judgement {judgement} withdrawn. Run `threadline resolve` to apply.")


@resolve_app.command("judgements")
def judgements(
    db: DbOption = None,
    user: UserOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="Include withdrawn ones.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the judgements on pairs of mentions you may both see, newest first."""
    with reading(db, user, "resolve.judgements") as view:
        rows = judgements_of(view, withdrawn=show_all)
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=2))
        return
    table = Table(title="Judgements")
    for column in ("id", "left", "right", "verdict", "by", "when", "reason", "withdrawn"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["left_id"],
            r["right_id"],
            r["verdict"],
            r["username"],
            str(r["created_at"])[:19],
            r["reason"],
            str(r["deleted_at"] or "")[:19],
        )
    console.print(table)


def _latest_run(view: View) -> Any:
    run = latest_run(view)
    if run is None:
        raise ThreadlineError("no resolution run yet: run `threadline resolve`")
    return run


@resolve_app.command("explain")
def explain(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    detail: Annotated[
        bool, typer.Option("--detail", help="Also every joining pair, field by field.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why the entity is one: a summary of the strongest evidence for and against, its
    mentions, and notes; with --detail, each pair that joined them, field by field."""
    from threadline.read.resolution import entity_name
    from threadline.resolve.explain_store import explain_entity

    with Store(db) as store:
        actor = resolve_actor(store, user)
        with transaction(store, actor) as conn:
            view = View(conn, actor, purpose="explain resolution")
            mentions = view.mentions(entity)
            if not mentions:
                raise AccessDenied(f"not found: {entity!r}", action="consultation",
                                   operation="resolve.explain", entities=[entity])  # fmt: skip
            run = _latest_run(view)
            report = explain_entity(
                conn, run, [m.id for m in mentions], lambda other: bool(view.statements(other)),
                name_of=lambda mention: entity_name(view, mention),
            )  # fmt: skip
            held = view.protection(m.record_id for m in mentions)
    captions = {m.id: m.caption for m in mentions}
    if as_json:
        if not detail:
            report["pairs"] = [{k: v for k, v in p.items() if k != "fields"}
                               for p in report["pairs"]]  # fmt: skip
        typer.echo(json.dumps({"entity": entity, "protection": held.as_dict(),
                               "mentions": captions, **report}, default=str))  # fmt: skip
        return
    console.print(f"Holds: {held.words()}", highlight=False, markup=False)
    console.print(f"[bold]{entity}[/]: {len(mentions)} mention(s) you may see")
    for line in report["summary"]:
        console.print(f"  {line}", highlight=False, markup=False)
    if report["rule"]:
        console.print(f"Joined by rule: {report['rule']}")
    for m in mentions:
        console.print(f"  {m.id}  [dim]{m.schema}[/]  {m.caption}", highlight=False)
    for pair in report["pairs"] if detail else ():
        console.print(
            f"\n[bold]{pair['left']}[/] ~ [bold]{pair['right']}[/]: "
            f"match probability {pair['probability']:.3f}",
            highlight=False,
        )
        for line in pair["fields"][1:]:  # the first repeats the pair and its probability
            console.print(f"  {line}", highlight=False, markup=False)
    if report["pairs"] and not detail:
        console.print(f"[dim]{len(report['pairs'])} joining pair(s): `--detail` shows each, "
                      "field by field[/]")  # fmt: skip
    for note in report["notes"]:
        console.print(f"[dim]{note}[/]")


@resolve_app.command("review")
def review(
    top: Annotated[int, typer.Option("--top", help="How many pairs.")] = 20,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """The most uncertain pairs of the latest run that no analyst has judged yet, and the
    adverts the run joined to a woman's records through her working name."""
    with Store(db) as store:
        actor = resolve_actor(store, user)
        with store.connect() as conn:
            view = View(conn, actor, purpose="review resolution")
            run = _latest_run(view)
            judged = judged_pairs(view)
            out: list[dict[str, Any]] = [
                {"kind": "pair", "left": i.left, "right": i.right, "left_caption": i.left_caption,
                 "right_caption": i.right_caption, "probability": i.probability,
                 "joined": i.joined, "protection": i.protection.as_dict()}
                for i in review_queue(view, limit=top)
            ]  # fmt: skip
            _why(conn, view, run, out)
            joins = _unjudged_joins(view, run, judged, top)
            for join in joins:
                join["protection"] = protection_of_mentions(
                    view, [join["left"], *join["adverts"]]
                ).as_dict()
            named = [m for item in out + joins for m in (item["left"], item["right"])]
            overall = protection_of_mentions(view, named)
    if as_json:
        typer.echo(json.dumps(out + joins, indent=2))
        return
    console.print(f"Holds: {overall.words()}", highlight=False, markup=False)
    table = Table(title=f"Pairs to review (run {run.id}): judge with `threadline resolve judge`")
    for column in ("left", "right", "probability", "joined now", "why"):
        table.add_column(column)
    for item in out:
        table.add_row(
            f"{item['left_caption']}\n[dim]{item['left']}",
            f"{item['right_caption']}\n[dim]{item['right']}",
            f"{item['probability']:.2f}",
            "yes" if item["joined"] else "no",
            escape(item["summary"] or ""),
        )
    console.print(table)
    if joins:
        table = Table(
            title="Adverts joined to a woman's records through her working name: `judge "
            "RECORD ADVERT same` confirms a join, `different` undoes it"
        )
        for column in ("her record", "an advert", "why"):
            table.add_column(column)
        for item in joins:
            table.add_row(
                f"{item['left_caption']}\n[dim]{item['left']}",
                f"{item['right_caption']}\n[dim]{item['right']}",
                str(item["why"]),
            )
        console.print(table)


def _why(conn: Any, view: View, run: Any, items: list[dict[str, Any]]) -> None:
    """Each pair's summary (the strongest evidence for and against), scored once with the
    run's model; None when the run kept no person model."""
    for item in items:
        item["summary"] = None
    if not items or not run.model:
        return
    from threadline.read.resolution import entity_name
    from threadline.resolve.explain_store import PairExplainer

    with progress_bar(console, "Why each pair", total=len(items)) as advance:
        explainer = PairExplainer(conn, run)  # scores every person record once
        try:
            pairs = [(item["left"], item["right"]) for item in items]
            found = explainer.summaries(pairs, lambda mention: entity_name(view, mention))
            for item, pair in zip(items, pairs, strict=True):
                item["summary"] = found.get(pair)
            advance("explained", len(items))
        finally:
            explainer.close()


def _unjudged_joins(
    view: View, run: Any, judged: set[frozenset[str]], top: int
) -> list[dict[str, Any]]:
    """The run's working-name joins that no analyst has judged (her record against any of
    the adverts), as review items."""
    from threadline.resolve.working_names import WorkingNameJoin

    out: list[dict[str, Any]] = []
    for data in (run.state or {}).get("working_names", []):
        join = WorkingNameJoin.from_dict(data)
        if any(frozenset((join.record, advert)) in judged for advert in join.adverts):
            continue
        # The words quote the record that gives the line: the viewer must see it too.
        seen = (join.record, join.adverts[0], *((join.gives,) if join.gives else ()))
        shown = captions(view, seen)
        if shown is not None:
            out.append(
                {"kind": "working_name_join", "left": join.record, "right": join.adverts[0],
                 "left_caption": shown[0], "right_caption": shown[1], "probability": None,
                 "joined": True, "adverts": list(join.adverts), "why": join.words()}
            )  # fmt: skip
        if len(out) >= top:
            break
    return out


@resolve_app.command("split")
def split(
    entity: Annotated[str, typer.Argument(help="Entity id to split.")],
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            help="Mentions that are one person, comma-separated; give it once per person.",
        ),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Record the proposed split (without --group).")
    ] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why the merge was wrong.")] = "",
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Split an entity into people: the groups you give with --group, or else a proposal in
    which no group holds records that contradict each other (dates of birth, sex, NI or
    document numbers), recorded with --apply. The split is recorded as judgements: "same"
    within a group, "different" between groups (`resolve undo` withdraws them). One --group
    splits those mentions off from the rest; with more, mentions in no group are left to the
    model."""
    from threadline.resolve.explain_store import split_proposal

    with Store(db) as store:
        actor = acting_analyst(store, user, "resolve.split")
        with transaction(store, actor) as conn:
            view = View(conn, actor, purpose="split entity")
            seen = view.mentions(entity)
            mentions = [m.id for m in seen]
            if len(mentions) < 2:
                raise AccessDenied(f"{entity!r}: fewer than two mentions you may see",
                                   action="combination", operation="resolve.split",
                                   entities=[entity])  # fmt: skip
            pairs: list[tuple[str, str, str]] = []
            if group:
                groups = [[m.strip() for m in g.split(",") if m.strip()] for g in group]
                strangers = sorted({m for g in groups for m in g} - set(mentions))
                if strangers:
                    raise ThreadlineError(
                        f"not mentions of {entity} that you may see: {', '.join(strangers)}"
                    )
                placed = [m for g in groups for m in g]
                if len(placed) != len(set(placed)):
                    raise ThreadlineError("a mention is in more than one group")
                unplaced = sorted(set(mentions) - set(placed))
                if len(groups) == 1 and unplaced:  # one group: split it off from the rest
                    groups, unplaced = [*groups, unplaced], []
            else:
                groups, unplaced, pairs = split_proposal(conn, mentions)
            held = view.protection(m.record_id for m in seen)
            record = bool(group) or apply
            made: list[int] = []
            if record and len(groups) > 1:
                why = reason or f"split {entity}"
                for g in groups:
                    made += [record_judgement(conn, actor, g[0], m, "same", why) for m in g[1:]]
                heads = [g[0] for g in groups]
                made += [
                    record_judgement(conn, actor, a, b, "different", why)
                    for a, b in combinations(heads, 2)
                ]
    if as_json:
        typer.echo(json.dumps({
            "entity": entity, "protection": held.as_dict(), "groups": groups,
            "unplaced": unplaced, "contradictions": [list(p) for p in pairs],
            "judgements": made,
        }))  # fmt: skip
        return
    console.print(f"Holds: {held.words()}", highlight=False, markup=False)
    for words in pairs:
        console.print(f"{words[0]} and {words[1]}: {words[2]}", highlight=False, markup=False)
    if len(groups) < 2:
        console.print(f"{entity}: no contradicting records; nothing to split.")
    for number, g in enumerate(groups, start=1):
        console.print(f"person {number}: {', '.join(g)}", highlight=False, markup=False)
    if unplaced:
        console.print(f"left to the model: {', '.join(unplaced)}", highlight=False, markup=False)
    if made:
        console.print(
            f"Recorded {len(made)} judgement(s): {', '.join(map(str, made))}. "
            "Run `threadline resolve` to apply (`resolve undo ID` withdraws one)."
        )
    elif len(groups) > 1:
        console.print("A proposal: --apply records it, or give your own --group options.")


@resolve_app.command("explode")
def explode(
    entity: Annotated[str, typer.Argument(help="Entity id to split into its mentions.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the merge was wrong.")] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Split an entity: every pair of its mentions is judged different (undo them to rejoin)."""
    with Store(db) as store:
        actor = acting_analyst(store, user, "resolve.explode")
        with transaction(store, actor) as conn:
            view = View(conn, actor, purpose="explode entity")
            mentions = [m.id for m in view.mentions(entity)]
            if len(mentions) < 2:
                raise AccessDenied(f"{entity!r}: fewer than two mentions you may see",
                                   action="combination", operation="resolve.explode",
                                   entities=[entity])  # fmt: skip
            if len(mentions) > MAX_EXPLODE:
                raise ThreadlineError(
                    f"{entity!r} has {len(mentions)} mentions; explode splits at most "
                    f"{MAX_EXPLODE}: judge the wrong pairs instead"
                )
            made = [
                record_judgement(conn, actor, a, b, "different", reason or f"explode {entity}")
                for a, b in combinations(mentions, 2)
            ]
    console.print(
        f"{entity} exploded into {len(mentions)} mentions ({len(made)} judgements). "
        "Run `threadline resolve` to apply."
    )
