"""Building the graph from the store: nodes, value nodes, evidence, permissions and filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from threadline.graph import GraphFilter, build_graph, find_node, index_names
from threadline.graph.paths import path_steps
from threadline.graph.vocabulary import NodeNotFound
from threadline.values import get_type

Case = Any


def _node(g: Any, name: str) -> Any:
    return g.vs.find(name=name)


def _edge(g: Any, a: str, b: str, kind: str) -> Any:
    ia, ib = _node(g, a).index, _node(g, b).index
    found = [e for e in g.es.select(_between=([ia], [ib])) if e["type"] == kind]
    assert len(found) == 1, f"expected one {kind} edge between {a} and {b}"
    return found[0]


def test_a_shared_phone_is_a_value_node_joining_two_people(case: Case) -> None:
    lan = case.e("Person", "Lan NGUYEN", role="victim", phone="+447700900123")
    hung = case.e("Person", "Hung TRAN", role="suspect", phone="+447700900123")
    g = build_graph(case.view())
    phone = get_type("phone").node_id("+447700900123")
    assert phone == "phone:+447700900123"
    node = _node(g, phone)
    assert (node["kind"], node["schema"], node["caption"]) == ("value", "Phone", "07700 900123")
    assert sorted(g.vs[i]["name"] for i in g.neighbors(node.index)) == [hung, lan]
    assert _edge(g, lan, phone, "has_phone")["records"]
    assert _node(g, lan)["roles"] == ("victim",)


def test_a_vehicle_entity_and_a_mention_of_its_registration_meet_at_one_node(case: Case) -> None:
    van = case.e("Vehicle", "Ford Transit", registrationNumber="AB12CDE")
    record = case.record("charity", "2C")
    note = case.note(record, vehicleMentioned="AB12CDE")
    account = case.e("BankAccount", "Account", accountNumber="200000-12345678")
    payee = case.e("Person", "Minh VU")
    case.link(payee, "paid_into", account)
    g = build_graph(case.view())
    vehicle = _node(g, "vrm:AB12CDE")
    assert vehicle["entity_ids"] == (van,) and vehicle["kind"] == "entity"
    edge = _edge(g, note, "vrm:AB12CDE", "mentions_vehicle")
    assert edge["extracted"] is True and edge["grade"] == "2C"
    assert _node(g, "account:200000-12345678")["entity_ids"] == (account,)
    assert _edge(g, payee, "account:200000-12345678", "paid_into")


def test_edges_carry_type_dates_best_grade_corroborated_weight_and_combined_handling(
    case: Case,
) -> None:
    lan = case.e("Person", "Lan NGUYEN")
    mill = case.e("Address", "4 Mill Street")
    weak = case.record("charity", "2C", on=date(2025, 3, 1))
    conditioned = case.record("police", "2BC", on=date(2025, 6, 1))
    case.link(lan, "lives_at", mill, records=[weak], start="2025-03")
    case.link(lan, "lives_at", mill, records=[conditioned], start="2025-06-01", end="2025-09-30")
    edge = _edge(build_graph(case.view()), lan, mill, "lives_at")
    assert edge["records"] == (weak, conditioned)
    assert edge["grade"] == "2B"  # the best of 2C (weight 0.42) and 2B (0.6)
    assert edge["weight"] == pytest.approx(1 - (1 - 0.42) * (1 - 0.6), abs=1e-4)
    assert (edge["start"], edge["end"]) == ("2025-03", "2025-09-30")
    assert edge["handling"] == "C" and edge["conditions"] == ("Partner safeguarding use only",)
    assert edge["src"] == lan and len(edge["link_ids"]) == 2


def test_legacy_grades_are_weighed_through_the_table_and_kept_as_graded(case: Case) -> None:
    lan = case.e("Person", "Lan NGUYEN")
    mill = case.e("Address", "4 Mill Street")
    case.link(lan, "lives_at", mill, grade="B24")
    g = build_graph(case.view("police"))  # legacy handling 4: only the police see it
    edge = _edge(g, lan, mill, "lives_at")
    info = g["records"][edge["records"][0]]
    assert info.grade.code == "B24" and info.code == "1A"
    assert edge["handling"] == "C"  # legacy handling 4 stays with its originating agency
    assert edge["grade"] == "B24"  # shown as graded, weighed as its reading 1A
    # The step of a path along it names the strongest grade as given, too.
    case.link(lan, "lives_at", mill, grade="2B")
    g = build_graph(case.view("police"))
    assert _edge(g, lan, mill, "lives_at")["grade"] == "B24"
    (step,) = path_steps(g, [g.vs[find_node(g, lan)]["name"], g.vs[find_node(g, mill)]["name"]])
    assert step.grade == "B24"


def test_a_link_without_a_type_falls_back_on_its_schema(case: Case) -> None:
    lan = case.e("Person", "Lan NGUYEN")
    wash = case.e("Company", "Sparkle Hand Car Wash Ltd")
    case.link(lan, "works_for", wash, typed=False)
    assert _edge(build_graph(case.view()), lan, wash, "works_for")


def test_entities_named_together_in_a_record_are_joined(case: Case) -> None:
    report = case.record()
    lan = case.e("Person", "Lan NGUYEN", role="victim", record=report)
    hung = case.e("Person", "Hung TRAN", role="suspect", record=report)
    case.e("Address", "4 Mill Street", record=report)  # addresses are joined by links only
    g = build_graph(case.view())
    assert _edge(g, lan, hung, "mentioned_with")["records"] == (report,)
    assert g.ecount() == 1
    assert build_graph(case.view(), filters=GraphFilter(co_mentions=False)).ecount() == 0


def _permission_world(case: Case) -> tuple[dict[str, str], int, int]:
    open_record = case.record("police", "1A")
    closed = case.record("nhs", "1B", marking="OFFICIAL-SENSITIVE")
    lan = case.e("Person", "Lan NGUYEN", record=open_record, birthDate="1998-04-03")
    case.mention(lan, closed, caption="NGUYEN Thi Lan (secret ward)", birthDate="1990-01-01",
                 phone="+447700900999")  # fmt: skip
    hidden = case.e("Person", "Hidden Person", record=closed)
    mill = case.e("Address", "4 Mill Street", record=open_record)
    case.link(lan, "lives_at", mill, records=[open_record])
    case.link(hidden, "lives_at", mill, records=[closed])
    case.link(lan, "associate", hidden, records=[open_record, closed])
    return {"lan": lan, "hidden": hidden, "mill": mill}, open_record, closed


def test_nothing_backed_only_by_records_the_user_may_not_see_is_in_the_graph(case: Case) -> None:
    ids, open_record, closed = _permission_world(case)
    g = build_graph(case.view("police", shared=False))
    names = set(g.vs["name"])
    assert ids["hidden"] not in names
    assert "phone:+447700900999" not in names
    lan = _node(g, ids["lan"])
    assert lan["caption"] == "Lan NGUYEN" and lan["records"] == (open_record,)
    assert lan["facts"] == {"birthDate": (("1998-04-03", open_record),)}
    assert set(g["records"]) == {open_record}
    assert [e["type"] for e in g.es] == ["lives_at"]
    assert all(closed not in e["records"] for e in g.es)
    full = build_graph(case.view())
    assert ids["hidden"] in set(full.vs["name"]) and full.ecount() > g.ecount()


def test_filters_narrow_by_grade_agency_type_and_date(case: Case) -> None:
    lan = case.e("Person", "Lan NGUYEN", on=date(2024, 1, 1))
    mill = case.e("Address", "4 Mill Street", on=date(2024, 1, 1))
    wash = case.e("Company", "Sparkle Car Wash", on=date(2024, 1, 1))
    case.link(lan, "lives_at", mill, agency="council", grade="1A", start="2023-01-01",
              end="2023-12-31")  # fmt: skip
    case.link(lan, "works_for", wash, agency="charity", grade="2C", on=date(2025, 5, 1))

    def types(**kwargs: Any) -> list[str]:
        return sorted(build_graph(case.view(), filters=GraphFilter(**kwargs)).es["type"])

    assert types() == ["lives_at", "works_for"]
    assert types(min_grade="2B") == ["lives_at"]
    assert types(agencies=frozenset({"charity", "police"})) == ["works_for"]
    assert types(link_types=frozenset({"works_for"})) == ["works_for"]
    assert types(since=date(2025, 1, 1)) == ["works_for"]
    assert types(until=date(2024, 12, 31)) == ["lives_at"]
    assert types(since=date(2023, 6, 1), until=date(2023, 6, 30)) == ["lives_at"]


@pytest.mark.parametrize("indexed", [False, True], ids=["names scanned", "names indexed"])
def test_find_node_by_id_value_or_unique_caption(case: Case, indexed: bool) -> None:
    lan = case.e("Person", "Lan NGUYEN", phone="+447700900123")
    case.e("Person", "Lan TRAN")
    g = build_graph(case.view())
    if indexed:
        index_names(g)
    assert g.vs[find_node(g, lan)]["name"] == lan
    assert g.vs[find_node(g, "lan nguyen")]["name"] == lan
    assert g.vs[find_node(g, "phone:+447700900123")]["kind"] == "value"
    with pytest.raises(NodeNotFound, match="matches 2 nodes"):
        find_node(g, "Lan")
    with pytest.raises(NodeNotFound, match="no entity or value"):
        find_node(g, "per-nobody")
    g.vs[find_node(g, lan)]["name"] = "renamed"  # igraph indexes the names afresh
    assert g.vs[find_node(g, "renamed")]["caption"] == "Lan NGUYEN"
    assert find_node(g, lan) == find_node(g, "renamed")  # by its entity id now


def test_an_empty_store_gives_an_empty_graph(case: Case) -> None:
    g = build_graph(case.view())
    assert (g.vcount(), g.ecount(), g["records"]) == (0, 0, {})


def test_a_business_is_named_by_its_records_fields_before_narratives(case: Case) -> None:
    """Two narratives call it "Jade Therapy Rooms"; the register's name stays its caption. A
    business only narratives name takes theirs."""
    from threadline.read.captions import entity_captions

    jade = case.e("Company", "JADE THERAPY ROOMS LTD")
    zenith = case.e("Company", "Zenith Therapy Rooms", slot="text:narrative:organisation0")
    for _ in range(2):
        case.mention(jade, caption="Jade Therapy Rooms", slot="text:narrative:organisation0")
    g = build_graph(case.view())
    assert _node(g, jade)["caption"] == "JADE THERAPY ROOMS LTD"
    assert _node(g, zenith)["caption"] == "Zenith Therapy Rooms"
    shown = entity_captions(case.view(), [jade, zenith])
    assert shown == {jade: "JADE THERAPY ROOMS LTD", zenith: "Zenith Therapy Rooms"}


def test_a_place_only_vehicles_are_seen_at_is_a_waypoint() -> None:
    from threadline.graph.build import _waypoints, graph_from_edges

    places = {"camera": "Address", "yard": "Address", "flat": "Address", "lone": "Address"}
    g = graph_from_edges(
        [
            ("car", "camera", "seen_at"),  # an ANPR site: only sightings
            ("van", "camera", "seen_at"),
            ("van", "yard", "seen_at"),  # a yard a person lives at too
            ("ana", "yard", "lives_at"),
            ("ana", "flat", "seen_at"),  # a person seen at a flat
            ("ana", "ana", "associate"),  # a loop says nothing of places
        ],
        schemata={"car": "Vehicle", "van": "Vehicle", **places},
        nodes=["lone"],  # an address with no edge at all
    )
    found = dict(zip(g.vs["name"], _waypoints(g), strict=True))
    assert found == {"car": False, "van": False, "camera": True, "yard": False,
                     "ana": False, "flat": False, "lone": False}  # fmt: skip
