"""The domain safeguards written into a trained model (`model._finalise`)."""

from __future__ import annotations

import math
from typing import Any

from threadline.resolve.comparisons import NAME_PAIR
from threadline.resolve.splink_model import _finalise


def _level(sql: str, m: float, u: float, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "m_probability": m, "u_probability": u, **extra}


def _weights(settings: dict[str, Any]) -> list[float]:
    levels = settings["comparisons"][0]["comparison_levels"]
    return [math.log2(lv["m_probability"] / lv["u_probability"]) for lv in levels]


def _model(name: str, *levels: dict[str, Any]) -> dict[str, Any]:
    return {"comparisons": [{"output_column_name": name, "comparison_levels": list(levels)}]}


def test_a_rare_partial_agreement_is_not_a_veto() -> None:
    # Training drove "same initial" to m = 0: it must weigh no less than "different".
    settings = _finalise(
        _model(
            "middle_name",
            _level("a = b", 0.9, 0.03),
            _level("left(a, 1) = left(b, 1)", 1e-40, 0.04),
            _level("ELSE", 0.01, 0.93),
        ),
        10.0,
    )
    _, initial, different = _weights(settings)
    assert initial >= different > -8


def test_a_changed_address_is_weak_evidence() -> None:
    settings = _finalise(
        _model("address", _level("a = b", 0.9, 0.001), _level("ELSE", 1e-6, 0.95)), 10.0
    )
    assert _weights(settings)[-1] > -4.5  # people move: at most about -4.2 bits
    assert _weights(settings)[0] <= 10.0 + 1e-9  # one house is shared: at most 10 bits


def test_different_is_never_evidence_for_a_match() -> None:
    # In one town random pairs almost never have different postcode areas.
    settings = _finalise(
        _model("record_places", _level("a = b", 0.6, 0.01), _level("ELSE", 0.2, 1e-5)), 10.0
    )
    assert _weights(settings)[-1] <= 0.0


def test_the_surname_halves_share_one_m() -> None:
    # Exact surname with and without the given name: both weigh how often a true match
    # agrees on the surname at all (the given name's own level counts the given name).
    settings = _finalise(
        _model(
            "surname",
            _level("s AND g", 0.5, 0.0001, tf_adjustment_column=NAME_PAIR),
            _level("s", 0.3, 0.005, tf_adjustment_column="surname"),
            _level("ELSE", 0.2, 0.99),
        ),
        10.0,
    )
    levels = settings["comparisons"][0]["comparison_levels"]
    assert levels[0]["m_probability"] == levels[1]["m_probability"] == 0.8
