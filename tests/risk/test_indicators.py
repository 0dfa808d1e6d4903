"""Each indicator, from case tables an analyst can read and review.

A case is a story: who and what the records hold (built with the one-line factory), which
entities the indicator should flag (with the least score expected) and which it must not,
and words its reason must contain. Grades are as analysts write them: ``1A``, ``2D``...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from threadline.graph import build_graph
from threadline.read.text import text_places, text_search
from threadline.risk import Context, load_weights, registered_indicators
from threadline.risk.plugins import evaluate

Case = Any
AS_OF = date(2026, 10, 31)


@dataclass(frozen=True)
class IndicatorCase:
    """One story for one indicator."""

    indicator: str
    story: str
    build: Callable[[Case], dict[str, str]]
    flags: dict[str, float] = field(default_factory=dict)
    """Entity (by the name `build` gives it) -> least score expected."""
    spares: tuple[str, ...] = ()
    """Entities that must not be flagged."""
    says: tuple[str, ...] = ()
    """Words the reason of the first flag must contain."""


# -- builders: one function per story ----------------------------------------------------


def adults_at_one_house(count: int, grade: str = "1B", born: str = "1990-05-01") -> Any:
    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "4 Mill Street", agency="council")}
        for n in range(count):
            person = case.e("Person", f"Occupant {n} Surname{n}", agency="council", birthDate=born)
            case.link(person, "lives_at", ids["house"], agency="council", grade=grade)
        return ids

    return build


def one_family_of_six(case: Case) -> dict[str, str]:
    ids = {"house": case.e("Address", "4 Mill Street")}
    members = [
        case.e("Person", f"Member {n} Kowalski{n}", birthDate="1980-01-01") for n in range(6)
    ]
    for person in members:
        case.link(person, "lives_at", ids["house"])
    for other in members[1:]:
        case.link(members[0], "family", other)
    return ids


def three_adults_three_children(case: Case) -> dict[str, str]:
    ids = {"house": case.e("Address", "4 Mill Street")}
    for n in range(6):
        born = "1985-01-01" if n < 3 else "2015-01-01"
        case.link(
            case.e("Person", f"Resident {n} Name{n}", birthDate=born), "lives_at", ids["house"]
        )
    return ids


def referral(case: Case, about: bool = True) -> int:
    """An NRM referral (a record about exploitation), or else an NHS safeguarding referral
    about self-neglect (every patient is recorded as a potential victim)."""
    if about:
        return int(case.record("nrm", "1B", source="nrm_referrals"))
    return int(case.record("nhs", "1B", source="nhs_safeguarding", text="Self-neglect"))


def victims_with_suspect(via: str, surname: str = "", count: int = 3, about: bool = True) -> Any:
    def build(case: Case) -> dict[str, str]:
        phone = "+447700900123"
        ids = {"house": case.e("Address", "4 Mill Street")}
        ids["boss"] = case.e("Person", "Hung TRAN", role="suspect", phone=phone)
        for n in range(count):
            name = f"Victim{n} {surname or f'Family{n}'}"
            victim = case.e("Person", name, role="potential_victim", record=referral(case, about),
                            **({"phone": phone} if via == "phone" else {}))  # fmt: skip
            if via == "address":
                case.link(victim, "lives_at", ids["house"])
        if via == "address":
            case.link(ids["boss"], "lives_at", ids["house"])
        return ids

    return build


def victims_at(
    count: int, about: bool = True, via: str = "lives_at", family: bool = False, paid_by: str = ""
) -> Callable[[Case], dict[str, str]]:
    """`count` referred people live (or were found, `via`) at one address; with `paid_by`,
    each is paid by a business's payroll: one located elsewhere (``"agency"``) or at the
    address (``"here"``)."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "4 Mill Street", agency="council")}
        if paid_by:
            ids["payer"] = case.e("Company", "Staff Ltd")
            where = ids["house"] if paid_by == "here" else case.e("Address", "1 High Street")
            case.link(ids["payer"], "located_at", where)
        people = []
        for n in range(count):
            person = case.e("Person", f"Resident{n} Surname{n}", role="potential_victim",
                            record=referral(case, about))  # fmt: skip
            case.link(person, via, ids["house"], agency="council", grade="1B")
            if paid_by:
                payroll = case.record("hmrc", "1A", source="payroll")
                case.link(person, "works_for", ids["payer"], records=[payroll])
                account = case.e("BankAccount", f"001122-3344556{n}")
                case.link(person, "paid_into", account, records=[payroll])
            people.append(person)
        if family:
            case.link(people[0], "family", people[1])
        return ids

    return build


def shared_phone(people: int = 0, adverts: int = 0) -> Any:
    def build(case: Case) -> dict[str, str]:
        phone = "+447700900555"
        ids = {f"p{n}": case.e("Person", f"Worker {n}", phone=phone) for n in range(people)}
        for n in range(adverts):
            record = case.record("adverts", "2D", source="osint_adverts")
            ids[f"w{n}"] = case.e("Person", f"Advertised {n}", record=record, phone=phone,
                                  role="potential_victim")  # fmt: skip
        return ids

    return build


def wages_into_one_account(payees: int) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {
            "account": case.e("BankAccount", "Account", accountNumber="200000-12345678"),
            "holder": case.e("Person", "Money HANDLER"),
            "firm": case.e("Company", "Shine Car Wash Ltd"),
        }
        case.link(ids["holder"], "holds_account", ids["account"], agency="hmrc")
        ids["farm"] = case.e("Company", "Manor Farm Ltd")
        for n in range(payees):
            worker = case.e("Person", f"Worker {n}", agency="hmrc")
            payroll = case.record("hmrc", "1A", source="hmrc_payroll")
            case.link(worker, "paid_into", ids["account"], records=[payroll])
            case.link(worker, "works_for", ids["firm"], records=[payroll])
            # found at the farm the firm supplies: the farm is not who pays them
            case.link(worker, "works_for", ids["farm"], agency="ie")
        return ids

    return build


def van_trips(hours: tuple[int, ...], places: int = 2) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"van": case.e("Vehicle", "Transit van", registrationNumber="AB12CDE")}
        cameras = [case.e("Address", f"Camera {n}", agency="anpr") for n in range(places)]
        for n, hour in enumerate(hours):
            read = case.record("anpr", "1A")
            case.link(ids["van"], "seen_at", cameras[n % places], records=[read],
                      start=f"2026-06-{10 + n:02d}T{hour:02d}:15:00")  # fmt: skip
        ids["driver"] = case.e("Person", "Van DRIVER", role="suspect")
        case.link(ids["driver"], "uses_vehicle", ids["van"])
        report = case.record("police", "1B")
        case.mention(ids["van"], report)
        ids["worker"] = case.e("Person", "Collected WORKER", role="potential_victim", record=report)
        return ids

    return build


def business_with(
    nrm: int = 0, housed: int = 0, sector: str = "Car wash site permit", name: str = "Shine Ltd"
) -> Any:
    def build(case: Case) -> dict[str, str]:
        ids = {"firm": case.e("Company", name, sector=sector)}
        ids["house"] = case.e("Address", "9 Field Lane")
        for n in range(max(nrm, housed, 2)):
            worker = case.e("Person", f"Worker {n}", agency="hmrc")
            case.link(worker, "works_for", ids["firm"], agency="hmrc")
            if n < nrm:
                referral = case.record("nrm", "1B", source="nrm_referrals")
                case.mention(worker, referral, role="potential_victim")
            home = ids["house"] if n < housed else case.e("Address", f"{n} Other Road")
            case.link(worker, "lives_at", home, agency="council")
        return ids

    return build


def supplied_worker(case: Case) -> dict[str, str]:
    """A worker referred to the NRM, found working at a farm (an enforcement visit) and paid by
    a labour provider (a payroll return naming it and the account the wages go into)."""
    ids = {"farm": case.e("Company", "Fen Growers Ltd"), "agency": case.e("Company", "Staff Ltd")}
    referral = case.record("nrm", "1B", source="nrm_referrals")
    worker = case.e("Person", "Ion POPA", role="potential_victim", record=referral)
    case.link(worker, "works_for", ids["farm"], agency="ie")
    payroll = case.record("hmrc", "1A", source="payroll")
    case.link(worker, "works_for", ids["agency"], records=[payroll])
    case.link(worker, "paid_into", case.e("BankAccount", "001122-33445566"), records=[payroll])
    return ids


def supplied_and_housed(case: Case) -> dict[str, str]:
    """Three workers found working at a farm (an enforcement visit), each paid by a labour
    provider's payroll, all living at one house."""
    ids = {
        "farm": case.e("Company", "Fen Growers Ltd", sector="Farm"),
        "agency": case.e("Company", "Staff Ltd"),
        "house": case.e("Address", "9 Field Lane"),
    }
    for n in range(3):
        worker = case.e("Person", f"Worker{n} POPA{n}")
        case.link(worker, "works_for", ids["farm"], agency="ie")
        payroll = case.record("hmrc", "1A", source="payroll")
        case.link(worker, "works_for", ids["agency"], records=[payroll])
        case.link(worker, "paid_into", case.e("BankAccount", f"001122-3344556{n}"),
                  records=[payroll])  # fmt: skip
        case.link(worker, "lives_at", ids["house"], agency="council")
    return ids


def person_with(**facts: Any) -> Callable[[Case], dict[str, str]]:
    def build(case: Case) -> dict[str, str]:
        ids = {"person": case.e("Person", "Arben KOLA")}
        for prop, values in facts.items():
            for value in values:
                case.mention(ids["person"], **{prop: value})
        return ids

    return build


def person_with_foreign_id(case: Case) -> dict[str, str]:
    ids = {"person": case.e("Person", "Arben KOLA", nationality="al")}
    document = case.e("Identification", "ID card", country="it", type="national_id")
    case.link(ids["person"], "holds_document", document)
    permit = case.e("Identification", "Residence permit", country="gb", type="brp")
    case.link(ids["person"], "holds_document", permit)
    return ids


def missing_child(born: str, episodes: int, county_phone: bool) -> Any:
    def build(case: Case) -> dict[str, str]:
        ids = {"child": case.e("Person", "Ryan CLARKE", role="victim", birthDate=born)}
        ids["boss"] = case.e("Person", "Michael JONES", role="suspect", phone="+447700900025")
        for n in range(episodes):
            record = case.record("police", "1A", on=date(2025, 3, 1 + n),
                                 text="Ryan reported missing from home overnight")  # fmt: skip
            case.mention(ids["child"], record)
        if county_phone:
            intel = case.record("police", "2B", text="The deal line is 07700 900025")
            case.note(intel, phoneMentioned="+447700900025")
            case.link(ids["child"], "associate", ids["boss"])
        return ids

    return build


def first_linked(case: Case) -> dict[str, str]:
    ids = {"recruiter": case.e("Person", "Ana RECRUITER"), "boss": case.e("Person", "Big BOSS")}
    for n in range(3):
        victim = case.e("Person", f"Victim {n}", role="victim")
        case.link(victim, "associate", ids["recruiter"], on=date(2024, 1, 1 + n))
        case.link(victim, "associate", ids["boss"], on=date(2025, 6, 1 + n))
    return ids


def recruited_by_links(case: Case) -> dict[str, str]:
    ids = {"agent": case.e("Person", "Job AGENT")}
    for n in range(4):
        case.link(case.e("Person", f"Victim {n}", role="victim"), "recruited_by", ids["agent"])
    return ids


def servant_in_a_home(
    born: str = "1995-05-01",
    paid: bool = False,
    kin: bool = False,
    residents: int = 0,
    seen_by: str = "",
    safeguarded: bool = False,
    brought_by: str = "",
) -> Any:
    """A woman referred to the NRM lives with a couple, one named as a suspect; or (`seen_by`
    a text) a woman only a record of that text names, with no role, such as a patient; or
    (`safeguarded`) one two NHS safeguarding records name as a potential victim. With
    `brought_by` (``husband`` or ``worker``), the record of `seen_by` also names who came
    with the patient: the husband, who brought the woman, or the woman, who brought him."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "4 Heronhurst Way")}
        ids["husband"] = case.e("Person", "Adebayo NWOSU", role="suspect")
        wife = case.e("Person", "Patience NWOSU")
        worker = "Yetunde NWOSU" if kin else "Yetunde ABUBAKAR"
        if seen_by:
            seen = case.record("nhs", "1B", source="ed_attendances", text=seen_by)
            ids["worker"] = case.e("Person", worker, record=seen, birthDate=born)
        elif safeguarded:
            first, second = (case.record("nhs", "1B", source="safeguarding") for _ in range(2))
            ids["worker"] = case.e("Person", worker, role="potential_victim", record=first,
                                   birthDate=born)  # fmt: skip
            case.mention(ids["worker"], second, role="potential_victim")
        else:
            ids["worker"] = case.e("Person", worker, role="victim", record=referral(case),
                                   birthDate=born)  # fmt: skip
        for person in (ids["husband"], wife, ids["worker"]):
            case.link(person, "lives_at", ids["house"])
        case.link(ids["husband"], "family", wife)
        if brought_by:
            patient = "worker" if brought_by == "husband" else "husband"
            case.mention(ids["husband"], seen)
            case.link(ids[patient], "accompanied_by", ids[brought_by], records=[seen])
        for n in range(residents):
            case.link(case.e("Person", f"Lodger{n} Other{n}"), "lives_at", ids["house"])
        if paid:
            case.link(ids["worker"], "works_for", case.e("Company", "Homecare Agency Ltd"))
        return ids

    return build


def kept_by_a_visitor(text: str) -> Any:
    """A woman referred to the NRM, kept at a house (her only home on record), and a police
    report logged at the house naming a woman not her family as its suspect, with `text`."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "45 Heronhurst Street")}
        worker = case.e("Person", "Hauwa ABUBAKAR", role="victim", record=referral(case))
        case.link(worker, "lives_at", ids["house"])
        report = case.record("police", "1A", text=text)
        keeper = case.e("Person", "Joy OKORO", role="suspect", record=report)
        case.link(keeper, "seen_at", ids["house"], records=[report])
        return ids

    return build


def found_on_a_visit(text: str) -> Any:
    """A couple at a house, the husband named as a suspect; an immigration visit (1A) finds a
    woman there (no home on record, no role), and its officer's notes, `text`, name the
    husband as the suspect."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "8 Pikeside Road")}
        husband = case.e("Person", "Wei TIAN", role="suspect")
        wife = case.e("Person", "Fang GAO")
        for person in (husband, wife):
            case.link(person, "lives_at", ids["house"])
        visit = case.record("ie", "1A", source="encounters", text=text)
        ids["worker"] = case.e("Person", "Dongmei LIN", record=visit)
        case.link(ids["worker"], "seen_at", ids["house"], records=[visit])
        case.mention(husband, visit, role="suspect")
        return ids

    return build


def named_in_the_report(text: str) -> Any:
    """A woman referred to the NRM lives alone on record at a house; a police report (1B) of
    the visit that found her there names, in its text only, a man as its suspect."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "7 Jasperwell Crescent")}
        worker = case.e("Person", "Samina KHAN", role="victim", record=referral(case))
        case.link(worker, "lives_at", ids["house"])
        report = case.record("police", "1B", text=text)
        case.mention(worker, report, role="victim")
        case.link(worker, "seen_at", ids["house"], records=[report])
        case.e("Person", "Yasir HUSSAIN", role="suspect", record=report)
        return ids

    return build


def brought_to_hospital(companion: str) -> Any:
    """Two women live at a house; an A&E note (1B) says one "is not allowed out of the house
    alone" and names `companion` as having come with her. No record the reader sees names a
    suspect, or gives anyone else a home there."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "13 Dunwell Street")}
        note = case.record("nhs", "1B", source="ed_attendances",
                           text="Not allowed out of the house alone.")  # fmt: skip
        ids["worker"] = case.e("Person", "Deborah OGBU", record=note)
        other = case.e("Person", "Adaeze NWOSU")
        for person in (ids["worker"], other):
            case.link(person, "lives_at", ids["house"])
        ids["companion"] = case.e("Person", companion, record=note)
        case.link(ids["worker"], "accompanied_by", ids["companion"], records=[note])
        return ids

    return build


def reported_at(
    text: str,
    grade: str = "1B",
    how: str = "seen_at",
    role: str | None = None,
    brought: bool = False,
) -> Any:
    """A report whose text speaks of signs; its location (or a resident's home) is a house,
    and the home of the person it names (when it gives a location) another address. With
    `brought`, it also names the man who came with that person, who lives at another address
    (``companion_home``)."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "1 Pikehurst Road"), "home": case.e("Address", "9 Elm")}
        record = case.record("police", grade, text=text)
        default = "victim" if how == "lives_at" else "suspect"
        named = default if role is None else role or None
        person = case.e("Person", "Dinh NGUYEN", role=named, record=record)
        case.link(person, how, ids["house"], records=[record])
        if how == "seen_at":
            case.link(person, "lives_at", ids["home"], records=[record])
        if brought:
            ids["companion_home"] = case.e("Address", "2 Oak")
            man = case.e("Person", "Tuan PHAM", record=record)
            case.link(person, "accompanied_by", man, records=[record])
            case.link(man, "lives_at", ids["companion_home"], records=[record])
        return ids

    return build


def reported_often(times: int) -> Any:
    """`times` reliable reports (1B) of a woman who sleeps in the kitchen of one house."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "1 Pikehurst Road")}
        for n in range(times):
            record = case.record("police", "1B", text="A woman sleeps in the kitchen")
            caller = case.e("Person", f"Caller{n} SMITH{n}", role="witness", record=record)
            case.link(caller, "seen_at", ids["house"], records=[record])
        return ids

    return build


def suspect_report(told: str = "") -> Any:
    """A report giving no location that names one person, its suspect, with his home; its
    text speaks of a brothel's signs and, with `told`, names the address where they are."""

    def build(case: Case) -> dict[str, str]:
        ids = {"home": case.e("Address", "3 Lindenwick Grove, Grimsby")}
        where = f" at {told}" if told else " to addresses at night"
        record = case.record("police", "1B", text=f"Driving women{where}, possible brothel")
        man = case.e("Person", "Neil WHITTAKER", role="suspect", record=record)
        case.link(man, "lives_at", ids["home"], records=[record])
        if told:
            case.note(record, locationMentioned=told)
        return ids

    return build


def workers_found_at_site(payer: str) -> Any:
    """Two reliable visit records at a warehouse, each finding one worker there and saying a
    minibus collects the workers at dawn; each worker's pay is on a payroll return of
    `payer`: the warehouse's own firm (``"host"``), or a labour provider trading elsewhere
    (``"provider"``)."""

    def build(case: Case) -> dict[str, str]:
        ids = {"site": case.e("Address", "Unit 2, Kiln Trading Estate, Halifax"),
               "host": case.e("Company", "Kiln Logistics Ltd"),
               "provider": case.e("Company", "Fenland Staffing Ltd")}  # fmt: skip
        case.link(ids["host"], "located_at", ids["site"])
        case.link(ids["provider"], "located_at", case.e("Address", "1 High Street, Boston"))
        for n in range(2):
            visit = case.record("immigration", "1A", text="A minibus collects the workers at "
                                "4:30am and brings them back after dark.")  # fmt: skip
            worker = case.e("Person", f"Worker{n} LUNGU{n}", role="potential_victim",
                            record=visit)  # fmt: skip
            case.link(worker, "seen_at", ids["site"], records=[visit])
            case.link(worker, "works_for", ids["host"], records=[visit])
            payroll = case.record("hmrc", "1A", source="payroll")
            case.link(worker, "works_for", ids[payer], records=[payroll])
            case.link(worker, "paid_into", case.e("BankAccount", f"20-00-00 1234567{n}"),
                      records=[payroll])  # fmt: skip
        return ids

    return build


def child_at_family_home(housemate: str) -> Any:
    """A child named as a victim lives at home with one other person, `housemate`."""

    def build(case: Case) -> dict[str, str]:
        ids = {"home": case.e("Address", "12 Oak Road, Boston")}
        child = case.e("Person", "Ryan CLARKE", role="victim", record=referral(case, True),
                       birthDate="2011-02-02")  # fmt: skip
        case.link(child, "lives_at", ids["home"])
        case.link(case.e("Person", housemate), "lives_at", ids["home"])
        return ids

    return build


def runs_business(text: str) -> Any:
    """A police log whose narrative says a man runs something at a business (a ``runs`` link
    the log backs); the business trades from a shop."""

    def build(case: Case) -> dict[str, str]:
        ids = {"firm": case.e("Company", "Ace Spa & Massage Ltd"),
               "shop": case.e("Address", "9 Quarryholme Avenue, Spalding")}  # fmt: skip
        case.link(ids["firm"], "located_at", ids["shop"])
        record = case.record("police", "1B", text=text)
        boss = case.e("Person", "Ion FLOREA", role="suspect", record=record)
        case.link(boss, "runs", ids["firm"], records=[record])
        return ids

    return build


def child_alone_at_home(missing: int) -> Any:
    """A child named as a victim is the one person on record at their home, and reported
    missing from home in `missing` police logs."""

    def build(case: Case) -> dict[str, str]:
        ids = {"home": case.e("Address", "3 Gorsehurst Place, Halifax")}
        child = case.e("Person", "Keith WILLIAMSON", role="victim", record=referral(case, True),
                       birthDate="2011-02-02")  # fmt: skip
        case.link(child, "lives_at", ids["home"])
        for n in range(missing):
            record = case.record("police", "1A", on=date(2025, 3, 1 + n),
                                 text="Keith reported missing from home overnight")  # fmt: skip
            case.mention(child, record)
        return ids

    return build


def signs_told_at(told: str) -> Any:
    """A report giving no location, naming a child as its victim, whose text speaks of signs
    and names an address (`told`); the child lives at their home, a flat is elsewhere."""

    def build(case: Case) -> dict[str, str]:
        ids = {"flat": case.e("Address", "Flat 4, 19 Garnetley Place, Wisbech"),
               "home": case.e("Address", "12 Oak Road, Boston")}  # fmt: skip
        record = case.record("police", "1B", text=f"People are living at {told} and there is "
                             "heavy foot traffic to the flat day and night.")  # fmt: skip
        child = case.e("Person", "Ryan CLARKE", role="victim", record=record)
        case.link(child, "lives_at", ids["home"], records=[record])
        case.note(record, locationMentioned=told)
        return ids

    return build


def child_found_at(
    episodes: int, born: str = "2011-02-02", found_at_home: bool = False, about_him: bool = False
) -> Any:
    """A child reported missing `episodes` times, each time found at the same flat; with
    `about_him`, each log is about the man the child was found with, and gives his home."""

    def build(case: Case) -> dict[str, str]:
        ids = {"flat": case.e("Address", "Flat 2, 4 Heronhurst Grove")}
        ids["home"] = case.e("Address", "12 Oak Road")
        ids["child"] = case.e("Person", "Ryan CLARKE", role="victim", birthDate=born)
        ids["his_home"] = case.e("Address", "3 Lindenwick Grove")
        ids["man"] = case.e("Person", "Neil WHITTAKER", role="suspect")
        case.link(ids["child"], "lives_at", ids["flat" if found_at_home else "home"])
        for n in range(episodes):
            record = case.record("police", "1A", on=date(2025, 3, 1 + n),
                                 text="Ryan reported missing from home overnight")  # fmt: skip
            case.mention(ids["child"], record)
            case.mention(ids["flat"], record)
            if about_him:
                case.mention(ids["man"], record)
                case.mention(ids["his_home"], record)
                case.link(ids["man"], "lives_at", ids["his_home"], records=[record])
        return ids

    return build


def child_referred_at(born: str, about: bool = True) -> Any:
    """A person named as a victim works for a car wash and lives at a house."""

    def build(case: Case) -> dict[str, str]:
        ids = {"house": case.e("Address", "4 Mill Street"), "firm": case.e("Company", "Wash Ltd")}
        person = case.e("Person", "Arben KOLA", role="victim", record=referral(case, about),
                        birthDate=born)  # fmt: skip
        case.link(person, "lives_at", ids["house"])
        case.link(person, "works_for", ids["firm"])
        return ids

    return build


CASES = [
    IndicatorCase("crowded_address", "six unrelated adults on council records at one house",
                  adults_at_one_house(6), {"house": 0.55}, says=("6 unrelated adults",)),
    IndicatorCase("crowded_address", "four adults are not many", adults_at_one_house(4),
                  spares=("house",)),
    IndicatorCase("crowded_address", "six adults known only from untested hearsay (2D) count "
                  "1.4", adults_at_one_house(6, grade="2D"), spares=("house",)),
    IndicatorCase("crowded_address", "a family of six is one household", one_family_of_six,
                  spares=("house",)),
    IndicatorCase("crowded_address", "children are not adults", three_adults_three_children,
                  spares=("house",)),
    IndicatorCase("victims_share_contact", "three potential victims live with a suspect",
                  victims_with_suspect("address"), {"boss": 0.5, "house": 0.5},
                  says=("3 victims or potential victims",)),
    IndicatorCase("victims_share_contact", "three potential victims give the suspect's phone",
                  victims_with_suspect("phone"), {"boss": 0.5}, says=("phone 07700 900123",)),
    IndicatorCase("victims_share_contact", "a household's own: victims share the suspect's "
                  "family name", victims_with_suspect("address", surname="TRAN"),
                  spares=("boss", "house")),
    IndicatorCase("victims_share_contact", "two victims are not several",
                  victims_with_suspect("address", count=2), spares=("boss", "house")),
    IndicatorCase("victims_share_contact", "three potential victims only of safeguarding "
                  "referrals about self-neglect count 0.25 each", victims_with_suspect(
                      "phone", about=False), spares=("boss",)),
    IndicatorCase("victims_at_address", "two people referred to the NRM live at one house",
                  victims_at(2), {"house": 0.5},
                  says=("2 victims or potential victims live or were found here",
                        "2 named as victims in records about exploitation count in full")),
    IndicatorCase("victims_at_address", "two referred people found at a site by an "
                  "enforcement visit", victims_at(2, via="seen_at"), {"house": 0.5}),
    IndicatorCase("victims_at_address", "four referred people found working at a farm, paid by "
                  "a labour provider elsewhere, count half each", victims_at(4, via="seen_at",
                  paid_by="agency"), {"house": 0.5},
                  says=("4 found working here are paid by another business",)),
    IndicatorCase("victims_at_address", "two found working at a farm, paid by a labour "
                  "provider elsewhere: supplied, not several victims of the farm",
                  victims_at(2, via="seen_at", paid_by="agency"), spares=("house",)),
    IndicatorCase("victims_at_address", "two found at a site and paid by the business there",
                  victims_at(2, via="seen_at", paid_by="here"), {"house": 0.5}),
    IndicatorCase("victims_at_address", "two paid by an agency who live at the house",
                  victims_at(2, paid_by="agency"), {"house": 0.5}),
    IndicatorCase("victims_at_address", "one referred person is not several", victims_at(1),
                  spares=("house",)),
    IndicatorCase("victims_at_address", "four NHS patients referred about self-neglect "
                  "(0.25 each) are not victims of exploitation", victims_at(4, about=False),
                  spares=("house",)),
    IndicatorCase("victims_at_address", "a referred couple (a family link) is one household",
                  victims_at(2, family=True), spares=("house",)),
    IndicatorCase("phone_hub", "three people give one phone", shared_phone(people=3),
                  {"p0": 0.5, "p1": 0.5, "p2": 0.5}, says=("given by 3 people",)),
    IndicatorCase("phone_hub", "one phone on five adverts (2D, 0.24 each)",
                  shared_phone(adverts=5), {"w0": 0.5}, says=("carried by 5 adverts",)),
    IndicatorCase("phone_hub", "two people sharing a phone is ordinary", shared_phone(people=2),
                  spares=("p0", "p1")),
    IndicatorCase("wage_account", "four workers paid into the controller's account",
                  wages_into_one_account(4), {"account": 0.5, "holder": 0.5, "firm": 0.5},
                  spares=("farm",), says=("wages of 4 people",)),
    IndicatorCase("wage_account", "two workers sharing an account", wages_into_one_account(2),
                  spares=("account", "holder", "firm", "farm")),
    IndicatorCase("night_vehicle", "a van read at night at two cameras moves two people",
                  van_trips((2, 3, 23, 1)), {"van": 0.5, "driver": 0.5, "worker": 0.5},
                  says=("read 4 times between 22:00-06:00",)),
    IndicatorCase("night_vehicle", "the same van by day", van_trips((9, 11, 14, 16)),
                  spares=("van", "driver")),
    IndicatorCase("night_vehicle", "at night but always at one place",
                  van_trips((2, 3, 23, 1), places=1), spares=("van",)),
    IndicatorCase("business_workers", "a worker referred to the NRM", business_with(nrm=1),
                  {"firm": 0.5}, says=("referred to the NRM",)),
    IndicatorCase("business_workers", "three workers registered at one address",
                  business_with(housed=3, sector="69102 - Solicitors", name="Lex & Co LLP"),
                  {"firm": 0.5}, says=("live at 9 Field Lane",)),
    IndicatorCase("business_workers", "a hand car wash's three staff housed together are "
                  "counted once, by cash_sector_housed", business_with(housed=3),
                  spares=("firm",)),
    IndicatorCase("business_workers", "a hand car wash's referred worker still counts",
                  business_with(nrm=1, housed=3), {"firm": 0.5},
                  says=("referred to the NRM",)),
    IndicatorCase("business_workers", "a referred worker a labour provider pays counts in "
                  "full there, half at the farm they were supplied to", supplied_worker,
                  {"agency": 0.5}, spares=("farm",)),
    IndicatorCase("business_workers", "three workers a labour provider pays, housed together: "
                  "the provider houses them, not the farm they were found at",
                  supplied_and_housed, {"agency": 0.5}, spares=("farm",),
                  says=("live at 9 Field Lane",)),
    IndicatorCase("business_workers", "two workers, different homes, no referrals",
                  business_with(), spares=("firm",)),
    IndicatorCase("cash_sector_housed", "a hand car wash whose two staff live together",
                  business_with(housed=2), {"firm": 0.5, "house": 0.5}, says=("car wash",)),
    IndicatorCase("cash_sector_housed", "a farm's three workers housed together, each paid by "
                  "a labour provider: counted half for the farm, in full for their home",
                  supplied_and_housed, {"house": 0.5}, spares=("farm",)),
    IndicatorCase("cash_sector_housed", "a solicitors' office whose staff share a flat",
                  business_with(housed=2, sector="69102 - Solicitors", name="Lex & Co LLP"),
                  spares=("firm", "house")),
    IndicatorCase("multiple_identities", "two dates of birth years apart",
                  person_with(birthDate=["1990-03-04", "1986-11-20"]), {"person": 0.9},
                  says=("2 dates of birth",)),
    IndicatorCase("multiple_identities", "typing slips are one identity",
                  person_with(birthDate=["1990-03-04", "1990-04-03", "1990-03-05", "1990-01-01"]),
                  spares=("person",)),
    IndicatorCase("multiple_identities", "an Italian ID card for an Albanian national",
                  person_with_foreign_id, {"person": 0.5}, says=("AL, IT",)),
    IndicatorCase("missing_county_lines", "a child missing twice, linked to a deal line",
                  missing_child("2011-02-02", 2, True), {"child": 0.5, "boss": 0.5},
                  says=("missing as a child in 2 records",)),
    IndicatorCase("missing_county_lines", "an adult missing twice",
                  missing_child("1990-02-02", 2, True), spares=("child",)),
    IndicatorCase("missing_county_lines", "a child missing twice, no county-lines phone",
                  missing_child("2011-02-02", 2, False), spares=("child",)),
    IndicatorCase("recruiter", "the first person three victims are linked to", first_linked,
                  {"recruiter": 0.5}, spares=("boss",), says=("first person linked",)),
    IndicatorCase("recruiter", "named by four victims as who recruited them",
                  recruited_by_links, {"agent": 0.6}),
    IndicatorCase("household_worker", "one unpaid woman referred to the NRM lives with a "
                  "suspect's family", servant_in_a_home(), {"house": 0.9},
                  says=("Yetunde ABUBAKAR", "no record shows them employed or paid")),
    IndicatorCase("household_worker", "a report at the house that its suspect keeps a woman "
                  "there to cook and clean: the house is the suspect's",
                  kept_by_a_visitor("Joy keeps a woman in the house to cook, clean and look "
                                    "after the children"), {"house": 0.5},
                  says=("Joy OKORO",)),
    IndicatorCase("household_worker", "a suspect only seen at the house, in a report of "
                  "nothing of servitude: a visitor", kept_by_a_visitor("Seen arguing outside"),
                  spares=("house",)),
    IndicatorCase("household_worker", "a child servant counts more",
                  servant_in_a_home(born="2010-05-01"), {"house": 1.0},
                  says=("child victim",)),
    IndicatorCase("household_worker", "a child at home whom safeguarding records name as a "
                  "potential victim (a parent's different family name is no sign)",
                  servant_in_a_home(born="2012-05-01", safeguarded=True), spares=("house",)),
    IndicatorCase("household_worker", "a nanny on an agency's payroll", servant_in_a_home(
                  paid=True), spares=("house",)),
    IndicatorCase("household_worker", "a daughter of the family", servant_in_a_home(kin=True),
                  spares=("house",)),
    IndicatorCase("household_worker", "a crowded house is not a family home",
                  servant_in_a_home(residents=5), spares=("house",)),
    IndicatorCase("household_worker", "a patient with no role who sleeps in the kitchen",
                  servant_in_a_home(seen_by="Does all the housework; sleeps in the kitchen."),
                  {"house": 0.9}, says=("Yetunde ABUBAKAR, whom records describe with the "
                                        "signs of servitude, lives here",)),
    IndicatorCase("household_worker", "a patient with no role who is not allowed out alone, "
                  "brought to A&E by the suspect she lives with: the note is about her",
                  servant_in_a_home(seen_by="Not allowed out of the house alone.",
                                    brought_by="husband"),
                  {"house": 0.9}, says=("Yetunde ABUBAKAR",)),
    IndicatorCase("household_worker", "the same note about the suspect, whom she brought: "
                  "the note is about him, not her", servant_in_a_home(
                      seen_by="Not allowed out of the house alone.", brought_by="worker"),
                  spares=("house",)),
    IndicatorCase("household_worker", "a woman a visit finds at the house, whose notes say "
                  "the suspect living there keeps her to cook and clean: kept there, though no "
                  "record gives her a home", found_on_a_visit("Wei Tian keeps a woman in the "
                  "house to cook, clean and look after the children"), {"house": 0.9},
                  says=("Dongmei LIN, whom records describe with the signs of servitude, was "
                        "found here",)),
    IndicatorCase("household_worker", "a woman a visit finds at the house, nothing of "
                  "servitude in its notes: a visitor", found_on_a_visit("Seen arguing outside"),
                  spares=("house",)),
    IndicatorCase("household_worker", "a woman not allowed out alone, brought to A&E by a man "
                  "not her family whom no record calls a suspect or places at the house",
                  brought_to_hospital("Gbenga CHUKWU"), {"house": 0.9},
                  says=("with Gbenga CHUKWU (who came with them on records of the signs",)),
    IndicatorCase("household_worker", "the same woman brought by her brother",
                  brought_to_hospital("Samuel OGBU"), spares=("house",)),
    IndicatorCase("household_worker", "a report of the visit that found a referred woman at "
                  "her home names its suspect only in its text: he keeps her there",
                  named_in_the_report("Yasir Hussain keeps a woman in the house to cook, clean "
                                      "and look after the children"), {"house": 0.9},
                  says=("with Yasir HUSSAIN (named as suspects",)),
    IndicatorCase("household_worker", "the same report, nothing of servitude in it",
                  named_in_the_report("Yasir Hussain was seen arguing outside"),
                  spares=("house",)),
    IndicatorCase("household_worker", "a patient with no role and nothing of servitude",
                  servant_in_a_home(seen_by="Back pain."), spares=("house",)),
    IndicatorCase("premises_signs", "a reliable report of a grow at a house",
                  reported_at("Windows blacked out and a strong smell of cannabis"),
                  {"house": 0.5}, spares=("home",), says=("signs of criminal exploitation",)),
    IndicatorCase("premises_signs", "men coming and going at all hours where a victim lives",
                  reported_at("Men come and go at all hours", how="lives_at"), {"house": 0.5},
                  says=("signs of sexual exploitation",)),
    IndicatorCase("premises_signs", "one untested hearsay report (2D) needs corroborating",
                  reported_at("The electricity meter has been bypassed", grade="2D"),
                  spares=("house", "home")),
    IndicatorCase("premises_signs", "two reliable reports count in full (a single one 0.77)",
                  reported_often(2), {"house": 1.0}, says=("2 records report",)),
    IndicatorCase("premises_signs", "a report without signs", reported_at("A noisy party"),
                  spares=("house",)),
    IndicatorCase("premises_signs", "a report on a missing child gives where the signs are: "
                  "not the child's home", reported_at("Heavy foot traffic to the flat",
                  role="victim"), {"house": 0.5}, spares=("home",)),
    IndicatorCase("premises_signs", "a report giving no location whose text names the flat: "
                  "about the flat, not the victim's home",
                  signs_told_at("Flat 4, 19 Garnetley Pl, Wisbech PE13 2XY"), {"flat": 0.5},
                  spares=("home",)),
    IndicatorCase("premises_signs", "a report whose text names an address no record holds: "
                  "not about the victim's home", signs_told_at("3 Mill Street, Luton"),
                  spares=("home", "flat")),
    IndicatorCase("premises_signs", "the home of the one person a record names, a patient",
                  reported_at("Sleeps in the kitchen", how="lives_at", role=""),
                  {"house": 0.5}, says=("signs of domestic servitude",)),
    IndicatorCase("premises_signs", "the home of the one person a record names, its witness: "
                  "they tell what they saw elsewhere", reported_at("Possible brothel, men come "
                  "and go at all hours", how="lives_at", role="witness"), spares=("house",)),
    IndicatorCase("premises_signs", "the home of the one person a record names, its suspect: "
                  "the report is about what he does, not where", suspect_report(),
                  spares=("home",)),
    IndicatorCase("premises_signs", "a suspect's home that the report's text names",
                  suspect_report("3 Lindenwick Grove, Grimsby DN34 4LH"), {"home": 0.5},
                  says=("signs of sexual exploitation",)),
    IndicatorCase("premises_signs", "two reliable reports about workers a labour provider "
                  "pays, found at a warehouse: their supplier's signs, counted at "
                  "supplied_share there", workers_found_at_site("provider"), {"site": 0.7},
                  says=("weight 1.00", "2 about workers another business supplied here count "
                        "0.5")),
    IndicatorCase("premises_signs", "the same reports about the warehouse's own workers count "
                  "in full", workers_found_at_site("host"), {"site": 1.0},
                  says=("weight 2.00",)),
    IndicatorCase("premises_signs", "a woman kept in the house to cook and clean, reported "
                  "where the family lives", reported_at("Uche keeps a woman in the house to "
                  "cook, clean and look after the children"), {"house": 0.5}, spares=("home",),
                  says=("signs of domestic servitude",)),
    IndicatorCase("premises_signs", "a patient not allowed out of the house alone, at her "
                  "home", reported_at("Not allowed out of the house alone", how="lives_at",
                  role=""), {"house": 0.5}, says=("signs of domestic servitude",)),
    IndicatorCase("premises_signs", "the same patient, brought by a man who lives elsewhere: "
                  "the note is about her home, not his", reported_at(
                      "Not allowed out of the house alone", how="lives_at", role="",
                      brought=True), {"house": 0.5}, spares=("companion_home",),
                  says=("signs of domestic servitude",)),
    IndicatorCase("premises_signs", "a report that a man controls the women selling sex at a "
                  "massage parlour: the signs are at the business", runs_business(
                      "Ion Florea controls the women selling sex at Ace Spa & Massage Ltd"),
                  {"firm": 0.5}, spares=("shop",), says=("signs of sexual exploitation",)),
    IndicatorCase("premises_signs", "a report that a man runs a business, and no sign",
                  runs_business("Ion Florea runs the men washing cars at Ace Spa"),
                  spares=("firm", "shop")),
    IndicatorCase("missing_child_found", "a child missing twice, found at a flat each time",
                  child_found_at(2), {"flat": 0.7}, spares=("home",),
                  says=("a repeatedly missing child was found here",)),
    IndicatorCase("missing_child_found", "missing once is not repeatedly", child_found_at(1),
                  spares=("flat",)),
    IndicatorCase("missing_child_found", "an adult missing twice",
                  child_found_at(2, born="1990-01-01"), spares=("flat",)),
    IndicatorCase("missing_child_found", "found at home", child_found_at(2, found_at_home=True),
                  spares=("flat",)),
    IndicatorCase("missing_child_found", "logs about the man the child was found with give his "
                  "home: found at the flat, not at his home", child_found_at(2, about_him=True),
                  {"flat": 0.7}, spares=("home", "his_home")),
    IndicatorCase("child_victim", "a 15-year-old referred to the NRM works at a car wash",
                  child_referred_at("2010-01-01"), {"house": 0.9, "firm": 0.9},
                  says=("a child named as a victim",)),
    IndicatorCase("child_victim", "a child at home with their family only",
                  child_at_family_home("Karen CLARKE"), spares=("home",)),
    IndicatorCase("child_victim", "a child living with someone not their family",
                  child_at_family_home("Arben KOLA"), {"home": 0.9}),
    IndicatorCase("child_victim", "a child alone on record at home",
                  child_alone_at_home(missing=0), {"home": 0.9}),
    IndicatorCase("child_victim", "a child alone on record at the home they are reported "
                  "missing from again and again: where they go missing from",
                  child_alone_at_home(missing=2), spares=("home",)),
    IndicatorCase("child_victim", "missing once: the home still counts",
                  child_alone_at_home(missing=1), {"home": 0.9}),
    IndicatorCase("child_victim", "an adult referred to the NRM",
                  child_referred_at("1990-01-01"), spares=("house", "firm")),
    IndicatorCase("child_victim", "a child only on a safeguarding referral about self-neglect",
                  child_referred_at("2010-01-01", about=False), spares=("house", "firm")),
    IndicatorCase("multiple_identities", "a mother's record giving her baby's date of birth",
                  person_with(birthDate=["1990-03-04", "2026-01-05"]), spares=("person",)),
]  # fmt: skip


def run(case: Case, name: str) -> dict[str, Any]:
    g = build_graph(case.view())
    view = case.view()
    context = Context(
        g, load_weights(), AS_OF, text_search(view, g["records"]), text_places(view, g["records"])
    )
    chosen = [i for i in registered_indicators() if i.name == name]
    out: dict[str, Any] = {}
    for finding in evaluate(context, chosen):
        for entity_id in finding.entity_ids:
            out[entity_id] = finding
    return out


@pytest.mark.parametrize("spec", CASES, ids=[f"{c.indicator}: {c.story}" for c in CASES])
def test_indicator_case(case: Case, spec: IndicatorCase) -> None:
    ids = spec.build(case)
    found = run(case, spec.indicator)
    for name, least in spec.flags.items():
        assert ids[name] in found, f"{spec.story}: {name} should be flagged"
        finding = found[ids[name]]
        assert finding.score >= least, f"{spec.story}: {name} scored {finding.score}"
        assert finding.evidence and finding.grade
        assert "weighted" in finding.reason or "weight" in finding.reason  # never hidden
    for name in spec.spares:
        assert ids[name] not in found, f"{spec.story}: {name} flagged: {found[ids[name]].reason}"
    if spec.says:
        reason = found[ids[next(iter(spec.flags))]].reason
        for words in spec.says:
            assert words in reason, reason


def test_every_indicator_has_a_case_that_fires_and_one_that_does_not() -> None:
    names = {i.name for i in registered_indicators()}
    assert {c.indicator for c in CASES if c.flags} == names
    assert {c.indicator for c in CASES if c.spares and not c.flags} >= names - {"recruiter"}


def test_weak_evidence_lowers_the_score_and_the_reason_says_so(case: Case) -> None:
    ids = adults_at_one_house(14, grade="2C")(case)
    finding = run(case, "crowded_address")[ids["house"]]
    assert "14 unrelated adults live here (5.9 when each is weighted" in finding.reason
    assert "14 rest only on weak evidence" in finding.reason
    assert finding.grade.startswith("2C x14") and finding.score == pytest.approx(0.588)


def test_a_child_supplied_to_a_site_counts_half_there(case: Case) -> None:
    # A 15-year-old referred to the NRM, on a labour provider's payroll, is found picking at a
    # farm that does not pay him: the provider supplied him; the farm and its field count him
    # at `supplied_share`, the provider in full.
    provider, farm = case.e("Company", "Staff Ltd"), case.e("Company", "Fen Growers Ltd")
    field_ = case.e("Address", "Marsh Farm, Holbeach")
    child = case.e("Person", "Arben KOLA", role="victim", record=referral(case),
                   birthDate="2010-01-01")  # fmt: skip
    payroll = case.record("hmrc", "1A", source="payroll")
    case.link(child, "works_for", provider, records=[payroll])
    case.link(child, "paid_into", case.e("BankAccount", "001122-33445566"), records=[payroll])
    case.link(child, "works_for", farm, agency="ie")
    case.link(child, "seen_at", field_, agency="ie")
    found = run(case, "child_victim")
    full = found[provider].score
    assert full >= 0.8
    assert found[farm].score == pytest.approx(full / 2, abs=0.01)
    assert found[field_].score == pytest.approx(full / 2, abs=0.01)
