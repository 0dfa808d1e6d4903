"""The person model on Spark: the same Splink settings, blocking, training and scoring run by
Splink's Spark backend, locally (``local[*]``) or on a cluster (``spark://host:7077``).

What grows with the data runs on Spark: the candidate pairs of the run's blocking plan (one
equi-join per rule, de-duplicated), the prior from the exact rules, ``u`` from random pairs,
``m`` by expectation maximisation, the term-frequency tables and the scoring of every
candidate pair. The records come to Spark prepared and keyed by the run (:mod:`.run`), and the
pairs above the floor come back as an Arrow table for clustering, which stays in this process:
they are a few per record, where blocking and scoring handle many.

Re-scoring within an oversized component while clustering, and explanations, score a handful
of pairs; they run on the run's DuckDB database with the model and the term frequencies that
Spark trained and counted, so they give the scores Spark gives.

Damerau-Levenshtein comes from the jar Splink ships for Spark 4 (Scala 2.13), and DuckDB's
Jaro-Winkler from Threadline's own jar (:mod:`.spark_udfs`), both passed with ``spark.jars``
when the session starts: no package is downloaded.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from threadline.resolve.blocking import BlockingPlan
from threadline.resolve.comparisons import Field
from threadline.resolve.sampling import Dialect, SampledSparkDialect
from threadline.resolve.spark_sql import duckdb_form, spark_form
from threadline.resolve.spark_udfs import udf_jar, udfs
from threadline.resolve.splink_model import SplinkModel

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from threadline.resolve.run import PreparedRun

__all__ = ["SparkEngine", "SparkModel", "spark_session"]

_names = itertools.count()


def spark_session(
    master: str = "local[*]",
    *,
    driver_memory: str = "4g",
    shuffle_partitions: int = 8,
    conf: dict[str, str] | None = None,
) -> SparkSession:
    """The Spark session of this process (started on first use) at ``master``, with Splink's
    similarity functions. A session already running is used as it is."""
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType
    from splink.internals.spark.jar_location import get_scala_udfs, similarity_jar_location

    builder = (
        SparkSession.builder.master(master)
        .appName("threadline-resolve")
        .config("spark.jars", f"{similarity_jar_location()},{udf_jar()}")
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    # jaro_winkler, damerau_levenshtein...: there for our own SQL too, not only Splink's.
    for name, java_class, returns in get_scala_udfs():  # type: ignore[no-untyped-call]  # Splink is untyped
        session.udf.registerJavaFunction(name, java_class, returns)
    for name, java_class in udfs():
        session.udf.registerJavaFunction(name, java_class, DoubleType())
    return session


class SparkEngine:
    """Blocking, training and scoring on Spark at ``master``."""

    name = "spark"

    def __init__(self, master: str = "local[*]", driver_memory: str = "4g") -> None:
        self.master = master
        self.driver_memory = driver_memory

    def session(self) -> SparkSession:
        return spark_session(self.master, driver_memory=self.driver_memory)

    def model(self, run: PreparedRun, settings: dict[str, Any]) -> SplinkModel:
        return SparkModel(run.con, "tl_records", settings, run.fields, self.session())


class SparkModel(SplinkModel):
    """A :class:`SplinkModel` whose linker runs on Spark, over a copy of the run's records."""

    dialect: Dialect = "spark"

    def __init__(
        self,
        con: Any,
        table: str,
        settings: dict[str, Any],
        fields: tuple[Field, ...],
        spark: SparkSession,
    ) -> None:
        self.spark = spark
        self.records: DataFrame = spark.createDataFrame(
            con.sql(f"SELECT * FROM {table}").to_arrow_table()  # noqa: S608 - SQL of our own constants
        ).persist()
        self._written = settings
        self._on_duckdb: SplinkModel | None = None
        self._views: list[str] = []
        super().__init__(con, table, settings, fields)

    # -- the engine's own ways -------------------------------------------------------------

    def _database_api(self) -> Any:
        from splink import SparkAPI

        class _SparkAPI(SparkAPI):
            """Splink's Spark API, drawing u's sample as DuckDB does (:mod:`.sampling`)."""

            sql_dialect = SampledSparkDialect()  # type: ignore[no-untyped-call]  # Splink is untyped

            def _break_lineage_and_repartition(
                self, spark_df: Any, templated_name: str, physical_name: str
            ) -> Any:
                kept = super()._break_lineage_and_repartition(  # type: ignore[no-untyped-call]
                    spark_df, templated_name, physical_name
                )
                if not kept.is_cached:
                    return kept
                # Splink's "persist" caches a table but keeps its plan: every later query
                # over it (each EM iteration) analysed the comparison SQL again, some 10^4
                # expressions. A local checkpoint keeps the rows in the executors' memory
                # (spilling to their disk) and starts the plan afresh from them.
                checkpointed = kept.localCheckpoint(eager=True)
                kept.unpersist()
                return checkpointed

        # Splink's tables are kept in the executors' memory, spilling to local disk: nothing
        # needs a checkpoint folder that every node of a cluster can reach.
        return _SparkAPI(  # type: ignore[no-untyped-call]  # Splink's Spark API is untyped
            spark_session=self.spark, break_lineage_method="persist"
        )

    def _table_of(self, name: str) -> Any:
        return self.records if name == self.table else self.spark.table(name)

    def _splink_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        self._written = settings
        return spark_form(settings)

    def _model_json(self) -> dict[str, Any]:
        return duckdb_form(self.linker.misc.save_model_to_json(), self._written)

    def _register_arrow(self, name: str, table: pa.Table) -> Any:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)
        self._views.append(name)
        return self.db_api.register(self.spark.table(name), table_name=f"{name}_sdf")

    def _fetch(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def _drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    # -- blocking and scoring on Spark ---------------------------------------------------------

    def predict(self, plan: BlockingPlan, floor: float) -> pa.Table:
        name = f"tl_blocked_{next(_names)}"
        pairs = self._blocked_pairs(plan).persist()
        pairs.createOrReplaceTempView(name)
        self.blocked = pairs.count()
        try:
            return self.predict_blocked(name, floor)
        finally:
            pairs.unpersist()

    def _blocked_pairs(self, plan: BlockingPlan) -> DataFrame:
        """The candidate pairs of ``plan`` as :func:`.blocking.blocked_pairs` writes them:
        each pair once, under the first rule that found it. Every record's keys are stacked
        as (rule, key) rows, so one equi-join (one shuffle) finds the pairs of every rule."""
        from pyspark.sql import functions as f

        if not plan.rules:
            return self.spark.createDataFrame(
                [], "match_key string, join_key_l bigint, join_key_r bigint"
            )
        keys = (
            self.records.select(
                "uid",
                f.explode(
                    f.array(
                        *(
                            f.struct(f.lit(number).alias("m"), f.col(rule.column).alias("k"))
                            for number, rule in enumerate(plan.rules)
                        )
                    )
                ).alias("e"),
            )
            .select("uid", "e.m", "e.k")
            .where(f.col("k").isNotNull())
        )
        left = keys.select(f.col("uid").alias("a"), "m", "k")
        right = keys.select(f.col("uid").alias("b"), "m", "k")
        return (
            left.join(right, ["m", "k"])
            .where(f.col("a") < f.col("b"))
            .groupBy("a", "b")
            .agg(f.min("m").alias("m"))
            .select(
                f.col("m").cast("string").alias("match_key"),
                f.col("a").alias("join_key_l"),
                f.col("b").alias("join_key_r"),
            )
        )

    # -- a handful of pairs: on DuckDB, with what Spark trained and counted ---------------------

    def _local(self) -> SplinkModel:
        if self._on_duckdb is None:
            local = SplinkModel(self.con, self.table, self.settings, self.fields)
            local.frozen_tf = self.term_frequency_tables()
            local._term_frequencies(local.linker)
            self._on_duckdb = local
        return self._on_duckdb

    def score_within(self, uids: Any, groups: Any) -> pa.Table:
        return self._local().score_within(uids, groups)

    def explain_many(self, pairs: Any, extra: Any) -> dict[tuple[int, int], dict[str, Any]]:
        return self._local().explain_many(pairs, extra)

    def close(self) -> None:
        """Release the run's tables in Spark."""
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        self._views = []
        self.records.unpersist()
