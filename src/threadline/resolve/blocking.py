"""Blocking: which pairs of records are worth scoring at all.

Every rule is one key column (``bk_<name>``): two records are a candidate pair when they share
the key. Rules run from tight (same passport, same name and date of birth) to loose (same
surname sound). A run takes rules in that order while the estimated number of pairs stays
within its budget, so a small file is blocked loosely (nothing missed) and a million records
keep to the tight rules. Keys shared by more than ``max_block_size`` records are dropped from
their rule: "Nguyen born 1990" would be a block of thousands, and those records are still
paired by the tighter rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = ["BLOCKING_RULES", "BlockingPlan", "BlockingRule", "plan_blocking"]


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """A key that makes candidate pairs."""

    name: str
    """Suffix of the key column, ``bk_<name>``."""

    parts: tuple[str, ...]
    """Prepared columns (or SQL expressions over them) that make the key; all must be set."""

    description: str
    """What the rule pairs, for documentation and run reports."""

    @property
    def column(self) -> str:
        """The key column's name."""
        return f"bk_{self.name}"

    def key_sql(self) -> str:
        """SQL for the key: the parts joined with ``|``, NULL when any part is missing."""
        return "(" + " || '|' || ".join(f"CAST({p} AS VARCHAR)" for p in self.parts) + ")"


_INITIAL = "left(given, 1)"
_SURNAME_INITIAL = "left(surname, 1)"

BLOCKING_RULES = (
    BlockingRule("national_id", ("national_id",), "same national ID number"),
    BlockingRule("document", ("document_number",), "same passport or document number"),
    BlockingRule("email", ("email_mailbox",), "same mailbox"),
    BlockingRule("dob_surname", ("dob", "surname_sx"), "same date of birth, similar surname"),
    BlockingRule("dob_given", ("dob", "given_sx"), "same date of birth, similar given name"),
    BlockingRule(
        "names_year", ("given_sx", "surname_sx", "dob_y"), "similar names, same birth year"
    ),
    BlockingRule("names", ("given_sx", "surname_sx"), "similar given name and surname"),
    BlockingRule("phone", ("phone",), "same phone number"),
    BlockingRule("bank_account", ("bank_account",), "same bank account held"),
    BlockingRule("photo", ("photo",), "same photo"),
    BlockingRule(
        "known_as",
        ("known_as",),
        "same name known by: an alias one record gives, or the one name of a record without a "
        "surname (a working name)",
    ),
    BlockingRule("postcode_surname", ("postcode", "surname_sx"), "same postcode, similar surname"),
    BlockingRule("postcode_given", ("postcode", "given_sx"), "same postcode, similar given name"),
    BlockingRule(
        "dob_district", ("dob", "pc_district"), "same date of birth and postcode district"
    ),
    BlockingRule(
        "house_surname", ("house_number", "surname_sx"), "same house number, similar surname"
    ),
    BlockingRule(
        "year_surname_initial",
        ("dob_y", "surname_sx", _INITIAL),
        "same birth year, similar surname, same initial",
    ),
    BlockingRule(
        "year_given_initial",
        ("dob_y", "given_sx", _SURNAME_INITIAL),
        "same birth year, similar given name, same surname initial",
    ),
    BlockingRule("house_postcode", ("house_number", "postcode"), "same house number and postcode"),
    BlockingRule(
        "house_street", ("house_number", "street"), "same house number, same first street word"
    ),
    BlockingRule("street_surname", ("street", "surname_sx"), "same street word, similar surname"),
    BlockingRule("street_given", ("street", "given_sx"), "same street word, similar given name"),
    BlockingRule("dob_initial", ("dob", _INITIAL), "same date of birth and initial"),
    # Its blocks are mostly the "names" rule's again (only the swapped pairs are new), so it
    # comes late, where it takes only what budget is left.
    BlockingRule(
        "names_any_order",
        ("least(given_sx, surname_sx)", "greatest(given_sx, surname_sx)"),
        "similar names, in either order (SMITH John / John Smith in the wrong fields)",
    ),
    BlockingRule("address", ("address",), "same address"),
    BlockingRule("dob", ("dob",), "same date of birth"),
    BlockingRule("surname_initial", ("surname_sx", _INITIAL), "similar surname, same initial"),
    BlockingRule(
        "given_surname_initial", ("given_sx", _SURNAME_INITIAL), "similar given name, same initial"
    ),
    BlockingRule("postcode", ("postcode",), "same postcode"),
    BlockingRule("surname", ("surname_sx",), "similar surname"),
    BlockingRule("given", ("given_sx",), "similar given name"),
)
"""Candidate rules, tightest first."""


@dataclass(frozen=True, slots=True)
class BlockingPlan:
    """The rules a run uses and what they were estimated to cost."""

    rules: tuple[BlockingRule, ...]
    estimated_pairs: int
    budget: int
    caps: tuple[tuple[str, int], ...] = ()
    """(rule name, largest block kept) for rules whose biggest blocks are left out."""

    def splink_rules(self) -> list[str]:
        """The rules as Splink blocking-rule SQL."""
        return [f"l.{rule.column} = r.{rule.column}" for rule in self.rules]

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-able data (rules by name)."""
        return {
            "rules": [rule.name for rule in self.rules],
            "estimated_pairs": self.estimated_pairs,
            "budget": self.budget,
            "caps": [[name, cap] for name, cap in self.caps],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BlockingPlan:
        """The plan :meth:`to_dict` wrote."""
        by_name = {rule.name: rule for rule in BLOCKING_RULES}
        unknown = [name for name in data["rules"] if name not in by_name]
        if unknown:
            raise ValueError(f"unknown blocking rules: {', '.join(unknown)}")
        return cls(
            tuple(by_name[name] for name in data["rules"]),
            int(data["estimated_pairs"]),
            int(data["budget"]),
            tuple((str(name), int(cap)) for name, cap in data["caps"]),
        )


def _block_sizes(con: Any, table: str, rule: BlockingRule) -> list[tuple[int, int]]:
    """(block size, number of keys with that size) for a rule, smallest blocks first."""
    key = rule.key_sql()
    return [
        (int(n), int(k))
        for n, k in con.sql(
            f"SELECT n, count(*) FROM (SELECT count(*) AS n FROM {table} "  # noqa: S608 - our SQL
            f"WHERE {key} IS NOT NULL GROUP BY {key}) WHERE n > 1 GROUP BY n ORDER BY n"
        ).fetchall()
    ]


def plan_blocking(
    con: Any, table: str, budget: int, max_block_size: int, rule_share: float = 0.35
) -> BlockingPlan:
    """Choose rules, tightest first, and a block-size cap for each, within ``budget`` pairs.

    A rule takes its blocks from the smallest up while its pairs fit in what is left of the
    budget and in ``rule_share`` of it: the biggest blocks (the commonest names, dates or
    postcodes) are the least telling, and their records are still paired by tighter rules.
    Pairs already found by an earlier rule are counted again, so the estimate errs on the
    safe side.
    """
    chosen: list[BlockingRule] = []
    caps: dict[str, int] = {}
    total = 0
    for rule in BLOCKING_RULES:
        allowed = min(budget - total, int(budget * rule_share))
        pairs = 0
        cap = 0
        sizes = _block_sizes(con, table, rule)
        for size, keys in sizes:
            cost = keys * size * (size - 1) // 2
            if size > max_block_size or pairs + cost > allowed:
                break
            pairs += cost
            cap = size
        if cap < 2:
            continue
        chosen.append(rule)
        if sizes and cap < sizes[-1][0]:
            caps[rule.name] = cap
        total += pairs
    return BlockingPlan(tuple(chosen), total, budget, tuple(sorted(caps.items())))


def add_keys(
    con: Any,
    source: str,
    target: str,
    plan: BlockingPlan,
    excluded: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[str]]:
    """Create ``target`` as ``source`` plus the key column of each rule in ``plan``, with the
    keys of blocks above the rule's cap set to NULL, and those of ``excluded`` (rule name ->
    keys an earlier run left out: a block once too big stays out, so that a later batch
    never brings back pairs nobody scored). Returns the keys left out, by rule."""
    caps = dict(plan.caps)
    earlier = {name: list(keys) for name, keys in (excluded or {}).items() if keys}
    keys = []
    big_tables = []
    for rule in plan.rules:
        key = rule.key_sql()
        if rule.name not in caps and rule.name not in earlier:
            keys.append(f"{key} AS {rule.column}")
            continue
        big = f"_tl_big_{rule.name}"
        big_tables.append(big)
        parts = []
        if rule.name in caps:
            parts.append(
                f"SELECT {key} AS k FROM {source} WHERE {key} IS NOT NULL "  # noqa: S608 - our SQL
                f"GROUP BY 1 HAVING count(*) > {int(caps[rule.name])}"
            )
        if rule.name in earlier:
            con.register(f"{big}_v", pa.table({"k": pa.array(earlier[rule.name], pa.string())}))
            parts.append(f"SELECT k FROM {big}_v")  # noqa: S608 - our SQL
        con.execute(f"CREATE OR REPLACE TEMP TABLE {big} AS {' UNION '.join(parts)}")
        if rule.name in earlier:
            con.unregister(f"{big}_v")
        keys.append(
            f"CASE WHEN {key} IN (SELECT k FROM {big}) THEN NULL ELSE {key} END "  # noqa: S608 - SQL of our own constants; values are bound
            f"AS {rule.column}"
        )
    columns = "".join(f", {k}" for k in keys)
    con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT *{columns} FROM {source}")  # noqa: S608 - our SQL
    out: dict[str, list[str]] = {}
    for big in big_tables:
        found = sorted(str(k) for (k,) in con.sql(f"SELECT k FROM {big}").fetchall())  # noqa: S608 - our SQL
        if found:
            out[big.removeprefix("_tl_big_")] = found
        con.execute(f"DROP TABLE IF EXISTS {big}")
    return out


def blocked_pairs(con: Any, table: str, plan: BlockingPlan, target: str) -> int:
    """Write the candidate pairs of ``plan`` to ``target`` in the shape Splink scores
    (``match_key``: index of the first rule that found the pair, ``join_key_l`` <
    ``join_key_r``: uids) and return how many there are.

    One narrow equi-join per rule and a single de-duplication is much cheaper than chaining
    "and not found by an earlier rule" conditions through every join.
    """
    if not plan.rules:  # nothing shares a key: no candidate pairs
        con.execute(
            f"CREATE OR REPLACE TABLE {target} (match_key VARCHAR, join_key_l BIGINT, "
            "join_key_r BIGINT)"
        )
        return 0
    keys = ", ".join(rule.column for rule in plan.rules)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _tl_keys AS SELECT uid, {keys} FROM {table}")  # noqa: S608 - our SQL
    joins = " UNION ALL ".join(
        f"SELECT {i} AS m, l.uid AS a, r.uid AS b FROM _tl_keys l JOIN _tl_keys r "  # noqa: S608 - our SQL
        f"ON l.{rule.column} = r.{rule.column} AND l.uid < r.uid"
        for i, rule in enumerate(plan.rules)
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {target} AS SELECT CAST(min(m) AS VARCHAR) AS match_key, "  # noqa: S608 - our SQL
        f"a AS join_key_l, b AS join_key_r FROM ({joins}) GROUP BY a, b"
    )
    con.execute("DROP TABLE _tl_keys")
    return int(con.sql(f"SELECT count(*) FROM {target}").fetchall()[0][0])  # noqa: S608 - our SQL
