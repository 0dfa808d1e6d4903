"""Property: whatever the world, a record the rules deny never shows through any View output.

Worlds are drawn at random (records of three agencies under every handling code and marking,
sharing agreements past, present and future, open and closed cases) and checked against an
oracle that states the access rules in plain Python, independently of the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.security import View
from threadline.store import Store

AGENCIES = ("a", "b", "c")
HANDLINGS = ("P", "C", "C-local", "L1", "L2", "L3", "L4", "L5")
ROLES = ("viewer", "analyst", "supervisor", "administrator")


@dataclass(frozen=True)
class Rec:
    agency: str
    handling: str
    sensitive: bool
    source: str


@dataclass(frozen=True)
class Agreement:
    giver: str
    taker: str
    scope: str
    conditioned: bool
    when: str  # past, current, future


@dataclass(frozen=True)
class Case:
    closed: bool
    member: bool
    records: frozenset[int]


records_st = st.lists(
    st.builds(
        Rec,
        st.sampled_from(AGENCIES),
        st.sampled_from(HANDLINGS),
        st.booleans(),
        st.sampled_from(("s1", "s2")),
    ),
    min_size=1,
    max_size=7,
)
agreements_st = st.lists(
    st.builds(
        Agreement,
        st.sampled_from(AGENCIES),
        st.sampled_from(AGENCIES),
        st.sampled_from(("all", "s1", "s2")),
        st.booleans(),
        st.sampled_from(("past", "current", "future")),
    ).filter(lambda a: a.giver != a.taker),
    max_size=4,
)
cases_st = st.lists(
    st.builds(Case, st.booleans(), st.booleans(), st.frozensets(st.integers(0, 6))), max_size=2
)
actor_st = st.tuples(
    st.sampled_from(AGENCIES), st.frozensets(st.sampled_from(ROLES)), st.booleans()
)


def may_see(
    rec: Rec,
    index: int,
    actor: tuple[str, frozenset[str], bool],
    agreements: list[Agreement],
    cases: list[Case],
) -> bool:
    """The access rules of docs/security.md, written out plainly."""
    agency, roles, cleared = actor
    if rec.sensitive and not cleared:
        return False
    reads = bool(roles & {"viewer", "analyst", "supervisor"})
    stays = rec.handling in {"L4", "L5", "C-local"}
    unconditioned = rec.handling in {"P", "L1"}
    if reads and rec.agency == agency:
        return True
    if reads and not stays:
        for a in agreements:
            if (
                a.giver == rec.agency
                and a.taker == agency
                and a.when == "current"
                and a.scope in ("all", rec.source)
                and (unconditioned or a.conditioned)
            ):
                return True
    if roles and (rec.agency == agency or not stays):
        return any(c.member and not c.closed and index in c.records for c in cases)
    return False


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
        text = repr(outputs)
        for i in range(len(records)):
            key = f"r{i}"
            shown = w.token(key) in text or w.token(key, "phone") in text
            assert shown is (w.records[key] in expected), key
    finally:
        conn.rollback()
        conn.close()
