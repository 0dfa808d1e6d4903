"""Business sectors: SIC codes, how such businesses are named, licensed and housed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from threadline.scenario.names import Name, ascii_fold


@dataclass(frozen=True, slots=True)
class Sector:
    """One line of business."""

    sic: str
    names: tuple[str, ...]  # templates: {word} {family} {given} {town}
    use: str  # premises use
    estate: bool = False  # trades from an industrial estate unit
    licence: str = ""  # local-authority licence, if any
    high_risk: bool = False  # a sector named in modern-slavery guidance


SECTORS: dict[str, Sector] = {
    "car_wash": Sector(
        "45200 - Maintenance and repair of motor vehicles",
        (
            "{word} Hand Car Wash",
            "{town} Valeting Centre",
            "{word} Car Wash & Valet",
            "{given}'s Hand Car Wash",
            "Shine {word} Car Wash",
        ),
        "car_wash",
        licence="Car wash site permit",
        high_risk=True,
    ),
    "nail_bar": Sector(
        "96020 - Hairdressing and other beauty treatment",
        ("{word} Nails", "{word} Nails & Spa", "Luxury {word} Nails", "{word} Nail Bar"),
        "nail_bar",
        licence="Special treatment licence",
        high_risk=True,
    ),
    "massage": Sector(
        "96040 - Physical well-being activities",
        ("{word} Massage", "{word} Therapy Rooms", "{word} Spa & Massage"),
        "shop",
        licence="Special treatment licence",
        high_risk=True,
    ),
    "agriculture": Sector(
        "01130 - Growing of vegetables and melons, roots and tubers",
        ("{word} Farms", "{family} & Sons (Growers)", "{word} Produce", "{word} Growers"),
        "farm",
        high_risk=True,
    ),
    "food_processing": Sector(
        "10390 - Other processing and preserving of fruit and vegetables",
        ("{word} Foods", "{town} Fresh Produce", "{word} Packing", "{word} Food Processing"),
        "factory",
        estate=True,
        licence="Food business registration",
        high_risk=True,
    ),
    "factory": Sector(
        "14190 - Manufacture of other wearing apparel and accessories",
        ("{word} Textiles", "{word} Garments", "{word} Logistics", "{word} Packaging"),
        "factory",
        estate=True,
        high_risk=True,
    ),
    "construction": Sector(
        "43999 - Other specialised construction activities n.e.c.",
        (
            "{family} Building Services",
            "{word} Groundworks",
            "{word} Construction",
            "{family} Roofing & Building",
        ),
        "unit",
        estate=True,
        high_risk=True,
    ),
    "recruitment": Sector(
        "78200 - Temporary employment agency activities",
        (
            "{word} Staffing Solutions",
            "{family} Recruitment",
            "{word} Workforce",
            "{word} Labour Services",
        ),
        "office",
        high_risk=True,
    ),
    "takeaway": Sector(
        "56103 - Take-away food shops and mobile food stands",
        ("{word} Kebab House", "{word} Pizza & Grill", "{town} Fried Chicken", "{word} Spice"),
        "shop",
        licence="Food business registration",
        high_risk=True,
    ),
    "cafe": Sector(
        "56102 - Unlicensed restaurants and cafes",
        ("{word} Cafe", "The {word} Kitchen", "{given}'s Cafe"),
        "shop",
        licence="Food business registration",
    ),
    "shop": Sector(
        "47110 - Retail sale in non-specialised stores with food, beverages or tobacco "
        "predominating",
        ("{family} Convenience Store", "{word} Mini Market", "{word} Food & Wine"),
        "shop",
        licence="Premises licence (alcohol)",
    ),
    "barber": Sector(
        "96020 - Hairdressing and other beauty treatment",
        ("{given}'s Barbers", "{word} Barbers", "Fade {word} Barbershop"),
        "shop",
    ),
    "care_home": Sector(
        "87300 - Residential care activities for the elderly and disabled",
        ("{word} Care Home", "{word} Lodge Care", "{word} House Nursing Home"),
        "site",
        high_risk=True,
    ),
    "taxi": Sector(
        "49320 - Taxi operation",
        ("{town} Cars", "{word} Private Hire", "{word} Taxis"),
        "office",
        licence="Private hire operator licence",
    ),
    "lettings": Sector(
        "68209 - Other letting and operating of own or leased real estate",
        ("{word} Lettings", "{family} Property Management", "{word} Homes"),
        "office",
    ),
    "company_services": Sector(
        "82990 - Other business support service activities n.e.c.",
        ("{word} Company Services", "{word} Formations"),
        "office",
    ),
}

_WORDS = (
    "Sparkle",
    "Diamond",
    "Lotus",
    "Golden",
    "Crystal",
    "Premier",
    "Elite",
    "Star",
    "Royal",
    "Pink Lily",
    "Bamboo",
    "Evergreen",
    "Sunrise",
    "Northern",
    "Pennine",
    "Fenland",
    "Apex",
    "Crown",
    "Silverline",
    "Kingfisher",
    "Oasis",
    "Harmony",
    "Phoenix",
    "Summit",
    "Meadow",
    "Riverside",
    "Citadel",
    "Zenith",
    "Magnolia",
    "Jade",
    "Orchid",
    "Tulip",
    "Ace",
    "Prime",
)


def business_name(rng: random.Random, sector: str, owner: Name, town: str, limited: bool) -> str:
    """A name for a ``sector`` business owned by ``owner`` in ``town``."""
    template = rng.choice(SECTORS[sector].names)
    name = template.format(
        word=rng.choice(_WORDS),
        family=ascii_fold(owner.family),
        given=ascii_fold(owner.given).split(" ")[0],
        town=town,
    )
    return f"{name} Ltd" if limited else name
