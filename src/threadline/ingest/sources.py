"""sources.yaml: the list of files in a delivery, each with its agency and mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from threadline.errors import ThreadlineError
from threadline.ingest.batches import Agency
from threadline.ingest.mapping import Mapping, load_mapping

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
    """A mapping by file path, or by name from FOLDER/mappings/ then Threadline's own."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return load_mapping(candidate)
    places = [folder / "mappings"] if folder is not None else []
    places.append(PACKAGED_MAPPINGS)
    for place in places:
        for suffix in (".yaml", ".yml"):
            path = place / f"{name_or_path}{suffix}"
            if path.exists():
                return load_mapping(path)
    known = sorted(p.stem for p in PACKAGED_MAPPINGS.glob("*.yaml"))
    raise ThreadlineError(f"no mapping {name_or_path!r} (Threadline ships: {', '.join(known)})")


def read_sources(folder: Path) -> list[SourceEntry]:
    """The entries of FOLDER/sources.yaml, with paths made absolute and checked."""
    index = folder / "sources.yaml"
    if not index.exists():
        raise ThreadlineError(f"{folder}: no sources.yaml listing the files to load")
    try:
        data = yaml.safe_load(index.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ThreadlineError(f"{index}: not valid YAML ({exc})") from None
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ThreadlineError(f"{index}: expected a 'sources:' list")
    out = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("file") or not item.get("mapping"):
            raise ThreadlineError(f"{index}: source {number} needs 'file' and 'mapping'")
        path = (folder / str(item["file"])).resolve()
        if not path.is_relative_to(folder.resolve()):
            raise ThreadlineError(f"{index}: source {number}: {item['file']!r} is outside {folder}")
        out.append(
            SourceEntry(
                path=path,
                agency=Agency(
                    code=str(item.get("agency", "")),
                    name=str(item.get("agency_name", "")),
                    kind=str(item.get("agency_kind", "other")),
                ),
                mapping=str(item["mapping"]),
                format=item.get("format"),
                description=str(item.get("description", "")),
            )
        )
    return out
