"""Each export format passes its validation, on both databases, as a user of one agency."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import openpyxl
import pytest
from followthemoney import model
from followthemoney.statement import Statement

from threadline.export import Content, Scope, export, select
from threadline.export.plugins import exporter
from threadline.graph import graph_from_edges
from threadline.read import View
from threadline.security.actors import load_actor

from .conftest import FORMULA_NAME  # a helper of this folder

Ids = dict[str, Any]


def view_of(world: Ids, username: str = "ana") -> View:
    conn = world["case"].conn
    actor = load_actor(conn, username)
    assert actor is not None
    return View(conn, actor)


def exported(world: Ids, fmt: str, *, user: str = "ana", **options: Any) -> bytes:
    out = io.BytesIO()
    export(view_of(world, user), fmt, out, recipient="NCA MSHTU", purpose="briefing",
           **options)  # fmt: skip
    return out.getvalue()


# -- ANX --------------------------------------------------------------------------------------


def anx_structure(data: bytes) -> ET.Element:
    """Parse an ANX chart and check what ANB needs: unique identities, link ends that are
    entities, attribute classes declared, and every icon of a declared type."""
    root = ET.fromstring(data)
    entities = root.findall(".//ChartItem/End/Entity")
    identities = [e.get("Identity") for e in entities]
    assert len(identities) == len(set(identities)), "identities must be unique"
    numbers = {e.get("EntityId") for e in entities}
    for link in root.findall(".//ChartItem/Link"):
        assert link.get("End1Id") in numbers and link.get("End2Id") in numbers
    declared = {a.get("Name") for a in root.findall(".//AttributeClassCollection/AttributeClass")}
    used = {a.get("AttributeClass") for a in root.findall(".//AttributeCollection/Attribute")}
    assert used <= declared, used - declared
    types = {t.get("Name") for t in root.findall(".//EntityTypeCollection/EntityType")}
    for style in root.findall(".//IconStyle"):
        assert style.get("Type") in types
    return root


def test_anx_chart_is_well_formed_with_icons_cards_and_marking(world: Ids) -> None:
    data = exported(world, "anx")
    assert data[:2] == b"\xff\xfe"  # UTF-16 LE with its BOM, as ANB reads it
    root = anx_structure(data)
    title = root.find(".//Summary/FieldCollection/Field[@Type='SummaryFieldTitle']")
    assert title is not None
    assert title.get("Field", "").startswith("OFFICIAL-SENSITIVE, handling C")
    items = {i.find("End/Entity").get("Identity"): i  # type: ignore[union-attr]
             for i in root.findall(".//ChartItemCollection/ChartItem") if i.find("End/Entity")
             is not None}  # fmt: skip
    marking = items.pop("threadline-marking")
    assert marking.get("Label", "").startswith("OFFICIAL-SENSITIVE")
    kinds = {
        item.get("Label"): item.find(".//IconStyle").get("Type")  # type: ignore[union-attr]
        for item in items.values()
    }
    assert kinds["Hung TRAN"] == "Person"
    assert kinds["Sparkle Hand Car Wash Ltd"] == "Organisation"
    assert kinds["4 Mill Street, Wisbech PE13 1AB"] == "Address"
    assert "Phone" in kinds.values() and "Vehicle" in kinds.values()
    assert "Account" in kinds.values()
    worker = items[world["w0"]]
    attributes = {a.get("AttributeClass"): a.get("Value") for a in worker.iter("Attribute")}
    assert attributes["Agencies"] == "police"
    assert attributes["Fact: birthDate"] == "1995-01-01"
    assert attributes["Roles"] == "potential_victim"
    card = worker.find(".//CardCollection/Card")
    assert card is not None and card.get("SourceReference", "").startswith("police/intel/")
    assert card.get("DateTime", "").startswith("2026-01-15")
    grades = {g.tag: [x.get("Text") for x in g.iter("String")]
              for g in root if g.tag.startswith("Grade")}  # fmt: skip
    assert grades["GradeOne"][int(card.get("GradeOneIndex", "9"))].startswith("1 ")  # 1A
    assert grades["GradeTwo"][int(card.get("GradeTwoIndex", "9"))].startswith("A ")
    assert grades["GradeThree"][int(card.get("GradeThreeIndex", "9"))].startswith("P ")
    boss = items[world["boss"]]  # graded 2B, handling C
    assert grades["GradeOne"][int(boss.get("GradeOneIndex", "9"))].startswith("2 ")
    assert grades["GradeThree"][int(boss.get("GradeThreeIndex", "9"))].startswith("C ")
    arrows = {
        link.find("LinkStyle").get("Type"): link.find("LinkStyle").get("ArrowStyle")  # type: ignore[union-attr]
        for link in root.iter("Link")
    }
    assert arrows["works for"] == "ArrowOnHead"
    assert arrows["is an associate of"] in (None, "ArrowNone")
    dated = [i for i in root.iter("ChartItem") if i.find("Link") is not None and i.get("DateSet")]
    assert dated, "links with a start date carry it"


def test_anx_groups_by_community(world: Ids) -> None:
    out = io.BytesIO()
    export(view_of(world), "anx", out, recipient="r", purpose="p", by_community=True)
    root = anx_structure(out.getvalue())
    networks = {a.get("Value") for a in root.iter("Attribute")
                if a.get("AttributeClass") == "Network"}  # fmt: skip
    assert networks and "0" in networks


@pytest.mark.parametrize("size", [1, 40, 3000])
def test_anx_structure_holds_for_small_and_large_charts(size: int) -> None:
    edges = [(f"p{i}", f"p{(i * 7 + 1) % size}", "associate") for i in range(size) if size > 1]
    g = graph_from_edges(edges, nodes=[f"p{i}" for i in range(size)])
    content = Content(g, Scope(), community={f"p{i}": i % 5 for i in range(size)})
    out = io.BytesIO()
    exporter("anx").write(content, out, lambda label, n=1: None)
    root = anx_structure(out.getvalue())
    assert len(root.findall(".//ChartItem/End/Entity")) == size + 1  # and the marking


# -- FollowTheMoney ---------------------------------------------------------------------------


def test_every_ftm_line_loads_and_keeps_its_provenance(world: Ids) -> None:
    lines = exported(world, "ftm").decode("utf-8").splitlines()
    assert lines
    by_caption = {}
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data)
        assert proxy.id and proxy.schema.name == data["schema"]
        statements = [Statement.from_dict(s) for s in data["statements"]]
        for statement in statements:
            assert statement.origin and statement.origin.startswith("record:")
            assert " grade:" in statement.origin
            assert statement.dataset in data["datasets"]
        by_caption[proxy.caption] = (proxy, data)
    boss, data = by_caption["Hung TRAN"]
    assert boss.get("phone") == ["+447700900123"]
    assert data["datasets"] == ["police_intel"]
    assert data["threadline"]["protection"]["marking"] == "OFFICIAL-SENSITIVE"
    worker, _ = by_caption["Worker 0"]
    assert worker.get("birthDate") == ["1995-01-01"] and worker.get("nationality") == ["vn"]
    edges = [p for p, _ in by_caption.values() if p.schema.edge]
    assert {p.schema.name for p in edges} >= {"Employment", "Directorship", "UnknownLink"}
    ids = {p.id for p, _ in by_caption.values()}
    for edge in edges:
        assert edge.get(edge.schema.edge_source)[0] in ids
        assert edge.get(edge.schema.edge_target)[0] in ids


# -- GraphML ----------------------------------------------------------------------------------


def test_graphml_loads_in_networkx_with_attributes(world: Ids) -> None:
    g = nx.read_graphml(io.BytesIO(exported(world, "graphml")))
    assert g.graph["marking"] == "OFFICIAL-SENSITIVE"
    assert g.graph["recipient"] == "NCA MSHTU"
    worker = g.nodes[world["w0"]]
    assert worker["label"] == "Worker 0" and worker["kind"] == "entity"
    assert worker["fact_birthDate"] == "1995-01-01"
    assert isinstance(worker["evidence_count"], int)
    edge = g.edges[world["w0"], world["wash"]]
    assert edge["type"] == "works_for" and isinstance(edge["weight"], float)
    assert edge["directed"] is True
    assert "Secret Patient" not in {d.get("label") for _, d in g.nodes(data=True)}


# -- CSV and XLSX -----------------------------------------------------------------------------


def test_csv_tables_are_marked_and_escape_formulas(world: Ids) -> None:
    archive = zipfile.ZipFile(io.BytesIO(exported(world, "csv")))
    assert set(archive.namelist()) == {"MARKING.txt", "entities.csv", "links.csv"}
    entities = list(csv.reader(io.StringIO(archive.read("entities.csv").decode("utf-8-sig"))))
    assert entities[0][0].startswith("Holds: OFFICIAL-SENSITIVE, handling C")
    assert entities[1][:3] == ["id", "label", "kind"]
    labels = {row[1] for row in entities[2:]}
    assert "'" + FORMULA_NAME in labels and FORMULA_NAME not in labels
    assert "07700 900123" in labels
    links = list(csv.reader(io.StringIO(archive.read("links.csv").decode("utf-8-sig"))))
    assert links[0][0].startswith("Holds: OFFICIAL-SENSITIVE")
    assert any(row[8] == "2025-01-01" for row in links[2:])
    for row in entities[2:] + links[2:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell


def test_xlsx_has_a_marking_sheet_real_dates_and_escaped_text(world: Ids) -> None:
    book = openpyxl.load_workbook(io.BytesIO(exported(world, "xlsx")))
    assert book.sheetnames == ["Marking", "Entities", "Links"]
    first = book["Marking"]
    assert str(first["A1"].value).startswith("Holds: OFFICIAL-SENSITIVE, handling C")
    about = {r[0].value: r[1].value for r in first.iter_rows(min_row=2)}
    assert about["Recipient"] == "NCA MSHTU" and about["Purpose"] == "briefing"
    entities = book["Entities"]
    assert str(entities["A1"].value).startswith("Holds: OFFICIAL-SENSITIVE")
    header = [c.value for c in entities[2]]
    rows = [dict(zip(header, (c.value for c in r), strict=True))
            for r in entities.iter_rows(min_row=3)]  # fmt: skip
    worker = next(r for r in rows if r["label"] == "Worker 0")
    assert isinstance(worker["first_seen"], datetime | date)
    assert worker["first_seen"].isoformat().startswith("2026-01-15")
    assert any(r["label"] == "'" + FORMULA_NAME for r in rows)
    for row in rows:
        for value in row.values():
            assert not (isinstance(value, str) and value[:1] in ("=", "+", "-", "@"))
    links = book["Links"]
    header = [c.value for c in links[2]]
    starts = [dict(zip(header, (c.value for c in r), strict=True))["start"]
              for r in links.iter_rows(min_row=3)]  # fmt: skip
    assert any(isinstance(s, datetime) and s.date() == date(2025, 1, 1) for s in starts)


def test_a_file_export_is_named_after_its_marking(world: Ids, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    done = export(view_of(world), "graphml", folder / "car-wash.graphml",
                  recipient="r", purpose="p")  # fmt: skip
    assert done.path == folder / "car-wash_OFFICIAL-SENSITIVE_handling-C.graphml"
    assert [p.name for p in folder.iterdir()] == [done.path.name]  # no partial file left
    scoped = export(view_of(world), "xlsx", tmp_path / "w0.xlsx", recipient="r", purpose="p",
                    scope=Scope(entity=world["w0"], hops=1))  # fmt: skip
    assert scoped.file_name == "w0_OFFICIAL.xlsx" and scoped.entities == 3


def test_scopes_narrow_what_is_exported(world: Ids) -> None:
    view = view_of(world)
    everything = select(view, Scope())
    ego = select(view_of(world), Scope(entity=world["w0"], hops=1))
    assert set(ego.graph.vs["name"]) == {world["w0"], world["mill"], world["wash"]}
    assert ego.node_count < everything.node_count
    network = select(view_of(world), Scope(network=0))
    assert 0 < network.node_count <= everything.node_count
