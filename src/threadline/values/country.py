"""Countries and nationalities as ISO 3166 alpha-2 codes in lower case, as followthemoney uses."""

from __future__ import annotations

from functools import cache, lru_cache

from followthemoney import registry as ftm

from threadline.values._text import load_table, squash
from threadline.values.base import DEFAULT_HINTS, Cleaned, Hints, ValueType

__all__ = ["CountryType"]


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    data = load_table("country.yaml")
    return dict(data["not_countries"]), dict(data["extra"])


@lru_cache(maxsize=8192)
def _answer(text: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Value, problem and flags for a squashed country or nationality. Sources write a few
    hundred of these over and over, so the answers are cached by text."""
    text = text.strip(" .,")
    folded = text.casefold()
    not_countries, extra = _tables()
    if folded in not_countries:
        flag = "stateless" if folded == "stateless" else "not_a_country"
        return None, not_countries[folded], (flag,)
    code = ftm.country.clean(extra.get(folded, text))
    if code is None and folded.endswith(" national"):
        code = ftm.country.clean(text[: -len(" national")])
    if code is None:
        return None, "not a recognised country or nationality", ()
    return code, None, ()


class CountryType(ValueType):
    """Countries, written as codes, names or nationalities ("British", "Viet Nam", "UK").

    >>> countries = CountryType()
    >>> [countries.clean(x).value for x in ("British", "UK", "Viet Nam", "Eritrean")]
    ['gb', 'gb', 'vn', 'er']
    >>> countries.clean("Roma").problem
    'an ethnicity, not a country'
    >>> countries.caption("vn")
    'Vietnam'
    """

    name = "country"
    label = "Country"
    # node_prefix stays None: a nationality is shared by millions and links nobody.

    def clean(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        text = self._squashed(raw)
        if isinstance(text, Cleaned):
            return text
        return Cleaned(raw, *_answer(text))

    def _clean_slow(self, raw: str, hints: Hints = DEFAULT_HINTS) -> Cleaned:
        """:meth:`clean` without the cache of answers: the reference for it."""
        empty = self._empty_or_unknown(raw)
        if empty is not None:
            return empty
        return Cleaned(raw, *_answer.__wrapped__(squash(raw)))

    def compare_detail(self, left: str, right: str) -> tuple[float, str]:
        if left == right:
            return 1.0, "same country"
        if left.split("-")[0] == right.split("-")[0]:
            return 0.8, "part of the same country"
        return 0.0, "different countries"

    def caption(self, value: str) -> str:
        return ftm.country.caption(value) or value
