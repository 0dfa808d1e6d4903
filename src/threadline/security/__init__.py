"""Security: who may see what, the tamper-evident audit log, and MoPI retention.

- `resolve_actor` and `Actor`: the user a command or request acts as; `bootstrap` creates the
  local analyst account of an embedded store.
- `visible_records_clause`, `visible_record_ids` and `View`: the access policy, enforced where
  data is read. Every read of records, mentions, statements, entities, links and indicators
  goes through a View.
- `audit` and `transaction`: the DPA 2018 s62 log, hash-chained (`verify_chain`).
- `retain_record`, `erase_record` and `subject_access`: MoPI review and DPA rights.
"""

from threadline.security.actors import Actor, UserRole, bootstrap, resolve_actor
from threadline.security.audit import audit, find_events, transaction
from threadline.security.chain import verify_chain
from threadline.security.errors import AccessDenied, NotFound
from threadline.security.policy import visible_record_ids, visible_records_clause
from threadline.security.retention import erase_record, erasures, retain_record
from threadline.security.subject_access import subject_access
from threadline.security.view import View

__all__ = [
    "AccessDenied",
    "Actor",
    "NotFound",
    "UserRole",
    "View",
    "audit",
    "bootstrap",
    "erase_record",
    "erasures",
    "find_events",
    "resolve_actor",
    "retain_record",
    "subject_access",
    "transaction",
    "verify_chain",
    "visible_record_ids",
    "visible_records_clause",
]
