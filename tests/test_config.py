"""The configuration: variables over one TOML file, and every setting documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from threadline.config import (
    ENV_ONLY,
    SETTINGS,
    ConfigError,
    setting,
    setting_flag,
    setting_int,
)
from threadline.store.database import resolve_url

ROOT = Path(__file__).parent.parent


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "deployment.toml"
    monkeypatch.setenv("THREADLINE_CONFIG", str(path))
    return path


def test_the_file_sets_what_the_environment_does_not(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(
        'database_url = "postgresql://tl@db/threadline"\n'
        "[smtp]\nhost = 'mail.example'\nport = 2525\nstarttls = true\n"
        "[mail]\ndomains = ['police.example', 'council.example']\n",
        encoding="utf-8",
    )
    assert resolve_url() == "postgresql+psycopg://tl@db/threadline"
    assert setting("THREADLINE_SMTP_HOST") == "mail.example"
    assert setting_int("THREADLINE_SMTP_PORT", 25) == 2525
    assert setting("THREADLINE_SMTP_STARTTLS") == "true"
    assert setting_flag("THREADLINE_SMTP_STARTTLS", False) is True
    assert setting("THREADLINE_MAIL_DOMAINS") == "police.example,council.example"
    assert setting("THREADLINE_WORKER") is None
    monkeypatch.setenv("THREADLINE_SMTP_HOST", "relay.example")
    assert setting("THREADLINE_SMTP_HOST") == "relay.example"
    monkeypatch.setenv("THREADLINE_SMTP_HOST", "  ")  # blank: as if unset
    assert setting("THREADLINE_SMTP_HOST") == "mail.example"


def test_a_changed_file_is_read_again(config: Path) -> None:
    config.write_text("worker = 'inline'\n", encoding="utf-8")
    assert setting("THREADLINE_WORKER") == "inline"
    config.write_text("worker = 'none'  # run `threadline worker` instead\n", encoding="utf-8")
    assert setting("THREADLINE_WORKER") == "none"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("databse_url = 'x'\n", "no setting 'databse_url'"),
        ("user = 'root'\n", "environment only"),
        ("[smtp]\nport = 1.5\n", "must be text, a number"),
        ("worker = \n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_by_name(config: Path, text: str, words: str) -> None:
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(words)):
        setting("THREADLINE_WORKER")


def test_a_named_file_must_exist(config: Path) -> None:
    with pytest.raises(ConfigError, match="not a file"):
        setting("THREADLINE_WORKER")


def test_a_number_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert setting_int("THREADLINE_DATABASE_POOL_SIZE", 5) == 5
    monkeypatch.setenv("THREADLINE_DATABASE_POOL_SIZE", "many")
    with pytest.raises(ConfigError, match="THREADLINE_DATABASE_POOL_SIZE='many'"):
        setting_int("THREADLINE_DATABASE_POOL_SIZE", 5)


def test_every_variable_the_code_reads_is_a_documented_setting() -> None:
    used = set()
    for path in (ROOT / "src" / "threadline").rglob("*.py"):
        used |= set(re.findall(r"THREADLINE_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    assert used - SETTINGS.keys() - ENV_ONLY.keys() == set()
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    undocumented = {
        name for name in SETTINGS.keys() | ENV_ONLY.keys() if f"`{name}`" not in documented
    }
    assert undocumented == set()


@pytest.mark.parametrize(("value", "expected"), [("Yes", True), ("off", False), ("0", False)])
def test_an_on_off_setting_reads_the_usual_words(
    config: Path, monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("THREADLINE_SECURE_COOKIES", value)
    assert setting_flag("THREADLINE_SECURE_COOKIES", not expected) is expected


def test_a_mistyped_on_off_setting_is_refused_not_read_as_off(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("THREADLINE_SECURE_COOKIES", "ture")
    with pytest.raises(ConfigError, match="THREADLINE_SECURE_COOKIES='ture'"):
        setting_flag("THREADLINE_SECURE_COOKIES", False)
    assert setting_flag("THREADLINE_SMTP_STARTTLS", False) is False  # unset: the default
