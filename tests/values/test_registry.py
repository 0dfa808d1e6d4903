"""The registry, the public surface, and the promise that no value is lost silently."""

from __future__ import annotations

import ast
import inspect

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import threadline.values
from threadline.values import DEFAULT_HINTS, Cleaned, Hints, ValueType, get_type, registry
from threadline.values._text import squash

KINDS = [
    "name",
    "date",
    "phone",
    "email",
    "postcode",
    "address",
    "vrm",
    "sortcode",
    "account",
    "iban",
    "ninumber",
    "passport",
    "country",
    "gender",
]


def test_registry_holds_every_kind_under_its_name() -> None:
    assert sorted(registry) == sorted(KINDS)
    for name, kind in registry.items():
        assert kind.name == name
        assert kind.label
        assert get_type(name) is kind


def test_unknown_type_lists_known_names() -> None:
    with pytest.raises(KeyError, match="known types: account, address"):
        get_type("telephone")


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        registry["phone"] = registry["email"]  # type: ignore[index]


def test_all_matches_what_is_exported() -> None:
    public = {name for name in dir(threadline.values) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(threadline.values, name))}
    assert set(threadline.values.__all__) == public - modules


def test_a_type_must_name_itself() -> None:
    with pytest.raises(TypeError, match="must define 'name' and 'label'"):

        class Nameless(ValueType):
            def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
                return Cleaned(raw, raw)


@pytest.mark.parametrize("name", KINDS)
def test_class_attributes_say_why(name: str) -> None:
    """Every class attribute a type adds carries an attribute docstring (STYLE guideline 2)."""
    cls = type(registry[name])
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    for index, node in enumerate(body.body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            following = body.body[index + 1] if index + 1 < len(body.body) else None
            assert isinstance(following, ast.Expr), f"{cls.__name__}.{node.target.id}"


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("raw", ["", "   ", "N/K", "unknown", "\u200b", "🙂", "0", "-" * 50])
def test_odd_input_never_raises_and_keeps_the_original(name: str, raw: str) -> None:
    cleaned = registry[name].clean(raw)
    assert cleaned.original == raw
    assert cleaned.value is not None or cleaned.problem is not None


@settings(max_examples=60, deadline=None)
@given(raw=st.text(max_size=40), name=st.sampled_from(KINDS))
@example(raw="0", name="name")  # kept with a problem, and still equal to itself
def test_nothing_is_dropped_silently(raw: str, name: str) -> None:
    kind = registry[name]
    cleaned = kind.clean(raw)
    assert cleaned.original == raw
    # a value, or a reason why there is none
    assert cleaned.value is not None or cleaned.problem is not None
    if cleaned.value is not None:
        kind.caption(cleaned.value)
        kind.node_id(cleaned.value)
        assert kind.compare(cleaned.value, cleaned.value) == 1.0


@settings(max_examples=40, deadline=None)
@given(raw=st.text(alphabet="0123456789 +-()/.", max_size=20))
def test_phone_and_date_take_any_digit_soup(raw: str) -> None:
    for name in ("phone", "date", "account", "sortcode"):
        cleaned = registry[name].clean(raw)
        assert cleaned.value is not None or cleaned.problem is not None


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(max_size=12), st.sampled_from(["N/K", " n/a. ", "UNKNOWN", "-"])))
def test_squashing_once_finds_what_empty_or_unknown_finds(raw: str) -> None:
    kind = registry["vrm"]  # any type: the check is the base class's
    found = kind._squashed(raw)
    if isinstance(found, Cleaned):
        assert kind._empty_or_unknown(raw) == found
    else:
        assert kind._empty_or_unknown(raw) is None
        assert found == squash(raw)


FAST = [name for name in KINDS if hasattr(registry[name], "_clean_slow")]


@settings(max_examples=100, deadline=None)
@given(raw=st.text(max_size=30), name=st.sampled_from(FAST))
def test_every_fast_path_agrees_with_its_reference(raw: str, name: str) -> None:
    kind = registry[name]
    assert kind.clean(raw) == kind._clean_slow(raw)  # type: ignore[attr-defined]
