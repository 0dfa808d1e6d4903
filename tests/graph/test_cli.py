"""The analyse and graph commands, as a user of one agency, on every database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from threadline.cli.analyse import analyse_app
from threadline.cli.graph import graph_app
from threadline.errors import ThreadlineError
from threadline.graph.vocabulary import NodeNotFound
from threadline.security.audit import find_events
from threadline.store import Store
from threadline.store import tables as t

Case = Any
PASSWORD = "correct horse battery staple"  # the test users' password (tests/conftest.py)

app = typer.Typer()
app.add_typer(analyse_app, name="analyse")
app.add_typer(graph_app, name="graph")
runner = CliRunner()


@pytest.fixture
def world(case: Case, store_url: str) -> dict[str, str]:
    """A car-wash network the police know of, and one person only the NHS knows."""
    case.user("ana", "police")
    case.user("nia", "nhs")
    ids = {}
    for n in range(6):
        ids[f"w{n}"] = case.e("Person", f"Worker {n}", role="potential_victim",
                              birthDate="1995-01-0" + str(n + 1))  # fmt: skip
    ids["mill"] = case.e("Address", "4 Mill Street")
    ids["wash"] = case.e("Company", "Sparkle Hand Car Wash Ltd", sector="Car wash site permit")
    ids["boss"] = case.e("Person", "Hung TRAN", role="suspect", phone="+447700900123")
    for n in range(6):
        case.link(ids[f"w{n}"], "lives_at", ids["mill"], on=date(2025, 1, 1))
        case.link(ids[f"w{n}"], "works_for", ids["wash"], on=date(2025, 2, 1))
    case.link(ids["boss"], "lives_at", ids["mill"], on=date(2025, 3, 1))
    case.link(ids["boss"], "director_of", ids["wash"], on=date(2025, 3, 1))
    ids["secret"] = case.e("Person", "Secret Patient", agency="nhs", grade="1B")
    case.link(ids["secret"], "lives_at", ids["mill"], agency="nhs", grade="1B")
    case.commit()
    return {**ids, "db": store_url}


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=True)


def test_path_shows_each_hop_with_its_evidence(world: dict[str, str]) -> None:
    db = world["db"]
    result = run("graph", "path", "Worker 0", "Sparkle", "--db", db, "--user", "ana", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["protection"] == {"marking": "OFFICIAL", "handling": "P", "conditions": []}
    (path,) = shown["paths"]
    assert path["nodes"] == [world["w0"], world["wash"]]
    assert path["steps"][0]["sentence"] == "Worker 0 works for Sparkle Hand Car Wash Ltd"
    assert path["steps"][0]["agencies"] == ["police"]
    table = run("graph", "path", world["w0"], world["boss"], "--db", db, "--user", "ana")
    assert table.exit_code == 0 and "Path 1: 2 hops" in table.output
    assert "Holds: OFFICIAL, handling P" in table.output


def test_a_user_never_sees_what_another_agency_keeps_to_itself(
    world: dict[str, str], case: Case
) -> None:
    db = world["db"]
    ego = run("graph", "ego", "4 Mill Street", "--hops", "1", "--db", db, "--user", "ana",
              "--json")  # fmt: skip
    assert ego.exit_code == 0, ego.output
    names = {n["name"] for n in json.loads(ego.output)["nodes"]}
    assert world["secret"] not in names and "Secret Patient" not in ego.output
    denied = run("graph", "timeline", "Secret Patient", "--db", db, "--user", "ana")
    assert isinstance(denied.exception, NodeNotFound)
    nia = run("graph", "timeline", "Secret Patient", "--db", db, "--user", "nia", "--json")
    assert nia.exit_code == 0 and "Secret Patient" in nia.output
    events = case.conn.execute(
        sa.select(t.audit_events.c.operation, t.audit_events.c.username).where(
            t.audit_events.c.operation.like("graph.%")
        )
    ).all()
    assert ("graph.ego", "ana") in [tuple(e) for e in events]


def test_communities_timeline_and_changes(world: dict[str, str]) -> None:
    db = world["db"]
    result = run("graph", "communities", "--min-size", "2", "--db", db, "--user", "ana", "--json")
    assert result.exit_code == 0, result.output
    profiles = json.loads(result.output)["networks"]
    assert profiles[0]["premises"] == [world["mill"]]
    assert len(profiles[0]["victims"]) == 6
    assert [world["boss"]] in [p["suspects"] for p in profiles]
    assert "Network 0" in run("graph", "communities", "--db", db, "--user", "ana").output
    timeline = run("graph", "timeline", world["boss"], "--db", db, "--user", "ana", "--json")
    assert json.loads(timeline.output)["events"][0]["when"] == "2025-03-01"
    network = profiles[0]["community"]
    whole = run("graph", "timeline", "--network", str(network), "--db", db, "--user", "ana",
                "--json")  # fmt: skip
    assert whole.exit_code == 0, whole.output
    named = {n for event in json.loads(whole.output)["events"] for n in event["nodes"]}
    assert world["mill"] in named and len(named) > 2
    missing = run("graph", "timeline", "--network", "999", "--db", db, "--user", "ana")
    assert isinstance(missing.exception, ThreadlineError)
    assert "no network 999" in str(missing.exception)
    assert run("graph", "timeline", "--db", db, "--user", "ana").exit_code == 2
    changes = run("graph", "changes", "--since", "2025-02-15", "--by", "reported", "--db", db,
                  "--user", "ana", "--json")  # fmt: skip
    assert changes.exit_code == 0, changes.output
    assert world["boss"] in json.loads(changes.output)["new_nodes"]
    assert world["w0"] in json.loads(changes.output)["updated_nodes"]
    dates = json.loads(changes.output)["record_dates"]
    assert dates and all(d["received"] == date.today().isoformat() for d in dates.values())
    loaded = run("graph", "changes", "--since", date.today().isoformat(), "--db", db,
                 "--user", "ana")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    assert "reached the store" in loaded.output and "its own date" in loaded.output
    assert run("graph", "changes", "--since", "2025-02-15", "--by", "soon", "--db", db,
               "--user", "ana").exit_code == 2  # fmt: skip
    bad = run("graph", "changes", "--since", "yesterday", "--db", db, "--user", "ana")
    assert bad.exit_code != 0


def test_a_filter_narrows_a_network_and_never_renumbers_it(
    world: dict[str, str], case: Case
) -> None:
    """A bigger cluster of background people with nothing against them is numbered first by
    size but listed after the car-wash network, which is riskier; `--from` keeps its number."""
    db = world["db"]
    people = [case.e("Person", f"Neighbour {n} Smith{n}") for n in range(12)]
    for other in people[1:]:
        case.link(people[0], "associate", other, on=date(2024, 1, 1))
    case.commit()
    shown = run("graph", "communities", "--min-size", "2", "--db", db, "--user", "ana", "--json")
    assert shown.exit_code == 0, shown.output
    networks = json.loads(shown.output)["networks"]
    washers = next(p for p in networks if world["mill"] in p["premises"])
    neighbours = next(p for p in networks if people[0] in p["other_people"])
    assert neighbours["size"] > washers["size"] and neighbours["community"] < washers["community"]
    assert networks.index(washers) < networks.index(neighbours)
    assert washers["risk"] > 0 and neighbours["risk"] == 0
    number = str(washers["community"])
    whole = run("graph", "timeline", "--network", number, "--db", db, "--user", "ana", "--json")
    later = run("graph", "timeline", "--network", number, "--from", "2025-02-15", "--db", db,
                "--user", "ana", "--json")  # fmt: skip
    assert later.exit_code == 0, later.output
    before = {n for e in json.loads(whole.output)["events"] for n in e["nodes"]}
    after = {n for e in json.loads(later.output)["events"] for n in e["nodes"]}
    assert world["boss"] in after and after <= before and not after & set(people)


def test_how_a_network_changed_between_two_dates(world: dict[str, str]) -> None:
    db = world["db"]
    asked = ("graph", "changes", "--network", "Worker 0", "--from", "2025-02-15",
             "--to", "2025-03-15", "--db", db)  # fmt: skip
    result = run(*asked, "--user", "ana", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert world["boss"] in shown["joined"]  # his links are dated 2025-03-01
    assert shown["left"] == [] and shown["premises_joined"] == []
    new_links = {(frozenset(link[:2]), link[2]) for link in shown["new_links"]}
    assert (frozenset((world["boss"], world["mill"])), "lives_at") in new_links
    assert shown["members"]["after"] == shown["members"]["before"] + len(shown["joined"])
    assert world["secret"] not in result.output  # the NHS's patient: not the police's to see
    table = run(*asked, "--user", "ana")
    assert "joined" in table.output and "Hung TRAN" in table.output
    before = run("graph", "changes", "--network", "Worker 0", "--from", "2024-01-01",
                 "--to", "2024-06-01", "--db", db, "--user", "ana", "--json")  # fmt: skip
    assert isinstance(before.exception, NodeNotFound)  # nothing yet names her by then
    assert "by 2024-06-01" in str(before.exception)
    hidden = run(*asked, "--user", "nia")  # the NHS analyst may not see the car wash's workers
    assert isinstance(hidden.exception, NodeNotFound)
    both = run(*asked, "--case", "x", "--user", "ana")
    assert both.exit_code == 2
    backwards = run("graph", "changes", "--network", "Worker 0", "--from", "2025-03-15",
                    "--to", "2025-02-15", "--db", db, "--user", "ana")  # fmt: skip
    assert backwards.exit_code == 2


def test_the_network_at_each_date_drawn_side_by_side(
    world: dict[str, str], store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chart written to a file is a disclosure, as an export is (cli/disclosure.py): for a
    named recipient and purpose, with the password again, audited with what it draws."""
    db = world["db"]
    asked = ("graph", "changes", "--network", "Worker 0", "--from", "2025-02-15",
             "--to", "2025-03-15", "--db", db, "--user", "ana")  # fmt: skip
    told = ("--recipient", "Fenland council licensing", "--purpose", "joint visit planning")
    svg = tmp_path / "changes.svg"
    unconfirmed = run(*asked, "--chart", str(svg), *told)  # the password not given again
    assert unconfirmed.exit_code != 0 and "password again" in str(unconfirmed.exception)
    assert not svg.exists()
    monkeypatch.setenv("THREADLINE_CONFIRM_PASSWORD", PASSWORD)
    nobody = run(*asked, "--chart", str(svg), "--purpose", "p")  # no recipient, no terminal
    assert nobody.exit_code == 2 and "--recipient" in nobody.output and not svg.exists()
    result = run(*asked, "--chart", str(svg), *told)
    assert result.exit_code == 0, result.output
    assert f"Chart written to {svg}, disclosed to 'Fenland council licensing'" in result.output
    drawn = svg.read_text(encoding="utf-8")
    assert drawn.startswith("<svg") and 'role="img"' in drawn and "<script" not in drawn
    assert "1 joined, 0 left" in drawn  # the text alternative: the boss joined
    store = Store(store_url)
    with store.connect() as conn:
        found = [e for e in find_events(conn, username="ana") if e.action == "disclosure"]
    [event, denied] = sorted(found, key=lambda e: e.outcome)  # this one; the unconfirmed one
    store.close()
    assert (event.outcome, denied.outcome) == ("allowed", "denied")
    assert (event.operation, event.recipients, event.purpose) == (
        "graph.chart.svg", "Fenland council licensing", "joint visit planning")  # fmt: skip
    assert world["boss"] in event.entities and world["secret"] not in event.entities
    assert event.records and event.detail["file"] == "changes.svg"
    page = tmp_path / "changes.html"
    shown = run(*asked, "--chart", str(page), *told, "--json")
    assert json.loads(shown.output)["chart"]["recipient"] == "Fenland council licensing"
    html = page.read_text(encoding="utf-8")
    assert html.count("<strong>OFFICIAL, handling P</strong>") == 2  # head and foot
    assert "<td>Hung TRAN</td><td>people</td><td>joined</td>" in html
    assert "<td>Worker 0</td><td>people</td><td>kept</td>" in html
    assert "Secret Patient" not in html  # the NHS's patient: not the police's to see
    wrong = run(*asked, "--chart", str(tmp_path / "changes.png"), *told)
    assert wrong.exit_code == 2
    alone = run("graph", "changes", "--since", "2025-01-01", "--db", db, "--user", "ana",
                "--chart", str(svg))  # fmt: skip
    assert alone.exit_code == 2


def test_a_viewer_may_not_write_a_chart(
    world: dict[str, str], case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADLINE_CONFIRM_PASSWORD", PASSWORD)
    case.conn.execute(sa.update(t.users).where(t.users.c.username == "ana")
                      .values(roles=["viewer"]))  # fmt: skip
    case.commit()
    svg = tmp_path / "changes.svg"
    result = run("graph", "changes", "--network", "Worker 0", "--from", "2025-02-15", "--to",
                 "2025-03-15", "--db", world["db"], "--user", "ana", "--chart", str(svg),
                 "--recipient", "r", "--purpose", "p")  # fmt: skip
    assert result.exit_code != 0 and "analyst or supervisor" in str(result.exception)
    assert not svg.exists()
    # the table itself is a consultation a viewer may make
    assert (
        run(
            "graph",
            "changes",
            "--network",
            "Worker 0",
            "--from",
            "2025-02-15",
            "--to",
            "2025-03-15",
            "--db",
            world["db"],
            "--user",
            "ana",
        ).exit_code
        == 0
    )


def test_analyse_stores_a_run_and_ranks_premises_and_businesses(
    world: dict[str, str], case: Case
) -> None:
    db = world["db"]
    result = run("analyse", "--db", db, "--user", "ana", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["findings"]["crowded_address"] == 1
    assert summary["premises"][0]["entity_id"] == world["mill"]
    run_id = summary["run"]
    stored = case.conn.execute(
        sa.select(t.analysis_runs.c.scope, t.analysis_runs.c.weights_digest).where(
            t.analysis_runs.c.id == run_id
        )
    ).one()
    assert stored.scope == "ana" and stored.weights_digest == summary["weights_digest"]
    premises = run("analyse", "premises", "--top", "3", "--db", db, "--user", "ana", "--json")
    ranked = json.loads(premises.output)["premises"]
    assert ranked[0]["entity_id"] == world["mill"] and ranked[0]["caption"] == "4 Mill Street"
    assert any("Many unrelated adults" in r for r in ranked[0]["reasons"])
    businesses = run("analyse", "businesses", "--db", db, "--user", "ana")
    assert businesses.exit_code == 0 and "Sparkle Hand Car Wash Ltd" in businesses.output
    shown = run("analyse", "--db", db, "--user", "ana", "--top", "2")
    assert shown.exit_code == 0 and "Premises for multi-agency visits" in shown.output


def test_analyse_ranks_for_each_exploitation_type_found(world: dict[str, str], case: Case) -> None:
    # A reliable report places a brothel's signs at a flat: the run stores a ranking for
    # sexual exploitation beside the one across every type, and --typology reads it.
    flat = case.e("Address", "Flat 2, 9 Kiln Lane")
    report = case.record("police", "1A", text="Men come and go at all hours")
    case.link(case.e("Person", "Dinh NGUYEN", role="witness", record=report), "seen_at", flat,
              records=[report])  # fmt: skip
    case.commit()
    db = world["db"]
    summary = json.loads(run("analyse", "--db", db, "--user", "ana", "--json").output)
    assert "sexual" in summary["typologies"]
    asked = ("analyse", "premises", "--db", db, "--user", "ana", "--json", "--typology")
    sexual = json.loads(run(*asked, "sexual").output)["premises"]
    assert sexual[0]["entity_id"] == flat
    assert sexual[0]["reasons"][0].startswith("ranked for sexual exploitation: 1 of its 1")
    labour = json.loads(run(*asked, "labour").output)["premises"]
    assert flat not in {p["entity_id"] for p in labour}
    every = json.loads(run(*asked[:-1]).output)["premises"]
    assert {p["entity_id"] for p in every} >= {flat, world["mill"]}
    assert not any(r.startswith("ranked for") for p in every for r in p["reasons"])
    lenses = case.conn.execute(
        sa.select(t.priorities.c.typology).where(t.priorities.c.entity_id == flat).distinct()
    ).scalars()
    assert set(lenses) == {None, "sexual"}
    table = run(*asked[:-2], "--typology", "sexual")
    assert "Premises for multi-agency visits: sexual exploitation" in table.output
    wrong = run(*asked, "trafficking")
    assert wrong.exit_code == 2 and "not an exploitation type" in wrong.output
    shown = [
        row.detail
        for row in case.conn.execute(
            sa.select(t.audit_events.c.detail).where(
                t.audit_events.c.operation == "analyse.premises",
                t.audit_events.c.username == "ana",
            )
        )
    ]
    assert {"sexual", "labour", None} <= {d.get("typology") for d in shown}


def test_analyse_with_a_weights_file_records_its_digest(
    world: dict[str, str], tmp_path: Any
) -> None:
    weights = tmp_path / "weights.yaml"
    weights.write_text("indicators:\n  crowded_address:\n    weight: 2.5\n")
    result = run("analyse", "premises", "--weights", str(weights), "--db", world["db"],
                 "--user", "ana", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    first = json.loads(result.output)["premises"][0]
    assert any("[2.5 x" in r for r in first["reasons"])


def test_asking_for_what_one_may_not_see_is_logged_as_denied(
    world: dict[str, str], case: Case
) -> None:
    result = run("graph", "ego", "Secret Patient", "--db", world["db"], "--user", "ana")
    assert isinstance(result.exception, NodeNotFound)
    denied = case.conn.execute(
        sa.select(t.audit_events.c.outcome, t.audit_events.c.detail).where(
            t.audit_events.c.operation == "graph.ego", t.audit_events.c.username == "ana"
        )
    ).all()
    assert [row.outcome for row in denied] == ["denied"]
    assert "Secret" not in str(denied[0].detail)


def test_a_path_through_the_body_that_referred_both_is_offered_only_when_asked(
    case: Case, store_url: str
) -> None:
    case.user("ana", "police")
    one = case.e("Person", "Victim One", role="potential_victim")
    two = case.e("Person", "Victim Two", role="potential_victim")
    charity = case.e("Organization", "Safe Harbour Charity")
    case.link(one, "referred_by", charity, on=date(2025, 1, 1))
    case.link(two, "referred_by", charity, on=date(2025, 2, 1))
    case.commit()
    plain = run("graph", "path", one, two, "--db", store_url, "--user", "ana", "--json")
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.output)["paths"] == []
    asked = run("graph", "path", one, two, "--through-referrers", "--db", store_url, "--user",
                "ana", "--json")  # fmt: skip
    assert asked.exit_code == 0, asked.output
    (path,) = json.loads(asked.output)["paths"]
    assert path["nodes"] == [one, charity, two]
    assert path["steps"][0]["sentence"] == "Victim One was referred by Safe Harbour Charity"
