"""The handling rules read free-text conditions as restrictions; a rules file is validated
with its file and line, and a deployment adds rules of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.model.handling import MOST, Recipients
from threadline.security.handling import (
    RULES_ENV,
    RulesError,
    RuleUse,
    active_rules,
    load_rules,
    normalise,
)

ORIGINATOR, NAMED, CONDITIONED = Recipients.ORIGINATOR, Recipients.NAMED, Recipients.CONDITIONED

READINGS = [
    # condition as written, the rules that recognise it, who may receive it, no onward, sanitise
    ("Not to be disseminated outside the originating agency", ("originating-agency-only",),
     ORIGINATOR, False, False),
    ("NO FURTHER DISSEMINATION - refer to the originator", ("originating-agency-only",),
     ORIGINATOR, False, False),
    ("Within the originating force only", ("originating-agency-only",), ORIGINATOR, False, False),
    ("A1: combine and corroborate only", ("action-a1",), CONDITIONED, False, False),
    ("no action without reference to the originator", ("action-a1",), CONDITIONED, False, False),
    ("A2 - covert action only", ("action-a2",), CONDITIONED, False, False),
    ("Not to be used as evidence.", ("action-a2",), CONDITIONED, False, False),
    ("A3: overt action permitted as the owner specifies", ("action-a3",), CONDITIONED, False,
     False),
    ("S1", ("sanitisation-s1",), CONDITIONED, False, False),
    ("S2: do not sanitise without consulting the originator", ("sanitisation-s2",),
     CONDITIONED, True, False),
    ("No onward sharing", ("no-onward-sharing",), CONDITIONED, True, False),
    ("protect the source", ("sanitise-first",), CONDITIONED, False, True),
    # a phrase that keeps a record home wins over a pattern that would let it go
    ("A2: covert action only, refer to the originator", ("originating-agency-only",),
     ORIGINATOR, False, False),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "rules", "recipients", "no_onward", "sanitise"), READINGS)
def test_the_shipped_rules_read_conditions_from_the_domain_reference(
    condition: str, rules: tuple[str, ...], recipients: Recipients, no_onward: bool,
    sanitise: bool,
) -> None:  # fmt: skip
    reading = active_rules().read([condition])
    assert reading.rules == rules
    assert reading.unrecognised == ()
    r = reading.restriction
    assert (r.recipients, r.no_onward, r.sanitise) == (recipients, no_onward, sanitise)


def test_a_pattern_must_match_the_whole_condition() -> None:
    """A2 alone lets a record go with conditions; words after it that no rule knows make the
    condition unrecognised, so it stays home."""
    reading = active_rules().read(["A2: covert action only, and not to leave Northshire"])
    assert reading.restriction == MOST
    assert reading.unrecognised == ("A2: covert action only, and not to leave Northshire",)


def test_unrecognised_conditions_are_the_most_restrictive_and_reported() -> None:
    reading = active_rules().read(["A2: covert action only", "Tell DS Jones before sharing"])
    assert reading.restriction == MOST
    assert reading.rules == ("action-a2",)
    assert reading.unrecognised == ("Tell DS Jones before sharing",)


def test_a_mapping_names_a_rule_but_never_loosens_a_phrase() -> None:
    rules = active_rules()
    named = {
        normalise("Tell DS Jones before sharing"): RuleUse("named-agencies", frozenset({"ie"})),
        normalise("Partners only, not the originating agency's press office"): RuleUse(
            "conditions-of-use"
        ),
    }
    jones = rules.read(["Tell DS Jones before sharing"], named).restriction
    assert (jones.recipients, jones.agencies) == (NAMED, frozenset({"ie"}))
    press = rules.read(["Partners only, not the originating agency's press office"], named)
    assert press.restriction.recipients is ORIGINATOR
    assert press.rules == ("conditions-of-use", "originating-agency-only")


BROKEN = [
    # rules file text, line of the error, words in it
    ("rules: []\n", 1, "a rules file holds 'rules:'"),
    ("rules:\n  x:\n    recipients: everyone\n", 3, "recipients must be conditioned, named"),
    ("rules:\n  x:\n    recipients: conditioned\n    contains: [partners only]\n", 4,
     "'contains' is for rules that keep a record in its agency"),
    ("rules:\n  x:\n    recipients: originator\n    matches: ['(unclosed']\n", 4, "bad pattern"),
    ("rules:\n  x:\n    recipients: originator\n    colour: red\n", 4, "unknown key 'colour'"),
    ("rules:\n  x:\n    recipients: originator\n    no_onward: perhaps\n", 4,
     "'no_onward' must be true or false"),
    ("rules:\n  x:\n    recipients: originator\n    contains: ['']\n", 4,
     "'contains' must be a text or a list of texts"),
    ("rules:\n  originating-agency-only:\n    recipients: conditioned\n", 2,
     "rule 'originating-agency-only' is already defined at"),
    ("rules:\n  x: [1\n", 3, "not valid YAML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "words"), BROKEN)
def test_broken_rules_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "local-rules.yaml"
    path.write_text(text)
    with pytest.raises(RulesError) as caught:
        load_rules(path, active_rules())
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)


def test_a_deployment_adds_rules_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "northshire.yaml"
    path.write_text(
        "rules:\n"
        "  northshire-msht-partners:\n"
        "    description: The Northshire MSHT partnership's agencies.\n"
        "    recipients: named\n"
        "    agencies: [lcc, ie, nrm]\n"
        "    matches: ['share with msht partners only']\n"
    )
    assert active_rules().read(["Share with MSHT partners only"]).restriction == MOST
    monkeypatch.setenv(RULES_ENV, str(path))
    reading = active_rules().read(["Share with MSHT partners only."])
    assert reading.rules == ("northshire-msht-partners",)
    assert reading.restriction.agencies == frozenset({"lcc", "ie", "nrm"})
