"""Fixtures for the security tests: a small world of agencies, users, records and cases.

Fixture strategy: each test builds the few rows it needs with `World` (one line per agency,
user, record, case or agreement) on the `store` fixture, so it runs on SQLite and PostgreSQL.
Values written into records carry a unique token, so a test can search any output (or every
table) for what a denied or erased record said.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.security import Actor
from threadline.security.conditions import apply_rules
from threadline.security.handling import RuleUse, normalise
from threadline.security.users import hash_password
from threadline.store import Store
from threadline.store import tables as t
from threadline.store.name_index import index_names

TODAY = date.today()
LAST_WEEK = TODAY - timedelta(days=7)
NEXT_WEEK = TODAY + timedelta(days=7)
"""Dates for agreements that have ended or not yet begun. A week either side, not a day: the
policy reads today's date when it runs, and a test run that crosses midnight must not see an
agreement "from tomorrow" come into force."""

HANDLING = {
    # name: (scheme, source evaluation, information, handling code, conditions)
    "P": ("3x5x2", "1", "A", "P", []),
    "C": ("3x5x2", "2", "B", "C", ["Partner safeguarding use only"]),
    "C-local": ("3x5x2", "2", "B", "C", ["Not to be disseminated outside the originating agency"]),
    "C-named": ("3x5x2", "2", "B", "C", ["Share with agency B only", "A2: covert action only"]),
    "C-unmapped": ("3x5x2", "2", "B", "C", ["Tell DS Jones before sharing"]),
    "L1": ("5x5x5", "B", "2", "1", []),
    "L2": ("5x5x5", "B", "2", "2", []),
    "L3": ("5x5x5", "B", "2", "3", []),
    "L4": ("5x5x5", "B", "2", "4", []),
    "L5": ("5x5x5", "B", "2", "5", []),
}
"""Handling cases by name: 3x5x2 P and C (C kept home by a phrase rule, C for agency ``b``
alone as its mapping says, C kept home because no rule recognises it), legacy 1-5."""

NAMED_RULES = {
    normalise("Partner safeguarding use only"): RuleUse("conditions-of-use"),
    normalise("Share with agency B only"): RuleUse("named-agencies", frozenset({"b"})),
}
"""The rules the World's "mapping" names for its conditions (as a mapping's
``handling_rules:`` block would)."""


@functools.cache
def _hashed(password: str) -> str:
    return hash_password(password)


def hashed_password() -> str:
    """The argon2 hash of the test users' password ($THREADLINE_PASSWORD), made once."""
    return _hashed(os.environ["THREADLINE_PASSWORD"])


class World:
    """One-line builders for the rows a security test needs, on one connection."""

    HANDLING = HANDLING
    TODAY, LAST_WEEK, NEXT_WEEK = TODAY, LAST_WEEK, NEXT_WEEK

    @staticmethod
    def token(key: str, kind: str = "name") -> str:
        """The unique value a record `key` says, to search outputs and tables for."""
        return token(key, kind)

    def commit(self) -> None:
        """Commit what was built so that other connections (and the CLI) see it."""
        self.conn.commit()
        self.conn.begin()

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.agencies: dict[str, int] = {}
        self.users: dict[str, Actor] = {}
        self.records: dict[str, int] = {}
        self.cases: dict[str, int] = {}
        self._sources: dict[tuple[str, str], tuple[int, int]] = {}

    def agency(self, code: str) -> int:
        found = self.conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code))
        if code not in self.agencies and (known := found.scalar()) is not None:
            self.agencies[code] = known
        if code not in self.agencies:
            self.agencies[code] = self.conn.execute(
                sa.insert(t.agencies)
                .values(code=code, name=code.title())
                .returning(t.agencies.c.id)
            ).scalar_one()
        return self.agencies[code]

    def user(
        self,
        username: str,
        agency: str,
        *roles: str,
        os: bool = False,
        disabled: bool = False,
    ) -> Actor:
        agency_id = self.agency(agency)
        user_id = self.conn.execute(
            sa.insert(t.users)
            .values(
                username=username, agency_id=agency_id, roles=sorted(roles), os_cleared=os,
                disabled=disabled, password_hash=hashed_password(),
            )
            .returning(t.users.c.id)
        ).scalar_one()  # fmt: skip
        actor = Actor(user_id, username, agency_id, agency, frozenset(roles), os)
        self.users[username] = actor
        return actor

    def _source(self, agency: str, source: str) -> tuple[int, int]:
        if (agency, source) not in self._sources:
            agency_id = self.agency(agency)
            source_id = self.conn.execute(
                sa.insert(t.sources)
                .values(agency_id=agency_id, name=source, format="csv")
                .returning(t.sources.c.id)
            ).scalar_one()
            batch_id = self.conn.execute(
                sa.insert(t.batches)
                .values(
                    source_id=source_id, agency_id=agency_id, file_name=f"{agency}-{source}.csv",
                    content_hash=f"hash-{agency}-{source}", mapping_name=source,
                    mapping_version="1", counts={}, started_at=datetime.now(UTC),
                )
                .returning(t.batches.c.id)
            ).scalar_one()  # fmt: skip
            self._sources[(agency, source)] = (source_id, batch_id)
        return self._sources[(agency, source)]

    def record(
        self,
        key: str,
        agency: str,
        handling: str = "P",
        *,
        marking: str = "OFFICIAL",
        source: str = "intel",
        retention: str = "3",
        review: date = date(2031, 1, 1),
        values: Mapping[str, str] | None = None,
        hub: str | None = "e-hub",
    ) -> int:
        """A record with mention ``m-KEY`` (entity ``e-KEY``) saying `values` (default: a
        token naming the record), and a mention of the shared entity `hub`."""
        source_id, batch_id = self._source(agency, source)
        scheme, s, i, h, conditions = HANDLING[handling]
        said = dict(values or {"name": token(key)})
        record_id = self.conn.execute(
            sa.insert(t.records)
            .values(
                batch_id=batch_id, agency_id=self.agency(agency), source_id=source_id,
                record_key=f"row-{key}", grading_scheme=scheme, source_evaluation=s,
                information_assessment=i, handling_code=h, handling_conditions=conditions,
                marking=marking, retention_group=retention, review_date=review,
                raw={"row": said}, warnings=[], flags=[],
            )
            .returning(t.records.c.id)
        ).scalar_one()  # fmt: skip
        self.records[key] = record_id
        apply_rules(self.conn, t.records.c.id == record_id, NAMED_RULES)
        self.entity(f"e-{key}")
        self.mention(f"m-{key}", record_id, f"e-{key}", said)
        if hub is not None:
            self.entity(hub, caption="HUB-STORED-CAPTION")
            self.mention(f"h-{key}", record_id, hub, {"phone": token(key, "phone")})
        return record_id

    def entity(self, entity_id: str, schema: str = "Person", caption: str = "") -> None:
        exists = self.conn.execute(sa.select(t.entities.c.id).where(t.entities.c.id == entity_id))
        if exists.first() is None:
            self.conn.execute(
                sa.insert(t.entities).values(id=entity_id, schema=schema, caption=caption)
            )

    def mention(
        self, mention_id: str, record_id: int, entity_id: str | None, values: Mapping[str, str]
    ) -> None:
        caption = next(iter(values.values()), "")
        self.conn.execute(
            sa.insert(t.mentions).values(
                id=mention_id, record_id=record_id, schema="Person", slot="subject",
                role="suspect", caption=caption, entity_id=entity_id,
            )
        )  # fmt: skip
        for prop, value in values.items():
            self.conn.execute(
                sa.insert(t.statements).values(
                    record_id=record_id, mention_id=mention_id, schema="Person", prop=prop,
                    value=value, original_value=value, flags=[],
                )
            )  # fmt: skip
        # The search keys of the names, as ingest writes them with the statements.
        index_names(self.conn, [(record_id, mention_id, p, v) for p, v in values.items()])

    def case(
        self,
        name: str,
        agency: str,
        members: Iterable[str] = (),
        records: Iterable[str] = (),
        *,
        closed: bool = False,
    ) -> int:
        creator = next(iter(self.users.values()))
        case_id = self.conn.execute(
            sa.insert(t.cases)
            .values(
                name=name, agency_id=self.agency(agency), created_by=creator.user_id,
                closed_at=datetime.now(UTC) if closed else None,
            )
            .returning(t.cases.c.id)
        ).scalar_one()  # fmt: skip
        for username in members:
            self.conn.execute(
                sa.insert(t.case_members).values(
                    case_id=case_id, user_id=self.users[username].user_id
                )
            )
        for key in records:
            self.conn.execute(
                sa.insert(t.case_records).values(
                    case_id=case_id, record_id=self.records[key], added_by=creator.user_id
                )
            )
        self.cases[name] = case_id
        return case_id

    def agreement(
        self,
        giver: str,
        taker: str,
        *,
        scope: str = "all",
        conditioned: bool = False,
        valid_from: date = LAST_WEEK,
        valid_to: date | None = None,
    ) -> None:
        creator = next(iter(self.users.values()))
        self.conn.execute(
            sa.insert(t.sharing_agreements).values(
                from_agency_id=self.agency(giver), to_agency_id=self.agency(taker), scope=scope,
                conditions_allowed=conditioned, valid_from=valid_from, valid_to=valid_to,
                created_by=creator.user_id,
            )
        )  # fmt: skip

    def link(self, link_id: str, source: str, target: str, evidence: Sequence[str]) -> None:
        self.conn.execute(
            sa.insert(t.links).values(
                id=link_id, schema="Associate", source_id=source, target_id=target,
                marking="OFFICIAL-SENSITIVE", handling_code="C",
                handling_conditions=["STORED-LINK-CONDITION"],
            )
        )  # fmt: skip
        for key in evidence:
            self.conn.execute(
                sa.insert(t.link_evidence).values(link_id=link_id, record_id=self.records[key])
            )

    def indicator(self, entity_id: str, evidence: Sequence[str], name: str = "shared") -> None:
        self.conn.execute(
            sa.insert(t.indicators).values(
                run_id="run-1", entity_id=entity_id, name=name, score=0.9,
                reason=f"indicator on {entity_id}",
                evidence=[{"record_id": self.records[k]} for k in evidence],
            )
        )  # fmt: skip


def token(key: str, kind: str = "name") -> str:
    """The unique value a record `key` says, to search outputs and tables for."""
    return f"TOKEN-{kind}-{key}-END"


@pytest.fixture
def world(store: Store) -> Iterator[World]:
    """A World on its own connection; call `world.commit()` to let others see its rows."""
    conn = store.engine.connect()
    conn.begin()
    builder = World(conn)
    yield builder
    if conn.in_transaction():
        conn.rollback()
    conn.close()


@pytest.fixture
def make_world() -> type[World]:
    """The World class, for tests that build worlds of their own (property tests)."""
    return World
