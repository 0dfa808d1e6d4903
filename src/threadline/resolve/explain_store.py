"""Explaining a stored entity: which pairs of its mentions joined it, and why, field by field.

The person model of the run that built the entity is reloaded from the run's record, with the
term frequencies and blocking it scored with, and the person table is scored again with it, so
the words match the scores that joined them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.resolve.explain import PairExplanation, name_parts_as_read, named_context
from threadline.resolve.summaries import entity_summary, pair_summary
from threadline.store import tables as t

__all__ = ["RULES", "PairExplainer", "explain_entity", "split_proposal", "summarise"]

RULES = {
    "Company": "same company number, or the same name once legal forms (Ltd, Limited, LLP, "
    "PLC) and trading names are set aside",
    "Organization": "same name once legal forms and trading names are set aside",
    "LegalEntity": "same name once legal forms and trading names are set aside",
    "Address": "same premises: house and flat number, street and postcode (or the same UPRN)",
    "Vehicle": "same registration number",
    "BankAccount": "same sort code and account number",
    "Identification": "same document number",
    "Image": "same photo (the same image hash)",
}
"""How mentions that the person model does not score are joined, in words."""


def explain_entity(
    conn: Connection,
    run: Any,
    mention_ids: list[str],
    may_see: Callable[[str], bool] | None = None,
    name_of: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Why these mentions are one entity: a ``summary`` of a few lines (the strongest evidence
    for and against over every pair, :mod:`threadline.resolve.summaries`), the ``pairs`` that
    joined them in `run`, each with its own summary and field-by-field contributions, and
    ``notes``: judgements, working-name joins and the records the run kept apart from them
    because they contradict (quoted only when ``may_see`` says the viewer may see the other
    record too). ``name_of`` names the businesses a pair's records have in common as the viewer
    sees them (:func:`threadline.read.resolution.entity_name`), instead of by mention ids."""
    schemata = {
        str(s)
        for s in conn.execute(
            sa.select(t.mentions.c.schema).where(t.mentions.c.id.in_(mention_ids))
        ).scalars()
    }
    notes: list[str] = []
    if "Person" not in schemata:
        rule = next((RULES[s] for s in sorted(schemata) if s in RULES), None)
        if rule is None and len(mention_ids) == 1:
            rule = "a single mention: nothing joined"
        return {"rule": rule, "summary": [], "pairs": [], "notes": notes}
    judged = conn.execute(
        sa.select(t.judgements.c.left_id, t.judgements.c.right_id, t.judgements.c.verdict).where(
            t.judgements.c.deleted_at.is_(None),
            t.judgements.c.left_id.in_(mention_ids),
            t.judgements.c.right_id.in_(mention_ids),
        )
    ).all()
    for left, right, verdict in judged:
        notes.append(f"analyst judgement: {left} and {right} are {verdict}")
    notes.extend(_working_names(run, set(mention_ids)))
    notes.extend(_kept_apart(run, set(mention_ids), may_see))
    p = t.resolution_pairs.c
    pairs = conn.execute(
        sa.select(p.left_id, p.right_id, p.probability)
        .where(
            p.run_id == run.id, p.joined, p.left_id.in_(mention_ids), p.right_id.in_(mention_ids)
        )
        .order_by(p.probability.desc())
    ).all()
    if not pairs or not run.model:
        if len(mention_ids) > 1 and not judged:
            notes.append(
                "no scored pair is kept for these mentions (joined by a strong "
                "identifier: same passport, NI number or email)"
            )
        return {"rule": None, "summary": [], "pairs": [], "notes": notes}
    from threadline.resolve.engine import PersonResolver
    from threadline.resolve.groups import person_table
    from threadline.resolve.incremental import load_scoring

    # With the run's blocking and term frequencies (how common each name was) when it kept
    # them, the scores are the run's own even after later batches.
    resolver = PersonResolver.from_model_json(run.model, load_scoring(conn, run))
    out = []
    scored: list[tuple[PairExplanation, float]] = []
    try:
        # Score the whole person table, as the run did: without the run's own term
        # frequencies they are counted again over every record.
        resolver.predict(person_table(conn))
        explained = resolver.explain_pairs([(left, right) for left, right, _ in pairs])
        keys = [(left, right) for left, right, _ in pairs if (left, right) in explained]
        read = dict(zip(keys, name_parts_as_read([explained[k] for k in keys]), strict=True))
        for left, right, probability in pairs:
            explanation = read.get((left, right))
            if explanation is None:
                continue
            explanation = named_context(explanation, name_of or (lambda _mention: None))
            scored.append((explanation, float(probability)))
            out.append(
                {
                    "left": left,
                    "right": right,
                    "probability": probability,
                    "summary": pair_summary(explanation),
                    "fields": explanation.lines(),
                }
            )
    finally:
        resolver.close()
    summary = entity_summary(scored, len(mention_ids))
    return {"rule": None, "summary": summary, "pairs": out, "notes": notes}


def _working_names(run: Any, mentions: set[str]) -> list[str]:
    """The run's joins of adverts to a woman's records among these mentions, in words."""
    from threadline.resolve.working_names import WorkingNameJoin

    state = run.state or {}
    joins = [WorkingNameJoin.from_dict(j) for j in state.get("working_names", [])]
    # Only joins whose every record the viewer may see: the words quote the record that gives
    # the line, and the line.
    return [
        j.words()
        for j in joins
        if j.record in mentions
        and set(j.adverts) <= mentions
        and (not j.gives or j.gives in mentions)
    ]


class PairExplainer:
    """A run's model with every person record scored once, so that each pair an analyst
    compares is explained at once rather than after scoring the store again. Only ever asked
    about mentions the analyst may see (the caller checks through the View)."""

    def __init__(self, conn: Connection, run: Any) -> None:
        from threadline.resolve.engine import PersonResolver
        from threadline.resolve.groups import person_table
        from threadline.resolve.incremental import load_scoring

        self.run_id = int(run.id)
        self._lock = threading.Lock()
        self._resolver = PersonResolver.from_model_json(run.model, load_scoring(conn, run))
        self._resolver.predict(person_table(conn))

    def explain(self, left: str, right: str) -> PairExplanation | None:
        """Why the run's model scores two person mentions as it does; None if it cannot
        (not person mentions, or not in the run)."""
        return self.explain_many([(left, right)]).get((left, right))

    def explain_many(
        self, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], PairExplanation]:
        """:meth:`explain` for many pairs in one scoring pass (a pass costs about a second
        whatever its size); a pair the model cannot score is left out."""
        with self._lock:
            return self._resolver.explain_pairs(pairs)

    def summary(
        self, left: str, right: str, name_of: Callable[[str], str | None] | None = None
    ) -> str | None:
        """Why the run's model scores two person mentions as it does, in one line (the
        strongest evidence for and against, :func:`~threadline.resolve.summaries.pair_summary`);
        ``name_of`` names a business both records name as the reader sees it."""
        return self.summaries([(left, right)], name_of).get((left, right))

    def summaries(
        self,
        pairs: Sequence[tuple[str, str]],
        name_of: Callable[[str], str | None] | None = None,
    ) -> dict[tuple[str, str], str]:
        """:meth:`summary` for many pairs in one scoring pass."""
        return {
            pair: summarise(explanation, name_of)
            for pair, explanation in self.explain_many(pairs).items()
        }

    def close(self) -> None:
        """Release the model's database."""
        with self._lock:
            self._resolver.close()


def summarise(
    explanation: PairExplanation, name_of: Callable[[str], str | None] | None = None
) -> str:
    """One pair's explanation in one line: the strongest evidence for and against."""
    return pair_summary(named_context(explanation, name_of or (lambda _mention: None)))


def _kept_apart(run: Any, mentions: set[str], may_see: Callable[[str], bool] | None) -> list[str]:
    """The run's contradicting records kept apart from these mentions, in words."""
    if may_see is None:
        return []
    out = []
    for left, right, words in (run.state or {}).get("kept_apart", []):
        if left in mentions and right not in mentions:
            mine, other = left, right
        elif right in mentions and left not in mentions:
            mine, other = right, left
        else:
            continue
        if may_see(other):
            out.append(f"kept apart: {mine} and {other} are not one person ({words})")
    return out


def split_proposal(
    conn: Connection, mention_ids: list[str]
) -> tuple[list[list[str]], list[str], list[tuple[str, str, str]]]:
    """How these person mentions (one entity's, those the viewer may see) split into groups
    that hold no contradicting records (:func:`.integrity.propose_split`): the groups, the
    mentions that state nothing to place them by, and the contradicting pairs in words."""
    from threadline.resolve.frames import person_frame
    from threadline.resolve.integrity import (
        CONTRADICTION_FIELDS,
        FAMILY_NAMES,
        contradicting_pairs,
        propose_split,
        reason_words,
    )
    from threadline.resolve.normalise import connect, prepare_in

    frame = person_frame(conn, set(mention_ids))
    if frame.num_rows == 0:
        return [], sorted(mention_ids), []
    con = connect(1)
    try:
        prepare_in(con, frame, "tl_split")
        prepared = con.sql("SELECT * FROM tl_split ORDER BY uid").to_arrow_table()
        numbers = np.arange(prepared.num_rows, dtype=np.int64)
        left, right, reasons = contradicting_pairs(
            con, numbers, np.zeros_like(numbers), table="tl_split"
        )
    finally:
        con.close()
    ids = [str(r) for r in prepared.column("record_id").to_pylist()]
    kin = [
        (ids[a], ids[b])
        for a, b, why in zip(left.tolist(), right.tolist(), reasons, strict=True)
        if why == FAMILY_NAMES
    ]
    rows = prepared.select(["record_id", *CONTRADICTION_FIELDS, FAMILY_NAMES]).to_pylist()
    groups, unplaced, pairs = propose_split(rows, kin)
    by_id = {str(r["record_id"]): r for r in rows}
    worded = [(a, b, reason_words(why, by_id[a], by_id[b])) for a, b, why in pairs]
    others = sorted(set(mention_ids) - set(by_id))
    return groups, sorted([*unplaced, *others]), worded
