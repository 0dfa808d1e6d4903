"""Loading a partner's delivery: every file its sources.yaml lists, each as a batch, audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Connection

from threadline.ingest.batches import Agency, BatchResult, load_file
from threadline.ingest.sources import find_mapping, read_sources
from threadline.progress import progress_bar, report_console
from threadline.security import Actor, audit
from threadline.store import Store

__all__ = ["collector", "ingest_folder"]

console = report_console()


def collector(actor: Actor) -> Callable[[Connection, int, BatchResult], None]:
    """The audit hook of a load: one `collection` event per batch, naming the batch (every
    record names its batch, so the event covers each record the batch wrote), and beside it an
    `alteration` event when the batch loaded changed rows as new versions of their records."""

    def record(conn: Connection, batch_id: int, result: BatchResult) -> None:
        about = {"batch": batch_id, "file": Path(result.file).name, "mapping": result.mapping}
        audit(
            conn, actor, "collection", "ingest.batch",
            detail={**about, "records": result.records_written, "rejected": result.rows_rejected,
                    "erased": result.rows_erased},
        )  # fmt: skip
        if result.records_altered:
            audit(conn, actor, "alteration", "ingest.batch",
                  detail={**about, "altered": result.records_altered})  # fmt: skip

    return record


def ingest_folder(
    store: Store, folder: Path, *, on_error: str = "reject", dry_run: bool = False,
    actor: Actor | None = None,
) -> list[BatchResult]:  # fmt: skip
    """Load every file listed in FOLDER/sources.yaml, each as its own batch; with an actor,
    each batch is recorded as theirs and audited as a collection."""
    entries = read_sources(folder)
    mappings = {e.mapping: find_mapping(e.mapping, folder) for e in entries}
    results = []
    with progress_bar(console, "Ingesting") as advance:
        for entry in entries:
            mapping = mappings[entry.mapping]
            agency = entry.agency if entry.agency.code else Agency(mapping.agency)
            results.append(
                load_file(
                    store,
                    entry.path,
                    mapping,
                    agency,
                    on_error="skip" if on_error == "skip" else "reject",
                    dry_run=dry_run,
                    progress=advance,
                    user_id=actor.user_id if actor else None,
                    audit=collector(actor) if actor else None,
                )
            )
    return results
