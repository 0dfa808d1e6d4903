"""Alerts from what changed, on both databases: a new record stating a watched phone or
matching a saved search (after the batch), a new mention of a watched person, a new link, a
merge and a split (after resolution); need to know (a partner sees nothing until an agreement lets
them); a rolled-back batch and an erased record take their alerts with them; lapsed watches
stay quiet; every step audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from threadline.ingest.batches import rollback_batch
from threadline.read import View
from threadline.resolve import resolve_store
from threadline.resolve.judgements import record_judgement, withdraw_judgement
from threadline.security import Actor, NotFound, erase_record
from threadline.security.cases import add_case, add_member
from threadline.security.sharing import add_agreement
from threadline.store import Store
from threadline.store import tables as t
from threadline.tracking import add_watch, list_alerts, list_watches, mark_read, remove_watch
from threadline.tracking.alerts import unread_count

from .conftest import FIXTURES, later, load, user

VICTIM = "local/test_intel:IR0001:subject"
WITNESS = "local/test_intel:IR0003:subject"


def watch(store: Store, actor: Actor, **what: object) -> int:
    with store.connect() as conn:
        found = add_watch(View(conn, actor), reason="Operation Lantern", **what)  # type: ignore[arg-type]
    return found.id


def alerts(store: Store, actor: Actor, *, unread: bool = False) -> list[tuple[str, str]]:
    """(kind, record key) of each alert `actor` may see, oldest first."""
    with store.connect() as conn:
        found = list_alerts(View(conn, actor), unread=unread)
    return sorted((a.kind, a.record_key) for a in found)


def resolve(store: Store) -> None:
    with store.connect() as conn:
        resolve_store(conn)


def entity_of(store: Store, mention: str) -> str:
    with store.connect() as conn:
        return str(
            conn.execute(
                sa.select(t.mentions.c.entity_id).where(t.mentions.c.id == mention)
            ).scalar_one()
        )


def events(store: Store, operation: str) -> list[Any]:
    e = t.audit_events.c
    with store.connect() as conn:
        return list(
            conn.execute(
                sa.select(e.username, e.action, e.detail).where(e.operation == operation)
            ).all()
        )


def test_a_new_record_stating_a_watched_phone_raises_an_alert(
    store: Store, local: Actor, intel: Path
) -> None:
    watch(store, local, identifier=("phone", "07700 900456"))
    batch = load(store, intel).batch_id
    with store.connect() as conn:
        found = list_alerts(View(conn, local))
    # the suspect's own phone, and the same number in the victim's narrative
    assert sorted((a.record_key, a.kind) for a in found) == [
        ("IR0001", "record"), ("IR0002", "record")]  # fmt: skip
    first = next(a for a in found if a.record_key == "IR0002")
    assert (first.agency, first.grade, first.marking) == ("local", "1AC", "OFFICIAL-SENSITIVE")
    assert first.reported_on == date(2025, 9, 6)
    assert first.origin == f"batch {batch}"
    assert first.reason == "phone +447700900456 stated as phone"
    assert "phoneMentioned" in next(a for a in found if a.record_key == "IR0001").reason
    assert first.watch == "phone +447700900456"
    assert not first.read


def test_a_saved_search_reads_the_batch_as_the_search_box_does(
    store: Store, local: Actor, intel: Path
) -> None:
    watch(store, local, search="Ardit HOXHA")
    watch(store, local, search="03/04/1998")
    load(store, intel)
    with store.connect() as conn:
        found = list_alerts(View(conn, local))
    assert sorted((a.record_key, a.watch) for a in found) == [
        ("IR0001", "search '03/04/1998'"), ("IR0002", "search 'Ardit HOXHA'")]  # fmt: skip
    assert "exact name" in next(a.reason for a in found if a.record_key == "IR0002")


NAMES = (  # surname, forenames, narrative: spellings, nicknames, parts, other people
    ("HOXHA", "Ardit", "Met Ardit Berisha and a man called Ardi Hoxha."),
    ("BERISHA", "Ardit", ""),
    ("SMITH", "William", "Calls himself Bill."),
    ("SMYTH", "Jon", "Seen with Johnny Smith."),
    ("ABDULKARIM", "Mohamed", "Works for Muhammad Abdul Rahim."),
    ("NGUYEN", "Thi Lan", "Sister of Lan Nguyen; knows Tran Van Hung."),
    ("KOCI", "Driton", "Also known as Dritan Koçi."),
)
"""Names a batch states (as a person's name and parts, and in the narrative)."""

SEARCHES = (
    "Ardit Hoxha", "Bill Smith", "John Smith", "Smith", "Hoxha", "Ardit", "Lan",
    "Thi Lan Nguyen", "Nguyen Lan", "Mohammed Abdul Karim", "Tran Hung", "Driton Koci",
    "Koçi Dritan", "Jon Smyth Junior",
)  # fmt: skip
"""Saved searches, of one word and several, that meet those names in every way."""


def test_each_saved_search_finds_in_a_batch_what_the_search_box_finds(
    store: Store, local: Actor, tmp_path: Path
) -> None:
    """The equivalence a saved search rests on: the records each saved search is alerted to
    are the records the search box finds for its text (and only those: a name sharing a key
    that the search box would not compare is not told of either)."""
    from threadline.read.search import _find_names, _Found

    header = (FIXTURES / "intel.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = [f"IR{n:04d},05/09/2025,2,B,P,,OFFICIAL,{surname},{forenames},,suspect,,,,{text}"
            for n, (surname, forenames, text) in enumerate(NAMES, start=1)]  # fmt: skip
    path = tmp_path / "names.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    ids = {text: watch(store, local, search=text) for text in SEARCHES}
    load(store, path)
    resolve(store)  # the search box finds entities: the batch's mentions now have theirs
    with store.connect() as conn:
        alerted: dict[int, set[int]] = {i: set() for i in ids.values()}
        for watch_id, record_id in conn.execute(
            sa.select(t.alerts.c.watch_id, t.alerts.c.record_id)
        ):
            alerted[int(watch_id)].add(int(record_id))
        view = View(conn, local)
        for text, watch_id in ids.items():
            found = _Found()
            _find_names(view, text, None, found)
            searched = {m.record_id for ms in found.matches.values() for m in ms}
            assert alerted[watch_id] == searched, text
    told = {text for text, watch_id in ids.items() if alerted[watch_id]}
    assert {"Ardit Hoxha", "Smith", "Hoxha", "Ardit", "Thi Lan Nguyen", "Driton Koci"} <= told
    assert "Bill Smith" not in told  # one word of two shared: the search box compares neither


def test_resolution_alerts_a_new_mention_a_new_link_and_a_merge(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)
    resolve(store)
    person = entity_of(store, VICTIM)
    watch(store, local, entity=person)
    # a later export: the victim at a new address, confirmed as her by an analyst
    load(store, later(tmp_path, address="Unit 4, Canal Yard"))
    with store.connect() as conn:
        record_judgement(conn, local, VICTIM, "local/test_intel:IR0004:subject", "same",
                         "same name, date of birth and phone")  # fmt: skip
    resolve(store)
    assert entity_of(store, "local/test_intel:IR0004:subject") == person
    assert alerts(store, local) == [("link", "IR0004"), ("mention", "IR0004")]
    with store.connect() as conn:
        found = list_alerts(View(conn, local))
    link = next(a for a in found if a.kind == "link")
    assert link.reason.startswith("new link: lives at ") and link.entity_id == entity_of(
        store, "local/test_intel:IR0004:home"
    )
    assert all(a.origin.startswith("resolution run ") for a in found)
    # an analyst joins the witness to her: a merge touching the watched entity
    with store.connect() as conn:
        joined = record_judgement(conn, local, VICTIM, WITNESS, "same", "the same woman")
    resolve(store)
    assert ("merge", "IR0003") in alerts(store, local)
    merged = entity_of(store, VICTIM)
    with store.connect() as conn:
        [held] = list_watches(View(conn, local))
    assert held.target == merged  # the watch follows its subject under whichever id it keeps
    # the judgement withdrawn: the witness splits off again
    with store.connect() as conn:
        withdraw_judgement(conn, local, joined, "a different woman after all")
    resolve(store)
    assert entity_of(store, WITNESS) != entity_of(store, VICTIM)
    with store.connect() as conn:
        split = [a for a in list_alerts(View(conn, local)) if a.kind == "split"]
    assert [(a.record_key, a.entity_id) for a in split] == [("IR0003", entity_of(store, WITNESS))]


def test_a_partner_is_alerted_only_once_an_agreement_lets_them_see(
    store: Store, local: Actor, admin: Actor, intel: Path
) -> None:
    partner = user(store, admin, "bea", "b")
    watch(store, partner, identifier=("phone", "+44 7700 900456"))
    load(store, intel)
    assert alerts(store, partner) == []  # the local agency's records: not hers to know of
    with store.connect() as conn:
        assert unread_count(View(conn, partner)) == 0
        with pytest.raises(NotFound):
            ids = conn.execute(sa.select(t.alerts.c.id)).scalars().all()
            mark_read(View(conn, partner), ids[:1])
    with store.connect() as conn:
        add_agreement(conn, admin, "local", "b")
    # IR0001 is shared now; IR0002 may not leave its agency (handling condition), ever
    assert alerts(store, partner) == [("record", "IR0001")]


def test_a_rolled_back_batch_and_an_erased_record_take_their_alerts(
    store: Store, local: Actor, admin: Actor, intel: Path, tmp_path: Path
) -> None:
    watch(store, local, identifier=("phone", "07700 900123"))
    load(store, intel)
    batch = load(store, later(tmp_path)).batch_id
    assert alerts(store, local) == [("record", "IR0001"), ("record", "IR0004")]
    with store.connect() as conn:
        rollback_batch(conn, int(batch or 0))
    assert alerts(store, local) == [("record", "IR0001")]
    sue = user(store, admin, "sue", "local", "supervisor")
    with store.connect() as conn:
        record = conn.execute(
            sa.select(t.records.c.id).where(t.records.c.record_key == "IR0001")
        ).scalar_one()
        erase_record(conn, sue, int(record), "retention period ended")
    assert alerts(store, local) == []
    with store.connect() as conn:  # nothing left behind to say that anything was there
        assert conn.execute(sa.select(sa.func.count()).select_from(t.alerts)).scalar_one() == 0


def test_lapsed_watches_stay_quiet_and_expiring_ones_are_flagged(
    store: Store, local: Actor, intel: Path
) -> None:
    lapsed = watch(store, local, identifier=("phone", "07700 900123"))
    soon = watch(store, local, identifier=("vrm", "ab12 cde"),
                 expires_on=date.today() + timedelta(days=3))  # fmt: skip
    with store.connect() as conn:
        conn.execute(sa.update(t.watches).where(t.watches.c.id == lapsed)
                     .values(expires_on=date.today() - timedelta(days=1)))  # fmt: skip
    load(store, intel)
    assert alerts(store, local) == [("record", "IR0002")]  # the van, not the lapsed phone
    with store.connect() as conn:
        shown = {w.id: w for w in list_watches(View(conn, local))}
    assert shown[lapsed].lapsed and not shown[lapsed].expiring
    assert shown[soon].expiring and not shown[soon].lapsed


def test_case_watches_tell_every_member_and_only_members_add_them(
    store: Store, local: Actor, admin: Actor, intel: Path
) -> None:
    sue = user(store, admin, "sue", "local", "supervisor")
    pat = user(store, admin, "pat", "local", "analyst")
    with store.connect() as conn:
        add_case(conn, sue, "Lantern")
    with pytest.raises(NotFound):
        watch(store, pat, identifier=("phone", "07700 900123"), case="Lantern")
    with store.connect() as conn:
        add_member(conn, sue, "Lantern", "pat")
    watch(store, pat, identifier=("phone", "07700 900123"), case="Lantern")
    load(store, intel)
    assert alerts(store, sue) == alerts(store, pat) == [("record", "IR0001")]
    assert alerts(store, local) == []


def test_an_entity_watch_needs_an_entity_the_user_may_see(
    store: Store, local: Actor, admin: Actor, intel: Path
) -> None:
    load(store, intel)
    resolve(store)
    partner = user(store, admin, "bea", "b")
    with pytest.raises(NotFound):
        watch(store, partner, entity=entity_of(store, VICTIM))
    with pytest.raises(ValueError, match="reason"), store.connect() as conn:
        add_watch(View(conn, local), reason=" ", identifier=("phone", "07700 900123"))
    with pytest.raises(ValueError, match="NUL"), store.connect() as conn:
        add_watch(View(conn, local), reason="x", search="Hox\x00ha")
    with pytest.raises(ValueError, match="not an identifier type"), store.connect() as conn:
        add_watch(View(conn, local), reason="x", identifier=("shoe size", "9"))


def test_watches_and_alerts_are_audited(store: Store, local: Actor, intel: Path) -> None:
    watch_id = watch(store, local, identifier=("phone", "07700 900123"))
    load(store, intel)
    with store.connect() as conn:
        found = list_alerts(View(conn, local))
    with store.connect() as conn:
        assert mark_read(View(conn, local)) == [found[0].id]
    assert alerts(store, local, unread=True) == []
    with store.connect() as conn:
        remove_watch(conn, local, watch_id)
    [added] = events(store, "watch.add")
    assert added.username == local.username and added.action == "administration"
    assert "7700" not in str(added.detail)  # what was typed is not logged
    [check] = events(store, "alerts.check")
    assert check.username == "(threadline)" and check.action == "combination"
    assert {e.username for e in events(store, "alerts.list")} == {local.username}
    assert events(store, "alerts.read")[0].detail == {"alerts": [found[0].id]}
    assert len(events(store, "watch.remove")) == 1


def test_only_new_material_raises_alerts(
    store: Store, local: Actor, intel: Path, tmp_path: Path
) -> None:
    load(store, intel)  # the victim's phone is held already: no news
    watch(store, local, identifier=("phone", "07700 900123"))
    resolve(store)
    assert alerts(store, local) == []
    load(store, later(tmp_path))  # a later export states it again
    resolve(store)
    assert alerts(store, local) == [("record", "IR0004")]
