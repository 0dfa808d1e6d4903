"""Where is "PE13", "Cambridgeshire" or "E07000010"? Areas named by a user, as sets of postcodes.

`resolve_area` turns what a user types into an :class:`AreaScope`: a postcode area ("PE"), a
district ("PE13"), a police force area (its name, short name or ONS code, any case:
"Cambridgeshire" finds Cambridgeshire Constabulary) or, once the ONS postcode directory is
loaded, a local authority (name or code). A prefix settles a clash: ``area:``, ``district:``,
``force:``, ``la:``. Without the directory, a force area is the postcode areas the shipped table
puts in it (all of each, so the edges are approximate); with it, the districts whose live
postcodes fall in it, and the exact postcodes of the districts it shares with a neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError
from threadline.geo.areas import area_of_code, district_of, force_areas, postcode_areas
from threadline.store import tables as t
from threadline.store.chunks import chunked

__all__ = [
    "SHIPPED",
    "AreaInfo",
    "AreaScope",
    "District",
    "GeoData",
    "area_of",
    "force_by_name",
    "load_geo",
    "resolve_area",
]

SHIPPED = "shipped table"
"""The precision of an answer resting on the shipped table alone."""


@dataclass(frozen=True, slots=True)
class AreaScope:
    """An area a product covers: which postcode districts and areas are in it."""

    label: str
    kind: str
    """"postcode area", "postcode district", "police force area" or "local authority"."""
    districts: frozenset[str] | None
    """Postcode districts inside it (or partly inside), when known."""
    areas: frozenset[str]
    """Postcode areas inside it or overlapping it."""
    precision: str
    """What the answer rests on: the shipped table, or the ONS directory and its load date."""
    postcodes: frozenset[str] = field(default=frozenset())
    """The postcodes inside it of the districts it shares with a neighbour (ONS only)."""
    shared: frozenset[str] = field(default=frozenset())
    """Districts only partly inside it (ONS only): a postcode there is checked one by one."""
    outside: frozenset[str] = field(default=frozenset())
    """The postcodes of those shared districts that lie outside it (ONS only)."""

    def contains(self, postcode_or_district: str) -> bool:
        """Whether a postcode or district lies in this area (a district: wholly or partly).

        >>> AreaScope("Postcode area PE", "postcode area", None, frozenset({"PE"}),
        ...           SHIPPED).contains("pe13 2ab")
        True
        """
        district = district_of(postcode_or_district)
        if district is None:
            return False
        if self.districts is None:
            return area_of_code(district) in self.areas
        if district not in self.districts:
            return False
        compact = re.sub(r"\s+", "", postcode_or_district).upper()
        if district in self.shared and len(compact) > len(district):
            # a postcode the directory does not know (newer, or mistyped) in a shared district
            # counts as inside: the district is partly inside, and the precision says so
            return f"{district} {compact[len(district) :]}" not in self.outside
        return True


@dataclass(frozen=True, slots=True)
class AreaInfo:
    """What is known of a postcode's or district's place."""

    area: str
    district: str | None
    force_area: str | None
    """The police force area's name (the main one of the district or area when the postcode
    itself is not known)."""
    local_authority: str | None
    """Its name when the names were loaded, else its ONS code; None without the directory."""
    precision: str = SHIPPED
    terminated: str | None = None
    """The month (YYYYMM) the postcode was terminated, when the directory says it was."""


@dataclass(frozen=True, slots=True)
class District:
    """A postcode district of the loaded directory, placed at its postcodes' mean position."""

    code: str
    area: str
    latitude: float | None
    longitude: float | None
    postcodes: int


@dataclass(frozen=True, slots=True)
class GeoData:
    """What the loaded ONS directory adds to the maps: each district's position."""

    precision: str
    districts: Mapping[str, District]


def _loaded(conn: Connection) -> str | None:
    row = conn.execute(
        sa.select(t.geo_loads.c.file_name, t.geo_loads.c.created_at)
        .order_by(t.geo_loads.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    when = row.created_at
    day = when.date().isoformat() if isinstance(when, datetime) else str(when)[:10]
    return f"ONS postcode directory loaded {day} ({row.file_name})"


def load_geo(conn: Connection) -> GeoData | None:
    """The districts of the loaded directory, or None when none is loaded."""
    precision = _loaded(conn)
    if precision is None:
        return None
    rows = conn.execute(sa.select(t.geo_districts)).all()
    return GeoData(
        precision,
        {
            r.district: District(r.district, r.area, r.latitude, r.longitude, r.postcodes)
            for r in rows
        },
    )


def _fold(text: str) -> str:
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_NOISE = re.compile(r"\b(police|constabulary|service|force|area|the)\b")


def force_by_name(text: str) -> str | None:
    """The ONS code of a police force area named by its code, name or short name.

    >>> force_by_name("Cambridgeshire"), force_by_name("e23000023"), force_by_name("the Met")
    ('E23000023', 'E23000023', 'E23000001')
    >>> force_by_name("PSNI"), force_by_name("Devon & Cornwall Police"), force_by_name("Kent Fire")
    ('N23000001', 'E23000035', None)
    """
    wanted = _fold(text)
    bare = " ".join(_NOISE.sub(" ", wanted).split())
    aliases = {"met": "E23000001", "psni": "N23000001", "hampshire and isle of wight": "E23000030"}
    if bare in aliases:
        return aliases[bare]
    for code, force in force_areas().items():
        names = {_fold(code), _fold(force.name), _fold(force.short_name)}
        if wanted in names or bare in {" ".join(_NOISE.sub(" ", n).split()) for n in names}:
            return code
    return None


def _local_authority(conn: Connection, text: str) -> tuple[str, str] | None:
    wanted = _fold(text)
    code = text.strip().upper()
    row = conn.execute(
        sa.select(t.geo_district_places.c.code)
        .where(
            t.geo_district_places.c.kind == "local authority", t.geo_district_places.c.code == code
        )
        .limit(1)
    ).first()
    names = dict(conn.execute(sa.select(t.geo_names.c.code, t.geo_names.c.name)).all())
    if row is not None:
        return code, names.get(code, code)
    for found, name in sorted(names.items()):
        if _fold(name) == wanted:
            return found, name
    return None


def _place(conn: Connection, kind: str, code: str) -> tuple[frozenset[str], frozenset[str]]:
    """The districts a force area or local authority reaches, and those it only shares."""
    places = t.geo_district_places
    inside = conn.execute(
        sa.select(places.c.district).where(places.c.kind == kind, places.c.code == code)
    ).scalars()
    districts = frozenset(inside)
    others = (
        conn.execute(
            sa.select(places.c.district)
            .distinct()
            .where(places.c.kind == kind, places.c.code != code, places.c.district.in_(districts))
        ).scalars()
        if districts
        else iter(())
    )
    return districts, frozenset(others)


def _exact(
    conn: Connection, kind: str, code: str, shared: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """The postcodes of the shared districts inside the place, and those outside it."""
    column = (
        t.geo_postcodes.c.force_area
        if kind == "force area"
        else (t.geo_postcodes.c.local_authority)
    )
    inside: set[str] = set()
    outside: set[str] = set()
    names = sorted(shared)
    for chunk in chunked(names, 500):
        rows = conn.execute(
            sa.select(t.geo_postcodes.c.postcode, column.label("place")).where(
                t.geo_postcodes.c.district.in_(chunk)
            )
        )
        for postcode, place in rows:
            (inside if place == code else outside).add(postcode)
    return frozenset(inside), frozenset(outside)


_KIND = {"force area": "police force area", "local authority": "local authority"}


def _by_place(conn: Connection, kind: str, code: str, label: str, precision: str) -> AreaScope:
    districts, shared = _place(conn, kind, code)
    areas = frozenset(a for d in districts if (a := area_of_code(d)))
    inside, outside = _exact(conn, kind, code, shared)
    return AreaScope(label, _KIND[kind], districts, areas, precision, inside, shared, outside)


def _prefix(text: str) -> tuple[str | None, str]:
    head, sep, rest = text.partition(":")
    kinds = {
        "area": "postcode area",
        "district": "postcode district",
        "force": "police force area",
        "la": "local authority",
    }
    if sep and head.strip().lower() in kinds:
        return kinds[head.strip().lower()], rest.strip()
    return None, text.strip()


def resolve_area(conn: Connection, text: str) -> AreaScope:
    """The area `text` names; a ThreadlineError says what was not recognised."""
    kind, name = _prefix(text)
    loaded = _loaded(conn)
    precision = loaded or SHIPPED
    code = re.sub(r"\s+", "", name).upper()
    if kind in {None, "postcode area"} and code in postcode_areas():
        districts = None
        if loaded is not None:
            districts = frozenset(
                conn.execute(
                    sa.select(t.geo_districts.c.district).where(t.geo_districts.c.area == code)
                ).scalars()
            )
        return AreaScope(
            f"Postcode area {code} ({postcode_areas()[code].name})",
            "postcode area",
            districts,
            frozenset({code}),
            precision,
        )
    district = district_of(code)
    if kind in {None, "postcode district"} and district == code and area_of_code(code):
        if (
            loaded is not None
            and not conn.execute(
                sa.select(t.geo_districts.c.district).where(t.geo_districts.c.district == code)
            ).first()
        ):
            raise ThreadlineError(f"postcode district {code} is not in the loaded ONS directory")
        return AreaScope(
            f"Postcode district {code}",
            "postcode district",
            frozenset({code}),
            frozenset({area_of_code(code) or ""}),
            precision,
        )
    if kind in {None, "police force area"} and (force := force_by_name(name)) is not None:
        label = force_areas()[force].name
        if loaded is not None:
            return _by_place(conn, "force area", force, label, precision)
        areas = frozenset(a.code for a in postcode_areas().values() if force in a.forces)
        return AreaScope(label, "police force area", None, areas, precision)
    if kind in {None, "local authority"} and loaded is not None:
        found = _local_authority(conn, name)
        if found is not None:
            return _by_place(conn, "local authority", found[0], found[1], precision)
    what = kind or "postcode area, postcode district, police force area or local authority"
    hint = "" if loaded else " (local authorities need `threadline geodata load`)"
    raise ThreadlineError(f"{name!r} is not a known {what}{hint}")


def area_of(conn: Connection, postcode_or_district: str) -> AreaInfo | None:
    """Where a postcode or district lies, as precisely as the store knows; None when it is
    not a postcode or district of a known area."""
    district = district_of(postcode_or_district)
    area = area_of_code(district) if district else None
    if district is None or area is None:
        return None
    main = force_areas()[postcode_areas()[area].forces[0]].name
    precision = _loaded(conn)
    if precision is None:
        return AreaInfo(area, district, main, None)
    compact = re.sub(r"\s+", "", postcode_or_district).upper()
    if len(compact) > len(district):
        row = conn.execute(
            sa.select(
                t.geo_postcodes.c.force_area,
                t.geo_postcodes.c.local_authority,
                t.geo_postcodes.c.terminated,
            ).where(t.geo_postcodes.c.postcode == f"{district} {compact[len(district) :]}")
        ).first()
        if row is not None:
            return AreaInfo(
                area,
                district,
                _force_name(row.force_area),
                _authority_name(conn, row.local_authority),
                precision,
                row.terminated,
            )
    force = _main_place(conn, district, "force area")
    authority = _main_place(conn, district, "local authority")
    return AreaInfo(
        area,
        district,
        _force_name(force) if force else main,
        _authority_name(conn, authority),
        precision,
    )


def _main_place(conn: Connection, district: str, kind: str) -> str | None:
    places = t.geo_district_places
    row = conn.execute(
        sa.select(places.c.code)
        .where(places.c.district == district, places.c.kind == kind)
        .order_by(places.c.postcodes.desc(), places.c.code)
        .limit(1)
    ).first()
    return None if row is None else str(row.code)


def _force_name(code: str | None) -> str | None:
    if code is None:
        return None
    force = force_areas().get(code)
    return force.name if force else code


def _authority_name(conn: Connection, code: str | None) -> str | None:
    if code is None:
        return None
    name = conn.execute(sa.select(t.geo_names.c.name).where(t.geo_names.c.code == code)).scalar()
    return str(name) if name else code
