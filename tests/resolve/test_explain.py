"""Every match explains itself, in words an analyst reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
