"""The one read path: every read of intelligence for a user goes through a `View`.

A View is scoped to one actor (their agency, roles, clearance, cases and the sharing
agreements in force) inside the SQL, and writes what it read to the audit log as a
consultation (DPA 2018 s62). Functions that return intelligence take a View as a required
argument; nothing defaults to the whole store. Only this package, the storage layer and the
writers of ingest, resolution, analysis and security administration touch the tables
(`tests/test_layers.py` checks it).

- `View`: records, statements, mentions, entities, links and indicators the actor may see.
- `reading`: open the store as a user and get their View, denials audited.
- `holdings`: counts and batches the actor may see.
- `graph_rows`: the rows a graph is built from, scoped by a View.
- `search`: one box for names, dates of birth and identifiers, ranked hits that say why.
- `show_record`: one record as its agency wrote it, with grade, provenance and entities.
"""

from threadline.read.records import RecordMention, RecordStatement, RecordView, show_record
from threadline.read.rows import Entity, Indicator, Link, Mention, Record, Statement
from threadline.read.search import Hit, Match, Reading, SearchResults, search, warm_up
from threadline.read.session import reading
from threadline.read.view import View

__all__ = [
    "Entity",
    "Hit",
    "Indicator",
    "Link",
    "Match",
    "Mention",
    "Reading",
    "Record",
    "RecordMention",
    "RecordStatement",
    "RecordView",
    "SearchResults",
    "Statement",
    "View",
    "reading",
    "search",
    "show_record",
    "warm_up",
]
