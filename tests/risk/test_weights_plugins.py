"""The weights file, the plugin registry and its tracing, and what is documented."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
import yaml

from threadline.errors import ValidationError
from threadline.graph import build_graph, graph_from_edges
from threadline.graph.evidence import DEFAULT_INFORMATION_WEIGHTS, DEFAULT_SOURCE_WEIGHTS
from threadline.risk import (
    DEFAULT_PLUGINS,
    TRACE_ENV,
    Context,
    Finding,
    Indicator,
    Weights,
    evaluate,
    hookimpl,
    load_weights,
    registered_indicators,
)
from threadline.risk.plugins import plugin_manager
from threadline.risk.weights import SHIPPED

DOCS = Path(__file__).parents[2] / "docs" / "analysis.md"


def test_the_shipped_weights_list_every_indicator_with_its_defaults() -> None:
    shipped = yaml.safe_load(SHIPPED.read_text())
    for indicator in registered_indicators():
        assert shipped["indicators"][indicator.name] == dict(indicator.defaults), indicator.name
    assert shipped["evidence"]["source"] == dict(DEFAULT_SOURCE_WEIGHTS)
    assert shipped["evidence"]["information"] == dict(DEFAULT_INFORMATION_WEIGHTS)


def test_an_analysts_file_is_laid_over_the_shipped_weights(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("indicators:\n  phone_hub: {weight: 0, threshold: 4}\n")
    weights = load_weights(path)
    assert weights.weight("phone_hub") == 0 and weights.params("phone_hub")["threshold"] == 4
    assert weights.params("phone_hub")["full"] == 8
    assert weights.weight("crowded_address") == 1.0
    assert weights.sources == (str(SHIPPED), str(path))
    assert weights.digest != load_weights().digest
    assert load_weights().digest == load_weights().digest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicators:\n  crowded_adress: {weight: 1}\n", "unknown indicator 'crowded_adress'"),
        ("indicators:\n  phone_hub: {treshold: 4}\n", "has no setting 'treshold'"),
        ("indicators:\n  phone_hub: {weight: -1}\n", "weight must be a number >= 0"),
        ("colours: {}\n", "unknown section 'colours'"),
        ("- a list\n", "a weights file is a mapping"),
        ("indicators: [\n", "not valid YAML"),
        # An alias bomb is refused at its first alias, before anything is expanded.
        ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nindicators: {phone_hub: *b}\n", ":2: .*aliases"),
    ],
)
def test_a_wrong_weights_file_is_refused_with_a_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValidationError, match=message):
        load_weights(path)
    with pytest.raises(ValidationError, match="cannot read"):
        load_weights(tmp_path / "absent.yaml")


def test_sectors_match_licence_types_sic_codes_and_names() -> None:
    sectors = {s.name: s for s in load_weights().sectors}
    assert sectors["car_wash"].matches("Car wash site permit")
    assert sectors["nail_bar"].matches("96020 - Hairdressing and other beauty treatment")
    assert sectors["agriculture"].matches("01130 - Growing of vegetables and melons")
    assert sectors["construction"].matches("43999 - Other specialised construction")
    assert not sectors["construction"].matches("69102 - Solicitors")


def test_default_plugins_register_one_indicator_each() -> None:
    found = registered_indicators()
    assert [i.name for i in found] == [name.rsplit(".", 1)[1] for name in DEFAULT_PLUGINS]
    assert all(i.title and i.rule and i.subjects and "weight" in i.defaults for i in found)


class Partner:
    """A partner's plugin: flags every Company."""

    @hookimpl
    def register_indicators(self) -> Iterable[Indicator]:
        def evaluate(ctx: Context) -> Iterable[Finding]:
            for v in ctx.graph.vs:
                if v["schema"] == "Company":
                    yield Finding("partner", v["name"], v["entity_ids"], 0.5, "a company", (), "")

        return [Indicator("partner", "Partner", "Every company.", ("businesses",), evaluate,
                          {"weight": 1.0})]  # fmt: skip


def test_a_partner_plugin_is_registered_and_its_calls_are_traced(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(TRACE_ENV, "1")
    caplog.set_level(logging.INFO, logger="threadline.risk.hooks")
    found = registered_indicators(extra=[Partner()])
    assert found[-1].name == "partner"
    assert any("hook register_indicators" in r.getMessage() for r in caplog.records)
    g = graph_from_edges([("acme", "bob")], schemata={"acme": "Company"})
    base = load_weights()
    data = {**base.data, "indicators": {**base.data["indicators"], "partner": {"weight": 1.0}}}
    weights = Weights(data, base.sources)
    results = evaluate(Context(g, weights, date(2026, 1, 1)), [found[-1]])
    assert [f.node for f in results] == ["acme"]
    assert any("indicator partner: 1 findings" in r.getMessage() for r in caplog.records)


def test_tracing_is_off_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="threadline.risk.hooks")
    plugin_manager().hook.register_indicators()
    assert not caplog.records


def test_two_indicators_may_not_share_a_name() -> None:
    class Twin(Partner):
        pass

    with pytest.raises(ValueError, match="two plugins register an indicator called 'partner'"):
        registered_indicators(extra=[Partner(), Twin()])


def test_every_indicator_and_public_function_is_documented() -> None:
    import threadline.graph
    import threadline.risk

    text = DOCS.read_text()
    for indicator in registered_indicators():
        assert f"`{indicator.name}`" in text, indicator.name
        for setting in indicator.defaults:
            assert f"`{setting}`" in text, f"{indicator.name}.{setting}"
    for module in (threadline.graph, threadline.risk):
        for name in module.__all__:
            assert f"`{name}" in text, name
    assert TRACE_ENV in text


def test_an_empty_graph_has_no_findings(case: object) -> None:
    g = build_graph(case.view())  # type: ignore[attr-defined]
    assert evaluate(Context(g, load_weights(), date(2026, 1, 1))) == []
