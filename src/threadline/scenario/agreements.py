"""The scenario's information-sharing agreements: every partner shares with the local analyst.

The demo and `threadline evaluate scenario` record them once the scenario is loaded, as a
local administrator would, so that the local analyst sees the partners' shareable records.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml

from threadline.security import resolve_actor
from threadline.security.actors import LOCAL_AGENCY
from threadline.security.sharing import add_agreement
from threadline.security.users import add_user
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["DEMO_ADMIN", "record_agreements"]


DEMO_ADMIN = "admin"
"""The local administrator the demo creates to record the sharing agreements."""


def record_agreements(store: Store, folder: Path) -> list[str]:
    """Agreements from every agency of the scenario to the local analyst's agency, recorded
    by a local administrator (created if missing). Returns the agencies newly agreed."""
    agencies = sorted(
        {str(e["agency"]) for e in yaml.safe_load((folder / "sources.yaml").read_text())["sources"]}
    )
    analyst = resolve_actor(store)
    with store.connect() as conn:
        exists = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == DEMO_ADMIN)
        ).scalar()
        if exists is None:
            add_user(conn, analyst, DEMO_ADMIN, LOCAL_AGENCY, ["administrator"],
                     display_name="Local administrator (demo)")  # fmt: skip
    admin = resolve_actor(store, DEMO_ADMIN)
    done = []
    with store.connect() as conn:
        agreed = set(
            conn.execute(
                sa.select(t.agencies.c.code)
                .join(
                    t.sharing_agreements, t.sharing_agreements.c.from_agency_id == t.agencies.c.id
                )
                .where(t.sharing_agreements.c.to_agency_id == admin.agency_id)
            ).scalars()
        )
        for code in agencies:
            if code in agreed:
                continue
            add_agreement(conn, admin, code, LOCAL_AGENCY, conditions_allowed=True,
                          reference="Synthetic scenario information sharing agreement")  # fmt: skip
            done.append(code)
    return done
