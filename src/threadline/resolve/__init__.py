"""Entity resolution: person records into people, explained; businesses and premises by rule.

One engine serves ``threadline resolve`` (records from the store) and ``threadline evaluate
er`` (records from a CSV file). See ``docs/resolution.md``.

>>> import pyarrow as pa
>>> from threadline.resolve import PersonResolver
>>> records = pa.table({"record_id": ["a", "b"], "full_name": ["Nguyễn Thị Lan", "LAN NGUYEN"],
...                     "date_of_birth": ["1994-02-17", "17/02/1994"]})
>>> with PersonResolver() as resolver:
...     result = resolver.resolve(records)
>>> result.clusters
{'a': 'a', 'b': 'a'}
"""

from threadline.resolve.accuracy import (
    Scores,
    evaluate_clusters,
    evaluate_er_csv,
    evaluate_names,
    name_score,
)
from threadline.resolve.address import (
    AddressKey,
    AddressMatch,
    compare_addresses,
    premises_key,
    resolve_addresses,
)
from threadline.resolve.company import (
    CompanyMatch,
    CompanyMatcher,
    CompanyName,
    CompanyRecord,
    company_number,
    parse_company,
)
from threadline.resolve.engine import (
    Earlier,
    Judgement,
    PersonResolver,
    ResolutionResult,
    Scoring,
)
from threadline.resolve.explain import Contribution, PairExplanation
from threadline.resolve.groups import person_table
from threadline.resolve.incremental import load_scoring
from threadline.resolve.judgements import active_judgements
from threadline.resolve.normalise import prepare
from threadline.resolve.settings import ResolverSettings
from threadline.resolve.workflow import ResolveSummary, resolve_store

__all__ = [
    "AddressKey",
    "AddressMatch",
    "CompanyMatch",
    "CompanyMatcher",
    "CompanyName",
    "CompanyRecord",
    "Contribution",
    "Earlier",
    "Judgement",
    "PairExplanation",
    "PersonResolver",
    "ResolutionResult",
    "ResolveSummary",
    "ResolverSettings",
    "Scores",
    "Scoring",
    "active_judgements",
    "company_number",
    "compare_addresses",
    "evaluate_clusters",
    "evaluate_er_csv",
    "evaluate_names",
    "load_scoring",
    "name_score",
    "parse_company",
    "person_table",
    "premises_key",
    "prepare",
    "resolve_addresses",
    "resolve_store",
]
