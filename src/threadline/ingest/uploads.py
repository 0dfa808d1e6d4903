"""Files uploaded through the workbench or the API, kept until they are loaded, and previewed.

Each upload gets a folder of its own under the store's uploads folder (`uploads_root`): a
random name that starts with the uploader's user id (so that one user's upload is never
another's to load), holding the file under its own (cleaned) name, so that the batch records
the name the partner gave it, and the mapping YAML the user pasted, if any. A file over the
size limit, or not in a format Threadline reads, is refused before anything is kept.

`preview` reads the first rows through the chosen mapping exactly as a load would (the
mapping's Converter), and says for each cell its cleaned values and, for a bad row, which
cell is wrong and why.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from threadline.config import setting
from threadline.errors import ThreadlineError
from threadline.ingest.convert import Converter, RecordDraft
from threadline.ingest.mapping import Mapping, MappingError, load_mapping
from threadline.ingest.readers import ReadError, Row, read_rows
from threadline.ingest.sources import PACKAGED_MAPPINGS, find_mapping
from threadline.model.protection import Protection, combine, stored_protection
from threadline.store import Store
from threadline.untrusted import printable

__all__ = [
    "DEFAULT_LIMIT_MB",
    "FORMAT_OF_SUFFIX",
    "PASTED",
    "Preview",
    "PreviewCell",
    "PreviewRow",
    "Upload",
    "UploadRefused",
    "find_upload",
    "preview",
    "save_upload",
    "shipped_mappings",
    "upload_limit",
    "upload_mapping",
    "uploads_root",
]

DEFAULT_LIMIT_MB = 200
"""Largest upload accepted (megabytes) unless THREADLINE_UPLOAD_MB says otherwise."""
FORMAT_OF_SUFFIX = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xls": "xls",
    ".ods": "ods", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}  # fmt: skip
"""The formats an upload may be in, by the file name's ending (what ingest's readers read)."""
PASTED = "mapping.yaml"
"""The name a pasted mapping is kept under, in its upload's folder."""
PREVIEW_ROWS = 20
_TOKEN = re.compile(r"(\d+)-[0-9a-f]{32}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class UploadRefused(ThreadlineError):
    """An upload that is not kept: too large, or not a format Threadline reads."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True, slots=True)
class Upload:
    """A kept upload: its token (the folder's name), folder, file and format."""

    token: str
    folder: Path
    file: Path
    format: str

    @property
    def pasted(self) -> Path | None:
        """The mapping the user pasted with it, if any."""
        path = self.folder / PASTED
        return path if path.is_file() else None


def uploads_root(store: Store) -> Path:
    """Where uploads are kept: $THREADLINE_UPLOADS, else an ``uploads`` folder beside the
    SQLite file, else (a server database) ``threadline-uploads`` in the working folder. Made
    readable by its owner only."""
    chosen = (setting("THREADLINE_UPLOADS") or "").strip()
    if chosen:
        root = Path(chosen).expanduser()
    else:
        database = store.engine.url.database
        if store.embedded and database not in (None, "", ":memory:"):
            root = Path(str(database)).expanduser().resolve().parent / "uploads"
        else:
            root = Path.cwd() / "threadline-uploads"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def upload_limit() -> int:
    """The largest upload accepted, in bytes ($THREADLINE_UPLOAD_MB, default 200 MB)."""
    text = (setting("THREADLINE_UPLOAD_MB") or "").strip()
    megabytes = int(text) if text.isdigit() and int(text) > 0 else DEFAULT_LIMIT_MB
    return megabytes * 1_000_000


def _clean_name(name: str) -> str:
    """The file's own name, reduced to plain characters (never a path)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")[-120:]
    return cleaned or "upload"


def save_upload(
    root: Path, user_id: int, name: str, stream: BinaryIO, *, limit: int | None = None,
    mapping_yaml: str | None = None,
) -> Upload:  # fmt: skip
    """Keep `stream` (a file called `name`) for user `user_id`; refuse it (keeping nothing)
    when it is over `limit` bytes or not in a format Threadline reads."""
    limit = upload_limit() if limit is None else limit
    clean = _clean_name(name)
    fmt = FORMAT_OF_SUFFIX.get(Path(clean).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted({s.lstrip(".").upper() for s in FORMAT_OF_SUFFIX}))
        raise UploadRefused(
            f"{printable(clean)}: Threadline reads {known} files; save the file in one of "
            "those formats and upload it again"
        )
    token = f"{user_id}-{secrets.token_hex(16)}"
    folder = root / token
    folder.mkdir(mode=0o700)
    target = folder / clean
    written = 0
    try:
        with target.open("wb") as out:
            while chunk := stream.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise UploadRefused(
                        f"{printable(clean)} is larger than the {limit // 1_000_000} MB an "
                        "upload may be: split it, or ask an administrator to load it with "
                        "`threadline ingest`",
                        too_large=True,
                    )
                out.write(chunk)
        if written == 0:
            raise UploadRefused(f"{printable(clean)} is empty: nothing to load")
        if mapping_yaml is not None and mapping_yaml.strip():
            (folder / PASTED).write_text(mapping_yaml, encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(token, folder, target, fmt)


def find_upload(root: Path, user_id: int, token: str) -> Upload | None:
    """User `user_id`'s upload `token`, or None (as for one that does not exist) when the
    token is not theirs or names nothing."""
    found = _TOKEN.fullmatch(token)
    if found is None or int(found.group(1)) != user_id:
        return None
    folder = root / token
    if not folder.is_dir() or folder.is_symlink():
        return None
    for path in sorted(folder.iterdir()):
        fmt = FORMAT_OF_SUFFIX.get(path.suffix.lower())
        if path.is_file() and not path.is_symlink() and path.name != PASTED and fmt:
            return Upload(token, folder, path, fmt)
    return None


@lru_cache(maxsize=1)
def shipped_mappings() -> tuple[Mapping, ...]:
    """The mappings Threadline ships, by name."""
    return tuple(load_mapping(p) for p in sorted(PACKAGED_MAPPINGS.glob("*.yaml")))


def upload_mapping(upload: Upload, name: str) -> Mapping:
    """The mapping to read `upload` with: the one pasted with it, else the shipped one called
    `name`. A pasted mapping's errors name its line, not where it is kept."""
    pasted = upload.pasted
    if pasted is not None:
        try:
            mapping = load_mapping(pasted)
        except MappingError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            raise ThreadlineError(f"your mapping, {where}{exc.reason}") from None
    else:
        if name not in {m.name for m in shipped_mappings()} and name not in {
            m.path.stem for m in shipped_mappings()
        }:
            raise ThreadlineError(f"no mapping {printable(name)!r}: choose one of the list")
        mapping = find_mapping(name)
    if mapping.format != upload.format and {mapping.format, upload.format} != {"json", "jsonl"}:
        raise ThreadlineError(
            f"mapping {mapping.name!r} reads {mapping.format.upper()} files; "
            f"{upload.file.name} is {upload.format.upper()}"
        )
    return mapping


@dataclass(slots=True)
class PreviewCell:
    """One cell of a previewed row: as written, what it cleans to, and why it is wrong."""

    column: str
    raw: str
    cleaned: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class PreviewRow:
    """One row as a load would read it."""

    number: int
    location: str
    cells: list[PreviewCell]
    error: str | None = None
    """Why the row would be rejected (also on its cell, when one cell is to blame)."""
    warnings: list[str] = field(default_factory=list)
    values: list[tuple[str, str, str]] = field(default_factory=list)
    """(schema, property, cleaned value) of every statement the row makes."""


@dataclass(slots=True)
class Preview:
    """The first rows of an upload as they will be read, and what is wrong with them."""

    file: str
    mapping: str
    format: str
    columns: list[str]
    rows: list[PreviewRow]
    problems: list[str] = field(default_factory=list)
    """What is wrong with the file as a whole (a column the mapping needs is missing...)."""
    protection: Protection = field(default_factory=Protection)
    """The highest marking and most restrictive handling of the rows previewed."""

    @property
    def errors(self) -> int:
        """Rows among those previewed that a load would reject."""
        return sum(1 for r in self.rows if r.error)


def _first_rows(path: Path, mapping: Mapping, limit: int) -> Iterator[Row]:
    for count, row in enumerate(read_rows(path, mapping.format, mapping.options)):
        if count >= limit:
            return
        yield row


def preview(upload: Upload, mapping: Mapping, agency: str, *, limit: int = PREVIEW_ROWS) -> Preview:
    """The first `limit` rows of `upload` read through `mapping` for `agency`, as a load would
    read them (see the module docstring)."""
    converter = Converter(mapping, agency)
    out = Preview(upload.file.name, mapping.name, upload.format, [], [])
    try:
        rows = list(_first_rows(upload.file, mapping, limit))
    except ReadError as exc:
        out.problems.append(str(exc).replace(str(upload.folder), "").lstrip("/"))
        return out
    for row in rows:
        for column in row.values:
            if column not in out.columns:
                out.columns.append(column)
    if mapping.format in ("csv", "xlsx", "xls", "ods") and out.columns:
        present = set(out.columns)
        for column, _line in mapping.columns():
            if column not in present:
                out.problems.append(f"the mapping reads a column {column!r} the file lacks")
    held: list[Protection] = []
    for row in rows:
        out.rows.append(_preview_row(converter, row, out.columns, held))
    out.protection = combine(held) if held else Protection()
    return out


def _preview_row(
    converter: Converter, row: Row, columns: list[str], held: list[Protection]
) -> PreviewRow:
    cells = [PreviewCell(c, printable(row.values.get(c, ""))) for c in columns]
    shown = PreviewRow(row.number, row.location, cells)
    outcome = converter.convert(row)
    if isinstance(outcome, RecordDraft):
        held.append(
            stored_protection(outcome.grading_scheme, outcome.source_evaluation,
                              outcome.information_assessment, outcome.handling_code,
                              outcome.handling_conditions, outcome.marking)
        )  # fmt: skip
        shown.warnings = [printable(w) for w in outcome.warnings]
        by_original: dict[str, list[str]] = {}
        for mention in outcome.mentions:
            for s in mention.statements:
                shown.values.append((mention.schema, s.prop, printable(s.value)))
                if s.original and s.value != s.original:
                    by_original.setdefault(s.original.strip(), []).append(printable(s.value))
        for cell in cells:
            cell.cleaned = sorted(set(by_original.get(cell.raw.strip(), [])))
        return shown
    shown.error = outcome.reason
    for cell in cells:
        if outcome.column is not None and cell.column == outcome.column:
            cell.error = outcome.reason
    return shown
