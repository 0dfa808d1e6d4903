"""The scenario's partnership: every partner agency, sharing with the local analyst's agency
and letting it load their deliveries.

The demo and `threadline evaluate scenario` set it up before the partners' files are loaded,
as a partnership administrator would (the embedded store's owner, or a first administrator
made for it): the agencies of the delivery's sources.yaml are added,
and each records an agreement with the local analyst's agency that lets its records flow
(handling code C included) and gives a delivery right, so that the local analyst loads the
files on the partners' behalf.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa

from threadline.ingest.sources import read_sources
from threadline.security.actors import LOCAL_AGENCY, Actor, UserRole
from threadline.security.identity import first_administrator, has_administrator, resolve_actor
from threadline.security.sharing import add_agreement
from threadline.security.users import add_agency, add_user, set_password
from threadline.store import Store
from threadline.store import tables as t

__all__ = ["DEMO_ADMIN", "DEMO_ANALYST", "Partnership", "demo_login", "record_agreements"]

DEMO_ADMIN = "admin"
"""The local administrator the demo creates to set up the partnership."""
DEMO_ANALYST = "demo"
"""The local analyst the demo signs in to the workbench as."""


class Partnership:
    """What `record_agreements` did: the agreements it recorded, and the administrator's
    password when it created them (the demo prints it once)."""

    def __init__(self, agreed: list[str], password: str | None) -> None:
        self.agreed = agreed
        self.password = password


def _administrator(store: Store) -> tuple[Actor, str | None]:
    owner = resolve_actor(store) if store.embedded else None
    if owner is not None and owner.has(UserRole.PARTNERSHIP):
        return owner, None  # the embedded store's owner administers their own installation
    if has_administrator(store):
        with store.connect() as conn:
            exists = conn.execute(
                sa.select(t.users.c.id).where(t.users.c.username == DEMO_ADMIN)
            ).first()
        if exists is None:
            raise RuntimeError("this store has an administrator of its own: ask them")
        return resolve_actor(store, DEMO_ADMIN), None
    password = secrets.token_urlsafe(12)
    return first_administrator(store, DEMO_ADMIN, password, agency=LOCAL_AGENCY), password


def record_agreements(store: Store, folder: Path) -> Partnership:
    """Add the delivery's agencies and an agreement (sharing and delivery) from each to the
    local analyst's agency, recorded by the demo's administrator (created, with a random
    password, when the store has none)."""
    admin, password = _administrator(store)
    agencies = {entry.agency.code: entry.agency for entry in read_sources(folder)}
    done = []
    with store.connect() as conn:
        known = set(conn.execute(sa.select(t.agencies.c.code)).scalars())
        sh, giver = t.sharing_agreements.c, t.agencies.alias("giver")
        agreed = set(
            conn.execute(
                sa.select(giver.c.code)
                .join(t.sharing_agreements, sh.from_agency_id == giver.c.id)
                .where(sh.to_agency_id == admin.agency_id, sh.delivery == sa.true())
            ).scalars()
        )
        for code, agency in sorted(agencies.items()):
            if code not in known:
                add_agency(conn, admin, code, agency.name or code, agency.kind)
            if code in agreed:
                continue
            add_agreement(conn, admin, code, LOCAL_AGENCY, conditions_allowed=True,
                          delivery=True,
                          reference="Synthetic scenario information sharing agreement")  # fmt: skip
            done.append(code)
    return Partnership(done, password)


def demo_login(store: Store) -> tuple[str, str]:
    """The workbench login of the demo: an analyst of the local agency, cleared for
    OFFICIAL-SENSITIVE, with a new random password each time the demo runs (shown once)."""
    admin, _password = _administrator(store)
    password = secrets.token_urlsafe(12)
    with store.connect() as conn:
        exists = conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == DEMO_ANALYST)
        ).first()
        if exists is None:
            add_user(conn, admin, DEMO_ANALYST, LOCAL_AGENCY, ["analyst"], os_cleared=True,
                     display_name="Demo analyst", password=password)  # fmt: skip
        else:
            set_password(conn, admin, DEMO_ANALYST, password)
    return DEMO_ANALYST, password
