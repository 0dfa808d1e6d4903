"""One-name records (a hotline note: "Mai, on 07700 900123") joined to the person they name.

A record that gives a given name and nothing else of the person's own (no surname, no date
of birth, no stated age, no photo) can only ever agree with the rest of a person's records on
what it does give. Against the one record that shares its phone it scores high; against the
person's other records, which give no phone, it shares only a first name and scores low. The
mean over every pair, which average linkage asks for, is then low however telling the one
pair is, so the note stays alone. Missing evidence is not evidence against.

So, after clustering, a cluster of one-name records joins the cluster of the person it names
when all of these hold:

- one of its records scores at or above the match threshold against one of that cluster's
  records (the name agrees and something strong besides: the same phone, or the same address
  and age), and against no other cluster's;
- no pair across the two scores below ``veto``: a different given name, or a different sex,
  in any record of the cluster rules the join out;
- no two records across them contradict each other (:mod:`.integrity`) and no "different"
  judgement (nor one source record naming both) spans them.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import numpy.typing as npt

from threadline.resolve.cluster import Contradictions, PairScorer

__all__ = ["ONE_NAME_SQL", "attach_one_name"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ONE_NAME_SQL = (
    "given IS NOT NULL AND surname IS NULL AND dob IS NULL AND born_about IS NULL AND photo IS NULL"
)
"""The prepared records that give a given name and nothing else of the person's own (adverts,
which state an age and show a photo, are joined through their working name instead)."""


def attach_one_name(
    labels: IntArray,
    one_name: BoolArray,
    pairs: tuple[IntArray, IntArray, npt.NDArray[np.float64]],
    *,
    threshold: float,
    veto: float,
    scorer: PairScorer,
    cannot: Collection[tuple[int, int]] = (),
    contradictions: Contradictions | None = None,
    max_size: int = 400,
) -> tuple[IntArray, int]:
    """Cluster ``labels`` (per node) with clusters of one-name records (``one_name``) joined
    to the one other cluster they link to at or above ``threshold`` in the scored ``pairs``
    (left nodes, right nodes, match probabilities). Returns the labels and the joins made.

    >>> import numpy as np
    >>> labels = np.array([0, 0, 1])              # two full records, one note
    >>> one_name = np.array([False, False, True])
    >>> def scorer(nodes, groups):                # the note against each record
    ...     return np.array([0, 1]), np.array([2, 2]), np.array([0.95, 0.04])
    >>> pairs = (np.array([0]), np.array([2]), np.array([0.95]))
    >>> attach_one_name(labels, one_name, pairs, threshold=0.5, veto=1e-4, scorer=scorer)
    (array([0, 0, 0]), 1)
    """
    left, right, prob = pairs
    if len(labels) == 0 or not one_name.any():
        return labels, 0
    n_labels = int(labels.max()) + 1
    full = np.bincount(labels, weights=~one_name, minlength=n_labels) > 0
    strong = prob >= threshold
    a, b = left[strong], right[strong]
    la, lb = labels[a], labels[b]
    note_side = np.where(~full[la] & full[lb], la, np.where(full[la] & ~full[lb], lb, -1))
    other = np.where(note_side == la, lb, la)
    keep = note_side >= 0
    targets: dict[int, set[int]] = {}
    for note, target in zip(note_side[keep].tolist(), other[keep].tolist(), strict=True):
        targets.setdefault(note, set()).add(target)
    wanted = {note: next(iter(t)) for note, t in targets.items() if len(t) == 1}
    if not wanted:
        return labels, 0
    size = np.bincount(labels, minlength=n_labels)
    by_target: dict[int, list[int]] = {}
    for note, target in wanted.items():
        if size[target] + size[note] <= max_size:
            by_target.setdefault(target, []).append(note)
    # One scoring group per target cluster: its records and those of every note joining it.
    group_of_label = np.full(n_labels, -1, dtype=np.int64)
    for group, (target, notes) in enumerate(by_target.items()):
        group_of_label[[target, *notes]] = group
    node_group = group_of_label[labels]
    nodes = np.flatnonzero(node_group >= 0).astype(np.int64)
    if len(nodes) == 0:
        return labels, 0
    refused: set[int] = set()
    s_left, s_right, s_prob = scorer(nodes, node_group[nodes])
    for x, y, p in zip(s_left.tolist(), s_right.tolist(), s_prob.tolist(), strict=True):
        if p < veto:
            refused.update(_notes_across(labels, full, x, y))
    against = list(cannot)
    if contradictions is not None:
        c_left, c_right, _ = contradictions(nodes, node_group[nodes])
        against.extend(zip(c_left.tolist(), c_right.tolist(), strict=True))
    for x, y in against:
        if node_group[x] >= 0 and node_group[x] == node_group[y]:
            refused.update(_notes_across(labels, full, x, y))
    out = labels.copy()
    joined = 0
    for target, notes in by_target.items():
        for note in notes:
            if note not in refused:
                out[labels == note] = target
                joined += 1
    return out, joined


def _notes_across(labels: IntArray, full: BoolArray, x: int, y: int) -> list[int]:
    """The note cluster of a pair that spans a note and its target (none otherwise)."""
    lx, ly = int(labels[x]), int(labels[y])
    if lx == ly:
        return []
    return [label for label in (lx, ly) if not full[label]]
