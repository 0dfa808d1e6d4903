"""Scoring the whole pipeline against a generated scenario's ground truth.

`threadline evaluate scenario DIR` loads the scenario into a fresh embedded store, resolves
and analyses it, and measures: person and business cluster F1 (pairwise, over the mentions the
truth names), precision at 10 and 20 of the premises and business rankings (the share of the
top k that are truly exploitative), per exploitation type from that type's own ranking
(``premises_sexual_precision_at_10``: an analyst ranks by type) and from the one ranking
across every type (``premises_all_types_sexual_precision_at_10``), and how well graph
communities recover the true networks (adjusted Rand index, and the mean share of each
network's members found in one community).
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import isnan
from pathlib import Path
from typing import TYPE_CHECKING, Any

import igraph as ig

from threadline import safe_yaml
from threadline.errors import ThreadlineError
from threadline.scenario.attribution import named_in_text, who_is

if TYPE_CHECKING:
    from threadline.read import View
    from threadline.risk.types import Finding
    from threadline.risk.weights import Weights
    from threadline.security.actors import Actor
    from threadline.store import Store

__all__ = [
    "ScenarioTruth",
    "adjusted_rand_index",
    "evaluate_scenario",
    "load_scenario",
    "precision_at",
    "precision_by_type",
    "score_store",
]


def adjusted_rand_index(truth: Mapping[str, str], predicted: Mapping[str, object]) -> float:
    """Adjusted Rand index of two labelings of the same items (1 is perfect, ~0 is chance).

    >>> adjusted_rand_index({"a": "x", "b": "x", "c": "y"}, {"a": 1, "b": 1, "c": 2})
    1.0
    >>> round(adjusted_rand_index({"a": "x", "b": "x", "c": "y", "d": "y"},
    ...                           {"a": 1, "b": 2, "c": 1, "d": 2}), 3)
    -0.5
    """
    items = [i for i in truth if i in predicted]
    if len(items) < 2:
        return 0.0
    a, b = _codes(truth[i] for i in items), _codes(predicted[i] for i in items)
    score = float(ig.compare_communities(a, b, method="adjusted_rand"))
    # igraph gives NaN when both put every item in one group, or each alone: they agree.
    return 1.0 if isnan(score) else score


def _codes(labels: Iterable[object]) -> list[int]:
    """Each label as a small integer, numbered in order of first appearance."""
    seen: dict[object, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]


def precision_at(ranked: Iterable[str], relevant: set[str], k: int) -> float:
    """Share of the first `k` ranked items that are relevant (fewer than k ranked count as
    misses).

    >>> precision_at(["a", "b", "c"], {"a", "c"}, 2)
    0.5
    """
    top = list(ranked)[:k]
    return sum(1 for item in top if item in relevant) / k


def precision_by_type(
    ranked: Sequence[str], type_of: Mapping[str, str], ks: Sequence[int] = (10, 20)
) -> dict[str, float]:
    """Precision at each k of a ranking, for each exploitation type its relevant items have.

    For a type, items truly exploitative only through another type are set aside (a brothel
    ranked above a farm is no error in finding farms): what is left is the type's items and
    the innocent ones, and the measure is the share of its first k that are the type's. When
    fewer than k items of the type exist at all, k is that number (R-precision), so that a
    type with four premises can still score 1.

    >>> by = precision_by_type(["farm", "flat", "shop", "yard"],
    ...                        {"farm": "labour", "yard": "labour", "flat": "sexual"}, (2,))
    >>> by["labour_precision_at_2"], by["sexual_precision_at_2"]
    (0.5, 1.0)
    """
    out: dict[str, float] = {}
    for kind in sorted(set(type_of.values())):
        mine = {item for item, t in type_of.items() if t == kind}
        kept = [item for item in ranked if item in mine or item not in type_of]
        for k in ks:
            cap = min(k, len(mine))
            out[f"{kind}_precision_at_{k}"] = round(precision_at(kept, mine, cap), 4)
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _true_mentions(folder: Path) -> dict[str, tuple[str, str]]:
    """Mention id -> (kind, true id), through sources.yaml's agency and mapping per file."""
    sources = safe_yaml.read(folder / "sources.yaml")[0]["sources"]
    out: dict[str, tuple[str, str]] = {}
    for row in _csv(folder / "truth" / "mentions.csv"):
        for entry in sources:
            if row["file"] == entry["file"] or row["file"].startswith(f"{entry['file']}/"):
                mention = f"{entry['agency']}/{entry['mapping']}:{row['key']}:{row['slot']}"
                out[mention] = (row["kind"], row["true_id"])
    return out


@dataclass(frozen=True, slots=True)
class ScenarioTruth:
    """What a generated scenario's truth/ says, keyed the way the store names mentions."""

    mentions: Mapping[str, tuple[str, str]]
    """Mention id -> (kind, true id)."""
    exploitative: frozenset[str]
    """True ids of the exploitative premises and businesses."""
    network_of: Mapping[str, str]
    """True id of each network member (people, premises, businesses) -> network id."""
    types: Mapping[str, str] = field(default_factory=dict)
    """True id of each exploitative premises and business -> its network's exploitation type."""
    named: Mapping[str, Mapping[str, Mapping[str, set[str]]]] = field(default_factory=dict)
    """Kind (``premises``, ``business``) -> record prefix -> each of that kind its text names,
    as written (plain) -> true ids (``truth/text_mentions.csv``)."""

    @classmethod
    def load(cls, folder: Path) -> ScenarioTruth:
        """Read FOLDER/truth/ and FOLDER/sources.yaml."""
        if not (folder / "truth" / "mentions.csv").is_file():
            raise ThreadlineError(f"{folder}: not a generated scenario (no truth/mentions.csv)")
        kind_of = {
            r["network_id"]: r["exploitation_type"] for r in _csv(folder / "truth" / "networks.csv")
        }
        types = {
            r["true_id"]: kind_of.get(r["network_id"], "unknown")
            for name in ("premises", "businesses")
            for r in _csv(folder / "truth" / f"{name}.csv")
            if r["exploitative"] == "true"
        }
        network_of = {
            r["true_id"]: r["network_id"] for r in _csv(folder / "truth" / "network_members.csv")
        }
        named = {kind: named_in_text(folder, (kind,)) for kind in ("premises", "business")}
        return cls(_true_mentions(folder), frozenset(types), network_of, types, named)


def load_scenario(store: Store, folder: Path, engine: Any = None) -> int:
    """Ingest the scenario in FOLDER into `store` and resolve it (people blocked, trained and
    scored on `engine`, :mod:`threadline.resolve.engines`; DuckDB by default); the records
    written."""
    from threadline.ingest.deliveries import ingest_folder
    from threadline.resolve import resolve_store

    results = ingest_folder(store, folder)
    refused = [r.file for r in results if r.status == "rejected"]
    if refused:
        raise ThreadlineError(f"the scenario did not load: {', '.join(refused)} refused")
    with store.connect() as conn:
        resolve_store(conn, engine=engine)
    return sum(r.records_written for r in results)


def score_store(
    view: View,
    truth: ScenarioTruth,
    *,
    top: int = 20,
    weights: Weights | None = None,
    resolution: float | None = None,
    seed: int = 0,
    resolved_by: Sequence[View] = (),
) -> dict[str, float | int]:
    """Score a resolved store against the truth: cluster F1 over the mentions `view` and the
    `resolved_by` views show (resolution is judged over every agency's mentions when each
    agency has a view there), and ranking precision at 10 and 20, community ARI and coverage
    over the graph `view`'s user sees (the analysis as that analyst gets it). Precision per
    exploitation type is read from that type's ranking (``prioritise(..., typology=...)``),
    and from the ranking across every type under ``..._all_types_<type>_...``. The graph is
    built once for the rankings and communities."""
    from threadline.graph.build import build_graph
    from threadline.graph.communities import communities
    from threadline.read.resolution import entity_of_mentions, narrated_mentions
    from threadline.resolve import evaluate_clusters
    from threadline.risk.analysis import findings
    from threadline.risk.prioritise import Kind, prioritise
    from threadline.risk.weights import load_weights

    entity_of: dict[str, str] = {}
    for reader in (view, *resolved_by):
        entity_of.update(entity_of_mentions(reader))
    chosen = weights or load_weights()
    g = build_graph(view)
    view.consulted("evaluate.scenario", records=g["records"], action="combination")
    found = findings(view, g, chosen)
    premises = [p.entity_id for p in prioritise(g, found, chosen, "premises")]
    businesses = [p.entity_id for p in prioritise(g, found, chosen, "business")]
    membership = communities(g, seed=seed, resolution=resolution)
    community = {
        entity_id: membership[i]
        for i, ids in enumerate(g.vs["entity_ids"] if g.vcount() else [])
        for entity_id in ids
    }
    by_kind: dict[str, dict[str, str]] = defaultdict(dict)
    for mention, (kind, true_id) in truth.mentions.items():
        if mention in entity_of:
            by_kind[kind][mention] = true_id

    def f1(kind: str) -> float:
        wanted = by_kind[kind]
        return evaluate_clusters({m: entity_of[m] for m in wanted}, wanted).f1

    narrated: dict[str, dict[str, str]] = {"premises": {}, "business": {}}
    for reader in (view, *resolved_by):
        narrated["premises"].update(narrated_mentions(reader, PLACES))
        narrated["business"].update(narrated_mentions(reader, BUSINESSES))
    held = held_ids(truth, entity_of, narrated)
    ranked = {"premises": distinct(premises, held["premises"])}
    ranked["business"] = distinct(businesses, held["business"])
    exploitative = set(truth.exploitative)
    type_of = {  # every exploitative premises (business) the store holds, ranked or not
        kind: {
            true_id: truth.types.get(true_id, "unknown")
            for true_id in distinct(list(held[kind]), held[kind])
            if true_id in exploitative
        }
        for kind in ranked
    }
    lenses: dict[str, dict[str, list[str]]] = {kind: {} for kind in ranked}
    kinds: tuple[Kind, ...] = ("premises", "business")
    for kind in kinds:  # each type's own ranking (a lens), as an analyst ranks for it
        for typology in sorted(set(type_of[kind].values())):
            lens = prioritise(g, found, chosen, kind, typology=typology)
            lenses[kind][typology] = distinct([p.entity_id for p in lens], held[kind])
    top_premises, top_businesses = ranked["premises"][:top], ranked["business"][:top]
    true_label: dict[str, str] = {}
    for mention, (_kind, true_id) in truth.mentions.items():
        entity = entity_of.get(mention)
        if entity is not None and true_id in truth.network_of:
            true_label[entity] = truth.network_of[true_id]
    members: dict[str, list[int]] = defaultdict(list)
    for entity, network in true_label.items():
        if entity in community:
            members[network].append(community[entity])
    coverage = [
        Counter(found).most_common(1)[0][1] / len(found) for found in members.values() if found
    ]
    ranking = network_ranking(g, membership, found, chosen, true_label)
    return {
        "person_f1": round(f1("person"), 4),
        "business_f1": round(f1("business"), 4),
        "premises_f1": round(f1("premises"), 4),
        "premises_precision_at_10": precision_at(top_premises, exploitative, 10),
        "premises_precision_at_20": precision_at(top_premises, exploitative, 20),
        "businesses_precision_at_10": precision_at(top_businesses, exploitative, 10),
        "businesses_precision_at_20": precision_at(top_businesses, exploitative, 20),
        **_by_type("premises", lenses["premises"], type_of["premises"]),
        **_by_type("businesses", lenses["business"], type_of["business"]),
        **_by_type("premises_all_types", ranked["premises"], type_of["premises"]),
        **_by_type("businesses_all_types", ranked["business"], type_of["business"]),
        "community_ari": round(adjusted_rand_index(true_label, community), 4),
        "network_coverage": round(sum(coverage) / len(coverage), 4) if coverage else 0.0,
        **ranking,
    }


PLACES = ("Address",)
"""Schemata of premises mentions."""
BUSINESSES = ("Company", "Organization")
"""Schemata of business mentions a narrative makes."""


def held_ids(
    truth: ScenarioTruth,
    entity_of: Mapping[str, str],
    narrated: Mapping[str, Mapping[str, str]],
) -> dict[str, dict[str, Counter[str]]]:
    """Kind (``premises``, ``business``) -> entity -> the true ids of its mentions, counted:
    its records' mentions as the truth gives them, and the places and businesses narratives
    name (`narrated`: kind -> mention -> caption) as the text truth writes them ("kept at Flat 1, 6
    Quarryholme Avenue": an entity of narrative mentions alone is the premises they name,
    not an innocent one). A ranked entity is the premises or business most of its mentions
    are (one stray mention does not make a house a brothel, nor the brothel a house).

    >>> truth = ScenarioTruth({"a/m:1:location": ("premises", "PRM-1")}, frozenset(), {},
    ...     named={"premises": {"a/m:2": {"flat1,6mainst,hull": {"PRM-1"}}}})
    >>> held = held_ids(truth, {"a/m:1:location": "adr-1", "a/m:2:text:n:place0": "adr-2"},
    ...                 {"premises": {"a/m:2:text:n:place0": "Flat 1, 6 Main St"}})
    >>> dict(held["premises"]["adr-1"]), dict(held["premises"]["adr-2"])
    ({'PRM-1': 1}, {'PRM-1': 1})
    """
    held: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for mention, (kind, true_id) in truth.mentions.items():
        entity = entity_of.get(mention)
        if entity is not None and kind in ("premises", "business"):
            held[kind][entity][true_id] += 1
    for kind, captions in narrated.items():
        for mention, caption in captions.items():
            entity = entity_of.get(mention)
            names = truth.named.get(kind, {}).get(mention.split(":text:", 1)[0], {})
            ids = who_is(names, caption) if entity is not None else set()
            if len(ids) == 1:
                held[kind][str(entity)][next(iter(ids))] += 1
    return held


def distinct(ranked: Sequence[str], held: Mapping[str, Counter[str]]) -> list[str]:
    """A ranking of entities as the premises (or businesses) they are: each entity as the
    true id most of its mentions are (:func:`held_ids`; an entity the truth knows nothing of
    stands for itself), each true id at its first place only. A house that resolution left in
    two entities (its full address, and a narrative's "4 Foxglovethorpe Street" without a
    town) is found where its first entity ranks; the second is a duplicate for the analyst
    to merge, neither a second find nor an innocent place ranked.

    >>> held = {"adr-1": Counter({"PRM-1": 5}), "adr-2": Counter({"PRM-1": 1, "PRM-2": 0})}
    >>> distinct(["adr-1", "adr-3", "adr-2"], held)
    ['PRM-1', 'adr-3']
    """
    out: dict[str, None] = {}
    for entity in ranked:
        counts = held.get(entity)
        out.setdefault(counts.most_common(1)[0][0] if counts else entity)
    return list(out)


def network_ranking(
    g: ig.Graph,
    membership: Sequence[int],
    found: Iterable[Finding],
    weights: Weights,
    true_label: Mapping[str, str],
) -> dict[str, float | int]:
    """Whether the real networks are ranked above every background cluster, as network
    profiles rank communities by risk (how far their members' findings stand above chance,
    :func:`threadline.graph.profiles.network_risk`, from
    :func:`threadline.risk.analysis.member_risk`).

    A community is a real network's when it holds the most of that network's members (one
    per network, so a network split in two is judged by its main part); a background cluster
    holds no member of any network. Reported: how many real networks have a profile, the rank
    (1 is first) of the lowest-ranked of them, the rank of the highest-ranked background
    cluster, and how many real networks rank below that cluster (0 when every real network
    is above every background cluster)."""
    from threadline.graph.profiles import network_profiles
    from threadline.risk.analysis import risk_of

    risk = risk_of(found, weights)
    profiles = network_profiles(g, list(membership), scores=risk) if g.vcount() else []
    rank_of = {p.community: rank for rank, p in enumerate(profiles, start=1)}
    networks_in: dict[int, Counter[str]] = defaultdict(Counter)
    where: dict[str, Counter[int]] = defaultdict(Counter)
    for index, ids in enumerate(g.vs["entity_ids"] if g.vcount() else []):
        for entity_id in ids:
            network = true_label.get(entity_id)
            if network is not None:
                networks_in[membership[index]][network] += 1
                where[network][membership[index]] += 1
    real = {counts.most_common(1)[0][0] for counts in where.values() if counts} & rank_of.keys()
    background = [rank_of[c] for c in rank_of if not networks_in.get(c)]
    lowest_real = max((rank_of[c] for c in real), default=0)
    first_background = min(background, default=len(profiles) + 1)
    return {
        "networks_profiled": len(real),
        "networks_lowest_real_rank": lowest_real,
        "networks_highest_background_rank": first_background,
        "networks_real_below_background": sum(1 for c in real if rank_of[c] > first_background),
    }


def _by_type(
    label: str, ranked: Sequence[str] | Mapping[str, Sequence[str]], type_of: Mapping[str, str]
) -> dict[str, float]:
    """Precision at 10 and 20 per exploitation type present in the store, of one ranking
    across every type (a sequence) or of each type's own ranking (type -> its ranking, as an
    analyst ranks for an operation against one type). Each is the whole ranking: a premises
    of a type that is not ranked at all is a miss."""
    if not isinstance(ranked, Mapping):
        return {f"{label}_{name}": v for name, v in precision_by_type(ranked, type_of).items()}
    out: dict[str, float] = {}
    for typology, lens in ranked.items():
        for name, v in precision_by_type(lens, type_of).items():
            if name.startswith(f"{typology}_precision_at_"):
                out[f"{label}_{name}"] = v
    return out


def evaluate_scenario(
    folder: Path, *, top: int = 20, engine: Any = None, keep: Path | None = None
) -> dict[str, float | int]:
    """Ingest, resolve and analyse the scenario in FOLDER in a fresh store; score resolution
    over every agency's mentions (each read by an analyst of that agency, so that no handling
    condition hides a mention from the count) and the analysis as the store's local analyst
    sees it once every partner shares with them (as in the demo). The store is a SQLite file
    in a temporary folder, or the file ``keep`` (which must not exist yet) to look at after."""
    from threadline.read import View
    from threadline.scenario.agreements import record_agreements
    from threadline.scenario.attribution import score_attribution, score_narrated
    from threadline.scenario.people_accuracy import score_people
    from threadline.security.identity import bootstrap, resolve_actor
    from threadline.store import Store

    truth = ScenarioTruth.load(folder)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = keep if keep is not None else Path(tmp) / "evaluate.db"
        if path.exists():
            raise ThreadlineError(f"{path} exists: the evaluation needs a fresh store")
        store = Store(f"sqlite:///{path}", create=True)
        try:
            store.migrate()
            bootstrap(store, os_cleared=True)
            record_agreements(store, folder)
            records = load_scenario(store, folder, engine)
            readers = _agency_readers(store)
            with store.connect() as conn:
                figures = score_store(
                    View(conn, resolve_actor(store)), truth, top=top,
                    resolved_by=[View(conn, reader) for reader in readers],
                )  # fmt: skip
                agencies = [View(conn, a) for a in readers]
                figures |= score_attribution(agencies, folder)
                figures |= score_narrated(agencies, folder, truth.mentions)
                figures.update(
                    score_people(View(conn, resolve_actor(store)), folder, truth.mentions)
                )
        finally:
            store.close()
    return {
        **figures,
        "records": records,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _agency_readers(store: Store) -> list[Actor]:
    """A cleared analyst in each agency of the throwaway evaluation store, made by its owner
    (who administers it), to read each agency's own mentions."""
    from threadline.security.actors import load_actor
    from threadline.security.identity import resolve_actor
    from threadline.security.users import add_user, list_agencies

    owner = resolve_actor(store)
    readers = []
    with store.connect() as conn:
        for code, _name, _kind in list_agencies(conn, owner):
            username = f"evaluator-{code}"
            add_user(conn, owner, username, code, ["analyst"], os_cleared=True)
            reader = load_actor(conn, username)
            if reader is None:  # pragma: no cover - made just above, and active
                raise ThreadlineError(f"evaluation reader {username!r} was not made")
            readers.append(reader)
    return readers
