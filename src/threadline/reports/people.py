"""Potential victims and suspects in a profile: how many, of which exploitation, who, when.

Counted from the reader's graph (only what they may see): a person is a potential victim when
any record names them as a victim or potential victim, and a suspect when any names them as a
suspect (a person may be both: victim-offender overlap is common in criminal exploitation).
The exploitation types of a person are those the NRM-style records naming them give
(domain-standards.md §2.4: a victim often has several, so the types do not add up to the
people). A child is a person under 18 at the date of the first record naming them as a victim
(NRM consent rule, domain-standards.md §2.2); without a date of birth or a report date, the
age is not known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import igraph as ig

from threadline.graph.profiles import VICTIM_ROLES
from threadline.graph.vocabulary import ENTITY, RecordInfo
from threadline.model.roles import ExploitationType, Role
from threadline.values import get_type

__all__ = ["AGES", "People", "count_people", "exploitation_label"]

AGES = ("adult", "child", "age not known")
NOT_RECORDED = "not recorded"


def exploitation_label(kind: str) -> str:
    """An exploitation type in words.

    >>> exploitation_label("domestic_servitude"), exploitation_label("not recorded")
    ('domestic servitude', 'not recorded')
    """
    return kind.replace("_", " ")


@dataclass(frozen=True, slots=True)
class People:
    """The people of a profile, counted."""

    victims: int
    suspects: int
    by_type: tuple[tuple[str, dict[str, int]], ...]
    """Exploitation type -> {adult, child, age not known} -> potential victims."""
    by_age: tuple[tuple[str, int], ...]
    by_sex: tuple[tuple[str, int], ...]
    by_nationality: tuple[tuple[str, int], ...]
    by_month: tuple[tuple[date, int], ...]
    """Potential victims by the month of the first record naming them as such."""
    suspects_by_type: tuple[tuple[str, int], ...]
    victim_nodes: tuple[int, ...]
    suspect_nodes: tuple[int, ...]


def _age(facts: Mapping[str, tuple[tuple[str, int], ...]], on: date | None) -> str:
    """adult, child or age not known, at `on`.

    >>> _age({"birthDate": (("2010-05-01", 1),)}, date(2025, 1, 1))
    'child'
    >>> _age({"birthDate": (("1990",), )}, date(2025, 1, 1)), _age({}, date(2025, 1, 1))
    ('age not known', 'age not known')
    """
    if on is None:
        return AGES[2]
    births = []
    for item in facts.get("birthDate", ()):
        try:
            births.append(date.fromisoformat(str(item[0])[:10]))
        except ValueError:
            continue
    if not births:
        return AGES[2]
    born = min(births)
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return AGES[1] if years < 18 else AGES[0]


def _commonest(facts: Mapping[str, tuple[tuple[str, int], ...]], prop: str) -> str | None:
    values = Counter(str(v[0]).strip() for v in facts.get(prop, ()) if str(v[0]).strip())
    return min(values.items(), key=lambda kv: (-kv[1], kv[0]))[0] if values else None


def _sex(facts: Mapping[str, tuple[tuple[str, int], ...]]) -> str:
    """female, male, another stated or not stated.

    >>> _sex({"gender": (("F", 1),)}), _sex({}), _sex({"gender": (("x", 1),)})
    ('female', 'not stated', 'another stated')
    """
    value = (_commonest(facts, "gender") or "").lower()
    if not value:
        return "not stated"
    if value in {"f", "female", "woman", "girl"}:
        return "female"
    if value in {"m", "male", "man", "boy"}:
        return "male"
    return "another stated"


def _nationality(facts: Mapping[str, tuple[tuple[str, int], ...]]) -> str:
    value = _commonest(facts, "nationality")
    return get_type("country").caption(value) if value else "not stated"


def _types(records: Iterable[int], exploitation: Mapping[int, tuple[str, ...]]) -> set[str]:
    found = {k for r in records for k in exploitation.get(r, ())}
    return found or {NOT_RECORDED}


def _ordered(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def count_people(g: ig.Graph, nodes: Iterable[int]) -> People:
    """The potential victims and suspects among `nodes` of `g`, counted (module docstring)."""
    records: Mapping[int, RecordInfo] = g["records"]
    exploitation: Mapping[int, tuple[str, ...]] = (
        g["exploitation"] if "exploitation" in g.attributes() else {}
    )
    by_type: dict[str, Counter[str]] = {}
    ages: Counter[str] = Counter()
    sexes: Counter[str] = Counter()
    nations: Counter[str] = Counter()
    months: Counter[date] = Counter()
    suspect_types: Counter[str] = Counter()
    victims: list[int] = []
    suspects: list[int] = []
    for index in nodes:
        v = g.vs[index]
        if v["kind"] != ENTITY or v["schema"] != "Person":
            continue
        roles = set(v["roles"])
        role_records: Mapping[str, Iterable[int]] = v["role_records"] or {}
        if roles & VICTIM_ROLES:
            victims.append(index)
            named = {r for role in VICTIM_ROLES for r in role_records.get(role, ())}
            days = [d for r in named if r in records and (d := records[r].reported_on)]
            first = min(days) if days else None
            age = _age(v["facts"], first)
            ages[age] += 1
            sexes[_sex(v["facts"])] += 1
            nations[_nationality(v["facts"])] += 1
            if first is not None:
                months[first.replace(day=1)] += 1
            for kind in _types(v["records"], exploitation):
                by_type.setdefault(kind, Counter())[age] += 1
        if Role.SUSPECT.value in roles:
            suspects.append(index)
            for kind in _types(v["records"], exploitation):
                suspect_types[kind] += 1
    order = [k.value for k in ExploitationType if k is not ExploitationType.UNKNOWN]
    kinds = sorted(by_type, key=lambda k: (k not in order, order.index(k) if k in order else 0, k))
    return People(
        victims=len(victims),
        suspects=len(suspects),
        by_type=tuple((k, {a: by_type[k][a] for a in AGES}) for k in kinds),
        by_age=tuple((a, ages[a]) for a in AGES),
        by_sex=_ordered(sexes),
        by_nationality=_ordered(nations),
        by_month=tuple(sorted(months.items())),
        suspects_by_type=_ordered(suspect_types),
        victim_nodes=tuple(victims),
        suspect_nodes=tuple(suspects),
    )
