"""Every match explains itself, in words an analyst reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from threadline.resolve.explain import (
    Contribution,
    PairExplanation,
    name_parts_as_read,
    named_context,
)
from threadline.resolve.summaries import entity_summary, pair_summary

from .conftest import person


@pytest.fixture(scope="module")
def explained(resolve_with: Callable[..., Any]) -> Any:
    rows = [
        person(
            "s1",
            given_name="Oksana",
            surname="Melnyk",
            date_of_birth="1990-04-07",
            postcode="B9 4AA",
        ),
        person(
            "s2",
            given_name="Oksana",
            surname="Melnyk",
            date_of_birth="04/07/1990",
            postcode="B9 4AA",
        ),
        person("t1", given_name="Văn Minh", surname="Nguyễn", date_of_birth="1988-05-20"),
        person("t2", full_name="NGUYEN Van Minh", date_of_birth="1988-05-20"),
    ]
    resolver, _ = resolve_with(rows)
    yield resolver
    resolver.close()


def test_day_and_month_swap_in_words(explained: Any) -> None:
    explanation = explained.explain_pair("s1", "s2")
    dob = explanation.contribution("date_of_birth")
    assert "day and month swapped" in dob.text
    assert dob.weight > 0
    assert "date of birth: day and month swapped (1990-04-07 / 1990-07-04), +" in str(explanation)


def test_transliteration_in_words(explained: Any) -> None:
    explanation = explained.explain_pair("t1", "t2")
    surname = explanation.contribution("surname").text
    assert "transliteration" in surname
    assert "nguyễn / nguyen" in surname
    assert surname.startswith("surname: exact match after transliteration")


def test_weights_add_up_to_the_score(explained: Any) -> None:
    e = explained.explain_pair("s1", "s2")
    total = e.prior_weight + sum(c.weight for c in e.contributions)
    assert total == pytest.approx(e.match_weight, abs=1e-6)
    assert 0 < e.match_probability <= 1
    assert e.lines()[0].startswith("s1 and s2: match probability")


def test_term_frequency_is_explained(explained: Any) -> None:
    surname = explained.explain_pair("t1", "t2").contribution("surname")
    assert "term frequency adjusted" in surname.text
    assert surname.tf_weight != 0


def test_unknown_record_is_refused(explained: Any) -> None:
    with pytest.raises(KeyError, match="nobody"):
        explained.explain_pair("s1", "nobody")


# -- summaries: the strongest evidence for and against, in a few lines -------------------------


def _pair(left: str, right: str, *fields: tuple[str, str, str, float, str | None, str | None]
          ) -> PairExplanation:  # fmt: skip
    return PairExplanation(
        left, right, 0.9, 3.0, -9.0,
        tuple(Contribution(f, label, level, w, 0.0, lv, rv)
              for f, label, level, w, lv, rv in fields),
    )  # fmt: skip


DOB = ("date_of_birth", "date of birth", "exact match", 9.3, "1990-03-04", "1990-03-04")
PHONE = ("phone", "phone number", "exact match", 6.1, "+447700900884", "+447700900884")
KOCI = ("surname", "surname", "very similar spelling", -1.5, "koci", "kochi")
GIVEN = ("given_name", "given name", "exact match", 5.0, "driton", "driton")
IDLE = ("photo", "photo", "missing on one side", 0.0, None, None)


def test_a_pair_in_one_line_strongest_first_without_what_weighs_nothing() -> None:
    line = pair_summary(_pair("a", "b", PHONE, KOCI, DOB, IDLE))
    assert line == (
        "for: same date of birth 1990-03-04; same phone number +447700900884; "
        "against: surname: only very similar spelling (Koci / Kochi)"
    )
    assert "photo" not in line


def test_an_entity_in_a_few_lines_counting_the_records_each_reason_joins() -> None:
    pairs = [
        (_pair("r1", "r2", DOB, PHONE, GIVEN), 0.99),
        (_pair("r2", "r3", DOB, PHONE, KOCI), 0.93),
        (_pair("r3", "r4", GIVEN), 0.61),
    ]
    lines = entity_summary(pairs, 4)
    assert lines == [
        "4 records joined by 3 scored pairs (match probability 0.61 to 0.99)",
        "For: same date of birth 1990-03-04 in 3 of 4 records; same phone number "
        "+447700900884 in 3 of 4 records; same given name Driton in 4 of 4 records",
        "Against: surname: only very similar spelling (Koci / Kochi) in 2 of 4 records",
    ]
    assert entity_summary([], 1) == []


def test_a_name_whose_order_no_record_shows_is_never_called_a_surname() -> None:
    # Two payroll rows read "LACKO DENIS" as given name Lacko, surname Denis; the entity's
    # other records read Denis as his given name.
    both = ("given_name", "given name", "exact match", 9.3, "lacko", "lacko")
    surname = ("surname", "surname", "exact match", 9.4, "denis", "denis")
    usual = [("given_name", "given name", "exact match", 6.3, "denis", "denis"),
             ("surname", "surname", "exact match", 6.0, "lacko", "lacko")]  # fmt: skip
    read = name_parts_as_read(
        [_pair("p1", "p2", both, surname), _pair("p3", "p4", *usual), _pair("p4", "p5", *usual)]
    )
    text = "\n".join(read[0].lines())
    assert "surname as these records read it (elsewhere the given name)" in text
    assert "\nsurname: exact match" not in text
    assert pair_summary(read[0]) == "for: same name Denis Lacko"
    assert pair_summary(read[1]) == "for: same name Denis Lacko"  # one phrase, either order


def test_the_detail_names_what_weighed_nothing_once(explained: Any) -> None:
    lines = explained.explain_pair("s1", "s2").lines()
    assert not any(line.endswith(", +0.0") for line in lines)
    assert lines[-1].startswith("not weighed (missing on one side, or no difference): ")


def test_a_business_both_records_name_is_named_as_the_reader_sees_it() -> None:
    shared = ("record_organisations", "businesses in the same record", "a business in common",
              4.6, "companies/officers:OFF-1:company", "companies/officers:OFF-1:company "
              "lcc/licensing:LIC-9:business")  # fmt: skip
    names = {"companies/officers:OFF-1:company": "Summit Workforce Ltd"}
    named = named_context(_pair("a", "b", shared), names.get)
    assert pair_summary(named) == "for: a business in common (Summit Workforce Ltd)"
    assert named.contributions[0].right == "Summit Workforce Ltd, a business you may not see"
