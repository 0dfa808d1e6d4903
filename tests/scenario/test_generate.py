"""The public API: sizes, determinism, refusing to overwrite, the summary, progress."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import threadline.scenario as scenario
from threadline.errors import ThreadlineError
from threadline.scenario import SIZES, ScenarioError, ScenarioSummary, generate

from .conftest import Scenario


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_exported_members() -> None:
    exported = {name for name in dir(scenario) if not name.startswith("_")}
    modules = {name for name in exported if type(getattr(scenario, name)).__name__ == "module"}
    assert set(scenario.__all__) == exported - modules
    assert SIZES == ("small", "medium", "large")


def test_same_seed_gives_identical_bytes_including_xlsx(small: Scenario, tmp_path: Path) -> None:
    again = tmp_path / "elsewhere" / "again"
    generate("small", 1, again)
    first, second = _hashes(small.root), _hashes(again)
    assert "local_authority/inspections.xlsx" in first
    assert first == second


def test_another_seed_gives_another_scenario(small: Scenario, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate("small", 2, other)
    first, second = _hashes(small.root), _hashes(other)
    changed = [f for f in first if f in second and first[f] != second[f]]
    assert "police/intel_log.csv" in changed


def test_errors_are_value_errors_the_cli_can_print() -> None:
    assert issubclass(ScenarioError, ValueError)
    assert issubclass(ScenarioError, ThreadlineError)


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scenario size 'huge'"):
        generate("huge", 1, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("precious")
    with pytest.raises(ValueError, match="not empty and does not hold a previous scenario"):
        generate("small", 1, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "precious"


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        generate("small", 1, target)


def test_a_previous_scenario_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "scenario"
    generate("small", 2, out)
    (out / "stray.txt").write_text("left over")
    generate("small", 1, out)
    assert not (out / "stray.txt").exists()
    assert "seed: 1" in (out / "sources.yaml").read_text()


def test_an_interrupted_scenario_can_be_replaced(tmp_path: Path) -> None:
    out = tmp_path / "scenario"

    def interrupt(label: str, n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate("small", 1, out, interrupt)
    assert generate("small", 1, out).records > 0


def test_progress_adds_up_to_the_records(tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []
    summary = generate("small", 3, tmp_path / "s", lambda label, n: calls.append((label, n)))
    assert sum(n for _, n in calls) == summary.records
    assert {label for label, _ in calls} >= {"police", "council", "nhs", "anpr"}


def test_summary_matches_the_files_on_disk(small: Scenario) -> None:
    summary = small.summary
    assert isinstance(summary, ScenarioSummary)
    listed = {entry["file"] for entry in small.sources}
    assert set(summary.files) == listed
    for file, count in summary.files.items():
        assert len(small.records(file)) == count, file
    assert summary.records == sum(summary.files.values())
    assert summary.persons == len(small.truth("persons"))
    assert summary.businesses == len(small.truth("businesses"))
    assert summary.premises == len(small.truth("premises"))
    assert summary.networks == len(small.truth("networks"))


def test_small_is_about_two_thousand_records(small: Scenario) -> None:
    assert 1_600 <= small.summary.records <= 2_600
    assert 6 <= small.summary.networks <= 10
    types = {row["exploitation_type"] for row in small.truth("networks")}
    assert types == {"labour", "sexual", "criminal", "domestic_servitude"}
    kinds = {row["kind"] for row in small.truth("networks")}
    assert {"car_wash", "nail_bar", "brothel", "cannabis_farm", "county_lines"} <= kinds
    innocent = [r for r in small.truth("persons") if not r["network_id"]]
    assert len(innocent) > 4 * (len(small.truth("persons")) - len(innocent))


@pytest.mark.slow
def test_medium_is_about_fifty_thousand_records(tmp_path: Path) -> None:
    summary = generate("medium", 1, tmp_path / "medium")
    assert 40_000 <= summary.records <= 65_000
    assert 60 <= summary.networks <= 100
