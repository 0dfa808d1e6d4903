"""One resolution run's records, prepared and keyed for blocking in a DuckDB database of its own."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from threadline.resolve.blocking import BlockingPlan, add_keys, plan_blocking
from threadline.resolve.normalise import Records, connect, prepare_in
from threadline.resolve.results import Scoring
from threadline.resolve.settings import IDENTIFIER_KEYS, ResolverSettings
from threadline.resolve.splink_model import SplinkModel, fields_for

__all__ = ["PreparedRun"]


class PreparedRun:
    """Records of one run, prepared in their own DuckDB database."""

    def __init__(
        self, records: Records, settings: ResolverSettings, scoring: Scoring | None = None
    ) -> None:
        self.tmp = tempfile.mkdtemp(prefix="threadline-resolve-")
        self.con = connect(settings.threads, settings.memory_limit)
        # Close the database and remove its spill directory when the run is dropped, even if
        # nobody calls close().
        self._finalizer = weakref.finalize(self, _release, self.con, self.tmp)
        self.con.execute("SET temp_directory = ?", [self.tmp])
        prepare_in(self.con, records, "tl_prepared")
        if scoring is None:
            size = self.con.sql("SELECT count(*) FROM tl_prepared").fetchall()[0][0]
            budget = max(settings.min_pair_budget, int(settings.max_pairs_per_record * size))
            self.plan: BlockingPlan = plan_blocking(
                self.con, "tl_prepared", budget, settings.max_block_size
            )
        else:
            self.plan = scoring.plan
        self.excluded = add_keys(
            self.con, "tl_prepared", "tl_records", self.plan,
            scoring.excluded if scoring is not None else None,
        )  # fmt: skip
        self.con.execute("DROP TABLE tl_prepared")
        ids = self.con.sql("SELECT uid, record_id FROM tl_records ORDER BY uid").to_arrow_table()
        self.record_ids: pa.ChunkedArray = ids.column("record_id")
        self.size = ids.num_rows
        if pc.count_distinct(self.record_ids).as_py() != self.size:
            raise ValueError("record_id values must be unique")
        self.fields = fields_for(self.con, "tl_records")
        self.model: SplinkModel | None = None
        self._digests: pa.ChunkedArray | None = None
        self.scored: tuple[pa.Table, np.ndarray, np.ndarray] | None = None

    def uids(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Row numbers (uid - 1) of record ids; -1 for ids not in this run."""
        found = pc.index_in(ids, value_set=self.record_ids)
        return np.asarray(found.fill_null(-1), dtype=np.int64)

    def strong_pairs(self, identifiers: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (as row numbers) sharing a deterministic identifier: each to its key's first,
        in record order. The order is part of the answer: where two records contradict each
        other, the pair joined first decides which of them an identifier match leaves out
        (:func:`.cluster.cluster_graph`); in the order a parallel query happens to give, two
        runs on the same records could part."""
        lefts, rights = [], []
        for name in identifiers:
            key = IDENTIFIER_KEYS[name]
            edges = self.con.sql(
                f"SELECT uid - 1 AS a, min(uid) OVER (PARTITION BY {key}) - 1 AS b "  # noqa: S608 - SQL of our own constants; values are bound
                f"FROM tl_records WHERE {key} IS NOT NULL ORDER BY uid"
            ).fetchnumpy()
            keep = edges["a"] != edges["b"]
            lefts.append(np.asarray(edges["a"][keep], dtype=np.int64))
            rights.append(np.asarray(edges["b"][keep], dtype=np.int64))
        if not lefts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(lefts), np.concatenate(rights)

    def digests(self) -> pa.ChunkedArray:
        """Per record (in row order), an MD5 digest of its prepared values: what it was
        given and what the whole data made of it (shared phone lines, photo groups)."""
        if self._digests is None:
            columns = [
                name
                for name, *_ in self.con.sql("DESCRIBE tl_records").fetchall()
                if name != "uid" and not str(name).startswith("bk_")
            ]
            values = ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), chr(0))' for c in columns)
            self._digests = (
                self.con.sql(
                    f"SELECT md5(concat_ws(chr(31), {values})) AS d FROM tl_records ORDER BY uid"  # noqa: S608 - SQL of our own column names
                )
                .to_arrow_table()
                .column("d")
            )
        return self._digests

    def record_pairs(self) -> list[tuple[int, int]]:
        """Pairs (as row numbers) of person records from one source record."""
        found = self.con.sql(
            "SELECT a.uid - 1, b.uid - 1 FROM tl_records a JOIN tl_records b "
            "ON a.record = b.record AND a.uid < b.uid ORDER BY a.uid, b.uid"
        ).fetchall()
        return [(int(a), int(b)) for a, b in found]

    def close(self) -> None:
        if self.model is not None:
            self.model.close()
            self.model = None
        self._finalizer()


def _release(con: Any, path: str) -> None:
    con.close()
    shutil.rmtree(path, ignore_errors=True)
