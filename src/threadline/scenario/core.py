"""``generate()``: build shard after shard; each agency writes its fragment; truth is recorded."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from threadline.errors import ThreadlineError
from threadline.scenario._rng import chance, derive, weighted
from threadline.scenario.background import Background
from threadline.scenario.decoys import plant_decoys
from threadline.scenario.identifiers import Identifiers
from threadline.scenario.later import controller_name, write_later_export
from threadline.scenario.networks import KINDS, SMALL_KINDS, build_network
from threadline.scenario.places import TOWNS, StreetDirectory
from threadline.scenario.sizes import SIZE_SPECS, SizeSpec
from threadline.scenario.truth import Truth
from threadline.scenario.unrecognised import UnrecognisedWriter
from threadline.scenario.world import AS_OF, Builder, Network, World
from threadline.scenario.writers import WRITERS, Writer

SIZES: tuple[str, ...] = tuple(SIZE_SPECS)
MARKER = "generator: threadline.scenario"
ALL_WRITERS: tuple[type[Writer], ...] = (*WRITERS, UnrecognisedWriter)
"""Every agency writer, in the order they run: the attendances of victims no agency has
recognised (and of decoys) come last, from their own random stream, changing nothing before."""
_SMALL_HOSTS = (("agriculture", "food_processing"), ("factory", "construction"))

Progress = Callable[[str, int], None]


class ScenarioError(ThreadlineError, ValueError):
    """A scenario cannot be generated as asked (unknown size, unsafe output folder)."""


@dataclass(frozen=True)
class ScenarioSummary:
    """What :func:`generate` wrote."""

    files: dict[str, int]
    """Records written per file, by path relative to the output folder (as in sources.yaml)."""
    persons: int
    businesses: int
    premises: int
    networks: int
    records: int
    """Total records over all agency files (truth files not counted)."""


def generate(size: str, seed: int, out: Path, progress: Progress | None = None) -> ScenarioSummary:
    """Write a synthetic multi-agency scenario of ``size`` for ``seed`` into ``out``.

    The output is byte-identical for one size and seed. ``out`` must be missing, empty, or a
    previous scenario (which is replaced). ``progress(label, advance)`` is called after each
    agency writes each shard: ``label`` names the agency writer and the advances add up to
    ``ScenarioSummary.records``. Raises :class:`ScenarioError` (a ``ValueError``) for an
    unknown size or an output folder that holds anything but a previous scenario.
    """
    if size not in SIZE_SPECS:
        raise ScenarioError(f"unknown scenario size {size!r}: choose one of {', '.join(SIZES)}")
    spec = SIZE_SPECS[size]
    _prepare(out)
    # sources.yaml goes first: it marks the folder as a scenario, so an interrupted run can be
    # replaced by the next one.
    _write_sources(out, size, seed)
    truth = Truth(out)
    writers: list[Writer] = []
    try:
        writers.extend(cls(out, truth) for cls in ALL_WRITERS)
        _write_shards(seed, spec, truth, writers, progress)
    except BaseException:
        for writer in writers:
            with contextlib.suppress(Exception):
                writer.close()
        truth.close()
        raise
    files: dict[str, int] = {}
    for writer in writers:
        writer.close()
        files.update(writer.counts())
    truth.close()
    # apart, in later/: not counted, not loaded with the scenario
    write_later_export(out, first_network(size, seed), size, seed)
    return ScenarioSummary(
        files=files,
        persons=truth.counts["persons"],
        businesses=truth.counts["businesses"],
        premises=truth.counts["premises"],
        networks=truth.counts["networks"],
        records=sum(files.values()),
    )


def _write_shards(
    seed: int, spec: SizeSpec, truth: Truth, writers: list[Writer], progress: Progress | None
) -> None:
    ids, streets = Identifiers(), StreetDirectory()
    for shard in range(spec.shards):
        world = build_world(seed, shard, spec, ids, streets)
        for writer in writers:
            written = writer.shard(world, derive(seed, writer.label, shard))
            if progress is not None:
                progress(writer.label, written)
        truth.world(world)


def build_world(
    seed: int, shard: int, spec: SizeSpec, ids: Identifiers, streets: StreetDirectory
) -> World:
    """The true world of one shard: background first, then the networks hidden in it, then
    innocent look-alikes of each typology (``threadline.scenario.decoys``)."""
    rng = derive(seed, "world", shard)
    rural = [t for t in TOWNS if t.rural]
    towns = [*rng.sample([t for t in TOWNS if not t.rural], 2), rng.choice(rural)]
    world = World(shard, towns)
    builder = Builder(rng, shard, ids, streets, world)
    background = Background(builder, spec.background)
    background.build()
    builder.rng = derive(seed, "networks", shard)
    for i, kind in enumerate(_kinds(seed, shard, spec)):
        hosts = _SMALL_HOSTS[i // 4] if spec.shards == 1 and kind == "labour_provider" else ()
        build_network(builder, background, f"NET-{shard:04d}-{i + 1:02d}", kind, hosts)
    plant_decoys(builder, background, derive(seed, "decoys", shard))
    records = derive(seed, "records", shard)
    for person in world.persons:
        offender = person.network is not None and person.role != "victim"
        if person.age() >= 18 and chance(records, 0.6 if offender else 0.06):
            person.pnc = ids.pnc_id(max(person.dob.year + 18, AS_OF.year - 20))
    return world


def first_network(size: str, seed: int) -> Network:
    """The first network of the scenario's first shard, rebuilt from its seed."""
    return build_world(seed, 0, SIZE_SPECS[size], Identifiers(), StreetDirectory()).networks[0]


def watched_controller(size: str, seed: int) -> str:
    """The name of the suspect the scenario's later export reports on (the demo watches him)."""
    return controller_name(first_network(size, seed))


def _kinds(seed: int, shard: int, spec: SizeSpec) -> list[str]:
    """Which kinds of network a shard holds: every kind early on, then by national weights."""
    if spec.shards == 1:
        return list(SMALL_KINDS[: spec.networks])
    rng = derive(seed, "kinds", shard)
    order = list(KINDS)
    kinds = []
    for i in range(spec.networks):
        index = shard * spec.networks + i
        if index < len(order):
            kinds.append(order[index])
        else:
            kinds.append(weighted(rng, [(kind, weight) for kind, (_, weight) in KINDS.items()]))
    return kinds


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        sources = out / "sources.yaml"
        if not (
            sources.is_file() and MARKER in sources.read_text(encoding="utf-8", errors="replace")
        ):
            raise ScenarioError(
                f"{out} is not empty and does not hold a previous scenario: "
                "refusing to overwrite it"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _write_sources(out: Path, size: str, seed: int) -> None:
    entries = [info.as_dict() for writer in ALL_WRITERS for info in writer.sources()]
    document = {
        "generator": "threadline.scenario",
        "format_version": 1,
        "size": size,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "sources": entries,
    }
    header = (
        "# Synthetic multi-agency scenario made by Threadline (threadline.scenario).\n"
        "# Every person, number and address in it is fictitious; the ground truth is in truth/.\n"
    )
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    (out / "sources.yaml").write_text(header + body, encoding="utf-8", newline="\n")
