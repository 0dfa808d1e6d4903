"""The import rule: only the read path, storage and the writers touch intelligence tables.

Every read of intelligence for a user goes through `threadline.read` (scoped to the acting
user and audited). A module outside the allowed list below that names one of the tables that
hold intelligence (records and everything derived from them, and the audit log) fails this
test: give it a View instead, or, if it writes, add it here with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "threadline"

INTELLIGENCE = frozenset(
    {
        "records", "statements", "mentions", "entities", "links", "link_evidence",
        "judgements", "batches", "indicators", "entity_metrics", "priorities",
        "analysis_runs", "audit_events", "case_records", "resolution_runs",
        "resolution_pairs", "erasures", "record_handling", "record_recipients", "name_keys",
        "profile_figures", "alerts", "watch_members", "person_assessments",
    }
)  # fmt: skip
"""Tables whose rows are intelligence, derived from it, or say who saw it."""

ALLOWED = {
    "threadline.store": "storage: tables, migrations, the database layer, the store's totals",
    "threadline.read": "the one read path: every query scoped to the acting user and audited",
    "threadline.ingest.batches": "ingest writes: batches, records, statements, rollback",
    "threadline.ingest.capture.save": "ingest writes: a captured report as a batch of one "
    "record (written by the batches' writer); existing subjects are read through the View",
    "threadline.resolve.persist": "resolution writes: runs, entities, each mention's entity, "
    "the pairs a run keeps",
    "threadline.resolve.links": "resolution writes: links and their evidence, derived from "
    "link mentions with the protection of their records",
    "threadline.resolve.groups": "resolution's input: mentions grouped by rule (identifiers, "
    "the rest alone), unscoped by design like frames",
    "threadline.resolve.incremental": "resolution's own state: earlier runs, their pairs, each "
    "mention's earlier entity and digest, the store's fingerprint",
    "threadline.resolve.frames": "resolution's input: every mention of the store, unscoped by "
    "design (resolution is not a read for a user; its output is read through a View)",
    "threadline.resolve.narrated": "resolution's input: the names, records and phones of every "
    "person mention, to join the people narratives name, unscoped by design like frames",
    "threadline.resolve.explain_store": "resolution's stored state for explanations, read "
    "only through the command that checks the View first",
    "threadline.risk.analysis": "analysis writes: runs, metrics, indicators, rankings",
    "threadline.security.audit": "the audit log's writer and verifier",
    "threadline.security.chain": "the audit chain's writer",
    "threadline.security.anchor": "the audit chain checked against its checkpoints",
    "threadline.security.blocks": "the audit chain verified incrementally (signed digests)",
    "threadline.security.locking": "the audit chain's lock, taken before each append",
    "threadline.resolve.judgements": "resolution writes: analysts' judgements, recorded and "
    "withdrawn once the command has checked the View; the active ones, which every run applies",
    "threadline.security.retention": "retention decisions and erasure (deletes)",
    "threadline.security.cases": "case writes: attaching records to a case",
    "threadline.security.policy": "the access rule itself, as SQL",
    "threadline.reports.history": "a problem profile's headline figures, stored and read back "
    "by the user who produced them only (counts, no record or name)",
    "threadline.tracking.check": "alerts written from what a batch or a resolution run "
    "changed (its statements, mentions and links), for every user a live watch tells",
    "threadline.tracking.networks": "network watches: the members of a watched network as "
    "they last stood, kept and compared (the network itself is read through the owner's View)",
    "threadline.tracking.alerts": "alerts read back only through the reader's View (its "
    "policy joined to the alert's record), and marked read",
    "threadline.people.decisions": "analysts' decisions on people's assessments, recorded and "
    "withdrawn once the command has checked through the View that the user is shown the person",
    "threadline.security.conditions": "handling restrictions: records' conditions read by the "
    "handling rules and stored beside them (at ingest and by `sharing conditions --apply`)",
}
"""Module (or package) -> why it may touch intelligence tables directly."""


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _touched(tree: ast.AST) -> set[str]:
    """Intelligence tables a module names: ``t.records`` through an imported tables module,
    or ``from threadline.store.tables import records``."""
    aliases: set[str] = set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "threadline.store":
            aliases |= {a.asname or a.name for a in node.names if a.name == "tables"}
        elif isinstance(node, ast.ImportFrom) and node.module == "threadline.store.tables":
            found |= {a.name for a in node.names} & INTELLIGENCE
        elif isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name.endswith("store.tables")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr in INTELLIGENCE
        ):
            found.add(node.attr)
    return found


def _allowed(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in ALLOWED)


def test_only_the_read_path_storage_and_writers_touch_intelligence_tables() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        module = _module(path)
        touched = _touched(ast.parse(path.read_text(encoding="utf-8")))
        if touched and not _allowed(module):
            offenders[module] = sorted(touched)
    assert offenders == {}, (
        "these modules touch intelligence tables directly; read through threadline.read "
        f"(a View) instead: {offenders}"
    )


def test_the_rule_sees_both_ways_of_naming_a_table() -> None:
    code = "from threadline.store import tables as t\nx = t.records.c.id\n"
    assert _touched(ast.parse(code)) == {"records"}
    assert _touched(ast.parse("from threadline.store.tables import mentions")) == {"mentions"}
    assert _touched(ast.parse("from threadline.store import tables as t\nt.users")) == set()


def test_every_allowed_module_exists() -> None:
    for name in ALLOWED:
        as_path = SRC.parent / Path(*name.split("."))
        assert as_path.with_suffix(".py").is_file() or as_path.is_dir(), name


def _imports(tree: ast.Module, modules: set[str]) -> set[str]:
    """The threadline modules a module imports, at any depth but outside TYPE_CHECKING:
    ``from threadline.security import chain`` imports the module ``threadline.security.chain``,
    ``from threadline.security import audit_log`` (a function) the package."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and (sub.module or "").startswith("threadline"):
                for alias in sub.names:
                    full = f"{sub.module}.{alias.name}"
                    found.add(full if full in modules else str(sub.module))
            elif isinstance(sub, ast.Import):
                found |= {a.name for a in sub.names if a.name.startswith("threadline")}
    return found


def test_no_import_cycles() -> None:
    """No module imports one that imports it back, even from inside a function: a cycle
    dodged by a local import is still a knot in the design."""
    modules = {_module(p): p for p in SRC.rglob("*.py") if "migrations" not in p.parts}
    edges = {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), set(modules))
        & set(modules) - {name}
        for name, path in modules.items()
    }
    cycles = []
    for start in sorted(edges):
        seen, todo = {start}, list(edges[start])
        while todo:
            here = todo.pop()
            if here == start:
                cycles.append(start)
                break
            if here not in seen:
                seen.add(here)
                todo.extend(edges[here])
    assert cycles == [], f"modules in an import cycle: {cycles}"


def test_every_package_exports_exactly_its_public_names() -> None:
    """Each package's ``__all__`` names what it exposes: every name in it exists, and every
    public name the package defines or re-exports (other than its submodules) is in it."""
    import importlib
    import types

    for init in sorted(SRC.rglob("__init__.py")):
        name = _module(init)
        if "migrations" in name:
            continue
        package = importlib.import_module(name)
        exported = getattr(package, "__all__", None)
        assert exported is not None, f"{name} has no __all__"
        missing = [n for n in exported if not hasattr(package, n)]
        assert missing == [], f"{name}.__all__ names what it lacks: {missing}"
        public = {
            n for n, value in vars(package).items()
            if not n.startswith("_") and not isinstance(value, types.ModuleType)
            and n not in {"annotations"}
        }  # fmt: skip
        assert public <= set(exported), f"{name} exposes beyond __all__: {public - set(exported)}"


def test_exports_read_only_through_the_read_path() -> None:
    """Products (exports) never open the store or write SQL: they take a View and the graph
    built from it, so what they hold is what the acting user may see."""
    for path in sorted((SRC / "export").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        reached = {n for n in names if n.startswith(("threadline.store", "sqlalchemy"))}
        assert reached == set(), f"{_module(path)} reaches past the read path: {reached}"
