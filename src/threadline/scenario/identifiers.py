"""Synthetic identifiers that are unique across a whole scenario and clearly fictitious.

Each kind of identifier is drawn from an :class:`Allocator`: a counter pushed through a fixed
bijection of the identifier space, so values look scattered yet never repeat (until a space is
exhausted, when it wraps round; the sizes this package generates stay well inside every space).

* Mobiles: Ofcom's drama range 07700 900000-900999 first, then 07700 blocks that the national
  numbering plan (as libphonenumber knows it) leaves unallocated: 9xxxxx, 4xxxxx-6xxxxx, 2xxxxx.
* Landlines: 01632, Ofcom's fictitious area code (drama range 01632 960xxx first).
* Company numbers: ``99000000``-``99999999`` (far above any number Companies House has issued).
* NHS numbers: the ``999`` test range, with a valid modulus-11 check digit.
* NI numbers: HMRC's specimen prefix ``QQ``, printed on forms and never issued to anyone.
* Sort codes ``00-xx-xx`` (no clearing bank); UPRNs from ``990000000000``.
* Vehicle registrations in the current format whose memory tag starts with U, a region letter
  the DVLA has never used.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q: as DVLA and most codes use them


@dataclass
class Allocator:
    """Hand out ``0..size-1`` in a scattered order without repeats (wraps round when exhausted)."""

    size: int
    offset: int = 12345
    _multiplier: int = field(init=False, default=1)
    _next: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        multiplier = int(self.size * 0.6180339887) | 1
        while math.gcd(multiplier, self.size) != 1:
            multiplier += 2
        self._multiplier = multiplier

    def take(self) -> int:
        """The next index of the permutation."""
        value = (self._next * self._multiplier + self.offset) % self.size
        self._next += 1
        return value

    @property
    def used(self) -> int:
        """How many values were handed out."""
        return self._next


# 07700 blocks (thousands) that are unallocated: the drama block 900 comes first.
_MOBILE_BLOCKS = [900, *range(901, 1000), *range(400, 700), *range(200, 300)]


class Identifiers:
    """All identifier allocators of one scenario (shared by every shard, in shard order)."""

    def __init__(self) -> None:
        self._mobile_drama = Allocator(1000, 7)
        self._mobile_rest = Allocator((len(_MOBILE_BLOCKS) - 1) * 1000, 99991)
        self._landline = Allocator(1_000_000, 4321)
        self._company = Allocator(1_000_000, 55555)
        self._nhs = Allocator(1_000_000, 2718)
        self._ni = Allocator(1_000_000, 31415)
        self._account = Allocator(100_000_000, 16180)
        self._uprn = Allocator(10_000_000, 1414)
        self._pnc = Allocator(1_000_000, 1732)
        self._vrm = Allocator(len(_TAGS) * len(_AGES) * len(_RANDOM) ** 3, 2236)

    def mobile(self) -> str:
        """A mobile number in national format without spaces (``07700900123``)."""
        if self._mobile_drama.used < 1000:
            return f"07700900{self._mobile_drama.take():03d}"
        index = self._mobile_rest.take()
        block = _MOBILE_BLOCKS[1 + index // 1000]
        return f"07700{block:03d}{index % 1000:03d}"

    def landline(self) -> str:
        """A landline in the fictitious 01632 area (``01632960123``)."""
        index = self._landline.take()
        block = (960 + index // 1000) % 1000
        return f"01632{block:03d}{index % 1000:03d}"

    def company_number(self) -> str:
        """An eight-digit company number in the fictional 99xxxxxx range."""
        return f"99{self._company.take():06d}"

    def nhs_number(self) -> str:
        """A ten-digit NHS number in the 999 test range with a valid check digit."""
        while True:
            digits = f"999{self._nhs.take():06d}"
            total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
            check = 11 - total % 11
            if check == 11:
                check = 0
            if check != 10:
                return f"{digits}{check}"

    def ni_number(self, rng: random.Random) -> str:
        """A National Insurance number with HMRC's specimen prefix (``QQ123456A``)."""
        return f"QQ{self._ni.take():06d}{rng.choice('ABCD')}"

    def bank_account(self) -> tuple[str, str]:
        """A (sort code, account number) pair with a ``00`` sort code."""
        index = self._account.take()
        branch = index % 97
        return f"00{branch // 10 + 10:02d}{branch % 10 + 20:02d}", f"{index:08d}"

    def uprn(self) -> str:
        """A twelve-digit unique property reference number from 990000000000."""
        return f"99{self._uprn.take():010d}"

    def pnc_id(self, year: int) -> str:
        """A Police National Computer id shaped ``YY/NNNNNNL``."""
        index = self._pnc.take()
        return f"{year % 100:02d}/{index:06d}{_LETTERS[index % len(_LETTERS)]}"

    def vrm(self) -> str:
        """A current-format registration (``UB12 CDE``) the DVLA would never issue."""
        index = self._vrm.take()
        letters = []
        for _ in range(3):
            index, letter = divmod(index, len(_RANDOM))
            letters.append(_RANDOM[letter])
        tag, age = divmod(index, len(_AGES))
        return f"{_TAGS[tag]}{_AGES[age]} {''.join(letters)}"


_TAGS = [f"U{b}" for b in "ABCDEFGHJKLMNOPRSTUVWXY"]  # U is no DVLA region letter
_AGES = [f"{y:02d}" for y in (*range(2, 26), *range(52, 76))]
_RANDOM = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # I and Q are never issued in the random letters


_PASSPORTS = {
    "GB": "#########", "AL": "B@#######", "VN": "@#######", "RO": "0########",
    "PL": "E@#######", "CN": "E########", "NG": "A########", "ER": "P0######",
    "IN": "@#######", "PK": "@@#######",
}  # fmt: skip


def passport_number(rng: random.Random, country: str) -> str:
    """A passport number shaped like those issued by ``country`` (ISO alpha-2).

    ``#`` in a shape is a digit and ``@`` a letter.
    """
    shape = _PASSPORTS.get(country, "@@#######")
    return "".join(
        rng.choice("0123456789") if c == "#" else rng.choice(_LETTERS) if c == "@" else c
        for c in shape
    )


def national_id_number(rng: random.Random, country: str) -> str:
    """An identity-card number (EU/Albanian style)."""
    letters = "".join(rng.choice(_LETTERS) for _ in range(2))
    return f"{letters}{rng.randint(1000000, 9999999)}"


def brp_number(rng: random.Random) -> str:
    """A biometric residence permit number (``ZU1234567``)."""
    return f"Z{rng.choice('RTUX')}{rng.randint(0, 9_999_999):07d}"


def paye_reference(rng: random.Random) -> str:
    """An employer PAYE reference (``961/BA12345``); office 961 is fictional."""
    return f"961/{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}{rng.randint(10000, 99999)}"
