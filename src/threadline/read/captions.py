"""Entities' captions as a reader may see them: the commonest among the mentions their View
admits, so that a caption from a record they may not see is never shown to them."""

from __future__ import annotations

import sqlalchemy as sa

from threadline.model.captions import caption_of
from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = ["entity_captions"]


def entity_captions(view: View, entity_ids: list[str]) -> dict[str, str]:
    """Each entity's caption (:func:`~threadline.model.captions.best_caption`: a name before a
    bare number, then the commonest) among the mentions the reader may see (those with none
    the reader may see are left out)."""
    m = t.mentions
    given: dict[str, list[tuple[str, str]]] = {}
    for chunk in chunked(entity_ids, 2000):
        query = (
            sa.select(m.c.entity_id, m.c.caption, m.c.slot)
            .join(t.records, t.records.c.id == m.c.record_id)
            .where(m.c.entity_id.in_(chunk), m.c.caption.is_not(None), view.clause)
        )
        for row in view.conn.execute(query):
            given.setdefault(str(row.entity_id), []).append((str(row.caption), str(row.slot)))
    return {e: caption for e, c in given.items() if (caption := caption_of(c))}
