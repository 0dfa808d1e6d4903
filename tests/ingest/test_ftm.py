"""FollowTheMoney entity streams load as one record and one mention per entity."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from threadline.ingest.batches import Agency, load_file
from threadline.ingest.mapping import load_mapping
from threadline.store import Store
from threadline.store import tables as t

FIXTURES = Path(__file__).parent / "fixtures"


def test_ftm_stream(store: Store, tmp_path: Path) -> None:
    entities = [
        {"id": "p1", "schema": "Person",
         "properties": {"name": ["Nguyễn Thị Lan"], "birthDate": ["1998-04-03"],
                        "phone": ["07700 900123"], "nickname": ["Lanny"]}},
        {"id": "a1", "schema": "Address", "properties": {"full": ["10 Mill Street, Hull"]}},
        {"id": "l1", "schema": "UnknownLink",
         "properties": {"subject": ["p1"], "object": ["a1"], "role": ["lives at"]}},
        {"id": "", "schema": "Person", "properties": {"name": ["No Id"]}},
    ]  # fmt: skip
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    mapping = load_mapping(FIXTURES / "ftm.yaml")
    result = load_file(store, path, mapping, Agency("testngo"), on_error="skip")
    assert (result.records_written, result.rows_rejected) == (3, 1)
    assert "a FollowTheMoney entity needs an id" in result.errors[0]
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(t.statements.c.mention_id, t.statements.c.prop, t.statements.c.value,
                      t.statements.c.original_value)
        ).all()  # fmt: skip
        warnings = conn.execute(
            sa.select(t.records.c.warnings).where(t.records.c.record_key == "p1")
        ).scalar_one()
    values = {(m.rsplit(":", 2)[1], p): (v, o) for m, p, v, o in rows}
    assert values[("p1", "phone")] == ("+447700900123", "07700 900123")
    assert values[("l1", "subject")] == ("testngo/test_ftm:p1:entity", "p1")
    assert values[("l1", "object")] == ("testngo/test_ftm:a1:entity", "a1")
    assert values[("p1", "nickname")] == ("Lanny", "Lanny"), "kept, though not an FtM property"
    assert any("nickname" in w for w in warnings)
