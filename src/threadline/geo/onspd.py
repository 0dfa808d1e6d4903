"""Load the ONS Postcode Directory (ONSPD): every UK postcode with its position, local authority
and police force area, for full precision where the shipped table is approximate.

The file is the directory's main CSV, or the ZIP ONS publishes it in (its main CSV under
``Data/`` is read, and the names files under ``Documents/`` give local authorities' names).
Columns are found by name, not position: ``pcds``, ``doterm``, the local authority (``oslaua``,
``laua`` or ``ladNNcd``), the police force area (``pfa`` or ``pfaNNcd``), ``lat`` and
``long``. Terminated postcodes are kept, marked with the month they ended.

A load is one transaction: interrupted, it leaves the previous load as it was; the same file
loaded again changes nothing. Loading alters reference data every agency's products rely on, so
only a partnership administrator may do it (an agency's own administrator administers their
agency, not what all agencies share), and it is audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.errors import ThreadlineError
from threadline.progress import Advance
from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit, transaction
from threadline.security.errors import AccessDenied
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["COLUMNS", "LoadSummary", "load_geodata"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "postcode": ("pcds",),
    "terminated": ("doterm",),
    "local authority": ("oslaua", "laua", r"lad\d\dcd"),
    "force area": ("pfa", r"pfa\d\dcd"),
    "latitude": ("lat",),
    "longitude": ("long",),
}
"""What a load needs, and the column names (regular expressions) each may have."""

LOCAL_AUTHORITY = re.compile(r"^[EWSN](06|07|08|09|12)\d{6}$|^N09\d{6}$")
"""ONS codes of local authority districts: E06-E09 (England), W06, S12, N09."""

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")
_BATCH = 5000
NORTHERN_IRELAND = "N23000001"
_OUTWARD_LETTERS = re.compile(r"[A-Z]+")


@dataclass(slots=True)
class LoadSummary:
    """What a load did."""

    file_name: str
    content_hash: str
    already_loaded: bool = False
    postcodes: int = 0
    terminated: int = 0
    districts: int = 0
    names: int = 0
    skipped: int = 0
    """Rows that are not a postcode (a blank or malformed ``pcds``)."""


@dataclass(slots=True)
class _District:
    live: int = 0
    ended: int = 0
    lat: float = 0.0
    lon: float = 0.0
    placed: int = 0
    ended_lat: float = 0.0
    ended_lon: float = 0.0
    ended_placed: int = 0
    places: Counter[tuple[str, str]] = field(default_factory=Counter)
    ended_places: Counter[tuple[str, str]] = field(default_factory=Counter)


def _hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _columns(header: list[str], where: str) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for what, patterns in COLUMNS.items():
        for pattern in patterns:
            hits = [i for i, n in enumerate(names) if re.fullmatch(pattern, n)]
            if hits:
                found[what] = hits[0]
                break
        else:
            raise ThreadlineError(
                f"{where}: no {what} column ({' or '.join(patterns)}); the ONS postcode "
                "directory's main CSV has pcds, doterm, oslaua, pfa, lat and long"
            )
    return found


@contextmanager
def _text(path: Path) -> Iterator[tuple[str, IO[str], list[IO[str]]]]:
    """The directory's main CSV as text (with where it is, for messages), and the names
    files beside it in a ZIP."""
    if not zipfile.is_zipfile(path):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield path.name, handle, []
        return
    with zipfile.ZipFile(path) as archive:
        csvs = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
        main = _main_member(archive, csvs, path)
        names: list[IO[str]] = [
            io.TextIOWrapper(archive.open(i), encoding="utf-8-sig", newline="")
            for i in csvs
            if "documents/" in i.filename.lower()
        ]
        with io.TextIOWrapper(archive.open(main), encoding="utf-8-sig", newline="") as handle:
            yield f"{path.name}:{main.filename}", handle, names


def _main_member(archive: zipfile.ZipFile, csvs: list[zipfile.ZipInfo], path: Path) -> Any:
    candidates = sorted(
        (
            i
            for i in csvs
            if "documents/" not in i.filename.lower() and "multi_csv" not in i.filename.lower()
        ),
        key=lambda i: -i.file_size,
    )
    for info in candidates:
        with io.TextIOWrapper(archive.open(info), encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        if "pcds" in {h.strip().lower() for h in header}:
            return info
    raise ThreadlineError(f"{path.name}: no CSV in this ZIP has a pcds column (is it the ONSPD?)")


def _code(value: str) -> str | None:
    code = value.strip().upper()
    return None if not code or code.endswith("99999999") else code[:9]


def _position(lat: str, lon: str) -> tuple[float, float] | None:
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        return None
    # The directory puts 99.999999, 0.000000 where a postcode has no grid reference.
    if latitude > 90 or (latitude == 0 and longitude == 0):
        return None
    return latitude, longitude


def read_names(handle: IO[str]) -> dict[str, str]:
    """Local authority names from a names file: a code column (``code`` or ``...CD``) and a
    name column (``name`` or ``...NM``); rows of other kinds of code are left out."""
    reader = csv.reader(handle)
    header = [h.strip().lower() for h in next(reader, [])]
    code_at = next((i for i, h in enumerate(header) if h == "code" or h.endswith("cd")), None)
    name_at = next((i for i, h in enumerate(header) if h == "name" or h.endswith("nm")), None)
    if code_at is None or name_at is None:
        return {}
    return {
        row[code_at].strip().upper(): row[name_at].strip()[:255]
        for row in reader
        if len(row) > max(code_at, name_at) and LOCAL_AUTHORITY.match(row[code_at].strip())
    }


def _require_partnership(actor: Actor) -> None:
    if not actor.has(UserRole.PARTNERSHIP):
        raise AccessDenied(
            "permission denied: the ONS postcode directory is shared by every agency; loading it"
            " needs the partnership role",
            action="alteration",
            operation="geodata.load",
        )


def load_geodata(
    store: Store,
    actor: Actor,
    path: Path,
    *,
    names: Path | None = None,
    progress: Advance | None = None,
) -> LoadSummary:
    """Load the ONS postcode directory at `path` (CSV or ZIP), replacing any earlier load, in
    one transaction; local authority names from the ZIP's names files and `names`, if given."""
    with transaction(store, actor) as conn:
        _require_partnership(actor)
        digest = _hash(path, *([names] if names else []))
        summary = LoadSummary(path.name, digest)
        last = conn.execute(
            sa.select(t.geo_loads.c.content_hash).order_by(t.geo_loads.c.id.desc()).limit(1)
        ).scalar()
        if last == digest:
            summary.already_loaded = True
            return summary
        _replace(conn, path, names, summary, progress)
        conn.execute(
            sa.insert(t.geo_loads).values(
                file_name=path.name[:255],
                content_hash=digest,
                postcodes=summary.postcodes,
                terminated=summary.terminated,
                districts=summary.districts,
                names=summary.names,
                loaded_by=actor.username[:128],
            )
        )
        detail = {
            "file": path.name,
            "sha256": digest,
            "postcodes": summary.postcodes,
            "terminated": summary.terminated,
            "districts": summary.districts,
            "names": summary.names,
        }
        audit(conn, actor, "alteration", "geodata.load", detail=detail)
    return summary


def _replace(
    conn: Connection,
    path: Path,
    names: Path | None,
    summary: LoadSummary,
    progress: Advance | None,
) -> None:
    """The geo tables emptied and filled again from the directory and its names."""
    for table in (t.geo_postcodes, t.geo_districts, t.geo_district_places, t.geo_names):
        conn.execute(sa.delete(table))
    found: dict[str, str] = {}
    with _text(path) as (where, handle, name_files):
        districts = _load_postcodes(conn, handle, where, summary, progress)
        for extra in name_files:
            found |= read_names(extra)
    if names is not None:
        with names.open(encoding="utf-8-sig", newline="") as handle:
            found |= read_names(handle)
    _store_districts(conn, districts, summary)
    if found:
        conn.execute(sa.insert(t.geo_names), [{"code": c, "name": n} for c, n in found.items()])
    summary.names = len(found)


def _load_postcodes(
    conn: Connection,
    handle: IO[str],
    where: str,
    summary: LoadSummary,
    progress: Advance | None,
) -> dict[str, _District]:
    reader = csv.reader(handle)
    at = _columns(next(reader, []), where)
    width = max(at.values())
    districts: dict[str, _District] = defaultdict(_District)
    batch: list[dict[str, Any]] = []
    for row in reader:
        postcode = row[at["postcode"]].strip().upper() if len(row) > width else ""
        if not _POSTCODE.match(postcode):
            summary.skipped += 1
            continue
        district = postcode.split(" ")[0]
        ended = row[at["terminated"]].strip()[:6] or None
        where_is = _position(row[at["latitude"]], row[at["longitude"]])
        authority, force = _code(row[at["local authority"]]), _code(row[at["force area"]])
        if district.startswith("BT") and district[2].isdigit():
            # one force for all of Northern Ireland; some editions leave its code blank
            force = NORTHERN_IRELAND
        batch.append(
            {
                "postcode": postcode,
                "district": district,
                "terminated": ended,
                "latitude": where_is[0] if where_is else None,
                "longitude": where_is[1] if where_is else None,
                "local_authority": authority,
                "force_area": force,
            }
        )
        _count(districts[district], ended is not None, where_is, authority, force)
        summary.postcodes += 1
        summary.terminated += ended is not None
        if len(batch) >= _BATCH:
            conn.execute(sa.insert(t.geo_postcodes), batch)
            if progress:
                progress("postcodes", len(batch))
            batch = []
    if batch:
        conn.execute(sa.insert(t.geo_postcodes), batch)
        if progress:
            progress("postcodes", len(batch))
    return districts


def _count(
    d: _District,
    ended: bool,
    at: tuple[float, float] | None,
    authority: str | None,
    force: str | None,
) -> None:
    places = d.ended_places if ended else d.places
    if authority:
        places[("local authority", authority)] += 1
    if force:
        places[("force area", force)] += 1
    if ended:
        d.ended += 1
        if at:
            d.ended_lat += at[0]
            d.ended_lon += at[1]
            d.ended_placed += 1
        return
    d.live += 1
    if at:
        d.lat += at[0]
        d.lon += at[1]
        d.placed += 1


def _store_districts(
    conn: Connection, districts: dict[str, _District], summary: LoadSummary
) -> None:
    """Each district's position (the mean of its live postcodes', or of its terminated ones'
    when none is live) and the places its live postcodes (or, failing them, all) fall in."""
    rows, places = [], []
    for code, d in sorted(districts.items()):
        lat, lon, n = (
            (d.lat, d.lon, d.placed) if d.placed else (d.ended_lat, d.ended_lon, d.ended_placed)
        )
        rows.append(
            {
                "district": code,
                "area": _OUTWARD_LETTERS.match(code).group(0),  # type: ignore[union-attr]
                "latitude": lat / n if n else None,
                "longitude": lon / n if n else None,
                "postcodes": d.live,
                "terminated": d.ended,
            }
        )
        counted = d.places or d.ended_places
        places += [
            {"district": code, "kind": kind, "code": place, "postcodes": count}
            for (kind, place), count in sorted(counted.items())
        ]
    for start in range(0, len(rows), _BATCH):
        conn.execute(sa.insert(t.geo_districts), rows[start : start + _BATCH])
    for start in range(0, len(places), _BATCH):
        conn.execute(sa.insert(t.geo_district_places), places[start : start + _BATCH])
    summary.districts = len(rows)
