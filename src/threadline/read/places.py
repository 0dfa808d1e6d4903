"""Where places are, as the records a user may see say: coordinates and postcodes.

A premises (an Address entity) is on a map only when a record the reader may see gives both
its latitude and its longitude (the ANPR bureau does for its camera sites); nothing is guessed
from a postcode or a town. Otherwise its postcode district (the outward code) is what is known
of where it is. Each answer names the records it rests on, so that a page can state its
protection and the audit log can say what was shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from threadline.read.view import View
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.values.postcode import split_postcode

__all__ = ["PLACE_PROPS", "Place", "places"]

PLACE_PROPS = ("latitude", "longitude", "postalCode")
"""The properties read: coordinates in decimal degrees (WGS84) and the postcode."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where one entity is, as far as the reader's records say."""

    entity_id: str
    latitude: float | None
    """Decimal degrees, when one mention gave both coordinates; the commonest such pair."""
    longitude: float | None
    postcode: str | None
    """The commonest postcode the reader's records give it."""
    district: str | None
    """The postcode's outward code (its district), e.g. "BD3"."""
    records: tuple[int, ...]
    """The records behind the values above."""

    @property
    def located(self) -> bool:
        """Whether the entity has coordinates."""
        return self.latitude is not None and self.longitude is not None


def _degrees(text: str, limit: float) -> float | None:
    """A coordinate as a float within ±`limit`, or None.

    >>> _degrees("53.795", 90), _degrees("north", 90), _degrees("200", 180)
    (53.795, None, None)
    """
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if -limit <= value <= limit else None


def _first(texts: Iterable[str], limit: float) -> float | None:
    """The first of `texts` that reads as a coordinate within ±`limit`."""
    return next((v for x in texts if (v := _degrees(x, limit)) is not None), None)


def places(view: View, entity_ids: Iterable[str]) -> dict[str, Place]:
    """Each of `entity_ids` that a visible record gives a coordinate pair or a postcode.

    Not logged: the caller logs what it shows (records in `Place.records`)."""
    wanted = sorted(set(entity_ids))
    s, m = t.statements, t.mentions
    # entity -> mention -> prop -> values, and the records behind each mention's values
    found: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(dict))
    behind: dict[tuple[str, str], set[int]] = defaultdict(set)
    for chunk in chunked(wanted):
        query = (
            sa.select(m.c.entity_id, s.c.mention_id, s.c.record_id, s.c.prop, s.c.value)
            .join(m, m.c.id == s.c.mention_id)
            .join(t.records, t.records.c.id == s.c.record_id)
            .where(
                m.c.entity_id.in_(chunk),
                s.c.prop.in_(PLACE_PROPS),
                view.clause,
            )
            .order_by(s.c.id)
        )
        for row in view.conn.execute(query):
            entity, mention = str(row.entity_id), str(row.mention_id)
            found[entity][mention].setdefault(str(row.prop), []).append(str(row.value))
            behind[(entity, mention)].add(int(row.record_id))
    out: dict[str, Place] = {}
    for entity, mentions in sorted(found.items()):
        pairs: Counter[tuple[float, float]] = Counter()
        codes: Counter[str] = Counter()
        used: dict[str, set[int]] = {"pair": set(), "code": set()}
        for mention, props in mentions.items():
            lat = _first(props.get("latitude", ()), 90)
            lon = _first(props.get("longitude", ()), 180)
            if lat is not None and lon is not None:
                pairs[(lat, lon)] += 1
                used["pair"].update(behind[(entity, mention)])
            for code in props.get("postalCode", ()):
                if code.strip():
                    codes[code.strip().upper()] += 1
                    used["code"].update(behind[(entity, mention)])
        if not pairs and not codes:
            continue
        pair = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0] if pairs else None
        postcode = min(codes.items(), key=lambda kv: (-kv[1], kv[0]))[0] if codes else None
        out[entity] = Place(
            entity_id=entity,
            latitude=None if pair is None else pair[0],
            longitude=None if pair is None else pair[1],
            postcode=postcode,
            district=None if postcode is None else split_postcode(postcode)[0],
            records=tuple(sorted(used["pair"] | used["code"])),
        )
    return out
