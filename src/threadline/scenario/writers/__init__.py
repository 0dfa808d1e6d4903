"""One writer per agency file format; :data:`WRITERS` is the order they run and are listed in."""

from __future__ import annotations

from threadline.scenario.writers.adverts import AdvertsWriter
from threadline.scenario.writers.anpr import AnprWriter
from threadline.scenario.writers.base import SourceInfo, Writer
from threadline.scenario.writers.companies import CompaniesWriter
from threadline.scenario.writers.council import CouncilWriter
from threadline.scenario.writers.hmrc import HmrcWriter
from threadline.scenario.writers.hotline import HotlineWriter
from threadline.scenario.writers.immigration import ImmigrationWriter
from threadline.scenario.writers.nhs import NhsWriter
from threadline.scenario.writers.nrm import NrmWriter
from threadline.scenario.writers.police import PoliceIntelWriter
from threadline.scenario.writers.police_legacy import PoliceLegacyWriter

WRITERS: tuple[type[Writer], ...] = (
    PoliceIntelWriter,
    PoliceLegacyWriter,
    CouncilWriter,
    ImmigrationWriter,
    NhsWriter,
    HmrcWriter,
    CompaniesWriter,
    HotlineWriter,
    NrmWriter,
    AnprWriter,
    AdvertsWriter,
)

__all__ = [
    "WRITERS",
    "AdvertsWriter",
    "AnprWriter",
    "CompaniesWriter",
    "CouncilWriter",
    "HmrcWriter",
    "HotlineWriter",
    "ImmigrationWriter",
    "NhsWriter",
    "NrmWriter",
    "PoliceIntelWriter",
    "PoliceLegacyWriter",
    "SourceInfo",
    "Writer",
]
