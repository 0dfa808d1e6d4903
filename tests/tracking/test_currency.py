"""Every product says how current it is (`threadline.read.currency`), on both databases: when
material was last loaded, when resolution and the user's analysis ran, and what is behind,
counting only loads the user may know of."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from threadline.cli import app
from threadline.jobs.update import bring_up_to_date
from threadline.read import View
from threadline.read.currency import Currency, currency
from threadline.security import Actor
from threadline.store import Store

from .conftest import PASSWORD, later, load, user

runner = CliRunner()


def now(store: Store, actor: Actor) -> Currency:
    with store.connect() as conn:
        return currency(View(conn, actor))


def cli(store_url: str, *args: str, as_user: str | None = None) -> str:
    who = ["--user", as_user] if as_user else []
    result = runner.invoke(app, [*args, "--db", store_url, *who],
                           env={"COLUMNS": "200", "THREADLINE_PASSWORD": PASSWORD,
                                "THREADLINE_CONFIRM_PASSWORD": PASSWORD})  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_currency_follows_loads_resolution_and_analysis(
    store: Store, store_url: str, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    empty = now(store, local)
    assert empty.words() == (
        "nothing loaded; not resolved; no analysis of yours (run `threadline update`)"
    )
    load(store, intel)
    loaded = now(store, local)
    assert loaded.loaded_at is not None and loaded.resolution_behind == 1
    assert loaded.words().startswith("loaded ") and "never resolved" in loaded.words()
    bring_up_to_date(store, local)
    current = now(store, local)
    assert current.current and current.words().endswith("(current)")
    assert "resolved " in current.words() and "analysed " in current.words()
    load(store, later(tmp_path))  # a partner's next export, not yet taken in
    behind = now(store, local)
    assert (behind.resolution_behind, behind.analysis_behind) == (1, 1)
    assert "analysis behind: 1 batch loaded since" in behind.words()
    assert "resolved" in behind.words() and "behind: 1 batch loaded since" in behind.words()
    # Another agency's analyst is not told that the local agency loaded anything.
    other = user(store, admin, "bea", "b")
    assert now(store, other).loaded_at is None
    assert now(store, other).words().startswith("nothing loaded")

    # The products say the same.
    said = behind.words()
    ranked: dict[str, Any] = json.loads(cli(store_url, "analyse", "premises", "--json"))
    assert ranked["currency"]["words"] == said
    assert f"Currency: {said}" in " ".join(cli(store_url, "analyse", "premises").split())
    alerts: dict[str, Any] = json.loads(cli(store_url, "alerts", "--json"))
    assert alerts["currency"]["analysis_behind"] == 1
    profile = tmp_path / "profile.html"
    cli(store_url, "report", "--all", "--format", "html", "--out", str(profile),
        "--recipient", "test", "--purpose", "test")  # fmt: skip
    [written] = tmp_path.glob("*profile*.html")
    assert f'<td class="currency">{said}</td>' in written.read_text(encoding="utf-8")
    cli(store_url, "export", "--format", "graphml", "--out", str(tmp_path / "chart.graphml"),
        "--recipient", "test", "--purpose", "test")  # fmt: skip
    [chart] = tmp_path.glob("*chart*.graphml")
    assert f">{said}</data>" in chart.read_text(encoding="utf-8")
    bring_up_to_date(store, local)
    assert now(store, local).current
