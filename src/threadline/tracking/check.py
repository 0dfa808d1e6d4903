"""Checking live watches against what changed: the writer of alerts.

After a batch is loaded, its records' statements are checked against every live identifier
and search watch (the identifiers and names the batch states, never the rest of the store).
After a resolution run, every live entity watch is checked against what the run changed about
its entity: mentions new to it (a new record about the subject), mentions that joined it from
another entity (a merge) or left it for another (a split), and links it did not have before.
An entity merged away under another id is followed: the watch moves to the id that holds most
of its mentions. After a user's analysis run, their entity watches and the premises and
businesses of their watched networks are checked for indicators that newly fire. With no live
watch, each check costs one indexed query.

An alert is stored for every user the watch tells (its owner; for a case's watch, each member
of the case) whether or not they may see the record yet: it is *shown* only through the
user's View when they read their alerts (`threadline.tracking.alerts`), so an alert about
another agency's record appears once an agreement or a case lets them see it, and never
before. Alerts go with their record when it is rolled back or erased (the foreign key
cascades), so nothing is left to say that anything changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.graph.profiles import category
from threadline.read.saved_search import NAME_PROPS, SavedSearch, SearchMatch, identifier_props
from threadline.read.search import BIRTH_PROPS, lone
from threadline.security import chain
from threadline.security.audit import make_event
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import insert_new
from threadline.store.evidence_ids import evidence_records
from threadline.tracking.networks import changed_members
from threadline.tracking.reasons import ref
from threadline.values.name_keys import name_keys

__all__ = ["Watching", "after_analysis", "after_resolution", "before_resolution", "check_batch"]

CHUNK = 1000
"""Ids per query, and alert rows per insert."""

PURPOSE = "watches: new material checked against the live watches"
"""The purpose written with each check's audit event."""

SYSTEM = "(threadline)"
"""The name the checks are audited under: no user acts (the brackets keep it from ever being a
user's name)."""

Found = tuple["_Live", int, str, str | None, str]
"""A match: the watch, the record, the kind of alert, the entity it is about, and why."""


@dataclass(frozen=True, slots=True)
class _Live:
    """A watch that still fires, and the users it tells."""

    id: int
    kind: str
    value_type: str
    target: str
    recipients: tuple[int, ...]


def _chunks(items: Iterable[Any]) -> Iterator[Sequence[Any]]:
    """The distinct `items`, in order, a query's worth at a time."""
    return chunked(sorted(set(items)), CHUNK)


def live_watches(conn: Connection, kinds: Iterable[str], today: date | None = None) -> list[_Live]:
    """The watches of `kinds` that have not lapsed, each with the users it tells."""
    w = t.watches.c
    rows = conn.execute(
        sa.select(w.id, w.kind, w.value_type, w.target, w.user_id, w.case_id).where(
            w.expires_on >= (today or date.today()), w.kind.in_(list(kinds))
        )
    ).all()
    if not rows:
        return []
    members: dict[int, list[int]] = defaultdict(list)
    cases = {int(r.case_id) for r in rows if r.case_id is not None}
    if cases:
        cm, c = t.case_members.c, t.cases.c
        query = (
            sa.select(cm.case_id, cm.user_id)
            .join(t.cases, c.id == cm.case_id)
            .where(cm.case_id.in_(sorted(cases)), c.closed_at.is_(None))
        )
        for case_id, user_id in conn.execute(query):
            members[int(case_id)].append(int(user_id))
    return [
        _Live(int(r.id), str(r.kind), str(r.value_type), str(r.target),
              tuple(members[int(r.case_id)]) if r.case_id is not None else (int(r.user_id),))
        for r in rows
    ]  # fmt: skip


def _raise(conn: Connection, found: list[Found], origin: str) -> int:
    """Store the alerts `found` (one per user, watch, kind and record; those already held are
    kept as they were) and audit the check; how many were new."""
    rows: dict[tuple[int, int, str, int], dict[str, Any]] = {}
    for watch, record_id, kind, entity_id, reason in found:
        for user_id in watch.recipients:
            row = rows.setdefault(
                (watch.id, user_id, kind, record_id),
                {"watch_id": watch.id, "user_id": user_id, "record_id": record_id, "kind": kind,
                 "entity_id": entity_id, "reason": "", "origin": origin},
            )  # fmt: skip
            if reason not in row["reason"]:  # one alert per record and kind: reasons joined
                row["reason"] = f"{row['reason']}; {reason}" if row["reason"] else reason
    for row in rows.values():
        row["reason"] = row["reason"][:2000]
    if not rows:
        return 0
    keys = ["watch_id", "user_id", "kind", "record_id"]
    added = insert_new(conn, t.alerts, list(rows.values()), keys)
    event = make_event(None, "combination", "alerts.check", purpose=PURPOSE, username=SYSTEM,
                       detail={"origin": origin, "watches": len({w.id for w, *_ in found}),
                               "alerts": added})  # fmt: skip
    chain.append(conn, event)
    return added


# -- after a batch ----------------------------------------------------------------------------


def check_batch(conn: Connection, batch_id: int, *, today: date | None = None) -> int:
    """Check the live identifier and search watches against batch `batch_id`'s statements;
    how many alerts were raised."""
    watches = live_watches(conn, ("identifier", "search"), today)
    if not watches:
        return 0
    identifiers: dict[str, list[_Live]] = defaultdict(list)
    searches: list[tuple[_Live, SavedSearch]] = []
    for watch in watches:
        if watch.kind == "identifier":
            identifiers[watch.target].append(watch)
        else:
            searches.append((watch, SavedSearch(watch.target)))
    found: list[Found] = []
    index = _Searches(searches)
    values = set(identifiers).union(*(reading.forms for _, reading in searches))
    s, r = t.statements.c, t.records.c
    stated = sa.select(s.record_id, s.mention_id, s.schema, s.prop, s.value).join(
        t.records, r.id == s.record_id
    )
    for chunk in _chunks(values):
        query = stated.where(
            r.batch_id == batch_id, s.value.in_(chunk), s.prop.in_(identifier_props())
        )
        for row in conn.execute(query):
            for watch in identifiers.get(str(row.value), []):
                found.append((watch, int(row.record_id), "record", None,
                              f"{watch.value_type} {row.value} stated as {row.prop}"))  # fmt: skip
            found += index.found(row, index.stating(str(row.value)))
    births = [reading.birth for _, reading in searches if reading.birth is not None]
    if births:
        days = [s.value == d if whole else sa.and_(s.value >= d, s.value < f"{d}~")
                for d, whole in births]  # fmt: skip
        query = stated.where(r.batch_id == batch_id, s.prop.in_(BIRTH_PROPS), sa.or_(*days))
        for row in conn.execute(query):
            found += index.found(row, index.dated)
    found += _names(conn, batch_id, index, stated)
    return _raise(conn, found, f"batch {batch_id}")


Searched = tuple[_Live, SavedSearch]


class _Searches:
    """The saved searches indexed by what can make them match a statement (an identifier
    form, a name key; a date of birth for any of them that reads one), so that each
    statement is read against the searches it may match, not against all of them: with
    thousands of searches and a large batch, reading every statement against every search
    was most of the check."""

    def __init__(self, searches: list[Searched]) -> None:
        self.keys = set().union(*(reading.keys for _, reading in searches))
        self._forms: dict[str, list[Searched]] = defaultdict(list)
        self._named: dict[str, list[tuple[Searched, frozenset[int]]]] = defaultdict(list)
        """Name key -> the searches that read it, each with the words typed that make it."""
        for watch, reading in searches:
            for form in reading.forms:
                self._forms[form].append((watch, reading))
            if reading.lookup is not None:
                every = frozenset(range(len(reading.lookup.words)))
                for key in reading.keys:
                    words = reading.lookup.origin.get(key, every)
                    self._named[key].append(((watch, reading), words))
        self.dated = [(w, rd) for w, rd in searches if rd.birth is not None]
        """The searches that read a date of birth."""
        self._matched: dict[tuple[str, str, str, str], SearchMatch | None] = {}
        self._shared: dict[frozenset[str], list[tuple[Searched, bool]]] = {}

    def stating(self, value: str) -> list[Searched]:
        """The searches that read identifier `value` as one of their forms."""
        return self._forms.get(value, [])

    def sharing(self, keys: frozenset[str]) -> list[tuple[Searched, bool]]:
        """The searches that share one of the name `keys` of a mention, each with whether
        they compare every name of that mention (`NameLookup.meets`: else only its lone
        names, `lone`), as the search box decides for the keys a mention shares. Worked out
        once for each set of keys: a batch names one person many times, and a common name's
        keys are shared by hundreds of searches."""
        if keys not in self._shared:
            self._shared[keys] = self._sharing(keys)
        return self._shared[keys]

    def _sharing(self, keys: frozenset[str]) -> list[tuple[Searched, bool]]:
        covered: dict[int, tuple[Searched, set[int]]] = {}
        for key in keys:
            for searched, words in self._named.get(key, ()):
                held = covered.setdefault(searched[0].id, (searched, set()))
                held[1].update(words)
        out: list[tuple[Searched, bool]] = []
        for searched, met in covered.values():
            lookup = searched[1].lookup
            out.append((searched, lookup is not None and lookup.meets(met)))
        return out

    def _match(
        self, reading: SavedSearch, schema: str, prop: str, value: str
    ) -> SearchMatch | None:
        """`reading.match`, once for each search text and statement value: a batch states
        one name many times, and many users save one search."""
        key = (reading.typed, schema, prop, value)
        if key not in self._matched:
            self._matched[key] = reading.match(schema, prop, value)
        return self._matched[key]

    def found(self, row: Any, searches: Iterable[Searched]) -> list[Found]:
        """What each of `searches` finds in statement `row`."""
        hits = self.hits(str(row.schema), str(row.prop), str(row.value), searches)
        return [(watch, int(row.record_id), "record", None, why) for watch, why in hits]

    def hits(
        self, schema: str, prop: str, value: str, searches: Iterable[Searched]
    ) -> list[tuple[_Live, str]]:
        """The searches of `searches` that find `value` (stated as `prop` of `schema`), each
        with why."""
        out: list[tuple[_Live, str]] = []
        for watch, reading in searches:
            match = self._match(reading, schema, prop, value)
            if match is not None:
                why = f"search {watch.target!r}: {match.how} ({match.reason}), {prop} {value}"
                out.append((watch, why))
        return out


def _names(
    conn: Connection, batch_id: int, searches: _Searches, stated: sa.Select[Any]
) -> list[Found]:
    """Names the batch states that share a search key with a saved search and that the
    search box would compare (`SavedSearch.compares`), scored as the search scores them.

    A mention's keys are those the store's name index holds for it (`name_index.index_names`:
    the keys of each of its names), worked out here from the batch's names, which are read
    once: the saved searches of a few thousand analysts hold most common names' keys, so
    reading the index for them read most of the batch's keys and then its names again."""
    keys = searches.keys
    if not keys:
        return []
    s, r = t.statements.c, t.records.c
    low, high = conn.execute(sa.select(sa.func.min(r.id), sa.func.max(r.id))
                             .where(r.batch_id == batch_id)).one()  # fmt: skip
    if low is None:
        return []
    # the batch's ids as a range: records has no index by batch, and without one SQLite's
    # planner went through every name in the store (by the property index), 3 times slower
    query = stated.where(s.record_id.between(low, high), r.batch_id == batch_id,
                         s.prop.in_(sorted(NAME_PROPS)))  # fmt: skip
    by_mention: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    searched: dict[str, frozenset[str]] = {}  # a name's keys that a search holds
    for record_id, mention, schema, prop, value in conn.execute(query):
        if value:
            by_mention[mention].append((int(record_id), schema, prop, value))
            if value not in searched:
                searched[value] = name_keys(value) & keys
    out: list[Found] = []
    # what a name finds depends only on it and the keys its mention shares: a batch names
    # one person many times, so each is worked out once
    hits: dict[tuple[frozenset[str], str, str, str], list[tuple[_Live, str]]] = {}
    for rows in by_mention.values():
        shared = frozenset().union(*(searched[row[3]] for row in rows))
        if not shared:
            continue
        for record_id, schema, prop, value in rows:
            name = (shared, schema, prop, value)
            if name not in hits:
                single = lone(value, prop)
                near = [sr for sr, every in searches.sharing(shared) if every or single]
                hits[name] = searches.hits(schema, prop, value, near)
            out += [(watch, record_id, "record", None, why) for watch, why in hits[name]]
    return out


# -- after a resolution run -------------------------------------------------------------------


@dataclass(slots=True)
class Watching:
    """The live entity watches as a run starts, and their entities' links before it."""

    watches: list[_Live]
    links: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    """Entity -> (link schema, the other entity) -> link id."""


def _links_of(conn: Connection, ids: Iterable[str]) -> dict[str, dict[tuple[str, str], str]]:
    lk = t.links.c
    out: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        # the link's own type (lives_at, uses_phone...) where it has one, else its schema
        kind = sa.func.coalesce(lk.type, lk.schema).label("kind")
        query = sa.select(lk.id, kind, lk.source_id, lk.target_id).where(
            sa.or_(lk.source_id.in_(chunk), lk.target_id.in_(chunk))
        )
        wanted = set(chunk)
        for row in conn.execute(query):
            for here, there in ((row.source_id, row.target_id), (row.target_id, row.source_id)):
                if here in wanted:
                    out[str(here)][(str(row.kind), str(there))] = str(row.id)
    return out


def before_resolution(conn: Connection, *, today: date | None = None) -> Watching | None:
    """What a run's check needs from before it: None when no entity or network watch is
    live."""
    watches = live_watches(conn, ("entity", "network"), today)
    if not watches:
        return None
    entities = {w.target for w in watches if w.kind == "entity"}
    return Watching(watches, _links_of(conn, entities))


def after_resolution(
    conn: Connection,
    watching: Watching | None,
    previous: Mapping[str, str],
    now: Mapping[str, str],
    run_id: int,
) -> int:
    """Check the entity watches against what run `run_id` changed: `previous` and `now` map
    each mention to its entity before and after. How many alerts were raised."""
    if watching is None:
        return 0
    origin = f"resolution run {run_id}"
    watched = {w.target for w in watching.watches}
    before: dict[str, set[str]] = defaultdict(set)
    for mention, entity in previous.items():
        if entity in watched:
            before[entity].add(mention)
    standing = set(now.values())
    follow: dict[str, str] = {}
    for entity in watched:
        went = Counter(now[m] for m in before[entity] if m in now)
        gone = entity not in standing and went
        follow[entity] = went.most_common(1)[0][0] if gone else entity
    after: dict[str, set[str]] = defaultdict(set)
    followed = set(follow.values())
    for mention, entity in now.items():
        if entity in followed:
            after[entity].add(mention)
    changes: list[tuple[_Live, str, str, str, str]] = []  # watch, mention, kind, entity, why
    for watch in watching.watches:
        old, new = watch.target, follow[watch.target]
        if new != old:
            conn.execute(sa.update(t.watches).where(t.watches.c.id == watch.id)
                         .values(target=new))  # fmt: skip
        if watch.kind != "entity":
            continue
        for mention in after[new] - before[old]:
            earlier = previous.get(mention)
            if earlier is None:
                changes.append((watch, mention, "mention", new, f"new mention of {ref(new)}"))
            else:
                why = f"entity {ref(earlier)} joined the watched {ref(new)}"
                changes.append((watch, mention, "merge", new, why))
        for mention in before[old] - after[new]:
            if mention in now:
                why = f"split from the watched {ref(new)}: now entity {ref(now[mention])}"
                changes.append((watch, mention, "split", now[mention], why))
    records = _records_of(conn, [c[1] for c in changes])
    found: list[Found] = [(w, records[m], kind, e, why) for w, m, kind, e, why in changes
                          if m in records]  # fmt: skip
    found += _new_links(conn, watching, follow)
    found += _new_identifiers(conn, watching, before, after, follow, records)
    networks = [replace(w, target=follow[w.target]) for w in watching.watches
                if w.kind == "network"]  # fmt: skip
    if networks:
        found += _network_alerts(conn, networks, standing)
    return _raise(conn, found, origin)


def _network_alerts(conn: Connection, watches: list[_Live], standing: set[str]) -> list[Found]:
    """Members that joined or left each watched network, grouped by the record behind them:
    a member that left with no record left (rolled back or erased) is not told of, nor one
    merged away (no mention holds its id: the entity it joined is told of if new)."""
    by_id = {w.id: w for w in watches}
    found: list[Found] = []
    for watch_id, (before, now) in changed_members(
        conn, [(w.id, w.target) for w in watches]
    ).items():
        watch = by_id[watch_id]
        for kind, gone_or_new, held in (("joined", set(now) - set(before), now),
                                         ("left", set(before) - set(now), before)):  # fmt: skip
            grouped: dict[int, list[str]] = defaultdict(list)
            for entity in sorted(gone_or_new):
                if held[entity] is not None and (kind == "joined" or entity in standing):
                    grouped[int(held[entity] or 0)].append(entity)
            for record_id, who in grouped.items():
                names = ", ".join(ref(e) for e in who)
                why = f"{names} {kind} the watched network of {ref(watch.target)}"
                found.append((watch, record_id, kind, who[0], why))
    return found


def after_analysis(
    conn: Connection, run_id: str, user_id: int, *, today: date | None = None
) -> int:
    """Check the entity and network watches against analysis run `run_id` (of user
    `user_id`): an indicator that fires in this run, and did not in the user's previous run, on
    a watched entity or on a premises or business in a watched network (its members as the
    last resolution left them) raises an alert on its newest evidence record. Only that user is
    told (the run was computed over what they may see); how many alerts were raised. Nothing
    after a run made stale by an erasure: what the erasure took cannot be told apart from what
    is new."""
    watches = [replace(w, recipients=(user_id,))
               for w in live_watches(conn, ("entity", "network"), today)
               if user_id in w.recipients]  # fmt: skip
    if not watches:
        return 0
    ar, ind = t.analysis_runs.c, t.indicators.c
    run = conn.execute(sa.select(ar.scope, ar.started_at).where(ar.id == run_id)).one()
    earlier = conn.execute(
        sa.select(ar.id, ar.stale_at).where(ar.scope == run.scope, ar.id != run_id,
                                            ar.started_at <= run.started_at)
        .order_by(ar.started_at.desc(), ar.id.desc()).limit(1)
    ).first()  # fmt: skip
    if earlier is not None and earlier.stale_at is not None:
        # an erasure took some of that run's indicators with it: compared with what is
        # left, an indicator would seem new and tell of the erasure; this run starts afresh
        return 0
    earlier_id = None if earlier is None else str(earlier.id)
    watched = _indicator_targets(conn, watches)
    fired: dict[tuple[str, str], set[int]] = {}
    had: set[tuple[str, str]] = set()
    for chunk in _chunks(e for targets in watched.values() for e in targets):
        query = sa.select(ind.run_id, ind.entity_id, ind.name, ind.evidence).where(
            ind.entity_id.in_(chunk), ind.run_id.in_([run_id, earlier_id or run_id])
        )
        for row in conn.execute(query):
            key = (str(row.entity_id), str(row.name))
            if row.run_id == run_id:
                fired.setdefault(key, set()).update(evidence_records(row.evidence))
            else:
                had.add(key)
    found: list[Found] = []
    for watch in watches:
        grouped: dict[tuple[int, str], list[str]] = defaultdict(list)
        for (entity, name), evidence in sorted(fired.items()):
            if entity in watched[watch.id] and (entity, name) not in had and evidence:
                grouped[(max(evidence), entity)].append(name)
        for (record_id, entity), names in grouped.items():
            why = f"indicator {', '.join(names)} newly fires on {ref(entity)}"
            if watch.kind == "network":
                why += f", a member of the watched network of {ref(watch.target)}"
            found.append((watch, record_id, "indicator", entity, why))
    return _raise(conn, _existing(conn, found), f"analysis run {run_id}")


INDICATED = frozenset({"premises", "businesses"})
"""The members of a watched network whose indicators are told of."""


def _indicator_targets(conn: Connection, watches: list[_Live]) -> dict[int, set[str]]:
    """The entities whose indicators each watch tells of: an entity watch's entity; a network
    watch's premises and businesses, as its members were last kept."""
    out: dict[int, set[str]] = {w.id: {w.target} for w in watches if w.kind == "entity"}
    networks = [w.id for w in watches if w.kind == "network"]
    if not networks:
        return out
    wm, e = t.watch_members.c, t.entities.c
    query = (
        sa.select(wm.watch_id, wm.node, e.schema)
        .join(t.entities, e.id == wm.node)
        .where(wm.watch_id.in_(networks))
    )
    for watch_id in networks:
        out[watch_id] = set()
    for watch_id, node, schema in conn.execute(query):
        if category(str(schema)) in INDICATED:
            out[int(watch_id)].add(str(node))
    return out


def _existing(conn: Connection, found: list[Found]) -> list[Found]:
    """Those of `found` whose record is still held (an indicator may name an erased one)."""
    r = t.records.c
    held: set[int] = set()
    for chunk in _chunks(f[1] for f in found):
        held.update(int(i) for i in conn.execute(sa.select(r.id).where(r.id.in_(chunk))).scalars())
    return [f for f in found if f[1] in held]


def _new_identifiers(
    conn: Connection, watching: Watching, before: Mapping[str, set[str]],
    after: Mapping[str, set[str]], follow: Mapping[str, str], records: Mapping[str, int],
) -> list[Found]:  # fmt: skip
    """Identifiers (a phone, a vehicle, an account...) that new mentions of a watched entity
    state and none of its mentions before the run did: a new link to that identifier, on the
    record that states it."""
    fresh = {w.id: after[follow[w.target]] - before[w.target] for w in watching.watches
             if w.kind == "entity"}  # fmt: skip
    # only the watches with a new mention: the others' earlier mentions are not read
    entities = [w for w in watching.watches if fresh.get(w.id)]
    wanted = set().union(*(fresh[w.id] for w in entities))
    if not wanted:
        return []
    stated: dict[str, set[tuple[str, str]]] = defaultdict(set)
    s = t.statements.c
    props = frozenset(identifier_props())
    for chunk in _chunks(wanted | set().union(*(before[w.target] for w in entities))):
        # the properties are picked here: asked for in SQL, they lead SQLite's planner to the
        # property index (every identifier of the store, for each chunk) over the mentions'
        query = sa.select(s.mention_id, s.prop, s.value).where(s.mention_id.in_(chunk))
        for mention, prop, value in conn.execute(query):
            if prop in props:
                stated[str(mention)].add((str(prop), str(value)))
    found: list[Found] = []
    for watch in entities:
        had = {v for m in before[watch.target] for _, v in stated[m]}
        for mention in sorted(fresh[watch.id]):
            for prop, value in sorted(stated[mention]):
                if value not in had and mention in records:
                    found.append((watch, records[mention], "link", None, f"new {prop} {value}"))
    return found


def _records_of(conn: Connection, mentions: Iterable[str]) -> dict[str, int]:
    m = t.mentions.c
    out: dict[str, int] = {}
    for chunk in _chunks(mentions):
        query = sa.select(m.id, m.record_id).where(m.id.in_(chunk))
        out.update({str(i): int(r) for i, r in conn.execute(query)})
    return out


def _new_links(conn: Connection, watching: Watching, follow: Mapping[str, str]) -> list[Found]:
    """Links each watched entity has now and had not before the run, with their evidence."""
    now = _links_of(conn, {follow[w.target] for w in watching.watches if w.kind == "entity"})
    fresh: list[tuple[_Live, str, str, str]] = []  # watch, link, other entity, schema
    for watch in (w for w in watching.watches if w.kind == "entity"):
        had = watching.links.get(watch.target, {})
        for (schema, other), link_id in now.get(follow[watch.target], {}).items():
            if (schema, other) not in had:
                fresh.append((watch, link_id, other, schema))
    evidence: dict[str, list[int]] = defaultdict(list)
    ev = t.link_evidence.c
    for chunk in _chunks(link for _, link, _, _ in fresh):
        for link_id, record_id in conn.execute(
            sa.select(ev.link_id, ev.record_id).where(ev.link_id.in_(chunk))
        ):
            evidence[str(link_id)].append(int(record_id))
    return [
        (watch, record_id, "link", other, f"new link: {schema.replace('_', ' ')} {ref(other)}")
        for watch, link_id, other, schema in fresh
        for record_id in evidence[link_id]
    ]
