"""The problem profile of the medium scenario (`--all`) as PDF: time and peak memory.

Builds the medium scenario's store once (SQLite, kept in benchmarks/out/; `--rebuild` starts
again): generated, the demo's sharing agreements recorded, loaded, resolved and analysed as an
analyst of the local agency (who sees the partners' shared material). Then `threadline report
--all --format pdf` runs in a process of its own: wall-clock seconds and the peak resident
memory of that process (ru_maxrss of the child). Target (issue 18): under 60 s.

Beside it, the peer: plain WeasyPrint rendering the same profile's HTML (written by `threadline
report --format html` in the same run) to PDF, in a process of its own, so that the ratio shows
what gathering the profile through the read path and drawing its figures cost on top of the
rendering itself.

    .venv/bin/python benchmarks/bench_report.py [--scenario medium] [--rebuild]
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time

_workbench = importlib.import_module("bench_workbench")  # beside this script, on its path
BIN, OUT, _run = _workbench.BIN, _workbench.OUT, _workbench._run
PASSWORD = "benchmark password, not a secret"
TARGET_S = 60.0
ANALYST = {"THREADLINE_USER": "bench", "THREADLINE_PASSWORD": PASSWORD,
           "THREADLINE_CONFIRM_PASSWORD": PASSWORD}  # fmt: skip


def _store(scenario: str, rebuild: bool) -> str:
    """The store's URL, built once (see the module docstring)."""
    OUT.mkdir(exist_ok=True)
    folder = OUT / f"report-{scenario}"
    db = OUT / f"report-{scenario}.db"
    marker = OUT / f"report-{scenario}.built"
    url = f"sqlite:///{db}"
    if marker.exists() and not rebuild:
        return url
    print(f"building the {scenario} store (once; minutes)...", flush=True)
    if not (folder / "sources.yaml").exists():
        _run(["generate", "--scenario", scenario, "--seed", "1", "--out", str(folder)])
    for stale in OUT.glob(f"report-{scenario}.db*"):
        stale.unlink()
    _run(["init", "--os-cleared", "--db", url])
    code = (
        "import sys; from pathlib import Path; from threadline.store import Store; "
        "from threadline.scenario.agreements import record_agreements; "
        "record_agreements(Store(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, url, str(folder)], check=True)
    admin = {"THREADLINE_USER": "analyst", "THREADLINE_NEW_PASSWORD": PASSWORD}
    _run(["users", "add", "bench", "--role", "analyst", "--agency", "local", "--os-cleared",
          "--password", "--db", url], admin)  # fmt: skip
    _run(["ingest", str(folder), "--db", url], ANALYST)
    _run(["resolve", "--db", url], ANALYST)
    _run(["analyse", "--db", url], ANALYST)
    marker.write_text(url, encoding="utf-8")
    return url


WRAPPER = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, "
    "text=True); print(done.stdout + done.stderr if done.returncode else '', "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)
"""Runs a command and prints the peak resident memory (KiB) of it alone."""


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds and peak resident MiB of `command`, run in a process of its own."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command],
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, int(done.stdout.split()[-1]) / 1024


PEER = (
    "import sys, weasyprint; from pathlib import Path; "
    "weasyprint.HTML(string=Path(sys.argv[1]).read_text(encoding='utf-8')).write_pdf(sys.argv[2])"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="medium")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = _store(args.scenario, args.rebuild)
    work = OUT / f"report-{args.scenario}-run"
    work.mkdir(exist_ok=True)
    common = ["--all", "--recipient", "benchmark", "--purpose", "benchmark", "--db", url]
    html = work / "profile.html"
    _run(["report", "--format", "html", "--out", str(html), *common], ANALYST)
    pdf = work / "profile.pdf"
    seconds, peak = _timed(
        [str(BIN / "threadline"), "report", "--format", "pdf", "--out", str(pdf), *common], ANALYST
    )
    peer_s, _ = _timed([sys.executable, "-c", PEER, str(html), str(work / "peer.pdf")])
    pages = len(__import__("pypdf").PdfReader(pdf).pages)
    verdict = "ok" if seconds < TARGET_S else f"over {TARGET_S:.0f} s"
    print(f"\nproblem profile of the {args.scenario} scenario (--all), PDF, {pages} pages")
    print(f"{'what':<44} {'seconds':>8} {'peak MiB':>9} {'x peer':>7}  target")
    print(f"{'threadline report --all --format pdf':<44} {seconds:8.1f} {peak:9.0f} "
          f"{seconds / peer_s:7.1f}  {verdict}")  # fmt: skip
    peer = "peer: WeasyPrint alone, the same HTML"
    print(f"{peer:<44} {peer_s:8.1f} {'':>9} {1:7.1f}  reference")


if __name__ == "__main__":
    main()
