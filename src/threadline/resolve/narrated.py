"""People a narrative names, joined to the person the structured records make of them.

A narrative's people (``text:<column>:person<n>`` mentions: a name and what the text says they
use and do) are not scored by the person model: a name alone joins clusters that should stay
apart (:data:`threadline.resolve.frames.JOIN_TEXT_PEOPLE`). Left alone, though, a controller
whom forty intelligence logs name in their narratives is forty people, none of them the
controller the same logs record as their subject. Three rules join them, each strict enough
to be read out in court:

1. **The record's own person.** A narrative that names someone by the full name of one of
   its own record's people (an intelligence log's subject "Alin Sandu", whose narrative says
   "Alin Sandu supplies workers to farms") speaks of that person. The narrative's name must
   have a forename and a surname, and all of its words must be among that person's (spelling
   variants folded: "Mohamed" and "Muhammad" are one word); when two of the record's people
   fit, nothing is joined.
2. **The one person of that name, met before.** Otherwise a narrative's person joins the
   resolved person whose name (or alias) is the same full name *and* whose records share
   something else with the narrative's record (a premises, a phone number, a vehicle, a
   business, another person), when exactly one resolved person fits. Of two men called Tian
   Wei, a boy at one flat and a householder at another, a hotline call about the
   householder's house speaks of the householder.
   A name of one word ("Dylan"), a name with nothing around it in common, or one with
   something in common with two of its holders stays a person of its own: on the medium
   scenario (seed 1), where a quarter of the people share their names with others, the name
   alone joined one narrative person in 21 to a namesake; with something shared, one in 180.
3. **The same stranger, met again.** Narrative people of one full name that no record's
   person carries are one person when their records share something (the premises, the
   phone...): the controller whom five logs about one car wash name and nobody has
   recorded.

An analyst's judgement beats all three: a narrative's person judged different from any mention of
the person a rule would join it to stays apart, and one judged the same as a mention is left to
that judgement (carried out afterwards, :func:`threadline.resolve.groups.judged_together`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.resolve.frames import from_text
from threadline.resolve.results import Judgement
from threadline.resolve.union_find import Groups
from threadline.store import tables as t
from threadline.values.name import parse_name

__all__ = ["NameWords", "narrated_people", "words_of"]

NameWords = frozenset[str]
"""The words of a name, lower-case ASCII, spelling variants folded."""


def words_of(name: str) -> NameWords:
    """The words of ``name`` for these rules.

    >>> sorted(words_of("SANDU, Alin"))
    ['alin', 'sandu']
    >>> words_of("Driton Koçi") == words_of("driton koci")
    True
    """
    return frozenset(parse_name(name).variants)


def _names(conn: Connection) -> list[tuple[str, str, str]]:
    """(mention, record, name) for every name and alias of every Person mention."""
    query = (
        sa.select(t.statements.c.mention_id, t.statements.c.record_id, t.statements.c.value)
        .where(t.statements.c.schema == "Person", t.statements.c.prop.in_(("name", "alias")))
        .order_by(t.statements.c.id)
    )
    return [(str(m), str(r), str(v)) for m, r, v in conn.execute(query)]


def _shared(conn: Connection, grouped: Mapping[str, str]) -> dict[str, set[str]]:
    """Record -> the heads of the grouped mentions it holds (those not read from its text),
    streamed from the mentions table: no map of every mention to its record is kept."""
    shared: dict[str, set[str]] = defaultdict(set)
    query = sa.select(t.mentions.c.id, t.mentions.c.record_id)
    for mention, record in conn.execute(query.execution_options(yield_per=50_000)):
        head = grouped.get(str(mention))
        if head is not None and not from_text(str(mention)):
            shared[str(record)].add(head)
    return shared


def narrated_people(
    conn: Connection,
    grouped: Mapping[str, str],
    people: Mapping[str, str],
    judgements: Iterable[Judgement] = (),
) -> dict[str, str]:
    """Narrative person mention -> the head of the resolved person it joins, for those the
    rules join; the others are left out (each becomes a person of its own). ``people`` is
    structured person mention -> its head; ``grouped`` every mention grouped so far (people,
    businesses, premises, identifiers) -> its head, the records' shared entities."""
    shared = _shared(conn, grouped)
    for record, number in _phones(conn):
        shared[record].add(f"phone:{number}")
    return join_narrated(_names(conn), people, shared, judgements)


def _phones(conn: Connection) -> list[tuple[str, str]]:
    """(record, number) for every phone a record gives a person, in its fields or as a
    sentence of its text attributes it (a phone is a person's property, not an entity)."""
    query = sa.select(t.statements.c.record_id, t.statements.c.value).where(
        t.statements.c.schema == "Person", t.statements.c.prop == "phone"
    )
    return [(str(r), str(v)) for r, v in conn.execute(query)]


def join_narrated(
    names: Iterable[tuple[str, str, str]],
    people: Mapping[str, str],
    shared: Mapping[str, set[str]],
    judgements: Iterable[Judgement] = (),
) -> dict[str, str]:
    """The rules over (mention, record, name) rows; ``shared`` is record -> the heads of the
    entities its structured mentions are (people, premises, phones...).

    >>> rows = [("r1:subject", "1", "Alin Sandu"), ("r1:text:n:person0", "1", "Alin Sandu"),
    ...         ("r2:text:n:person0", "2", "SANDU Alin"), ("r3:text:n:person0", "3", "Sandu"),
    ...         ("r4:text:n:person0", "4", "Alin Sandu"), ("r5:text:n:person0", "5", "Tom Gibb"),
    ...         ("r6:text:n:person0", "6", "Tom Gibb"), ("r7:text:n:person0", "7", "Tom Gibb")]
    >>> shared = {"1": {"r1:subject", "flat 3"}, "2": {"flat 3"}, "3": {"flat 3"},
    ...           "5": {"car wash"}, "6": {"car wash"}, "7": {"farm"}}
    >>> join_narrated(rows, {"r1:subject": "r1:subject"}, shared)  # doctest: +NORMALIZE_WHITESPACE
    {'r1:text:n:person0': 'r1:subject', 'r2:text:n:person0': 'r1:subject',
     'r6:text:n:person0': 'r5:text:n:person0'}
    """
    told: dict[str, list[NameWords]] = defaultdict(list)
    record_of: dict[str, str] = {}
    known: dict[str, list[tuple[str, NameWords]]] = defaultdict(list)  # record -> (head, words)
    holders: dict[NameWords, set[str]] = defaultdict(set)
    held_in: dict[str, set[str]] = defaultdict(set)  # head -> its records
    for mention, record, name in names:
        words = words_of(name)
        if not words:
            continue
        if from_text(mention):
            told[mention].append(words)
            record_of[mention] = record
        elif mention in people:
            head = people[mention]
            known[record].append((head, words))
            holders[words].add(head)
            held_in[head].add(record)
    judged = list(judgements)
    apart = _kept_apart(judged, people)
    placed = {m for j in judged if j.verdict == "same" for m in (j.left_id, j.right_id)}
    out: dict[str, str] = {}
    for mention, said in told.items():
        if mention in placed:
            continue  # an analyst said whom it is: judged_together carries that out
        record = record_of[mention]
        full = [words for words in said if len(words) >= 2]
        here = {head for head, words in known.get(record, []) if any(n <= words for n in full)}
        if len(here) > 1:
            continue
        if not here:
            around = shared.get(record, set())
            here = {
                head
                for head in {head for name in full for head in holders.get(name, ())}
                if (around & set().union(*(shared.get(r, set()) for r in held_in[head]))) - {head}
            }
            if len(here) != 1:
                continue  # the name alone, or two people of that name met before
        head = here.pop()
        if head not in apart.get(mention, ()):
            out[mention] = head
    disputed = placed | {
        m for j in judged if j.verdict == "different" for m in (j.left_id, j.right_id)
    }
    untold = {m: said for m, said in told.items() if m not in out and m not in disputed}
    out.update(_among_themselves(untold, record_of, holders, shared))
    return out


def _among_themselves(
    told: Mapping[str, list[NameWords]],
    record_of: Mapping[str, str],
    holders: Mapping[NameWords, set[str]],
    shared: Mapping[str, set[str]],
) -> dict[str, str]:
    """Rule 3: narrative people of one full name that no record's person carries, whose
    records share an entity, are one person (the first mention heads them)."""
    by_name: dict[NameWords, list[str]] = defaultdict(list)
    for mention, said in told.items():
        full = {words for words in said if len(words) >= 2 and words not in holders}
        if len(full) == 1:
            by_name[full.pop()].append(mention)
    groups = Groups()
    for mentions in by_name.values():
        for i, one in enumerate(mentions):
            around = shared.get(record_of[one], set())
            for other in mentions[i + 1 :]:
                if around & shared.get(record_of[other], set()):
                    groups.join(one, other)
    out = {}
    for mentions in by_name.values():
        for mention in mentions:
            if groups.head(mention) != mention:
                out[mention] = groups.head(mention)
    return out


def _kept_apart(judgements: Iterable[Judgement], people: Mapping[str, str]) -> dict[str, set[str]]:
    """Narrative person mention -> heads of the people an analyst judged it is not."""
    out: dict[str, set[str]] = defaultdict(set)
    for j in judgements:
        if j.verdict != "different":
            continue
        for one, other in ((j.left_id, j.right_id), (j.right_id, j.left_id)):
            if from_text(one) and other in people:
                out[one].add(people[other])
    return out
