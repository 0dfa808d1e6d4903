"""Timelines, changes since a date, and network profiles, on small cases in the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from threadline.graph import build_graph, changes_since, communities, network_profiles, timeline
from threadline.graph.build import graph_from_edges
from threadline.graph.profiles import MemberRisk, network_risk
from threadline.store import tables as t

Case = Any


def _network(case: Case) -> dict[str, str]:
    """A small car-wash network known in pieces to four agencies."""
    referral = case.record("nrm", "1B", on=date(2025, 4, 2), source="nrm_referrals")
    lan = case.e("Person", "Lan NGUYEN", role="potential_victim", record=referral,
                 phone="+447700900123")  # fmt: skip
    case.e("Event", "NRM referral", record=referral, keywords=["Labour", "No"])
    report = case.record("police", "2B", on=date(2025, 6, 1))
    case.mention(lan, report, role="victim")
    hung = case.e("Person", "Hung TRAN", role="suspect", record=report, phone="+447700900123")
    minh = case.e("Person", "Minh VU", role="victim", agency="council", on=date(2024, 11, 5))
    mill = case.e("Address", "4 Mill Street", agency="council", on=date(2024, 11, 5))
    wash = case.e("Company", "Sparkle Hand Car Wash Ltd", agency="hmrc", on=date(2025, 1, 31))
    case.link(lan, "lives_at", mill, agency="council", on=date(2024, 11, 5))
    case.link(minh, "lives_at", mill, agency="council", on=date(2024, 11, 5))
    case.link(lan, "works_for", wash, agency="hmrc", start="2025-01-31", on=date(2025, 1, 31))
    case.link(hung, "seen_at", mill, records=[report], start="2025-05-30T23:40:00")
    return {"lan": lan, "hung": hung, "minh": minh, "mill": mill, "wash": wash}


def test_timeline_lists_records_and_dated_links_oldest_first(case: Case) -> None:
    ids = _network(case)
    g = build_graph(case.view())
    events = timeline(g, ids["lan"])
    assert [e.when for e in events] == sorted(e.when for e in events)
    assert events[0].when == "2024-11-05"
    whats = [e.what for e in events]
    assert "Lan NGUYEN works for Sparkle Hand Car Wash Ltd" in whats
    assert any(w.startswith("nrm nrm_referrals record") and "Lan NGUYEN" in w for w in whats)
    assert {a for e in events for a in e.agencies} == {"council", "hmrc", "nrm", "police"}
    network = timeline(g, [ids["hung"], ids["mill"]])
    assert "Hung TRAN was seen at 4 Mill Street" in [e.what for e in network]
    assert any(e.when == "2025-05-30T23:40:00" for e in network)


def test_changes_since_a_date_the_intelligence_gives(case: Case) -> None:
    ids = _network(case)
    changes = changes_since(build_graph(case.view()), date(2025, 3, 1), "reported")
    assert ids["hung"] in changes.new_nodes
    assert ids["lan"] in changes.updated_nodes
    assert ids["minh"] not in changes.new_nodes + changes.updated_nodes
    assert (ids["hung"], ids["mill"], "seen_at") in changes.new_edges or (
        ids["mill"],
        ids["hung"],
        "seen_at",
    ) in changes.new_edges
    assert all(a <= b for a, b, _ in changes.new_edges)


def test_a_network_profile_says_who_is_who_and_who_knows_what(case: Case) -> None:
    ids = _network(case)
    g = build_graph(case.view())
    profile = network_profiles(g, [0] * g.vcount(), min_size=3)[0]
    assert profile.victims == tuple(sorted([ids["lan"], ids["minh"]]))
    assert profile.suspects == (ids["hung"],)
    assert profile.premises == (ids["mill"],) and profile.businesses == (ids["wash"],)
    assert profile.phones == ("phone:+447700900123",)
    assert profile.exploitation == (("labour", 1),)
    assert (profile.first, profile.last) == ("2024-11-05", "2025-06-01")
    assert profile.agencies["council"] == {"people": 2, "premises": 1}
    assert profile.agencies["hmrc"]["businesses"] == 1
    assert profile.agencies["nrm"]["people"] == 1


def test_a_small_network_with_strong_findings_outranks_a_large_cluster_of_weak_ones() -> None:
    """A family keeping one woman (two members with strong findings about victims, of two
    kinds, among 12) ranks above 150 background people, 10 of them with a weak finding each,
    whose findings add up to more; each kind of evidence about victims counts the findings
    once more, however many members it is found on. Each is measured against its core, the
    members within two steps of a flagged one: the whole household, and the flagged
    residents' houses, housemates and neighbouring houses in the cluster."""
    house = [(f"family {n}", "home", "lives_at") for n in range(10)] + [
        ("woman", "home", "lives_at")
    ]
    crowd = [(f"resident {n}", f"house {n // 5}", "lives_at") for n in range(120)]
    crowd += [(f"house {n}", f"house {n + 1}", "associate") for n in range(23)]
    g = graph_from_edges([*house, *crowd])
    names = list(g.vs["name"])
    membership = [0 if n in {"home", "woman"} or n.startswith("family") else 1 for n in names]
    weak = {f"resident {n * 12}": 0.6 for n in range(10)}  # 6.0 in all
    strong = {"home": 1.77, "woman": 1.0}  # 2.77 in all
    victims = {
        "home": frozenset({"household_worker", "premises_signs"}),
        "woman": frozenset({"household_worker"}),
    }
    risk = MemberRisk({**weak, **strong}, victims=victims)
    household, cluster = network_profiles(g, membership, scores=risk)
    assert household.community == 0 and cluster.community == 1
    assert cluster.total > household.total and cluster.size > 10 * household.size
    assert household.victim_evidence == ("household_worker", "premises_signs")
    assert household.core == household.size == 12
    assert cluster.core == 73 and cluster.size == 144
    assert household.risk == round(network_risk(2.77, household.core) * 3, 4)
    assert cluster.risk == round(network_risk(6.0, cluster.core), 4)
    assert household.victims_found and not cluster.victims_found
    assert (household.scored, cluster.scored) == (2, 10)
    plain = network_profiles(g, membership, scores={**weak, **strong})
    assert [p.risk for p in plain] == [
        round(network_risk(2.77, 12), 4),
        round(network_risk(6.0, 73), 4),
    ]


def test_a_network_is_measured_against_its_core_not_the_people_drawn_around_it() -> None:
    """A yard with signs of exploitation reported, its three workers and their boss sit in a
    community of 66 with the boss's shop and its 60 customers, three steps and more from
    anything found; an innocent cafe's staff share a flat and a phone (20 nodes, no finding
    about victims). Against the whole community the network would rank below the cafe
    (1.57 / sqrt(66) x 2 = 0.39 against 0.94); against its core, the six members within two
    steps of a finding, above it (1.28)."""
    network = [(f"worker {n}", "yard", "lives_at") for n in range(3)]
    network += [("boss", "yard", "owns"), ("boss", "shop", "owns")]
    network += [(f"customer {n}", "shop", "customer_of") for n in range(60)]
    cafe = [(f"staff {n}", "flat", "lives_at") for n in range(6)]
    cafe += [(f"staff {n}", "cafe", "works_for") for n in range(6)]
    cafe += [(f"supplier {n}", "cafe", "supplies") for n in range(12)]
    g = graph_from_edges([*network, *cafe])
    names = list(g.vs["name"])
    in_cafe = {"cafe", "flat"}
    membership = [1 if n in in_cafe or n.startswith(("staff", "supplier")) else 0 for n in names]
    scores = {"yard": 0.77, "worker 0": 0.4, "worker 1": 0.4, "cafe": 0.83}
    scores |= {f"staff {n}": 0.56 for n in range(6)}
    risk = MemberRisk(scores, victims={"yard": frozenset({"premises_signs"})})
    yard, cafe_profile = network_profiles(g, membership, scores=risk)
    assert (yard.community, yard.size, yard.core) == (0, 66, 6)
    assert (cafe_profile.size, cafe_profile.core) == (20, 20)
    assert yard.risk == round(network_risk(1.57, 6) * 2, 4) == 1.2819
    assert cafe_profile.risk == round(network_risk(4.19, 20), 4) < yard.risk
    assert network_risk(1.57, 66) * 2 < cafe_profile.risk


def test_profiles_of_communities_skip_small_ones(case: Case) -> None:
    _network(case)
    case.e("Person", "Lone Person")
    g = build_graph(case.view())
    membership = communities(g, seed=1)
    profiles = network_profiles(g, membership, min_size=3)
    assert profiles and all(p.size >= 3 for p in profiles)
    assert "lone-person" not in {n for p in profiles for n in p.other_people}


def test_changes_since_a_date_count_what_reached_the_store_then(case: Case) -> None:
    """A partner's export loaded today about last year is new today, whatever its own dates;
    what was loaded before the date is not, even if it reports later events."""
    ids = _network(case)
    r = t.records.c
    police = case.conn.execute(sa.select(r.id).where(r.agency_id == case.agency("police")))
    police_records = sorted(int(i) for i in police.scalars())
    others = sa.update(t.records).where(r.id.not_in(police_records))
    case.conn.execute(others.values(created_at=datetime(2025, 7, 1, tzinfo=UTC)))
    g = build_graph(case.view())
    changes = changes_since(g, date(2025, 8, 1))
    assert changes.clock == "received"
    assert changes.records == tuple(police_records)
    assert ids["hung"] in changes.new_nodes and ids["lan"] in changes.updated_nodes
    assert ids["minh"] not in changes.new_nodes + changes.updated_nodes
    kinds = {kind for *_, kind in changes.new_edges}  # all from the police report
    assert "seen_at" in kinds and not kinds & {"lives_at", "works_for"}
    assert all(g["records"][r].received_on == date.today() for r in changes.records)
    assert changes_since(g, date.today() + timedelta(days=1)).records == ()


def test_a_profile_names_its_kinds_of_evidence_about_victims_in_words() -> None:
    """The command line's profile heading gives the risk, what it comes from and the kinds of
    evidence about victims by the indicators' titles, not their machine names."""
    from rich.console import Console

    from threadline.cli.render import print_profiles

    g = graph_from_edges([("woman", "home", "lives_at"), ("man", "home", "lives_at")])
    victims = {"home": frozenset({"household_worker", "premises_signs"})}
    risk = MemberRisk({"home": 1.77, "woman": 1.0}, victims=victims)
    profiles = network_profiles(g, [0, 0, 0], scores=risk)
    console = Console(record=True, width=200)
    print_profiles(console, g, profiles)
    heading = " ".join(console.export_text().split("┏")[0].split())  # the table's title
    assert "risk 4.80 (findings 2.77 on 2 members flagged, 1 member more within 2 steps" in heading
    assert (
        "about victims: lone unpaid worker living in a suspect's home; signs of exploitation "
        "reported at the premises" in heading
    )
