"""Search keys of a name: what a search box looks a name up by before it compares names.

A name is compared with :func:`threadline.values.name.compare_detail` (or the organisation
comparator), which is too slow to run against every name a store holds. Each name a record
states is therefore kept with a few short keys, and a search compares only the names that
share a key with what was typed:

* ``w:`` each word in Latin letters (any script, accents folded: "Koçi" is ``w:koci``), and
  each two adjacent words run together ("Abdul Karim" is also ``w:abdulkarim``, so that it
  meets "Abdulkarim", and "Xiao Ming" meets "Xiaoming");
* ``p:`` the sound of each word of three letters or more (:func:`phonetic_key`: Kuznetsov /
  Kuznetzov, Yelena / Jelena);
* ``x:`` the first four letters of each word of five letters or more, so that a slip later
  in a long word ("Kaczmarec") still meets the name.

The keys only propose names to compare; every hit is then scored by the comparator.

>>> sorted(name_keys("Driton Koçi"))
['p:drItUn', 'p:kUZI', 'w:driton', 'w:dritonkoci', 'w:koci', 'x:drit']
>>> name_keys("Yuan Bin") & name_keys("Bin Yuan") == name_keys("Yuan Bin") - {"w:yuanbin"}
True
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from threadline.values._scripts import latin_words, phonetic_key

__all__ = ["KEY_LENGTH", "NAME_PROPS", "PART_PROPS", "name_keys"]

KEY_LENGTH = 64
"""Longest key kept (the column's width); longer runs of letters are cut."""

PART_PROPS = frozenset(
    {"firstName", "middleName", "lastName", "secondName", "fatherName", "motherName"}
)
"""Properties that hold one part of a person's name."""

NAME_PROPS = PART_PROPS | frozenset(
    {
        "name", "alias", "weakAlias", "previousName", "abbreviation",
        "peopleMentioned", "namesMentioned", "companiesMentioned",
    }
)  # fmt: skip
"""Properties whose values are names (FollowTheMoney's name type, and the parts of a person's
name): the values that get search keys."""


@lru_cache(maxsize=65_536)
def name_keys(name: str) -> frozenset[str]:
    """The search keys of one name (see the module docstring); empty when it has no letters."""
    words = latin_words(name)
    keys: set[str] = set()
    for word in words:
        for form in word.forms:
            if not form.isalnum():
                continue
            keys.add(f"w:{form}")
            if len(form) >= 3:
                keys.add(f"p:{phonetic_key(form)}")
            if len(form) >= 5:
                keys.add(f"x:{form[:4]}")
    for left, right in pairwise(words):
        joined = left.forms[0] + right.forms[0]
        if joined.isalnum():
            keys.add(f"w:{joined}")
    return frozenset(key[:KEY_LENGTH] for key in keys)
