"""Where a resolution run's heavy work runs: DuckDB in this process (the default), or Spark.

An engine makes the person model of a run (:class:`.splink_model.SplinkModel` or a subclass):
blocking the candidate pairs, training and scoring them happen on its database. Preparation,
clustering, judgements and stable ids are the same code whatever the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from threadline.resolve.splink_model import SplinkModel

if TYPE_CHECKING:
    from threadline.resolve.run import PreparedRun

__all__ = ["ENGINES", "DuckDBEngine", "Engine", "engine_named"]

ENGINES = ("duckdb", "spark")
"""The engines by name, the default first."""


class Engine(Protocol):
    """Makes the person model of a run."""

    name: str

    def model(self, run: PreparedRun, settings: dict[str, Any]) -> SplinkModel:
        """The model of ``run`` with Splink ``settings`` (written in DuckDB's SQL)."""
        ...


class DuckDBEngine:
    """Everything in the run's own DuckDB database, in this process."""

    name = "duckdb"

    def model(self, run: PreparedRun, settings: dict[str, Any]) -> SplinkModel:
        return SplinkModel(run.con, "tl_records", settings, run.fields)


def engine_named(
    name: str, spark_master: str | None = None, driver_memory: str | None = None
) -> Engine:
    """The engine called ``name`` (see :data:`ENGINES`); Spark at ``spark_master`` (default:
    ``local[*]``, every core of this machine) with ``driver_memory`` (default 4g)."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        from threadline.resolve.spark_model import SparkEngine

        return SparkEngine(spark_master or "local[*]", driver_memory or "4g")
    raise ValueError(f"unknown resolution engine {name!r} (known: {', '.join(ENGINES)})")
