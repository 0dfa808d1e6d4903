"""Clustering scored pairs into people without gluing different people together.

The rule (average linkage with constraints):

1. Analyst "same" judgements, then deterministic identifier matches, join records into
   groups, unless an analyst "different" judgement forbids the join (judgements beat rules).
2. Groups linked by pairs at or above the threshold form candidate components. A component
   in which every record pair is scored at or above the threshold is one person.
3. Any other component is clustered by average linkage: two clusters join only when the
   *mean* match probability over every pair of their records is at or above the threshold,
   no "different" judgement spans them, and no pair across them scores below ``veto`` (the
   model is sure those two records are different people). Pairs that blocking never compared
   are scored first, so the mean is over real scores.

A chain A~B~C~D of weak links therefore cannot put A and D together: once {A, B} has formed,
C must look like both A and B on average, and D like A, B and C; and if A and D plainly
differ, no strong links elsewhere can outvote that. Components larger than ``max_component``
records are first cut along their weakest links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "ClusterOutcome",
    "Contradictions",
    "PairScorer",
    "cluster_graph",
    "comparable",
    "components",
    "judgement_conflicts",
    "reached",
]

IntArray = npt.NDArray[np.int64]
_NONE: frozenset[int] = frozenset()
FloatArray = npt.NDArray[np.float64]

PairScorer = Callable[[IntArray, IntArray], tuple[IntArray, IntArray, FloatArray]]
"""Scores every pair within groups: given node ids and their group labels, return
``(left, right, probability)`` for the pairs of nodes that share a group."""

Contradictions = Callable[[IntArray, IntArray], tuple[IntArray, IntArray, list[str]]]
"""Finds contradicting records within groups: given node ids and their group labels, return
``(left, right, reasons)`` for the pairs of nodes that share a group and cannot be one person
(:mod:`.integrity`)."""


PROBABILITY_DIGITS = 9
"""Decimal places of a match probability that clustering compares. Engines sum a pair's
match weight in their own order, so the same pair's probability differs in its last bits
(1e-14 between DuckDB and Spark); where two candidate joins tie (one record scored alike
against several others) that noise, not the evidence, would choose, and the engines would
part. Rounded, a tie is a tie on every engine and is broken the same way (by record order).
Nine places keep every difference the model means: its probabilities move in steps far
larger than 1e-9."""


def comparable(prob: FloatArray) -> FloatArray:
    """Match probabilities as clustering compares them (:data:`PROBABILITY_DIGITS`).

    >>> comparable(np.array([0.8588369795530238, 0.858836979553024])).tolist()
    [0.85883698, 0.85883698]
    """
    return np.asarray(prob, dtype=np.float64).round(PROBABILITY_DIGITS)


@dataclass(frozen=True, slots=True)
class ClusterOutcome:
    """Cluster label per node, and the judgements that could not all be honoured."""

    labels: IntArray
    conflicts: tuple[tuple[int, int], ...]
    """"Different" judgements between nodes that "same" judgements joined anyway."""
    kept_apart: tuple[tuple[int, int, str], ...] = ()
    """Contradicting records that the links would have joined, kept apart, with the reason
    (the field they contradict on)."""


class _UnionFind:
    def __init__(self, nodes: Iterable[int]) -> None:
        self.parent = {n: n for n in nodes}

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root


def _components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected-component label (0..k-1) of each of ``n`` nodes: label propagation with
    pointer jumping, all in numpy (a million edges in well under a second)."""
    label = np.arange(n, dtype=np.int64)
    while len(left):
        before = label.copy()
        low = np.minimum(label[left], label[right])
        np.minimum.at(label, label[left], low)
        np.minimum.at(label, label[right], low)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            break
    return np.unique(label, return_inverse=True)[1].astype(np.int64)


def _groups(
    n: int,
    forced: list[tuple[int, int]],
    strong: tuple[IntArray, IntArray],
    cannot: list[tuple[int, int]],
    soft: Sequence[tuple[int, int]] = (),
) -> tuple[IntArray, list[tuple[int, int]]]:
    """Must-link groups: judged "same" first, then identifier matches, never across a
    "different" judgement (a "same" chain that contradicts one is reported as a conflict)
    nor, for identifier matches, across a ``soft`` pair (contradicting records: a "same"
    judgement joins them without a conflict)."""
    left = np.concatenate([np.array([a for a, _ in forced], dtype=np.int64), strong[0]])
    right = np.concatenate([np.array([b for _, b in forced], dtype=np.int64), strong[1]])
    labels = _components(n, left, right)
    clashing = {int(labels[a]) for a, b in [*cannot, *soft] if labels[a] == labels[b]}
    if not clashing:
        return labels, []
    # Redo the clashing components edge by edge, honouring "different" where possible.
    nodes = np.flatnonzero(np.isin(labels, list(clashing)))
    uf = _UnionFind(int(x) for x in nodes)
    apart: dict[int, set[int]] = {int(x): set() for x in nodes}
    for a, b in cannot:
        if a in apart and b in apart:
            apart[a].add(b)
            apart[b].add(a)
    avoid: dict[int, set[int]] = {int(x): set() for x in nodes}
    for a, b in soft:
        if a in avoid and b in avoid:
            avoid[a].add(b)
            avoid[b].add(a)
    members: dict[int, set[int]] = {int(x): {int(x)} for x in nodes}
    conflicts: list[tuple[int, int]] = []
    edges = [(a, b, True) for a, b in forced] + [
        (int(a), int(b), False) for a, b in zip(strong[0], strong[1], strict=True)
    ]
    for a, b, judged in edges:
        if a not in uf.parent or b not in uf.parent:
            continue
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        blocked = any(apart[x] & members[rb] for x in members[ra])
        if not judged and (blocked or any(avoid[x] & members[rb] for x in members[ra])):
            continue
        if blocked:
            conflicts.extend((x, y) for x in members[ra] for y in apart[x] & members[rb])
        uf.parent[rb] = ra
        members[ra] |= members.pop(rb)
    base = int(labels.max()) + 1
    for node in nodes:
        labels[node] = base + uf.find(int(node))
    return labels, conflicts


def _pair_sum(a: list[int], b: list[int], prob: dict[tuple[int, int], float]) -> float:
    return sum(prob.get((x, y) if x < y else (y, x), 0.0) for x in a for y in b)


def _average_linkage(
    groups: list[list[int]],
    prob: dict[tuple[int, int], float],
    apart: dict[int, set[int]],
    threshold: float,
) -> list[list[int]]:
    """Merge groups while the best mean cross-pair probability reaches ``threshold``."""
    if len(groups) <= 12:
        return _average_linkage_small(groups, prob, apart, threshold)
    m = len(groups)
    total = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1, m):
            s = sum(
                prob.get((a, b) if a < b else (b, a), 0.0) for a in groups[i] for b in groups[j]
            )
            total[i, j] = total[j, i] = s
    sizes = np.array([len(g) for g in groups], dtype=np.float64)
    node_group = {node: i for i, g in enumerate(groups) for node in g}
    banned = np.zeros((m, m), dtype=bool)
    for a, i in node_group.items():
        for b in apart.get(a, ()):
            if b in node_group:
                banned[i, node_group[b]] = banned[node_group[b], i] = True
    alive = np.ones(m, dtype=bool)
    members = [list(g) for g in groups]
    while True:
        mean = total / np.outer(sizes, sizes)
        mean[banned | ~np.outer(alive, alive)] = -1.0
        np.fill_diagonal(mean, -1.0)
        flat = int(np.argmax(mean))
        i, j = divmod(flat, m)
        if mean[i, j] < threshold:
            break
        total[i, :] += total[j, :]
        total[:, i] = total[i, :]
        total[i, i] = 0.0
        sizes[i] += sizes[j]
        banned[i, :] |= banned[j, :]
        banned[:, i] = banned[i, :]
        alive[j] = False
        members[i].extend(members[j])
        members[j] = []
    return [g for g in members if g]


def _average_linkage_small(
    groups: list[list[int]],
    prob: dict[tuple[int, int], float],
    apart: dict[int, set[int]],
    threshold: float,
) -> list[list[int]]:
    """The same as :func:`_average_linkage` in plain Python: faster for the many small
    components where numpy's per-call cost dominates."""
    clusters = [list(g) for g in groups]
    total = {
        (i, j): _pair_sum(clusters[i], clusters[j], prob)
        for i in range(len(clusters))
        for j in range(i + 1, len(clusters))
    }
    banned = {
        (i, j)
        for (i, j) in total
        if any(not apart.get(x, _NONE).isdisjoint(clusters[j]) for x in clusters[i])
    }
    while total:
        best, pair = -1.0, (0, 0)
        for (i, j), s in total.items():
            mean = s / (len(clusters[i]) * len(clusters[j]))
            if mean > best and (i, j) not in banned:
                best, pair = mean, (i, j)
        if best < threshold:
            break
        i, j = pair
        clusters[i] = clusters[i] + clusters[j]
        clusters[j] = []
        for k in range(len(clusters)):
            if k in (i, j) or not clusters[k]:
                continue
            ik, jk = (min(i, k), max(i, k)), (min(j, k), max(j, k))
            total[ik] = total[ik] + total.pop(jk)
            if jk in banned:
                banned.add(ik)
        total = {key: v for key, v in total.items() if j not in key}
    return [c for c in clusters if c]


def _split_large(
    nodes: IntArray,
    groups: IntArray,
    left: IntArray,
    right: IntArray,
    prob: FloatArray,
    threshold: float,
    max_component: int,
) -> list[IntArray]:
    """Cut a component along its weakest links until each piece is small enough (records of
    one must-link group stay together)."""
    index = np.full(int(nodes.max()) + 1, -1, dtype=np.int64)
    index[nodes] = np.arange(len(nodes))
    # Tie each record to the first record of its group, so that no cut separates a group.
    _, first = np.unique(groups[nodes], return_index=True)
    head = np.full(int(groups.max()) + 1, -1, dtype=np.int64)
    head[groups[nodes][first]] = first
    tie_a, tie_b = np.arange(len(nodes)), head[groups[nodes]]
    cut = threshold
    pieces = [nodes]
    while cut < 0.999999 and max(len(p) for p in pieces) > max_component:
        cut = 1 - (1 - cut) / 10
        keep = prob >= cut
        a = np.concatenate([index[left[keep]], tie_a])
        b = np.concatenate([index[right[keep]], tie_b])
        labels = _components(len(nodes), a, b)
        pieces = [nodes[labels == c] for c in np.unique(labels)]
    return pieces


def cluster_graph(
    n: int,
    left: IntArray,
    right: IntArray,
    prob: FloatArray,
    *,
    threshold: float = 0.5,
    forced: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    strong: tuple[IntArray, IntArray] | None = None,
    scorer: PairScorer | None = None,
    max_component: int = 400,
    veto: float = 0.0,
    contradictions: Contradictions | None = None,
) -> ClusterOutcome:
    """Cluster nodes ``0..n-1`` from scored pairs (``left[i]``, ``right[i]``, ``prob[i]``).

    ``forced`` pairs must end in one cluster, ``cannot`` pairs never may, ``strong`` pairs
    (identifier matches) join unless a ``cannot`` pair forbids it. ``scorer`` scores pairs that
    were never compared; without it they count as probability 0. Scored pairs below ``veto``
    act as ``cannot`` pairs for the model (not for ``forced`` and ``strong`` ones).
    ``contradictions`` finds records that cannot be one person: they act as ``cannot`` pairs
    for the model and for ``strong`` pairs, but not for ``forced`` ones; and a group that
    ``forced`` pairs join across a contradiction (an analyst judged those records the same
    despite it) is no longer kept apart from others on that evidence.

    >>> import numpy as np
    >>> a, b = np.array([0, 1, 2]), np.array([1, 2, 3])
    >>> p = np.array([0.9, 0.9, 0.9])
    >>> cluster_graph(4, a, b, p).labels.tolist()  # a chain, never scored end to end
    [0, 0, 1, 1]
    >>> cluster_graph(4, a, b, p, cannot=[(0, 1)]).labels.tolist()
    [0, 1, 1, 2]
    """
    forced_list = [(int(a), int(b)) for a, b in forced]
    cannot_list = [(int(a), int(b)) for a, b in cannot]
    empty = np.zeros(0, dtype=np.int64)
    strong_pairs = strong or (empty, empty)
    groups, conflicts = _groups(n, forced_list, strong_pairs, cannot_list)
    found: dict[tuple[int, int], str] = {}

    def contradicting(nodes: IntArray, labels: IntArray) -> None:
        if contradictions is None or len(nodes) < 2:
            return
        ca, cb, why = contradictions(nodes, labels)
        for a, b, reason in zip(ca.tolist(), cb.tolist(), why, strict=True):
            found.setdefault((a, b) if a < b else (b, a), reason)

    if contradictions is not None:
        multi = np.flatnonzero(np.bincount(groups)[groups] > 1)
        contradicting(multi, groups[multi])
        if found:  # identifier matches never join contradicting records
            groups, conflicts = _groups(n, forced_list, strong_pairs, cannot_list, soft=list(found))
    # Groups an analyst joined across a contradiction: that evidence no longer separates them.
    accepted = {int(groups[a]) for a, b in found if groups[a] == groups[b]}
    keep = prob >= threshold
    e_left, e_right, e_prob = left[keep], right[keep], prob[keep]
    g_left, g_right = groups[e_left], groups[e_right]
    cross = g_left != g_right
    group_ids, node_group = np.unique(groups, return_inverse=True)
    comp_of_group = _components(
        len(group_ids), node_group[e_left[cross]], node_group[e_right[cross]]
    )
    comp = comp_of_group[node_group]
    apart = {(min(a, b), max(a, b)) for a, b in cannot_list}
    # A component is settled when all its records are pairwise linked (or already grouped).
    n_comp = int(comp.max()) + 1 if n else 0
    size = np.bincount(comp, minlength=n_comp)
    group_size = np.bincount(node_group, minlength=len(group_ids))
    inner = np.bincount(comp_of_group, weights=group_size * (group_size - 1) / 2, minlength=n_comp)
    linked = np.bincount(comp[e_left[cross]], minlength=n_comp)
    settled = linked + inner >= size * (size - 1) / 2
    for a, b in apart:
        if comp[a] == comp[b]:
            settled[comp[a]] = False
    if contradictions is not None:
        small = np.flatnonzero((size[comp] > 1) & (size[comp] <= max_component))
        contradicting(small, comp[small])
        settled[size > max_component] = False  # looked at piece by piece below
    contra = [
        pair for pair in found
        if comp[pair[0]] == comp[pair[1]] and groups[pair[0]] != groups[pair[1]]
        and int(groups[pair[0]]) not in accepted and int(groups[pair[1]]) not in accepted
    ]  # fmt: skip
    for a, _ in contra:
        settled[comp[a]] = False
    labels = comp.copy()
    open_comps = np.flatnonzero(~settled)
    if len(open_comps) == 0:
        return ClusterOutcome(_canonical(labels), tuple(conflicts), _apart(contra, found, labels))
    in_open = ~settled[comp[e_left]]
    e_left, e_right, e_prob = e_left[in_open], e_right[in_open], e_prob[in_open]
    pieces = _open_pieces(
        open_comps, comp, groups, e_left, e_right, e_prob, threshold, max_component
    )
    nodes = np.concatenate(pieces)
    piece_of = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(pieces)])
    if contradictions is not None:
        big = size[comp[nodes]] > max_component
        before = set(found)
        contradicting(nodes[big], piece_of[big])
        contra.extend(
            pair for pair in found if pair not in before
            and int(groups[pair[0]]) not in accepted and int(groups[pair[1]]) not in accepted
        )  # fmt: skip
    if scorer is not None:
        e_left, e_right, e_prob = scorer(nodes, piece_of)
    else:  # every scored pair counts, also those below the threshold
        e_left, e_right, e_prob = left, right, prob
    piece = np.full(n, -1, dtype=np.int64)
    piece[nodes] = piece_of
    within = (piece[e_left] >= 0) & (piece[e_left] == piece[e_right])
    e_left, e_right, e_prob = e_left[within], e_right[within], e_prob[within]
    # Pieces whose every pair now scores at or above the threshold need no clustering.
    done = _complete(
        len(pieces), piece, piece_of, nodes, groups, e_left, e_right, e_prob, threshold
    )
    for a, b in [*apart, *contra]:
        if piece[a] >= 0 and piece[a] == piece[b]:
            done[piece[a]] = False
    labels[nodes] = n_comp + piece_of
    next_label = n_comp + len(pieces)
    hard = ~done[piece[e_left]]
    scores = {
        (a, b) if a < b else (b, a): p
        for a, b, p in zip(
            e_left[hard].tolist(), e_right[hard].tolist(), e_prob[hard].tolist(), strict=True
        )
    }
    # Two records the model is sure are different people never share a cluster.
    adjacency: dict[int, set[int]] = {}
    for a, b in [*apart, *contra, *(pair for pair, p in scores.items() if p < veto)]:
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    for index in np.flatnonzero(~done).tolist():
        by_group: dict[int, list[int]] = {}
        for node in pieces[index].tolist():
            by_group.setdefault(int(groups[node]), []).append(node)
        for cluster in _average_linkage(list(by_group.values()), scores, adjacency, threshold):
            labels[cluster] = next_label
            next_label += 1
    return ClusterOutcome(_canonical(labels), tuple(conflicts), _apart(contra, found, labels))


def _apart(
    contra: list[tuple[int, int]], found: dict[tuple[int, int], str], labels: IntArray
) -> tuple[tuple[int, int, str], ...]:
    """The contradicting pairs the links would have joined, now in different clusters."""
    return tuple((a, b, found[a, b]) for a, b in contra if labels[a] != labels[b])


def _complete(
    count: int,
    piece: IntArray,
    piece_of: IntArray,
    nodes: IntArray,
    groups: IntArray,
    left: IntArray,
    right: IntArray,
    prob: FloatArray,
    threshold: float,
) -> npt.NDArray[np.bool_]:
    """Which pieces have every record pair linked at or above ``threshold`` (pairs inside
    one must-link group count as linked)."""
    size = np.bincount(piece_of, minlength=count)
    _, group_counts = np.unique(
        piece_of * (int(groups.max()) + 1) + groups[nodes], return_counts=True
    )
    _, first = np.unique(piece_of * (int(groups.max()) + 1) + groups[nodes], return_index=True)
    inner = np.bincount(
        piece_of[first], weights=group_counts * (group_counts - 1) / 2, minlength=count
    )
    cross = groups[left] != groups[right]
    ok = cross & (prob >= threshold)
    linked = np.bincount(piece[left[ok]], minlength=count)
    result: npt.NDArray[np.bool_] = linked + inner >= size * (size - 1) / 2
    return result


def components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected-component label (0..k-1) of each of ``n`` nodes joined by the edges
    ``(left[i], right[i])``.

    >>> import numpy as np
    >>> components(4, np.array([0]), np.array([2])).tolist()
    [0, 1, 0, 2]
    """
    return _components(n, left, right)


def _canonical(labels: IntArray) -> IntArray:
    """Renumber labels 0, 1, 2... in order of each cluster's first node."""
    if len(labels) == 0:
        return labels
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse]


def _open_pieces(
    open_comps: IntArray,
    comp: IntArray,
    groups: IntArray,
    e_left: IntArray,
    e_right: IntArray,
    e_prob: FloatArray,
    threshold: float,
    max_component: int,
) -> list[IntArray]:
    order = np.argsort(comp, kind="stable")
    starts = np.searchsorted(comp[order], open_comps)
    ends = np.searchsorted(comp[order], open_comps, side="right")
    pieces: list[IntArray] = []
    edge_comp = comp[e_left]
    for c, s, e in zip(open_comps.tolist(), starts.tolist(), ends.tolist(), strict=True):
        nodes = order[s:e]
        if len(nodes) <= max_component:
            pieces.append(nodes)
            continue
        mask = edge_comp == c
        pieces.extend(
            _split_large(
                nodes, groups, e_left[mask], e_right[mask], e_prob[mask], threshold, max_component
            )
        )
    return pieces


def reached(n: int, left: IntArray, right: IntArray, seeds: IntArray) -> npt.NDArray[np.bool_]:
    """Which of ``n`` nodes are connected to any of ``seeds`` through the edges
    ``(left[i], right[i])``.

    >>> import numpy as np
    >>> reached(5, np.array([0, 2]), np.array([1, 3]), np.array([3])).tolist()
    [False, False, True, True, False]
    """
    labels = _components(n, left, right)
    hit = np.zeros(int(labels.max()) + 1 if n else 0, dtype=bool)
    hit[labels[seeds]] = True
    result: npt.NDArray[np.bool_] = hit[labels]
    return result


def judgement_conflicts(
    n: int,
    forced: Iterable[tuple[int, int]],
    cannot: Iterable[tuple[int, int]],
    strong: tuple[IntArray, IntArray] | None = None,
) -> tuple[tuple[int, int], ...]:
    """The "different" judgements that :func:`cluster_graph` reports as overridden."""
    empty = np.zeros(0, dtype=np.int64)
    _, conflicts = _groups(
        n, [(int(a), int(b)) for a, b in forced], strong or (empty, empty),
        [(int(a), int(b)) for a, b in cannot],
    )  # fmt: skip
    return tuple(conflicts)
