"""Fixtures for place reference data: a synthetic ONS postcode directory in its real format.

`fixtures/ONSPD_SYNTHETIC_UK.csv` has the directory's real column names and invented postcodes
(inward codes 9Z?) in real districts: PE13 (Fenland, Cambridgeshire), PE14 (shared by Fenland
and King's Lynn and West Norfolk, so by two forces), PE1, PE12, PE30, CB1, M1 and BT1 (with the
force left blank, as some editions do for Northern Ireland); one terminated postcode, one
without a grid reference and one blank row.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DIRECTORY = FIXTURES / "ONSPD_SYNTHETIC_UK.csv"
LA_NAMES = FIXTURES / "la_names.csv"


@pytest.fixture
def onspd_zip(tmp_path: Path) -> Path:
    """The directory as ONS publishes it: a ZIP with the main CSV under Data/, the same rows
    split by area under Data/multi_csv/, and names files under Documents/."""
    path = tmp_path / "ONSPD_SYNTHETIC.zip"
    text = DIRECTORY.read_text(encoding="utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Data/multi_csv/ONSPD_SYNTHETIC_UK_PE.csv", text)
        archive.writestr("Data/ONSPD_SYNTHETIC_UK.csv", text)
        archive.writestr(
            "Documents/LA_UA names and codes UK as at 04_23.csv",
            LA_NAMES.read_text(encoding="utf-8"),
        )
        archive.writestr(
            "Documents/PFA names and codes UK as at 12_23.csv",
            "PFA23CD,PFA23NM\r\nE23000023,Cambridgeshire\r\n",
        )
        archive.writestr("User Guide/readme.txt", "Synthetic: not ONS data.\n")
    return path
