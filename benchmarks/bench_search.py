"""How fast the search box answers on the medium scenario, beside a plain fuzzy scan.

The queries are what users type, drawn from the store (seeded): names as held, in another
order, without their accents, with a slip, a surname alone; phones in another format,
postcodes without their space, plates with one, dates of birth written the UK way; and the
new-user tries of issue 17. Each runs through `threadline.read.search` as the local analyst
(every query scoped by the View and audited, as in use), warm, several times.

The peer is what a quick tool would do for names: every name the store holds loaded once into
memory, and each query scanned against all of them with rapidfuzz's ``token_sort_ratio`` (no
access control, no transliteration, no explanation). Printed: p50 and p95 per kind of query,
and the search's p50 and p95 over the peer's for the name queries.

Beside them, *before*: the same search with the way it chose the names to compare before
issue 21 (:func:`every_holder`: every holder of every key read, their records put to the View,
ranked in Python), timed in the same run on the same queries, so that the two stand side by
side under the same load. `bench_growth.py`'s web stage uses :func:`side_by_side` too.

    .venv/bin/python benchmarks/bench_search.py [--db URL]

Each query is timed as a new one (the search's memo of it forgotten). Without ``--db`` the
medium scenario is generated, loaded and resolved into a temporary
SQLite store first (a few minutes). Target: p95 under one second on every kind.
"""

from __future__ import annotations

import argparse
import importlib
import random
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import typer
from rapidfuzz import fuzz, process

from threadline.cli.main import app
from threadline.read import View, reading
from threadline.read.name_candidates import Candidates
from threadline.read.search import SearchResults, search, warm_up
from threadline.scenario.agreements import record_agreements
from threadline.store import Store
from threadline.store import tables as t

REPEATS = 5
SAMPLES = 12
"""Queries of each kind drawn from the store."""

_SEARCH = importlib.import_module("threadline.read.search")


def forget() -> None:
    """Forget the search's memo of each name against what was typed, so that a repeated
    query is timed as a new one (the comparators' own tables and caches stay warm, as in a
    server that has been answering for a while)."""
    _SEARCH._judge.cache_clear()
    _SEARCH._compare.cache_clear()


def every_holder(view: View, keys: Sequence[str], words: Sequence[frozenset[str]]) -> Candidates:
    """The names to compare as the search chose them before issue 21: every holder of every
    key read, the records of all of them put to the View, ranked in Python by keys shared and
    cut at `CANDIDATES` (what `threadline.read.name_candidates` replaced; its cost grows with
    the store)."""
    limit = importlib.import_module("threadline.read.name_candidates").CANDIDATES
    nk = t.name_keys.c
    rows = view.conn.execute(
        sa.select(nk.mention_id, nk.record_id, nk.key).where(nk.key.in_(sorted(keys)))
    ).all()
    visible = view.visible({int(r.record_id) for r in rows})
    shared: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if int(row.record_id) in visible:
            shared[str(row.mention_id)].add(str(row.key))
    mentions = sorted(shared, key=lambda m: (-len(shared[m]), m))[:limit]
    covered = {
        m: frozenset(i for i, word in enumerate(words) if shared[m] & word) for m in mentions
    }
    return Candidates(covered, frozenset(visible), len(shared) <= limit)


@contextmanager
def candidates_chosen(way: str, spent: list[float]) -> Iterator[None]:
    """Within the block the search chooses its names to compare "now" (as shipped) or
    "before", and adds the milliseconds it took to `spent`."""
    shipped = _SEARCH.name_candidates
    chooser = every_holder if way == "before" else shipped

    def timed(view: View, keys: Sequence[str], words: Sequence[frozenset[str]]) -> Candidates:
        started = time.perf_counter()
        try:
            return chooser(view, keys, words)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    _SEARCH.name_candidates = timed
    try:
        yield
    finally:
        _SEARCH.name_candidates = shipped


WAYS = ("now", "before")


def side_by_side(
    url: str, texts: Sequence[str], user: str | None = None, rounds: int = 1, **options: Any
) -> dict[str, Any]:
    """Each text searched both ways (in turn, first one way then the other, so that neither
    always finds the store's pages warmed by the other), each as a new search (the memo of
    names compared forgotten), each in a View of its own as a request would open it; all of
    it `rounds` times (the answers kept are the last round's).

    Returns, for each way, the milliseconds of each search (``times``) and of its choosing
    the names to compare (``choosing``, for the texts read as names); the answers given now
    (``found``); and how many texts got the same first hit both ways, a first hit as good
    (the same score), the same page of hits, and a count that is a floor now; and for each
    text read as a name, how many entries of the key index each way reads (``entries``:
    every holder of every key before, at most `COMMON_KEY` a key now)."""
    times: dict[str, list[float]] = {way: [] for way in WAYS}
    choosing: dict[str, list[float]] = {way: [] for way in WAYS}
    answers: dict[str, list[SearchResults]] = {way: [] for way in WAYS}
    for round_ in range(rounds):
        for n, text in enumerate(texts):
            for way in WAYS if (n + round_) % 2 == 0 else WAYS[::-1]:
                forget()
                spent: list[float] = []
                with candidates_chosen(way, spent), reading(url, user, "bench.search") as view:
                    started = time.perf_counter()
                    found = search(view, text, **options)
                    times[way].append((time.perf_counter() - started) * 1000)
                choosing[way] += spent
                if round_ == rounds - 1:
                    answers[way].append(found)
    pairs = list(zip(answers["now"], answers["before"], strict=True))
    with Store(url) as store, store.connect() as conn:
        held = [holders(conn, text) for text in texts if _SEARCH._nameable(text)]
    per_key = importlib.import_module("threadline.read.name_candidates").COMMON_KEY

    def first(found: SearchResults) -> tuple[str, float] | None:
        return (found.hits[0].entity_id, found.hits[0].score) if found.hits else None

    return {
        "times": times,
        "choosing": choosing,
        "found": answers["now"],
        "same_first": sum(first(a) == first(b) for a, b in pairs),
        "first_as_good": sum(
            (first(a) or ("", 0.0))[1] == (first(b) or ("", 0.0))[1] for a, b in pairs
        ),
        "same_page": sum(
            [h.entity_id for h in a.hits] == [h.entity_id for h in b.hits] for a, b in pairs
        ),
        "at_least": sum(a.at_least for a, _ in pairs),
        "entries": {
            "before": [float(sum(counts)) for counts in held],
            "now": [float(sum(min(n, per_key) for n in counts)) for counts in held],
        },
    }


def holders(conn: sa.Connection, text: str) -> list[int]:
    """How many mentions hold each search key of `text` (a name): the index entries that
    reading every holder of every key reads."""
    keys = sorted(_SEARCH.NameLookup.of(text).keys)
    nk = t.name_keys.c
    query = sa.select(sa.func.count()).where(nk.key.in_(keys)).group_by(nk.key)
    return [int(n) for n in conn.execute(query).scalars()]


TRIES = ["Driton Koçi", "Koci Driton", "Yuan Bin", "Koci", "Amber", "Smith", "Nguyen Thi"]
"""The tries of issue 17, and common partial names."""


def build(folder: Path) -> str:
    """Generate, load and resolve the medium scenario into a SQLite store; its URL."""
    url = f"sqlite:///{folder / 'medium.db'}"
    command = typer.main.get_command(app)

    def run(*args: str, store: bool = True) -> None:
        extra = ["--db", url] if store else []
        command.main(args=[*args, *extra], prog_name="threadline", standalone_mode=False)

    run("init", "--os-cleared")
    run("generate", "--scenario", "medium", "--out", str(folder / "scenario"), store=False)
    with Store(url) as store:
        record_agreements(store, folder / "scenario")
    run("ingest", str(folder / "scenario"))
    run("resolve")
    return url


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _slip(name: str, rng: random.Random) -> str:
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        at = rng.randrange(2, len(word) - 1)
        words[longest] = word[:at] + word[at + 1 :]
    return " ".join(words)


def queries(url: str, seed: int = 7) -> dict[str, list[str]]:
    """Queries of each kind, drawn from the store's own values."""
    rng = random.Random(seed)
    s = t.statements.c
    with Store(url) as store, store.connect() as conn:

        def values(prop: str, schema: str | None = None) -> list[str]:
            query = sa.select(s.original_value).where(s.prop == prop)
            if schema:
                query = query.where(s.schema == schema)
            found = sorted(set(conn.execute(query.limit(20_000)).scalars()))
            return rng.sample(found, min(SAMPLES, len(found)))

        names = [n for n in values("name", "Person") if len(n.split()) >= 2]
        phones = values("phone")
        postcodes = values("postalCode")
        plates = values("registrationNumber", "Vehicle")
        births = values("birthDate")
    return {
        "name as held": names,
        "name reordered": [" ".join(reversed(n.split())) for n in names],
        "name without accents": [_plain(n) for n in names],
        "name with a slip": [_slip(n, rng) for n in names],
        "surname alone": [n.split()[-1] for n in names],
        "new-user tries": TRIES,
        "phone, other format": [p.replace(" ", "").replace("-", "") for p in phones],
        "postcode, no space": [p.replace(" ", "").lower() for p in postcodes],
        "plate, spaced": [f"{p[:4]} {p[4:]}" if " " not in p else p for p in plates],
        "date of birth": ["/".join(reversed(b.split("-"))) if "-" in b else b for b in births],
    }


def timed(fn: Callable[[], object], before: Callable[[], object] = lambda: None) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(REPEATS):
        before()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a store holding the medium scenario, resolved")
    parser.add_argument("--user", help="search as this user ($THREADLINE_PASSWORD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or build(Path(folder))
        asked = queries(url)
        with Store(url) as store, store.connect() as conn:
            names = sorted(
                set(
                    conn.execute(
                        sa.select(t.statements.c.value).where(
                            t.statements.c.prop.in_(("name", "alias"))
                        )
                    ).scalars()
                )
            )
        print(f"store: {url}; {len(names):,} distinct names for the peer")
        ours: dict[str, list[float]] = defaultdict(list)
        peer: dict[str, list[float]] = defaultdict(list)
        with reading(url, args.user, "bench.search") as view:
            warm_up()
            for kind, texts in asked.items():
                for text in texts:
                    ours[kind] += timed(
                        lambda text=text: search(view, text, limit=20),  # type: ignore[misc]
                        forget,
                    )
                    if kind.startswith(("name", "surname", "new-user")):
                        peer[kind] += timed(
                            lambda text=text: process.extract(  # type: ignore[misc]
                                text, names, scorer=fuzz.token_sort_ratio, limit=20
                            )
                        )
        print(f"{'queries':24} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'peer p50':>9} "
              f"{'peer p95':>9} {'p50 ratio':>10} {'p95 ratio':>10}")  # fmt: skip
        every: list[float] = []
        named: list[float] = []
        every_peer: list[float] = []
        for kind, times in ours.items():
            every += times
            line = f"{kind:24} {len(times):>4} {_ms(times, 0.5)} {_ms(times, 0.95)}"
            if peer.get(kind):
                theirs = peer[kind]
                named += times
                every_peer += theirs
                line += f" {_ms(theirs, 0.5, 9)} {_ms(theirs, 0.95, 9)} {_ratios(times, theirs)}"
            print(line)
        print(
            f"{'all names':24} {len(named):>4} {_ms(named, 0.5)} {_ms(named, 0.95)} "
            f"{_ms(every_peer, 0.5, 9)} {_ms(every_peer, 0.95, 9)} {_ratios(named, every_peer)}"
        )
        print(f"{'all':24} {len(every):>4} {_ms(every, 0.5)} {_ms(every, 0.95)}")  # fmt: skip
        print_side_by_side(
            {k: side_by_side(url, texts, args.user, limit=20) for k, texts in asked.items()
             if k.startswith(("name", "surname", "new-user"))}
        )  # fmt: skip


def print_side_by_side(compared: dict[str, dict[str, Any]]) -> None:
    """The search's milliseconds choosing its names before issue 21 and now, per kind of
    query, and how often the two gave the same first hit and the same page."""
    print("\nNames to compare chosen before issue 21 (every holder of every key) and now, "
          "in turn on the same queries; p50 / p95 ms")  # fmt: skip
    print(f"{'queries':24} {'n':>4} {'search before':>16} {'now':>16} {'choosing before':>16} "
          f"{'now':>14} {'same first':>11} {'as good':>8} {'same page':>10} "
          f"{'at least':>9}")  # fmt: skip
    for kind, got in compared.items():
        print(f"{kind:24} {len(got['found']):>4} {_both(got['times']['before']):>16} "
              f"{_both(got['times']['now']):>16} {_both(got['choosing']['before']):>16} "
              f"{_both(got['choosing']['now']):>14} {got['same_first']:>11} "
              f"{got['first_as_good']:>8} {got['same_page']:>10} {got['at_least']:>9}")  # fmt: skip


def _both(ms: list[float]) -> str:
    return f"{pct(ms, 0.5):.1f} / {pct(ms, 0.95):.1f}" if ms else "-"


def _ms(times: list[float], q: float, width: int = 8) -> str:
    return f"{pct(times, q) * 1e3:>{width}.1f}"


def _ratios(ours: list[float], theirs: list[float]) -> str:
    return (
        f"{pct(ours, 0.5) / pct(theirs, 0.5):>10.2f} {pct(ours, 0.95) / pct(theirs, 0.95):>10.2f}"
    )


if __name__ == "__main__":
    main()
