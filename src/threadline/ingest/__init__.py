"""Ingest: partner files read through declarative source mappings into records and statements.

- `load_mapping` and `Mapping`: a source mapping (YAML) validated with file and line.
- `load_file`: one file as one whole-or-nothing, idempotent batch; `rollback_batch` undoes it.
- `ingest_folder`: every file a delivery's sources.yaml lists, each as its own batch.
"""

from threadline.ingest.batches import Agency, BatchResult, IngestError, load_file, rollback_batch
from threadline.ingest.deliveries import ingest_folder
from threadline.ingest.mapping import Mapping, MappingError, load_mapping

__all__ = [
    "Agency",
    "BatchResult",
    "IngestError",
    "Mapping",
    "MappingError",
    "ingest_folder",
    "load_file",
    "load_mapping",
    "rollback_batch",
]
