"""Security: who may see what, the tamper-evident audit log, and MoPI retention.

- `resolve_actor` and `Actor`: the user a command or request acts as; `bootstrap` creates the
  local analyst account of an embedded store.
- `visible_records_clause` and `visible_record_ids`: the access policy as SQL, which the one
  read path (`threadline.read.View`) applies to every read.
- `threadline.security.handling`: the handling rules, which read free-text handling conditions
  as restrictions (`handling_rules.yaml`); `threadline.security.conditions` stores what each
  record's conditions allow, for the policy to test.
- `audit` and `transaction`: the DPA 2018 s62 log, hash-chained (`verify_chain`).
- `retain_record` and `erase_record`: MoPI review and erasure (subject access, a read, is in
  `threadline.security.subject_access`).
"""

from threadline.security.actors import Actor, UserRole
from threadline.security.audit import audit, find_events, transaction
from threadline.security.chain import verify_chain
from threadline.security.errors import AccessDenied, NotFound
from threadline.security.identity import bootstrap, resolve_actor
from threadline.security.policy import visible_record_ids, visible_records_clause
from threadline.security.retention import erase_record, erasures, retain_record

__all__ = [
    "AccessDenied",
    "Actor",
    "NotFound",
    "UserRole",
    "audit",
    "bootstrap",
    "erase_record",
    "erasures",
    "find_events",
    "resolve_actor",
    "retain_record",
    "transaction",
    "verify_chain",
    "visible_record_ids",
    "visible_records_clause",
]
