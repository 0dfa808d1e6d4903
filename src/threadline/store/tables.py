"""The relational schema, as SQLAlchemy Core tables; Alembic migrations create and change it.

The flow is: agencies own sources; each load of a source is a batch; a batch writes records
(immutable intelligence items with grade, marking, handling and review date); records make
statements about mentions (FtM-style: mention, schema, property, value, original value); mentions
resolve to entities; entities are joined by links backed by evidence records. Judgements,
indicators, cases, users and the audit log sit beside them; the security tables (sharing
agreements, case records, what each record's handling conditions allow, retention reviews and
the audit chain's head and subject index) say who may see what and account for every use.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

__all__ = [
    "TABLES",
    "agencies",
    "alert_mail",
    "alerts",
    "analysis_runs",
    "api_tokens",
    "audit_blocks",
    "audit_chain",
    "audit_events",
    "audit_index",
    "audit_subjects",
    "batches",
    "case_charts",
    "case_members",
    "case_records",
    "cases",
    "entities",
    "entity_metrics",
    "erased_records",
    "geo_district_places",
    "geo_districts",
    "geo_loads",
    "geo_names",
    "geo_postcodes",
    "indicators",
    "judgements",
    "link_evidence",
    "links",
    "login_failures",
    "mentions",
    "metadata",
    "name_keys",
    "priorities",
    "profile_figures",
    "record_handling",
    "record_recipients",
    "records",
    "resolution_pairs",
    "resolution_runs",
    "retention_reviews",
    "sharing_agreements",
    "sources",
    "statements",
    "users",
    "watch_members",
    "watches",
    "web_sessions",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Surrogate keys: BIGINT on PostgreSQL; INTEGER on SQLite so that it aliases the rowid."""

KEY = sa.String(255)
"""Textual identifiers: mention ids, entity ids, record keys."""


def _now() -> sa.Column[datetime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


agencies = sa.Table(
    "agencies",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False, server_default="other"),
    _now(),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(128), nullable=False, unique=True),
    sa.Column("display_name", sa.String(255), nullable=False, server_default=""),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("roles", sa.JSON(), nullable=False),
    sa.Column("password_hash", sa.String(255)),
    sa.Column("os_cleared", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
    _now(),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    _now(),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
)
"""Signed-in browser sessions: the cookie holds a secret whose SHA-256 is kept here, so a copy
of the database lets nobody in; ended at sign-out, after the idle timeout, or when the user is
disabled."""

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_by", ID, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("user_id", "name"),
)
"""Bearer tokens for other systems, each acting as one user; only the SHA-256 is kept."""

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("username", sa.String(128), primary_key=True),
    sa.Column("failures", sa.Integer(), nullable=False),
    sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
)
"""Recent failed sign-ins per name typed (existing or not), for the lockout."""

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("system", sa.String(255), nullable=False, server_default=""),
    sa.Column("format", sa.String(32), nullable=False),
    _now(),
    sa.UniqueConstraint("agency_id", "name"),
)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("users.id")),
    sa.Column("loaded_by_agency_id", ID, sa.ForeignKey("agencies.id")),
    sa.Column("file_name", sa.Text(), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("mapping_name", sa.String(128), nullable=False),
    sa.Column("mapping_version", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="loaded"),
    sa.Column("rows_read", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("records_written", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("records_altered", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("counts", sa.JSON(), nullable=False),
    sa.Column("rejects_path", sa.Text()),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column(
        "batch_id", ID, sa.ForeignKey("batches.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False, index=True),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("record_key", KEY, nullable=False),
    sa.Column("location", sa.String(255), nullable=False, server_default=""),
    sa.Column("grading_scheme", sa.String(8), nullable=False),
    sa.Column("source_evaluation", sa.String(1), nullable=False),
    sa.Column("information_assessment", sa.String(1), nullable=False),
    sa.Column("handling_code", sa.String(1), nullable=False),
    sa.Column("handling_conditions", sa.JSON(), nullable=False),
    sa.Column("marking", sa.String(32), nullable=False),
    sa.Column("original_marking", sa.String(64)),
    sa.Column("retention_group", sa.String(8), nullable=False),
    sa.Column("review_date", sa.Date(), nullable=False, index=True),
    sa.Column("reported_on", sa.Date()),
    sa.Column("raw", sa.JSON(), nullable=False),
    sa.Column("warnings", sa.JSON(), nullable=False),
    sa.Column("flags", sa.JSON(), nullable=False),
    _now(),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.UniqueConstraint("source_id", "record_key", "version"),
    sa.CheckConstraint("marking IN ('OFFICIAL', 'OFFICIAL-SENSITIVE')", name="marking"),
    sa.CheckConstraint("grading_scheme IN ('3x5x2', '5x5x5')", name="grading_scheme"),
)
"""Each row of a source, as loaded: a later export that changes a row adds the next `version`
of its record (an alteration), and the earlier versions stay as they were."""

mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", KEY, primary_key=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("slot", sa.String(64), nullable=False),
    sa.Column("role", sa.String(32)),
    sa.Column("caption", sa.Text(), nullable=False, server_default=""),
    sa.Column("entity_id", KEY, sa.ForeignKey("entities.id", ondelete="SET NULL"), index=True),
    # What the person model saw of this mention in the latest resolution run (a digest of its
    # values): a later run scores again only the mentions that are new or changed.
    sa.Column("resolved_digest", sa.String(40)),
    sa.Index(None, "record_id"),
)

statements = sa.Table(
    "statements",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    sa.Column("mention_id", KEY, sa.ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("prop", sa.String(64), nullable=False),
    sa.Column("value", sa.Text(), nullable=False),
    sa.Column("original_value", sa.Text(), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False, server_default="fact"),
    sa.Column("origin", sa.String(16), nullable=False, server_default="structured"),
    sa.Column("span_start", sa.Integer()),
    sa.Column("span_end", sa.Integer()),
    sa.Column("flags", sa.JSON(), nullable=False),
    sa.Index(None, "mention_id"),
    sa.Index(None, "record_id"),
    sa.Index(None, "prop", "value"),
    sa.CheckConstraint("kind IN ('fact', 'opinion')", name="kind"),
)

name_keys = sa.Table(
    "name_keys",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("mention_id", KEY, sa.ForeignKey("mentions.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Index(None, "record_id"),
    sa.Index(None, "mention_id"),
)  # fmt: skip
"""The search keys (`threadline.values.name_keys`) of the names each record states about a
mention, written with its statements: a search compares only the names that share a key with
what was typed. Derived from the statements, so they go with them: a rolled-back load or an
erased record takes its keys with it (the foreign keys cascade)."""

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", KEY, primary_key=True),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("caption", sa.Text(), nullable=False, server_default=""),
    _now(),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false()),
)

links = sa.Table(
    "links",
    metadata,
    sa.Column("id", KEY, primary_key=True),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("source_id", KEY, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_id", KEY, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start_date", sa.String(32)),
    sa.Column("end_date", sa.String(32)),
    sa.Column("marking", sa.String(32), nullable=False),
    sa.Column("handling_code", sa.String(1), nullable=False),
    sa.Column("handling_conditions", sa.JSON(), nullable=False),
    _now(),
    sa.Index(None, "source_id"),
    sa.Index(None, "target_id"),
    sa.Column("type", sa.String(32)),
)

link_evidence = sa.Table(
    "link_evidence",
    metadata,
    sa.Column("link_id", KEY, sa.ForeignKey("links.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Index(None, "record_id"),
)

judgements = sa.Table(
    "judgements",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("left_id", KEY, nullable=False),
    sa.Column("right_id", KEY, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False, server_default=""),
    sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_by", ID, sa.ForeignKey("users.id")),
    sa.Index(None, "left_id", "right_id"),
    sa.CheckConstraint("verdict IN ('same', 'different', 'unsure')", name="verdict"),
)

indicators = sa.Table(
    "indicators",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("entity_id", KEY, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("evidence", sa.JSON(), nullable=False),
    sa.Column("grade", sa.String(64), nullable=False, server_default=""),
    _now(),
    sa.Index(None, "entity_id"),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("created_by", ID, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
)

case_charts = sa.Table(
    "case_charts",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("layout", sa.JSON(), nullable=False),
    sa.Column("saved_by", ID, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("case_id", "name"),
)
"""Link charts saved to a case: which nodes, where, pinned or not, and the filters. Node ids
only; reopened, a chart shows only the nodes its reader's own graph holds."""

case_members = sa.Table(
    "case_members",
    metadata,
    sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("role", sa.String(32), nullable=False, server_default="member"),
    _now(),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("occurred_at", sa.String(32), nullable=False),
    sa.Column("user_id", ID),
    sa.Column("username", sa.String(128), nullable=False),
    sa.Column("agency", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("operation", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False, server_default=""),
    sa.Column("recipients", sa.Text(), nullable=False, server_default=""),
    sa.Column("records", sa.JSON(), nullable=False),
    sa.Column("entities", sa.JSON(), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.Column("seq", sa.BigInteger()),
    sa.Index(None, "username"),
    sa.Index(None, "seq", unique=True),
    sa.CheckConstraint(
        "action IN ('collection', 'alteration', 'consultation', 'disclosure', "
        "'combination', 'erasure', 'administration')",
        name="action",
    ),
)

sharing_agreements = sa.Table(
    "sharing_agreements",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("from_agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("to_agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("scope", sa.String(128), nullable=False, server_default="all"),
    sa.Column("conditions_allowed", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("delivery", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("deconfliction", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("contact", sa.String(255), nullable=False, server_default=""),
    sa.Column("valid_from", sa.Date(), nullable=False),
    sa.Column("valid_to", sa.Date()),
    sa.Column("reference", sa.String(255), nullable=False, server_default=""),
    sa.Column("created_by", ID, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.Index(None, "to_agency_id", "from_agency_id"),
    sa.CheckConstraint("from_agency_id <> to_agency_id", name="distinct_agencies"),
)
"""An information sharing agreement: records of one agency that another may see, and when;
with ``delivery``, the receiving agency may also load the giving agency's deliveries (its
files) on its behalf; with ``deconfliction``, a receiving user who may not see the giving
agency's records about a subject is told that it holds some, and whom to ``contact``."""

case_records = sa.Table(
    "case_records",
    metadata,
    sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("added_by", ID, sa.ForeignKey("users.id"), nullable=False),
    _now(),
    sa.Index(None, "record_id"),
)
"""Records attached to a case: visible to the case's members under the handling rules."""

record_handling = sa.Table(
    "record_handling",
    metadata,
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("release", sa.String(16), nullable=False),
    sa.Column("authority", sa.JSON(), nullable=False),
    sa.Column("no_onward", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("sanitise", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("rules", sa.JSON(), nullable=False),
    sa.Column("unrecognised", sa.JSON(), nullable=False),
    sa.CheckConstraint("release IN ('conditioned', 'named', 'originator')", name="release"),
)
"""What a 3x5x2 C record's handling conditions allow, as the handling rules read them
(`threadline.security.handling`): who may receive it (`release`), whose authority would
release it further, no onward sharing, sanitise first; the rules that read it and the
conditions none recognised. Written at ingest and by `sharing conditions --apply`. A C record
without a row has not been read yet and stays in its agency."""

record_recipients = sa.Table(
    "record_recipients",
    metadata,
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency", sa.String(64), primary_key=True),
)
"""The agencies (by code) that may receive a record whose release is ``named``."""

retention_reviews = sa.Table(
    "retention_reviews",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("reviewer_id", ID, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("next_review", sa.Date()),
    sa.Index(None, "record_id"),
    sa.CheckConstraint("decision IN ('retain', 'delete')", name="decision"),
)
"""MoPI review decisions; they go with the record when it is erased (the audit event stays)."""

audit_chain = sa.Table(
    "audit_chain",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("head_seq", sa.BigInteger(), nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("sealed_at", sa.String(32), nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)
"""The one-row head of the audit hash chain: updating it serialises appends on every database."""

audit_blocks = sa.Table(
    "audit_blocks",
    metadata,
    sa.Column("first_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger(), nullable=False),
    sa.Column("events", sa.BigInteger(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("key", sa.String(16), nullable=False),
    sa.Column("mac", sa.String(64), nullable=False),
    sa.Column("verified_at", sa.String(32), nullable=False),
)
"""Stretches of the audit chain found intact by a full walk, each with a digest of every
column of its events computed by the database, signed with the checkpoint key: an
incremental `threadline audit verify` takes a stretch whose digest is unchanged as verified
and walks the rest (`threadline.security.blocks`)."""

audit_subjects = sa.Table(
    "audit_subjects",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("event_seq", sa.BigInteger(), nullable=False),
    sa.Column("record_id", ID),
    sa.Column("entity_id", KEY),
    sa.Index(None, "record_id"),
    sa.Index(None, "entity_id"),
)
"""Which entities (or, for events naming none, records) an audit event touched, by the event's
place in the chain, indexed to answer "who looked at this person". Filled when the log is
searched, not when events are written (see `audit_index`), so reads never wait on it."""

audit_index = sa.Table(
    "audit_index",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("indexed_seq", sa.BigInteger(), nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)
"""How far along the chain `audit_subjects` is filled: one row, locked while it catches up."""

erased_records = sa.Table(
    "erased_records",
    metadata,
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), primary_key=True),
    sa.Column("key_digest", sa.String(64), primary_key=True),
    sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
)
"""A tombstone for each erased record: its source and a digest of its key (no value of it), so
that a later export of the same source cannot load it again."""

analysis_runs = sa.Table(
    "analysis_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("scope", sa.String(255), nullable=False, server_default=""),
    sa.Column("weights", sa.JSON(), nullable=False),
    sa.Column("weights_digest", sa.String(64), nullable=False),
    sa.Column("params", sa.JSON(), nullable=False),
    sa.Column("counts", sa.JSON(), nullable=False),
    sa.Column("stale_at", sa.DateTime(timezone=True)),
    sa.Column("stale_reason", sa.Text(), nullable=False, server_default=""),
    sa.Index(None, "started_at"),
)
"""One `threadline analyse` run: when, over whose view, and the weights that produced it. A
run goes stale (``stale_at``, with the reason) when a record it drew on is erased: its
products no longer hold what they were built from, and the run should be repeated."""

entity_metrics = sa.Table(
    "entity_metrics",
    metadata,
    sa.Column(
        "run_id",
        sa.String(64),
        sa.ForeignKey("analysis_runs.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("entity_id", KEY, sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("component", sa.Integer()),
    sa.Column("community", sa.Integer()),
    sa.Column("degree", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("betweenness", sa.Float(), nullable=False, server_default="0"),
    sa.Column("eigenvector", sa.Float(), nullable=False, server_default="0"),
    sa.Column("broker", sa.Float(), nullable=False, server_default="0"),
    sa.Index(None, "entity_id"),
)
"""Graph measures of each entity in a run: its component and community, centralities, and how
strongly it bridges communities (0 when it is not a broker)."""

priorities = sa.Table(
    "priorities",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id",
        sa.String(64),
        sa.ForeignKey("analysis_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("entity_id", KEY, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("rank", sa.Integer(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("reasons", sa.JSON(), nullable=False),
    sa.Column("indicators", sa.JSON(), nullable=False),
    sa.Column("agencies", sa.JSON(), nullable=False),
    sa.Column("evidence", sa.JSON(), nullable=False),
    sa.Column("grade", sa.String(64), nullable=False, server_default=""),
    sa.Column("typology", sa.String(32), nullable=True),
    # The exploitation type the ranking is for (its lens); null: across every type.
    sa.Index(None, "run_id", "kind", "rank"),
    sa.Index(None, "entity_id"),
    sa.CheckConstraint("kind IN ('premises', 'business')", name="kind"),
)
"""Premises and businesses ranked for multi-agency visits in a run, with their reasons."""

resolution_runs = sa.Table(
    "resolution_runs",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id")),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("model", sa.Text(), nullable=False, server_default=""),
    sa.Column("counts", sa.JSON(), nullable=False),
    # The run that trained the model this run scored with (itself, when it trained one).
    sa.Column("model_run_id", ID),
    # The term-frequency tables the model scored with (on the run that trained it).
    sa.Column("term_frequencies", sa.JSON()),
    # Blocking (rules, caps, blocks left out), the judgements applied, mentions scored.
    sa.Column("state", sa.JSON()),
)
"""Each resolution run, with the trained person model (Splink settings and parameters as JSON)
and what else it scored with, so that a result can be reproduced and explained later, and a
later run can score only what is new in exactly the same way."""

resolution_pairs = sa.Table(
    "resolution_pairs",
    metadata,
    sa.Column("run_id", ID, sa.ForeignKey("resolution_runs.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("left_id", KEY, primary_key=True),
    sa.Column("right_id", KEY, primary_key=True),
    sa.Column("probability", sa.Float(), nullable=False),
    sa.Column("weight", sa.Float(), nullable=False),
    sa.Column("joined", sa.Boolean(), nullable=False),
    sa.Index(None, "run_id", "probability"),
)  # fmt: skip
"""Scored pairs of person mentions kept from a run: those that joined a cluster (to explain
it) and those near the threshold (the review queue)."""

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("progress_label", sa.String(255), nullable=False, server_default=""),
    sa.Column("progress_done", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("progress_total", sa.BigInteger()),
    sa.Column("message", sa.Text(), nullable=False, server_default=""),
    sa.Column("params", sa.JSON(), nullable=False),
    sa.Column("result", sa.JSON()),
    sa.Column("worker", sa.String(128)),
    _now(),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
    sa.Index(None, "status", "id"),
    sa.Index(None, "user_id", "id"),
    sa.CheckConstraint(
        "status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status"
    ),
)
"""Background work started from the workbench or the API (ingest an upload, resolve,
analyse): who asked, what, how far it has got, and how it ended. Run by a worker
(`threadline.jobs`); a running job whose heartbeat stops is marked failed."""

profile_figures = sa.Table(
    "profile_figures",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("scope", sa.String(255), nullable=False),
    sa.Column("reference", sa.String(64), nullable=False, unique=True),
    sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("figures", sa.JSON(), nullable=False),
    sa.Index(None, "user_id", "scope", "produced_at"),
)
"""The headline figures of each problem profile produced, by whom and of which scope, so that
the next profile of the same scope by the same user says what changed. Counts only, read back
by their producer alone: another user's figures may rest on material this one may not see."""

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("figures", sa.JSON(), nullable=False),
    sa.Column("measured_by", sa.String(128), nullable=False),
    sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "kind", "measured_at"),
    sa.CheckConstraint("kind IN ('er', 'names', 'scenario')", name="kind"),
)
"""Accuracy measured by `threadline evaluate ... --record`: which measure, on which labelled
file or scenario (its name and SHA-256), the figures, who and when. Measurements of the method
on labelled data, not intelligence: a problem profile's methodology quotes the latest of each."""

# -- reference data: the ONS postcode directory (threadline.geo) -------------------------------

geo_loads = sa.Table(
    "geo_loads",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("postcodes", sa.BigInteger(), nullable=False),
    sa.Column("terminated", sa.BigInteger(), nullable=False),
    sa.Column("districts", sa.Integer(), nullable=False),
    sa.Column("names", sa.Integer(), nullable=False),
    sa.Column("loaded_by", sa.String(128), nullable=False),
    _now(),
)
"""Each load of the ONS postcode directory (the last one is what the geo tables hold)."""

geo_postcodes = sa.Table(
    "geo_postcodes",
    metadata,
    sa.Column("postcode", sa.String(8), primary_key=True),
    sa.Column("district", sa.String(4), nullable=False, index=True),
    sa.Column("latitude", sa.Float()),
    sa.Column("longitude", sa.Float()),
    sa.Column("local_authority", sa.String(9)),
    sa.Column("force_area", sa.String(9)),
    sa.Column("terminated", sa.String(6)),
)
"""Every postcode of the directory: its district, position (none for some), local authority
and police force area (ONS codes), and the month it was terminated (YYYYMM) if it was."""

geo_districts = sa.Table(
    "geo_districts",
    metadata,
    sa.Column("district", sa.String(4), primary_key=True),
    sa.Column("area", sa.String(2), nullable=False, index=True),
    sa.Column("latitude", sa.Float()),
    sa.Column("longitude", sa.Float()),
    sa.Column("postcodes", sa.Integer(), nullable=False),
    sa.Column("terminated", sa.Integer(), nullable=False),
)
"""Each postcode district: the mean position of its live postcodes and how many it has."""

geo_district_places = sa.Table(
    "geo_district_places",
    metadata,
    sa.Column("district", sa.String(4), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("code", sa.String(9), primary_key=True),
    sa.Column("postcodes", sa.Integer(), nullable=False),
    sa.Index(None, "kind", "code"),
    sa.CheckConstraint("kind IN ('force area', 'local authority')", name="kind"),
)
"""Which police force areas and local authorities each district's live postcodes fall in,
and how many: a district split between two forces has a row for each."""

geo_names = sa.Table(
    "geo_names",
    metadata,
    sa.Column("code", sa.String(9), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
)
"""Names of the ONS codes the directory holds (local authorities), from its own names files
or one given to the load."""

watches = sa.Table(
    "watches",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE")),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value_type", sa.String(32), nullable=False, server_default=""),
    sa.Column("target", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("expires_on", sa.Date(), nullable=False),
    sa.Column("network_rule", sa.String(32)),
    _now(),
    sa.Index(None, "user_id"),
    sa.Index(None, "expires_on"),
    sa.CheckConstraint("kind IN ('entity', 'identifier', 'search', 'network')", name="kind"),
)
"""What a user (or a case's members) asked to be told about: an entity by id, the network
around an entity (by its id), an identifier cleaned by its value type, or a saved search (the
text, read as the search box reads it); each with a reason and the date it lapses
(`threadline.tracking`). A network watch holds the definition of a network its members were
kept under (`threadline.tracking.networks.NETWORK_RULE`): members kept under another are kept
again at the next check without alerts, for a new definition is no news."""

watch_members = sa.Table(
    "watch_members",
    metadata,
    sa.Column("watch_id", ID, sa.ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("node", KEY, primary_key=True),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="SET NULL")),
)
"""The members (graph node names: entity ids and value nodes) of a watched network as it last
stood for the watch's owner, each with the newest record that put it there (none once that
record is gone): what the next check compares the network with."""

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("watch_id", ID, sa.ForeignKey("watches.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("record_id", ID, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("entity_id", KEY),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("origin", sa.String(64), nullable=False),
    _now(),
    sa.Column("read_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("watch_id", "user_id", "kind", "record_id"),
    sa.Index(None, "user_id", "id"),
    sa.Index(None, "record_id"),
    sa.CheckConstraint(
        "kind IN ('record', 'mention', 'merge', 'split', 'link', 'joined', 'left', 'indicator')",
        name="kind",
    ),
)
"""New material that matched a watch, one row per user told and record: found from what a
batch or a resolution run changed, shown only through the user's View at read time (so an
alert about a record they may not see, yet or any more, is not shown). It goes with its record
(rolled back or erased) and with its watch."""

alert_mail = sa.Table(
    "alert_mail",
    metadata,
    sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("address", sa.Text(), nullable=False),
    sa.Column("last_alert_id", ID, nullable=False, server_default="0"),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
"""The address a user asked their alerts to be mailed to (`threadline watch notify`), and
the newest alert already mailed: mail is sent after the transaction that raised the alerts,
and one that fails leaves the mark where it was, so the next delivery tries again."""

person_assessments = sa.Table(
    "person_assessments",
    metadata,
    sa.Column("id", ID, primary_key=True, autoincrement=True),
    sa.Column("entity_id", KEY, nullable=False, index=True),
    sa.Column("side", sa.String(16), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("agency_id", ID, sa.ForeignKey("agencies.id"), nullable=False),
    _now(),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("deleted_by", ID, sa.ForeignKey("users.id")),
    sa.CheckConstraint("side IN ('victim', 'suspect')", name="side"),
    sa.CheckConstraint("decision IN ('confirmed', 'dismissed')", name="decision"),
)
"""Analysts' decisions on a person's assessment as a potential victim or suspect: confirmed
or dismissed with a reason, withdrawn (soft-deleted) rather than overwritten; shown beside the
score to the deciding agency's users. Keyed by the entity's stable id, so they outlive runs."""

TABLES = (
    agencies,
    users,
    sources,
    batches,
    records,
    entities,
    mentions,
    statements,
    name_keys,
    links,
    link_evidence,
    judgements,
    indicators,
    cases,
    case_members,
    case_charts,
    audit_events,
    sharing_agreements,
    case_records,
    record_handling,
    record_recipients,
    retention_reviews,
    audit_chain,
    audit_subjects,
    audit_index,
    audit_blocks,
    erased_records,
    analysis_runs,
    entity_metrics,
    priorities,
    resolution_runs,
    resolution_pairs,
    web_sessions,
    api_tokens,
    login_failures,
    jobs,
    profile_figures,
    evaluations,
    geo_loads,
    geo_postcodes,
    geo_districts,
    geo_district_places,
    geo_names,
    watches,
    alerts,
    watch_members,
    alert_mail,
    person_assessments,
)
"""Every table, parents before children (the order to create; reverse it to empty)."""
