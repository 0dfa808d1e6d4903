"""One bank account receiving many people's wages.

Rule: for each bank account, count the people whose pay goes into it (``paid_into``). If
at least `threshold` (weighted by the grade of the evidence), flag the account, whoever
holds it (``holds_account`` or ``owns``) and every employer whose payroll pays into it (the
employer, ``works_for``, named in a record that says where the pay goes; a farm a supplied
worker is found at is not their payer): a controller collecting several workers' wages is
one of the strongest labour exploitation indicators. HMRC payroll data says only where pay
goes; an account *paying* many people is flagged the same way when a source records
``paid_into`` from the payer.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadline.risk.hookspecs import hookimpl
from threadline.risk.indicators._common import (
    finding,
    is_business,
    names,
    ramp,
    shared_accounts,
    tally,
)
from threadline.risk.types import Context, Finding, Indicator

NAME = "wage_account"
DEFAULTS = {"weight": 1.0, "threshold": 3, "full": 8}


def evaluate(ctx: Context) -> Iterator[Finding]:
    """Findings on the account, its holders and the employers of those paid into it."""
    p = ctx.params(NAME)
    for index, paid in shared_accounts(ctx, p["threshold"]):
        count = tally(ctx, paid)
        score = ramp(count.weighted, p["threshold"], p["full"])
        if not score:
            continue
        caption = ctx.graph.vs[index]["caption"]
        values = [("account", caption)]
        wages = f"the wages of {count.phrase('people')} ({names(ctx, paid)})"
        if ctx.entities(index):
            yield finding(ctx, NAME, index, score, f"receives {wages}", count.evidence, values)
        for holder, edge in ctx.neighbours(index, ("holds_account", "owns")):
            if holder in paid:
                continue
            reason = f"holds the account {caption}, which receives {wages}"
            evidence = count.evidence | set(ctx.edge_records[edge])
            yield finding(ctx, NAME, holder, score, reason, evidence, values)
        employers: dict[int, set[int]] = {}
        for person, pay in paid.items():
            for employer, edge in ctx.neighbours(person, ("works_for",)):
                if is_business(ctx, employer) and pay & set(ctx.edge_records[edge]):
                    employers.setdefault(employer, set()).add(person)
        for employer, workers in sorted(employers.items()):
            reason = (
                f"{len(workers)} of its workers {'is' if len(workers) == 1 else 'are'} paid "
                f"into the account {caption}, "
                f"which receives {wages}"
            )
            yield finding(ctx, NAME, employer, score, reason, count.evidence, values)


INDICATOR = Indicator(
    name=NAME,
    title="One account receiving many people's wages",
    rule=(
        "At least `threshold` people (weighted by evidence grade) are paid into one bank "
        "account; the account, its holders and the employers paying into it (named in the same "
        "payroll records) are flagged."
    ),
    subjects=("accounts", "people", "businesses"),
    evaluate=evaluate,
    defaults=DEFAULTS,
    typology="labour",
)


@hookimpl
def register_indicators() -> list[Indicator]:
    """This module's indicator."""
    return [INDICATOR]
