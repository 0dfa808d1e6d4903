"""YAML that remembers where each key was written, so that a mapping or a rules file can be
refused with its file and line (an analyst fixes the YAML without reading code)."""

from __future__ import annotations

from typing import Any

import yaml

from threadline import safe_yaml

__all__ = ["Loader", "Node", "YamlProblem", "parse_yaml"]


class Node(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class YamlProblem(Exception):
    """Text that is not valid YAML: `line` (1-based, when known) and what is wrong."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class Loader(safe_yaml.SafeLoader):
    """The bounded safe loader (no aliases, bounded depth and size), keeping each key's line."""


def _construct(loader: Loader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    out = Node()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct)


def parse_yaml(text: str) -> Any:
    """The YAML document in `text`, its mappings as :class:`Node`; raises YamlProblem.

    >>> doc = parse_yaml("a: 1\\nb:\\n  c: 2\\n")
    >>> doc.key_lines["b"], doc["b"].line
    (2, 3)
    """
    try:
        return safe_yaml.load(text, Loader)
    except yaml.YAMLError as exc:
        line, problem = safe_yaml.problem(exc)
        raise YamlProblem(line, problem) from None
