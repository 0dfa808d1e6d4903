"""`resolve split`'s proposal keeps one family's members apart (the family rule of
:mod:`threadline.resolve.integrity`), on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from threadline.resolve.explain_store import split_proposal
from threadline.store import tables as t

from ..conftest import Case


def test_a_proposal_splits_sisters_of_one_surname_and_address(case: Case) -> None:
    born = {"birthDate": "2001-03-04", "nationality": "pl"}
    anna = case.e("Person", "Anna KOWALSKA", firstName="Anna", lastName="Kowalska", **born)
    case.mention(anna, firstName="Anna", lastName="Kowalska", **born)
    case.mention(anna, firstName="Hanna", lastName="Kowalska", **born)
    case.mention(anna, firstName="Hanna", lastName="Kowalska")
    case.commit()
    m, st = t.mentions.c, t.statements.c
    mentions = [str(x) for x in case.conn.execute(sa.select(m.id).where(m.entity_id == anna))
                .scalars()]  # fmt: skip
    named = dict(
        case.conn.execute(
            sa.select(st.mention_id, st.value).where(
                st.mention_id.in_(mentions), st.prop == "firstName"
            )
        ).all()
    )
    groups, unplaced, pairs = split_proposal(case.conn, mentions)
    assert sorted(sorted(named[m] for m in g) for g in groups) == [
        ["Anna", "Anna"],
        ["Hanna", "Hanna"],
    ]
    assert unplaced == []
    assert pairs and all("of one family conflict" in words for _, _, words in pairs)
