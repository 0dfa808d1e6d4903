"""Errors a user can cause print one clear line and exit non-zero, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `threadline` entry point as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from threadline.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


ERRORS = [
    # arguments, words the one-line error must contain
    (["status", "--db", "foo://bar"], "unsupported database 'foo'"),
    (["status", "--db", "not a url"], "not a database URL"),
    (["init", "--db", "sqlite:////no/such/folder/x.db"], "does not exist"),
    (["status", "--db", "sqlite:////tmp/threadline-absent-store.db"], "run `threadline init`"),
    (["status", "--db", "postgresql://nobody@127.0.0.1:1/test"], "cannot use the store"),
    (["generate", "--scenario", "huge", "--out", "/tmp/x"], "huge"),
    (["nosuchverb"], "No such command"),
    (["capture"], "give a report FILE.json, or --interactive"),
    (["capture", "/no/such/report.json"], "No such file or directory"),
]


@pytest.mark.parametrize(("args", "words"), ERRORS)
def test_user_errors_are_one_clear_line(args: list[str], words: str) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert words in result.stderr + result.stdout


def test_an_error_quoting_escapes_and_markup_prints_them_as_text() -> None:
    # A value quoted in an error (here a store path) once drove the terminal, and rich read
    # "[/x]" in it as markup: a MarkupError traceback instead of the error.
    result = run("status", "--db", "sqlite:////no/such/dir-\x1b[2J\x9b31m[/x]/x.db")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert "dir-\\x1b[2J\\x9b31m[/x]" in result.stderr


def test_init_then_status_json(store_url: str, backend: str) -> None:
    env = {**os.environ, "THREADLINE_NEW_PASSWORD": os.environ["THREADLINE_PASSWORD"]}
    if backend == "postgresql":  # a shared store needs its first administrator
        bare = run("init", "--db", store_url, env=env)
        assert bare.returncode == 2 and "init --admin NAME" in bare.stderr
    result = run("init", "--db", store_url, "--admin", "root", env=env)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout and "First administrator 'root'" in result.stdout
    result = run("status", "--db", store_url, "--json", "--user", "root", env=env)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts.pop("scope") == "the whole store (administrator)"
    assert counts["users"] == (2 if backend == "sqlite" else 1) and counts["records"] == 0
    if backend == "sqlite":  # the embedded store's owner administers it: the whole store
        owner = json.loads(run("status", "--db", store_url, "--json", env=env).stdout)
        assert owner.pop("scope") == "the whole store (administrator)"


def test_database_url_from_environment(tmp_path: Path) -> None:

    url = f"sqlite:///{tmp_path / 'env.db'}"
    env = {**os.environ, "THREADLINE_DATABASE_URL": url}
    assert run("init", env=env).returncode == 0
    assert (tmp_path / "env.db").exists()
    assert json.loads(run("status", "--json", env=env).stdout)["records"] == 0


def test_every_verb_has_help() -> None:
    """Every command and every sub-command answers --help (in-process: one interpreter for all
    of them; the entry point itself is exercised by the error tests above)."""
    import typer.core
    import typer.main
    from typer.testing import CliRunner

    from threadline.cli import app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert {"init", "status", "generate", "demo"} <= set(group.commands)
    runner = CliRunner()
    paths = [[name] for name in sorted(group.commands)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, typer.core.TyperGroup):
            paths += [[name, sub] for sub in sorted(command.commands)]
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output, path
