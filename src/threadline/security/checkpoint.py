"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain shows an edit anywhere in the log, but not a log cut short or rewritten from
some point on by someone who can write to the database: they can recompute every hash after
their edit, and fix the head row too. A checkpoint pins the head where the database cannot
reach it: one line in a file, giving the head's sequence number, its hash, how many events
the chain held and when, signed with HMAC-SHA256 under a key the database never holds.

    {"at":"2026-11-25T09:30:00.000000Z","events":41,"hash":"9f...","key":"3a...","seq":41,
     "v":1,"mac":"c2..."}

``key`` names the key (an HMAC of a fixed label, so it says nothing of the key itself) and
``mac`` is the HMAC of the line's other fields as canonical JSON. This module holds no SQL:
`threadline.security.chain` writes a checkpoint as each transaction seals, when
``THREADLINE_AUDIT_ANCHOR`` names a file, and `threadline.security.anchor` checks a store
against a file of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from threadline.config import setting
from threadline.errors import ThreadlineError

__all__ = [
    "ANCHOR_ENV",
    "KEY_FILE_ENV",
    "AnchorError",
    "Anchoring",
    "Checkpoint",
    "Key",
    "Line",
    "anchor_file",
    "append",
    "configured",
    "create_key",
    "key_file",
    "load_key",
    "read",
]

ANCHOR_ENV = "THREADLINE_AUDIT_ANCHOR"
"""A checkpoint file: when set, every transaction that seals audit events appends one."""

KEY_FILE_ENV = "THREADLINE_AUDIT_KEY_FILE"
"""The file holding the key that signs checkpoints (made by ``threadline audit key``)."""

KEY_BYTES = 32
"""A key's length: 256 bits, the size of HMAC-SHA256's output."""

VERSION = 1
"""The checkpoint format, written as ``v`` in each line."""

_KEY_ID_LABEL = b"threadline audit checkpoint key id"


class AnchorError(ThreadlineError):
    """A key or checkpoint file cannot be used (missing, unreadable, too open, malformed)."""


@dataclass(frozen=True, slots=True)
class Key:
    """A checkpoint signing key."""

    secret: bytes = field(repr=False)

    @property
    def id(self) -> str:
        """A short name for the key, safe to print: it reveals nothing of the key."""
        return hmac.new(self.secret, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def mac(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at one moment: its last event's `seq` and `hash`, and `events`, how
    many events the chain held then (its length: `seq` for a chain that was never cut)."""

    seq: int
    hash: str
    events: int
    at: str
    """When the checkpoint was made (UTC, as the audit log writes times)."""
    key: str
    """The id of the key that signed it."""

    def payload(self) -> bytes:
        """What the signature covers: every field and the format, as canonical JSON."""
        fields = {"at": self.at, "events": self.events, "hash": self.hash, "key": self.key,
                  "seq": self.seq, "v": VERSION}  # fmt: skip
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii")

    def signed(self, key: Key) -> str:
        """The checkpoint as one signed line (without its newline)."""
        payload = self.payload()
        return payload[:-1].decode("ascii") + f',"mac":"{key.mac(payload)}"}}'


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a checkpoint file: its checkpoint if it is genuine, else what is wrong."""

    number: int
    checkpoint: Checkpoint | None
    problem: str = ""


# -- keys -------------------------------------------------------------------------------------


def create_key(path: Path) -> Key:
    """Write a new random key to `path`, readable by its owner only; never overwrite one."""
    key = Key(secrets.token_bytes(KEY_BYTES))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AnchorError(f"{path} already exists: a key is never overwritten") from None
    except OSError as exc:
        raise AnchorError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.secret.hex() + "\n")
    return key


def load_key(path: Path) -> Key:
    """The key in `path`, refused if others may read it or it is not a key."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise AnchorError(
            f"{path}: no such key file (make one with `threadline audit key`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"cannot read the key file {path}: {exc}") from None
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        raise AnchorError(f"{path} may be read by others: `chmod 600 {path}`")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise AnchorError(f"{path} is not a key made by `threadline audit key`") from None
    if len(secret) < KEY_BYTES:
        raise AnchorError(f"{path} is not a key made by `threadline audit key`")
    return Key(secret)


def anchor_file(given: Path | None) -> Path | None:
    """The checkpoint file named by `--anchor` or `--out`, else by ``THREADLINE_AUDIT_ANCHOR``,
    else None."""
    if given is not None:
        return given
    named = (setting(ANCHOR_ENV) or "").strip()
    return Path(named) if named else None


def key_file(given: Path | None) -> Path:
    """The key file named by `--key-file`, else by ``THREADLINE_AUDIT_KEY_FILE``."""
    if given is not None:
        return given
    named = (setting(KEY_FILE_ENV) or "").strip()
    if not named:
        raise AnchorError(f"no checkpoint key: give --key-file or set {KEY_FILE_ENV}")
    return Path(named)


# -- checkpoint files -------------------------------------------------------------------------


def append(path: Path, line: str) -> None:
    """Add one line to the checkpoint file at `path`, creating it if need be.

    One ``write`` in append mode: lines of concurrent writers do not interleave.
    """
    data = (line + "\n").encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AnchorError(f"cannot write the audit checkpoint to {path}: {exc.strerror}") from None


def read(path: Path, key: Key) -> Iterator[Line]:
    """Each line of the checkpoint file, with its checkpoint if `key` signed it as it stands."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise AnchorError(f"{path}: no such checkpoint file") from None
    except OSError as exc:
        raise AnchorError(f"cannot read the checkpoint file {path}: {exc.strerror}") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield _parse(number, raw.strip(), key)


def _parse(number: int, raw: str, key: Key) -> Line:
    try:
        data = json.loads(raw)
        checkpoint = Checkpoint(
            seq=_int(data["seq"]), hash=_str(data["hash"]), events=_int(data["events"]),
            at=_str(data["at"]), key=_str(data["key"]),
        )  # fmt: skip
        mac, version = _str(data["mac"]), data["v"]
    except (ValueError, KeyError, TypeError):
        return Line(number, None, "is not a checkpoint")
    if version != VERSION:
        return Line(number, None, f"is a checkpoint of an unknown format (v={version!r})")
    if checkpoint.key != key.id:
        return Line(number, None, f"was signed with another key ({checkpoint.key}, not {key.id})")
    if not hmac.compare_digest(mac, key.mac(checkpoint.payload())):
        return Line(number, None, "has a signature that does not verify: it was altered or forged")
    return Line(number, checkpoint)


def _int(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(value)
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


# -- anchoring at every seal ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anchoring:
    """Where each seal's checkpoint goes, and the key that signs it."""

    path: Path
    key: Key

    def write(self, seq: int, head: str, at: str) -> None:
        """Append the checkpoint of a chain whose head is now (`seq`, `head`)."""
        append(self.path, Checkpoint(seq, head, seq, at, self.key.id).signed(self.key))


def configured() -> Anchoring | None:
    """The anchoring this deployment asks for (``THREADLINE_AUDIT_ANCHOR``), or None.

    Raises AnchorError if a checkpoint file is named but its key cannot be used: a store that
    is meant to be anchored must not go on sealing without its anchor.
    """
    path = anchor_file(None)
    return None if path is None else Anchoring(path, load_key(key_file(None)))
