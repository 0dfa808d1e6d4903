"""`threadline doctor`: is this deployment ready, and if not, what to do."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from threadline.cli.options import DbOption, JsonOption, UserOption, print_json
from threadline.doctor import SPARK_ENV, run_checks

__all__ = ["doctor"]

_MARK = {"ok": "[green]ok  [/]", "fail": "[bold red]FAIL[/]", "skip": "[dim]skip[/]"}


def doctor(
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help=f"Check this Spark master (default: ${SPARK_ENV}, else none).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the deployment: the configuration, the database, its schema, the audit chain and
    Spark (when configured). Each check says ok or FAIL and what to do; exit 1 on a failure."""
    checks = list(run_checks(db, user, spark_master))
    healthy = all(check.status != "fail" for check in checks)
    if as_json:
        print_json({"ok": healthy, "checks": [asdict(check) for check in checks]})
    else:
        console = Console(highlight=False, soft_wrap=True)
        for check in checks:
            console.print(f"{_MARK[check.status]} {check.name:<13} {escape(check.detail)}")
            if check.action:
                console.print(f"{'':18}-> {escape(check.action)}")
        console.print("All checks passed." if healthy else "Some checks FAILED: see above.")
    if not healthy:
        raise typer.Exit(1)
