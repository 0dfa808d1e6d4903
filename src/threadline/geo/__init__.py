"""Reference data for places: UK postcode areas, police force areas and, once loaded, the ONS
postcode directory. Not intelligence: it says where places are, not what happened there."""

from threadline.geo.areas import (
    ForceArea,
    PostcodeArea,
    area_of_code,
    district_of,
    force_areas,
    postcode_areas,
)
from threadline.geo.onspd import LoadSummary, load_geodata
from threadline.geo.scope import (
    AreaInfo,
    AreaScope,
    District,
    GeoData,
    area_of,
    load_geo,
    resolve_area,
)

__all__ = [
    "AreaInfo",
    "AreaScope",
    "District",
    "ForceArea",
    "GeoData",
    "LoadSummary",
    "PostcodeArea",
    "area_of",
    "area_of_code",
    "district_of",
    "force_areas",
    "load_geo",
    "load_geodata",
    "postcode_areas",
    "resolve_area",
]
