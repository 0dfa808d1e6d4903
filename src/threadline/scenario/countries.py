"""Countries used by the scenario, with the ways different agencies write them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    """One country: ISO codes, its English name and the demonym used for nationality."""

    alpha2: str
    alpha3: str
    name: str
    demonym: str


COUNTRIES: dict[str, Country] = {
    c.alpha2: c
    for c in (
        Country("GB", "GBR", "United Kingdom", "British"),
        Country("AL", "ALB", "Albania", "Albanian"),
        Country("XK", "XKX", "Kosovo", "Kosovan"),
        Country("VN", "VNM", "Vietnam", "Vietnamese"),
        Country("RO", "ROU", "Romania", "Romanian"),
        Country("PL", "POL", "Poland", "Polish"),
        Country("CN", "CHN", "China", "Chinese"),
        Country("NG", "NGA", "Nigeria", "Nigerian"),
        Country("ER", "ERI", "Eritrea", "Eritrean"),
        Country("IN", "IND", "India", "Indian"),
        Country("PK", "PAK", "Pakistan", "Pakistani"),
        Country("SK", "SVK", "Slovakia", "Slovak"),
        Country("CZ", "CZE", "Czech Republic", "Czech"),
        Country("LY", "LBY", "Libya", "Libyan"),
        Country("FR", "FRA", "France", "French"),
        Country("IT", "ITA", "Italy", "Italian"),
        Country("GR", "GRC", "Greece", "Greek"),
        Country("ES", "ESP", "Spain", "Spanish"),
        Country("BR", "BRA", "Brazil", "Brazilian"),
    )
}

# How some agencies misspell or shorten nationalities.
NATIONALITY_VARIANTS: dict[str, tuple[str, ...]] = {
    "GB": ("British", "UK", "English", "BRITISH", "British Citizen"),
    "AL": ("Albanian", "ALBANIAN", "Albania", "Albainian"),
    "VN": ("Vietnamese", "VIETNAMESE", "Viet", "Vietnam"),
    "RO": ("Romanian", "ROMANIAN", "Roumanian", "Romania"),
    "PL": ("Polish", "POLISH", "Poland"),
    "CN": ("Chinese", "CHINESE", "China"),
    "NG": ("Nigerian", "NIGERIAN", "Nigeria"),
    "ER": ("Eritrean", "ERITREAN", "Eritria"),
    "IN": ("Indian", "INDIAN", "India"),
    "PK": ("Pakistani", "PAKISTANI", "Pakistan"),
    "SK": ("Slovak", "Slovakian", "SLOVAK"),
    "CZ": ("Czech", "CZECH", "Czech Republic"),
    "XK": ("Kosovan", "Kosovar", "KOSOVO"),
}
