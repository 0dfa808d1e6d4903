"""The demo runs the stages through the command line and stops at the first that fails."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from rich.console import Console

from threadline.cli.demo import run_demo


def test_the_demo_stops_at_a_step_that_fails(tmp_path: Path) -> None:
    ran: list[str] = []
    app = typer.Typer()

    @app.command()
    def init(os_cleared: bool = typer.Option(False, "--os-cleared")) -> None:
        ran.append("init")
        raise typer.Exit(3)

    @app.command()
    def generate() -> None:
        ran.append("generate")

    with pytest.raises(typer.Exit) as stopped:
        run_demo(app, Console(quiet=True), tmp_path, None, 1)
    assert stopped.value.exit_code == 3
    assert ran == ["init"]
