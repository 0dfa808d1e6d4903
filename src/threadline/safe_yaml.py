"""YAML written by users (mappings, sources.yaml, weights files), read with bounds.

Every YAML file a user gives Threadline is read by :class:`SafeLoader`: PyYAML's safe loader
(plain data, never Python objects) with three limits, each checked before anything is built.

- **Aliases are refused.** An alias (``*name``) repeats an anchored node (``&name``); a few
  nested ones make a file of a few hundred bytes stand for billions of values (the "billion
  laughs"), which whatever walks the result then expands until memory runs out. A cap on
  aliases would still let a small number of them multiply, and no mapping or sources.yaml
  needs one: a repeated block is written out. Refusing them outright is the simple rule that
  cannot be got round, and the error names the line of the alias.
- **Nesting is capped** at :data:`MAX_DEPTH`: PyYAML composes nodes recursively, so a file
  nested thousands deep would end in a RecursionError.
- **Size is capped** at :data:`MAX_BYTES`, checked on the file before it is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import Node

__all__ = ["MAX_BYTES", "MAX_DEPTH", "SafeLoader", "YamlTooLarge", "load", "problem", "read"]

MAX_BYTES = 1_000_000
"""Largest YAML file read (bytes): a mapping or sources.yaml is a few kilobytes."""

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists; a mapping uses five or six levels."""


class YamlTooLarge(yaml.YAMLError):
    """The file is over :data:`MAX_BYTES`; it was not read."""


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and nesting deeper than :data:`MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self._next_event()
            raise ComposerError(
                None, None,
                f"aliases (*{event.anchor}) are not accepted: write the value out",
                event.start_mark,
            )  # fmt: skip
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    self._next_event().start_mark,
                )  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _next_event(self) -> Any:
        return self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML


def load(text: str, loader: type[SafeLoader] = SafeLoader) -> Any:
    """The data of a YAML document, through `loader` (:class:`SafeLoader` or a subclass).

    >>> load("a: [1, 2]")
    {'a': [1, 2]}
    >>> try:
    ...     load("a: &x [1]\\nb: *x")
    ... except yaml.YAMLError as exc:
    ...     problem(exc)
    (2, 'aliases (*x) are not accepted: write the value out')
    """
    if len(text) > MAX_BYTES:
        raise YamlTooLarge(f"over {MAX_BYTES:,} characters: not read")
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass


def read(path: Path, loader: type[SafeLoader] = SafeLoader) -> tuple[Any, str]:
    """The data of a YAML file and its text; the size is checked before the file is read.
    Raises OSError, UnicodeDecodeError or yaml.YAMLError (see :func:`problem`)."""
    if path.stat().st_size > MAX_BYTES:
        raise YamlTooLarge(f"over {MAX_BYTES:,} bytes: not read")
    text = path.read_text(encoding="utf-8")
    return load(text, loader), text


def problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The line (1-based, when known) and the reason of a YAML error, for a one-line message.

    >>> try:
    ...     load("a: [1\\nb: 2")
    ... except yaml.YAMLError as exc:
    ...     problem(exc)
    (2, "expected ',' or ']', but got ':'")
    """
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    return line, str(getattr(exc, "problem", None) or exc)
