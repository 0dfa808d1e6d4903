"""The probabilistic person model: Splink on DuckDB, trained without labels.

Training follows Splink's unsupervised recipe: the prior (how often two random records
match) from counting exact-rule matches, ``u`` (how often non-matches agree by chance) from
random pairs, and ``m`` (how often matches agree) by expectation maximisation over blocked
pairs. The trained model is a Splink settings dictionary; saving and loading it reproduces a
run exactly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from itertools import count, pairwise
from typing import Any

import numpy as np
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException

from threadline.resolve._cultures import culture_lift
from threadline.resolve.blocking import BlockingPlan, blocked_pairs
from threadline.resolve.comparisons import NAME_PAIR, PERSON_FIELDS, Field, splink_comparison
from threadline.resolve.sampling import (
    Dialect,
    SampledDuckDBDialect,
    equality_pairs,
    proportion_for_pairs,
    sampled_rule,
)
from threadline.resolve.settings import IDENTIFIER_KEYS, ResolverSettings

__all__ = ["SplinkModel", "fields_for", "starting_settings"]

logger = logging.getLogger(__name__)
# Splink reports training progress through logging; without a handler of the application's
# own, Python would print its warnings ("level not observed") to stderr on every run.
logging.getLogger("splink").addHandler(logging.NullHandler())

_names = count()

_PRIOR_M = 0.01
"""m for a level that training never saw (a rare level such as "day and month swapped")."""

_PRIOR_U = 1e-5
"""u for a level that random sampling never saw: chance agreement is at most this rare."""

_MIN_PRIOR, _MAX_PRIOR = 1e-12, 0.5
"""Bounds on the probability that two random records match."""

_SHARED = "phone bank_account photo address record_places record_organisations record_phones"
SHARED_FIELDS = frozenset(_SHARED.split())
"""Comparisons of things people share: their agreement is capped (see :func:`_finalise`)."""

_MOVES = frozenset({"phone", "address"})
"""Fields whose values a person changes over time."""

_MIN_M_DIFFERENT = 0.005
"""Least share of true matches assumed to disagree on any one field (typing errors, other
documents, data entered about the wrong person): log2(0.005) = -7.6 at most per field."""

_MIN_M_MOVED = 0.05
"""Least share of true matches assumed to disagree on a phone or an address: people move and
change numbers, and a record may give a work or correspondence address (about -4.2 bits at
most). Training on records made close together in time would teach that they never do."""


class _DuckDBAPI(DuckDBAPI):
    """Splink's DuckDB API, drawing u's sample as every engine does (:mod:`.sampling`)."""

    sql_dialect = SampledDuckDBDialect()  # type: ignore[no-untyped-call]  # Splink is untyped


def fields_for(con: Any, table: str) -> tuple[Field, ...]:
    """The person fields with at least one value to compare in ``table``."""
    columns = sorted({c for f in PERSON_FIELDS for c in f.shown})
    counts = con.sql(
        "SELECT " + ", ".join(f"count({c})" for c in columns) + f" FROM {table}"  # noqa: S608 - SQL of our own constants; values are bound
    ).fetchall()[0]
    present = {c for c, n in zip(columns, counts, strict=True) if n}
    return tuple(f for f in PERSON_FIELDS if present & set(f.shown))


def starting_settings(fields: tuple[Field, ...], plan: BlockingPlan) -> dict[str, Any]:
    """An untrained model's Splink settings: starting parameters for ``fields``, blocked by
    ``plan``."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "uid",
        "comparisons": [splink_comparison(f) for f in fields],
        "blocking_rules_to_generate_predictions": plan.splink_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 25,
        "em_convergence": 0.0001,
    }


_Recall = tuple[tuple[str, int], ...]


def _has(fields: Sequence[Field], name: str) -> bool:
    return any(f.name == name for f in fields)


class SplinkModel:
    """A Splink linker over one prepared table, with the calls the resolver needs."""

    dialect: Dialect = "duckdb"
    """The SQL of the database the linker runs on."""

    def __init__(
        self,
        con: Any,
        table: str,
        settings: dict[str, Any],
        fields: tuple[Field, ...],
    ) -> None:
        self.con = con
        self.table = table
        self.fields = fields
        self.db_api = self._database_api()
        self.settings = settings
        self._validated = False
        self.linker = self._linker(settings)
        self._explainer: Linker | None = None
        self._name_pairs: Any = None
        self.frozen_tf: dict[str, pa.Table] | None = None
        """Term-frequency tables to score with instead of counting them in this data (an
        earlier run's, so that a later batch is scored exactly as that run scored)."""
        self.blocked = 0
        """Candidate pairs scored by the last :meth:`predict`."""

    @classmethod
    def untrained(
        cls, con: Any, table: str, fields: tuple[Field, ...], plan: BlockingPlan
    ) -> SplinkModel:
        """A model with starting parameters for ``fields``, blocked by ``plan``."""
        return cls(con, table, starting_settings(fields, plan), fields)

    def _linker(self, settings: dict[str, Any]) -> Linker:
        sdf = self.db_api.register(self._table_of(self.table), table_name=f"tl_in_{next(_names)}")
        # Splink checks a new model's settings against the data; ours are generated from the
        # fields present, so the check (half a second per linker) is done once.
        validate = not self._validated
        self._validated = True
        return Linker(
            sdf, self._splink_settings(settings), log_level=None, validate_settings=validate
        )

    # -- what an engine does its own way (:class:`.spark_model.SparkModel` for Spark) -------

    def _database_api(self) -> Any:
        return _DuckDBAPI(connection=self.con)

    def _splink_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Our settings (in DuckDB's SQL) as this engine's Splink linker takes them."""
        return settings

    def _model_json(self) -> dict[str, Any]:
        """The linker's model as Splink settings, written in DuckDB's SQL."""
        settings: dict[str, Any] = self.linker.misc.save_model_to_json()
        return settings

    def _table_of(self, name: str) -> Any:
        """What Splink registers for our table ``name``."""
        return name

    def _register_arrow(self, name: str, table: pa.Table) -> Any:
        """``table`` as a table of Splink's database, named ``name``."""
        self.con.register(f"{name}_v", table)
        self.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_v")  # noqa: S608 - SQL of our own constants
        self.con.unregister(f"{name}_v")
        return self.db_api.register(name, table_name=f"{name}_sdf")

    def _fetch(self, sql: str) -> pa.Table:
        """The rows of a query on Splink's database."""
        return self.con.sql(sql).to_arrow_table()

    def _drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    # -- training ------------------------------------------------------------------------

    def train(self, settings: ResolverSettings) -> None:
        """Estimate the prior, u and m without labels.

        The prior is estimated twice from the exact rules: first with the settings' guess of
        their recall (EM needs a start), then with their recall as the trained model sees it,
        the product of the rules' m-probabilities and the columns' completeness.
        """
        rules = self._deterministic_rules(settings)
        found = self._exact_share([sql for sql, _ in rules])
        self._set_prior(found / settings.deterministic_recall)
        # One pass per comparison: the early stop (every level seen 100 times) never comes
        # for rare levels such as "day and month swapped", and chunking only adds passes.
        self.linker.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_max_pairs,
            seed=settings.seed,
            min_count_per_level=None,
            num_chunks=1,
        )
        for rule in self._em_rules():
            before = self._model_json()
            try:
                self.linker.training.estimate_parameters_using_expectation_maximisation(
                    self._em_sample(rule, settings.em_max_pairs),
                    estimate_without_term_frequencies=True,
                )
            except (SplinkException, ValueError) as error:
                # Splink refuses an m that reaches exactly 0, which happens when a session's
                # pairs separate perfectly (clean data); the session is dropped, the model
                # restored, and the fields keep what the other sessions taught them.
                logger.warning("training on %s skipped: %s", rule, error)
                self.linker = self._linker(before)
        trained = _finalise(self._model_json(), settings.shared_cap)
        self.linker = self._linker(trained)
        self._set_prior(found / self._rules_recall(rules, trained))
        self.settings = self._model_json()
        self._explainer = None

    def _em_sample(self, rule: str, max_pairs: float) -> str:
        """``rule`` limited to about ``max_pairs`` pairs by a sample that every engine draws
        alike (the pairs are counted in the run's DuckDB database, where the records are)."""
        pairs = equality_pairs(self.con, self.table, rule)
        return sampled_rule(rule, proportion_for_pairs(pairs, max_pairs), self.dialect)

    def _exact_share(self, rules: list[str]) -> float:
        """Share of all record pairs that the exact rules pair (Splink's count, recall 1)."""
        deterministic: list[Any] = list(rules)
        if not deterministic:
            return 1e-4
        try:
            self.linker.training.estimate_probability_two_random_records_match(
                deterministic, recall=1.0
            )
        except (ValueError, SplinkException) as error:
            logger.warning("exact rules not counted (%s); assuming 1 pair in 10,000", error)
            return 1e-4
        return float(self._model_json()["probability_two_random_records_match"])

    def _set_prior(self, prior: float) -> None:
        """Set the probability that two random records match, kept to sensible bounds: in a
        handful of records the exact rules can pair everything (a prior of 1)."""
        settings = self._model_json()
        settings["probability_two_random_records_match"] = min(max(prior, _MIN_PRIOR), _MAX_PRIOR)
        self.linker = self._linker(settings)

    def _deterministic_rules(self, settings: ResolverSettings) -> list[tuple[str, _Recall]]:
        """Exact rules for the prior, each with the (field, top levels) whose m-probabilities
        say how many true matches it finds."""
        rules: list[tuple[str, _Recall]] = []
        for name in settings.deterministic:
            if _has(self.fields, name):
                key = IDENTIFIER_KEYS[name]
                rules.append((f"l.{key} = r.{key}", ((name, 2 if name == "email" else 1),)))
        names = (("given_name", 1), ("surname", 1))
        if _has(self.fields, "given_name") and _has(self.fields, "surname"):
            if _has(self.fields, "date_of_birth"):
                sql = "l.given = r.given AND l.surname = r.surname AND l.dob = r.dob"
                rules.append((sql, (*names, ("date_of_birth", 1))))
            elif _has(self.fields, "address"):
                sql = "l.given = r.given AND l.surname = r.surname AND l.address = r.address"
                rules.append((sql, (*names, ("address", 2))))
            else:
                rules.append(("l.given = r.given AND l.surname = r.surname", names))
        return rules

    def _rules_recall(self, rules: list[tuple[str, _Recall]], trained: dict[str, Any]) -> float:
        """Share of true matches the rules find: per rule the product over its fields of
        P(both records have a value) x P(top levels | match), combined over rules."""
        levels = {
            c["output_column_name"]: [
                lv for lv in c["comparison_levels"] if not lv.get("is_null_level")
            ]
            for c in trained["comparisons"]
        }
        columns = {f.name: f.shown[0] for f in self.fields}
        filled = self.completeness(sorted(set(columns.values())))
        missed = 1.0
        for _, parts in rules:
            found = 1.0
            for name, top in parts:
                m = sum(float(lv["m_probability"]) for lv in levels[name][:top])
                found *= min(m, 1.0) * filled[columns[name]] ** 2
            missed *= 1 - found
        return min(max(1 - missed, 0.01), 1.0)

    def completeness(self, columns: Sequence[str]) -> dict[str, float]:
        """Share of records with a value, per column."""
        counts = self.con.sql(
            "SELECT count(*), "  # noqa: S608 - column names are our own constants
            + ", ".join(f"count({c})" for c in columns)
            + f" FROM {self.table}"
        ).fetchall()[0]
        total = max(int(counts[0]), 1)
        return {c: int(n) / total for c, n in zip(columns, counts[1:], strict=True)}

    def _em_rules(self) -> list[str]:
        """Blocking rules for expectation maximisation, most reliable first.

        Pairs sharing an identifier are nearly all matches, so they teach the other fields
        best. Pairs sharing only a name are a poor teacher where names are common (every
        "Nguyen Van Nam"), so names are paired with the postcode when there is one. Each field
        must be learnt in at least one session that does not block on it.
        """
        candidates = [
            ("national_id", "l.national_id = r.national_id"),
            ("document_number", "l.document_number = r.document_number"),
            ("date_of_birth", "l.dob = r.dob"),
            ("address", "l.given = r.given AND l.surname = r.surname AND l.postcode = r.postcode"),
        ]
        names = _has(self.fields, "given_name") and _has(self.fields, "surname")
        rules = [
            rule
            for needs, rule in candidates
            if _has(self.fields, needs) and (needs != "address" or names)
        ]
        fallbacks = [
            "l.given = r.given AND l.surname = r.surname",
            "l.postcode = r.postcode",
            "l.address = r.address",
        ]
        for field in self.fields:
            if any(level.fixed for level in field.levels):
                continue
            if not any(_trains(rule, field) for rule in rules):
                extra = next((r for r in fallbacks if _trains(r, field) and r not in rules), None)
                if extra is not None:
                    rules.append(extra)
        return rules

    # -- scoring -------------------------------------------------------------------------

    def _term_frequencies(self, linker: Linker) -> None:
        """Term-frequency tables for ``linker``: counted from the data, except the name pair
        (given name and surname together), whose frequency allows for naming cultures."""
        for column in self._tf_columns():
            if self.frozen_tf is not None:
                frozen = self._register_arrow(f"tl_tf_{next(_names)}", self.frozen_tf[column])
                linker.table_management.register_term_frequency_lookup(frozen, column)
            elif column == NAME_PAIR:
                if self._name_pairs is None:
                    self._name_pairs = self._register_arrow(
                        f"tl_tf_{next(_names)}", self._name_pair_frequencies()
                    )
                linker.table_management.register_term_frequency_lookup(self._name_pairs, NAME_PAIR)
            else:
                linker.table_management.compute_tf_table(column)

    def _name_pair_frequencies(self) -> pa.Table:
        """How often records share a whole name by chance: the surname's frequency times
        how much likelier the given name is with that surname than with any (its lift,
        never below 1: cultures make a shared whole name less telling, never more)."""
        table = self.con.sql(
            f"""WITH s AS (SELECT surname, count(*) / sum(count(*)) OVER () AS tf
                           FROM {self.table} WHERE surname IS NOT NULL GROUP BY surname),
            p AS (SELECT DISTINCT given, surname, coalesce(given_sx, given) AS given_sx,
                         coalesce(surname_sx, surname) AS surname_sx FROM {self.table}
                  WHERE given IS NOT NULL AND surname IS NOT NULL)
            SELECT p.given || ' ' || p.surname AS {NAME_PAIR}, s.tf,
                dense_rank() OVER (ORDER BY p.given) - 1 AS g,
                dense_rank() OVER (ORDER BY p.surname) - 1 AS s,
                dense_rank() OVER (ORDER BY p.given_sx) - 1 AS gk,
                dense_rank() OVER (ORDER BY p.surname_sx) - 1 AS sk
            FROM p JOIN s USING (surname) ORDER BY {NAME_PAIR}"""  # noqa: S608 - SQL of our own constants; values are bound
        ).to_arrow_table()
        given, surname, given_key, surname_key = (
            np.asarray(table.column(c), dtype=np.int64) for c in ("g", "s", "gk", "sk")
        )
        lift = culture_lift(given, surname, given_key, surname_key)
        tf = np.asarray(table.column("tf"), dtype=np.float64) * np.maximum(lift, 1.0)
        return pa.table({NAME_PAIR: table.column(NAME_PAIR), f"tf_{NAME_PAIR}": tf})

    def term_frequency_tables(self) -> dict[str, pa.Table]:
        """The term-frequency tables this model scores with, by column: ``(value, tf_value)``,
        counted in this data unless :attr:`frozen_tf` is set."""
        if self.frozen_tf is not None:
            return dict(self.frozen_tf)
        out = {}
        for column in self._tf_columns():
            if column == NAME_PAIR:
                if self._name_pairs is None:  # counted once, then kept
                    self._term_frequencies(self.linker)
                found = self._name_pairs
            else:  # Splink keeps the table it counted for scoring
                found = self.linker.table_management.compute_tf_table(column)
            out[column] = self._fetch(
                f"SELECT {column}, tf_{column} FROM {found.physical_name} ORDER BY {column}"  # noqa: S608 - SQL of our own constants
            )
        return out

    def predict(self, plan: BlockingPlan, floor: float) -> pa.Table:
        """Score the candidate pairs of ``plan``; keep those with match probability at or
        above ``floor``."""
        name = f"tl_blocked_{next(_names)}"
        self.blocked = blocked_pairs(self.con, self.table, plan, name)
        return self.predict_blocked(name, floor)

    def predict_blocked(self, name: str, floor: float) -> pa.Table:
        """Score the pairs of table ``name`` (as :func:`blocked_pairs` writes them; dropped
        afterwards); keep those with match probability at or above ``floor``."""
        self._term_frequencies(self.linker)
        sdf = self.db_api.register(self._table_of(name), table_name=f"{name}_sdf")
        self.linker.table_management.register_blocked_pairs_for_predict(sdf)
        result = self.linker.inference.predict(
            threshold_match_probability=floor, warning_mode="never"
        )
        self._drop(name)
        out = self._fetch(
            f"SELECT uid_l, uid_r, match_weight, match_probability FROM {result.physical_name}"  # noqa: S608 - SQL of our own constants; values are bound
        )
        result.drop_table_from_database_and_remove_from_cache()
        return out

    def score_within(self, uids: np.ndarray, groups: np.ndarray) -> pa.Table:
        """Score every pair of records that share a group label."""
        name = f"tl_groups_{next(_names)}"
        self.con.register(f"{name}_v", pa.table({"uid": uids, "_grp": groups}))
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT t.*, g._grp FROM {self.table} t "  # noqa: S608 - SQL of our own constants; values are bound
            f"JOIN {name}_v g USING (uid)"
        )
        self.con.unregister(f"{name}_v")
        try:
            sdf = self.db_api.register(name, table_name=f"{name}_sdf")
            result = self.linker.inference.predict_within(
                sdf,
                blocking_rules_to_generate_predictions=["l._grp = r._grp"],
                warning_mode="never",
            )
            out = self.con.sql(
                f"SELECT uid_l, uid_r, match_probability FROM {result.physical_name}"  # noqa: S608 - SQL of our own constants; values are bound
            ).to_arrow_table()
            result.drop_table_from_database_and_remove_from_cache()
            return out
        finally:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def explain(self, left: int, right: int, extra: Sequence[str]) -> dict[str, Any]:
        """Every intermediate value of one pair's score: levels, Bayes factors, tf factors."""
        found = self.explain_many([(left, right)], extra)
        if (left, right) not in found:
            raise KeyError(f"cannot score pair {left}, {right}")
        return found[(left, right)]

    def explain_many(
        self, pairs: Sequence[tuple[int, int]], extra: Sequence[str]
    ) -> dict[tuple[int, int], dict[str, Any]]:
        """Every intermediate value of each pair's score, in one scoring pass (a pass costs
        about a quarter of a second whatever its size, so pairs are never scored one by one).
        Keyed by the pair as asked; a row's ``uid_l`` is the pair's left record. A pair whose
        records are not in the table is left out."""
        if self._explainer is None:
            settings = dict(self.settings)
            settings["retain_matching_columns"] = True
            settings["retain_intermediate_calculation_columns"] = True
            settings["additional_columns_to_retain"] = list(extra)
            self._explainer = self._linker(settings)
            self._term_frequencies(self._explainer)
        if not pairs:
            return {}
        name = f"tl_pairs_{next(_names)}"
        # Each pair's two records, under uids of their own (2k, 2k + 1) and the pair's number
        # as the only blocking key: exactly the pairs asked are scored, however many records
        # they share.
        asked = pa.table(
            {
                "_pair": pa.array(range(len(pairs)), pa.int64()),
                "_left": pa.array([p[0] for p in pairs], pa.int64()),
                "_right": pa.array([p[1] for p in pairs], pa.int64()),
            }
        )
        self.con.register(f"{name}_v", asked)
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS "  # noqa: S608 - SQL of our own constants; values are bound
            f"SELECT t.* REPLACE (a._pair * 2 + (t.uid = a._right)::BIGINT AS uid), "
            f"a._pair AS _pair, t.uid AS _uid "
            f"FROM {self.table} t JOIN {name}_v a ON t.uid = a._left OR t.uid = a._right"
        )
        self.con.unregister(f"{name}_v")
        try:
            sdf = self.db_api.register(name, table_name=f"{name}_sdf")
            result = self._explainer.inference.predict_within(
                sdf, blocking_rules_to_generate_predictions=["l._pair = r._pair"],
                warning_mode="never",
            )  # fmt: skip
            rows = self.con.sql(f"SELECT * FROM {result.physical_name}").to_arrow_table()  # noqa: S608 - SQL of our own constants; values are bound
            result.drop_table_from_database_and_remove_from_cache()
        finally:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        out: dict[tuple[int, int], dict[str, Any]] = {}
        for row in rows.to_pylist():
            left, right = pairs[int(row["uid_l"]) // 2]
            row["uid_l"], row["uid_r"] = left, right
            out[(left, right)] = row
        return out

    def close(self) -> None:
        """Release what the model keeps outside the run's DuckDB database (nothing here)."""

    def _tf_columns(self) -> list[str]:
        return sorted({lv.tf for f in self.fields for lv in f.levels if lv.tf is not None})

    @property
    def prior(self) -> float:
        """Trained probability that two random records match."""
        return float(self.settings["probability_two_random_records_match"])


def _trains(rule: str, field: Field) -> bool:
    """Whether an EM session blocked on ``rule`` learns ``field`` (Splink skips comparisons
    that read a column the rule tests)."""
    used = set(re.findall(r"\b[lr]\.(\w+)", rule))
    return not used & set(field.columns)


def _finalise(settings: dict[str, Any], shared_cap: float) -> dict[str, Any]:
    """Make the trained model safe for this domain.

    * Levels that training never observed get a cautious m or u instead of none at all.
    * No single "different" can veto a match: m of the last level is held at or above
      ``_MIN_M_DIFFERENT`` (a disagreement is at most about 7.6 bits of evidence), at or
      above ``_MIN_M_MOVED`` for a phone or an address (people move); "different" is never
      evidence for a match, and no partial agreement weighs less than "different" does.
    * Agreement on a shared thing (``SHARED_FIELDS``: a phone, an address, a bank account, a
      photo, a place or business of the record) is worth at most ``shared_cap`` bits. Random
      pairs, from which u is learnt, rarely share one; but victims of one controller share his
      phone and the house they are kept in, so those agreements are far more common between
      different people than random pairs show. For levels with a term-frequency adjustment
      the cap is set through ``tf_minimum_u_value`` (the weight there is m / tf).
    """
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        capped = comparison["output_column_name"] in SHARED_FIELDS
        for level in levels:
            if level.get("is_null_level"):
                continue
            if not isinstance(level.get("m_probability"), float):
                level["m_probability"] = _PRIOR_M
            if not isinstance(level.get("u_probability"), float):
                level["u_probability"] = _PRIOR_U
            if capped and level["sql_condition"].strip().upper() != "ELSE":
                floor = level["m_probability"] / 2**shared_cap
                level["u_probability"] = max(level["u_probability"], floor)
                if level.get("tf_adjustment_column"):
                    level["tf_minimum_u_value"] = max(level.get("tf_minimum_u_value", 0), floor)
        for level, after in pairwise(levels):
            if level.get("tf_adjustment_column") == NAME_PAIR:
                # The surname's exact agreement is split by whether the given name agrees too
                # (the name pair's frequency then applies), but the given name's own level
                # counts that agreement: for either half, m is how often a true match agrees
                # on the surname at all, not how often it agrees on both or on one alone.
                agree = min(level["m_probability"] + after["m_probability"], 1.0)
                level["m_probability"] = after["m_probability"] = agree
                # The weight is log2(m / tf) whatever u is; the surname's u makes the part
                # explained as "term frequency" say how rare the name is, as for a surname.
                level["u_probability"] = after["u_probability"]
        last = levels[-1]
        if last["sql_condition"].strip().upper() == "ELSE":
            least = _MIN_M_MOVED if comparison["output_column_name"] in _MOVES else _MIN_M_DIFFERENT
            last["m_probability"] = max(last["m_probability"], least)
            # ... nor evidence for a match: where random pairs almost never disagree (one town's
            # postcodes), training has nothing to weigh "different" against.
            last["m_probability"] = min(last["m_probability"], last["u_probability"])
            # A partial agreement is never worse evidence than a plain "different": EM can
            # drive the m of a rare level ("same initial", "postcode one character
            # different") to nearly zero, which would make it a veto.
            floor = last["m_probability"] / last["u_probability"]
            for level in levels[:-1]:
                if level.get("is_null_level") or level.get("tf_adjustment_column"):
                    continue
                if level["m_probability"] < floor * level["u_probability"]:
                    level["m_probability"] = floor * level["u_probability"]
    return settings
