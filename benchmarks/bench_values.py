"""Value cleaning speed: microseconds per ``clean`` call for every value type.

Each type cleans a realistic synthetic mix of inputs (default 50,000, all drawn afresh, so that
no whole-value cache can help; token caches warm up on a separate sample first, as they do in
a long ingest). Printed side by side:

* ``before``: the same inputs cleaned by the source tree at a git ref (``--before``, default
  ``HEAD``), run in a child process from an exported copy of that ref's ``src/``;
* ``after``: this working tree;
* ``slow``: this tree's reference path (``_clean_slow``) where a type keeps one, that is the
  general path that the fast paths must agree with;
* ``library``: the library call the type's work rests on (e.g. ``phonenumbers.parse`` +
  ``format_number`` + ``is_valid_number``), on the same kind of input, as a yardstick.

The ingest target is 1,000,000 person rows in under 3 minutes on 2 cores, about 7 values a
row: the typical mix should clean in under ~25 µs for phones, emails, names, dates and
postcodes.

    .venv/bin/python benchmarks/bench_values.py [--n 50000] [--types phone,email]
        [--before REF | --no-before] [--detail]

Once the fast paths are committed, compare against the commit before them with
``--before <that commit>``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# --- synthetic inputs -----------------------------------------------------------------------

Sample = list[tuple[str, str]]
"""(kind of input, text) pairs: the kind labels the per-kind breakdown of ``--detail``."""

MOBILE_PREFIXES = ["071", "072", "073", "074", "075", "077", "078", "079"]
AREA_CODES = [
    "0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131", "0141", "0151", "0161",
    "0191", "01223", "01273", "01482", "01603", "01752", "01865", "01904", "01332", "01392",
    "01642", "01708", "01244", "01482", "01524", "01772", "01925",
]  # fmt: skip
LONDON_ETC = ["0207", "0208", "0203", "02380", "02476", "02890", "02920", "0300", "0330", "0345"]
DRAMA = ["07700900", "01632960", "01134960", "01614960", "02079460", "01214960", "02920180"]
FOREIGN = [
    ("40", "7{d2} {d3} {d3}"),  # Romania mobile
    ("355", "6{d1} {d3} {d4}"),  # Albania mobile
    ("84", "9{d1} {d3} {d2} {d2}"),  # Vietnam mobile
    ("48", "5{d2} {d3} {d3}"),  # Poland mobile
    ("234", "80{d1} {d3} {d4}"),  # Nigeria mobile
    ("86", "13{d1} {d4} {d4}"),  # China mobile
    ("91", "9{d4} {d5}"),  # India mobile
    ("92", "30{d1} {d7}"),  # Pakistan mobile
    ("291", "7 {d6}"),  # Eritrea mobile
    ("380", "67 {d3} {d4}"),  # Ukraine mobile
    ("33", "6 {d2} {d2} {d2} {d2}"),  # France mobile
    ("1", "212 {d3} {d4}"),  # New York
]


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _fill(rng: random.Random, template: str) -> str:
    for n in range(7, 0, -1):
        while f"{{d{n}}}" in template:
            template = template.replace(f"{{d{n}}}", _d(rng, n), 1)
    return template


def _uk_layouts(national: str, rng: random.Random) -> str:
    """One of the ways agencies write a UK number given as 11 national digits ("07911123456")."""
    nsn = national[1:]
    area = 5 if national.startswith("07") or national[:3] in ("016", "015", "012") else 4
    if national.startswith("02"):
        area = 3
    head, tail = national[:area], national[area:]
    layouts = [
        (30, f"{head} {tail}"),
        (16, national),
        (8, f"+44 {head[1:]} {tail}"),
        (6, f"+44{nsn}"),
        (5, f"0044 {head[1:]} {tail}"),
        (5, f"({head}) {tail}"),
        (4, f"{head} {tail[:3]} {tail[3:]}"),
        (4, f"{head}-{tail}"),
        (4, f"+44 (0){head[1:]} {tail}"),
        (4, f"44{nsn}"),
        (4, nsn),  # leading zero lost in a spreadsheet
        (3, f"{head}.{tail[:3]}.{tail[3:]}"),
        (3, f"tel:+44{nsn}"),
        (2, f"+44 0{head[1:]} {tail}"),
        (2, f"({head}) {tail[:3]}-{tail[3:]}"),
    ]
    return rng.choices([text for _, text in layouts], [w for w, _ in layouts])[0]


def phones(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    kinds = [
        ("uk_mobile", 52),
        ("uk_landline", 15),
        ("drama", 6),
        ("international", 12),
        ("partial", 8),
        ("annotated", 3),
        ("placeholder", 4),
    ]
    for _ in range(n):
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        if kind == "uk_mobile":
            yield kind, _uk_layouts(rng.choice(MOBILE_PREFIXES) + _d(rng, 8), rng)
        elif kind == "uk_landline":
            code = rng.choice(AREA_CODES + LONDON_ETC)
            yield kind, _uk_layouts(code + _d(rng, 11 - len(code)), rng)
        elif kind == "drama":
            yield kind, _uk_layouts(rng.choice(DRAMA) + _d(rng, 3), rng)
        elif kind == "international":
            cc, template = rng.choice(FOREIGN)
            number = _fill(rng, template)
            style = rng.random()
            if style < 0.6:
                yield kind, f"+{cc} {number}"
            elif style < 0.8:
                yield kind, f"00{cc} {number}"
            else:
                yield kind, f"{cc}{number.replace(' ', '')}"
        elif kind == "partial":
            national = rng.choice(MOBILE_PREFIXES) + _d(rng, 8)
            style = rng.random()
            if style < 0.4:
                national = national[:-1]
            elif style < 0.7:
                national += _d(rng, 1)
            elif style < 0.85:
                national = _d(rng, rng.randint(4, 7))
            else:
                national = "+44 " + national[1:-2]
            yield kind, (_uk_layouts(national, rng) if len(national) > 8 else national)
        elif kind == "annotated":
            number = rng.choice(MOBILE_PREFIXES) + _d(rng, 8)
            yield (
                kind,
                rng.choice(
                    [
                        f"{number} ext {_d(rng, 3)}",
                        f"mob: {number}",
                        f"{number} (mum)",
                        f"{number} x12",
                    ]
                ),
            )
        else:
            yield kind, rng.choice(["", "N/K", "unknown", "none", "no number", "?", "  "])


GIVEN = {
    "english": ["John", "Sarah", "Michael", "Emma", "David", "Olivia", "James", "Charlotte"],
    "albanian": ["Arbër", "Elira", "Ardit", "Besnik", "Dritan", "Ermira", "Fatjon", "Gëzim"],
    "romanian": ["Ioana", "Andrei", "Mihai", "Ștefan", "Gheorghe", "Elena", "Cătălin", "Ion"],
    "polish": ["Piotr", "Katarzyna", "Łukasz", "Małgorzata", "Wojciech", "Agnieszka", "Paweł"],
    "nigerian": ["Chinedu", "Oluwaseun", "Ngozi", "Emeka", "Adaeze", "Babatunde", "Funmilayo"],
    "eritrean": ["Selam", "Yonas", "Tesfay", "Semhar", "Filmon", "Senait", "Mehari", "Aklilu"],
    "pakistani": ["Mohammed", "Muhammad", "Imran", "Fatima", "Ayesha", "Bilal", "Zainab"],
    "chinese": ["Wei", "Na", "Xiaoming", "Jing", "Hao", "Yan", "Lei", "Mei"],
}
FAMILY = {
    "english": ["Smith", "Jones", "O'Brien", "McDonald", "Taylor-Brown", "Williams", "Evans"],
    "albanian": ["Hoxha", "Krasniqi", "Gashi", "Berisha", "Shehu", "Çela", "Dervishi"],
    "romanian": ["Popescu", "Ionescu", "Dumitrescu", "Stănescu", "Țurcanu", "Lungu", "Munteanu"],
    "polish": ["Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"],
    "nigerian": ["Okafor", "Adeyemi", "Eze", "Okonkwo", "Balogun", "Nwosu", "Adebayo"],
    "eritrean": ["Tesfaye", "Haile", "Gebremariam", "Kidane", "Weldemichael", "Berhe", "Tekle"],
    "pakistani": ["Khan", "Ali", "Begum", "Hussain", "Ahmed", "Iqbal", "Malik", "Shah"],
    "chinese": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"],
}
VN_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
VN_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Quốc"]
VN_GIVEN = ["Minh", "Lan", "Hùng", "Hương", "Tuấn", "Dũng", "Linh", "Thảo", "Quang", "Phương"]
OTHER_SCRIPTS = [
    "Александр Петров", "Олена Шевченко", "Дмитрий Иванов", "王伟", "李娜", "张小明",
    "محمد علي", "فاطمة خان", "ሰላም ተስፋዬ", "Γιώργος Παπαδόπουλος",
]  # fmt: skip
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Mr."]


def _strip_marks(text: str) -> str:
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d").replace("ł", "l").replace("Ł", "L")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


SYLLABLES = {
    "english": ["al", "bern", "cal", "dor", "ed", "fen", "gar", "hol", "lin", "mar", "ric", "wyn"],
    "albanian": ["ar", "bë", "dri", "ël", "fat", "gë", "jon", "kle", "lir", "sh", "ton", "zim"],
    "romanian": ["an", "că", "dr", "ei", "ghe", "io", "lu", "mi", "ră", "ște", "ța", "vlad"],
    "polish": ["bo", "cz", "dzi", "gra", "ja", "ło", "mi", "rze", "sła", "wo", "że", "ń"],
    "nigerian": ["ade", "bay", "chi", "emek", "fun", "ife", "ngo", "olu", "seun", "tun", "yem"],
    "eritrean": ["ab", "ber", "fil", "gebr", "hai", "kid", "meh", "sel", "tes", "wel", "yon"],
    "pakistani": ["ah", "bil", "far", "has", "imr", "kha", "mah", "naz", "raf", "sha", "zai"],
    "chinese": ["bo", "chen", "fang", "hui", "jian", "lei", "ming", "qing", "xiao", "yu", "zhi"],
}
"""Made-up given names from each culture's syllables, so that whole names rarely repeat, as
in a real file of a million people, while family names repeat as they do there."""
VN_GIVEN_MORE = [
    *VN_GIVEN,
    "Hà", "Hằng", "Hiếu", "Hòa", "Khánh", "Mai", "Nam", "Ngân", "Nhung", "Phúc", "Sơn", "Tâm",
    "Thắng", "Thủy", "Trung", "Tú", "Vân", "Việt", "Xuân", "Yến", "Bảo", "Cường", "Duy", "Giang",
]  # fmt: skip


def _invented(rng: random.Random, culture: str) -> str:
    parts = rng.choices(SYLLABLES[culture], k=rng.randint(2, 3))
    return "".join(parts).capitalize()


def names(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    cultures = list(GIVEN)
    for _ in range(n):
        roll = rng.random()
        if roll < 0.04:
            yield "other_script", rng.choice(OTHER_SCRIPTS)
            continue
        if roll < 0.06:
            yield "placeholder", rng.choice(["", "unknown", "N/K", "???"])
            continue
        if roll < 0.30:
            kind = "vietnamese"
            family, given = rng.choice(VN_FAMILY), rng.choice(VN_GIVEN_MORE)
            middle = rng.choice(VN_MIDDLE)
            if rng.random() < 0.5:
                middle += " " + rng.choice(VN_GIVEN_MORE)
            if rng.random() < 0.4:
                family, middle, given = (_strip_marks(x) for x in (family, middle, given))
            style = rng.random()
            if style < 0.4:
                text = f"{family} {middle} {given}"
            elif style < 0.6:
                text = f"{family.upper()} {middle} {given}"
            elif style < 0.75:
                text = f"{family.upper()}, {middle} {given}"
            elif style < 0.9:
                text = f"{given} {family}"
            else:
                text = f"{family} {middle} {given}".upper()
        else:
            kind = rng.choice(cultures)
            given, family = rng.choice(GIVEN[kind]), rng.choice(FAMILY[kind])
            if rng.random() < 0.5:
                given = _invented(rng, kind)
            if rng.random() < 0.2:
                given += " " + rng.choice(GIVEN[kind])
            style = rng.random()
            if style < 0.5:
                text = f"{given} {family}"
            elif style < 0.65:
                text = f"{family.upper()}, {given}"
            elif style < 0.75:
                text = f"{given} {family}".upper()
            elif style < 0.82:
                text = f"{given} {family}".lower()
            elif style < 0.9:
                text = f"{rng.choice(TITLES)} {given} {family}"
            elif style < 0.95:
                text = f"  {given}   {family} "
            else:
                text = f"{family} {given}"
        yield kind, text


EMAIL_DOMAINS = [
    "gmail.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "icloud.com", "mail.ru",
    "yandex.ru", "yahoo.com.vn", "qq.com", "163.com", "gmx.de", "wp.pl", "btinternet.com",
    "example.co.uk", "nhs.net", "abv.bg", "googlemail.com", "live.co.uk",
]  # fmt: skip


def emails(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    ascii_given = [_strip_marks(g) for pool in GIVEN.values() for g in pool] + [
        _strip_marks(g) for g in VN_GIVEN
    ]
    ascii_family = [_strip_marks(f) for pool in FAMILY.values() for f in pool] + [
        _strip_marks(f) for f in VN_FAMILY
    ]
    for _ in range(n):
        given = rng.choice(ascii_given).lower().replace("'", "")
        family = rng.choice(ascii_family).lower().replace("'", "")
        sep = rng.choice([".", "_", "", "-", "."])
        local = f"{given}{sep}{family}{rng.choice(['', str(rng.randint(1, 9999))])}"
        domain = rng.choice(EMAIL_DOMAINS)
        address = f"{local}@{domain}"
        roll = rng.random()
        if roll < 0.66:
            yield "plain", address
        elif roll < 0.74:
            yield "mixed_case", f"{given.capitalize()}.{family.capitalize()}@{domain.upper()}"
        elif roll < 0.78:
            yield "plus_tag", f"{local}+{rng.choice(['work', 'x', 'uk'])}@{domain}"
        elif roll < 0.82:
            yield "display_name", f"{given.capitalize()} {family.capitalize()} <{address}>"
        elif roll < 0.84:
            yield "mailto", f"mailto:{address}"
        elif roll < 0.86:
            yield "punctuated", rng.choice([f"{address};", f"'{address}'", f" {address}. "])
        elif roll < 0.89:
            yield "obfuscated", f"{local} [at] {domain.replace('.', ' [dot] ')}"
        elif roll < 0.93:
            yield (
                "invalid",
                rng.choice(
                    [f"{local}@{domain.split('.')[0]}", f"{local}@@{domain}", f"{local} {domain}"]
                ),
            )
        elif roll < 0.97:
            yield (
                "non_ascii",
                rng.choice(
                    [
                        f"{rng.choice(VN_FAMILY).lower()}.{rng.choice(VN_GIVEN).lower()}@{domain}",
                        f"{local}@bücher.de",
                        f"иван{rng.randint(1, 99)}@почта.рф",
                    ]
                ),
            )
        else:
            yield "placeholder", rng.choice(["", "n/a", "none", "unknown"])


MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def dates(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    styles = [
        ("dd/mm/yyyy", 36),
        ("iso", 15),
        ("d/m/yyyy", 6),
        ("dd.mm.yyyy", 5),
        ("dd-mm-yyyy", 5),
        ("dd/mm/yy", 5),
        ("compact", 3),
        ("d month yyyy", 6),
        ("month d, yyyy", 2),
        ("dd-mon-yy", 2),
        ("ddMONyyyy", 2),
        ("year", 3),
        ("mm/yyyy", 2),
        ("approx", 1),
        ("timestamp", 3),
        ("impossible", 2),
        ("placeholder", 2),
    ]
    for _ in range(n):
        kind = rng.choices([k for k, _ in styles], [w for _, w in styles])[0]
        y, m, d = rng.randint(1950, 2012), rng.randint(1, 12), rng.randint(1, 28)
        month = MONTH_NAMES[m - 1]
        text = {
            "dd/mm/yyyy": f"{d:02d}/{m:02d}/{y}",
            "iso": f"{y}-{m:02d}-{d:02d}",
            "d/m/yyyy": f"{d}/{m}/{y}",
            "dd.mm.yyyy": f"{d:02d}.{m:02d}.{y}",
            "dd-mm-yyyy": f"{d:02d}-{m:02d}-{y}",
            "dd/mm/yy": f"{d:02d}/{m:02d}/{y % 100:02d}",
            "compact": rng.choice([f"{y}{m:02d}{d:02d}", f"{d:02d}{m:02d}{y}"]),
            "d month yyyy": rng.choice([f"{d} {month} {y}", f"{d} {month[:3]} {y}"]),
            "month d, yyyy": f"{month} {d}, {y}",
            "dd-mon-yy": f"{d:02d}-{month[:3]}-{y % 100:02d}",
            "ddMONyyyy": f"{d:02d}{month[:3].upper()}{y}",
            "year": str(y),
            "mm/yyyy": f"{m:02d}/{y}",
            "approx": rng.choice([f"c. {y}", f"approx {y}", f"circa {y}"]),
            "timestamp": rng.choice(
                [f"{y}-{m:02d}-{d:02d}T10:{d:02d}:00", f"{d:02d}/{m:02d}/{y} 14:{d:02d}"]
            ),
            "impossible": rng.choice([f"31/02/{y}", f"{d}/13/{y}", f"00/00/{y}", f"30/02/{y}"]),
            "placeholder": rng.choice(["", "N/K", "unknown", "not known"]),
        }[kind]
        yield kind, text


AREAS = [
    "B", "E", "G", "L", "M", "N", "S", "W", "AB", "BT", "CF", "EC", "LS", "NE", "NW", "SE",
    "SW", "WC", "LU", "NG", "BD", "CV", "DN", "HU", "LE", "PE", "ST", "WV",
]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode(rng: random.Random) -> str:
    area = rng.choice(AREAS)
    district = str(rng.randint(1, 30 if len(area) == 2 else 20))
    if area in ("EC", "WC", "SW", "W", "E", "N") and rng.random() < 0.3:
        district = str(rng.randint(1, 9)) + rng.choice("ABCHMNPRVWXY")
        if area in ("W", "E", "N"):
            district = str(rng.randint(1, 9)) + rng.choice("ABCDEFGHJKPSTUW")
    inward = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{area}{district} {inward}"


def postcodes(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        code = _postcode(rng)
        roll = rng.random()
        if roll < 0.55:
            yield "spaced", code
        elif roll < 0.72:
            yield "unspaced", code.replace(" ", "")
        elif roll < 0.82:
            yield "lower", rng.choice([code.lower(), code.lower().replace(" ", "")])
        elif roll < 0.86:
            yield "spaces", f" {code.replace(' ', '  ')} "
        elif roll < 0.89:
            yield "hyphen", code.replace(" ", "-")
        elif roll < 0.92:
            out, inward = code.split()
            yield "misread", f"{out} {'O' if inward[0] == '0' else 'I'}{inward[1:]}"
        elif roll < 0.95:
            yield "outward", code.split()[0]
        elif roll < 0.98:
            yield "invalid", rng.choice(["QA1 1AA", code[:-1], code + "X", "12345"])
        else:
            yield "placeholder", rng.choice(["", "N/K", "unknown"])


STREETS = ["High Street", "Station Road", "Mill Lane", "Church St", "Victoria Rd", "Acacia Ave"]
TOWNS = ["London", "Luton", "Leeds", "Birmingham", "Manchester", "Bradford", "Leicester"]


def addresses(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        number = rng.randint(1, 250)
        street, town, code = rng.choice(STREETS), rng.choice(TOWNS), _postcode(rng)
        flat = f"Flat {rng.randint(1, 20)}, " if rng.random() < 0.3 else ""
        roll = rng.random()
        if roll < 0.5:
            yield "one_line", f"{flat}{number} {street}, {town}, {code}"
        elif roll < 0.65:
            yield "upper", f"{flat}{number} {street}, {town} {code}".upper()
        elif roll < 0.8:
            yield "multi_line", f"{flat}{number} {street}\n{town}\n{code.lower().replace(' ', '')}"
        elif roll < 0.95:
            yield "no_postcode", f"{flat}{number}{rng.choice(['', 'A'])} {street}, {town}"
        else:
            yield "placeholder", rng.choice(["", "N/K", "no fixed abode"])


VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"


def vrms(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        letters = "".join(rng.choice(VRM_LETTERS) for _ in range(5))
        age = f"{rng.choice([0, 1, 2, 5, 6, 7]):d}{rng.randint(0, 9)}"
        current = f"{letters[:2]}{age} {letters[2:]}"
        roll = rng.random()
        if roll < 0.6:
            yield "current", current
        elif roll < 0.75:
            yield "compact", current.replace(" ", "").lower()
        elif roll < 0.85:
            yield "prefix", f"{letters[0]}{rng.randint(1, 999)} {letters[2:]}"
        elif roll < 0.9:
            yield "dateless", f"{letters[:3]} {rng.randint(1, 999)}"
        elif roll < 0.95:
            yield "misread", f"{letters[:2]}{age[0]}O {letters[2:]}"
        else:
            yield "foreign", f"B {rng.randint(100, 999)} {letters[:3]}"


NATIONALITIES = [
    "British", "UK", "United Kingdom", "GBR", "English", "Scottish", "Vietnamese", "Viet Nam",
    "Vietnam", "Albanian", "Albania", "Romanian", "Polish", "Chinese", "Nigerian", "Eritrean",
    "Sudanese", "Indian", "Pakistani", "Kosovan", "Iraqi", "Iranian", "Afghan", "Syrian",
    "Ukrainian", "Lithuanian", "Slovak", "Czech", "Bulgarian", "Hungarian", "Ghanaian",
    "Vietnamese national", "Roma", "Kurdish", "Stateless", "unknown", "ALB", "VNM", "ro",
]  # fmt: skip


def countries(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        word = rng.choice(NATIONALITIES)
        roll = rng.random()
        if roll < 0.6:
            yield "as_written", word
        elif roll < 0.8:
            yield "upper", word.upper()
        elif roll < 0.9:
            yield "lower", word.lower()
        else:
            yield "padded", f" {word}. "


def genders(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    words = ["M", "F", "Male", "Female", "male", "FEMALE", "girl", "boy", "X", "U", "unknown"]
    for _ in range(n):
        yield "word", rng.choice(words)


def sortcodes(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        a, b, c = _d(rng, 2), _d(rng, 2), _d(rng, 2)
        yield "sortcode", rng.choice([f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}", f"{a}-{b}"])


def accounts(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        sc, acc = f"{_d(rng, 2)}-{_d(rng, 2)}-{_d(rng, 2)}", _d(rng, 8)
        yield (
            "account",
            rng.choice(
                [
                    acc,
                    f"{sc} {acc}",
                    f"sort code {sc} account {acc}",
                    acc[:7],
                    f"S/C {sc} A/C {acc}",
                ]
            ),
        )


def _iban(rng: random.Random) -> str:
    bban = f"{rng.choice(['WEST', 'NWBK', 'BARC', 'HBUK'])}{_d(rng, 14)}"
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "GB00")) % 97
    return f"GB{check:02d}{bban}"


def ibans(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        iban = _iban(rng)
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        yield "iban", rng.choice([iban, spaced, spaced.lower(), iban[:-1] + "0"])


NI_LETTERS = "ABCEHJKLMNPRSTWXYZ"


def ninumbers(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        prefix = rng.choice(NI_LETTERS) + rng.choice(NI_LETTERS)
        digits = _d(rng, 6)
        suffix = rng.choice("ABCD")
        yield (
            "ni",
            rng.choice(
                [
                    f"{prefix}{digits}{suffix}",
                    f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}",
                    f"{prefix.lower()}{digits}",
                ]
            ),
        )


def passports(rng: random.Random, n: int) -> Iterator[tuple[str, str]]:
    for _ in range(n):
        yield (
            "passport",
            rng.choice(
                [
                    _d(rng, 9),
                    f"Vietnamese passport C{_d(rng, 7)}",
                    f"ALB {rng.choice('ABC')}{_d(rng, 8)}",
                    f"passport no: {_d(rng, 9)}",
                ]
            ),
        )


GENERATORS: dict[str, Callable[[random.Random, int], Iterator[tuple[str, str]]]] = {
    "phone": phones,
    "email": emails,
    "name": names,
    "date": dates,
    "postcode": postcodes,
    "address": addresses,
    "vrm": vrms,
    "country": countries,
    "gender": genders,
    "sortcode": sortcodes,
    "account": accounts,
    "iban": ibans,
    "ninumber": ninumbers,
    "passport": passports,
}


def sample(type_name: str, role: str, n: int) -> Sample:
    """The ``n`` inputs of one type for one measurement, the same in every process."""
    rng = random.Random(zlib.crc32(f"{type_name}:{role}".encode()))
    return list(GENERATORS[type_name](rng, n))


# --- timing ------------------------------------------------------------------------------


def time_calls(call: Callable[[str], object], texts: list[str], chunk: int = 500) -> float:
    """Microseconds per call over ``texts``: the median of the mean times of chunks of
    ``chunk`` calls, so that a burst of load from another process on this small machine
    moves one chunk, not the figure."""
    gc.collect()
    means = []
    clock = time.perf_counter
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        started = clock()
        for text in part:
            call(text)
        means.append((clock() - started) / len(part))
    return statistics.median(means) * 1e6


def time_by_kind(call: Callable[[str], object], inputs: Sample) -> dict[str, tuple[int, float]]:
    """Count and microseconds per call for each kind of input, each kind timed in bulk."""
    kinds: dict[str, list[str]] = {}
    for kind, text in inputs:
        kinds.setdefault(kind, []).append(text)
    return {k: (len(v), time_calls(call, v, chunk=100)) for k, v in sorted(kinds.items())}


def measure_tree(types: list[str], n: int, *, slow: bool, detail: bool) -> dict[str, Any]:
    """Time ``clean`` (and ``_clean_slow`` where it exists) of the threadline on sys.path."""
    from threadline.values import get_type

    out: dict[str, Any] = {}
    for name in types:
        kind = get_type(name)
        # Token-level caches fill over a long ingest: warm them on other values of this type.
        for _, text in sample(name, "warm", n):
            kind.clean(text)
        inputs = sample(name, "clean", n)
        texts = [text for _, text in inputs]
        row: dict[str, Any] = {"clean": time_calls(kind.clean, texts)}
        reference = getattr(kind, "_clean_slow", None)
        if slow and reference is not None:
            row["slow"] = time_calls(reference, [text for _, text in sample(name, "slow", n)])
        if detail:
            row["kinds"] = time_by_kind(kind.clean, sample(name, "detail", n))
        out[name] = row
    return out


def _library_calls() -> dict[str, tuple[str, Callable[[str], object]]]:
    """For each type, the library call its work rests on, as a yardstick."""
    import icu
    import phonenumbers
    from followthemoney import registry as ftm
    from stdnum import iban

    from threadline.values.postcode import POSTCODE_PATTERN
    from threadline.values.vrm import VRM_FORMATS

    def phone(text: str) -> object:
        try:
            number = phonenumbers.parse(text, "GB")
        except phonenumbers.NumberParseException:
            return None
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return e164, phonenumbers.is_valid_number(number)

    transliterator = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")

    def iban_check(text: str) -> object:
        try:
            return iban.validate(text)
        except ValueError:
            return None

    current = VRM_FORMATS["current"]
    return {
        "phone": ("phonenumbers parse+E164+is_valid", phone),
        "email": ("followthemoney email.clean", ftm.email.clean),
        "name": ("ICU Any-Latin; Latin-ASCII", transliterator.transliterate),
        "date": ("followthemoney date.clean", ftm.date.clean),
        "postcode": ("regex search (floor)", lambda t: POSTCODE_PATTERN.search(t.upper())),
        "address": ("followthemoney address.clean", ftm.address.clean),
        "vrm": ("regex match (floor)", lambda t: current.match(t.upper().replace(" ", ""))),
        "country": ("followthemoney country.clean", ftm.country.clean),
        "gender": ("followthemoney gender.clean", ftm.gender.clean),
        "iban": ("python-stdnum iban.validate", iban_check),
        "passport": ("followthemoney identifier.clean", ftm.identifier.clean),
    }


def measure_libraries(types: list[str], n: int) -> dict[str, tuple[str, float]]:
    calls = _library_calls()
    out = {}
    for name in types:
        if name in calls:
            label, call = calls[name]
            for _, text in sample(name, "warm", n):
                call(text)
            out[name] = (label, time_calls(call, [t for _, t in sample(name, "library", n)]))
    return out


def export_ref(ref: str, into: Path) -> tuple[str, Path]:
    """The short commit of git ``ref`` and a copy of its ``src/`` exported under ``into``."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = into / "src.tar"
    subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), ref, "src"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return sha, into / "src"


def measure_src(src: Path, types: list[str], n: int) -> dict[str, Any]:
    """Time ``clean`` in another source tree, in a child process of its own."""
    command = [sys.executable, __file__, "--child", str(src)]
    child = subprocess.run(
        [*command, "--n", str(n), "--types", ",".join(types)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"timing {src} failed:\n{child.stderr}")
    result: dict[str, Any] = json.loads(child.stdout)
    return result


def _child(src: str, types: list[str], n: int) -> None:
    sys.path.insert(0, src)
    import threadline

    if not str(Path(threadline.__file__).resolve()).startswith(str(Path(src).resolve())):
        raise SystemExit(f"imported threadline from {threadline.__file__}, not {src}")
    print(json.dumps(measure_tree(types, n, slow=False, detail=False)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="inputs per type and measurement")
    parser.add_argument("--types", default=",".join(GENERATORS), help="comma-separated types")
    parser.add_argument("--before", default="HEAD", help="git ref to compare with")
    parser.add_argument("--no-before", action="store_true", help="skip the git ref")
    parser.add_argument("--detail", action="store_true", help="per-kind breakdown of 'after'")
    parser.add_argument("--child", metavar="SRC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    types = [t for t in args.types.split(",") if t]
    if args.child:
        _child(args.child, types, args.n)
        return

    sys.path.insert(0, str(REPO / "src"))
    started = time.perf_counter()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    sha, src = "", None
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_before:
            sha, src = export_ref(args.before, Path(tmp))
        # Type by type, before then after, so that a change in the load of this shared
        # machine falls on both sides of a comparison alike.
        for name in types:
            if src is not None:
                before |= measure_src(src, [name], args.n)
            after |= measure_tree([name], args.n, slow=True, detail=args.detail)
    library = measure_libraries(types, args.n)

    print(
        f"Value cleaning: µs per call, {args.n:,} fresh synthetic inputs per type and column "
        "(median of 500-call chunk means)"
    )
    head = f"{'type':<10}"
    if before:
        head += f"{'before':>9}"
    head += f"{'after':>9}"
    if before:
        head += f"{'speed-up':>10}"
    head += f"{'slow':>9}{'library':>9}{'after/lib':>10}  library call"
    print(head)
    for name in types:
        line = f"{name:<10}"
        if before:
            line += f"{before[name]['clean']:>9.1f}"
        line += f"{after[name]['clean']:>9.1f}"
        if before:
            line += f"{before[name]['clean'] / after[name]['clean']:>9.1f}x"
        slow_figure = after[name].get("slow")
        line += f"{slow_figure:>9.1f}" if slow_figure is not None else f"{'-':>9}"
        if name in library:
            label, lib = library[name]
            line += f"{lib:>9.1f}{after[name]['clean'] / lib:>10.2f}  {label}"
        else:
            line += f"{'-':>9}{'-':>10}"
        print(line)
    if before:
        print(f"before: {args.before} ({sha}); after: working tree")
    print("slow: this tree's reference path kept for the property tests (_clean_slow)")
    if args.detail:
        print("\nafter, by kind of input (count, µs per call):")
        for name in types:
            kinds = after[name]["kinds"]
            parts = ", ".join(f"{k} {c:,} {us:.1f}" for k, (c, us) in kinds.items())
            print(f"  {name:<10}{parts}")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
