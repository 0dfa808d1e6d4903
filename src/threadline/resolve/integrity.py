"""Contradicting records: evidence that two person records cannot be one person.

Two records contradict when both state one of these and the statements cannot be a typing
slip apart:

- **dates of birth**: compared at the precision both give (a year, a month, or a day). A
  year one apart is allowed (a year worked out from a stated age is often one out), and on
  top of it one typing slip: a year with one digit wrong or two neighbouring digits
  swapped, a month one digit off, a day one apart or one digit off. Day and month written
  the other way round (05/11 for 11/05) is no slip at all, and 1 January and 31 December,
  the placeholders agencies write when only the year is known, are compared by year alone.
  Two slips, or a year a decade away, contradict.
- **sex**, where both records state it;
- **national insurance numbers**, more than one character apart;
- **document numbers of one format** (the same pattern of letters and digits, as two
  passports of one country have), more than one character apart. Numbers of different
  formats are different kinds of documents and say nothing against each other.

- **given names in one family**: two records of one surname whose given names are different
  names (not the same name, a spelling variant, a nickname, an alias, the name written in
  another part of the other, an initial, nor alike with the same first letter: Anna and
  Hanna, or Mei and Qiang, twins of one date of birth) and that share nothing that belongs to
  one person alone (a phone no one else gives, a national insurance, document or bank
  account number, an email mailbox). A surname, an address and a date of birth are a
  family's as much as a person's: sisters and twins share them.

The clustering (:func:`.cluster.cluster_graph`) never puts contradicting records in one
cluster, unless an analyst judged them the same. Records that say nothing (a police record
with no date of birth) can join either side, but cannot bridge the two. Where another of these
fields agrees (the same NI number, the same full date of birth), a disagreement on one of
them is a wrong value, not a different person: it does not contradict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from rapidfuzz.distance import DamerauLevenshtein

from threadline.resolve._names import ascii_token
from threadline.resolve.name_matching import compare_names

__all__ = [
    "CONTRADICTION_FIELDS",
    "FAMILY_NAMES",
    "contradicting_pairs",
    "contradiction",
    "dates_contradict",
    "one_given_name",
    "propose_split",
    "reason_words",
]

IntArray = npt.NDArray[np.int64]

CONTRADICTION_FIELDS = ("dob", "gender", "national_id", "document_number")
"""The prepared columns whose disagreement can contradict a match."""

_WORDS = {
    "dob": "dates of birth",
    "gender": "sex",
    "national_id": "national insurance numbers",
    "document_number": "document numbers",
    "given": "given names in one family, with nothing of one person's own in common,",
}

FAMILY_NAMES = "given"
"""The reason given for two records of one family whose given names differ."""

_NO = "coalesce({}, FALSE)"
# The given-name comparison's agreeing levels (:mod:`.comparisons`), for two records a and b.
_SAME_NAME = " OR ".join(
    _NO.format(x)
    for x in (
        "a.given = b.given",
        "a.given_variant = b.given_variant",
        "a.given_nick = b.given_nick",
        "list_contains(a.given_alt, b.given_variant)",
        "list_contains(b.given_alt, a.given_variant)",
        "list_contains(a.aliases, b.given)",
        "list_contains(b.aliases, a.given)",
        "list_has_any(a.aliases, b.aliases)",
        "a.given = b.surname OR a.surname = b.given",
        "a.given_variant = b.middle OR a.middle = b.given_variant",
        "left(a.given, 1) = left(b.given, 1) AND jaro_winkler_similarity(a.given, b.given) >= 0.8",
        "length(a.given) = 1 OR length(b.given) = 1",
        # A name in Arabic script against a Latin one: left to the model.
        "a.given_abjad IS NOT NULL OR b.given_abjad IS NOT NULL",
    )
)
_OWN = " OR ".join(
    _NO.format(x)
    for x in (
        "a.phone = b.phone AND NOT a.phone_shared",
        "a.national_id = b.national_id",
        "a.document_number = b.document_number",
        "a.email_mailbox = b.email_mailbox",
        "a.bank_account = b.bank_account",
    )
)
_FAMILY = (
    "a.given IS NOT NULL AND b.given IS NOT NULL AND a.surname IS NOT NULL "
    f"AND (a.surname = b.surname OR {_NO.format('a.surname_variant = b.surname_variant')}) "
    f"AND NOT ({_SAME_NAME}) AND NOT ({_OWN})"
)
_FAMILY_COLUMNS = (
    "given_raw", "surname_raw", "given", "given_variant", "given_nick", "given_alt",
    "given_abjad", "middle",
    "surname",
    "surname_variant", "aliases", "phone", "phone_shared", "national_id", "document_number",
    "email_mailbox", "bank_account",
)  # fmt: skip
_PLACEHOLDERS = {(1, 1), (12, 31)}


def _parts(value: str) -> tuple[int, int | None, int | None]:
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else None
    day = int(value[8:10]) if len(value) >= 10 else None
    return year, month, day


def _one_slip(a: int, b: int, width: int) -> bool:
    """One digit written wrong, or two neighbouring digits swapped."""
    x, y = f"{a:0{width}d}", f"{b:0{width}d}"
    if sum(p != q for p, q in zip(x, y, strict=True)) == 1:
        return True
    return any(x[:i] + x[i + 1] + x[i] + x[i + 2 :] == y for i in range(len(x) - 1))


@lru_cache(maxsize=65536)
def dates_contradict(left: str, right: str) -> bool:
    """Whether two dates of birth (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) cannot be the same
    person's, allowing one typing slip.

    >>> dates_contradict("1985-01-12", "1992-05-27")
    True
    >>> dates_contradict("1985-01-12", "1985-12-01")  # day and month the other way round
    False
    >>> dates_contradict("1959-03-27", "1960-03-28")  # a year out (from an age), a slip
    False
    >>> dates_contradict("1970-10-20", "1970-10-19"), dates_contradict("1996-10", "1996-01-01")
    (False, False)
    >>> dates_contradict("2000-02-23", "2000-07-13"), dates_contradict("1993", "2005-08-01")
    (True, True)
    """
    if left == right:
        return False
    return _one_way(left, right) and _one_way(right, left)


def _one_way(left: str, right: str) -> bool:
    """Whether ``right``, read as written or with day and month swapped, is more than a slip
    away from ``left``."""
    try:
        ya, ma, da = _parts(left)
        yb, mb, db = _parts(right)
    except ValueError:
        return False
    variants = [(mb, db)]
    if db is not None and db <= 12 and db != mb:
        variants.append((db, mb))
    placeholder = (ma, da) in _PLACEHOLDERS or (mb, db) in _PLACEHOLDERS
    for month, day in variants:
        slips = 0
        if ya != yb:
            if _one_slip(ya, yb, 4) and abs(ya - yb) != 1:
                slips += 1
            elif abs(ya - yb) != 1:
                continue
        if not placeholder:
            if ma is not None and month is not None and ma != month:
                if not _one_slip(ma, month, 2):
                    continue
                slips += 1
            if da is not None and day is not None and da != day:
                if not (abs(da - day) <= 1 or _one_slip(da, day, 2)):
                    continue
                slips += 1
        if slips <= 1:
            return False
    return True


def _near(a: str, b: str) -> bool:
    """Equal, or one character apart (one wrong, one missing or two swapped)."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _shape(value: str) -> str:
    return re.sub("[0-9]", "9", re.sub("[A-Z]", "A", value))


def contradiction(left: Mapping[str, Any], right: Mapping[str, Any]) -> str | None:
    """The first field on which two prepared records contradict each other, or ``None``.

    Two strong identifiers that disagree with each other say one of them is wrong, not which:
    a contradiction on one field does not count while another of these fields agrees (the
    same full date of birth within a slip, the same NI or document number within a
    character).

    >>> contradiction({"dob": "1985-01-12"}, {"dob": "1992-05-27"})
    'dob'
    >>> contradiction({"gender": "m", "dob": None}, {"gender": "m", "dob": "1990"}) is None
    True
    >>> contradiction({"document_number": "123456789"}, {"document_number": "ZU1234567"}) is None
    True
    >>> contradiction({"dob": "1985-01-12", "national_id": "QQ123456C"},
    ...               {"dob": "1992-05-27", "national_id": "QQ123456C"}) is None
    True
    """
    found: str | None = None
    agrees = False
    a, b = left.get("dob"), right.get("dob")
    if a and b:
        if dates_contradict(str(a), str(b)):
            found = "dob"
        elif len(str(a)) == len(str(b)) == 10:
            agrees = True
    a, b = left.get("gender"), right.get("gender")
    if a and b and a != b:
        found = found or "gender"
    a, b = left.get("national_id"), right.get("national_id")
    if a and b:
        if _near(str(a), str(b)):
            agrees = True
        else:
            found = found or "national_id"
    a, b = left.get("document_number"), right.get("document_number")
    if a and b and _shape(str(a)) == _shape(str(b)):
        if _near(str(a), str(b)):
            agrees = True
        else:
            found = found or "document_number"
    return None if agrees else found


@lru_cache(maxsize=65536)
def one_given_name(left: str, right: str, surname: str = "") -> bool:
    """Whether two given-name fields of one ``surname`` may be one name: the person name
    comparator takes the two whole names for one (variants, romanisations such as Hsiu-ying
    and Xiuying, other scripts), or, written without spaces and accents, the given names are
    a typing slip apart (two in six letters or more) with the first letter the same ("Thi
    Hoa" and "Thi Hea", "Văn Long" and "Văn ong"; not Anna and Hanna).

    >>> one_given_name("Hsiu-ying", "Xiuying", "Huang"), one_given_name("Thị Hoa", "Thi Hea")
    (True, True)
    >>> one_given_name("Anna", "Hanna", "Kowalska"), one_given_name("Mei", "Qiang", "Chen")
    (False, False)
    """
    if compare_names(f"{left} {surname}".strip(), f"{right} {surname}".strip()).same:
        return True
    a, b = (_squeezed(x) for x in (left, right))
    if not a or not b or a[0] != b[0]:
        return False
    return bool(DamerauLevenshtein.distance(a, b) <= (2 if min(len(a), len(b)) >= 6 else 1))


def _squeezed(name: str) -> str:
    return "".join(ascii_token(word) for word in name.split())


def reason_words(reason: str, left: Mapping[str, Any], right: Mapping[str, Any]) -> str:
    """The contradiction in words: ``dates of birth 1985-01-12 and 1992-05-27 conflict``."""
    if reason == FAMILY_NAMES:
        return f"given names {left.get(reason)} and {right.get(reason)} of one family conflict"
    return f"{_WORDS.get(reason, reason)} {left.get(reason)} and {right.get(reason)} conflict"


def contradicting_pairs(
    con: Any, uids: IntArray, labels: IntArray, table: str = "tl_records", families: bool = True
) -> tuple[IntArray, IntArray, list[str]]:
    """Pairs of records that contradict each other among records sharing a label
    (``families``: also records of one family whose given names differ, reason
    :data:`FAMILY_NAMES`).

    ``uids`` are row numbers (``uid - 1``) of ``table`` in the DuckDB connection ``con``;
    returns ``(left, right, reasons)`` as row numbers. Only records that state one of the
    :data:`CONTRADICTION_FIELDS` are joined, label by label."""
    empty = np.zeros(0, dtype=np.int64)
    if len(uids) < 2:
        return empty, empty, []
    con.register("tl_integrity_v", pa.table({"uid": uids + 1, "label": labels}))
    try:
        stated = " OR ".join(f"r.{c} IS NOT NULL" for c in CONTRADICTION_FIELDS)
        differ = " OR ".join(
            f"(a.{c} IS NOT NULL AND b.{c} IS NOT NULL AND a.{c} <> b.{c})"
            for c in CONTRADICTION_FIELDS
        )
        columns = ", ".join(f"a.{c}, b.{c}" for c in CONTRADICTION_FIELDS)
        picked = ", ".join(f"r.{c}" for c in CONTRADICTION_FIELDS)
        rows = con.sql(
            f"""WITH s AS (SELECT v.label, r.uid, {picked}
                FROM tl_integrity_v v JOIN {table} r USING (uid) WHERE {stated})
            SELECT a.uid - 1, b.uid - 1, {columns}
            FROM s a JOIN s b ON a.label = b.label AND a.uid < b.uid
            WHERE {differ} ORDER BY a.uid, b.uid"""  # noqa: S608 - SQL of our own constants
        ).fetchall()
        if families:
            picked = ", ".join(f"r.{c}" for c in _FAMILY_COLUMNS)
            kin = con.sql(
                f"""WITH s AS (SELECT v.label, r.uid, {picked}
                    FROM tl_integrity_v v JOIN {table} r USING (uid)
                    WHERE r.given IS NOT NULL AND r.surname IS NOT NULL)
                SELECT a.uid - 1, b.uid - 1, a.given_raw, b.given_raw, a.surname_raw
                FROM s a JOIN s b ON a.label = b.label AND a.uid < b.uid
                WHERE {_FAMILY} ORDER BY a.uid, b.uid"""  # noqa: S608 - SQL of our own constants
            ).fetchall()
            kin = [(a, b) for a, b, x, y, z in kin if not one_given_name(str(x), str(y), str(z))]
        else:
            kin = []
    finally:
        con.unregister("tl_integrity_v")
    left: list[int] = []
    right: list[int] = []
    reasons: list[str] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        a = dict(zip(CONTRADICTION_FIELDS, row[2::2], strict=True))
        b = dict(zip(CONTRADICTION_FIELDS, row[3::2], strict=True))
        reason = contradiction(a, b)
        if reason is not None:
            left.append(int(row[0]))
            right.append(int(row[1]))
            reasons.append(reason)
            seen.add((int(row[0]), int(row[1])))
    for a_row, b_row in kin:
        if (int(a_row), int(b_row)) not in seen:
            left.append(int(a_row))
            right.append(int(b_row))
            reasons.append(FAMILY_NAMES)
    return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64), reasons


def propose_split(
    rows: list[Mapping[str, Any]], kin: Sequence[tuple[str, str]] = ()
) -> tuple[list[list[str]], list[str], list[tuple[str, str, str]]]:
    """A split of one entity's prepared records (``record_id`` and the
    :data:`CONTRADICTION_FIELDS`) into groups that hold no contradiction.

    ``kin`` are pairs of records of one family whose given names differ
    (:func:`contradicting_pairs` finds them; reason :data:`FAMILY_NAMES`): they contradict
    too. Returns the groups (record ids; the largest first), the records that state nothing
    that could contradict (left for the model to place) and the contradicting pairs, with the
    field. Records are placed most-agreed first: each goes to the group whose members state
    the most of its values, among those it contradicts none of.

    >>> rows = [{"record_id": "a", "dob": "1980-01-05"}, {"record_id": "b", "dob": "1991-07-22"},
    ...         {"record_id": "c", "dob": "1980-01-05"}, {"record_id": "d"}]
    >>> groups, unplaced, pairs = propose_split(rows)
    >>> groups, unplaced, len(pairs)
    ([['a', 'c'], ['b']], ['d'], 2)
    """
    named = {r for pair in kin for r in pair}
    placed = [
        r
        for r in rows
        if any(r.get(c) for c in CONTRADICTION_FIELDS) or str(r["record_id"]) in named
    ]
    stated = [r for r in placed if any(r.get(c) for c in CONTRADICTION_FIELDS)]
    unplaced = sorted({str(r["record_id"]) for r in rows} - {str(r["record_id"]) for r in placed})
    pairs: list[tuple[str, str, str]] = []
    against: dict[str, set[str]] = {str(r["record_id"]): set() for r in placed}
    for i, a in enumerate(stated):
        for b in stated[i + 1 :]:
            reason = contradiction(a, b)
            if reason is not None:
                pairs.append((str(a["record_id"]), str(b["record_id"]), reason))
    found = {(a, b) for a, b, _ in pairs}
    pairs += [(a, b, FAMILY_NAMES) for a, b in kin if (a, b) not in found and (b, a) not in found]
    for left, right, _ in pairs:
        against[left].add(right)
        against[right].add(left)

    def values(row: Mapping[str, Any]) -> set[tuple[str, Any]]:
        return {(c, row.get(c)) for c in CONTRADICTION_FIELDS if row.get(c)}

    counts: dict[tuple[str, Any], int] = {}
    for row in placed:
        for value in values(row):
            counts[value] = counts.get(value, 0) + 1
    order = sorted(placed, key=lambda r: (-sum(counts[v] for v in values(r)), str(r["record_id"])))
    groups: list[list[Mapping[str, Any]]] = []
    for row in order:
        rid = str(row["record_id"])
        best, score = None, -1
        for group in groups:
            if any(str(m["record_id"]) in against[rid] for m in group):
                continue
            shared = sum(len(values(row) & values(m)) for m in group)
            if shared > score:
                best, score = group, shared
        if best is None:
            groups.append([row])
        else:
            best.append(row)
    out = [sorted(str(m["record_id"]) for m in g) for g in groups]
    out.sort(key=lambda g: (-len(g), g))
    return out, unplaced, pairs
