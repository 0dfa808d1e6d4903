"""The access matrix: every command and every public function that returns data, for a user
of any agency, roles and clearance, in random worlds, shows nothing of a record they may not
see: not a name, a value, an entity id, a caption, a batch, a judgement or a count.

Worlds are drawn as in `test_policy_property.py` and judged by the same oracle (the rules
written out plainly). Each world also holds links and indicators on every record, judgements
between pairs of records, a batch per agency and source, and a stored analysis of the acting
user whose every ranking entry rests on one record. Both databases.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from typer.testing import CliRunner

from threadline.cli import app
from threadline.graph import build_graph
from threadline.read import View
from threadline.read.conditions import unrecognised_conditions
from threadline.read.deconfliction import notices
from threadline.read.holdings import batches, counts, judgements
from threadline.read.rankings import latest_run, stored_priorities
from threadline.read.resolution import entity_of_mentions
from threadline.risk import analyse, communities_of, rank_businesses, rank_premises
from threadline.security.actors import load_actor
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.tables import TABLES

from .oracle import (  # the oracle is a helper module of this folder
    AGENCIES,
    Agreement,
    Case,
    Rec,
    actor_st,
    agreements_st,
    cases_st,
    may_see,
    records_st,
)

RUNNER = CliRunner()

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("status", "--json"),
    ("batches", "list", "--json"),
    ("resolve", "judgements", "--all", "--json"),
    ("resolve", "review", "--json"),
    ("resolve", "explain", "e-hub", "--json"),
    ("resolve", "split", "e-hub", "--json"),
    ("retention", "due", "--before", "2040-01-01", "--json"),
    ("retention", "erased", "--json"),
    ("graph", "ego", "e-hub", "--hops", "2", "--json"),
    ("graph", "communities", "--min-size", "1", "--json"),
    ("graph", "timeline", "e-hub", "--json"),
    ("graph", "changes", "--since", "2000-01-01", "--json"),
    ("graph", "path", "e-r0", "e-r1", "--json"),
    ("analyse", "premises", "--json"),
    ("analyse", "businesses", "--json"),
    ("cases", "list", "--json"),
    ("sharing", "list", "--json"),
    ("sharing", "deconflict", "e-hub", "--json"),
    ("sharing", "conditions", "--json"),
    ("agencies", "list", "--json"),
)
"""Every command that reads for a user, with options that make it show the most."""


def _build(w: Any, records: list[Rec], agreements: list[Agreement], cases: list[Case],
           actor: tuple[str, frozenset[str], bool]) -> None:  # fmt: skip
    for code in AGENCIES:
        w.agency(code)
    w.user("me", actor[0], *sorted(actor[1]), os=actor[2])
    w.user("other", "a", "analyst")
    for i, rec in enumerate(records):
        marking = "OFFICIAL-SENSITIVE" if rec.sensitive else "OFFICIAL"
        w.record(f"r{i}", rec.agency, rec.handling, marking=marking, source=rec.source)
    dates = {"past": (w.LAST_WEEK.replace(year=2020), w.LAST_WEEK),
             "current": (w.LAST_WEEK, None), "future": (w.NEXT_WEEK, None)}  # fmt: skip
    for a in agreements:
        start, end = dates[a.when]
        w.agreement(a.giver, a.taker, scope=a.scope, conditioned=a.conditioned,
                    valid_from=start, valid_to=end)  # fmt: skip
    for n, case in enumerate(cases):
        members = ["me"] if case.member else ["other"]
        keys = [f"r{i}" for i in sorted(case.records) if i < len(records)]
        w.case(f"case{n}", "a", members, keys, closed=case.closed)
    for i in range(len(records)):
        w.link(f"l{i}", f"e-r{i}", "e-hub", [f"r{i}"])
        w.indicator(f"e-r{i}", [f"r{i}"])
    conn = w.conn
    # Every agreement allows deconfliction, so notices are drawn too: they name an agency and a
    # contact, never what the agency holds.
    conn.execute(sa.update(t.sharing_agreements).values(deconfliction=True, contact="desk"))
    other = w.users["other"].user_id
    for i in range(len(records) - 1):  # a judgement on each neighbouring pair
        conn.execute(
            sa.insert(t.judgements).values(
                left_id=f"m-r{i}", right_id=f"m-r{i + 1}", verdict="same", user_id=other,
                reason=f"judged {w.token(f'r{i}')} with {w.token(f'r{i + 1}')}",
            )
        )  # fmt: skip
    now = datetime.now(UTC)
    conn.execute(
        sa.insert(t.analysis_runs).values(
            id="run-me", started_at=now, finished_at=now, scope="me", weights={},
            weights_digest="d", params={}, counts={"records": len(records)},
        )
    )  # fmt: skip
    for i in range(len(records)):
        key = f"r{i}"
        for kind in ("premises", "business"):
            conn.execute(
                sa.insert(t.priorities).values(
                    run_id="run-me", entity_id=f"e-{key}", kind=kind, rank=i + 1,
                    score=1.0 / (i + 1), reasons=[f"because of {w.token(key)}"],
                    indicators=["shared"], agencies=[records[i].agency],
                    evidence=[w.records[key]], grade="1A",
                )
            )  # fmt: skip
    w.commit()


def _run_commands(url: str, tmp: Path) -> list[str]:
    out = []
    for args in COMMANDS:
        result = RUNNER.invoke(app, [*args, "--db", url, "--user", "me"])
        shown = f"{result.output}\n{result.exception or ''}"
        for asked in args[2:]:  # what the user typed may be echoed back to them
            if asked.startswith("e-"):
                shown = shown.replace(asked, "<asked>")
        out.append(f"{' '.join(a for a in args if not a.startswith('e-'))}\n{shown}")
    export = tmp / "subject.json"
    result = RUNNER.invoke(
        app, ["subject-access", "e-hub", "--out", str(export), "--db", url, "--user", "me"]
    )
    out.append(f"{result.output}\n{result.exception or ''}")
    if export.exists():
        out.append(export.read_text(encoding="utf-8"))
        export.unlink()
    result = RUNNER.invoke(app, ["audit", "show", "--json", "--db", url, "--as", "me"])
    out.append(f"{result.output}\n{result.exception or ''}")
    return out


def _call_functions(store: Store) -> list[str]:
    with store.connect() as conn:
        me = load_actor(conn, "me")
        assert me is not None
        view = View(conn, me)
        g = build_graph(view)
        shown: list[Any] = [
            g.vs["caption"] if g.vcount() else [], g.vs["name"] if g.vcount() else [],
            sorted(g["records"]), counts(view).counts, batches(view), judgements(view),
            entity_of_mentions(view), communities_of(view), rank_premises(view, top=None),
            rank_businesses(view, top=None), analyse(view, store=False).findings,
        ]  # fmt: skip
        shown += [notices(view, "e-hub"), unrecognised_conditions(view)]
        run = latest_run(view)
        if run is not None:
            shown += [stored_priorities(view, run.id, "premises")]
            shown += [stored_priorities(view, run.id, "business")]
    return [repr(item) for item in shown]


def _words(key: str, w: Any) -> list[str]:
    return [w.token(key), w.token(key, "phone")]


def _ids(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:e|m|h)-{key}(?![\w])")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: each example runs
    # every command (seconds), so a failure is reported as drawn, with the output that leaked
)
@given(records=records_st, agreements=agreements_st, cases=cases_st, actor=actor_st)
def test_no_command_or_function_shows_what_the_user_may_not_see(
    store: Store,
    store_url: str,
    make_world: Any,
    tmp_path: Path,
    records: list[Rec],
    agreements: list[Agreement],
    cases: list[Case],
    actor: tuple[str, frozenset[str], bool],
) -> None:
    conn = store.engine.connect()
    conn.begin()
    try:
        w = make_world(conn)
        _build(w, records, agreements, cases, actor)
        seen = {
            f"r{i}" for i, rec in enumerate(records) if may_see(rec, i, actor, agreements, cases)
        }
        hidden = {f"r{i}" for i in range(len(records))} - seen
        outputs = _run_commands(store_url, tmp_path) + _call_functions(store)
        text = "\n".join(outputs)
        for key in sorted(hidden):
            for word in _words(key, w):
                assert word not in text, (key, word, _where(outputs, word))
            found = _ids(key).search(text)
            assert found is None, (key, _where(outputs, found.group(0) if found else ""))
        assert "HUB-STORED-CAPTION" not in text  # captions come from visible mentions only
        status = next(o for o in outputs if o.startswith("status --json"))
        if "administrator" not in actor[1]:
            assert f'"records": {len(seen)}' in status, status
        own = {actor[0]}
        for agency in set(AGENCIES) - own:
            for source in ("s1", "s2"):
                name = f"{agency}-{source}.csv"
                shows = any(
                    rec.agency == agency and rec.source == source and f"r{i}" in seen
                    for i, rec in enumerate(records)
                )
                if not shows:
                    batches_out = next(o for o in outputs if o.startswith("batches list"))
                    assert name not in batches_out, (name, batches_out)
    finally:
        conn.rollback()
        conn.close()
        with store.connect() as clean:
            for table in reversed(TABLES):
                clean.execute(sa.delete(table))


def _where(outputs: list[str], word: str) -> str:
    return next((o[:400] for o in outputs if word and word in o), "")
