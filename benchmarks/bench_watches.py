"""Watches checked after a 100,000-record batch on the medium scenario (issue 19).

What the check of 10,000 live watches (50 analysts, 200 each) adds to the time of loading a
100,000-record batch and resolving it: the check must add under 10%.

The base store is built once (SQLite, kept in benchmarks/out/; `--rebuild` starts again), in
stages that are each kept once complete, so that an interrupted build goes on where it stopped:
the medium scenario generated, the demo's sharing agreements recorded, loaded (`--no-update`) and
resolved, 50 analysts of the local agency added, and each given 200 watches drawn from what
they may see, as `add_watch` adds them (audited): 1% networks (two per analyst, around a
person: the check reads each owner's graph), 39% entities (people, premises, businesses,
vehicles), 35% identifiers (phones, vehicle registrations, e-mails, postcodes stated in the
records) and 25% saved searches (people's names of two words or more: an analyst saves a
full name, not a bare first name such as a narrative's "Samuel"; until 7 Dec 2026 any name
was drawn, and 118 bare first names raised a fifth of the search alerts), added in bulk
(`add_watches`: the rows and audit events of `add_watch`, one graph for analysts who see the
same records). The batch is a police intelligence log of 100,000 rows (`--rows`) resampled
from the scenario's own (new keys, the same people, phones and vehicles: a partner's next,
larger export), loaded through the shipped mapping as one batch.

Each run copies the base store, then loads the batch and resolves (incrementally) in this
process, as `threadline ingest` does, with the watch checks timed where they run
(`check_batch` after the load, `before_resolution`/`after_resolution` around the run). The
peer is the same work without the checks: the ratio is the checks' time over the rest.

    .venv/bin/python benchmarks/bench_watches.py [--rebuild] [--rows 100000] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from threadline.progress import progress_bar, report_console
from threadline.store import Store

OUT = Path(__file__).parent / "out"
BIN = Path(sys.executable).parent
USERS = 50
PER_USER = 200
MIX = (("network", 0.01), ("entity", 0.39), ("identifier", 0.35), ("search", 0.25))
TARGET = 0.10
SOURCE = "police/intel_log.csv"


def _run(args: list[str]) -> None:
    subprocess.run([str(BIN / "threadline"), *args], check=True, stdout=subprocess.DEVNULL)


def _base(rebuild: bool) -> tuple[Path, Path]:
    """The base store and the scenario folder, built once in stages that are each kept when
    done (a file is renamed into place only when complete), so an interrupted build starts
    again where it stopped: the scenario, the store loaded and resolved, then the watches."""
    OUT.mkdir(exist_ok=True)
    folder = OUT / "watches-medium"
    resolved, db = OUT / "watches-medium-resolved.db", OUT / "watches-medium.db"
    if rebuild:
        for stale in (*OUT.glob("watches-medium*.db*"), OUT / "watches-medium.built"):
            stale.unlink(missing_ok=True)
    if db.exists():
        return db, folder
    if not (folder / "sources.yaml").exists():
        print("generating the medium scenario (once)...", flush=True)
        _run(["generate", "--scenario", "medium", "--seed", "1", "--out", str(folder)])
    if not resolved.exists():
        _loaded(folder, resolved)
    print("adding 10,000 watches (once)...", flush=True)
    partial = OUT / "watches-medium.db.partial"
    _fresh(partial)
    shutil.copyfile(resolved, partial)
    with Store(f"sqlite:///{partial}") as store:
        _add_watches(store)
    partial.rename(db)
    return db, folder


def _fresh(path: Path) -> None:
    """Remove what an interrupted stage left at `path` (with SQLite's side files)."""
    for stale in path.parent.glob(f"{path.name}*"):
        stale.unlink()


def _loaded(folder: Path, resolved: Path) -> None:
    """The scenario loaded (`--no-update`) and resolved, with the demo's agreements."""
    from threadline.scenario.agreements import record_agreements

    print("loading and resolving the medium scenario (once; many minutes)...", flush=True)
    partial = OUT / "watches-medium-resolved.db.partial"
    _fresh(partial)
    url = f"sqlite:///{partial}"
    _run(["init", "--os-cleared", "--db", url])
    with Store(url) as store:
        record_agreements(store, folder)
    _run(["ingest", str(folder), "--no-update", "--db", url])
    _run(["resolve", "--db", url])
    partial.rename(resolved)


def _drawn(conn: Any, rng: random.Random) -> dict[str, list[Any]]:
    """Candidates for each kind of watch, drawn from the store."""
    from threadline.store import tables as t

    e, s = t.entities.c, t.statements.c
    entities = [str(i) for (i,) in conn.execute(sa.select(e.id).where(
        e.schema.in_(("Person", "Address", "Company", "Organization", "Vehicle"))))]  # fmt: skip
    kinds = {"phone": "phone", "registrationNumber": "vrm", "email": "email",
             "postalCode": "postcode"}  # fmt: skip
    identifiers = sorted({(kinds[str(p)], str(v)) for p, v in conn.execute(
        sa.select(s.prop, s.value).where(s.prop.in_(list(kinds))).distinct())})  # fmt: skip
    # a saved search is a full name: a bare first name from a narrative ("Samuel") is a
    # partial name, which an analyst types into the search box but does not save as a watch
    names = sorted({str(v) for (v,) in conn.execute(sa.select(s.value).where(
        s.schema == "Person", s.prop == "name").distinct())
        if len(str(v).split()) >= 2})  # fmt: skip
    for pool in (entities, identifiers, names):
        rng.shuffle(pool)
    people = [str(i) for (i,) in conn.execute(sa.select(e.id).where(e.schema == "Person"))]
    rng.shuffle(people)
    return {"network": people, "entity": entities, "identifier": identifiers, "search": names}


def _add_watches(store: Any) -> None:
    """50 analysts of the local agency, 200 watches each (see the module docstring), each
    analyst's added in one call of `add_watches` (the rows and audit events `add_watch` writes,
    its network members read from one graph of what the analyst sees) and one transaction."""
    from threadline.read import View
    from threadline.security import resolve_actor, transaction
    from threadline.security.actors import actor_from_row, user_query
    from threadline.security.users import add_user
    from threadline.store import tables as t
    from threadline.tracking import Wanted, add_watches

    rng = random.Random(19)
    owner = resolve_actor(store)
    with store.connect() as conn:
        for n in range(USERS):
            add_user(conn, owner, f"watcher{n:02d}", "local", ["analyst"], os_cleared=True)
        pools = _drawn(conn, rng)
    made = {
        "network": lambda x: Wanted(network=x),
        "entity": lambda x: Wanted(entity=x),
        "identifier": lambda x: Wanted(identifier=x),
        "search": lambda x: Wanted(search=x),
    }
    added = 0
    graphs: dict[Any, Any] = {}  # one graph per sight: the store's records do not change here
    with progress_bar(report_console(), "watches", USERS * PER_USER) as advance:
        for n in range(USERS):
            with store.connect() as conn:
                row = conn.execute(
                    user_query().where(t.users.c.username == f"watcher{n:02d}")
                ).one()
            actor = actor_from_row(row)
            with transaction(store, actor) as conn:
                view = View(conn, actor)
                for kind, share in MIX:
                    wanted, pool = round(PER_USER * share), pools[kind]
                    while wanted and pool:  # draw again for those refused (not visible...)
                        items = [made[kind](pool.pop()) for _ in range(min(wanted, len(pool)))]
                        ids, _ = add_watches(view, items, reason="benchmark", graphs=graphs)
                        wanted -= len(ids)
                        added += len(ids)
                        advance(kind, len(ids))
    print(f"  watches: {added:,}")


def _batch(folder: Path, rows: int) -> Path:
    """A police intelligence log of `rows` rows resampled from the scenario's (new keys)."""
    out = OUT / f"watches-batch-{rows}"
    path = out / "police" / "intel_log_next.csv"
    if path.exists():
        return out
    path.parent.mkdir(parents=True, exist_ok=True)
    with (folder / SOURCE).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, source = list(reader.fieldnames or ()), list(reader)
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        for n in range(rows):
            row = dict(rng.choice(source))
            row["log_id"] = f"NSP-IL-N{n:08d}"
            row["urn"] = f"NSP/IR/2026/N{n:07d}"
            writer.writerow(row)
    entry = (folder / "sources.yaml").read_text(encoding="utf-8")
    head, _, rest = entry.partition("sources:\n")
    first = rest.split("\n- ", 2)[0].replace(SOURCE, "police/intel_log_next.csv")
    (out / "sources.yaml").write_text(f"{head}sources:\n{first}\n", encoding="utf-8")
    return out


class _Timer:
    """Time spent in the watch checks, wrapped where the loader and resolution call them."""

    def __init__(self, active: bool, profile: cProfile.Profile | None = None) -> None:
        self.seconds = 0.0
        self.cpu = 0.0
        self.active = active
        self.profile = profile
        """Profiles the checks alone, when given (`--profile`)."""

    def wrap(self, module: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(module, name)
        timer = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            if not timer.active:
                return 0 if name != "before_resolution" else None
            start, cpu = time.perf_counter(), time.process_time()
            if timer.profile is not None:
                timer.profile.enable()
            try:
                return original(*args, **kwargs)
            finally:
                if timer.profile is not None:
                    timer.profile.disable()
                timer.seconds += time.perf_counter() - start
                timer.cpu += time.process_time() - cpu

        setattr(module, name, timed)


@dataclass(frozen=True, slots=True)
class Run:
    """One load and resolution: wall-clock and CPU seconds, in all and in the checks."""

    wall: float
    cpu: float
    check_wall: float
    check_cpu: float
    alerts: int
    watches: int


def _once(
    base: Path, batch: Path, *, watches: bool, profile: cProfile.Profile | None = None
) -> Run:
    """Load the batch and resolve on a copy of the base store, the checks timed."""
    import threadline.ingest.batches as batches
    import threadline.resolve.workflow as workflow
    from threadline.ingest.deliveries import ingest_folder
    from threadline.resolve import resolve_store
    from threadline.security import resolve_actor
    from threadline.store import tables as t

    run = OUT / f"watches-run-{batch.name}.db"
    for stale in OUT.glob(f"{run.name}*"):
        stale.unlink()
    shutil.copyfile(base, run)
    timer = _Timer(watches, profile)
    timer.wrap(batches, "check_batch")
    timer.wrap(workflow, "before_resolution")
    timer.wrap(workflow, "after_resolution")
    with Store(f"sqlite:///{run}") as store:
        actor = resolve_actor(store)
        start, cpu = time.perf_counter(), time.process_time()
        results = ingest_folder(store, batch, actor=actor)
        with store.connect() as conn:
            resolve_store(conn, user_id=actor.user_id)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert results[0].status == "loaded", results[0].errors
        with store.connect() as conn:
            count = sa.select(sa.func.count())
            alerts = int(conn.execute(count.select_from(t.alerts)).scalar_one())
            held = int(conn.execute(count.select_from(t.watches)).scalar_one())
    return Run(wall, cpu, timer.seconds, timer.cpu, alerts, held)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the run without watches (the ratio is then the checks' "
                        "time over the rest of the same run)")  # fmt: skip
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="write a cProfile of the checks alone to FILE (pstats); the "
                        "profiler slows the checks, so their ratio is not the figure")  # fmt: skip
    args = parser.parse_args()
    base, folder = _base(args.rebuild)
    batch = _batch(folder, args.rows)
    profile = cProfile.Profile() if args.profile else None
    done = _once(base, batch, watches=True, profile=profile)
    if profile is not None:
        profile.dump_stats(args.profile)
    wall, cpu = done.wall - done.check_wall, done.cpu - done.check_cpu
    print(f"\n{done.watches:,} watches ({USERS} users), a {args.rows:,}-record batch on the "
          f"medium scenario: {done.alerts:,} alerts")  # fmt: skip
    print(f"{'what':<44} {'wall s':>8} {'CPU s':>8} {'ratio':>6}  target")
    print(f"{'ingest + resolution, without the checks':<44} {wall:8.1f} {cpu:8.1f} "
          f"{1:6.2f}  reference")  # fmt: skip
    ratio = done.check_cpu / cpu  # CPU time: fair on a shared machine
    verdict = "ok" if ratio < TARGET else f"over {TARGET:.0%}"
    if profile is not None:  # cProfile slows Python code about twofold
        verdict = "profiled: read the ratio of a run without --profile"
    print(f"{'the watch checks (batch and resolution)':<44} {done.check_wall:8.1f} "
          f"{done.check_cpu:8.1f} {ratio:6.3f}  {verdict}")  # fmt: skip
    if not args.no_peer:
        peer = _once(base, batch, watches=False)
        print(
            f"{'peer: ingest + resolution, no watch checked':<44} {peer.wall:8.1f} "
            f"{peer.cpu:8.1f} {done.cpu / peer.cpu:6.2f}  (with watches / peer, CPU)"
        )


if __name__ == "__main__":
    main()
