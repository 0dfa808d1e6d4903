"""Towns, fictional streets, postcodes, addresses and ANPR cameras.

Towns and their outward codes are real (so postcodes have real shapes); every street name is a
made-up compound (``Amberholme Road``) and each street is handed out once per scenario, so no two
premises ever share an address by accident.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from threadline.scenario._rng import chance, derive
from threadline.scenario.identifiers import Allocator
from threadline.scenario.names import typo


@dataclass(frozen=True, slots=True)
class Town:
    """A real town with some of its real postcode districts and a point near its centre."""

    name: str
    outward: tuple[str, ...]
    lat: float
    lon: float
    rural: bool = False


TOWNS: tuple[Town, ...] = (
    Town("Bradford", ("BD1", "BD3", "BD4", "BD5", "BD7", "BD8", "BD9"), 53.7950, -1.7590),
    Town("Leeds", ("LS2", "LS6", "LS7", "LS8", "LS9", "LS11", "LS12"), 53.8000, -1.5490),
    Town("Wakefield", ("WF1", "WF2"), 53.6830, -1.4990),
    Town("Huddersfield", ("HD1", "HD2", "HD3"), 53.6450, -1.7850),
    Town("Halifax", ("HX1", "HX3"), 53.7250, -1.8630),
    Town("Dewsbury", ("WF12", "WF13"), 53.6910, -1.6330),
    Town("Keighley", ("BD20", "BD21"), 53.8680, -1.9110),
    Town("Doncaster", ("DN1", "DN2", "DN4"), 53.5230, -1.1330),
    Town("Rotherham", ("S60", "S65"), 53.4300, -1.3570),
    Town("Sheffield", ("S2", "S3", "S4", "S9"), 53.3810, -1.4700),
    Town("Hull", ("HU1", "HU3", "HU5"), 53.7450, -0.3360),
    Town("Scunthorpe", ("DN15", "DN16"), 53.5890, -0.6540),
    Town("Grimsby", ("DN31", "DN32", "DN34"), 53.5670, -0.0800),
    Town("Lincoln", ("LN1", "LN2", "LN5", "LN6"), 53.2300, -0.5400),
    Town("Boston", ("PE21",), 52.9780, -0.0260, rural=True),
    Town("Spalding", ("PE11", "PE12"), 52.7870, -0.1530, rural=True),
    Town("Wisbech", ("PE13", "PE14"), 52.6660, 0.1590, rural=True),
    Town("Peterborough", ("PE1", "PE2", "PE3", "PE4"), 52.5730, -0.2410),
)

_PREFIXES = (
    "Amber", "Bracken", "Copper", "Dun", "Elder", "Fern", "Gorse", "Heron", "Ivy", "Juniper",
    "Kestrel", "Linden", "Marsh", "Nettle", "Oak", "Plover", "Quarry", "Raven", "Sorrel",
    "Tansy", "Umber", "Vetch", "Willow", "Yarrow", "Alder", "Bramble", "Clover", "Thistle",
    "Ember", "Foxglove", "Garnet", "Hazel", "Iron", "Jasper", "Wren", "Lark", "Teasel",
    "Nutmeg", "Orchard", "Pike",
)  # fmt: skip
_SUFFIXES = (
    "field", "dale", "holme", "wick", "ley", "croft", "well", "gate", "thorpe", "stead",
    "bank", "brook", "hurst", "side", "combe", "garth",
)  # fmt: skip
_TYPES = (
    "Road", "Street", "Lane", "Avenue", "Close", "Terrace", "Grove", "Way", "Crescent",
    "Drive", "Place", "Walk",
)  # fmt: skip
_ESTATES = ("Industrial Estate", "Business Park", "Trading Estate")
_ABBREVIATIONS = {
    "Road": "Rd", "Street": "St", "Lane": "Ln", "Avenue": "Ave", "Close": "Cl",
    "Terrace": "Terr", "Grove": "Gr", "Crescent": "Cres", "Drive": "Dr", "Place": "Pl",
    "Industrial Estate": "Ind Est", "Business Park": "Bus Pk", "Trading Estate": "Trad Est",
}  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; ``line`` is the canonical single line without town and postcode."""

    flat: str
    number: str
    building: str
    street: str
    town: str
    postcode: str

    @property
    def line(self) -> str:
        """``Flat 2, 14 Amberholme Road`` / ``Unit 3, Heronwick Trading Estate``."""
        first = f"{self.number} {self.street}".strip()
        return ", ".join(part for part in (self.flat, self.building, first) if part)

    @property
    def full(self) -> str:
        """``Flat 2, 14 Amberholme Road, Bradford, BD3 7QX``."""
        return f"{self.line}, {self.town}, {self.postcode}"


@dataclass(frozen=True, slots=True)
class AddressStyle:
    """How one agency writes addresses (probabilities)."""

    abbreviate: float = 0.3
    upper: float = 0.0
    drop_flat: float = 0.05
    slash_flat: float = 0.1
    drop_town: float = 0.1
    typo: float = 0.02
    postcode_nospace: float = 0.15


def render_address(rng: random.Random, address: Address, style: AddressStyle) -> tuple[str, str]:
    """Write ``address`` as (single line including town, postcode) the way an agency would."""
    street = address.street
    if chance(rng, style.abbreviate):
        for long, short in _ABBREVIATIONS.items():
            if street.endswith(long):
                street = street[: -len(long)] + short
                break
    if chance(rng, style.typo):
        words = street.split(" ")
        words[0] = typo(rng, words[0])
        street = " ".join(words)
    first = f"{address.number} {street}".strip()
    flat = address.flat
    if flat and chance(rng, style.drop_flat):
        flat = ""
    if flat.startswith("Flat ") and address.number and chance(rng, style.slash_flat):
        first, flat = f"{flat.removeprefix('Flat ')}/{first}", ""
    parts = [flat, address.building, first]
    if not chance(rng, style.drop_town):
        parts.append(address.town)
    line = ", ".join(part for part in parts if part)
    postcode = (
        address.postcode.replace(" ", "")
        if chance(rng, style.postcode_nospace)
        else address.postcode
    )
    if chance(rng, style.upper):
        line = line.upper()
    return line, postcode


@dataclass(slots=True)
class Street:
    """One street in one town, with its postcode units and the next free house number."""

    name: str
    town: Town
    postcodes: tuple[str, str]
    next_number: int = 1


@dataclass(slots=True)
class StreetDirectory:
    """Hands out streets, unique across a scenario, town by town."""

    _streets: dict[str, Allocator] = field(default_factory=dict)
    _estates: dict[str, Allocator] = field(default_factory=dict)

    def street(self, town: Town, estate: bool = False) -> Street:
        """A street of ``town`` never handed out before (an industrial estate if ``estate``)."""
        types = _ESTATES if estate else _TYPES
        table = self._estates if estate else self._streets
        size = len(_PREFIXES) * len(_SUFFIXES) * len(types)
        allocator = table.setdefault(town.name, Allocator(size, 97 + len(town.name)))
        index = allocator.take()
        rest, kind = divmod(index, len(types))
        prefix, suffix = divmod(rest, len(_SUFFIXES))
        name = f"{_PREFIXES[prefix]}{_SUFFIXES[suffix]} {types[kind]}"
        code = derive(0, "postcode", town.name, name, estate)
        outward = code.choice(town.outward)
        units = tuple(
            f"{outward} {code.randint(1, 9)}{''.join(code.choices(_INWARD_LETTERS, k=2))}"
            for _ in range(2)
        )
        return Street(name, town, (units[0], units[1]))


def house(rng: random.Random, street: Street, flats: int = 0) -> list[Address]:
    """The next house on ``street``: one address, or ``flats`` flat addresses in it."""
    number = street.next_number
    street.next_number += rng.randint(1, 4)
    postcode = street.postcodes[0] if number < 60 else street.postcodes[1]
    if not flats:
        return [Address("", str(number), "", street.name, street.town.name, postcode)]
    return [
        Address(f"Flat {i}", str(number), "", street.name, street.town.name, postcode)
        for i in range(1, flats + 1)
    ]


def unit(rng: random.Random, street: Street, label: str = "Unit") -> Address:
    """The next unit on an estate or parade (``Unit 4, Heronwick Business Park``)."""
    number = street.next_number
    street.next_number += rng.randint(1, 3)
    postcode = street.postcodes[0] if number < 30 else street.postcodes[1]
    return Address("", "", f"{label} {number}", street.name, street.town.name, postcode)


@dataclass(frozen=True, slots=True)
class Camera:
    """A fixed ANPR camera."""

    camera_id: str
    location: str
    town: str
    lat: float
    lon: float


def _cameras() -> dict[str, tuple[Camera, ...]]:
    rng = derive(0, "cameras")
    cameras: dict[str, tuple[Camera, ...]] = {}
    for t, town in enumerate(TOWNS):
        road = rng.randint(600, 6200)
        items = []
        for k in range(6):
            name = f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)} {rng.choice(_TYPES)}"
            items.append(
                Camera(
                    f"NSP{t + 1:02d}{k + 1:02d}",
                    f"A{road} j/w {name}, {town.name}",
                    town.name,
                    round(town.lat + rng.uniform(-0.03, 0.03), 5),
                    round(town.lon + rng.uniform(-0.045, 0.045), 5),
                )
            )
        cameras[town.name] = tuple(items)
    return cameras


CAMERAS: dict[str, tuple[Camera, ...]] = _cameras()
