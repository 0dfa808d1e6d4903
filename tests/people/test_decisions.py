"""Analysts' decisions on people: kept across runs, shown beside the score to their agency,
audited, withdrawn (never overwritten); and the command line, as a user, on every database."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from threadline.cli.analyse import analyse_app
from threadline.errors import ThreadlineError
from threadline.people import assess, record_decision, withdraw_decision
from threadline.read.assessments import active_decisions
from threadline.store import tables as t

Case = Any
AS_OF = date(2026, 10, 31)
app = typer.Typer()
app.add_typer(analyse_app, name="analyse")
runner = CliRunner()


def _house(case: Case) -> dict[str, str]:
    ids = {"house": case.e("Address", "4 Mill Street")}
    for n in range(2):
        record = case.record("nrm", "1B", source="nrm_referrals")
        victim = case.e("Person", f"Referred{n} Name{n}", role="potential_victim", record=record)
        case.link(victim, "lives_at", ids["house"], agency="council", grade="1B")
    record = case.record("nhs", "1B", source="nhs_ed_attendances", text="fearful; unkempt")
    ids["hidden"] = case.e("Person", "Quiet Man", record=record)
    case.link(ids["hidden"], "lives_at", ids["house"], records=[record])
    return ids


def _operations(case: Case) -> list[str]:
    rows = case.conn.execute(sa.select(t.audit_events.c.operation).order_by(t.audit_events.c.id))
    return [str(r) for r in rows.scalars()]


def test_a_decision_is_kept_across_runs_shown_to_its_agency_audited_and_withdrawn(
    case: Case,
) -> None:
    ids = _house(case)
    view = case.view()
    first = assess(view, as_of=AS_OF).ranking("victim", unrecognised=True)[0]
    assert first.entity_id == ids["hidden"] and first.decision is None
    decided = record_decision(view.conn, view.actor, ids["hidden"], "victim", "confirmed",
                              "Seen at the house on a joint visit")  # fmt: skip
    assert "people.confirm" in _operations(case)
    again = assess(view, as_of=AS_OF).ranking("victim", unrecognised=True)[0]
    assert again.decision is not None and again.decision.id == decided
    assert again.decision.decision == "confirmed" and again.decision.username == "analyst-unit"
    assert again.score == first.score  # shown beside the score, never changing it
    other = case.view("council")
    assert active_decisions(other, [ids["hidden"]]) == {}  # another agency's note
    dismissed = record_decision(view.conn, view.actor, ids["hidden"], "victim", "dismissed",
                                "Lodger known to the housing team")  # fmt: skip
    latest = active_decisions(view, [ids["hidden"]])[(ids["hidden"], "victim")]
    assert latest.id == dismissed and latest.decision == "dismissed"
    withdraw_decision(view.conn, view.actor, dismissed)
    assert active_decisions(view, [ids["hidden"]])[(ids["hidden"], "victim")].id == decided
    assert _operations(case).count("people.withdraw") == 1
    kept = case.conn.execute(sa.select(sa.func.count()).select_from(t.person_assessments))
    assert kept.scalar_one() == 2  # withdrawn, not deleted
    with pytest.raises(ThreadlineError, match="no active decision"):
        withdraw_decision(other.conn, other.actor, decided)


@pytest.mark.parametrize(
    ("side", "decision", "reason", "message"),
    [("witness", "confirmed", "r", "side"), ("victim", "maybe", "r", "decision"),
     ("victim", "confirmed", "  ", "reason")],
)  # fmt: skip
def test_a_decision_must_be_well_formed(
    case: Case, side: str, decision: str, reason: str, message: str
) -> None:
    view = case.view()
    with pytest.raises(ThreadlineError, match=message):
        record_decision(view.conn, view.actor, "someone", side, decision, reason)


def test_the_command_ranks_people_and_records_decisions(case: Case, store_url: str) -> None:
    ids = _house(case)
    case.user("ana", "nhs")
    case.user("vic", "council")
    case.view("nhs")  # every other agency shares with the NHS
    case.commit()

    def run(*args: str) -> Any:
        return runner.invoke(app, ["analyse", "people", *args, "--db", store_url],
                             catch_exceptions=True)  # fmt: skip

    shown = run("--role", "victim", "--unrecognised", "--json", "--user", "ana")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["victims"][0]["entity_id"] == ids["hidden"] and "suspects" not in data
    assert data["victims"][0]["role"] == "potential victim"
    confirm = run("confirm", ids["hidden"], "--role", "victim", "--reason", "Joint visit",
                  "--user", "ana")  # fmt: skip
    assert confirm.exit_code == 0, confirm.output
    table = run("--user", "ana")
    assert "Potential victims" in table.output and "confirmed by ana" in table.output
    assert "consider an NRM referral" in table.output.replace("\n", " ")
    unseen = run("dismiss", ids["hidden"], "--role", "victim", "--reason", "x", "--user", "vic")
    assert unseen.exit_code != 0  # the council sees no record naming him
    assert "people.confirm" in _operations(case) and "analyse.people" in _operations(case)
