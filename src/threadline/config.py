"""A deployment's configuration: environment variables, over one optional TOML file.

Every setting has an environment variable, ``THREADLINE_<NAME>``. A deployment may also
write its settings in one TOML file: the file named by ``$THREADLINE_CONFIG``, else
``threadline.toml`` in the working folder when there is one. A key in the file names the
same setting as its variable without the prefix, in lower case; a table's name is joined to
its keys with ``_``, so ``[smtp] host = "mail.example"`` and ``smtp_host = "mail.example"``
both set ``THREADLINE_SMTP_HOST``. A variable that is set (and not blank) beats the file.
docs/configuration.md lists every setting.

Who acts (``THREADLINE_USER`` and the passwords) is never read from the file: it belongs to a
person's shell, not to the deployment. Nor is ``THREADLINE_TRACE_HOOKS``, a debugging aid read
while the command line is assembled, before a broken file could be reported.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from threadline.errors import ThreadlineError

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_FILE",
    "ENV_ONLY",
    "SETTINGS",
    "ConfigError",
    "config_file",
    "file_settings",
    "setting",
    "setting_flag",
    "setting_int",
]

CONFIG_ENV = "THREADLINE_CONFIG"
"""Names the configuration file (TOML)."""

DEFAULT_FILE = "threadline.toml"
"""The configuration file read from the working folder when $THREADLINE_CONFIG is not set."""

SETTINGS: dict[str, str] = {
    "THREADLINE_DATABASE_URL": "the store's URL (sqlite:///threadline.db by default)",
    "THREADLINE_DATABASE_POOL_SIZE": "PostgreSQL: connections each process keeps open",
    "THREADLINE_DATABASE_MAX_OVERFLOW": "PostgreSQL: connections opened beyond the pool at peaks",
    "THREADLINE_DATABASE_POOL_TIMEOUT": "PostgreSQL: seconds to wait for a free connection",
    "THREADLINE_DATABASE_POOL_RECYCLE": "PostgreSQL: seconds after which a connection is renewed",
    "THREADLINE_DATABASE_POOL_PRE_PING": "PostgreSQL: test a pooled connection before using it",
    "THREADLINE_SPARK_MASTER": "the Spark master of `--engine spark`, which `threadline doctor` "
    "checks",
    "THREADLINE_SPARK_DRIVER_MEMORY": "the Spark driver's memory for `--engine spark` (4g)",
    "THREADLINE_WORKER": "who runs the server's background jobs: inline or none",
    "THREADLINE_IDLE_MINUTES": "minutes after which an unused browser session signs out",
    "THREADLINE_SECURE_COOKIES": "send the session cookie over HTTPS only",
    "THREADLINE_UPLOADS": "the folder uploaded files are kept in",
    "THREADLINE_UPLOAD_MB": "the largest upload accepted, in megabytes",
    "THREADLINE_AUDIT_ANCHOR": "the file of signed checkpoints of the audit chain",
    "THREADLINE_AUDIT_KEY_FILE": "the key that signs audit checkpoints",
    "THREADLINE_REQUIRE_PURPOSE": "which actions need a stated purpose: none, disclosure, all",
    "THREADLINE_HANDLING_RULES": "the deployment's own handling-condition rules (YAML)",
    "THREADLINE_SMTP_HOST": "the mail server for alerts (mail is off without it)",
    "THREADLINE_SMTP_PORT": "its port",
    "THREADLINE_SMTP_FROM": "the sender of alert mail",
    "THREADLINE_SMTP_STARTTLS": "use STARTTLS",
    "THREADLINE_SMTP_USER": "the mail server's user",
    "THREADLINE_SMTP_PASSWORD": "the mail server's password",
    "THREADLINE_MAIL_DOMAINS": "mail addresses allowed only in these domains",
    "THREADLINE_WORKBENCH_URL": "the workbench's address, for links in mail",
}
"""Every setting a deployment may make, by variable, with what it is for."""

ENV_ONLY: dict[str, str] = {
    CONFIG_ENV: "the configuration file",
    "THREADLINE_USER": "the user the command line acts as",
    "THREADLINE_PASSWORD": "that user's password, for scripts",
    "THREADLINE_NEW_PASSWORD": "a new account's password, for scripts",
    "THREADLINE_CONFIRM_PASSWORD": "the password given again to confirm a disclosure",
    "THREADLINE_TRACE_HOOKS": "log every plugin hook call (a debugging aid)",
}
"""Variables that are never read from the file: which file, who is acting, and tracing."""

_PREFIX = "THREADLINE_"


class ConfigError(ThreadlineError):
    """The configuration file cannot be read, or names a setting that does not exist."""


def config_file() -> Path | None:
    """The configuration file in force: $THREADLINE_CONFIG (which must exist), else
    ``threadline.toml`` in the working folder if there is one, else None."""
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV} names {path}, which is not a file")
        return path
    local = Path(DEFAULT_FILE)
    return local if local.is_file() else None


def file_settings(path: Path) -> dict[str, str]:
    """The settings written in the TOML file at `path`, by variable name, as text."""
    stat = path.stat()
    return dict(_parsed(str(path.resolve()), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _parsed(path: str, _mtime: int, _size: int) -> tuple[tuple[str, str], ...]:
    try:
        with Path(path).open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration file {path}: {exc.strerror}") from None
    return tuple(sorted(_flatten(document, "", path).items()))


def _flatten(table: dict[str, object], prefix: str, path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}".upper().replace("-", "_")
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}_", path))
            continue
        variable = _PREFIX + name
        if variable in ENV_ONLY:
            raise ConfigError(f"{path}: {key!r} ({variable}) is set in the environment only")
        if variable not in SETTINGS:
            raise ConfigError(
                f"{path}: no setting {name.lower()!r} (see docs/configuration.md for the list)"
            )
        out[variable] = _text(value, name, path)
    return out


def _text(value: object, name: str, path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    raise ConfigError(
        f"{path}: {name.lower()} must be text, a number, true/false or a list of text"
    )


def setting(name: str) -> str | None:
    """The value of the setting `name` (its variable's name): the variable when it is set
    and not blank, else the configuration file's value, else None.

    >>> setting("NO_SUCH_SETTING")
    Traceback (most recent call last):
    ...
    KeyError: 'NO_SUCH_SETTING is not a setting: add it to threadline.config.SETTINGS'
    """
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a setting: add it to threadline.config.SETTINGS")
    value = os.environ.get(name, "").strip()
    if value:
        return value
    path = config_file()
    if path is None:
        return None
    return file_settings(path).get(name)


def setting_int(name: str, default: int, *, minimum: int = 0) -> int:
    """An integer setting, or `default` when it is unset; a value that is not a whole number
    of at least `minimum` is refused by name."""
    value = setting(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ConfigError(f"{name}={value!r}: expected a whole number of at least {minimum}")
    return number


_FLAGS = {"1": True, "true": True, "yes": True, "on": True,
          "0": False, "false": False, "no": False, "off": False}  # fmt: skip


def setting_flag(name: str, default: bool) -> bool:
    """An on/off setting, or `default` when it is unset. Anything but true/false, yes/no,
    on/off or 1/0 is refused by name: a mistyped "ture" for secure cookies or STARTTLS must
    not quietly turn them off."""
    value = setting(name)
    if value is None:
        return default
    if value.strip().lower() not in _FLAGS:
        raise ConfigError(f"{name}={value!r}: expected true or false")
    return _FLAGS[value.strip().lower()]
