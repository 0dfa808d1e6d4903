"""Declared dependencies are exactly those imported.

Every third-party module that ``src/threadline`` imports must come from a distribution
declared in ``[project] dependencies`` (not one that happens to be installed because another
package needs it), and every declared runtime dependency must be imported somewhere, unless it
is listed below as used without an import. Tests and benchmarks may also use the ``dev`` extra.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

USED_WITHOUT_IMPORT = {
    # SQLAlchemy loads the driver named by a "postgresql+psycopg://" URL (store/database.py).
    "psycopg",
    # FastAPI parses the workbench's form posts (sign-in, capture, upload) with it.
    "python-multipart",
}
STUB_ONLY = {
    # typeshed's own module, imported only under TYPE_CHECKING (scenario/sinks.py).
    "_typeshed",
}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement ("psycopg[binary]>=3" -> psycopg)."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _declared(*extras: str) -> set[str]:
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {_name(r) for r in requirements}


def _imports(folders: Iterable[Path]) -> dict[str, set[str]]:
    """Top-level third-party modules imported by the Python files under `folders`, each with
    the files that import it."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in STUB_ONLY or top == "threadline":
                        continue
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _distributions(modules: Iterable[str]) -> dict[str, set[str]]:
    """The installed distributions that provide each module (empty when none does)."""
    provided: Mapping[str, list[str]] = packages_distributions()
    return {m: {_name(d) for d in provided.get(m, [])} for m in modules}


def _undeclared(imports: Mapping[str, set[str]], declared: set[str]) -> list[str]:
    return [
        f"{module} ({', '.join(sorted(dists)) or 'not installed'}) in {sorted(imports[module])}"
        for module, dists in sorted(_distributions(imports).items())
        if not dists & declared
    ]


def test_every_third_party_import_of_the_package_is_declared() -> None:
    undeclared = _undeclared(_imports([ROOT / "src" / "threadline"]), _declared())
    assert not undeclared, "imported but not declared:\n" + "\n".join(undeclared)


def test_every_declared_runtime_dependency_is_imported() -> None:
    used = set().union(*_distributions(_imports([ROOT / "src" / "threadline"])).values())
    unused = sorted(_declared() - used - USED_WITHOUT_IMPORT)
    assert not unused, f"declared but never imported in src/threadline: {unused}"


def test_the_used_without_import_list_is_current() -> None:
    # An entry for a dependency since dropped, or since imported, is a stale excuse.
    used = set().union(*_distributions(_imports([ROOT / "src" / "threadline"])).values())
    assert not USED_WITHOUT_IMPORT - _declared()
    assert not USED_WITHOUT_IMPORT & used


def test_tests_and_benchmarks_import_only_declared_packages() -> None:
    undeclared = _undeclared(_imports([ROOT / "tests", ROOT / "benchmarks"]), _declared("dev"))
    assert not undeclared, "imported but not declared:\n" + "\n".join(undeclared)
