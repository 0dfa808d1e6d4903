"""Scoring attribution from free text against a scenario's text truth.

``truth/text_links.csv`` says, for each record, what its text says each person uses (a phone, a
vehicle, an account, an address) or is (a role); ``truth/text_mentions.csv`` which person each
name in the text is. A link read from the store is right when its record's truth has the same
kind of link, to the same person (the true person of the name the link's mention was made
from), for a value written the same way (the value the link was read from is the truth's, or
part of it: "UC16 OJV" in "a red Ford Focus UC16 OJV").
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from threadline import safe_yaml

if TYPE_CHECKING:
    from threadline.read import View

__all__ = ["named_in_text", "plain", "score_attribution", "score_narrated", "who_is"]

LINK_KINDS = frozenset({"phone", "vehicle", "account", "address"})
"""Kinds of attributed link scored as links (roles are scored apart)."""

Key = tuple[str, str, str]
"""(record prefix ``agency/mapping:key``, kind, true id)."""


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _prefixes(folder: Path) -> list[tuple[str, str]]:
    """(file or folder, ``agency/mapping``) of each source, as sources.yaml gives them."""
    sources = safe_yaml.read(folder / "sources.yaml")[0]["sources"]
    return [(str(s["file"]), f"{s['agency']}/{s['mapping']}") for s in sources]


def _record(prefixes: list[tuple[str, str]], file: str, key: str) -> str | None:
    for name, prefix in prefixes:
        if file == name or file.startswith(f"{name}/"):
            return f"{prefix}:{key}"
    return None


def plain(text: str) -> str:
    """A text without spaces, case folded, as texts are compared with the truth's."""
    return "".join(text.split()).casefold()


def score_attribution(views: Sequence[View], folder: Path) -> dict[str, float | int]:
    """Precision and recall of the links and roles attribution made in what the ``views`` see
    together (each agency's reader sees the texts its handling conditions keep from others)."""
    from threadline.read.attributions import AttributedLink, attributed_links

    prefixes = _prefixes(folder)
    truth: dict[Key, list[str]] = defaultdict(list)
    for row in _csv(folder / "truth" / "text_links.csv"):
        record = _record(prefixes, row["file"], row["key"])
        if record is not None:
            truth[(record, row["kind"], row["true_id"])].append(plain(row["value"]))
    names = named_in_text(folder)
    found: dict[str, list[tuple[Key, str]]] = {"links": [], "roles": []}
    seen: dict[tuple[str, str, str], AttributedLink] = {}
    for view in views:
        for link in attributed_links(view):
            seen.setdefault((link.mention_id, link.kind, link.written), link)
    for link in seen.values():
        record = link.mention_id.split(":text:", 1)[0]
        kind = {"role": "role"}.get(link.kind, link.kind)
        if kind not in LINK_KINDS and kind != "role":
            continue
        value = plain(link.written if kind != "role" else link.value)
        for true_id in who_is(names[record], plain(link.person)) or {""}:
            found["links" if kind in LINK_KINDS else "roles"].append(
                ((record, kind, true_id), value)
            )
    links = _score(found["links"], {k: v for k, v in truth.items() if k[1] in LINK_KINDS})
    roles = _score(found["roles"], {k: v for k, v in truth.items() if k[1] == "role"})
    return {
        "attributed_links": links[2],
        "attributed_precision": links[0],
        "attributed_recall": links[1],
        "attributed_roles": roles[2],
        "role_precision": roles[0],
        "role_recall": roles[1],
    }


def named_in_text(
    folder: Path, kinds: Iterable[str] = ("person",)
) -> dict[str, dict[str, set[str]]]:
    """Record prefix (``agency/mapping:key``) -> each person (or, with `kinds`, premises or
    business) its text names, as written (plain) -> their true ids, from
    ``truth/text_mentions.csv``."""
    wanted = frozenset(kinds)
    prefixes = _prefixes(folder)
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _csv(folder / "truth" / "text_mentions.csv"):
        record = _record(prefixes, row["file"], row["key"])
        if record is not None and row["kind"] in wanted:
            names[record][plain(row["text"])].add(row["true_id"])
    return names


def who_is(names: Mapping[str, set[str]], written: str) -> set[str]:
    """The true ids a name written in a text may stand for (`names` as
    :func:`named_in_text` gives them for its record): those written so, else the one whose
    name as written holds it or is held by it ("Flat 1, 6 Quarryholme Avenue" of "Flat 1, 6
    Quarryholme Avenue, Spalding PE12 8WQ").

    >>> names = {"flat1,6quarryholmeavenue,spalding": {"PRM-1"}, "andreineagu": {"PER-1"}}
    >>> who_is(names, plain("Flat 1, 6 Quarryholme Avenue")), who_is(names, "x")
    ({'PRM-1'}, set())
    """
    name = plain(written)
    if name in names:
        return names[name]
    near = {i for known, ids in names.items() if name in known or known in name for i in ids}
    return near if len(near) == 1 else set()


def _score(
    found: Iterable[tuple[Key, str]], truth: dict[Key, list[str]]
) -> tuple[float, float, int]:
    """(precision, recall, links found): a found link is right when the truth has its key
    with a value that holds the found value; each true link is recalled once."""
    right = 0
    total = 0
    recalled: set[tuple[Key, int]] = set()
    for key, value in found:
        total += 1
        values = truth.get(key, [])
        hits = [i for i, v in enumerate(values) if value and value in v]
        if hits:
            right += 1
            recalled.update((key, i) for i in hits)
    wanted = sum(len(v) for v in truth.values())
    precision = round(right / total, 4) if total else 0.0
    recall = round(len(recalled) / wanted, 4) if wanted else 0.0
    return precision, recall, total


def score_narrated(
    views: Sequence[View], folder: Path, mentions: Mapping[str, tuple[str, str]]
) -> dict[str, float | int]:
    """How well the people narratives name were joined to the people the records make
    (:mod:`threadline.resolve.narrated`): of the narrative people that joined a person whose
    records the truth knows (``mentions``: structured mention -> (kind, true id)), the share
    joined to their own person (precision); of the narrative people whose true person has
    records in the store, the share joined to them (recall); and of the pairs of narrative
    people joined to each other with no record of their own, the share that are one person."""
    from threadline.read.resolution import entity_of_mentions, narrated_people

    names = named_in_text(folder)
    entity_of: dict[str, str] = {}
    narrated: dict[str, str] = {}
    for view in views:
        entity_of.update(entity_of_mentions(view))
        narrated.update(narrated_people(view))
    held: dict[str, Counter[str]] = defaultdict(Counter)  # entity -> true ids of its records
    for mention, (kind, true_id) in mentions.items():
        if kind == "person" and mention in entity_of:
            held[entity_of[mention]][true_id] += 1
    on_record = {true_id for counts in held.values() for true_id in counts}
    joined = right = wanted = found = 0
    strangers: dict[str, list[str]] = defaultdict(list)  # entity of narratives only -> true ids
    for mention, name in narrated.items():
        who = who_is(names[mention.split(":text:", 1)[0]], plain(name))
        true_id = next(iter(who)) if len(who) == 1 else ""
        if entity_of.get(mention) and entity_of[mention] not in held:
            strangers[entity_of[mention]].append(true_id)
        counts = held.get(entity_of.get(mention, ""), Counter())
        person = counts.most_common(1)[0][0] if counts else None
        joined += person is not None
        right += person is not None and person == true_id
        wanted += true_id in on_record
        found += true_id in on_record and person == true_id
    pairs = same = 0
    for ids in strangers.values():
        for i, one in enumerate(ids):
            pairs += len(ids) - i - 1
            same += sum(1 for other in ids[i + 1 :] if one and other == one)
    return {
        "narrated_grouped_pairs": pairs,
        "narrated_grouped_precision": round(same / pairs, 4) if pairs else 0.0,
        "narrated_people": len(narrated),
        "narrated_joined": joined,
        "narrated_precision": round(right / joined, 4) if joined else 0.0,
        "narrated_recall": round(found / wanted, 4) if wanted else 0.0,
    }
