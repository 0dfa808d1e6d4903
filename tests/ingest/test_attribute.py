"""Attribution from free text: who a sentence says uses a phone, vehicle, account or address,
and what it says they are; on small texts an analyst can check by eye."""

from __future__ import annotations

import pytest

from threadline.ingest.attribute import read_text

# text, [(person, link, value)] the text attributes, as reviewed by an analyst
LINK_CASES = [
    # the subject of a verb of use
    ("Driton Koci runs the car wash and uses +44 7700 900884.",
     [("Driton Koci", "phone", "+447700900884")]),
    ("Driton Koci runs the car wash and uses 7700900884.",
     [("Driton Koci", "phone", "+447700900884")]),
    ("Klodian Basha drives a red Ford Focus UC16 OJV and is seen picking people up at 5am.",
     [("Klodian Basha", "uses_vehicle", "UC16OJV")]),
    ("Ardit Hoxha holds account 12345678.", [("Ardit Hoxha", "holds_account", "12345678")]),
    ("Mohd Khan linked to thefts around Lincoln; lives at 4 Yarrowdale Road, Spalding.",
     [("Mohd Khan", "lives_at", "4 Yarrowdale Road")]),
    # a number no plan knows, and an address line in capitals, after a word of use
    ("Bujar Bytyqi runs the cannabis grow and uses 7700225033.",
     [("Bujar Bytyqi", "phone", "+447700225033")]),
    ("Van Nam Nguyen linked to thefts; lives at 2/1 BRACKENGARTH CLOSE, SPALDING PE12 3WD.",
     [("Van Nam Nguyen", "lives_at", "2/1 Brackengarth Close, Spalding PE12 3WD")]),
    ("Kim lives at home with her parents.", []),
    # the value held by, or the number for, a person named after it
    ("The deal line is 07700 900123, believed held by 'Beni'.",
     [("Beni", "phone", "+447700900123")]),
    ("Contact number for Altin Tahiri is 07700 900503.",
     [("Altin Tahiri", "phone", "+447700900503")]),
    # a description whose clauses speak of the person it opens with (an NRM referral)
    ("Driton Koci, Albanian, about 35 years old; phone 07700 900884; drives a white Ford "
     "Transit AB12 CDE; kept at 12 Mill Street, Luton.",
     [("Driton Koci", "phone", "+447700900884"), ("Driton Koci", "uses_vehicle", "AB12CDE"),
      ("(the person the record is about)", "lives_at", "12 Mill Street, Luton")]),
    # a sentence that opens with a verb goes on about the last one's subject
    ("DYLAN MARSH DEALING FROM HOUSE. SEEN IN A GREY FORD FOCUS UK66 PJZ.",
     [("DYLAN MARSH", "uses_vehicle", "UK66PJZ")]),
    # a name and its nickname are one person
    ("Arben Hoxha (also known as 'Beni') controls the women and uses 07700 900123.",
     [("Arben Hoxha", "phone", "+447700900123")]),
    ("Driton Koci, known as Toni, uses +44 7700 900884.",
     [("Driton Koci", "phone", "+447700900884")]),
    # a victim given a phone by the controller is its user; the controller is not
    ("Miri Hysa was given 07700 900111 by Driton Koci.", [("Miri Hysa", "phone", "+447700900111")]),
    ("Driton Koci gave Miri Hysa a phone, 07700 900111.",
     [("Miri Hysa", "phone", "+447700900111")]),
    # a relative clause says whose it is
    ("Driton Koci met Ardit Hoxha, who uses 07700 900884.",
     [("Ardit Hoxha", "phone", "+447700900884")]),
    # ambiguous or negated: nothing is attributed
    ("Driton Koci and Ardit Hoxha use 07700 900884.", []),
    ("Driton Koci and Ardit Hoxha uses 07700 900884.", []),
    ("Driton Koci no longer uses 07700 900884.", []),
    ("Bookings are taken on 07700 900884.", []),
    ("They gave a number they had been given: 07700 900884.", []),
    ("Seen at the car wash with a man called Tran Van Hung. Phone 07700 900456.", []),
    ("People are living at 19 Orchardcroft Terrace, Spalding and work long hours.", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), LINK_CASES)
def test_links_go_to_the_person_the_sentence_names_as_user(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    reading = read_text(text)
    found = [
        (
            "(the person the record is about)"
            if a.person is None
            else reading.people[a.person].name,
            a.link,
            a.item.value,
        )
        for a in reading.attributions
    ]
    assert found == expected


def test_each_link_keeps_its_sentence_and_cue() -> None:
    text = "Bin Yuan runs the flat. The deal line is 07700 900312, believed held by Bin Yuan."
    reading = read_text(text)
    (said,) = reading.attributions
    assert text[said.sentence[0] : said.sentence[1]] == (
        "The deal line is 07700 900312, believed held by Bin Yuan."
    )
    assert said.cue == "held by"
    assert reading.people[said.person].sentences == [(0, 23), said.sentence]


# text, {person: functions}
ROLE_CASES = [
    ("Driton Koci runs the men washing cars.", {"Driton Koci": ("controller",)}),
    ("Bin Yuan controls the women selling sex.", {"Bin Yuan": ("controller",)}),
    ("Ciprian Dragomir drives a green Vauxhall Vivaro UO10 TBB.",
     {"Ciprian Dragomir": ("driver",)}),
    ("Donika Lleshi collects the wages every Friday.", {"Donika Lleshi": ("money_handler",)}),
    ("Wages are paid into an account belonging to Donika Lleshi.",
     {"Donika Lleshi": ("money_handler",)}),
    ("Marian recruited the workers in Romania.", {"Marian": ("recruiter",)}),
    ("Miri Hysa was recruited by Driton Koci in Tirana.",
     {"Miri Hysa": (), "Driton Koci": ("recruiter",)}),
    ("The women appear to be Chinese; one of them is called Mai Ly.", {"Mai Ly": ("victim",)}),
    # staff of an honest business are not victims for being named
    ("The staff come and go freely. One of them is called Ella King.", {"Ella King": ()}),
    ("Driton Koci uses 07700 900884 but does not control the workers.", {"Driton Koci": ()}),
    ("Alin Sandu, Romanian, about 40 years old; works with Marian Dumitru (recruiter).",
     {"Alin Sandu": (), "Marian Dumitru": ("recruiter",)}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ROLE_CASES)
def test_roles_are_read_from_the_words_of_the_sentence(
    text: str, expected: dict[str, tuple[str, ...]]
) -> None:
    reading = read_text(text)
    assert {p.name: p.functions for p in reading.people} == expected


@pytest.mark.parametrize(
    "text",
    [
        "Driton Koci, known as Toni, controls the workers.",
        "Driton Koci (known as 'Toni') controls the workers.",
    ],
)
def test_a_name_and_the_alias_after_it_are_one_person_with_what_follows(text: str) -> None:
    (named,) = read_text(text).people
    assert (named.name, [a[0] for a in named.aliases], named.functions) == (
        "Driton Koci",
        ["Toni"],
        ("controller",),
    )


def test_a_function_gives_the_data_subject_role() -> None:
    reading = read_text(
        "Driton Koci runs the car wash. The workers are Albanian; one of them is called Miri "
        "Hysa. Ardit Hoxha was seen there."
    )
    assert [(p.name, p.role) for p in reading.people] == [
        ("Driton Koci", "suspect"),
        ("Miri Hysa", "victim"),
        ("Ardit Hoxha", "unknown"),
    ]


def test_people_a_sentence_joins_are_linked() -> None:
    reading = read_text(
        "Alin Sandu, Romanian, about 40 years old; works with Marian Dumitru (recruiter). "
        "Ionel Florea was recruited by Alin Sandu."
    )
    names = [p.name for p in reading.people]
    relations = [(names[r.source], r.kind, names[r.target]) for r in reading.relations]
    assert relations == [
        ("Alin Sandu", "associate", "Marian Dumitru"),
        ("Ionel Florea", "recruited_by", "Alin Sandu"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ifeanyi Oyewole controls the women selling sex at Jade Therapy Rooms and uses "
         "+447700538551.", [("Jade Therapy Rooms", "Ifeanyi Oyewole")]),
        ("Andrei Neagu controls the women selling sex at Ace Spa & Massage Ltd.",
         [("Ace Spa & Massage Ltd", "Andrei Neagu")]),
        ("Ion Pop supplies workers to farms and factories at Ziga & Sons (Growers) Ltd.",
         [("Ziga & Sons (Growers) Ltd", "Ion Pop")]),
        # An address after "at" is a place, not a business; no cue of running, no business.
        ("Koci runs the men washing cars at 12 Mill Street, Luton.", []),
        ("Koci was seen at Prime Hand Car Wash.", []),
        ("Koci no longer runs the car wash at Prime Hand Car Wash.", []),
    ],
)  # fmt: skip
def test_a_business_someone_runs_something_at_is_named(
    text: str, expected: list[tuple[str, str]]
) -> None:
    reading = read_text(text)
    found = [(b.name, reading.people[b.person].name) for b in reading.businesses]
    assert found == expected


def test_a_named_business_becomes_an_organisation_linked_to_who_runs_it() -> None:
    from threadline.ingest.convert import attributed
    from threadline.ingest.extract import extract
    from threadline.model.links import link_types
    from threadline.values import DEFAULT_HINTS

    text = (
        "Ifeanyi Oyewole controls the women selling sex at Jade Therapy Rooms. "
        "Ifeanyi Oyewole runs the flat at Jade Therapy Rooms."
    )
    made = attributed("x:text:n", "n", text, extract(text), DEFAULT_HINTS, link_types())
    assert [(m.id, m.schema, m.caption) for m in made] == [
        ("x:text:n:person0", "Person", "Ifeanyi Oyewole"),
        ("x:text:n:organisation0", "Organization", "Jade Therapy Rooms"),
        ("x:text:n:person0-runs-organisation0", "UnknownLink",
         "Ifeanyi Oyewole runs Jade Therapy Rooms"),
    ]  # fmt: skip
    link = {s.prop: s.value for s in made[2].statements}
    assert link["subject"] == "x:text:n:person0" and link["object"] == "x:text:n:organisation0"
    assert all('"attributed"' in s.flags for s in made[1].statements)


@pytest.mark.parametrize(
    "text",
    [
        "Arben Hoxha, Albanian, about 35 years old; kept at 10 Ironcroft Lane, Halifax HX1 2AB.",
        "Arben Hoxha, Albanian, about 35; phone 07700 900123; held at FLAT 2, 20 MILL STREET.",
    ],
)
def test_where_a_referral_says_its_person_was_kept_is_linked_to_them(text: str) -> None:
    """A referral's description is of the exploiters, but "kept at ADDRESS" is where the
    referred person was kept: linked to the mention the mapping names (``text_about``), with
    the sentence as evidence; without one it stays on the Note."""
    from threadline.ingest.convert import MentionDraft, attributed
    from threadline.ingest.extract import extract
    from threadline.model.links import link_types
    from threadline.values import DEFAULT_HINTS

    pv = MentionDraft("x:pv", "Person", "pv", "victim", [], caption="Lan Nguyen")
    made = attributed("x:text:n", "n", text, extract(text), DEFAULT_HINTS, link_types(), about=pv)
    (link,) = [m for m in made if m.schema == "UnknownLink"]
    ends = {s.prop: s.value for s in link.statements}
    assert ends["subject"] == "x:pv", "the referred person, not Arben Hoxha"
    assert ends["role"] == "lives at" and link.caption.startswith("Lan Nguyen lives at")
    (place,) = [m for m in made if m.schema == "Address"]
    assert ends["object"] == place.id
    alone = attributed("x:text:n", "n", text, extract(text), DEFAULT_HINTS, link_types())
    assert not [m for m in alone if m.schema in ("UnknownLink", "Address")]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Driton Koci, Albanian; kept at 5 Jaspercombe Drive, Spalding PE12 8BH.",
         "5 Jaspercombe Drive, Spalding PE12 8BH"),
        ("Driton Koci, Albanian; kept at 5 Jaspercombe Dr PE12 8BH.", "5 Jaspercombe Dr PE12 8BH"),
        ("Driton Koci, Albanian; kept at Flat 1, 6 Quarryholme Avenue, Spalding PE12 8WQ.",
         "Flat 1, 6 Quarryholme Avenue, Spalding PE12 8WQ"),
        ("Driton Koci, Albanian; kept at 12 Mill Street, Luton.", "12 Mill Street, Luton"),
        ("Driton Koci lives at 12 Mill Street, near the Ship Inn LU1 2AB.", "12 Mill Street"),
    ],
)  # fmt: skip
def test_a_place_keeps_the_postcode_written_after_it(text: str, place: str) -> None:
    """Without its postcode, "5 Jaspercombe Drive" is in no town: resolution cannot join it
    to the house the other records give with theirs."""
    assert [a.item.text for a in read_text(text).attributions] == [place]
