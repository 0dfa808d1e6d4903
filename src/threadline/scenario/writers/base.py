"""What every agency writer shares: the output folder, ground truth, and free-text building."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from threadline.scenario.names import Style, render
from threadline.scenario.places import AddressStyle, render_address
from threadline.scenario.truth import Entity, Truth, kind_of
from threadline.scenario.variation import format_phone, format_vrm, mangle_phone
from threadline.scenario.world import Person, Premises, Vehicle, World


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One entry of ``sources.yaml``."""

    file: str
    agency: str
    agency_name: str
    mapping: str
    format: str
    description: str
    key: str
    agency_kind: str = "other"
    encoding: str = "utf-8"
    sheet: str = ""
    pattern: str = ""
    delimiter: str = ""

    def as_dict(self) -> dict[str, str]:
        """The entry as written to YAML (empty optional fields left out)."""
        entry = {
            "file": self.file,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "agency_kind": self.agency_kind,
            "mapping": self.mapping,
            "format": self.format,
        }
        for name in ("sheet", "pattern", "delimiter"):
            if getattr(self, name):
                entry[name] = getattr(self, name)
        if self.format != "xlsx":
            entry["encoding"] = self.encoding
        entry["key"] = self.key
        entry["description"] = self.description
        return entry


class Writer(ABC):
    """An agency's view of the world: writes its fragment of each shard in its own format."""

    label: str = ""

    def __init__(self, root: Path, truth: Truth) -> None:
        self.root = root
        self.truth = truth

    @staticmethod
    @abstractmethod
    def sources() -> list[SourceInfo]:
        """The ``sources.yaml`` entries of the files this writer produces."""

    @abstractmethod
    def shard(self, world: World, rng: random.Random) -> int:
        """Write this agency's records about ``world``; return how many were written."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Records written so far per file (relative path)."""

    @abstractmethod
    def close(self) -> None:
        """Finish the files."""


_PLAIN = Style()
_ADDRESS = AddressStyle()


class Text:
    """Free text being written that remembers which entity each name, business or address is."""

    def __init__(self, rng: random.Random, transform: Callable[[str], str] | None = None) -> None:
        self.rng = rng
        self.refs: list[tuple[str, str, str]] = []
        self.links: list[tuple[str, str, str]] = []
        """What the text says a person uses or is: ``(kind, value as written, true id)``, kind
        ``phone``, ``vehicle``, ``account``, ``address`` or ``role`` (the value a role word)."""
        self._transform = transform

    def _t(self, text: str) -> str:
        return self._transform(text) if self._transform else text

    def ref(self, entity: Entity, text: str) -> str:
        """``text`` (transformed), recorded as naming ``entity``."""
        text = self._t(text)
        if text:
            self.refs.append((kind_of(entity), text, entity.id))
        return text

    def person(self, person: Person, style: Style = _PLAIN, alias: float = 0.3) -> str:
        """How free text names ``person``: a name as written, or a nickname in quotes."""
        if person.aliases and self.rng.random() < alias:
            return f"'{self.ref(person, self.rng.choice(person.aliases))}'"
        return self.ref(person, render(self.rng, person.name, style).full)

    def place(self, place: Premises, style: AddressStyle = _ADDRESS) -> str:
        """An address in free text, with its postcode most of the time."""
        line, postcode = render_address(self.rng, place.address, style)
        if self.rng.random() < 0.7:
            line = f"{line} {postcode}"
        return self.ref(place, line)

    def phone(self, number: str) -> str:
        """A phone number in any UK format; now and then partial or mistyped, as heard."""
        if self.rng.random() < 0.04:
            return self._t(mangle_phone(self.rng, number))
        return self._t(format_phone(self.rng, number))

    def vehicle(self, vehicle: Vehicle) -> str:
        """``a white Ford Transit AB12 CQD``."""
        return self._t(f"a {vehicle.colour} {vehicle.make} {format_vrm(self.rng, vehicle.vrm)}")

    def attribute(self, kind: str, written: str, holder: Person) -> str:
        """``written`` (a phone, registration, account or address as the text gives it, or a
        role word), recorded as what the sentence says ``holder`` uses or is."""
        self.links.append((kind, written, holder.id))
        return written

    def finish(self, text: str) -> str:
        """The finished text (transformed as the references were)."""
        return self._t(text)
