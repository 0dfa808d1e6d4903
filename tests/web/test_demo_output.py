"""What the demo tells an analyst, read as they would: captions, places, grades and grammar.

On the demo's store (the small scenario, as `make demo` builds it): rankings whose every reason
adds to the score and reads as English, ANPR sites named by where they are, a company called by
its name wherever it is shown, legacy grades shown as given, and `resolve explain` that leads
with a summary of a few lines.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from threadline.cli import app
from threadline.model.captions import is_identifier
from threadline.read.rankings import TYPOLOGIES
from threadline.store import Store
from threadline.store import tables as t

from .conftest import DemoStore

RUNNER = CliRunner()
WRONG_ARTICLE = re.compile(r"\ba (?:[aeio]|u(?!ni|s))[a-z]|\ban [b-df-hj-np-tv-z](?!our)[a-z]")
"""'a agriculture', 'an car wash' (but 'a university', 'a used', 'an hour')."""


def run(demo: DemoStore, *args: str) -> Any:
    result = RUNNER.invoke(app, [*args, "--db", demo.url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def ranked(demo_store: DemoStore) -> list[dict[str, Any]]:
    """The demo's premises and businesses, as `analyse` lists them (the top 100 of each),
    across every exploitation type and for each type."""
    out = []
    for kind in ("premises", "businesses"):
        for lens in ((), *(("--typology", typology) for typology in TYPOLOGIES)):
            asked = ("analyse", kind, "--top", "100", "--json", *lens)
            out.extend(json.loads(run(demo_store, *asked).output)[kind])
    return out


def test_every_reason_in_a_ranking_adds_to_the_score_and_reads_as_english(
    ranked: list[dict[str, Any]],
) -> None:
    assert ranked
    reasons = [r for item in ranked for r in item["reasons"]]
    assert not [r for r in reasons if "= 0.00" in r or "= -0.00" in r]
    assert not [r for r in reasons if WRONG_ARTICLE.search(r)]
    assert not [r for r in reasons if re.search(r"\b1 others\b", r)]


def test_anpr_sightings_are_placed_where_the_camera_is(
    demo_store: DemoStore, ranked: list[dict[str, Any]]
) -> None:
    with Store(demo_store.url) as store, store.connect() as conn:
        camera_mentions = conn.execute(
            sa.select(t.mentions.c.caption, t.entities.c.caption)
            .join(t.entities, t.entities.c.id == t.mentions.c.entity_id)
            .where(t.mentions.c.id.like("anpr/%"), t.mentions.c.schema == "Address")
        ).all()
    assert camera_mentions
    for mention, entity in camera_mentions:
        assert not is_identifier(mention) and not is_identifier(entity), (mention, entity)
    reasons = [r for item in ranked for r in item["reasons"]]
    night = [r for r in reasons if "between 22:00-06:00" in r]
    assert night, "the demo has vehicles read at night at several places"
    assert all("(NSP" not in r.split(" places ", 1)[1][:6] for r in night if " places " in r)


def test_a_company_is_called_by_its_name_not_its_number(demo_store: DemoStore) -> None:
    with Store(demo_store.url) as store, store.connect() as conn:
        named = conn.execute(
            sa.select(t.entities.c.id, t.entities.c.caption)
            .join(t.mentions, t.mentions.c.entity_id == t.entities.c.id)
            .where(t.entities.c.schema.in_(("Company", "Organization")))
        ).all()
        mentions = conn.execute(
            sa.select(t.mentions.c.entity_id, t.mentions.c.caption).where(
                t.mentions.c.schema.in_(("Company", "Organization"))
            )
        ).all()
    has_name = {str(e) for e, c in mentions if c and not is_identifier(str(c))}
    numbered = {str(e) for e, c in named if is_identifier(str(c)) and str(e) in has_name}
    assert not numbered


def test_a_legacy_record_shows_its_grade_as_given_with_a_suggested_reading(
    demo_store: DemoStore,
) -> None:
    with Store(demo_store.url) as store, store.connect() as conn:
        legacy = conn.execute(
            sa.select(t.records.c.id).where(t.records.c.grading_scheme == "5x5x5").limit(1)
        ).scalar()
    assert legacy is not None
    shown = json.loads(run(demo_store, "records", "show", str(legacy), "--json").output)
    code = shown["grade"]["code"]
    assert shown["grade"]["scheme"] == "5x5x5" and code[0] in "ABCDE"
    assert "suggested 3x5x2 reading" in shown["grade"]["words"]
    text = run(demo_store, "records", "show", str(legacy)).output
    assert f"Grade: {code}:" in " ".join(text.split())


def test_resolve_explain_leads_with_a_summary_and_keeps_the_pairs_for_detail(
    demo_store: DemoStore,
) -> None:
    with Store(demo_store.url) as store, store.connect() as conn:
        biggest = conn.execute(
            sa.select(t.mentions.c.entity_id)
            .where(t.mentions.c.schema == "Person", t.mentions.c.entity_id.is_not(None))
            .group_by(t.mentions.c.entity_id)
            .order_by(sa.func.count().desc(), t.mentions.c.entity_id)
            .limit(1)
        ).scalar()
    shown = json.loads(run(demo_store, "resolve", "explain", str(biggest), "--json").output)
    summary = shown["summary"]
    assert 2 <= len(summary) <= 3, summary
    assert summary[0].endswith(")") and "records joined by" in summary[0]
    assert summary[1].startswith("For: ") and " records" in summary[1]
    assert all("fields" not in pair for pair in shown["pairs"])
    assert all(pair["summary"] for pair in shown["pairs"])
    text = " ".join(run(demo_store, "resolve", "explain", str(biggest)).output.split())
    assert "For: " in text and "--detail" in text
    assert "match weight" not in text  # the arithmetic is in the detail
    assert not re.search(r"\bsurname: exact match[^,]*\((?:denis|driton)\)", text)
