"""Sentences about what networks (and innocent people) do, for narratives in any agency's words.

Each function adds names, addresses, phones and vehicles through a :class:`Text`, so every
entity named in free text is recorded in ``truth/text_mentions.csv``, and what a sentence says a
person uses or is (their phone, the vehicle they drive, their role) in ``truth/text_links.csv``.
"""

from __future__ import annotations

from threadline.scenario.countries import COUNTRIES
from threadline.scenario.names import Style
from threadline.scenario.world import Business, Network, Person
from threadline.scenario.writers.base import Text

TEXT_STYLE = Style(
    keep_diacritics=0.4,
    typo=0.04,
    respell=0.15,
    nickname=0.2,
    drop_middle=0.4,
    western_order=0.5,
    given_only=0.15,
)

WORK = {
    "car_wash": "washing cars",
    "nail_bar": "working in the nail bar",
    "labour_provider": "working on farms and in factories",
    "construction": "labouring on building sites",
    "brothel": "selling sex",
    "cannabis_farm": "tending cannabis plants",
    "county_lines": "carrying drugs",
    "domestic_servitude": "cooking, cleaning and looking after the children",
}

CONTROL = {
    "car_wash": "runs the men washing cars",
    "nail_bar": "runs the girls working in the nail bar",
    "labour_provider": "supplies workers to farms and factories",
    "construction": "runs a gang of labourers on building sites",
    "brothel": "controls the women selling sex",
    "cannabis_farm": "runs the cannabis grow",
    "county_lines": "runs the drug line",
    "domestic_servitude": "keeps a woman in the house to cook, clean and look after the children",
}

NOUNS = {
    "brothel": "women",
    "cannabis_farm": "young men there",
    "county_lines": "young people involved",
    "domestic_servitude": "family and the woman",
}

SIGNS = {
    "car_wash": (
        "the workers wear no gloves or boots even in winter",
        "the workers seem to live at the site and there is a mattress in the cabin",
        "the same men are there from 7am until after 9pm seven days a week",
        "the workers are paid about £30 a day in cash",
        "the workers look thin and tired and do not speak English",
    ),
    "nail_bar": (
        "the girls working there look very young and never leave the shop alone",
        "the staff are not allowed to speak to customers",
        "the staff appear to sleep upstairs above the shop",
        "the staff are collected and dropped off together every day",
    ),
    "labour_provider": (
        "a minibus collects the workers at 4:30am and brings them back after dark",
        "workers say they owe money for transport and rent which is taken from their wages",
        "up to twelve people live in one house with mattresses on the floor",
        "workers' bank cards are kept by the boss",
        "workers were told what to say when they opened bank accounts",
    ),
    "construction": (
        "the men are homeless or have drink problems and are picked up from town",
        "the men sleep in a caravan with no heating",
        "the men are paid £20 a day or nothing at all",
        "one of the men has injuries and was not allowed to see a doctor",
    ),
    "brothel": (
        "men come and go at all hours and stay for about half an hour",
        "the women are moved between flats every few weeks",
        "the curtains are always closed and there is a new lock on the door",
        "the women never go out on their own and a man brings them food",
        "adverts for the flat appear on adult sites with different names",
    ),
    "cannabis_farm": (
        "the windows are blacked out and there is a strong smell of cannabis",
        "the electricity meter has been bypassed",
        "a young Asian male is seen at the window but never leaves",
        "a van visits late at night and bags are carried in",
    ),
    "county_lines": (
        "young people who are not local are staying at the flat",
        "there is heavy foot traffic to the flat day and night",
        "the tenant is vulnerable and has lost control of the flat",
        "children are travelling by train and taxi between the two towns",
    ),
    "domestic_servitude": (
        "the woman is never seen outside except to take the children to school",
        "she sleeps in the kitchen and works all day",
        "she has no phone and her passport is kept by the family",
        "she looks frightened and is not allowed to speak to anyone",
    ),
}


def demonym(person: Person) -> str:
    """``Albanian``, ``Vietnamese``..."""
    country = COUNTRIES.get(person.nationality)
    return country.demonym if country else person.nationality


def controller_sentence(t: Text, net: Network, with_phone: bool = True) -> str:
    """``ARBEN Hoxha (also known as 'Beni') controls ... and uses 07700 900123.``"""
    bosses = net.role("controller") or net.offenders
    boss = t.rng.choice(bosses)
    who = t.person(boss, TEXT_STYLE, alias=0.4)
    if boss.aliases and not who.startswith("'") and t.rng.random() < 0.5:
        who = f"{who} (also known as {t.ref(boss, t.rng.choice(boss.aliases))})"
    t.attribute("role", "controller", boss)
    text = f"{who} {CONTROL[net.kind]}"
    if net.businesses and t.rng.random() < 0.7:
        biz = t.rng.choice(net.businesses)
        text += f" at {business(t, biz)}"
    numbers = [number for number, holder in net.phones if holder is boss]
    if with_phone and numbers:
        text += f" and uses {t.attribute('phone', t.phone(t.rng.choice(numbers)), boss)}"
    return text + "."


def business(t: Text, biz: Business) -> str:
    """A business named in free text, sometimes without its ``Ltd``."""
    name = biz.name.removesuffix(" Ltd") if t.rng.random() < 0.5 else biz.name
    return t.ref(biz, name)


def place_sentence(t: Text, net: Network) -> str:
    """Where victims live or work."""
    places = net.premises
    if not places:
        return ""
    place = t.rng.choice(places)
    if place.kind == "residential":
        return f"People are living at {t.place(place)} and {t.rng.choice(SIGNS[net.kind])}."
    return f"At {t.place(place)} {t.rng.choice(SIGNS[net.kind])}."


def transport_sentence(t: Text, net: Network) -> str:
    """Who drives whom in what."""
    if not net.vehicles:
        return ""
    vehicle = t.rng.choice(net.vehicles)
    hour = t.rng.choice(
        ("at 4:30am", "at 5am", "at 6am", "at 11pm", "after midnight", "at about 2am")
    )
    if vehicle.keeper is not None and t.rng.random() < 0.6:
        who = t.person(vehicle.keeper, TEXT_STYLE)
        t.attribute("role", "driver", vehicle.keeper)
        driven = t.attribute("vehicle", t.vehicle(vehicle), vehicle.keeper)
        return f"{who} drives {driven} and is seen picking people up {hour}."
    return f"{t.finish('A')}{t.vehicle(vehicle)[1:]} is seen at the address {hour}."


def victims_sentence(t: Text, net: Network) -> str:
    """Who the victims seem to be, naming one now and then."""
    victims = net.role("victim")
    if not victims:
        return ""
    nationalities = sorted({demonym(v) for v in victims})
    text = f"The {NOUNS.get(net.kind, 'workers')} appear to be {' and '.join(nationalities)}"
    if any(v.age() < 18 for v in victims):
        text += " and some look under 18"
    if t.rng.random() < 0.5:
        victim = t.rng.choice(victims)
        text += f"; one of them is called {t.person(victim, TEXT_STYLE, 0.5)}"
        t.attribute("role", "victim", victim)
    return text + "."


def money_sentence(t: Text, net: Network) -> str:
    """Where the money goes."""
    handlers = net.role("money_handler")
    if handlers and t.rng.random() < 0.7:
        handler = t.rng.choice(handlers)
        who = t.person(handler, TEXT_STYLE)
        t.attribute("role", "money_handler", handler)
        return f"Wages are paid into an account belonging to {who}."
    if net.accounts and t.rng.random() < 0.5:
        code = net.accounts[0].sort_code
        dashed = f"{code[:2]}-{code[2:4]}-{code[4:]}"
        return f"Several workers' wages go into one account, sort code {dashed}."
    return ""


def phones_sentence(t: Text, net: Network) -> str:
    """Numbers the network uses (county lines deal lines, brothel work phones)."""
    if not net.phones:
        return ""
    number, holder = t.rng.choice(net.phones)
    if net.kind == "county_lines":
        who = t.person(holder, TEXT_STYLE, alias=0.6)
        line = t.attribute("phone", t.phone(number), holder)
        return f"The deal line is {line}, believed held by {who}."
    if net.kind == "brothel":
        return f"Bookings are taken on {t.phone(number)}."
    who = t.person(holder, TEXT_STYLE, alias=0.5)
    return f"Contact number for {who} is {t.attribute('phone', t.phone(number), holder)}."


def network_story(t: Text, net: Network, sentences: int) -> str:
    """A few sentences about ``net`` in random order of relevance."""
    parts = [controller_sentence(t, net)]
    extras = [place_sentence, transport_sentence, victims_sentence, money_sentence, phones_sentence]
    t.rng.shuffle(extras)
    for make in extras:
        if len(parts) >= sentences:
            break
        sentence = make(t, net)
        if sentence:
            parts.append(sentence)
    return " ".join(parts)
