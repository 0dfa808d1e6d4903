"""Every source of the synthetic scenario loads through its shipped mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
import yaml

from threadline.ingest.deliveries import ingest_folder
from threadline.store import Store
from threadline.store import tables as t


def test_scenario_loads_whole_and_only_once(store: Store, small_scenario: Path) -> None:
    results = ingest_folder(store, small_scenario)
    assert [r.status for r in results] == ["loaded"] * len(results)
    assert all(r.rows_rejected == 0 for r in results)
    index = yaml.safe_load((small_scenario / "sources.yaml").read_text())
    files = {entry["file"] for entry in index["sources"]}
    written = sum(r.records_written for r in results)
    counts = store.counts()
    assert counts["records"] == written
    assert counts["batches"] == len(index["sources"])
    assert counts["agencies"] == len({entry["agency"] for entry in index["sources"]})
    expected = 0
    for name in files:
        path = small_scenario / name
        if path.is_dir():
            expected += len(list(path.glob("*.txt")))
    assert expected > 0 and written > 1000

    again = ingest_folder(store, small_scenario)
    assert {r.status for r in again} == {"already_loaded"}
    assert store.counts() == counts


def test_every_true_mention_is_a_mention(store: Store, small_scenario: Path) -> None:
    """The truth's (file, key, slot) names one mention each, so resolution can be scored."""
    ingest_folder(store, small_scenario)
    index = yaml.safe_load((small_scenario / "sources.yaml").read_text())["sources"]
    with store.connect() as conn:
        ids = set(conn.execute(sa.select(t.mentions.c.id)).scalars())
    missing = []
    with (small_scenario / "truth" / "mentions.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            candidates = [
                f"{e['agency']}/{e['mapping']}:{row['key']}:{row['slot']}"
                for e in index
                if row["file"] == e["file"] or row["file"].startswith(e["file"] + "/")
            ]
            if not any(c in ids for c in candidates):
                missing.append((row["file"], row["key"], row["slot"]))
    assert missing == []
