"""Network watches, indicator alerts, captured records and reasons shown with captions, on both
databases: a watched network gaining and losing members after resolution (naming who, on the
record's agency, grade, marking and date), a rolled-back batch taking its members' alerts and
raising none about their leaving; an indicator newly firing on a watched premises, or on a
premises in a watched network, after an analysis run, told only to the user whose run it was
(once an agreement lets them see its evidence); a captured report checked against the watches
as a loaded batch is; a caption shown only to someone who may see a record naming it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.graph import around
from threadline.graph.around import build_around
from threadline.ingest.batches import rollback_batch
from threadline.ingest.capture import IntelligenceReport, capture
from threadline.read import View
from threadline.resolve.judgements import record_judgement
from threadline.risk.analysis import analyse
from threadline.security import Actor, erase_record
from threadline.security.sharing import add_agreement
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking import list_alerts, list_watches, networks
from threadline.tracking.alerts import Alert
from threadline.tracking.alerts import shown as render

from .conftest import FIXTURES, later, load, user
from .test_alerts import VICTIM, alerts, entity_of, resolve, watch

FLAT = "local/test_intel:IR0001:home"


def shown(store: Store, actor: Actor) -> list[Alert]:
    with store.connect() as conn:
        return list_alerts(View(conn, actor))


def residents(folder: Path, count: int) -> Path:
    """A later export: `count` unrelated adults living at the victim's flat (graded 1A)."""
    header = (FIXTURES / "intel.csv").read_text(encoding="utf-8").splitlines()[0]
    names = ["KOVAC,Mira", "BALOGH,Ivan", "DUDA,Petr", "HORVAT,Ana", "KRAL,Jan", "NOVAK,Eva",
             "SIMA,Olga"][:count]  # fmt: skip
    rows = [f'IR01{i:02d},02/10/2025,1,A,P,,OFFICIAL,{name},01/01/1990,witness,,'
            f'"Flat 2, 10 Mill Street",NS1 4AB,Lives at the flat.'
            for i, name in enumerate(names)]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "residents.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_watched_network_gaining_and_losing_members_raises_alerts(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    watch(store, local, network=victim)
    with store.connect() as conn:
        [held] = list_watches(View(conn, local))
        kept = conn.execute(sa.select(t.watch_members.c.node)).scalars().all()
    assert held.kind == "network" and held.label == "network of Person Thi Lan Nguyen"
    assert victim in kept and entity_of(store, FLAT) in kept
    resolve(store)  # nothing new: nothing to tell
    assert alerts(store, local) == []
    # a later record: a second Thi Lan Nguyen, not (yet) judged the same, at a new address,
    # giving the victim's phone: she and her address join the network
    batch = load(store, later(tmp_path, address="Unit 4, Canal Yard")).batch_id
    resolve(store)
    found = shown(store, local)
    joined = [a for a in found if a.kind == "joined"]
    [one] = joined
    assert (one.record_key, one.agency, one.grade, one.marking) == (
        "IR0004", "local", "2BP", "OFFICIAL")  # fmt: skip
    assert one.reported_on is not None and one.reported_on.isoformat() == "2025-10-01"
    assert one.reason == ("Unit 4, Canal Yard, Thi Lan Nguyen joined the watched network of "
                          "Thi Lan Nguyen")  # fmt: skip
    assert one.entity_id == entity_of(store, "local/test_intel:IR0004:home")
    assert one.entity == "Unit 4, Canal Yard" and one.origin.startswith("resolution run ")
    assert one.watch == "network of Person Thi Lan Nguyen"
    left = {a.record_key for a in found if a.kind == "left"}
    assert left <= {"IR0001"}  # the narrative may regroup; nothing else leaves
    # the later batch rolled back: its alerts go, and its members leave without a word
    with store.connect() as conn:
        rollback_batch(conn, int(batch or 0))
    assert [a for a in shown(store, local) if a.record_key == "IR0004"] == []
    resolve(store)
    assert {(a.kind, a.record_key) for a in shown(store, local)} <= {
        ("left", "IR0001"), ("joined", "IR0001")}  # fmt: skip
    with store.connect() as conn:
        nodes = set(conn.execute(sa.select(t.watch_members.c.node)).scalars())
    assert victim in nodes and entity_of(store, FLAT) in nodes


def test_a_partner_watching_a_network_is_told_only_of_what_she_may_see(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    partner = user(store, admin, "bea", "b")
    with store.connect() as conn:
        add_agreement(conn, admin, "local", "b")
    watch(store, partner, network=entity_of(store, VICTIM))
    load(store, later(tmp_path, address="Unit 4, Canal Yard"), agency="c")
    resolve(store)
    # the network grew through agency c's record: nothing she may see says so
    assert alerts(store, partner) == []
    with store.connect() as conn:
        add_agreement(conn, admin, "c", "b")
    resolve(store)
    assert alerts(store, partner) == []  # she may see it now, but it is not in her network
    with store.connect() as conn:  # until she judges the newcomer to be the victim
        record_judgement(conn, partner, VICTIM, "c/test_intel:IR0004:subject", "same",
                         "same name, date of birth and phone")  # fmt: skip
    resolve(store)
    assert ("joined", "IR0004") in alerts(store, partner)


def test_members_kept_under_another_definition_are_kept_again_without_alerts(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    watch_id = watch(store, local, network=victim)
    wm, w = t.watch_members.c, t.watches.c
    with store.connect() as conn:
        assert conn.execute(sa.select(w.network_rule)).scalar_one() == networks.NETWORK_RULE
        kept = networks.kept_members(conn, watch_id)
        # as an earlier definition (none recorded) had kept it: the anchor alone
        conn.execute(sa.delete(t.watch_members).where(wm.node != victim))
        conn.execute(sa.update(t.watches).values(network_rule=None))
    load(store, later(tmp_path, key="IR0005"))  # about her: the network is read again
    resolve(store)
    assert [a for a in alerts(store, local) if a[0] in ("joined", "left")] == []
    with store.connect() as conn:
        assert conn.execute(sa.select(w.network_rule)).scalar_one() == networks.NETWORK_RULE
        assert set(kept) <= set(networks.kept_members(conn, watch_id))


def test_owners_who_see_the_same_records_share_one_graph(
    store: Store, admin: Actor, intel: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    pat = user(store, admin, "pat", "local", "analyst")
    kim = user(store, admin, "kim", "local", "analyst")
    bea = user(store, admin, "bea", "b")
    with store.connect() as conn:
        add_agreement(conn, admin, "local", "b")
    for someone in (pat, kim, bea):
        watch(store, someone, network=victim)
    built: list[str] = []
    real = networks.build_around

    def counted(view: View, anchors: Any, **kw: Any) -> Any:
        built.append(view.actor.username)
        return real(view, anchors, **kw)

    monkeypatch.setattr(networks, "build_around", counted)
    load(store, later(tmp_path, address="Unit 4, Canal Yard"))
    resolve(store)
    # the two local analysts (one agency, roles, clearance and no case) share a graph; the
    # partner, who sees less (not the suspect's record, kept in its agency), has her own
    assert len(built) == 2 and "bea" in built
    for someone in (pat, kim, bea):
        assert ("joined", "IR0004") in alerts(store, someone), someone.username


def test_an_indicator_newly_firing_on_a_watched_premises_raises_an_alert(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    flat = entity_of(store, FLAT)
    watch(store, local, entity=flat)
    pat = user(store, admin, "pat", "local", "analyst")
    watch(store, pat, entity=flat)
    with store.connect() as conn:
        analyse(View(conn, local))
    load(store, residents(tmp_path, 7))
    resolve(store)
    assert [a for a in shown(store, local) if a.kind == "indicator"] == []
    with store.connect() as conn:
        analyse(View(conn, local))
    [fired] = [a for a in shown(store, local) if a.kind == "indicator"]
    assert fired.reason == "indicator crowded_address newly fires on Flat 2, 10 Mill Street"
    assert (fired.record_key, fired.agency, fired.grade, fired.marking) == (
        "IR0106", "local", "1AP", "OFFICIAL")  # fmt: skip
    assert fired.origin.startswith("analysis run ") and fired.entity_id == flat
    assert [a for a in shown(store, pat) if a.kind == "indicator"] == []  # not her run
    with store.connect() as conn:  # firing again is no news
        analyse(View(conn, local))
    assert len([a for a in shown(store, local) if a.kind == "indicator"]) == 1
    # its evidence record erased: the alert goes, and the next run (which still finds the
    # flat crowded on the rest) says nothing that would tell of the erasure
    sue = user(store, admin, "sue", "local", "supervisor")
    with store.connect() as conn:
        record = conn.execute(
            sa.select(t.records.c.id).where(t.records.c.record_key == "IR0106")
        ).scalar_one()
        erase_record(conn, sue, int(record), "retention period ended")
    assert [a for a in shown(store, local) if a.kind == "indicator"] == []
    resolve(store)
    with store.connect() as conn:
        analyse(View(conn, local))
    assert [a for a in shown(store, local) if a.kind == "indicator"] == []


def test_an_indicator_newly_firing_on_a_member_of_a_watched_network_raises_an_alert(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim, flat = entity_of(store, VICTIM), entity_of(store, FLAT)
    watch(store, local, network=victim)
    pat = user(store, admin, "pat", "local", "analyst")
    with store.connect() as conn:
        analyse(View(conn, local))
    # seven unrelated adults at the victim's flat, in agency c's file: the flat is crowded,
    # but not in anything the analyst may see, so her run finds nothing and she is told nothing
    load(store, residents(tmp_path, 7), agency="c")
    resolve(store)
    with store.connect() as conn:
        analyse(View(conn, local))
    assert [a for a in shown(store, local) if a.kind == "indicator"] == []
    with store.connect() as conn:  # until an agreement lets her see it
        add_agreement(conn, admin, "c", "local")
        analyse(View(conn, local))
        analyse(View(conn, pat))
    [fired] = [a for a in shown(store, local) if a.kind == "indicator"]
    assert fired.reason == ("indicator crowded_address newly fires on Flat 2, 10 Mill Street, a "
                            "member of the watched network of Thi Lan Nguyen")  # fmt: skip
    assert (fired.record_key, fired.agency, fired.grade, fired.marking) == (
        "IR0106", "c", "1AP", "OFFICIAL")  # fmt: skip
    assert fired.reported_on is not None and fired.reported_on.isoformat() == "2025-10-02"
    assert fired.entity_id == flat and fired.watch == "network of Person Thi Lan Nguyen"
    assert fired.origin.startswith("analysis run ")
    assert shown(store, pat) == []  # her run found the flat crowded, but she watches nothing
    with store.connect() as conn:  # firing again is no news
        analyse(View(conn, local))
    assert len([a for a in shown(store, local) if a.kind == "indicator"]) == 1


def test_a_captured_report_is_checked_against_the_watches(store: Store, local: Actor) -> None:
    watch(store, local, identifier=("vrm", "AB12 CDE"))
    report = IntelligenceReport.model_validate({
        "agency": "local", "officer": "PC 123 Smith", "source_reference": "SRC-0042",
        "intelligence_at": "2026-11-01T21:30:00", "reported_at": "2026-11-02T09:00:00Z",
        "source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P",
        "marking": "OFFICIAL", "exploitation": ["labour"],
        "subjects": [{"kind": "vehicle", "properties": {"registrationNumber": "ab12 cde"}}],
        "statements": [{"text": "The van is seen every morning", "kind": "fact"}],
        "narrative": "A van was seen at the car wash.", "identifiers": [],
    })  # fmt: skip
    saved = capture(store, local, report)
    [alert] = shown(store, local)
    assert (alert.kind, alert.record_key, alert.origin) == (
        "record", saved.record_key, f"batch {saved.batch_id}")  # fmt: skip
    assert (alert.agency, alert.grade, alert.marking) == ("local", "2BP", "OFFICIAL")
    assert alert.reason == "vrm AB12CDE stated as registrationNumber"


def test_a_reason_names_only_what_its_reader_may_see(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    watch(store, local, entity=victim)
    load(store, later(tmp_path, address="Unit 4, Canal Yard"))
    resolve(store)
    with store.connect() as conn:
        record_judgement(conn, local, VICTIM, "local/test_intel:IR0004:subject", "same",
                         "same name, date of birth and phone")  # fmt: skip
    resolve(store)
    [link] = [a for a in shown(store, local) if a.kind == "link"]
    assert link.reason == "new link: lives at Unit 4, Canal Yard"
    assert link.watch == "Person Thi Lan Nguyen" and link.entity == "Unit 4, Canal Yard"
    with store.connect() as conn:
        stored = conn.execute(sa.select(t.alerts.c.reason).where(t.alerts.c.kind == "link"))
        assert stored.scalar_one() == f"new link: lives at [[{link.entity_id}]]"
    # each reader's View renders the references: the suspect is named only in a record that
    # may not leave its agency, so a partner sees her caption for no one
    partner = user(store, admin, "bea", "b")
    with store.connect() as conn:
        add_agreement(conn, admin, "local", "b")
    suspect = entity_of(store, "local/test_intel:IR0002:subject")
    victim = entity_of(store, VICTIM)
    about = replace(link, reason=f"[[{suspect}]] and [[{victim}]]", entity_id=suspect)
    with store.connect() as conn:
        [theirs] = render(View(conn, partner), [about])
        [ours] = render(View(conn, local), [about])
    assert theirs.reason == "another entity and Thi Lan Nguyen"
    assert (theirs.entity_id, theirs.entity) == (None, "")
    assert ours.reason == "Ardit Hoxha and Thi Lan Nguyen" and ours.entity == "Ardit Hoxha"


def test_a_new_phone_of_a_watched_person_is_a_new_link(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    victim = entity_of(store, VICTIM)
    watch(store, local, entity=victim)
    path = later(tmp_path)  # the same flat; a new phone number
    path.write_text(path.read_text(encoding="utf-8").replace("07700 900123", "07700 900999"),
                    encoding="utf-8")  # fmt: skip
    load(store, path)
    with store.connect() as conn:
        record_judgement(conn, local, VICTIM, "local/test_intel:IR0004:subject", "same",
                         "same name, date of birth and flat")  # fmt: skip
    resolve(store)
    [link] = [a for a in shown(store, local) if a.kind == "link"]
    assert link.record_key == "IR0004"
    assert link.reason == "new phone +447700900999"  # her flat is not new, her name neither


def _reference_members(g: Any, anchor: str) -> dict[str, int | None]:
    """Members as `network_state` reads one anchor's network, with the anchor's identifier
    sharers (records' texts left out): what `Networks` must give, for many anchors at once."""
    from datetime import date

    from threadline.graph.network_change import network_state
    from threadline.graph.profiles import category

    names: list[str] = g.vs["name"]
    state = network_state(g, date.today(), anchor)
    if not state.members:
        return {}
    inside = set(state.members)
    if anchor in names:
        at = names.index(anchor)
        held = [v for v in g.neighbors(at) if g.vs[v]["kind"] != "entity"]
        sharers = {e for v in held for e in g.neighbors(v) if g.vs[e]["kind"] == "entity"} - {at}
        inside |= {names[e] for e in sharers}
        premises = {p for e in sharers for p in g.neighbors(e) if g.vs[p]["kind"] == "entity"}
        inside |= {names[p] for p in premises if category(g.vs[p]["schema"]) == "premises"}
    out: dict[str, int | None] = {}
    for i, name in enumerate(names):
        if name in inside and g.vs[i]["kind"] == "entity" and g.vs[i]["schema"] != "Note":
            held_records = set(g.vs[i]["records"])
            for edge in g.es[g.incident(i)]:
                other = edge.target if edge.source == i else edge.source
                if names[other] in inside:
                    held_records |= set(edge["records"])
            for entity_id in g.vs[i]["entity_ids"]:
                out[str(entity_id)] = max(held_records) if held_records else None
    return out


def test_one_graphs_networks_are_read_as_one_anchors_network_is(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    from threadline.graph.build import build_graph

    load(store, intel)
    load(store, later(tmp_path, address="Unit 4, Canal Yard"))
    load(store, residents(tmp_path / "more", 4))
    resolve(store)
    with store.connect() as conn:
        g = build_graph(View(conn, local))
    many = networks.Networks(g)
    anchors = [*g.vs["name"], *(str(e) for ids in g.vs["entity_ids"] for e in ids), "nobody"]
    assert len(anchors) > 10
    for anchor in anchors:
        assert many.members(anchor) == _reference_members(g, anchor), anchor
    # the part of the graph around some entities holds their networks as the whole graph does
    entities = [str(e) for ids in g.vs["entity_ids"] for e in ids]
    for some in ([entities[0]], entities[::3], entities):
        with store.connect() as conn:
            part = networks.Networks(build_around(View(conn, local), some))
        for anchor in some:
            assert part.members(anchor) == many.members(anchor), anchor


def test_a_batch_far_from_a_watched_network_is_not_read_and_raises_nothing(
    store: Store, local: Actor, intel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store, intel)
    resolve(store)
    watch(store, local, network=entity_of(store, VICTIM))
    read: list[int] = []
    real = around.load

    def counted(view: View, filters: Any, among: Any = None, **options: Any) -> Any:
        read.extend(among or ())
        return real(view, filters, among, **options)

    monkeypatch.setattr(around, "load", counted)
    # someone unrelated: no name, phone, address or record shared with the network
    lines = (FIXTURES / "intel.csv").read_text(encoding="utf-8").splitlines()
    far = tmp_path / "far.csv"
    far.write_text(f"{lines[0]}\nIR0300,03/10/2025,2,B,P,,OFFICIAL,BERISHA,Drita,1991,victim,"
                   f'07700 900777,"9 Dock Lane",NS9 9ZZ,Works at the nail bar.\n',
                   encoding="utf-8")  # fmt: skip
    batch = load(store, far).batch_id
    resolve(store)
    assert alerts(store, local) == []
    with store.connect() as conn:
        new = set(conn.execute(sa.select(t.records.c.id)
                               .where(t.records.c.batch_id == batch)).scalars())  # fmt: skip
    assert new and read and not new & set(read)  # the check read the network, not the batch
    # a record next to a member (her flat) is read, and brings its subject in
    load(store, residents(tmp_path, 1))
    resolve(store)
    assert ("joined", "IR0100") in alerts(store, local)
