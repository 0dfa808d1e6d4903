"""An alert's reason: stored with entity ids, shown with captions the reader may see.

The checks write each entity an alert names as a reference (`ref`); the reason is rendered for
its reader at display time (`render`), each reference replaced by the entity's caption among
the mentions that reader's View admits, or by ``another entity`` when it admits none: a
caption is never shown to someone who may not see a record naming it, and captions follow
the entity as later material names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["OTHER", "ref", "refs", "render"]

OTHER = "another entity"
"""What an entity the reader may see no mention of is called."""

_REF = re.compile(r"\[\[([^\[\]]{1,255})\]\]")


def ref(entity_id: str) -> str:
    """A reference to an entity in a stored reason.

    >>> ref("ent-1")
    '[[ent-1]]'
    """
    return f"[[{entity_id}]]"


def refs(reasons: Iterable[str]) -> set[str]:
    """The entity ids `reasons` refer to.

    >>> sorted(refs(["new link: lives at [[e2]]", "[[e1]] joined [[e2]]", "no ref"]))
    ['e1', 'e2']
    """
    return {m.group(1) for reason in reasons for m in _REF.finditer(reason)}


def render(reason: str, captions: Mapping[str, str]) -> str:
    """`reason` with each reference replaced by its caption in `captions`, else `OTHER`.

    >>> render("[[e1]] joined the watched network of [[e2]]", {"e2": "Ardit HOXHA"})
    'another entity joined the watched network of Ardit HOXHA'
    """
    return _REF.sub(lambda m: captions.get(m.group(1)) or OTHER, reason)
