"""The shipped reference table: UK postcode areas and police force areas.

`data/postcode_areas.csv` lists the 121 postcode areas of Great Britain and Northern Ireland
(the Crown dependencies GY, JE and IM are left out: they have no territorial force of ours):
the post town the area is named after, an approximate centre, a place on the tile grid of the
area map, and the police force area(s) it falls in, the main one first. `data/
police_force_areas.csv` names the 45 territorial forces with their ONS codes (E23, W15; S23 for
Police Scotland, N23 for the PSNI), the codes the ONS postcode directory holds.

Precision, said plainly: the table was written by hand for Threadline, from working knowledge;
it is **not an ONS product**. A centre is a rough mean of where the area's people live, good to
some 10-20 km (enough to place a label or a tile); the forces of an area that spans several are
listed, but which of its districts lies in which force is known only once the ONS postcode
directory is loaded (`threadline geodata load`). The force codes of England, Wales and Scotland
were checked against public lists of ONS police force area codes (the PSNI's was not); the
forces per area were not checked against the directory, and an area's minor forces may be
incomplete.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "ForceArea",
    "PostcodeArea",
    "area_of_code",
    "district_of",
    "force_areas",
    "postcode_areas",
]


@dataclass(frozen=True, slots=True)
class PostcodeArea:
    """One postcode area ("PE"): the letters that begin every postcode in it."""

    code: str
    name: str
    """The post town it is named after (London's areas: "London E" and so on)."""
    latitude: float
    longitude: float
    tile: tuple[int, int]
    """Column and row on the area map's tile grid (row 0 at the top, the north)."""
    forces: tuple[str, ...]
    """ONS codes of the police force areas it falls in, the main one first."""


@dataclass(frozen=True, slots=True)
class ForceArea:
    """A territorial police force's area, as the ONS codes it."""

    code: str
    name: str
    short_name: str
    nation: str


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("threadline.geo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def postcode_areas() -> dict[str, PostcodeArea]:
    """Every postcode area of the shipped table, by code."""
    return {
        row["code"]: PostcodeArea(
            code=row["code"],
            name=row["name"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            tile=(int(row["tile_column"]), int(row["tile_row"])),
            forces=tuple(row["police_force_areas"].split(";")),
        )
        for row in _rows("postcode_areas.csv")
    }


@cache
def force_areas() -> dict[str, ForceArea]:
    """Every territorial police force area of the shipped table, by ONS code."""
    return {
        row["code"]: ForceArea(row["code"], row["name"], row["short_name"], row["nation"])
        for row in _rows("police_force_areas.csv")
    }


_OUTWARD = re.compile(r"^([A-Z]{1,2})([0-9][0-9A-Z]?)$")
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")


def district_of(text: str) -> str | None:
    """The postcode district (outward code) of a postcode or a district, or None.

    >>> district_of("pe13 2ab"), district_of("PE13"), district_of("SW1A1AA"), district_of("PE")
    ('PE13', 'PE13', 'SW1A', None)
    """
    compact = re.sub(r"\s+", "", text).upper()
    if (full := _FULL.match(compact)) is not None:
        return full.group(1)
    return compact if _OUTWARD.match(compact) else None


def area_of_code(text: str) -> str | None:
    """The postcode area of a postcode, a district or an area code, if it is a known area.

    >>> area_of_code("PE13 2AB"), area_of_code("m1"), area_of_code("b"), area_of_code("QQ1")
    ('PE', 'M', 'B', None)
    """
    compact = text.strip().upper()
    district = district_of(compact)
    letters = _OUTWARD.sub(r"\1", district) if district else compact
    return letters if letters in postcode_areas() else None
