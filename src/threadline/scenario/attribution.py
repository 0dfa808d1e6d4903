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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from threadline import safe_yaml

if TYPE_CHECKING:
    from threadline.read import View

__all__ = ["score_attribution"]

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


def _plain(text: str) -> str:
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
            truth[(record, row["kind"], row["true_id"])].append(_plain(row["value"]))
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _csv(folder / "truth" / "text_mentions.csv"):
        record = _record(prefixes, row["file"], row["key"])
        if record is not None and row["kind"] == "person":
            names[record][_plain(row["text"])].add(row["true_id"])
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
        value = _plain(link.written if kind != "role" else link.value)
        for true_id in _who(names[record], _plain(link.person)) or {""}:
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


def _who(names: dict[str, set[str]], name: str) -> set[str]:
    """The true people a name written in a text may be: those written so, else the one person
    whose name as written holds it or is held by it."""
    if name in names:
        return names[name]
    near = {i for written, ids in names.items() if name in written or written in name for i in ids}
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
