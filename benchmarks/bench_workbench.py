"""Workbench latency under load: search, the entity page and chart expansion, p50 and p95.

Builds the medium scenario's store once per database (kept in benchmarks/out/ and in a
PostgreSQL database of its own; `--rebuild` starts again), serves it with `threadline serve`
in a process of its own, and sends requests from 20 concurrent users on loopback, each with a
bearer token of an analyst of the local agency (who sees the partners' shared material). A
request's time is from sending to the last byte of the answer.

A user reads an answer before asking again: each waits a think time between requests, drawn
uniformly between half and one and a half times `--think` (1 s by default, brisk for an
analyst reading an entity page or a chart). The target applies to these users. A second
figure, with no think time (every user asks again the moment an answer arrives: the server
saturated), shows what the server does when it falls behind; it is printed, not judged.

Beside it, in the same run, the peer: a plain FastAPI app on the same store that answers the
entity page's question with one unguarded SQL query (no View, no audit, no template), to show
what the read path and the page cost on top of the database. Target (issue 17): p95 < 300 ms
for each kind of request, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/bench_workbench.py [--users 20] [--requests 600]
        [--think 1.0] [--workers 2] [--databases sqlite,postgresql] [--scenario medium]
        [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import sqlalchemy as sa

HERE = Path(__file__).parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark password, not a secret"
TARGET_MS = 300.0


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(BIN / "threadline"), *args], env={**os.environ, **(env or {})},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"threadline {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _store(backend: str, scenario: str, rebuild: bool) -> tuple[str, dict[str, str]]:
    """The store's URL and the environment to act as the benchmark's analyst, built once."""
    OUT.mkdir(exist_ok=True)
    folder = OUT / f"workbench-{scenario}"
    marker = OUT / f"workbench-{scenario}-{backend}.built"
    if backend == "sqlite":
        url = f"sqlite:///{OUT / f'workbench-{scenario}.db'}"
    else:
        name = f"threadline_bench_workbench_{scenario}"
        url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        url = f"{url}/{name}"
    analyst = {"THREADLINE_USER": "bench", "THREADLINE_PASSWORD": PASSWORD}
    if marker.exists() and not rebuild:
        return url, analyst
    print(f"building the {scenario} store on {backend} (once; minutes)...", flush=True)
    if not (folder / "sources.yaml").exists():
        _run(["generate", "--scenario", scenario, "--seed", "1", "--out", str(folder)])
    admin = {"THREADLINE_NEW_PASSWORD": PASSWORD, "THREADLINE_PASSWORD": PASSWORD}
    if backend == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        _run(["init", "--os-cleared", "--db", url])
        acting = {"THREADLINE_USER": "analyst"}
    else:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        _run(["init", "--admin", "admin", "--db", url], admin)
        acting = {"THREADLINE_USER": "admin", **admin}
    code = (
        "import sys; from pathlib import Path; from threadline.store import Store; "
        "from threadline.scenario.agreements import record_agreements; "
        "record_agreements(Store(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, url, str(folder)], check=True,
                   env={**os.environ, **admin})  # fmt: skip
    _run(["users", "add", "bench", "--role", "analyst", "--agency", "local", "--os-cleared",
          "--password", "--db", url], {**acting, **admin})  # fmt: skip
    _run(["ingest", str(folder), "--db", url], analyst)
    _run(["resolve", "--db", url], analyst)
    marker.write_text(url, encoding="utf-8")
    return url, analyst


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    server = subprocess.Popen(
        [str(BIN / "threadline"), "serve", "--port", str(port), "--workers", str(workers),
         "--db", url],
        env={**os.environ, "THREADLINE_WORKER": "none"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def _samples(url: str) -> tuple[list[str], list[str]]:
    """Entity ids of people and premises, and search words (names and phone numbers)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        people = list(
            conn.execute(
                sa.text("SELECT id FROM entities WHERE schema = 'Person' ORDER BY id LIMIT 400")
            ).scalars()
        )
        words = list(conn.execute(sa.text(
            "SELECT value FROM statements WHERE prop IN ('name', 'phone') "
            "ORDER BY id LIMIT 400")).scalars())  # fmt: skip
    engine.dispose()
    return [str(p) for p in people], [str(w) for w in words]


def _load(base: str, token: str, paths: list[str], users: int, think: float) -> list[float]:
    """Send every path from `users` users, each thinking about `think` seconds between its
    requests; each request's time in milliseconds."""
    times: list[float] = []
    lock = threading.Lock()
    queue = list(paths)

    def user(seed: int) -> None:
        pause = random.Random(seed)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            time.sleep(pause.uniform(0, think))  # users do not all start at once
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                started = time.perf_counter()
                answer = client.get(path)
                spent = (time.perf_counter() - started) * 1000
                if answer.status_code >= 500:
                    raise SystemExit(f"{path}: {answer.status_code}")
                with lock:
                    times.append(spent)
                time.sleep(pause.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=user, args=(seed,)) for seed in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def _percentiles(times: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


PEER = """
import sys
import sqlalchemy as sa
from fastapi import FastAPI
engine = sa.create_engine(sys.argv[1])
app = FastAPI()
@app.get("/peer/entities/{entity_id}")
def entity(entity_id: str) -> list[dict[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT s.prop, s.value, r.record_key FROM statements s "
            "JOIN mentions m ON m.id = s.mention_id JOIN records r ON r.id = s.record_id "
            "WHERE m.entity_id = :e"), {"e": entity_id})
        return [dict(r._mapping) for r in rows]
import uvicorn
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def _peer(url: str, paths: list[str], users: int, think: float) -> list[float]:
    port = _port()
    peer = subprocess.Popen([sys.executable, "-c", PEER, url, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/docs", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        return _load(base, "", paths, users, think)
    finally:
        peer.kill()


def _kinds(rng: random.Random, people: list[str], words: list[str]) -> dict[str, Callable[[], str]]:
    """Each kind of request, as a maker of one request's path."""
    return {
        "search": lambda: f"/api/v1/search?q={rng.choice(words)}",
        "entity page": lambda: f"/entities/{rng.choice(people)}",
        "chart expansion": lambda: (
            f"/api/v1/graph/neighbourhood?entity={rng.choice(people)}&hops=1"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between requests")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes on PostgreSQL (SQLite: one)"
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scenario", default="medium")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    loads = {"users": args.think, "saturated": 0.0}
    rows: list[tuple[str, str, str, float, float]] = []
    for backend in args.databases.split(","):
        url, analyst = _store(backend, args.scenario, args.rebuild)
        token = _run(["tokens", "add", f"bench-{time.time_ns()}", "--days", "1", "--db", url],
                     analyst).strip().splitlines()[0]  # fmt: skip
        people, words = _samples(url)
        kinds = _kinds(rng, people, words)
        workers = 1 if backend == "sqlite" else args.workers  # the embedded store: one process
        server, base = _serve(url, workers)
        try:
            # Each server process builds the user's graph on its first chart (seconds on the
            # medium store) and keeps it: warm every process first, with requests sent at once
            # on connections of their own so that each process takes some.
            warm = [kinds["chart expansion"]() for _ in range(workers * 4)]
            _load(base, token, warm, len(warm), 0.0)
            for load, think in loads.items():
                for kind, make in kinds.items():
                    paths = [make() for _ in range(args.requests)]
                    rows.append((backend, load, kind, *_percentiles(
                        _load(base, token, paths, args.users, think))))  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
        for load, think in loads.items():
            paths = [f"/peer/entities/{rng.choice(people)}" for _ in range(args.requests)]
            rows.append((backend, load, "peer: one unguarded SQL query",
                         *_percentiles(_peer(url, paths, args.users, think))))  # fmt: skip
    print(f"\n{args.users} concurrent users, {args.requests} requests per kind, "
          f"{args.scenario} scenario, {args.workers} server processes on PostgreSQL (one on "
          f"SQLite); 'users' think "
          f"{0.5 * args.think:g}-{1.5 * args.think:g} s between requests (the target applies), "
          f"'saturated' ask again at once (reported only)")  # fmt: skip
    print(f"{'database':<11} {'load':<10} {'request':<32} {'p50 ms':>8} {'p95 ms':>8}  "
          f"{'x peer p95':>10}  target")  # fmt: skip
    for backend, load, kind, p50, p95 in rows:
        peer95 = next(r[4] for r in rows if r[:2] == (backend, load) and r[2].startswith("peer"))
        if kind.startswith("peer"):
            verdict = "reference"
        elif load == "saturated":
            verdict = "-"
        else:
            verdict = "ok" if p95 < TARGET_MS else f"over {TARGET_MS:.0f} ms"
        print(f"{backend:<11} {load:<10} {kind:<32} {p50:8.1f} {p95:8.1f}  "
              f"{p95 / peer95:10.1f}  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
