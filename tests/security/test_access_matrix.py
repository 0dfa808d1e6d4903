"""The access matrix: every command and every public function that returns data, for a user
of any agency, roles and clearance, in random worlds, shows nothing of a record they may not
see: not a name, a value, an entity id, a caption, a batch, a judgement or a count.

Worlds are drawn as in `test_policy_property.py` and judged by the same oracle (the rules
written out plainly). Each world also holds links, indicators and coordinates on every record,
judgements between pairs of records, a batch per agency and source, and a stored analysis of
the acting user whose every ranking entry rests on one record. Both databases.
"""

from __future__ import annotations

import html
import json
import os
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from typer.testing import CliRunner

from threadline.api.priorities import networks, premises_map, ranking
from threadline.cli import app
from threadline.graph import build_graph
from threadline.jobs import get_job, list_jobs, submit
from threadline.people import assess
from threadline.read import View
from threadline.read.conditions import unrecognised_conditions
from threadline.read.deconfliction import notices
from threadline.read.holdings import batches, counts, judgements
from threadline.read.places import places
from threadline.read.rankings import latest_run, stored_priorities
from threadline.read.records import show_record
from threadline.read.resolution import entity_of_mentions
from threadline.read.search import search
from threadline.risk import analyse, communities_of, rank_businesses, rank_premises
from threadline.security.actors import load_actor
from threadline.security.sessions import add_token
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.tables import TABLES
from threadline.tracking import list_alerts, list_watches, unread_count

from ..conftest import api_client
from ..tracking.smtp import smtp_server
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
OTHERS_JOB = "JOBFILE-OF-OTHER"
"""The file name in a job of user ``other`` (agency a): only they and a's supervisors see it."""

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("status", "--json"),
    ("batches", "list", "--json"),
    ("resolve", "judgements", "--all", "--json"),
    ("resolve", "review", "--json"),
    ("resolve", "explain", "e-hub", "--json"),
    ("resolve", "explain", "e-hub", "--detail", "--json"),
    ("resolve", "split", "e-hub", "--json"),
    ("retention", "due", "--before", "2040-01-01", "--json"),
    ("retention", "erased", "--json"),
    ("graph", "ego", "e-hub", "--hops", "2", "--json"),
    ("graph", "communities", "--min-size", "1", "--json"),
    ("graph", "timeline", "e-hub", "--json"),
    ("graph", "changes", "--since", "2000-01-01", "--json"),
    ("graph", "changes", "--since", "2000-01-01", "--by", "reported", "--json"),
    ("graph", "changes", "--network", "e-hub", "--from", "2000-01-01", "--json"),
    ("graph", "path", "e-r0", "e-r1", "--json"),
    ("analyse", "premises", "--json"),
    ("analyse", "businesses", "--json"),
    ("analyse", "premises", "--typology", "sexual", "--json"),
    ("analyse", "businesses", "--typology", "sexual", "--json"),
    ("analyse", "people", "--top", "50", "--json"),
    ("analyse", "people", "--role", "victim", "--unrecognised", "--json"),
    ("cases", "list", "--json"),
    ("sharing", "list", "--json"),
    ("sharing", "deconflict", "e-hub", "--json"),
    ("sharing", "conditions", "--json"),
    ("agencies", "list", "--json"),
    ("search", "TOKEN", "--limit", "200", "--json"),
    ("search", "TOKEN", "--limit", "200"),
    ("records", "show", "row-r0", "--json"),
    ("records", "show", "row-r1"),
    ("alerts", "--json"),
    ("alerts",),
    ("watch", "list", "--json"),
    ("doctor", "--json"),
)
"""Every command that reads for a user, with options that make it show the most (and
`capture`, which reads the entities a report names: see `_capture`)."""


def _build(w: Any, records: list[Rec], agreements: list[Agreement], cases: list[Case],
           actor: tuple[str, frozenset[str], bool]) -> None:  # fmt: skip
    for code in AGENCIES:
        w.agency(code)
    w.user("me", actor[0], *sorted(actor[1]), os=actor[2])
    w.user("other", "a", "analyst")
    submit(w.conn, w.users["other"], "ingest", {"file": f"{OTHERS_JOB}.csv"})
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
        for prop, value in (("latitude", f"53.{i:02d}"), ("longitude", f"-1.{i:02d}")):
            w.conn.execute(
                sa.insert(t.statements).values(
                    record_id=w.records[f"r{i}"], mention_id=f"m-r{i}", schema="Address",
                    prop=prop, value=value, original_value=value, flags=[],
                )
            )  # fmt: skip
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
    me = w.users["me"].user_id
    watch = conn.execute(  # a watch of mine that every record matched: alerts on each
        sa.insert(t.watches).values(user_id=me, kind="search", target="TOKEN", reason="matrix",
                                    expires_on=w.NEXT_WEEK).returning(t.watches.c.id)
    ).scalar_one()  # fmt: skip
    theirs = conn.execute(  # another user's watch, and their alert on each record
        sa.insert(t.watches).values(user_id=other, kind="search", target="TOKEN",
                                    reason="theirs", expires_on=w.NEXT_WEEK)
        .returning(t.watches.c.id)
    ).scalar_one()  # fmt: skip
    for i in range(len(records)):
        for holder, held in ((me, watch), (other, theirs)):
            conn.execute(
                sa.insert(t.alerts).values(
                    watch_id=held, user_id=holder, record_id=w.records[f"r{i}"], kind="record",
                    entity_id=f"e-r{i}", reason=f"matched {w.token(f'r{i}')}",
                    origin="batch 1",
                )
            )  # fmt: skip
    for holder, address in ((me, "me@force.example"), (other, "other@force.example")):
        conn.execute(sa.insert(t.alert_mail).values(user_id=holder, address=address,
                                                    last_alert_id=0))  # fmt: skip
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
            for typology in (None, "sexual"):  # across every type, and one type's ranking
                conn.execute(
                    sa.insert(t.priorities).values(
                        run_id="run-me", entity_id=f"e-{key}", kind=kind, rank=i + 1,
                        score=1.0 / (i + 1), reasons=[f"because of {w.token(key)}"],
                        indicators=["shared"], agencies=[records[i].agency],
                        evidence=[w.records[key]], grade="1A", typology=typology,
                    )
                )  # fmt: skip
    w.commit()


def _capture(url: str, tmp: Path, agency: str, entity: str, *, update: bool) -> str:
    """`threadline capture` of a report naming `entity` as its subject, as a user who chose
    it from a search: refused, for one the user may not see, as for one that does not exist."""
    report = {
        "agency": agency, "officer": "PC 1", "source_reference": "S1",
        "intelligence_at": "2026-01-01", "reported_at": "2026-01-02T10:00:00Z",
        "source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P",
        "marking": "OFFICIAL", "subjects": [{"kind": "person", "entity_id": entity}],
    }  # fmt: skip
    path = tmp / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    last = [] if update else ["--no-update"]
    result = RUNNER.invoke(app, ["capture", str(path), "--json", *last, "--db", url, "--user",
                                 "me"])  # fmt: skip
    return f"capture\n{result.output}\n{result.exception or ''}".replace(entity, "<asked>")


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


def _disclosures(url: str, tmp: Path, agency: str, entities: int) -> list[str]:
    """Every export, then captures naming the hub and the first records (each visible or not,
    as drawn), then watches, alerts and the digest mailed: last, as they write. Last of all,
    `update` (resolution rebuilds the world's entities)."""
    out = _run_exports(url, tmp)
    for entity in ["e-hub", *(f"e-r{i}" for i in range(min(entities, 3)))]:
        out.append(_capture(url, tmp, agency, entity, update=False))
    out += _tracking(url)
    out.append(_capture(url, tmp, agency, "e-hub", update=True))
    result = RUNNER.invoke(app, ["update", "--json", "--db", url, "--user", "me"])
    out.append(f"update\n{result.output}\n{result.exception or ''}")
    return out


TRACKING: tuple[tuple[str, ...], ...] = (
    ("watch", "add", "--entity", "e-hub", "--reason", "matrix"),
    *(("watch", "add", "--entity", f"e-r{i}", "--reason", "matrix") for i in range(3)),
    ("watch", "add", "--search", "TOKEN", "--reason", "matrix"),
    ("watch", "list", "--json"),
    ("alerts", "--unread", "--json"),
)
"""Watch and alert commands that write for the user (and show what they wrote)."""


def _tracking(url: str) -> list[str]:
    """Watches added and removed (one's own, another's, one that does not exist), alerts
    marked read (another's, then all one may see), and the daily digest printed and mailed
    through a real SMTP server on loopback: what it prints and every mail it sends."""
    with Store(url) as store, store.connect() as conn:
        w, a = t.watches.c, t.alerts.c
        me, other = (load_actor(conn, name) for name in ("me", "other"))
        assert me is not None and other is not None
        theirs = conn.execute(sa.select(w.id).where(w.user_id == other.user_id)).scalar()
        alert = conn.execute(sa.select(sa.func.min(a.id)).where(a.user_id == other.user_id))
        their_alert = alert.scalar()
    runs = [
        *TRACKING,
        ("watch", "remove", str(theirs)),
        ("watch", "remove", "999999"),
        ("alerts", "read", str(their_alert or 999999)),
        ("alerts", "read", "--all"),
        ("alerts", "digest", "--since", "2000-01-01"),
    ]
    out = []
    for args in runs:
        result = RUNNER.invoke(app, [*args, "--db", url, "--user", "me"])
        shown = f"{result.output}\n{result.exception or ''}"
        for asked in args[3:4]:  # the entity typed is echoed back in a refusal
            shown = shown.replace(asked, "<asked>") if asked.startswith("e-") else shown
        out.append(f"{' '.join(a for a in args if not a.startswith('e-'))}\n{shown}")
    with smtp_server() as (port, mailbox):
        env = {"THREADLINE_SMTP_HOST": "127.0.0.1", "THREADLINE_SMTP_PORT": str(port),
               "THREADLINE_SMTP_FROM": "threadline@force.example"}  # fmt: skip
        args = ["alerts", "digest", "--since", "2000-01-01", "--send"]
        result = RUNNER.invoke(app, [*args, "--db", url, "--user", "me"], env=env)
        out.append(f"alerts digest --send\n{result.output}\n{result.exception or ''}")
        out += [f"mail to {to}\n{message}" for to, message in mailbox.messages]
    return out


HTTP_READS: tuple[str, ...] = (
    "/api/v1/entities/e-hub",
    *(f"/api/v1/entities/e-r{i}" for i in range(8)),
    "/api/v1/graph/neighbourhood?entity=e-hub&hops=3",
    "/api/v1/graph/neighbourhood?entity=e-r0&hops=3&group=true",
    "/api/v1/graph/path?source=e-r0&target=e-r1",
    "/api/v1/review?limit=100",
    "/",
    "/entities/e-hub",
    *(f"/entities/e-r{i}" for i in range(8)),
    "/review",
    "/compare?a=e-r0&b=e-r1",
    "/compare/explain?a=e-r0&b=e-r1",
    "/review/why?a=e-r0&b=e-r1",
    "/api/v1/search?q=TOKEN&limit=200",
    "/search?q=TOKEN",
    *(f"/api/v1/records/row-r{i}" for i in range(8)),
    *(f"/records/row-r{i}" for i in range(8)),
    "/api/v1/graph/communities?min_size=1",
    "/api/v1/premises/map",
    "/api/v1/priorities?kind=premises",
    "/api/v1/priorities?kind=business",
    "/api/v1/priorities?kind=premises&typology=sexual",
    "/priorities",
    "/priorities?typology=sexual",
    "/networks",
    "/map",
    "/api/v1/people?top=500",
    "/api/v1/people?unrecognised=true&top=500",
    "/people?all=true&top=200",
    "/api/v1/jobs",
    "/jobs",
    "/api/v1/cases",
    "/chart",
    "/entities/e-hub/changes?from=2000-01-01",
    "/api/v1/audit/events?limit=10000",
    "/api/v1/alerts",
    "/api/v1/watches",
    "/alerts",
    "/watches",
)
"""Every API endpoint and page that reads for a user (the server echoes no asked id but in
a refusal's words, which are removed like the commands' echoes)."""


ASKED = re.compile(r"e-(?:hub|r\d+)")
"""The entity ids a request names."""


def _call_http(store: Store, url: str) -> list[str]:
    """Every API endpoint and page, as `me` with a bearer token, over a real server."""
    with store.connect() as conn:
        me = load_actor(conn, "me")
        assert me is not None
        token = add_token(conn, me, "matrix")
    out = []
    with api_client(url, token) as client:
        for path in HTTP_READS:
            answer = client.get(path)
            assert answer.status_code < 500, (path, answer.text[:500])
            shown = answer.text
            # what the user typed is echoed to them in refusals, and in the refusals their
            # own audit log shows (an id they typed, found or not: it tells nothing)
            for asked in ASKED.findall(" ".join(HTTP_READS)):
                for quoted in (f"'{asked}'", f"&#39;{asked}&#39;"):
                    shown = shown.replace(f"not found: {quoted}", "not found: <asked>")
            out.append(f"{ASKED.sub('<asked>', path)}\n{shown}")
        out += _http_writes(store, client)
    return out


def _http_writes(store: Store, client: Any) -> list[str]:
    """The API's watch and alert writes, last: watches added on the hub and the first records
    (each visible or not), another user's watch removed and alert marked read (refused as not
    found), then every alert one may see marked read."""
    with store.connect() as conn:
        other = load_actor(conn, "other")
        assert other is not None
        w, a = t.watches.c, t.alerts.c
        theirs = conn.execute(sa.select(w.id).where(w.user_id == other.user_id)).scalar()
        alert = conn.execute(sa.select(sa.func.min(a.id)).where(a.user_id == other.user_id))
        their_alert = alert.scalar() or 999999
    answers = [
        *(client.post("/api/v1/watches", json={"entity": entity, "reason": "matrix"})
          for entity in ("e-hub", "e-r0", "e-r1", "e-r2")),
        client.post("/api/v1/watches", json={"search": "TOKEN", "reason": "matrix"}),
        client.delete(f"/api/v1/watches/{theirs}"),
        client.post(f"/api/v1/alerts/{their_alert}/read"),
        client.get("/api/v1/watches"),
        client.get("/api/v1/alerts"),
    ]  # fmt: skip
    out = []
    for answer in answers:
        assert answer.status_code < 500, answer.text[:500]
        shown = answer.text
        for asked in ("e-hub", "e-r0", "e-r1", "e-r2"):  # echoed in a refusal's words
            shown = shown.replace(f"not found: '{asked}'", "not found: <asked>")
        out.append(f"{answer.request.method} {answer.request.url.path}\n{shown}")
    return out


EXPORTS: tuple[tuple[str, ...], ...] = (
    *(("--format", fmt) for fmt in ("anx", "ftm", "graphml", "csv", "xlsx")),
    ("--format", "graphml", "--entity", "e-hub", "--hops", "2"),
    ("--format", "csv", "--case", "case0"),
    ("--format", "ftm", "--network", "0", "--by-community"),
)
"""Every export format, and each scope: what the files hold is checked like any output."""


def _written(path: Path) -> str:
    """An export's text: UTF-16 for ANX, every member of a zip (CSV, XLSX), else UTF-8."""
    data = path.read_bytes()
    if data[:2] == b"\xff\xfe":
        return data.decode("utf-16")
    if data[:2] == b"PK":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    return data.decode("utf-8")


def _run_exports(url: str, tmp: Path) -> list[str]:
    out = []
    confirm = {"THREADLINE_CONFIRM_PASSWORD": os.environ["THREADLINE_PASSWORD"]}
    for n, args in enumerate(EXPORTS):
        folder = tmp / f"export{n}"
        result = RUNNER.invoke(
            app,
            ["export", *args, "--out", str(folder / "x"), "--recipient", "r", "--purpose", "p",
             "--db", url, "--user", "me"],
            env=confirm,
        )  # fmt: skip
        shown = f"{result.output}\n{result.exception or ''}".replace("e-hub", "<asked>")
        for path in sorted(folder.iterdir()) if folder.exists() else []:
            shown += "\n" + _written(path)
            path.unlink()
        out.append(f"export {' '.join(args)}\n{shown}")
    for n, scope in enumerate((["--all"], ["--case", "case0"])):  # problem profiles, as HTML
        path = tmp / f"report{n}.html"
        result = RUNNER.invoke(
            app,
            ["report", *scope, "--format", "html", "--out", str(path), "--recipient", "r",
             "--purpose", "p", "--db", url, "--user", "me"],
            env=confirm,
        )  # fmt: skip
        written = html.unescape(path.read_text(encoding="utf-8")) if path.exists() else ""
        out.append(
            f"report {' '.join(scope)}\n{result.output}\n{result.exception or ''}\n{written}"
        )
        path.unlink(missing_ok=True)
    for suffix in (".svg", ".html"):  # the network at two dates, drawn to a file
        path = tmp / f"changes{suffix}"
        result = RUNNER.invoke(
            app,
            ["graph", "changes", "--network", "e-hub", "--from", "2000-01-01", "--chart",
             str(path), "--recipient", "r", "--purpose", "p", "--db", url, "--user", "me"],
            env=confirm,
        )  # fmt: skip
        drawn = html.unescape(path.read_text(encoding="utf-8")) if path.exists() else ""
        shown = f"{result.output}\n{result.exception or ''}".replace("e-hub", "<asked>")
        out.append(f"graph changes --chart {suffix}\n{shown}\n{drawn}")
        path.unlink(missing_ok=True)
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
        people = assess(view)
        shown += [people.victims, people.suspects]
        shown += [notices(view, "e-hub"), unrecognised_conditions(view)]
        named = [f"e-r{i}" for i in range(8)] + ["e-hub"]  # a world holds up to 7 records
        shown += [places(view, named), networks(view, g, min_size=1), premises_map(view, g)]
        shown += [ranking(view, "premises", top=None), ranking(view, "business", top=None)]
        shown += [ranking(view, "business", top=None, typology="sexual")]
        newest = conn.execute(sa.select(sa.func.max(t.jobs.c.id))).scalar()
        shown += [list_jobs(conn, me), get_job(conn, me, int(newest or 0))]
        shown += [list_alerts(view), unread_count(view), list_watches(view)]
        # Searches for every record's values (what was typed is echoed, so only the hits
        # and counts are kept), and every record by its reference.
        typed = ["TOKEN", "token name"]
        for key in conn.execute(sa.select(t.records.c.record_key)).scalars():
            name = str(key).removeprefix("row-")
            typed += [f"TOKEN-name-{name}-END", f"TOKEN-phone-{name}-END"]
            shown += [show_record(view, str(key))]
        for text in typed:
            found = search(view, text, limit=200)
            shown += [(found.total, found.hits, found.protection)]
        run = latest_run(view)
        if run is not None:
            shown += [stored_priorities(view, run.id, "premises")]
            shown += [stored_priorities(view, run.id, "business")]
            shown += [stored_priorities(view, run.id, "premises", typology="sexual")]
    return [repr(item) for item in shown]


def _words(key: str, w: Any) -> list[str]:
    return [w.token(key), w.token(key, "phone")]


def _ids(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:e|m|h)-{key}(?![\w])")


def _settings(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: each example
        # runs many commands (seconds), so a failure is reported as drawn, with what leaked
    )


Drawn = tuple[list[Rec], list[Agreement], list[Case], tuple[str, frozenset[str], bool]]


def _in_world(
    store: Store, make_world: Any, drawn: Drawn, produce: Callable[[], list[str]]
) -> tuple[list[str], set[str]]:
    """Build the drawn world, collect what `produce` shows, check that no record the actor may
    not see shows in it, and return the outputs and the records they may see."""
    records, agreements, cases, actor = drawn
    conn = store.engine.connect()
    conn.begin()
    try:
        w = make_world(conn)
        _build(w, records, agreements, cases, actor)
        seen = {
            f"r{i}" for i, rec in enumerate(records) if may_see(rec, i, actor, agreements, cases)
        }
        hidden = {f"r{i}" for i in range(len(records))} - seen
        outputs = produce()
        text = "\n".join(outputs)
        for key in sorted(hidden):
            for word in _words(key, w):
                assert word not in text, (key, word, _where(outputs, word))
            found = _ids(key).search(text)
            assert found is None, (key, _where(outputs, found.group(0) if found else ""))
        assert "HUB-STORED-CAPTION" not in text  # captions come from visible mentions only
        return outputs, seen
    finally:
        conn.rollback()
        conn.close()
        with store.connect() as clean:
            for table in reversed(TABLES):
                clean.execute(sa.delete(table))


@_settings(10)
@given(records=records_st, agreements=agreements_st, cases=cases_st, actor=actor_st)
def test_no_command_shows_what_the_user_may_not_see(
    store: Store, store_url: str, make_world: Any, tmp_path: Path,
    records: list[Rec], agreements: list[Agreement], cases: list[Case],
    actor: tuple[str, frozenset[str], bool],
) -> None:  # fmt: skip
    outputs, seen = _in_world(
        store, make_world, (records, agreements, cases, actor),
        lambda: _run_commands(store_url, tmp_path),
    )  # fmt: skip
    status = next(o for o in outputs if o.startswith("status --json"))
    if "administrator" not in actor[1]:
        assert f'"records": {len(seen)}' in status, status
    for agency in set(AGENCIES) - {actor[0]}:
        for source in ("s1", "s2"):
            name = f"{agency}-{source}.csv"
            shows = any(
                rec.agency == agency and rec.source == source and f"r{i}" in seen
                for i, rec in enumerate(records)
            )
            if not shows:
                batches_out = next(o for o in outputs if o.startswith("batches list"))
                assert name not in batches_out, (name, batches_out)


@_settings(10)
@given(records=records_st, agreements=agreements_st, cases=cases_st, actor=actor_st)
def test_no_function_endpoint_or_page_shows_what_the_user_may_not_see(
    store: Store, store_url: str, make_world: Any,
    records: list[Rec], agreements: list[Agreement], cases: list[Case],
    actor: tuple[str, frozenset[str], bool],
) -> None:  # fmt: skip
    outputs, _seen = _in_world(
        store, make_world, (records, agreements, cases, actor),
        lambda: _call_functions(store) + _call_http(store, store_url),
    )  # fmt: skip
    text = "\n".join(outputs)
    if not (actor[0] == "a" and "supervisor" in actor[1]):
        assert OTHERS_JOB not in text  # another user's job, to all but their supervisors
    else:
        assert OTHERS_JOB in text


@_settings(7)
@given(records=records_st, agreements=agreements_st, cases=cases_st, actor=actor_st)
def test_no_export_or_capture_shows_what_the_user_may_not_see(
    store: Store, store_url: str, make_world: Any, tmp_path: Path,
    records: list[Rec], agreements: list[Agreement], cases: list[Case],
    actor: tuple[str, frozenset[str], bool],
) -> None:  # fmt: skip
    _in_world(
        store, make_world, (records, agreements, cases, actor),
        lambda: _disclosures(store_url, tmp_path, actor[0], len(records)),
    )  # fmt: skip


def _where(outputs: list[str], word: str) -> str:
    return next((o[:400] for o in outputs if word and word in o), "")
