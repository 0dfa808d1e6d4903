"""sources.yaml: the list of files in a delivery, each with its agency and mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from threadline import safe_yaml
from threadline.errors import ThreadlineError
from threadline.ingest.batches import Agency
from threadline.ingest.mapping import Mapping, load_mapping
from threadline.untrusted import NAME, UnsafePath, inside, valid_agency_code

__all__ = ["PACKAGED_MAPPINGS", "SourceEntry", "find_mapping", "read_sources"]

PACKAGED_MAPPINGS = Path(__file__).parent / "mappings"
"""Mappings shipped with Threadline, one per source the scenario generator writes."""


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One file (or folder of text files) to load."""

    path: Path
    agency: Agency
    mapping: str
    format: str | None
    description: str


def find_mapping(name_or_path: str, folder: Path | None = None) -> Mapping:
    """A mapping by file path, or by name from FOLDER/mappings/ then Threadline's own; a
    mapping found by name is never a symbolic link and stays in the folder searched."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        if candidate.exists():
            return load_mapping(candidate)
        if len(candidate.parts) > 1:
            raise ThreadlineError(f"{name_or_path}: no such mapping file")
    places = [folder / "mappings"] if folder is not None else []
    places.append(PACKAGED_MAPPINGS)
    for place in places:
        for suffix in (".yaml", ".yml"):
            try:
                path = inside(place, f"{name_or_path}{suffix}")
            except UnsafePath as exc:
                raise ThreadlineError(f"mapping {name_or_path!r}: {exc}") from None
            if path.exists():
                return load_mapping(path)
    known = sorted(p.stem for p in PACKAGED_MAPPINGS.glob("*.yaml"))
    raise ThreadlineError(f"no mapping {name_or_path!r} (Threadline ships: {', '.join(known)})")


def read_sources(folder: Path) -> list[SourceEntry]:
    """The entries of FOLDER/sources.yaml, with paths made absolute and checked: a file (or a
    mapping given as a path) must be inside FOLDER and reached through no symbolic link; an
    agency code and a mapping name must be plain names."""
    index = folder / "sources.yaml"
    if not index.exists():
        raise ThreadlineError(f"{folder}: no sources.yaml listing the files to load")
    try:
        data, _ = safe_yaml.read(index)
    except UnicodeDecodeError:
        raise ThreadlineError(f"{index}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        line, reason = safe_yaml.problem(exc)
        where = f"{index}:{line}" if line else str(index)
        raise ThreadlineError(f"{where}: not valid YAML ({reason})") from None
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ThreadlineError(f"{index}: expected a 'sources:' list")
    out = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("file") or not item.get("mapping"):
            raise ThreadlineError(f"{index}: source {number} needs 'file' and 'mapping'")
        code = str(item.get("agency", ""))
        if code and not valid_agency_code(code):
            raise ThreadlineError(
                f"{index}: source {number}: agency code {code!r}: use lower-case letters, "
                "digits, - and _ (at most 64)"
            )
        try:
            path = _confined(folder, str(item["file"]))
            mapping = _mapping_reference(folder, str(item["mapping"]))
        except UnsafePath as exc:
            raise ThreadlineError(f"{index}: source {number}: {exc}") from None
        out.append(
            SourceEntry(
                path=path,
                agency=Agency(
                    code=code,
                    name=str(item.get("agency_name", "")),
                    kind=str(item.get("agency_kind", "other")),
                ),
                mapping=mapping,
                format=item.get("format"),
                description=str(item.get("description", "")),
            )
        )
    return out


def _confined(folder: Path, written: str) -> Path:
    """`written` under `folder` (see :func:`threadline.untrusted.inside`), made absolute."""
    path = inside(folder, written).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise UnsafePath(f"{written!r} is outside {folder}")
    return path


def _mapping_reference(folder: Path, written: str) -> str:
    """A mapping as sources.yaml names it: a path (inside the folder) or a plain name."""
    if written.endswith((".yaml", ".yml")) or "/" in written or "\\" in written:
        return str(_confined(folder, written))
    if NAME.fullmatch(written) is None:
        raise UnsafePath(
            f"mapping {written!r}: give a name (letters, digits, '.', '_', '-') or a path "
            "inside the folder"
        )
    return written
