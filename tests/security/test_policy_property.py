"""Property: whatever the world, a record the rules deny never shows through any View output,
and a user with the same sight (`threadline.security.policy.sight`) sees the same records.

Worlds are drawn at random (records of three agencies under every handling code and marking,
sharing agreements past, present and future, open and closed cases) and checked against an
oracle that states the access rules in plain Python, independently of the SQL.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from threadline.read import View
from threadline.security.policy import sight
from threadline.store import Store

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


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=records_st, agreements=agreements_st, cases=cases_st, actor=actor_st)
def test_denied_values_never_appear(
    store: Store,
    make_world: Any,
    records: list[Rec],
    agreements: list[Agreement],
    cases: list[Case],
    actor: tuple[str, frozenset[str], bool],
) -> None:
    conn = store.engine.connect()
    conn.begin()
    try:
        w = make_world(conn)
        for code in AGENCIES:
            w.agency(code)
        me = w.user("me", actor[0], *sorted(actor[1]), os=actor[2])
        twin = w.user("twin", actor[0], *sorted(actor[1]), os=actor[2])  # the same sight
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
            members = ["me", "twin"] if case.member else ["other"]
            keys = [f"r{i}" for i in sorted(case.records) if i < len(records)]
            w.case(f"case{n}", "a", members, keys, closed=case.closed)
        for i in range(len(records)):
            w.link(f"l{i}", f"e-r{i}", "e-hub", [f"r{i}"])
            w.indicator(f"e-r{i}", [f"r{i}"])

        expected = {
            w.records[f"r{i}"] for i, rec in enumerate(records)
            if may_see(rec, i, actor, agreements, cases)
        }  # fmt: skip
        view = View(conn, me)
        outputs: list[Any] = [view.records(), view.count_records()]
        outputs += [view.values("e-hub"), view.mentions("e-hub"), view.entity("e-hub")]
        outputs += [view.links("e-hub"), view.indicators("e-hub")]
        for i in range(len(records)):
            key = f"r{i}"
            outputs += [view.record(w.records[key]), view.statements(f"m-{key}")]
            outputs += [view.values(f"e-{key}"), view.mentions(f"e-{key}")]
            outputs += [view.entity(f"e-{key}"), view.links(f"e-{key}")]
            outputs += [view.indicators(f"e-{key}")]

        assert {r.id for r in outputs[0]} == expected
        assert outputs[1] == len(expected)
        # what one sees, one with the same sight sees (network watches share their graph)
        assert sight(conn, twin) == sight(conn, me)
        assert {r.id for r in View(conn, twin).records()} == expected
        text = repr(outputs)
        for i in range(len(records)):
            key = f"r{i}"
            shown = w.token(key) in text or w.token(key, "phone") in text
            assert shown is (w.records[key] in expected), key
    finally:
        conn.rollback()
        conn.close()
