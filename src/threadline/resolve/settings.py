"""The knobs of person resolution, in one frozen object that a saved model carries with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["IDENTIFIER_COLUMNS", "IDENTIFIER_KEYS", "ResolverSettings"]

IDENTIFIER_KEYS = {
    "national_id": "national_id",
    "document_number": "document_number",
    "email": "email_mailbox",
}
"""Columns that can be deterministic merge keys, and the prepared column each merges on (an
email merges on the mailbox it delivers to). Phones and addresses are not among them: in
trafficking cases one phone or one house is shared by many people, so they are evidence only."""

IDENTIFIER_COLUMNS = tuple(IDENTIFIER_KEYS)
"""The default deterministic identifiers: all of them."""


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    """How :class:`~threadline.resolve.PersonResolver` scores, blocks and clusters.

    >>> ResolverSettings().deterministic
    ('national_id', 'document_number', 'email')
    >>> ResolverSettings.from_dict({"match_threshold": 0.8}).match_threshold
    0.8
    """

    deterministic: tuple[str, ...] = IDENTIFIER_COLUMNS
    """Identifiers whose exact (normalised) agreement merges two records without scoring.
    Leave out a column whose values are known to be unreliable (FEBRL's ``soc_sec_id`` has
    typos and collisions): it is then only a strong piece of evidence in the model."""

    match_threshold: float = 0.5
    """Mean match probability at or above which two groups of records are one person. The
    clustering uses the average over every pair across the two groups, so one strong link
    cannot glue two otherwise different people together."""

    record_apart: bool = True
    """The people one source record names are different people (a patient and whoever came
    with them, an employee and the holder of the account their wages go into): they never
    share a cluster unless an analyst judges them the same. Father and son of one name at one
    address are the case this settles."""

    veto: float = 1e-4
    """Two records whose own match probability is below this never share a cluster, however
    well each matches the others (unless an analyst or an identifier says they are one)."""

    integrity: bool = True
    """Records that contradict each other (dates of birth more than a typing slip apart,
    different sex, national insurance numbers or documents of one format) never share a
    cluster unless an analyst judged them the same (:mod:`.integrity`)."""

    family_names: bool = True
    """With ``integrity``: two records of one surname whose given names are different names
    (Anna and Hanna; twins) and that share nothing of one person's own (a phone no one else
    gives, an identifier, a bank account, a mailbox) count as contradicting: a surname, an
    address and a date of birth are a family's as much as a person's."""

    integrity_trust: float | None = None
    """For data whose dates of birth and identifiers are known to be replaced by wrong values
    (FEBRL's corruption): two contradicting records that the model itself scores at or above
    this match probability are not kept apart. ``None`` (the default): a contradiction is
    never outweighed, since a father and son of one name at one address score high too.
    Chains through other records never override a contradiction."""

    one_name: bool = True
    """A cluster of records that give a given name and nothing else of the person's own (a
    hotline note) joins the one cluster it links to at or above ``match_threshold``, unless a
    pair across scores below ``veto`` or contradicts (:mod:`.one_name`): its low scores
    against the person's other records are missing evidence, not evidence against."""

    pair_floor: float = 0.01
    """Scored pairs below this match probability are dropped from the output pairs table."""

    max_pairs_per_record: float = 8.0
    """Blocking budget: candidate pairs allowed per input record. Blocking rules are taken from
    tight to loose until the budget is spent, so small files get loose rules (high recall)
    while a million records keep to the tight ones."""

    min_pair_budget: int = 2_000_000
    """Candidate pairs always allowed, however small the input."""

    max_block_size: int = 2_000
    """Blocking keys shared by more records than this are ignored by that rule (records are
    still found by the other rules): one huge block would cost more than all others."""

    deterministic_recall: float = 0.6
    """Assumed share of true matches that the exact rules find (name + date of birth,
    strong identifiers); used with their count to estimate how often two records match."""

    shared_cap: float = 10.0
    """Most evidence, in bits (log2 Bayes factor), that agreeing on a phone number, an
    address, a bank account, a photo, or a place or business of the record can give. Victims
    of one controller share his phone and the house they are kept in; random pairs, from which
    the model learns chance agreement, almost never do."""

    u_max_pairs: float = 1.2e6
    """Random record pairs sampled to estimate how often non-matches agree by chance."""

    em_max_pairs: float = 4e5
    """Cap on the blocked pairs used by each expectation-maximisation training session."""

    max_component: int = 400
    """Largest group of linked records clustered exactly. A bigger one is first cut along its
    weakest links."""

    seed: int = 42
    """Seed for random sampling, so that training is reproducible."""

    threads: int | None = None
    """DuckDB worker threads; ``None`` uses every core."""

    memory_limit: str = "3GB"
    """DuckDB memory limit; bigger intermediate tables spill to a temporary directory."""

    extra: dict[str, Any] = field(default_factory=dict)
    """Free-form notes stored with a saved model (data set name, who trained it)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every setting."""
        out = asdict(self)
        out["deterministic"] = list(self.deterministic)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ResolverSettings:
        """Settings from :meth:`to_dict` output; unknown keys are refused."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown resolver settings: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "deterministic" in values:
            values["deterministic"] = tuple(values["deterministic"])
        return cls(**values)

    def __post_init__(self) -> None:
        unknown = set(self.deterministic) - set(IDENTIFIER_KEYS)
        if unknown:
            known = ", ".join(IDENTIFIER_KEYS)
            raise ValueError(
                f"not a deterministic identifier: {', '.join(sorted(unknown))} (known: {known})"
            )
        if not 0 < self.match_threshold < 1:
            raise ValueError("match_threshold must be between 0 and 1")
