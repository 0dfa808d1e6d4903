"""A woman's adverts join her own records through her working name and her advertiser's line,
and only then (see threadline.resolve.working_names)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve import Earlier, Judgement, PersonResolver
from threadline.resolve.working_names import WorkingNameJoin, join_working_names

from .conftest import COLUMNS

Rows = list[dict[str, Any]]


def advert(record_id: str, phone: str, group: str = "g1", born: int = 2001) -> dict[str, Any]:
    return {"record_id": record_id, "given": "amber", "surname": None, "dob_y": None,
            "born_about": born, "phone": phone, "aliases": None, "photo_group": group}  # fmt: skip


def record(record_id: str, **values: Any) -> dict[str, Any]:
    row = {"record_id": record_id, "given": "elena", "surname": "dumitru", "dob_y": 2002,
           "born_about": None, "phone": None, "aliases": None, "photo_group": None}  # fmt: skip
    row.update(values)
    return row


# Two adverts of "Amber" on the advertiser's two lines; her police record names the alias;
# her NHS record gives the second line as her contact number.
ADVERTS = [advert("ad1", "+447700900111"), advert("ad2", "+447700900222")]
HERS = [record("pol", aliases=["amber"]), record("nhs", phone="+447700900222")]
CLUSTERS = {"ad1": "ad1", "ad2": "ad1", "pol": "nhs", "nhs": "nhs"}


def test_adverts_join_her_records_through_name_and_line() -> None:
    clusters, joins = join_working_names([*ADVERTS, *HERS], CLUSTERS)
    assert set(clusters.values()) == {"ad1"}
    assert [(j.adverts, j.record, j.name, j.line) for j in joins] == [
        (("ad1", "ad2"), "pol", "amber", "+447700900222")
    ]
    assert (joins[0].gives, joins[0].own) == ("nhs", True)
    assert "working name 'amber'" in joins[0].words()
    assert "nhs gives +447700900222 as her number" in joins[0].words()


def test_a_line_of_the_advertiser_counts_though_her_adverts_do_not_show_it() -> None:
    other = advert("ad9", "+447700900999", born=1990)  # another woman's advert, same advertiser
    hers = [record("pol", aliases=["amber"], phone="+447700900999")]
    clusters, joins = join_working_names(
        [ADVERTS[0], other, *hers], {"ad1": "ad1", "ad9": "ad9", "pol": "pol"}
    )
    assert clusters["ad1"] == clusters["pol"] and len(joins) == 1
    assert clusters["ad9"] == "ad9"  # stated age far from her date of birth


def test_a_woman_advertising_under_her_own_first_name() -> None:
    hers = [record("pol", given="amber", surname="jones", phone="+447700900111")]
    clusters, joins = join_working_names([*ADVERTS, *hers], {"ad1": "ad1", "ad2": "ad1",
                                                            "pol": "pol"})  # fmt: skip
    assert clusters["pol"] == clusters["ad2"] == "ad1" and joins[0].record == "pol"


def test_a_line_her_record_names_as_someone_else_s_counts() -> None:
    """An intelligence log on her says the man who controls her uses the advertiser's line:
    the number is not hers, but her record gives it."""
    hers = [record("pol", aliases=["amber"], ctx_phones=["+447700900111", "+447700900555"])]
    clusters, joins = join_working_names([*ADVERTS, *hers], {"ad1": "ad1", "ad2": "ad1",
                                                            "pol": "pol"})  # fmt: skip
    assert clusters["pol"] == "ad1" and joins[0].line == "+447700900111"
    assert (joins[0].gives, joins[0].own) == ("pol", False)
    assert "pol gives +447700900111 as a number it names" in joins[0].words()
    # A run keeps the join; one kept before the record giving the line was kept still reads.
    assert WorkingNameJoin.from_dict(joins[0].to_dict()) == joins[0]
    older = {k: v for k, v in joins[0].to_dict().items() if k not in ("gives", "own")}
    assert "her records give +447700900111" in WorkingNameJoin.from_dict(older).words()


def test_no_line_in_common_no_join() -> None:
    hers = [record("pol", aliases=["amber"]), record("nhs", phone="+447700900333")]
    clusters, joins = join_working_names([*ADVERTS, *hers], CLUSTERS)
    assert clusters == CLUSTERS and not joins


def test_two_women_known_by_the_name_on_the_line_no_join() -> None:
    other = [record("x1", given="ana", surname="pop", aliases=["amber"], phone="+447700900111")]
    clusters, joins = join_working_names([*ADVERTS, *HERS, *other], {**CLUSTERS, "x1": "x1"})
    assert not joins and clusters["ad1"] == "ad1"


def test_a_date_of_birth_far_from_the_stated_age_no_join() -> None:
    hers = [
        record("pol", aliases=["amber"], dob_y=1980),
        record("nhs", phone="+447700900222", dob_y=1980),
    ]
    clusters, joins = join_working_names([*ADVERTS, *hers], CLUSTERS)
    assert not joins and clusters == CLUSTERS


def test_a_judgement_keeps_them_apart() -> None:
    clusters, joins = join_working_names([*ADVERTS, *HERS], CLUSTERS, [("nhs", "ad2")])
    assert not joins and clusters == CLUSTERS


def test_a_cluster_with_a_surname_is_not_adverts() -> None:
    named = [{**ADVERTS[0], "surname": "smith"}, ADVERTS[1]]
    clusters, joins = join_working_names([*named, *HERS], CLUSTERS)
    assert not joins and clusters == CLUSTERS


# The engine: the same case among a background population, from scratch and incrementally.
EXTRA = ("aliases", "born_about", "photo", "record_phones")


def rows_table(rows: Rows) -> pa.Table:
    columns = (*COLUMNS, *EXTRA)
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})


CASE = [
    {"record_id": "adv-1", "full_name": "Amberly", "phone": "07700 900411", "photo": "aa11",
     "born_about": "2001", "source": "adverts"},
    {"record_id": "adv-2", "full_name": "Amberly", "phone": "07700 900422", "photo": "aa11",
     "born_about": "2002", "source": "adverts"},
    {"record_id": "adv-3", "full_name": "Amberly", "phone": "07700 900422", "photo": "aa22",
     "born_about": "2001", "source": "adverts"},
    {"record_id": "her-1", "given_name": "Elena", "surname": "Dumitrescu",
     "date_of_birth": "2002-05-01", "aliases": "Amberly", "source": "nrm"},
    {"record_id": "her-2", "given_name": "Elena", "surname": "Dumitrescu",
     "date_of_birth": "2002-05-01", "phone": "07700 900422", "source": "nhs"},
]  # fmt: skip


def test_the_engine_joins_them_and_an_update_makes_the_same_join(
    population: tuple[Rows, dict[str, str]],
) -> None:
    background = population[0][:1500]
    with PersonResolver() as resolver:
        first = resolver.resolve(rows_table([*background, *CASE]))
        digests = resolver.digests()
    clusters = first.clusters
    assert len({clusters[r["record_id"]] for r in CASE}) == 1, "adverts joined to her records"
    assert [j.record for j in first.joins] == ["her-1"]
    assert first.scoring is not None
    later = [*background, *CASE, {"record_id": "new-1", "given_name": "Ruth", "surname": "Okoro",
                                  "source": "police"}]  # fmt: skip
    pairs = first.pairs.filter(pc.greater_equal(first.pairs.column("match_probability"), 0.2))
    earlier = Earlier(clusters, pairs, (), digests, joins=first.joins)
    with PersonResolver.from_model_json(first.model_json, first.scoring) as resolver:
        update = resolver.update(rows_table(later), earlier, [])
    with PersonResolver.from_model_json(first.model_json, first.scoring) as resolver:
        scratch = resolver.resolve(rows_table(later), [])
    assert _partition(update.clusters) == _partition(scratch.clusters)
    assert update.joins == scratch.joins == first.joins
    # An analyst who judges an advert and her record different undoes the join.
    apart = [Judgement("adv-2", "her-2", "different")]
    with PersonResolver.from_model_json(first.model_json, first.scoring) as resolver:
        judged = resolver.update(rows_table(later), earlier, apart)
    assert judged.clusters["adv-1"] != judged.clusters["her-1"] and not judged.joins


def test_the_engine_reads_the_numbers_her_records_give(
    population: tuple[Rows, dict[str, str]],
) -> None:
    """Her NHS record gives no number of hers, but names the line of whoever brought her."""
    case = [dict(r) for r in CASE]
    case[-1].pop("phone")
    case[-1]["record_phones"] = "07700 900999; 07700 900422"
    with PersonResolver() as resolver:
        found = resolver.resolve(rows_table([*population[0][:1500], *case]))
    assert len({found.clusters[r["record_id"]] for r in case}) == 1
    assert [(j.record, j.line) for j in found.joins] == [("her-1", "+447700900422")]


def _partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record_id, head in clusters.items():
        groups.setdefault(head, set()).add(record_id)
    return {frozenset(g) for g in groups.values()}
