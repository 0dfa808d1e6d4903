"""Wording of reasons: the articles and plurals that reasons assembled from parts get wrong.

Indicators build their reasons from captions, labels and counts ("a {label} business", "and
{n} others"); the words that come out are checked here, once, for every finding.
"""

from __future__ import annotations

import re

__all__ = ["tidy"]

_VOWEL_SOUND_EXCEPTIONS = ("uni", "use", "usu", "uti", "one", "once", "eu", "ur")
"""Words spelt with a vowel that sound like a consonant ("a university", "a one-off")."""

_SILENT_H = ("hour", "honest", "honour", "heir")
"""Words spelt with a consonant that sound like a vowel ("an hour")."""

_ARTICLE = re.compile(r"(?<![\w-])(an?|^An?) (?=([a-z][\w-]*))")
"""A lower-case article before a lower-case word (a label: "a agriculture business"), or a
capital one opening the text; never a capital letter inside a caption ("Flat A upper")."""
_ONE_OTHERS = re.compile(r"\b(and|with) 1 others\b")


def _article(match: re.Match[str]) -> str:
    article, word = match.group(1), match.group(2)
    vowel = (word[0] in "aeiou" and not word.startswith(_VOWEL_SOUND_EXCEPTIONS)) or (
        word.startswith(_SILENT_H)
    )
    wanted = "an" if vowel else "a"
    if article.lower() == wanted:
        return match.group(0)
    return (wanted.capitalize() if article[0] == "A" else wanted) + " "


def tidy(text: str) -> str:
    """`text` with "a"/"an" agreeing with the word after it and "1 others" made singular.

    >>> tidy("home of staff of X, a agriculture business: 6 staff")
    'home of staff of X, an agriculture business: 6 staff'
    >>> tidy("An car wash and a hour, a university, Flat A upper, Lan, Minh and 1 others")
    'A car wash and an hour, a university, Flat A upper, Lan, Minh and 1 other'
    """
    text = _ARTICLE.sub(_article, text)
    return _ONE_OTHERS.sub(r"\1 1 other", text)
