"""Command line for users, cases, sharing agreements, the audit log, retention, subject access.

Register in the main app::

    app.add_typer(users_app, name="users")
    app.add_typer(cases_app, name="cases")
    app.add_typer(sharing_app, name="sharing")
    app.add_typer(audit_app, name="audit")
    app.add_typer(retention_app, name="retention")
    app.command("subject-access")(subject_access)

Every command acts as a user (``--user``, else $THREADLINE_USER, else the local account) and is
audited under that user. Free text in the output is quoted and escaped, so nothing stored can
forge a line of it. The commands live in `_cli_admin` and `_cli_records`.
"""

from __future__ import annotations

from threadline.security import _cli_admin  # noqa: F401 - registers its commands on the apps
from threadline.security._cli_common import (
    PASSWORD_ENV,
    DbOption,
    UserOption,
    audit_app,
    cases_app,
    retention_app,
    sharing_app,
    users_app,
)
from threadline.security._cli_records import subject_access

__all__ = [
    "PASSWORD_ENV",
    "DbOption",
    "UserOption",
    "audit_app",
    "cases_app",
    "retention_app",
    "sharing_app",
    "subject_access",
    "users_app",
]
