"""Organisation names: legal forms set aside, words compared one by one.

"Müller Aktiengesellschaft" and "Müller AG", "OAO Stroygaz" and "Stroigaz JSC", "Unit
Twenty-one Ltd" and "Unit 21 Ltd" are one name; "Bank of Austria" and "Bank of Australia",
"Northern Gas Company" and "Northern Oil Company" are not. So:

* legal forms, in any language and script, are found at either end of the name through
  rigour's table of organisation types (ISO 20275 and more) and compared apart: the same
  kind of form (a limited company: Ltd, GmbH, OOO, Sp. z o.o.; a joint-stock company: AG,
  PLC, OAO, JSC) or none on one side is no evidence; two kinds are;
* numbers written as words are numbers ("twenty-one", "first", "II"), "&" is "and", and
  abbreviations are written out ("Bros", "St", "Intl");
* every word of one name must find its partner in the other: the same word, its plural, a
  transliteration of it (Stroygaz, Stroigaz), a slip of one letter in a long word, the
  words run together (Carwash) or an acronym (IBM). A word only one name has costs, a
  number most; a different word on both sides (Austria, Australia) means another name.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein
from rigour.names import extract_org_types, remove_obj_prefixes
from rigour.text.scripts import DENSE_SCRIPTS, text_scripts

from threadline.values._scripts import Word, latin_words, phonetic_key
from threadline.values._text import load_table

__all__ = ["ORGANISATION_THRESHOLD", "TRADING_AS", "OrgName", "compare_org_names", "parse_org_name"]

ORGANISATION_THRESHOLD = 0.9
"""Score at or above which two organisation names are one name: the threshold at which
:class:`threadline.resolve.CompanyMatcher` takes two business records for one business
(before a postcode, an officer or a number says more). A word only one name has (0.8) or
two different kinds of legal form (0.85) fall below it."""

TRADING_AS = re.compile(
    r"\s+(?:t/a|t\.a\.|ta|trading\s+as|trading\s+under|d/b/a|dba|also\s+known\s+as|aka)\s+",
    re.IGNORECASE,
)
"""What separates a legal name from the name a business trades under."""


@dataclass(frozen=True, slots=True)
class OrgName:
    """An organisation name taken apart for comparison."""

    original: str
    words: tuple[Word, ...]
    """The name's words in Latin letters, legal forms and filler taken out; numbers are
    written ``#21``."""
    forms: tuple[str, ...]
    """Legal forms found, in rigour's comparison form ("ltd", "ag", "ooo")."""
    kinds: tuple[str, ...]
    """The kind of each legal form ("llc": limited company, "jsc": joint-stock company)."""


@cache
def _table() -> Any:
    return load_table("organisations.yaml")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _whole_form(text: str, written: str, shouting: bool = False) -> tuple[str, str] | None:
    """(form, kind) when ``text`` is exactly one legal form; ``written`` is as the source
    wrote it: an ambiguous form must have full stops, or capitals that say something (not in
    a name written all in capitals: ``shouting``)."""
    clean = text.strip(" ,;:()«»\"'")
    if not clean.strip("."):
        return None
    if clean.strip(".") in _table()["roman"]:
        return None  # "Sea Breeze II": a number, not a form
    if clean.replace(".", "") in _table()["ambiguous_forms"]:
        bare = written.strip(" ,;:()«»\"'")
        capitals = (bare.isupper() and not shouting) or (
            not bare.isupper() and any(c.isupper() for c in bare[1:])
        )
        if not ("." in bare or capitals):
            return None
    plain = _ascii(clean)
    # "L.T.D.", "Sp z o o": the form with its full stops, or its spaces, left out.
    candidates = (clean, plain, plain.replace(".", ""), re.sub(r"[.\s]", "", plain))
    for candidate in dict.fromkeys(c for c in candidates if c):
        found = extract_org_types(candidate)
        if len(found) == 1 and found[0][0].strip(" .,") == candidate.strip(" .,"):
            kind = extract_org_types(candidate, generic=True)
            return found[0][1], kind[0][1] if kind else found[0][1]
    return None


def _strip_forms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The name without the legal forms at its start and end, and the forms."""
    written = text.split()
    shouting = text.isupper()
    forms: list[tuple[str, str]] = []
    changed = True
    while changed and len(written) > 0:
        changed = False
        low = [w.casefold() for w in written]
        for k in range(min(6, len(low) - 1), 0, -1):
            hit = _whole_form(" ".join(low[-k:]), " ".join(written[-k:]), shouting)
            if hit:
                forms.append(hit)
                written, changed = written[:-k], True
                break
            hit = _whole_form(" ".join(low[:k]), " ".join(written[:k]), shouting)
            if hit:
                forms.append(hit)
                written, changed = written[k:], True
                break
        if not changed and written and text_scripts(written[-1]) & DENSE_SCRIPTS:
            # Chinese and Japanese write the form on without a space (华为技术有限公司).
            last = written[-1]
            for i in range(1, len(last) - 1):
                hit = _whole_form(last[i:].casefold(), last[i:])
                if hit:
                    forms.append(hit)
                    written, changed = [*written[:-1], last[:i]], True
                    break
    return " ".join(written), forms


_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
_SLASHED = re.compile(r"\b([a-z])/([a-z])\b", re.IGNORECASE)
_PIECES = re.compile(r"[^\w]+")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _pieces(text: str) -> list[str]:
    # casefold writes the Turkish İ as i and a combining dot, which would split the word.
    low = unicodedata.normalize("NFKC", text).casefold().replace("\u0307", "")
    low = low.replace("&", " and ").replace("+", " and ").replace("'", "").replace("\u2019", "")
    low = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", low)
    return [p for p in _PIECES.split(low) if p and p != "_"]


def _number(piece: str) -> str | None:
    if piece.isdigit():
        return f"#{int(piece)}"
    found = _ORDINAL.match(piece)
    return f"#{int(found.group(1))}" if found else None


def _words(text: str) -> list[Word]:
    """Words of a name in Latin letters, numbers as ``#n``, abbreviations written out."""
    table = _table()
    out: list[Word] = []
    for piece in _pieces(text):
        number = _number(piece)
        if number:
            out.append(Word((number,), "Number"))
            continue
        if piece.isascii() and not piece.isalpha():  # "A1 Hand Car Wash", "M25 Motors"
            out.append(Word((piece,), "Latin"))
            continue
        for word in latin_words(piece):
            text_ = table["abbreviations"].get(word.text, word.text)
            forms = (text_, *word.forms[1:]) if text_ != word.text else word.forms
            out.append(Word(forms, word.script, word.native))
    return _numbers(out)


def _numbers(words: list[Word]) -> list[Word]:
    """Numbers written as words made numbers: "twenty one" is 21, "first" 1, a closing "II"
    2; filler words dropped."""
    table = _table()
    cardinal: dict[str, int] = table["numbers"]
    out: list[Word] = []
    for i, word in enumerate(words):
        text = word.text
        value = cardinal.get(text, table["ordinals"].get(text))
        if value is None and i == len(words) - 1 and i > 0:
            value = table["roman"].get(text)
        if value is None:
            if text not in table["filler"]:
                out.append(word)
            continue
        previous = out[-1].text if out else ""
        tens = previous.startswith("#") and int(previous[1:]) % 10 == 0 and previous != "#0"
        if tens and 0 < value < 10 and words[i - 1].script != "Number":
            out[-1] = Word((f"#{int(previous[1:]) + value}",), "Number")
        else:
            out.append(Word((f"#{value}",), "Number"))
    return out


@lru_cache(maxsize=50_000)
def parse_org_name(raw: str, vessel: bool = False) -> OrgName:
    """An organisation name taken apart; ``vessel`` also sets aside a ship prefix (MV, MT).

    >>> name = parse_org_name("Unit Twenty-one Ltd")
    >>> [w.text for w in name.words], name.forms, name.kinds
    (['unit', '#21'], ('ltd',), ('llc',))
    >>> parse_org_name("OAO Stroygaz").kinds, parse_org_name("Stroigaz JSC").kinds
    (('jsc',), ('jsc',))
    """
    text = unicodedata.normalize("NFC", TRADING_AS.split(raw.strip())[0])
    if vessel:
        text = remove_obj_prefixes(text)
    text = _SLASHED.sub(r"\1.\2.", text)
    rest, forms = _strip_forms(text)
    words = _words(rest) or _words(text)
    return OrgName(raw, tuple(words), tuple(f for f, _ in forms), tuple(k for _, k in forms))


def _plural(x: str, y: str) -> bool:
    short, long_ = sorted((x, y), key=len)
    return long_ in (short + "s", short + "es") or (
        short.endswith("y") and long_ == short[:-1] + "ies"
    )


def _word_sim(x: Word, y: Word) -> tuple[float, str | None]:
    if x.script == "Number" or y.script == "Number":
        return (1.0, None) if x.text == y.text else (0.0, None)
    if x.native and y.native:
        return (1.0, None) if x.native == y.native else (0.0, None)
    best: tuple[float, str | None] = (0.0, None)
    for fx, fy in product(x.forms, y.forms):
        found = _form_sim(fx, fy)
        if found[0] > best[0]:
            best = found
    return best


def _form_sim(x: str, y: str) -> tuple[float, str | None]:
    if x == y:
        return 1.0, None
    if _plural(x, y):
        return 0.96, "singular and plural"
    shorter = min(len(x), len(y))
    if shorter >= 4 and phonetic_key(x) == phonetic_key(y):
        return 0.93, "other transliteration"
    if shorter >= 6 and x[0] == y[0]:
        if DamerauLevenshtein.distance(x, y, score_cutoff=1) == 1:
            return 0.92, "similar spelling"
        short, long_ = sorted((x, y), key=len)
        if long_.startswith(short) and len(long_) - len(short) <= 3:
            return 0.9, "a shorter form of the word"
    return 0.0, None


@dataclass(frozen=True, slots=True)
class _Pair:
    score: float
    reason: str | None
    left: range
    right: range


def _runs(words: tuple[Word, ...]) -> list[tuple[range, Word, str]]:
    """Runs of one to three adjacent words, spelt together, and the initials of runs of two
    to five (for acronyms)."""
    out: list[tuple[range, Word, str]] = []
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 5) + 1):
            run = words[i:j]
            if any(w.script == "Number" for w in run) and j - i > 1:
                break
            initials = "".join(w.text[0] for w in run) if j - i > 1 else ""
            if j - i <= 3:
                forms = tuple("".join(p) for p in product(*(w.forms for w in run)))[:4]
                native = "".join(w.native for w in run) if all(w.native for w in run) else ""
                out.append((range(i, j), Word(forms, run[0].script, native), initials))
            elif initials:
                out.append((range(i, j), Word(("",), "Latin"), initials))
    return out


def _acronym(run: range, word: Word, initials: str) -> bool:
    """One word that is the initials of a run of the other name's words (IBM)."""
    return len(run) == 1 and len(initials) >= 2 and word.text == initials


def _align(a: tuple[Word, ...], b: tuple[Word, ...]) -> list[_Pair]:
    found: list[_Pair] = []
    runs_a, runs_b = _runs(a), _runs(b)
    for (ra, wa, ia), (rb, wb, ib) in product(runs_a, runs_b):
        if _acronym(ra, wa, ib) or _acronym(rb, wb, ia):
            found.append(_Pair(0.9, "acronym", ra, rb))
        elif wa.text and wb.text and len(ra) <= 3 and len(rb) <= 3:
            score, reason = _word_sim(wa, wb)
            multi = len(ra) > 1 or len(rb) > 1
            if score >= 0.9 and not (multi and score < 0.96):
                found.append(_Pair(score, "written as one word" if multi else reason, ra, rb))
    found.sort(key=lambda p: (-p.score, len(p.left) + len(p.right)))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[_Pair] = []
    for pair in found:
        if used_a & set(pair.left) or used_b & set(pair.right):
            continue
        used_a |= set(pair.left)
        used_b |= set(pair.right)
        chosen.append(pair)
    return chosen


def compare_org_names(
    left: str | OrgName, right: str | OrgName, *, vessel: bool = False
) -> tuple[float, str]:
    """Similarity of two organisation names from 0 to 1, with the reason in words.

    >>> compare_org_names("Müller Aktiengesellschaft", "Mueller AG")
    (1.0, 'same name (legal form ignored)')
    >>> compare_org_names("Bank of Austria Corporation", "Bank of Australia Corporation")
    (0.27, 'different names')
    >>> compare_org_names("Acme Ltd", "Acme Holdings Ltd")
    (0.8, 'a word only one name has')
    """
    a = left if isinstance(left, OrgName) else parse_org_name(left, vessel)
    b = right if isinstance(right, OrgName) else parse_org_name(right, vessel)
    if not a.words or not b.words:
        return 0.0, "no name to compare"
    pairs = _align(a.words, b.words)
    if not pairs:
        return 0.0, "different names"
    scores = [p.score for p in pairs]
    mean = math.exp(sum(math.log(s) for s in scores) / len(scores))
    score = math.sqrt(min(scores) * mean)
    reasons = list(dict.fromkeys(p.reason for p in pairs if p.reason))
    left_over_a = [w for i, w in enumerate(a.words) if not any(i in p.left for p in pairs)]
    left_over_b = [w for i, w in enumerate(b.words) if not any(i in p.right for p in pairs)]
    if left_over_a and left_over_b:
        score *= 0.4 * len(pairs) / max(len(a.words), len(b.words))
        reasons = ["different names"]
    elif left_over_a or left_over_b:
        for word in left_over_a or left_over_b:
            score *= 0.5 if word.script == "Number" else 0.8
        reasons.append("a word only one name has")
    order = [p.right.start for p in sorted(pairs, key=lambda p: p.left.start)]
    if order != sorted(order):
        score *= 0.97
        reasons.append("words in another order")
    if a.kinds and b.kinds and not set(a.kinds) & set(b.kinds):
        score *= 0.85
        reasons.append(f"different legal forms ({a.forms[0]} / {b.forms[0]})")
    return round(score, 2), ", ".join(reasons) or "same name (legal form ignored)"
