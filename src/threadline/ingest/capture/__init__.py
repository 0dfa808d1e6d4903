"""Intelligence capture: one report in the national 3x5x2 shape, validated and saved as ingest
saves a loaded row (the browser form, ``POST /api/v1/intelligence`` and ``threadline capture``
all use it).

- `IntelligenceReport` (with `Subject`, `ReportStatement`, `IdentifierDecision`): the report,
  validated field by field; `report_schema()` is its JSON schema; `field_errors` words a
  pydantic ValidationError as ``field.path: message`` lines.
- `identifiers_in(narrative)`: what the ingest extractor finds in the narrative (kind, span,
  cleaned value), for the author to confirm or reject.
- `capture(store, actor, report)` / `capture_with(view, report)`: save it as a batch of one
  record of the agency's ``capture`` source, audited as a collection; a `CapturedRecord`.
"""

from threadline.ingest.capture.identifiers import FoundIdentifier, identifiers_in
from threadline.ingest.capture.report import (
    IdentifierDecision,
    IntelligenceReport,
    ReportStatement,
    Subject,
    SubjectKind,
    field_errors,
    report_schema,
)
from threadline.ingest.capture.save import CapturedRecord, CaptureError, capture, capture_with

__all__ = [
    "CaptureError",
    "CapturedRecord",
    "FoundIdentifier",
    "IdentifierDecision",
    "IntelligenceReport",
    "ReportStatement",
    "Subject",
    "SubjectKind",
    "capture",
    "capture_with",
    "field_errors",
    "identifiers_in",
    "report_schema",
]
