"""Threadline's own functions for Spark: DuckDB's Jaro-Winkler, compiled for the JVM.

A Spark run must compare names as DuckDB does, to the last bit: a comparison level's
threshold can be the similarity itself. Splink's jar has a Jaro-Winkler (Apache Commons
Text's), but another variant of it (half transpositions kept, the boost at 0.7 rather than
above it, two empty strings 1, UTF-16 units), so it gives other levels. DuckDB's algorithm
was first written in Spark's SQL, with higher-order functions; Spark runs those without
code generation, and on address strings that cost some 60 µs a value, most of a Spark
run's training (`u` for the address comparison: 168 of 377 s on FEBRL3). The same algorithm
in Java (`java/threadline/JaroWinkler.java`) gives the same values on 100,000 random pairs
(`benchmarks/spark_jaro_winkler.py`) and is about 16 times faster on addresses.

The class is compiled once per version of its source, with the JDK's ``javac`` against
pyspark's own jars, into a jar in the user's cache folder (``$XDG_CACHE_HOME/threadline``,
else ``~/.cache/threadline``); `spark_session` hands it to Spark with ``spark.jars``, which
sends it to a cluster's executors. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from threadline.errors import ThreadlineError

__all__ = ["JARO_WINKLER", "fused_boost", "udf_jar", "udfs"]

JARO_WINKLER = "threadline_jaro_winkler"
"""The name a Spark session knows DuckDB's ``jaro_winkler_similarity`` by."""

_SOURCES = Path(__file__).parent / "java"


def _cache() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "threadline"


@functools.cache
def udf_jar() -> Path:
    """The jar of Threadline's Spark functions, compiled the first time this version of the
    sources is asked for (a few seconds) and kept in the cache folder."""
    sources = sorted(_SOURCES.rglob("*.java"))
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.relative_to(_SOURCES).as_posix().encode())
        digest.update(source.read_bytes())
    jar = _cache() / f"threadline-spark-{digest.hexdigest()[:16]}.jar"
    if jar.exists():
        return jar
    javac, packer = shutil.which("javac"), shutil.which("jar")
    if javac is None or packer is None:
        raise ThreadlineError(
            "resolution on Spark compiles Threadline's Jaro-Winkler for the JVM: it needs a "
            "Java 17 JDK (javac and jar) on the machine that runs threadline"
        )
    import pyspark

    classpath = str(Path(pyspark.__file__).parent / "jars" / "*")
    jar.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=jar.parent) as work:
        classes = Path(work) / "classes"
        built = Path(work) / jar.name
        for command in (
            [javac, "--release", "17", "-nowarn", "-cp", classpath, "-d", str(classes),
             *map(str, sources)],
            [packer, "cf", str(built), "-C", str(classes), "."],
        ):  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own command line, no shell
            if done.returncode != 0:
                raise ThreadlineError(f"could not build {jar.name}: {done.stderr.strip()}")
        built.replace(jar)  # at once: another process building the same jar finds it whole
    return jar


@functools.cache
def fused_boost() -> bool:
    """Whether this DuckDB rounds the Winkler boost ``jaro + prefix * 0.1 * (1 - jaro)`` once
    (its compiler fused the multiply and the add) rather than twice: the two differ in the
    last bit for some pairs, which decides a level whose threshold is that very value."""
    with duckdb.connect() as con:
        found = con.execute("SELECT jaro_winkler_similarity('abb', 'abbbbbbaaabaa')").fetchall()
    return bool(found[0][0] == 0.8205128205128206)  # rounded twice: 0.8205128205128205


def udfs() -> list[tuple[str, str]]:
    """(name, Java class) of each function to register with a session; the Jaro-Winkler
    rounding its boost once or twice, as this DuckDB does (:func:`fused_boost`)."""
    which = "threadline.JaroWinkler" if fused_boost() else "threadline.JaroWinkler$Twice"
    return [(JARO_WINKLER, which)]
