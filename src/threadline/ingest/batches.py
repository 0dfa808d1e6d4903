"""Batches: one load of one file, written whole or not at all.

A batch records the file's content hash, the mapping (name, version and digest), the agency,
the user, the time and its counts. Loading the same file again changes nothing and says which
batch holds it. A newer export of a source loads the rows whose key is new, and each row that
changed since it was loaded as an alteration: the next version of its record, stating the
values its mentions did not have. By default a file with any bad row is refused, listing the
first errors as file:row:column and reason; with ``on_error="skip"`` good rows load and the bad
ones go to a rejects file beside the source file. Rolling a batch back removes it and
everything derived only from it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.bulk import paused_gc
from threadline.errors import ThreadlineError
from threadline.ingest.convert import Converter, RecordDraft, RowError
from threadline.ingest.mapping import Mapping, MappingError
from threadline.ingest.readers import ReadError, Row, read_rows
from threadline.security.audit import log_refusal
from threadline.security.conditions import apply_rules
from threadline.security.errors import AccessDenied
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.chunks import chunked
from threadline.store.database import (
    DeferredIndexes,
    allocate_ids,
    bulk_insert,
    defer_indexes,
    insert_ignore,
    refresh_statistics,
    serialise,
)
from threadline.store.derived import forget_derived
from threadline.store.erased import agency_had_erasures, erased_keys
from threadline.store.name_index import index_names
from threadline.tracking.check import check_batch
from threadline.tracking.mail import deliver
from threadline.untrusted import valid_agency_code

__all__ = [
    "Agency",
    "BatchResult",
    "IngestError",
    "list_batches",
    "load_file",
    "may_load",
    "rollback_batch",
    "write_records",
]

CHUNK = 2_000
"""Records written per round trip: large enough to be fast, small enough to bound memory."""

MAX_LISTED = 20
"""How many row errors a refusal lists; the count of all of them is always given."""

BULK_ROWS = 50_000
"""A file of at least this many lines, for a source never loaded before, that would at least
double the records held, is loaded with the record tables' secondary indexes built after its
rows rather than row by row (:func:`threadline.store.database.defer_indexes`)."""

ANALYZE_ROWS = 10_000
"""After writing at least this many records a load refreshes the planner's statistics, so
that the next export of the source is checked against them with the tables' indexes."""

RECORD_TABLES = (t.records, t.mentions, t.statements, t.name_keys)
"""The tables a load fills."""

TEXT_FORMATS = ("csv", "jsonl", "ftm")
"""Formats with (at most) one row per line, whose line count estimates a file's rows."""

OnError = Literal["reject", "skip"]
Advance = Callable[[str, int], None]


class IngestError(ThreadlineError):
    """A file was refused; nothing was written."""


@dataclass(frozen=True, slots=True)
class Agency:
    """The agency a source belongs to, as sources.yaml or the mapping names it."""

    code: str
    name: str = ""
    kind: str = "other"


@dataclass(slots=True)
class BatchResult:
    """What a load did (or, for a dry run, would do)."""

    file: str
    mapping: str
    status: Literal["loaded", "already_loaded", "dry_run", "rejected"]
    batch_id: int | None = None
    rows_read: int = 0
    records_written: int = 0
    records_altered: int = 0
    """Rows loaded before under the same key whose values changed: each wrote the next
    version of its record (counted apart from `records_written`, the new keys)."""
    already_held: int = 0
    rows_erased: int = 0
    """Rows whose record was erased under retention review: never loaded again."""
    rows_rejected: int = 0
    warnings: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rejects_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A plain dictionary, for --json output."""
        return {name: getattr(self, name) for name in self.__slots__}


def content_hash(path: Path) -> str:
    """sha256 of a file, or of a folder's files (names and contents, in name order)."""
    return _scan(path)[0]


def _scan(path: Path) -> tuple[str, int]:
    """:func:`content_hash` and the number of lines (an upper bound on a text file's rows)."""
    digest = hashlib.sha256()
    lines = 0
    files = (
        sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        if path.is_dir()
        else [path]
    )  # a link is never read (see readers.read_text), so never hashed either
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                lines += chunk.count(b"\n")
    return digest.hexdigest(), lines


# -- agencies and sources ---------------------------------------------------------------------


def ensure_agency(conn: Connection, agency: Agency) -> int:
    """The id of `agency`, creating it on first sight (once, however many loads see it first
    at the same time)."""
    row = {"code": agency.code, "name": agency.name or agency.code, "kind": agency.kind}
    conn.execute(insert_ignore(t.agencies, [row], conn.dialect, ["code"]))
    return int(
        conn.execute(
            sa.select(t.agencies.c.id).where(t.agencies.c.code == agency.code)
        ).scalar_one()
    )


def may_load(conn: Connection, user_id: int, code: str) -> tuple[int, int]:
    """(agency id, loader's agency id) when user `user_id` may load `code`'s records: their
    own agency's, or a partner's that has given their agency a delivery right in an agreement
    in force. Ingest never creates an agency for a user: a partnership administrator does.
    Raises AccessDenied otherwise."""
    own = conn.execute(sa.select(t.users.c.agency_id).where(t.users.c.id == user_id)).scalar()
    target = conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code)).scalar()
    if own is None or target is None:
        raise AccessDenied(
            f"unknown agency {code!r}: a partnership administrator adds it "
            "(threadline agencies add CODE --name NAME)",
            action="collection",
            operation="ingest",
        )
    if int(target) == int(own):
        return int(target), int(own)
    today = date.today()
    sh = t.sharing_agreements.c
    delivered = conn.execute(
        sa.select(sh.id).where(
            sh.from_agency_id == target, sh.to_agency_id == own, sh.delivery == sa.true(),
            sh.valid_from <= today, sa.or_(sh.valid_to.is_(None), sh.valid_to >= today),
        )
    ).first()  # fmt: skip
    if delivered is None:
        raise AccessDenied(
            f"permission denied: {code!r} records are loaded by {code!r} itself, or by an "
            f"agency it has given a delivery right (threadline sharing add {code} YOURS "
            "--delivery)",
            action="collection",
            operation="ingest",
        )
    return int(target), int(own)


def refused(conn: Connection, user_id: int | None, denied: AccessDenied) -> None:
    """Audit a refused load, in a transaction of its own (the load's rolled back)."""
    row = conn.execute(
        sa.select(t.users.c.username, t.agencies.c.code)
        .join(t.agencies, t.agencies.c.id == t.users.c.agency_id)
        .where(t.users.c.id == user_id)
    ).first()
    log_refusal(conn, user_id=user_id, username="" if row is None else str(row.username),
                agency="" if row is None else str(row.code), operation=denied.operation,
                reason=str(denied))  # fmt: skip


def ensure_source(conn: Connection, agency_id: int, mapping: Mapping) -> int:
    """The id of the source a mapping reads for an agency, creating it on first sight."""
    query = sa.select(t.sources.c.id).where(
        t.sources.c.agency_id == agency_id, t.sources.c.name == mapping.name
    )
    found = conn.execute(query).scalar_one_or_none()
    if found is not None:
        return int(found)
    return int(
        conn.execute(
            sa.insert(t.sources)
            .values(agency_id=agency_id, name=mapping.name, system=mapping.system,
                    format=mapping.format)
            .returning(t.sources.c.id)
        ).scalar_one()
    )  # fmt: skip


# -- loading ----------------------------------------------------------------------------------


def _check_columns(mapping: Mapping, row: Row) -> None:
    """Every column the mapping names is in the file's header (tabular sources only)."""
    if mapping.format not in ("csv", "xlsx", "xls", "ods") or row.error:
        return
    present = set(row.values)
    for column, line in mapping.columns():
        if column not in present:
            raise MappingError(
                mapping.path,
                line or None,
                f"column {column!r} is not in the file (columns: {', '.join(sorted(present))})",
            )


def _validated_rows(mapping: Mapping, rows: Iterator[Row]) -> Iterator[Row]:
    first = True
    for row in rows:
        if first and not row.error:
            _check_columns(mapping, row)
            first = False
        yield row


def _source_holds(conn: Connection, table: sa.Table, source_id: int) -> bool:
    """Whether `table` has any row of the source."""
    query = sa.select(table.c.source_id).where(table.c.source_id == source_id).limit(1)
    return conn.execute(query).first() is not None


class _Sink:
    """Where converted records go: counted only (dry run) or written in chunks."""

    def __init__(
        self, conn: Connection | None, batch_id: int, agency_id: int, source_id: int,
        expected_rows: int, mapping_version: str,
    ) -> None:  # fmt: skip
        self.conn = conn
        self.mapping_version = mapping_version
        """The mapping (version and digest) this load reads with: a row held under another
        is converted again and compared, as a changed mapping may read it differently."""
        self.batch_id = batch_id
        self.agency_id = agency_id
        self.source_id = source_id
        self.pending: list[RecordDraft] = []
        self.counts: Counter[str] = Counter()
        self.written = 0
        self.altered = 0
        self.held = 0
        self.erased = 0
        self.source_had_records = conn is not None and _source_holds(conn, t.records, source_id)
        """Only a source loaded before can hold a row's key already: for a new source the
        look-up is skipped (duplicates within the file are caught as they are read)."""
        self.source_had_erasures = conn is not None and agency_had_erasures(conn, source_id)
        """A row whose record was erased (retention) is never loaded again from a later
        export: its key is looked up among the agency's tombstones."""
        self.deferred: DeferredIndexes | None = None
        if conn is not None and not self.source_had_records and expected_rows >= BULK_ROWS:
            stored = conn.execute(sa.select(sa.func.max(t.records.c.id))).scalar() or 0
            if expected_rows >= stored:
                # Batches too: their key is checked on every record, and only other loads
                # (which wait for this one's records anyway) and batch listings read them.
                # On PostgreSQL, while other loads are writing, this load keeps the indexes
                # (None): dropping them behind those loads could deadlock with them.
                self.deferred = defer_indexes(conn, RECORD_TABLES, parents=(t.batches,))

    def add(self, record: RecordDraft) -> None:
        self.pending.append(record)
        for mention in record.mentions:
            self.counts[mention.schema] += 1
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        records, self.pending = self.pending, []
        if self.conn is None:
            self.written += len(records)
            return
        held = _latest_versions(self.conn, self.source_id, [r.key for r in records]) if (
            self.source_had_records) else {}  # fmt: skip
        erased = (
            erased_keys(self.conn, self.source_id, [r.key for r in records if r.key not in held])
            if self.source_had_erasures
            else set()
        )
        fresh: list[RecordDraft] = []
        changed: list[tuple[RecordDraft, int, bool]] = []
        for record in records:
            found = held.get(record.key)
            if found is None:
                if record.key not in erased:
                    fresh.append(record)
            else:
                row_changed = found[1] != record.raw
                if row_changed or found[2] != self.mapping_version:
                    changed.append((record, found[0] + 1, row_changed))
        altered = 0
        if fresh:
            _write(self.conn, fresh, self.batch_id, self.agency_id, self.source_id)
        if changed:
            altered = _alter(self.conn, changed, self.batch_id, self.agency_id, self.source_id)
        self.erased += len(erased)
        self.held += len(records) - len(fresh) - altered - len(erased)
        self.written += len(fresh)
        self.altered += altered

    def finish(self) -> None:
        """Build what was deferred and refresh the planner's view of a large load."""
        if self.conn is None:
            return
        if self.deferred is not None:
            self.deferred.restore()
        if self.written >= ANALYZE_ROWS:
            refresh_statistics(self.conn, RECORD_TABLES)


RECORD_COLUMNS = (
    "id", "batch_id", "agency_id", "source_id", "record_key", "location", "grading_scheme",
    "source_evaluation", "information_assessment", "handling_code", "handling_conditions",
    "marking", "original_marking", "retention_group", "review_date", "reported_on", "raw",
    "warnings", "flags",
)  # fmt: skip
MENTION_COLUMNS = ("id", "record_id", "schema", "slot", "role", "caption")
STATEMENT_COLUMNS = (
    "record_id", "mention_id", "schema", "prop", "value", "original_value", "kind", "origin",
    "span_start", "span_end", "flags",
)  # fmt: skip


def _json(value: list[str] | dict[str, str]) -> str:
    """Compact JSON text, as json.dumps(ensure_ascii=False) writes it. orjson (which
    followthemoney and rigour require) is ten times faster on the raw row of every record;
    text it refuses (a lone surrogate from a JSON source) goes through json."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _record_rows(
    records: Sequence[RecordDraft], ids: Sequence[int], batch_id: int, agency_id: int,
    source_id: int,
) -> list[tuple[Any, ...]]:  # fmt: skip
    return [
        (record_id, batch_id, agency_id, source_id, r.key, r.location[:255], r.grading_scheme,
         r.source_evaluation, r.information_assessment, r.handling_code,
         _json(r.handling_conditions), r.marking, r.original_marking, r.retention_group,
         r.review_date.isoformat(), r.reported_on.isoformat() if r.reported_on else None,
         _json(r.raw), _json(r.warnings), _json(r.flags))
        for record_id, r in zip(ids, records, strict=True)
    ]  # fmt: skip


def write_records(
    conn: Connection, records: Sequence[RecordDraft], batch_id: int, agency_id: int,
    source_id: int,
) -> list[int]:  # fmt: skip
    """Write new records of a batch as every load writes them (a captured report's too); the
    records' ids, in order."""
    return _write(conn, records, batch_id, agency_id, source_id)


def _write(
    conn: Connection, records: Sequence[RecordDraft], batch_id: int, agency_id: int,
    source_id: int,
) -> list[int]:  # fmt: skip
    """Write records, their mentions and statements with bulk inserts (COPY on PostgreSQL)."""
    ids = allocate_ids(conn, t.records, len(records))
    record_rows = _record_rows(records, ids, batch_id, agency_id, source_id)
    mentions: list[tuple[Any, ...]] = []
    statements: list[tuple[Any, ...]] = []
    for record_id, record in zip(ids, records, strict=True):
        for m in record.mentions:
            mentions.append((m.id, record_id, m.schema, m.slot, m.role, m.caption[:2000]))
            head = (record_id, m.id, m.schema)
            statements.extend([head + s for s in m.statements])
    bulk_insert(conn, t.records, RECORD_COLUMNS, record_rows)
    bulk_insert(conn, t.mentions, MENTION_COLUMNS, mentions)
    bulk_insert(conn, t.statements, STATEMENT_COLUMNS, statements)
    index_names(conn, (row[:2] + row[3:5] for row in statements))
    return list(ids)


def _mapping_version(mapping: Mapping) -> str:
    return f"{mapping.version}+{mapping.digest[:12]}"


def _latest_versions(
    conn: Connection, source_id: int, keys: Sequence[str]
) -> dict[str, tuple[int, dict[str, str], str]]:
    """The latest version of each of `keys` the source holds: its number, its raw row and
    the mapping (version and digest) that read it."""
    r = t.records.c
    query = (
        sa.select(r.record_key, r.version, r.raw, t.batches.c.mapping_version)
        .join(t.batches, t.batches.c.id == r.batch_id)
        .where(r.source_id == source_id, r.record_key.in_(keys))
    )
    latest: dict[str, tuple[int, dict[str, str], str]] = {}
    for key, version, raw, mapping_version in conn.execute(query):
        if key not in latest or version > latest[key][0]:
            latest[key] = (int(version), raw, str(mapping_version))
    return latest


def _alter(
    conn: Connection, changed: Sequence[tuple[RecordDraft, int, bool]], batch_id: int,
    agency_id: int, source_id: int,
) -> int:  # fmt: skip
    """Write the next version of each changed row's record, the mentions it makes that did not
    exist, and the statements its mentions did not already hold (same property and value).

    Each of `changed` is (record, its next version, whether its row changed). A row that did
    not change but was read by another mapping is altered only if the mapping reads something
    new from it. Returns how many records were altered.
    """
    mention_ids = [m.id for record, _, _ in changed for m in record.mentions]
    s = t.statements.c
    existing: set[str] = set()
    stated: set[tuple[str, str, str]] = set()
    for part in chunked(mention_ids, 5_000):
        existing.update(
            conn.execute(sa.select(t.mentions.c.id).where(t.mentions.c.id.in_(part))).scalars()
        )
        query = sa.select(s.mention_id, s.prop, s.value).where(s.mention_id.in_(part))
        stated.update((m, p, v) for m, p, v in conn.execute(query))
    altered: list[tuple[RecordDraft, int, list[Any], list[Any]]] = []
    for record, version, row_changed in changed:
        new_mentions = [m for m in record.mentions if m.id not in existing]
        new_statements = [
            (m, st) for m in record.mentions for st in m.statements
            if (m.id, st.prop, st.value) not in stated
        ]  # fmt: skip
        if row_changed or new_mentions or new_statements:
            altered.append((record, version, new_mentions, new_statements))
    if not altered:
        return 0
    records = [record for record, _, _, _ in altered]
    ids = allocate_ids(conn, t.records, len(records))
    rows = [
        (*row, version)
        for row, (_, version, _, _) in zip(
            _record_rows(records, ids, batch_id, agency_id, source_id), altered, strict=True
        )
    ]
    mentions: list[tuple[Any, ...]] = []
    statements: list[tuple[Any, ...]] = []
    for record_id, (_, _, new_mentions, new_statements) in zip(ids, altered, strict=True):
        mentions.extend(
            (m.id, record_id, m.schema, m.slot, m.role, m.caption[:2000]) for m in new_mentions
        )
        statements.extend((record_id, m.id, m.schema, *st) for m, st in new_statements)
    bulk_insert(conn, t.records, (*RECORD_COLUMNS, "version"), rows)
    bulk_insert(conn, t.mentions, MENTION_COLUMNS, mentions)
    bulk_insert(conn, t.statements, STATEMENT_COLUMNS, statements)
    index_names(conn, (row[:2] + row[3:5] for row in statements))
    return len(altered)


def _already_loaded(conn: Connection, digest: str, mapping: Mapping) -> int | None:
    """The batch that loaded this file with this mapping as it stands; a file loaded with an
    earlier version of the mapping is read again (see `_Sink.mapping_version`)."""
    found = conn.execute(
        sa.select(t.batches.c.id).where(
            t.batches.c.content_hash == digest,
            t.batches.c.mapping_name == mapping.name,
            t.batches.c.mapping_version == _mapping_version(mapping),
            t.batches.c.status == "loaded",
        )
    ).scalar()
    return int(found) if found is not None else None


def load_file(
    store: Store,
    path: Path,
    mapping: Mapping,
    agency: Agency,
    *,
    user_id: int | None = None,
    on_error: OnError = "reject",
    dry_run: bool = False,
    progress: Advance | None = None,
    today: date | None = None,
    audit: Callable[[Connection, int, BatchResult], None] | None = None,
) -> BatchResult:
    """Load one file through one mapping as one batch (see the module docstring)."""
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if not valid_agency_code(agency.code):
        raise IngestError(
            f"agency code {agency.code!r}: use lower-case letters, digits, - and _ (at most 64)"
        )
    digest, lines = _scan(path)
    result = BatchResult(file=str(path), mapping=mapping.name, status="dry_run")
    converter = Converter(mapping, agency.code, today=today)
    try:
        with store.connect() as conn, paused_gc():
            _load(
                conn,
                path,
                mapping,
                agency,
                (digest, lines),
                converter,
                result,
                user_id=user_id,
                on_error=on_error,
                dry_run=dry_run,
                progress=progress,
                audit=audit,
            )
    except _Undo:
        pass
    except AccessDenied as denied:
        with store.connect() as conn:
            refused(conn, user_id, denied)
        raise
    if result.status == "loaded":
        deliver(store)  # alerts the batch raised, mailed now that it has committed
    return result


class _Undo(Exception):
    """Raised inside the batch transaction to roll everything back (refusal, dry run)."""


def _load(
    conn: Connection, path: Path, mapping: Mapping, agency: Agency, scanned: tuple[str, int],
    converter: Converter, result: BatchResult, *, user_id: int | None, on_error: OnError,
    dry_run: bool, progress: Advance | None,
    audit: Callable[[Connection, int, BatchResult], None] | None,
) -> None:  # fmt: skip
    digest, lines = scanned
    # Two loads of one source at once would both find the file new: the second waits here
    # for the first to end, and then finds what it holds. Other sources load meanwhile.
    serialise(conn, f"ingest:{agency.code}/{mapping.name}", t.sources)
    held_by = _already_loaded(conn, digest, mapping)
    if held_by is not None:
        result.status = "already_loaded"
        result.batch_id = held_by
        return
    loader: int | None = None
    if user_id is None:  # a load by the system itself (tests, the scenario's evaluation)
        agency_id = ensure_agency(conn, agency)
    else:
        agency_id, loader = may_load(conn, user_id, agency.code)
    source_id = ensure_source(conn, agency_id, mapping)
    batch_id = 0
    if not dry_run:
        batch_id = int(
            conn.execute(
                sa.insert(t.batches)
                .values(source_id=source_id, agency_id=agency_id, user_id=user_id,
                        loaded_by_agency_id=loader,
                        file_name=path.name, content_hash=digest, mapping_name=mapping.name,
                        mapping_version=_mapping_version(mapping),
                        status="loading", counts={}, started_at=datetime.now(UTC))
                .returning(t.batches.c.id)
            ).scalar_one()
        )  # fmt: skip
    rows = lines if mapping.format in TEXT_FORMATS else 0
    sink = _Sink(None if dry_run else conn, batch_id, agency_id, source_id, rows,
                 _mapping_version(mapping))  # fmt: skip
    rejected: list[tuple[RowError, dict[str, str]]] = []
    seen: dict[str, int] = {}
    try:
        for row in _validated_rows(mapping, read_rows(path, mapping.format, mapping.options)):
            result.rows_read += 1
            outcome = converter.convert(row)
            if isinstance(outcome, RecordDraft) and outcome.key in seen:
                outcome = RowError(
                    row.number, mapping.key[0] if mapping.key else None,
                    f"duplicate key {outcome.key!r} (first at row {seen[outcome.key]})",
                )  # fmt: skip
            if isinstance(outcome, RowError):
                rejected.append((outcome, row.values))
                if len(result.errors) < MAX_LISTED:
                    result.errors.append(outcome.describe(path.name))
                continue
            seen[outcome.key] = row.number
            result.warnings += len(outcome.warnings)
            sink.add(outcome)
            if progress is not None and result.rows_read % 500 == 0:
                progress(path.name, 500)
        sink.flush()
    except ReadError as exc:
        raise IngestError(f"{exc} (nothing was written)") from None
    if progress is not None:
        progress(path.name, result.rows_read % 500)
    result.rows_rejected = len(rejected)
    result.counts = dict(sorted(sink.counts.items()))
    result.records_written = sink.written
    result.records_altered = sink.altered
    result.already_held = sink.held
    result.rows_erased = sink.erased
    if rejected and on_error == "reject" and not dry_run:
        result.status = "rejected"
        raise _Undo
    if dry_run:
        raise _Undo
    sink.finish()
    apply_rules(conn, t.records.c.source_id == source_id, mapping.handling_rules)
    if rejected:
        result.rejects_path = str(_write_rejects(path, batch_id, rejected))
    conn.execute(
        sa.update(t.batches)
        .where(t.batches.c.id == batch_id)
        .values(status="loaded", rows_read=result.rows_read,
                records_written=result.records_written, records_altered=result.records_altered,
                rows_rejected=result.rows_rejected,
                counts=result.counts, rejects_path=result.rejects_path,
                finished_at=datetime.now(UTC))
    )  # fmt: skip
    result.status = "loaded"
    result.batch_id = batch_id
    if audit is not None:
        audit(conn, batch_id, result)
    check_batch(conn, batch_id)  # not counted in the result: others' watches are theirs


def _write_rejects(
    path: Path, batch_id: int, rejected: Iterable[tuple[RowError, dict[str, str]]]
) -> Path:
    out = path.with_name(f"{path.name}.batch-{batch_id}.rejects.csv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "column", "reason", "values"])
        for error, values in rejected:
            writer.writerow(
                [error.line, error.column or "", error.reason,
                 json.dumps(values, ensure_ascii=False)]
            )  # fmt: skip
    return out


# -- listing and rolling back -----------------------------------------------------------------


def list_batches(store: Store) -> list[dict[str, Any]]:
    """Every batch, newest first, with its agency and source."""
    query = (
        sa.select(
            t.batches.c.id, t.agencies.c.code.label("agency"), t.sources.c.name.label("source"),
            t.batches.c.file_name, t.batches.c.status, t.batches.c.rows_read,
            t.batches.c.records_written, t.batches.c.records_altered, t.batches.c.rows_rejected,
            t.batches.c.mapping_version,
            t.batches.c.started_at, t.batches.c.content_hash,
        )
        .join(t.agencies, t.agencies.c.id == t.batches.c.agency_id)
        .join(t.sources, t.sources.c.id == t.batches.c.source_id)
        .order_by(t.batches.c.id.desc())
    )  # fmt: skip
    with store.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def rollback_batch(
    conn: Connection, batch_id: int, *, by_agency: int | None = None
) -> dict[str, int]:
    """Remove a batch's records and everything derived from them; keep the batch row (status
    ``rolled_back``) so the history of loads stays whole. Returns what was removed.

    With `by_agency` (the acting user's agency), only the agency that owns the records, or
    the one that loaded them under a delivery right, may roll the batch back (AccessDenied,
    with the same words as for a batch that does not exist). What was derived from the
    records goes too (`threadline.store.derived`): judgements and resolution pairs of their
    mentions, indicators and ranked entries citing them; analysis runs are marked stale.
    """
    row = conn.execute(
        sa.select(t.batches.c.status, t.batches.c.agency_id, t.batches.c.loaded_by_agency_id).where(
            t.batches.c.id == batch_id
        )
    ).first()
    if by_agency is not None and (
        row is None or by_agency not in (row.agency_id, row.loaded_by_agency_id)
    ):
        raise AccessDenied(
            f"no batch {batch_id} that your agency may roll back",
            action="erasure",
            operation="batches.rollback",
        )
    if row is None:
        raise IngestError(f"no batch {batch_id}")
    status = row.status
    if status != "loaded":
        raise IngestError(f"batch {batch_id} is {status}, not loaded: nothing to roll back")
    later = _altered_later(conn, batch_id)
    if later:
        raise IngestError(
            f"batch {batch_id} holds records that later batches altered: roll back "
            f"{', '.join(map(str, later))} first"
        )
    record_ids = sa.select(t.records.c.id).where(t.records.c.batch_id == batch_id)
    removed: dict[str, int] = {}
    mention_ids = sa.select(t.mentions.c.id).where(t.mentions.c.record_id.in_(record_ids))
    touched = set(
        conn.execute(
            sa.select(t.mentions.c.entity_id).where(
                t.mentions.c.record_id.in_(record_ids), t.mentions.c.entity_id.is_not(None)
            )
        ).scalars()
    )
    doomed = [int(i) for i in conn.execute(record_ids).scalars()]
    mentioned = [str(i) for i in conn.execute(mention_ids).scalars()]
    # A load undone is not an erasure: the term frequencies the model scored with stay (they
    # are population figures, not the batch's rows), so the next run scores as before.
    removed.update(forget_derived(conn, doomed, mentioned, f"batch {batch_id} was rolled back"))
    removed["statements"] = conn.execute(
        sa.delete(t.statements).where(t.statements.c.record_id.in_(record_ids))
    ).rowcount
    removed["link_evidence"] = conn.execute(
        sa.delete(t.link_evidence).where(t.link_evidence.c.record_id.in_(record_ids))
    ).rowcount
    removed["mentions"] = conn.execute(
        sa.delete(t.mentions).where(t.mentions.c.id.in_(mention_ids))
    ).rowcount
    removed["records"] = conn.execute(
        sa.delete(t.records).where(t.records.c.batch_id == batch_id)
    ).rowcount
    evidence = sa.select(t.link_evidence.c.link_id)
    removed["links"] = conn.execute(
        sa.delete(t.links).where(t.links.c.id.not_in(evidence))
    ).rowcount
    if touched:
        still = sa.select(t.mentions.c.entity_id).where(t.mentions.c.entity_id.is_not(None))
        orphan = [e for e in touched if e is not None]
        removed["entities"] = conn.execute(
            sa.delete(t.entities).where(t.entities.c.id.in_(orphan), t.entities.c.id.not_in(still))
        ).rowcount
        removed["entities_stale"] = conn.execute(
            sa.update(t.entities).where(t.entities.c.id.in_(orphan)).values(stale=True)
        ).rowcount
    conn.execute(
        sa.update(t.batches).where(t.batches.c.id == batch_id).values(status="rolled_back")
    )
    return removed


def _altered_later(conn: Connection, batch_id: int) -> list[int]:
    """The batches holding a later version of a record of `batch_id`, newest first.

    A later version states only what changed and shares its mentions with the earlier one,
    so the earlier batch cannot go while it stands.
    """
    mine, later = t.records.alias("mine"), t.records.alias("later")
    query = (
        sa.select(later.c.batch_id)
        .join(
            mine,
            sa.and_(
                mine.c.source_id == later.c.source_id,
                mine.c.record_key == later.c.record_key,
                mine.c.version < later.c.version,
            ),
        )
        .where(mine.c.batch_id == batch_id)
        .distinct()
    )
    return sorted({int(b) for b in conn.execute(query).scalars()}, reverse=True)
