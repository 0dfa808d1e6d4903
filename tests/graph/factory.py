"""A one-line factory for what graph and risk tests need: records, entities, links.

    case = Case(conn)
    lan = case.e("Person", "Lan NGUYEN", role="victim", phone="+447700900123")
    mill = case.e("Address", "4 Mill Street")
    case.link(lan, "lives_at", mill, grade="2C")

Every entity gets a mention in a record of its own (or in `record=`), every property a
statement; links get a record of their own as evidence (or `records=`). Grades are written
as analysts say them: ``1A`` (3x5x2, handling P), ``2BC`` (handling C, with a condition), or
legacy ``B24`` (5x5x5). Rows are inserted directly, so tests do not depend on resolution.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.model.links import link_types
from threadline.read import View
from threadline.security import Actor
from threadline.security.conditions import apply_rules
from threadline.security.handling import RuleUse, normalise
from threadline.security.users import hash_password
from threadline.store import tables as t

DAY = date(2026, 1, 15)
CONDITION_RULES = {normalise("Partner safeguarding use only"): RuleUse("conditions-of-use")}
"""What the handling condition of a C grade allows (as a mapping's ``handling_rules:`` says):
shared as conditioned material."""


@functools.cache
def _hashed(password: str) -> str:
    return hash_password(password)


def hashed_password() -> str:
    """The argon2 hash of the test users' password ($THREADLINE_PASSWORD), made once."""
    return _hashed(os.environ["THREADLINE_PASSWORD"])


def _grade(code: str) -> dict[str, object]:
    if code[0].isdigit():
        handling = code[2] if len(code) > 2 else "P"
        return {
            "grading_scheme": "3x5x2",
            "source_evaluation": code[0],
            "information_assessment": code[1],
            "handling_code": handling,
            "handling_conditions": ["Partner safeguarding use only"] if handling == "C" else [],
        }
    return {
        "grading_scheme": "5x5x5",
        "source_evaluation": code[0],
        "information_assessment": code[1],
        "handling_code": code[2],
        "handling_conditions": [],
    }


class Case:
    """Builds rows on one connection; ids are readable slugs of the captions."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.agencies: dict[str, int] = {}
        self.sources: dict[tuple[str, str], tuple[int, int]] = {}
        self.count = 0

    def view(self, agency: str = "unit", *, shared: bool = True) -> View:
        """The View of an OFFICIAL-SENSITIVE cleared analyst of `agency`, with which every other
        agency in the store shares everything it may share (conditioned material included);
        with ``shared=False``, an analyst who sees their own agency's records only."""
        home = self.agency(agency)
        username = f"analyst-{agency}"
        user_id = self.conn.execute(
            sa.select(t.users.c.id).where(t.users.c.username == username)
        ).scalar()
        if user_id is None:
            user_id = self.conn.execute(
                sa.insert(t.users)
                .values(
                    username=username,
                    agency_id=home,
                    roles=["analyst"],
                    os_cleared=True,
                    password_hash=hashed_password(),
                )
                .returning(t.users.c.id)
            ).scalar_one()
        agreed = set(
            self.conn.execute(
                sa.select(t.sharing_agreements.c.from_agency_id).where(
                    t.sharing_agreements.c.to_agency_id == home
                )
            ).scalars()
        )
        every = set(self.conn.execute(sa.select(t.agencies.c.id)).scalars())
        for giver in (every - agreed - {home}) if shared else ():
            self.conn.execute(
                sa.insert(t.sharing_agreements).values(
                    from_agency_id=giver, to_agency_id=home, scope="all",
                    conditions_allowed=True, valid_from=date(2000, 1, 1), created_by=user_id,
                )
            )  # fmt: skip
        actor = Actor(user_id, username, home, agency, frozenset({"analyst"}), True)
        return View(self.conn, actor)

    def commit(self) -> None:
        """Make what was built visible to other connections (the command line)."""
        self.conn.commit()
        self.conn.begin()

    def agency(self, code: str) -> int:
        """The id of agency `code`, created on first use."""
        if code not in self.agencies:
            known = self.conn.execute(sa.select(t.agencies.c.id).where(t.agencies.c.code == code))
            if (found := known.scalar()) is not None:
                self.agencies[code] = found
                return found
            self.agencies[code] = self.conn.execute(
                sa.insert(t.agencies)
                .values(code=code, name=code.upper())
                .returning(t.agencies.c.id)
            ).scalar_one()
        return self.agencies[code]

    def _source(self, agency: str, source: str) -> tuple[int, int]:
        key = (agency, source)
        if key not in self.sources:
            agency_id = self.agency(agency)
            source_id = self.conn.execute(
                sa.insert(t.sources)
                .values(agency_id=agency_id, name=source, format="csv")
                .returning(t.sources.c.id)
            ).scalar_one()
            batch_id = self.conn.execute(
                sa.insert(t.batches)
                .values(
                    source_id=source_id, agency_id=agency_id, file_name=f"{source}.csv",
                    content_hash=f"h-{agency}-{source}", mapping_name=source,
                    mapping_version="1", counts={}, started_at=sa.func.now(),
                )
                .returning(t.batches.c.id)
            ).scalar_one()  # fmt: skip
            self.sources[key] = (source_id, batch_id)
        return self.sources[key]

    def record(
        self,
        agency: str = "police",
        grade: str = "1A",
        *,
        on: date | None = DAY,
        source: str = "intel",
        marking: str = "OFFICIAL",
        text: str = "",
    ) -> int:
        """A record of `agency` with `grade`, reported `on`; `text` goes in its raw row."""
        source_id, batch_id = self._source(agency, source)
        self.count += 1
        record_id = int(
            self.conn.execute(
                sa.insert(t.records)
                .values(
                    batch_id=batch_id, agency_id=self.agency(agency), source_id=source_id,
                    record_key=f"R{self.count}", marking=marking, retention_group="3",
                    review_date=date(2032, 1, 1), reported_on=on, raw={"text": text},
                    warnings=[], flags=[], **_grade(grade),
                )
                .returning(t.records.c.id)
            ).scalar_one()
        )  # fmt: skip
        apply_rules(self.conn, t.records.c.id == record_id, CONDITION_RULES)
        return record_id

    def _slug(self, caption: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-") or "e"
        self.count += 1
        exists = self.conn.execute(sa.select(t.entities.c.id).where(t.entities.c.id == base))
        return base if exists.first() is None else f"{base}-{self.count}"

    def e(
        self,
        schema: str,
        caption: str,
        *,
        role: str | None = None,
        record: int | None = None,
        agency: str = "police",
        grade: str = "1A",
        on: date | None = DAY,
        id: str | None = None,
        **props: str | Iterable[str],
    ) -> str:
        """An entity with one mention and a statement per property value."""
        entity_id = id or self._slug(caption)
        self.conn.execute(
            sa.insert(t.entities).values(id=entity_id, schema=schema, caption=caption)
        )
        self.mention(entity_id, record, schema=schema, caption=caption, role=role,
                     agency=agency, grade=grade, on=on, **props)  # fmt: skip
        return entity_id

    def mention(
        self,
        entity_id: str,
        record: int | None = None,
        *,
        schema: str | None = None,
        caption: str | None = None,
        role: str | None = None,
        agency: str = "police",
        grade: str = "1A",
        on: date | None = DAY,
        origin: str = "structured",
        slot: str = "s",
        **props: str | Iterable[str],
    ) -> int:
        """Another record (new, or `record`) naming the entity; returns the record id."""
        row = self.conn.execute(
            sa.select(t.entities.c.schema, t.entities.c.caption).where(t.entities.c.id == entity_id)
        ).one()
        rid = record if record is not None else self.record(agency, grade, on=on)
        self.count += 1
        mention_id = f"m{self.count}:{entity_id}"
        self.conn.execute(
            sa.insert(t.mentions).values(
                id=mention_id, record_id=rid, schema=schema or row.schema, slot=slot,
                role=role, caption=row.caption if caption is None else caption,
                entity_id=entity_id,
            )
        )  # fmt: skip
        statements = []
        for prop, values in props.items():
            for value in [values] if isinstance(values, str) else values:
                statements.append(
                    {"record_id": rid, "mention_id": mention_id, "schema": schema or row.schema,
                     "prop": prop, "value": value, "original_value": value, "flags": [],
                     "origin": origin}
                )  # fmt: skip
        if statements:
            self.conn.execute(sa.insert(t.statements), statements)
        return rid

    def note(self, record: int, **props: str | Iterable[str]) -> str:
        """The free text of `record`, with values extracted from it (unverified)."""
        entity_id = self._slug(f"note-{record}")
        self.conn.execute(
            sa.insert(t.entities).values(id=entity_id, schema="Note", caption=f"Text of {record}")
        )
        self.mention(entity_id, record, origin="extracted", **props)
        return entity_id

    def link(
        self,
        source: str,
        kind: str,
        target: str,
        *,
        records: Iterable[int] | None = None,
        agency: str = "police",
        grade: str = "1A",
        on: date | None = DAY,
        start: str | None = None,
        end: str | None = None,
        typed: bool = True,
    ) -> str:
        """A link of type `kind`, with its own evidence record unless `records` are given."""
        evidence = list(records) if records is not None else [self.record(agency, grade, on=on)]
        self.count += 1
        link_id = f"L{self.count}"
        schema = link_types()[kind].schema if kind in link_types() else "UnknownLink"
        self.conn.execute(
            sa.insert(t.links).values(
                id=link_id, schema=schema,
                source_id=source, target_id=target, start_date=start, end_date=end,
                marking="OFFICIAL", handling_code="P", handling_conditions=[],
                type=kind if typed else None,
            )
        )  # fmt: skip
        self.conn.execute(
            sa.insert(t.link_evidence), [{"link_id": link_id, "record_id": r} for r in evidence]
        )
        return link_id

    def user(self, username: str, agency: str, *, cleared: bool = True) -> str:
        """An analyst of `agency` (who sees that agency's records)."""
        self.conn.execute(
            sa.insert(t.users).values(
                username=username, agency_id=self.agency(agency), roles=["analyst"],
                os_cleared=cleared, password_hash=hashed_password(),
            )
        )  # fmt: skip
        return username
