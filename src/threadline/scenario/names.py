"""People's names per culture and the ways agencies write them down differently.

A :class:`Name` is the truth; :func:`render` turns it into what one agency wrote, under that
agency's :class:`Style`: diacritics dropped, Vietnamese and Chinese names put in Western order or
split into the wrong fields, nicknames, respellings (Mohammed/Muhammad, Tesfay/Tesfaye), typos.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from dataclasses import dataclass
from functools import cache

from threadline.scenario._name_pools import POOLS, SPELLINGS
from threadline.scenario._rng import chance

_FOLD = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "\u0131": "i",
    }
)


@dataclass(frozen=True, slots=True)
class Name:
    """A person's true name, in the parts their own culture uses."""

    culture: str
    given: str
    middle: str
    family: str

    @property
    def family_first(self) -> bool:
        """Whether the canonical order puts the family name first (Vietnamese, Chinese)."""
        return POOLS[self.culture].family_first

    @property
    def full(self) -> str:
        """The canonical full name (``Nguyễn Văn Nam``, ``Arben Hoxha``)."""
        if self.family_first:
            parts = (self.family, self.middle, self.given)
        else:
            parts = (self.given, self.middle, self.family)
        return " ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class Style:
    """How one agency tends to write names (each field a probability)."""

    keep_diacritics: float = 0.5
    typo: float = 0.03
    respell: float = 0.1
    nickname: float = 0.0
    drop_middle: float = 0.2
    western_order: float = 0.3  # family-first names written given-name first
    wrong_fields: float = 0.1  # family-first names with surname and forenames mixed up
    surname_first: float = 0.0  # single-field names written "FAMILY Given"
    given_only: float = 0.0


@dataclass(frozen=True, slots=True)
class WrittenName:
    """A name as one record wrote it: split fields and a single-field form."""

    forenames: str
    surname: str
    full: str


def ascii_fold(text: str) -> str:
    """Drop diacritics: ``Nguyễn Văn Đức`` -> ``Nguyen Van Duc``.

    >>> ascii_fold("Nguyễn Văn Đức, Łukasz Wiśniewski, Çela")
    'Nguyen Van Duc, Lukasz Wisniewski, Cela'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _cp1252_char(char: str) -> str:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return ascii_fold(char)
    return char


def cp1252_fold(text: str) -> str:
    """Keep characters Windows-1252 can hold and transliterate the rest.

    >>> cp1252_fold("Zoë Şahin, Ştefan Ionuț, Hoàng")
    'Zoë Sahin, Stefan Ionut, Hoàng'
    """
    return "".join(_cp1252_char(c) for c in text)


@cache
def _cum_weights(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + 1) ** exponent for i in range(count)))


def _pick(rng: random.Random, names: tuple[str, ...], exponent: float) -> str:
    return rng.choices(names, cum_weights=_cum_weights(len(names), exponent), k=1)[0]


def make_name(rng: random.Random, culture: str, gender: str) -> Name:
    """Draw a name of ``culture`` for gender ``M`` or ``F`` (common names drawn more often)."""
    pool = POOLS[culture]
    male = gender == "M"
    given = _pick(rng, pool.male if male else pool.female, pool.given_skew)
    index = rng.choices(
        range(len(pool.family)), cum_weights=_cum_weights(len(pool.family), pool.family_skew)
    )[0]
    family = pool.family[index] if male or not pool.female_family else pool.female_family[index]
    middles = pool.male_middle if male else pool.female_middle
    middle = ""
    if middles and chance(rng, pool.middle_rate):
        middle = rng.choice(middles)
        if middle == given:
            middle = ""
    return Name(culture, given, middle, family)


def nationality_for(rng: random.Random, culture: str) -> str:
    """An ISO alpha-2 nationality typical of people named in ``culture``."""
    options = POOLS[culture].nationalities
    return rng.choices([c for c, _ in options], [w for _, w in options])[0]


def nickname(rng: random.Random, name: Name) -> str | None:
    """A nickname or short form of the given name, if the culture has one."""
    options = POOLS[name.culture].nicknames.get(name.given)
    return rng.choice(options) if options else None


def respell(rng: random.Random, word: str) -> str:
    """Another spelling of ``word`` when one is known (Mohammed -> Muhammad...)."""
    options = SPELLINGS.get(word)
    if options:
        return rng.choice(options)
    return word


_KEYBOARD = dict(
    zip(
        "qwertyuiopasdfghjklzxcvbnm",
        "wqrtyuiopoasdfghjkklxcvbnmn",
        strict=False,
    )
)


def typo(rng: random.Random, word: str) -> str:
    """One keying slip: swapped, dropped, doubled or neighbouring letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    lower = word[i].lower()
    near = _KEYBOARD.get(lower, lower)
    return word[:i] + (near.upper() if word[i].isupper() else near) + word[i + 1 :]


def render(rng: random.Random, name: Name, style: Style) -> WrittenName:
    """Write ``name`` the way an agency with ``style`` would."""
    given, middle, family = name.given, name.middle, name.family
    if chance(rng, style.respell):
        given, family = respell(rng, given), respell(rng, family)
    if chance(rng, style.nickname):
        given = nickname(rng, name) or given
    if middle and chance(rng, style.drop_middle):
        middle = ""
    if not chance(rng, style.keep_diacritics):
        given, middle, family = ascii_fold(given), ascii_fold(middle), ascii_fold(family)
    if chance(rng, style.typo):
        if rng.random() < 0.5:
            family = typo(rng, family)
        else:
            given = typo(rng, given)
    if chance(rng, style.given_only):
        return WrittenName(given, "", given)
    if name.family_first:
        surname, forenames = family, _join(middle, given)
        if chance(rng, style.wrong_fields):
            surname, forenames = given, _join(family, middle)
        if chance(rng, style.western_order):
            full = _join(forenames, surname)
        else:
            full = _join(surname, forenames)
        return WrittenName(forenames, surname, full)
    forenames = _join(given, middle)
    if chance(rng, style.surname_first):
        return WrittenName(forenames, family, f"{family.upper()} {forenames}")
    return WrittenName(forenames, family, _join(forenames, family))


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)
