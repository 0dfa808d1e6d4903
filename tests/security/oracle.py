"""Random worlds and the access rules written out plainly, independently of the SQL.

Shared by the property tests of the View (`test_policy_property.py`) and of every command and
public function (`test_access_matrix.py`): worlds of records of three agencies under every
handling code and marking, sharing agreements past, present and future, open and closed
cases, and an acting user of any agency, roles and clearance.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

AGENCIES = ("a", "b", "c")
HANDLINGS = ("P", "C", "C-local", "C-named", "C-unmapped", "L1", "L2", "L3", "L4", "L5")
NAMED = {"C-named": frozenset({"b"})}
"""Handling read by a rule its mapping names: the agencies it may reach (tests/security/
conftest.py, `NAMED_RULES`)."""
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
    stays = rec.handling in {"L4", "L5", "C-local", "C-unmapped"} or (
        rec.handling in NAMED and agency not in NAMED[rec.handling]
    )
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
