"""Who a sentence of free text says uses a phone, vehicle, account or address, and what it is.

Rule-based and transparent, so that an analyst can be told why a link was made: each link names
the cue that made it ("uses", "held by", "drives"). The text is cut into sentences, and
sentences into clauses at semicolons; a clause that names nobody ("phone 07700 900123",
"drives a white Transit") speaks of the person its sentence opened with (the NRM's
"Arben Hoxha, Albanian, about 35; phone ...; drives ..."). An identifier is given to a person
only when a cue ties them, only one person can be meant, and nothing negates it:

- the person is the subject of a verb of use just before the identifier ("Koci uses +44 7700
  900884", "Koci drives a white Ford Transit AB12 CDE", "lives at 12 Mill Street");
- the identifier is "held by", "used by", "belonging to" or "registered to" the person; it is
  the "number for" the person;
- the person "was given" the phone (by someone else: the giver is not its user).

Two people before a verb ("Koci and Hoxha use ..."), a negation ("does not use", "no longer")
or no cue at all give nothing: the value stays a mention of the record's text. Roles are read
from the same clauses: "controls"/"runs" (controller), "recruited" (recruiter), "drives"
(driver), "collects wages"/"an account belonging to" (money handler), "one of them is called"
(victim); "works with X (driver)" makes X an associate with that role, and "recruited by X" a
recruitment link.

No statistical NLP component is used: the lock file holds no offline parser or NER model
small enough to ship, and these cues are what agencies' narratives actually use.

>>> reading = read_text("Driton Koci runs the car wash and uses +44 7700 900884.")
>>> [(p.name, p.functions) for p in reading.people]
[('Driton Koci', ('controller',))]
>>> [(a.link, a.item.value, a.cue) for a in reading.attributions]
[('phone', '+447700900884', 'uses')]

A place where someone was "kept" is said of the person the record is about (a referral's
potential victim), not of the exploiter the sentence opened with:

>>> reading = read_text("Arben Hoxha, Albanian, about 35; kept at 10 Ironcroft Lane, Halifax.")
>>> [(a.person, a.link, a.item.text, a.cue) for a in reading.attributions]
[(None, 'lives_at', '10 Ironcroft Lane, Halifax', 'kept at')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from threadline.ingest.extract import Extraction, extract
from threadline.values import DEFAULT_HINTS, Hints, get_type

__all__ = ["FUNCTIONS", "Attribution", "Business", "Named", "Reading", "Relation", "read_text"]

FUNCTIONS: dict[str, str] = {
    "controller": "suspect",
    "recruiter": "suspect",
    "driver": "suspect",
    "money_handler": "suspect",
    "victim": "victim",
}
"""Each function a text can give a person, and the data-subject role (DPA 2018 s38(3)) it
implies for the person's mention."""

LINKS: dict[str, str] = {
    "phone": "phone",
    "vrm": "uses_vehicle",
    "account": "holds_account",
    "iban": "holds_account",
    "place": "lives_at",
}
"""Link made for each kind of identifier (``phone`` is a property of the person, the others
link types of model/links.yaml)."""


@dataclass(slots=True)
class Named:
    """A person a text names, under one or more names (a name and its "also known as")."""

    name: str
    start: int
    end: int
    aliases: list[tuple[str, int, int]] = field(default_factory=list)
    functions: tuple[str, ...] = ()
    sentences: list[tuple[int, int]] = field(default_factory=list)
    """Spans of the sentences that name or speak of the person: the evidence."""

    @property
    def role(self) -> str:
        """The data-subject role the text implies (``unknown`` when it gives none)."""
        for function in self.functions:
            if FUNCTIONS[function] == "victim":
                return "victim"
        return "suspect" if self.functions else "unknown"


@dataclass(frozen=True, slots=True)
class Attribution:
    """An identifier a sentence says a person uses."""

    person: int | None
    """Index into :attr:`Reading.people`; None for the person the record is about (the
    referred person a referral says was "kept at" an address), whom the text does not name."""
    item: Extraction
    link: str
    """``phone`` or a link type (``uses_vehicle``, ``holds_account``, ``lives_at``)."""
    sentence: tuple[int, int]
    cue: str
    """The words that tie them ("uses", "held by")."""


@dataclass(frozen=True, slots=True)
class Relation:
    """A link between two people a sentence states: ``source`` `kind` ``target``."""

    source: int
    kind: str
    """A link type of model/links.yaml (``associate``, ``recruited_by``)."""
    target: int
    sentence: tuple[int, int]
    cue: str


@dataclass(frozen=True, slots=True)
class Business:
    """A business a sentence names as where a person it names runs or controls something
    ("Koci runs the men washing cars at Prime Hand Car Wash")."""

    name: str
    start: int
    end: int
    person: int
    """Index into :attr:`Reading.people`: who runs it."""
    sentence: tuple[int, int]
    cue: str


@dataclass(slots=True)
class Reading:
    """Everything read from one text."""

    people: list[Named] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)


_UPPER = "".join(c for c in map(chr, [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]) if c.isupper())
"""Upper-case Latin letters, accented and Vietnamese ones too ("Đặng", "Łukasz")."""
_NAME_WORD = rf"[{_UPPER}][\w'\u2019\-]*"
_NAME_RUN = rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}"
_QUOTED = re.compile(rf"(?<![\w'])'({_NAME_WORD}(?: {_NAME_WORD})?)'(?!\w)")
_AKA = re.compile(r"^\s*(?:[(,]\s*)?(?:also known as|known as|aka|a\.k\.a\.)[\s'\"]*$", re.I)
_OPENING_AKA = re.compile(
    r"^\s*(?:(?:he|she|they) (?:is|are|goes|go) )?(?:also known as|known as|aka|a\.k\.a\.|goes by)"
    r"[\s'\"]*$",
    re.I,
)
"""A clause opening with an alias cue and naming no one before it ("Known as Toni."): the
alias is the record's own subject's, already held in its fields, not another person."""
_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])[.!?]+(?=\s+|$)")
_NEGATION = re.compile(
    r"\b(?:not|no longer|never|denies|denied|isn't|doesn't|didn't|wasn't|don't|stopped)\b", re.I
)
_SKIP = r"(?:\s*\([^)]*\))?"
"""A parenthesis after a name ("(also known as 'Beni')", "(driver)")."""

# What comes between a person and the identifier they use. Each: (pattern that must end the
# text before the identifier, cue, kinds).
_ACTIVE: list[tuple[re.Pattern[str], str, frozenset[str]]] = [
    (re.compile(r"\b(uses|using|used|on|phone|mobile|tel|telephone|number is|contactable on"
                r"|calls from|rings from|has the number)(?:\s+(?:number|phone|mobile|a|the))*"
                r"[\s:]*$", re.I), "uses", frozenset({"phone"})),
    (re.compile(r"\b(drives|driving|drove|is driving|seen in|seen driving|uses|using|used"
                r"|in)\s+(?:(?:an?|the|his|her|their)\s+)?(?:[\w-]+\s+){0,4}$", re.I),
     "drives", frozenset({"vrm"})),
    (re.compile(r"\b(holds|uses|using|has|owns|banks with)\s+(?:(?:an?|the)\s+)?(?:bank\s+)?"
                r"(?:account|acct|a/c)(?:\s+(?:number|no\.?))?[\s:#]*$", re.I),
     "holds", frozenset({"account", "iban"})),
    (re.compile(r"\b(lives at|living at|lives in|resides at|residing at|stays at|staying at"
                r"|home address is|address is|moved to)\s*$", re.I),
     "lives at", frozenset({"place"})),
]  # fmt: skip
_RECEIVED = re.compile(
    r"\b(?:was |were |had been |has been )?(given|handed|issued|provided with)\s+"
    r"(?:(?:an?|the|another|new|mobile|phone|sim|number|car|van)\s+)*[\s:]*$",
    re.I,
)
_PASSIVE = re.compile(
    r"^[\s,]*(?:(?:which|that)\s+(?:is|was)\s+)?"
    r"(?:(?:believed|thought|said|known)\s+(?:to be\s+)?)?"
    r"(held by|used by|owned by|registered to|belonging to|in the name of|rented by)[\s'\"]*$",
    re.I,
)
_FOR = re.compile(r"\b(?:number|phone|mobile|line|contact|account|address)\s+(?:for|of)\s*$", re.I)
_FOR_TAIL = re.compile(r"^\s*(?:is|was|:|-)\s*$", re.I)
_DATIVE = re.compile(r"\b(gave|handed|issued)\s*$", re.I)
_DATIVE_TAIL = re.compile(r"^\s*(?:(?:an?|the|new|mobile|phone|sim|number)[\s,:]+)*[\s,:]*$", re.I)
_WHO = re.compile(r"^\s*,?\s*who\s+(?:also\s+)?$", re.I)

_ROLE_AFTER: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_SKIP},?\s+(?:who\s+|also\s+)?(?:controls|runs|is in charge|manages|supplies"
                r" workers|keeps a|is the boss|organises)\b", re.I), "controller"),
    (re.compile(rf"^{_SKIP},?\s+(?:who\s+|also\s+)?(?:recruited|recruits|recruiting)\b", re.I),
     "recruiter"),
    (re.compile(rf"^{_SKIP},?\s+(?:who\s+|also\s+)?(?:drives|driving|drove|is driving)\b", re.I),
     "driver"),
    (re.compile(rf"^{_SKIP},?\s+(?:who\s+|also\s+)?(?:collects|takes|keeps|holds)\s+(?:the\s+"
                r"|their\s+|all\s+|workers'\s+|the workers'\s+)*(?:wages|pay|money|bank cards)\b",
                re.I), "money_handler"),
    (re.compile(rf"^{_SKIP},?\s+(?:is|was)\s+(?:a|the)\s+(?:victim|potential victim)\b", re.I),
     "victim"),
]  # fmt: skip
_ROLE_BEFORE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:workers|women|girls|men|people|children|victims|woman)\b[^.]*\b"
                r"(?:one of them is (?:called|named))\s*$", re.I), "victim"),
    (re.compile(r"\b(?:victim (?:is )?(?:called|named)|the victim is|the victim,)\s*$", re.I),
     "victim"),
    (re.compile(r"\b(?:recruited by|recruiter is|recruiter,)\s*$", re.I), "recruiter"),
    (re.compile(r"\b(?:controlled by|run by|the boss is|the controller is|boss,|controller,)"
                r"\s*$", re.I), "controller"),
    (re.compile(r"\b(?:(?:paid|go|goes|going) into an? account (?:belonging to|held by|of|in the"
                r" name of)|wages (?:are )?collected by)\s*$", re.I), "money_handler"),
]  # fmt: skip
_WORKS_WITH = re.compile(r"\b(?:works with|working with|associate of|works for)\s*$", re.I)
_FUNCTION_IN_BRACKETS = re.compile(r"^\s*\(([a-z ]+)\)", re.I)
_RECRUITED_BY = re.compile(r"\brecruited by\s*$", re.I)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (a full stop after an initial or "Mr" does not end
    one)."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if text[start : end.end()].strip():
            spans.append((start, end.end()))
        start = end.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


def _clauses(text: str, sentence: tuple[int, int]) -> list[tuple[int, int]]:
    start, end = sentence
    out, at = [], start
    for found in re.finditer(r";", text[start:end]):
        out.append((at, start + found.start()))
        at = start + found.end()
    out.append((at, end))
    return out


@dataclass(slots=True)
class _Span:
    text: str
    start: int
    end: int


def _people_spans(text: str, found: Sequence[Extraction]) -> list[_Span]:
    """Names and quoted nicknames in ``text``, without overlaps, by position."""
    spans = [_Span(e.text, e.start, e.end) for e in found if e.kind == "name"]
    for quoted in _QUOTED.finditer(text):
        spans.append(_Span(quoted.group(1), quoted.start(1), quoted.end(1)))
    # A capitalised run right before a cue of role or use ("Arben drives", "ARBEN HOXHA USES")
    # is a name even when no list knows it.
    for run in _AFTER_CUE.finditer(text):
        words = run.group(1).split(" ")
        while words and words[-1].lower() in _NOT_SUBJECTS:
            words.pop()
        if words and words[0].lower() not in _NOT_SUBJECTS:
            name = " ".join(words)
            spans.append(_Span(name, run.start(1), run.start(1) + len(name)))
    for run in [*_SUBJECT.finditer(text), *_DESCRIBED.finditer(text), *_ALIASED.finditer(text)]:
        words = run.group(1).split(" ")
        while words and words[0].lower() in _NOT_SUBJECTS:
            words.pop(0)
        if words and not any(w.lower() in _NOT_SUBJECTS for w in words):
            name = " ".join(words)
            spans.append(_Span(name, run.end(1) - len(name), run.end(1)))
    for span in list(spans):  # "Koci and Ardit Hoxha": both are named
        joined = _AND.search(text, 0, span.start)
        if joined is not None and joined.group(1).split(" ")[0].lower() not in _NOT_SUBJECTS:
            spans.append(_Span(joined.group(1), joined.start(1), joined.end(1)))
    others = [e for e in found if e.kind != "name"]
    spans = [s for s in spans if not any(e.start < s.end and s.start < e.end for e in others)]
    spans.sort(key=lambda s: (s.start, -s.end))
    out: list[_Span] = []
    for span in spans:
        if out and span.start < out[-1].end:
            continue
        out.append(span)
    return out


_SUBJECT = re.compile(
    rf"(?<![\w'])({_NAME_RUN})(?=(?:\s*\([^)]*\))?,?\s+(?:who\s+)?(?i:controls|runs|drives"
    r"|driving|recruited|recruits|uses|using|lives at|collects|is believed|dealing|linked to"
    r"|supplies|keeps|reported missing|suspected|arranging|handling|involved|selling"
    r"|carrying|aggressive|holds|owns|gave|met|was given|was recruited|was seen|was found"
    r"|was handed)\b)"
)
_DESCRIBED = re.compile(
    rf"(?:^|(?<=[.;:] ))({_NAME_RUN})(?=,\s*(?:[A-Z][a-z]+,\s*)?"
    r"(?i:about|aged|approx(?:imately|\.)?|around)\s+[0-9])"
)
"""A name opening a description ("Driton Koci, Albanian, about 35 years old")."""
_ALIASED = re.compile(
    rf"(?<![\w'])({_NAME_RUN})(?=\s*,\s*(?i:also known as|known as|aka|a\.k\.a\.)\s)"
)
"""A name before an alias clause ("Driton Koci, known as Toni, uses ..."): the name and the
alias are one person's."""
"""A capitalised run right before a cue of role or use ("Arben drives", "ARBEN HOXHA USES"):
a name even when no list knows it."""

_AFTER_CUE = re.compile(
    r"\b(?i:belonging to|held by|used by|owned by|registered to|in the name of|called|named"
    r"|number for|contact for|works with|working with|recruited by|in the company of"
    r"|accompanied by|controlled by|run by|landlord is|given by|collected by|gave|met)\s+"
    rf"({_NAME_RUN})"
)
"""A capitalised run right after a cue that introduces a person ("belonging to Donika",
"contact number for Altin Tahiri")."""

_AND = re.compile(rf"(?<![\w'])({_NAME_RUN}),? and $")

_NOT_SUBJECTS = frozenset(
    {
        "the",
        "a",
        "an",
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "who",
        "which",
        "one",
        "someone",
        "somebody",
        "police",
        "officers",
        "staff",
        "workers",
        "people",
        "men",
        "women",
        "he's",
        "she's",
        "there",
        "his",
        "her",
        "their",
        "wages",
        "is",
        "was",
        "and",
        "at",
        "in",
        "on",
    }
)


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^\w ]", "", name).lower().split())


def read_text(
    text: str, found: Sequence[Extraction] | None = None, hints: Hints = DEFAULT_HINTS
) -> Reading:
    """The people ``text`` names, what each uses and what each is (see the module docstring).

    ``found`` is what :func:`extract` found in the text (found again when not given).
    """
    if found is None:
        found = extract(text, hints)
    found = [*found, *_cued_phones(text, found, hints)]
    found = [*found, *_cued_addresses(text, found, hints)]
    found = _with_postcodes(text, found, hints)
    reading = Reading()
    index: dict[str, int] = {}
    spans = _people_spans(text, found)
    identifiers = [e for e in found if e.kind in LINKS and (e.kind != "place" or
                                                             "street" in e.flags)]  # fmt: skip

    def person_at(span: _Span, sentence: tuple[int, int]) -> int:
        key = _key(span.text)
        number = index.get(key)
        if number is None:
            number = index[key] = len(reading.people)
            reading.people.append(Named(span.text, span.start, span.end))
        if sentence not in reading.people[number].sentences:
            reading.people[number].sentences.append(sentence)
        return number

    topic: int | None = None
    for sentence in _sentences(text):
        # A sentence that names no one and opens with a verb ("Seen in a grey Ford Focus")
        # goes on speaking of the person the one before it opened with.
        names_someone = any(sentence[0] <= s.start < sentence[1] for s in spans)
        if names_someone or not _OPENS_WITH_VERB.match(text, sentence[0]):
            topic = None
        for c_start, c_end in _clauses(text, sentence):
            here = [s for s in spans if c_start <= s.start and s.end <= c_end]
            people: list[tuple[_Span, int]] = []
            for span in here:
                if not people and _OPENING_AKA.match(text[c_start : span.start]):
                    continue
                if people and _AKA.match(text[people[-1][0].end : span.start]):
                    before, number = people[-1]
                    named = reading.people[number]
                    if _key(span.text) not in index:
                        named.aliases.append((span.text, span.start, span.end))
                        index[_key(span.text)] = number
                    # What follows the alias is said of the person ("..., known as Toni,
                    # controls ..."): their span runs to the alias's end (and its quote or
                    # bracket).
                    close = span.end
                    while close < len(text) and text[close] in "'\"\u2019)":
                        close += 1
                    people[-1] = (_Span(before.text, before.start, close), number)
                    continue
                people.append((span, person_at(span, sentence)))
            if topic is None and people and people[0][0].start - c_start <= 2:
                topic = people[0][1]
            _roles(text, reading, people, (c_start, c_end), sentence[0], topic)
            _businesses(text, reading, people, (c_start, c_end), sentence, found)
            for item in identifiers:
                if c_start <= item.start and item.end <= c_end:
                    made = _attribute(text, item, people, (c_start, c_end), topic)
                    kept = None if made else _kept(text, item, people, c_start)
                    if kept is not None:
                        reading.attributions.append(
                            Attribution(None, item, "lives_at", sentence, kept)
                        )
                    elif made is not None:
                        number, cue = made
                        if topic is not None and number == topic:
                            reading.people[number].sentences.append(sentence)
                        reading.attributions.append(
                            Attribution(number, item, LINKS[item.kind], sentence, cue)
                        )
    for named in reading.people:
        named.sentences = sorted(set(named.sentences))
    return reading


_KEPT = re.compile(
    r"\b(kept at|held at|housed at|made to (?:live|stay) at|forced to (?:live|stay) at)\s*$",
    re.I,
)
"""A place said of the person the record is about, whom the text does not name: a referral's
"kept at 10 Ironcroft Ln" (the exploiter the sentence opened with was not kept there)."""


def _kept(text: str, item: Extraction, people: list[tuple[_Span, int]], start: int) -> str | None:
    """The cue ("kept at") when the clause says the person the record is about was kept at
    the place `item`, with no one named between the cue and the place and no negation."""
    kept = _KEPT.search(text[start : item.start])
    if kept is None or _NEGATION.search(text[start : item.start]):
        return None
    if any(start + kept.end() <= span.start for span, _ in people):
        return None
    return kept.group(1).lower()


_OPENS_WITH_VERB = re.compile(
    r"(?i:seen in|seen driving|drives|driving|uses|using|lives at|living at|phone|mobile|tel)\b"
)

_PHONE_CUE = re.compile(
    r"\b(?i:uses|using|phone|mobile|tel|telephone|number|line|is|on)[\s:]+"
    r"(\(?[0-9][0-9()\s\-]{8,16}[0-9])(?![0-9])"
)


def _cued_phones(text: str, found: Sequence[Extraction], hints: Hints) -> list[Extraction]:
    """Numbers written without their leading 0 or + ("uses 7700900646", "447700900646"),
    which :func:`extract` leaves alone in prose, taken when a word of use stands before them
    and the phone type reads a whole number from them."""
    phone = get_type("phone")
    out = []
    for cued in _PHONE_CUE.finditer(text):
        start, end = cued.span(1)
        if any(e.start < end and start < e.end for e in found):
            continue
        written = cued.group(1)
        if not 10 <= len(re.sub(r"[^0-9]", "", written)) <= 13:
            continue
        cleaned = phone.clean(written, hints)
        if cleaned.value is None:
            continue  # kept "raw" (a number no plan knows) as extract keeps such numbers
        out.append(Extraction("phone", written, start, end, cleaned.value, cleaned.flags))
    return out


_ADDRESS_CUE = re.compile(
    r"\b(?i:lives at|living at|resides at|residing at|stays at|staying at|home address is"
    r"|kept at|held at|housed at)\s+"
    r"((?i:flat|unit|apartment|room|[0-9])[^.;:]*?)(?=[.;:](?:\s|$)|$)"
)


def _cued_addresses(text: str, found: Sequence[Extraction], hints: Hints) -> list[Extraction]:
    """The rest of a clause after "lives at" when it opens like an address line ("FLAT 2, 20
    AMBERTHORPE DRIVE, SPALDING PE11 2BU"), where :func:`extract` found no street (it reads
    streets written in mixed case only)."""
    address = get_type("address")
    out = []
    for cued in _ADDRESS_CUE.finditer(text):
        start, end = cued.span(1)
        if any(e.kind == "place" and e.start < end and start < e.end for e in found):
            continue
        cleaned = address.clean(cued.group(1), hints)
        if cleaned.value is not None:
            out.append(Extraction("place", cued.group(1), start, end, cleaned.value, ("street",)))
    return out


_TOWN_BEFORE_POSTCODE = re.compile(r"(?:,?\s+[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)?,?\s+")
"""What may stand between a street address and its postcode: a town of one or two words."""


def _with_postcodes(text: str, found: Sequence[Extraction], hints: Hints) -> list[Extraction]:
    """`found` with each street address that a postcode follows (after its town, if any)
    carried on to that postcode: "kept at 5 Jaspercombe Drive, Spalding PE12 8BH" is one
    place, and without its postcode resolution cannot tell it from a house of the same
    number and street in another town, nor join it to the house the other records give
    with their postcode. :func:`extract` finds the street and the postcode apart (it reads
    only the towns it knows); the postcode stays found as well."""
    address = get_type("address")
    codes = {e.start: e for e in found if e.kind == "postcode" and e.value}
    out: list[Extraction] = []
    for item in found:
        if item.kind == "place" and "street" in item.flags:
            between = _TOWN_BEFORE_POSTCODE.match(text, item.end)
            code = codes.get(between.end()) if between else None
            if code is not None:
                written = text[item.start : code.end]
                cleaned = address.clean(written, hints).value
                if cleaned is not None:
                    item = Extraction("place", written, item.start, code.end, cleaned, item.flags)
        out.append(item)
    return out


def _attribute(
    text: str,
    item: Extraction,
    people: list[tuple[_Span, int]],
    clause: tuple[int, int],
    topic: int | None,
) -> tuple[int, str] | None:
    """The person ``item`` is said to be used by, and the cue; None when no one or several."""
    start = clause[0]
    after = [(s, n) for s, n in people if s.start >= item.end]
    before = [(s, n) for s, n in people if s.end <= item.start]
    if after:
        span, number = after[0]
        between = text[item.end : span.start]
        passive = _PASSIVE.match(between)
        if passive and not _NEGATION.search(between):
            return number, passive.group(1).lower()
    if before:
        span, number = before[-1]
        lead = text[start : span.start]
        tail = text[span.end : item.start]
        if _FOR.search(lead) and _FOR_TAIL.match(tail):
            return number, "number for"
        if _DATIVE.search(lead) and _DATIVE_TAIL.match(tail) and not _NEGATION.search(lead):
            return number, "given"
    received = _RECEIVED.search(text[start : item.start])
    subjects = {n for _, n in before}
    if received is not None:
        giver_first = before and before[-1][0].start > start + received.start()
        if giver_first or len(subjects) != 1:
            return None
        if _NEGATION.search(text[start : item.start]):
            return None
        return before[-1][1], "given"
    for pattern, cue, kinds in _ACTIVE:
        if item.kind not in kinds:
            continue
        verb = pattern.search(text[start : item.start])
        if verb is None:
            continue
        at = start + verb.start()
        subject = [(s, n) for s, n in before if s.end <= at]
        if any(s.start >= at for s, _ in before):
            return None  # someone named between the verb and the value: not clear whose
        if not subject:
            if topic is not None and not people and not text[start:at].strip(" ,"):
                return topic, cue
            return None
        span, number = subject[-1]
        if len({n for _, n in subject}) != 1 and not _WHO.match(text[span.end : at]):
            return None  # "Koci and Hoxha use ...": either, or both
        if _NEGATION.search(text[span.end : item.start]):
            return None
        return number, cue
    return None


_ORG_WORD = rf"(?:[{_UPPER}0-9][\w'\u2019\-]*|&|\([{_UPPER}][\w ]*\))"
_RUNS_AT = re.compile(
    rf"^{_SKIP},?\s+(?:who\s+)?(controls|runs|manages|is in charge of|supplies workers)\b"
    r"[^.;]*?\bat\s+"
    rf"([{_UPPER}][\w'\u2019\-]*(?: {_ORG_WORD}){{0,6}})(?=\s+and\b|\s*[.,;:]|\s*$)"
)
"""A person who "controls"/"runs" something "at" a capitalised name: the business (a name
opening with a digit is an address, and an address :func:`extract` found is not taken)."""


def _businesses(
    text: str,
    reading: Reading,
    people: list[tuple[_Span, int]],
    clause: tuple[int, int],
    sentence: tuple[int, int],
    found: Sequence[Extraction],
) -> None:
    """The businesses a clause says the person it names runs something at."""
    end = clause[1]
    for position, (span, number) in enumerate(people):
        following = people[position + 1][0].start if position + 1 < len(people) else end
        after = text[span.end : following]
        runs = _RUNS_AT.match(after)
        if runs is None or _NEGATION.search(after[: runs.start(2)]):
            continue
        start = span.end + runs.start(2)
        stop = span.end + runs.end(2)
        if any(e.kind in ("place", "name") and e.start < stop and start < e.end for e in found):
            continue
        cue = runs.group(1).lower()
        reading.businesses.append(
            Business(runs.group(2), start, stop, number, sentence, f"{cue} ... at")
        )


def _roles(
    text: str,
    reading: Reading,
    people: list[tuple[_Span, int]],
    clause: tuple[int, int],
    opening: int,
    topic: int | None,
) -> None:
    """The functions and person-to-person links a clause gives the people it names (what
    comes before a name is read from the sentence's ``opening``)."""
    start, end = clause

    def give(number: int, function: str) -> None:
        named = reading.people[number]
        if function in FUNCTIONS and function not in named.functions:
            named.functions = (*named.functions, function)

    for position, (span, number) in enumerate(people):
        following = people[position + 1][0].start if position + 1 < len(people) else end
        after = text[span.end : following]
        before = text[start : span.start]
        if _NEGATION.search(after[:40]):
            continue
        for pattern, function in _ROLE_AFTER:
            if pattern.match(after):
                give(number, function)
        for pattern, function in _ROLE_BEFORE:
            if pattern.search(text[opening : span.start]):
                give(number, function)
        first = people[0][1] if position > 0 else topic
        if first is None or first == number:
            continue
        if _WORKS_WITH.search(before):
            bracket = _FUNCTION_IN_BRACKETS.match(after)
            if bracket is not None:
                give(number, "_".join(bracket.group(1).lower().split()))
            reading.relations.append(Relation(first, "associate", number, clause, "works with"))
        elif _RECRUITED_BY.search(before):
            reading.relations.append(
                Relation(first, "recruited_by", number, clause, "recruited by")
            )
