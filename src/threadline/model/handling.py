"""Handling conditions read as restrictions: who may receive a record, and on what terms.

A 3x5x2 handling code C says that "specific handling instructions apply and must be stated"
(domain-standards.md §1.1); the instructions are free text. A :class:`Restriction` is what
one such text, or all of a record's, means for sharing:

- **recipients**: anyone a conditioned sharing agreement or case reaches; only named
  agencies; or the originating agency only (5x5x5 handling 4, "disseminate only within the
  originating agency/force", §1.3);
- **authority**: who may authorise release beyond those recipients (a DI, the originator);
  recorded for the reader, never granted by Threadline itself;
- **no onward sharing**: a recipient must not pass it on (S2, "no sanitisation without
  consulting originator", §1.1, leaves a recipient no way to pass it on);
- **sanitise first**: it must be sanitised before it leaves (§1.2: sanitisation removes what
  identifies a source, "before dissemination"). Threadline holds only the original, so such
  a record stays in its agency.

Restrictions combine as handling does (§5.2, "most restrictive handling"): the fewest
recipients, every flag, and an authority only where every part that keeps it home names one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["LEAST", "MOST", "Recipients", "Restriction", "most_restrictive"]


class Recipients(StrEnum):
    """Who may receive a record outside its agency, from the widest to the narrowest."""

    CONDITIONED = "conditioned"
    """Any agency a sharing agreement that allows conditioned material, or a case, reaches."""
    NAMED = "named"
    """Only the named agencies (and only through such an agreement or a case)."""
    ORIGINATOR = "originator"
    """Nobody outside the originating agency."""

    @property
    def rank(self) -> int:
        """0 (widest) to 2 (the originating agency only)."""
        return list(Recipients).index(self)


@dataclass(frozen=True, slots=True)
class Restriction:
    """What a handling condition, or all of a record's, allows."""

    recipients: Recipients = Recipients.CONDITIONED
    agencies: frozenset[str] = frozenset()
    """Agency codes that may receive it, for NAMED recipients."""
    authority: tuple[str, ...] = ()
    """Whose authority releases it beyond its recipients (e.g. ``("DI",)``)."""
    no_onward: bool = False
    """Recipients must not pass it on."""
    sanitise: bool = False
    """It must be sanitised before it leaves its agency."""

    @property
    def release(self) -> Recipients:
        """Who may receive it as Threadline holds it: a record to be sanitised first stays
        home, since Threadline holds only the unsanitised original.

        >>> Restriction(sanitise=True).release
        <Recipients.ORIGINATOR: 'originator'>
        """
        return Recipients.ORIGINATOR if self.sanitise else self.recipients

    def combine(self, other: Restriction) -> Restriction:
        """The restriction that honours both: the fewer recipients, and every flag.

        >>> a = Restriction(Recipients.NAMED, frozenset({"ie", "lcc"}))
        >>> b = Restriction(Recipients.NAMED, frozenset({"lcc", "nhs"}), no_onward=True)
        >>> c = a.combine(b)
        >>> c.recipients.value, sorted(c.agencies), c.no_onward
        ('named', ['lcc'], True)
        >>> a.combine(Restriction(Recipients.NAMED, frozenset({"nhs"}))).recipients.value
        'originator'
        """
        return most_restrictive((self, other))

    def words(self) -> str:
        """The restriction in words, for listings and explanations.

        >>> Restriction(Recipients.ORIGINATOR, authority=("DI",)).words()
        'originating agency only, unless with the authority of DI'
        >>> Restriction(Recipients.NAMED, frozenset({"lcc", "ie"}), no_onward=True).words()
        'named agencies only (ie, lcc); no onward sharing'
        """
        text = {
            Recipients.CONDITIONED: "may be shared under conditions",
            Recipients.NAMED: f"named agencies only ({', '.join(sorted(self.agencies))})",
            Recipients.ORIGINATOR: "originating agency only",
        }[self.recipients]
        if self.authority:
            text += f", unless with the authority of {' and '.join(self.authority)}"
        if self.no_onward:
            text += "; no onward sharing"
        if self.sanitise:
            text += "; sanitise before it leaves"
        return text


LEAST = Restriction()
"""What a recognised condition that limits use, not recipients, allows."""
MOST = Restriction(Recipients.ORIGINATOR)
"""The most restrictive reading: the originating agency only, with no way out. A condition
that no rule recognises is read so until someone maps it."""


def most_restrictive(items: Iterable[Restriction]) -> Restriction:
    """The combination of `items` (LEAST when there are none): the narrowest recipients (named
    agencies intersect; none in common keeps it home), every flag, and the authorities of the
    parts at the narrowest level, unless one of those names none (then nothing releases it).

    >>> di = Restriction(Recipients.ORIGINATOR, authority=("DI",))
    >>> most_restrictive([di, LEAST]).authority
    ('DI',)
    >>> most_restrictive([di, MOST]).authority
    ()
    """
    parts = list(items)
    if not parts:
        return LEAST
    recipients = max((p.recipients for p in parts), key=lambda r: r.rank)
    agencies: frozenset[str] = frozenset()
    if recipients is Recipients.NAMED:
        named = [p.agencies for p in parts if p.recipients is Recipients.NAMED]
        agencies = frozenset.intersection(*named)
        if not agencies:
            recipients = Recipients.ORIGINATOR
    narrowest = [p for p in parts if p.recipients is recipients]
    authority: tuple[str, ...] = ()
    if narrowest and all(p.authority for p in narrowest):
        authority = tuple(sorted({a for p in narrowest for a in p.authority}))
    return Restriction(
        recipients,
        agencies,
        authority,
        no_onward=any(p.no_onward for p in parts),
        sanitise=any(p.sanitise for p in parts),
    )
