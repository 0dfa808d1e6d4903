"""The handling rules: how free-text handling conditions read as restrictions.

Rules are data: Threadline's own in ``handling_rules.yaml`` beside this module (its header
describes the language), and a deployment's in the files named by
``$THREADLINE_HANDLING_RULES``. A mapping names the rule for a condition text the rules do not
recognise by themselves (its ``handling_rules:`` block, read into :class:`RuleUse`).

Reading a record's conditions (:meth:`RuleSet.read`): each condition is recognised by every
phrase rule it contains (those keep records home and always apply), by the rule its mapping
names for it or else by every rule whose pattern matches it whole; the record's restriction is
the most restrictive of all of them. A condition nothing recognises is read as
:data:`~threadline.model.handling.MOST` (originating agency only) and reported, until someone
maps it. See docs/security.md, "Handling conditions".
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from threadline.config import setting
from threadline.errors import ThreadlineError
from threadline.model.handling import MOST, Recipients, Restriction, most_restrictive
from threadline.yamlfile import Node, YamlProblem, parse_yaml

__all__ = [
    "RULES_ENV",
    "SHIPPED_RULES",
    "Reading",
    "Rule",
    "RuleSet",
    "RuleUse",
    "RulesError",
    "active_rules",
    "load_rules",
    "normalise",
]

SHIPPED_RULES = Path(__file__).with_name("handling_rules.yaml")
"""Threadline's own rules, written from domain-standards.md §1.1-1.3."""

RULES_ENV = "THREADLINE_HANDLING_RULES"
"""A deployment's rules files, separated by the path separator; added to the shipped ones."""

RULE_KEYS = frozenset(
    {"description", "basis", "recipients", "agencies", "authority", "no_onward", "sanitise",
     "contains", "matches"}
)  # fmt: skip


class RulesError(ThreadlineError):
    """A rules file is wrong; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def normalise(text: str) -> str:
    """A condition as rules compare it: lower case, single spaces, no final full stop.

    >>> normalise("  Not to be  disseminated outside Northshire Police.  ")
    'not to be disseminated outside northshire police'
    """
    return " ".join(text.split()).casefold().rstrip(".").rstrip()


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of condition and what it allows."""

    name: str
    restriction: Restriction
    description: str = ""
    basis: str = ""
    """Where the rule comes from (a standard, a local agreement)."""
    contains: tuple[str, ...] = ()
    """Normalised phrases that recognise a condition wherever they occur in it."""
    matches: tuple[re.Pattern[str], ...] = ()
    """Patterns that recognise a condition they match whole."""
    origin: str = ""
    """File and line the rule was written at."""

    def recognises(self, condition: str) -> bool:
        """Whether the (normalised) condition meets one of the rule's phrases or patterns."""
        return any(p in condition for p in self.contains) or any(
            m.fullmatch(condition) for m in self.matches
        )


@dataclass(frozen=True, slots=True)
class RuleUse:
    """A mapping's naming of a rule for one condition text, with what it fills in."""

    rule: str
    agencies: frozenset[str] = frozenset()
    authority: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """What a record's conditions mean under the rules."""

    restriction: Restriction
    rules: tuple[str, ...] = ()
    """The rules that recognised its conditions."""
    unrecognised: tuple[str, ...] = ()
    """Conditions (as written) that no rule recognised and no mapping named."""


@dataclass(frozen=True)
class RuleSet:
    """Every rule in force, by name."""

    rules: dict[str, Rule] = field(default_factory=dict)

    def restriction(self, use: RuleUse) -> Restriction:
        """The restriction a mapping's `use` of a rule gives; ValueError (fit to print)
        when the rule is unknown or the use does not suit it."""
        rule = self.rules.get(use.rule)
        if rule is None:
            known = ", ".join(sorted(self.rules))
            raise ValueError(f"unknown handling rule {use.rule!r} (known: {known})")
        base = rule.restriction
        if use.agencies and base.recipients is not Recipients.NAMED:
            raise ValueError(f"rule {use.rule!r} does not take agencies: its recipients are "
                             f"{base.recipients.value}")  # fmt: skip
        if use.authority and base.recipients is Recipients.CONDITIONED:
            raise ValueError(f"rule {use.rule!r} keeps nobody out, so no authority releases it")
        out = replace(
            base,
            agencies=use.agencies or base.agencies,
            authority=use.authority or base.authority,
        )
        if out.recipients is Recipients.NAMED and not out.agencies:
            raise ValueError(f"rule {use.rule!r} needs the agencies that may receive it")
        return out

    def read(
        self, conditions: Iterable[str], named: Mapping[str, RuleUse] | None = None
    ) -> Reading:
        """Read a record's conditions; `named` is its mapping's rules by normalised text.

        >>> rules = active_rules()
        >>> rules.read(["Not to be disseminated outside the originating agency"]).restriction
        Restriction(recipients=<Recipients.ORIGINATOR: 'originator'>, agencies=frozenset(), \
authority=(), no_onward=False, sanitise=False)
        >>> rules.read(["A2: covert action only"]).rules
        ('action-a2',)
        >>> rules.read(["Tell DS Jones first"]).unrecognised
        ('Tell DS Jones first',)
        """
        parts: list[Restriction] = []
        used: set[str] = set()
        unrecognised: list[str] = []
        for condition in conditions:
            text = normalise(condition)
            found = [r for r in self.rules.values() if r.contains and r.recognises(text)]
            use = (named or {}).get(text)
            if use is not None:
                parts.append(self.restriction(use))
                used.add(use.rule)
            else:
                found += [r for r in self.rules.values() if r.matches and r.recognises(text)]
            parts.extend(r.restriction for r in found)
            used.update(r.name for r in found)
            if use is None and not found:
                unrecognised.append(condition)
                parts.append(MOST)
        return Reading(most_restrictive(parts), tuple(sorted(used)), tuple(unrecognised))


def load_rules(path: Path, into: RuleSet | None = None) -> RuleSet:
    """Read a rules file (adding to `into`); raise RulesError naming the file and line."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(path, None, f"cannot read the rules: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RulesError(path, None, "the rules are not UTF-8 text") from None
    except YamlProblem as exc:
        raise RulesError(path, exc.line, f"not valid YAML: {exc.problem}") from None
    if not isinstance(data, Node) or not isinstance(data.get("rules"), Node):
        raise RulesError(path, 1, "a rules file holds 'rules:', a mapping of rule names to rules")
    rules = dict(into.rules) if into else {}
    for name, spec in data["rules"].items():
        line = data["rules"].key_lines[name]
        if name in rules:
            where = rules[name].origin
            raise RulesError(path, line, f"rule {name!r} is already defined at {where}")
        rules[name] = _rule(path, line, name, spec)
    return RuleSet(rules)


def _rule(path: Path, line: int, name: str, spec: Any) -> Rule:
    def fail(message: str, key: str | None = None) -> RulesError:
        at = spec.key_lines.get(key, line) if key and isinstance(spec, Node) else line
        return RulesError(path, at, f"rule {name!r}: {message}")

    if not isinstance(spec, Node):
        raise fail("must be a mapping of keys such as recipients, contains, matches")
    for key in spec:
        if key not in RULE_KEYS:
            raise fail(f"unknown key {key!r} (known: {', '.join(sorted(RULE_KEYS))})", key)
    try:
        recipients = Recipients(str(spec.get("recipients", "")))
    except ValueError:
        raise fail("recipients must be conditioned, named or originator", "recipients") from None
    flags = {}
    for key in ("no_onward", "sanitise"):
        if not isinstance(spec.get(key, False), bool):
            raise fail(f"{key!r} must be true or false", key)
        flags[key] = bool(spec.get(key, False))
    restriction = Restriction(
        recipients,
        frozenset(_texts(spec, "agencies", fail)),
        tuple(_texts(spec, "authority", fail)),
        **flags,
    )
    contains = tuple(normalise(p) for p in _texts(spec, "contains", fail))
    if contains and restriction.release is not Recipients.ORIGINATOR:
        raise fail(
            "'contains' is for rules that keep a record in its agency: a phrase cannot show "
            "that the rest of a condition allows sharing (use 'matches', the whole condition)",
            "contains",
        )
    matches = []
    for pattern in _texts(spec, "matches", fail):
        try:
            matches.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise fail(f"bad pattern {pattern!r}: {exc}", "matches") from None
    return Rule(
        name=name,
        restriction=restriction,
        description=str(spec.get("description", "")).strip(),
        basis=str(spec.get("basis", "")).strip(),
        contains=contains,
        matches=tuple(matches),
        origin=f"{path}:{line}",
    )


def _texts(spec: Node, key: str, fail: Any) -> list[str]:
    """A key's text or list of texts (empty ones refused)."""
    value = spec.get(key, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise fail(f"{key!r} must be a text or a list of texts", key)
    return [i.strip() for i in items]


def active_rules() -> RuleSet:
    """The shipped rules and the deployment's (``$THREADLINE_HANDLING_RULES``)."""
    return _rules_for(setting(RULES_ENV) or "")


@lru_cache(maxsize=4)
def _rules_for(paths: str) -> RuleSet:
    rules = load_rules(SHIPPED_RULES)
    for part in paths.split(os.pathsep):
        if part.strip():
            rules = load_rules(Path(part.strip()), rules)
    return rules
