"""Charts: standalone, deterministic SVG with a text alternative and the numbers behind it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from threadline.reports.figures import (
    ChartNode,
    Figure,
    bar_chart,
    grouped_bar_chart,
    network_chart,
    time_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def assert_standalone(figure: Figure) -> ET.Element:
    """One <svg> element that needs nothing from outside: no script, no external link or
    image, no font to fetch, no stylesheet import; labelled with its text alternative."""
    root = ET.fromstring(figure.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == figure.alt
    assert root.find(f"{SVG}title") is not None
    for element in root.iter():
        assert element.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image"}
        for name, value in element.attrib.items():
            assert not name.startswith("on"), name
            if name in {XLINK, "href"}:
                assert value.startswith("#"), value
    assert "@import" not in figure.svg and "@font-face" not in figure.svg
    assert re.findall(r"url\((?!#)", figure.svg) == []
    assert "<text" not in figure.svg  # text is drawn as paths: no font needed
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    refs = set(re.findall(r'href="#([^"]+)"', figure.svg)) | set(
        re.findall(r"url\(#([^)]+)\)", figure.svg)
    )
    assert refs <= set(ids), refs - set(ids)
    return root


def test_bar_chart_shows_each_count_and_lists_it() -> None:
    fig = bar_chart(
        "Victims by nationality",
        [("Romania", 23), ("Albania", 17), ("UK", 4)],
        label="potential victims",
    )
    assert_standalone(fig)
    assert fig.title == "Victims by nationality"
    assert fig.table == (
        ("category", "potential victims"),
        ("Romania", "23"),
        ("Albania", "17"),
        ("UK", "4"),
    )
    assert "Romania 23" in fig.alt and "total 44" in fig.alt


def test_the_same_input_gives_the_same_bytes() -> None:
    counts = [("Labour", 5), ("Sexual", 3)]
    assert bar_chart("t", counts).svg == bar_chart("t", counts).svg
    nodes = [ChartNode(str(i), f"n{i}", "person") for i in range(8)]
    edges = [(str(i), str((i + 3) % 8)) for i in range(8)]
    assert network_chart("n", nodes, edges).svg == network_chart("n", nodes, edges).svg


def test_figures_inlined_in_one_page_share_no_id() -> None:
    """Each figure's ids carry a digest of it: two charts in one HTML page stay valid."""
    first = bar_chart("One", [("a", 1)])
    second = bar_chart("Two", [("a", 1)])
    ids = [set(re.findall(r'\bid="([^"]+)"', f.svg)) for f in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]


def test_grouped_bars_total_each_category() -> None:
    fig = grouped_bar_chart(
        "By exploitation type", ["Labour", "Sexual"], {"adult": [3, 4], "child": [1, 0]}
    )
    assert_standalone(fig)
    assert fig.table[0] == ("category", "adult", "child", "total")
    assert fig.table[1:] == (("Labour", "3", "1", "4"), ("Sexual", "4", "0", "4"))
    assert "Labour 4 (adult 3, child 1)" in fig.alt


def test_grouped_bars_refuse_a_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="series 'child' has 1 values for 2"):
        grouped_bar_chart("t", ["a", "b"], {"adult": [1, 2], "child": [1]})


def test_time_chart_lists_months_and_leaves_missing_ones_blank() -> None:
    fig = time_chart(
        "Per month",
        {
            "victims": [(date(2026, 1, 14), 3), (date(2026, 3, 1), 5)],
            "suspects": [(date(2026, 2, 1), 1)],
        },
    )
    assert_standalone(fig)
    assert fig.table == (
        ("month", "victims", "suspects"),
        ("2026-01", "3", ""),
        ("2026-02", "", "1"),
        ("2026-03", "5", ""),
    )
    assert "January 2026 to March 2026" in fig.alt
    assert "victims: 8 in all, most in March 2026 (5)" in fig.alt


def test_network_chart_tables_nodes_with_their_links() -> None:
    nodes = [
        ChartNode("p1", "Ann Smith", "people"),
        ChartNode("p2", "Bob Jones", "person"),
        ChartNode("a1", "1 High Street", "premises"),
        ChartNode("v1", "AB12 CDE", "vehicles"),
    ]
    edges = [("p1", "a1"), ("p2", "a1"), ("a1", "p1"), ("p1", "p1"), ("p2", "gone")]
    fig = network_chart("Network 1", nodes, edges)
    assert_standalone(fig)
    assert fig.table == (
        ("node", "category", "links"),
        ("Ann Smith", "people", "1"),
        ("Bob Jones", "person", "1"),
        ("1 High Street", "premises", "2"),
        ("AB12 CDE", "vehicles", "0"),
    )
    assert fig.alt == (
        "Link chart of 4 entities (2 person, 1 address / premises, 1 vehicle) joined by 2 links."
    )


def test_a_forty_node_network_draws_every_label() -> None:
    categories = [
        "person",
        "organisation",
        "address",
        "vehicle",
        "phone",
        "account",
        "document",
        "other",
    ]
    nodes = [ChartNode(f"n{i}", f"Entity {i}", categories[i % 8]) for i in range(40)]
    edges = [(f"n{i}", f"n{(i * 7 + 1) % 40}") for i in range(40)]
    fig = network_chart("Large", nodes, edges)
    assert_standalone(fig)
    assert len(fig.table) == 41


@pytest.mark.parametrize(
    "figure",
    [
        bar_chart("empty", []),
        grouped_bar_chart("empty", [], {}),
        time_chart("empty", {}),
        network_chart("empty", [], []),
    ],
    ids=["bar", "grouped", "time", "network"],
)
def test_an_empty_chart_says_so(figure: Figure) -> None:
    assert_standalone(figure)
    assert "nothing to show" in figure.alt
    assert len(figure.table) == 1


def test_markup_in_a_label_stays_text() -> None:
    fig = bar_chart('<script>alert(1)</script> & "x"', [("<b>", 1)])
    root = assert_standalone(fig)
    assert root.find(f"{SVG}title").text == '<script>alert(1)</script> & "x"'  # type: ignore[union-attr]


def test_names_in_scripts_the_font_lacks_are_drawn_in_latin_letters() -> None:
    """CJK and Thai have no glyphs in the house font and Arabic would be drawn unjoined: the
    picture shows them in Latin letters (no warning of a missing glyph), the table as given."""
    nodes = [
        ChartNode("a", "王伟", "person"),
        ChartNode("b", "محمد علي", "person"),
        ChartNode("c", "สมชาย", "person"),
        ChartNode("d", "Nguyễn Văn An", "person"),
    ]
    fig = network_chart("Names", nodes, [("a", "b"), ("b", "c"), ("c", "d")])
    assert_standalone(fig)
    assert [row[0] for row in fig.table[1:]] == ["王伟", "محمد علي", "สมชาย", "Nguyễn Văn An"]
    assert bar_chart("t", [("王伟", 1)]).table[1] == ("王伟", "1")
