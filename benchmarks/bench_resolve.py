"""Person resolution at scale: Threadline's resolver against plain Splink and recordlinkage.

Generates a synthetic person table with duplicates and ground truth (names from the scenario's
culture pools plus a long tail, typos, transliteration, spelling variants, nicknames, name
order, day/month swaps, moved house, shared phones and houses), then runs on the *same
records, in the same process*:

* Threadline ``PersonResolver`` (prepare, train, block, score, cluster);
* a plain Splink 5 run with a default-like configuration (library comparisons on lightly
  cleaned columns, ``block_on`` rules, the documented unsupervised training recipe,
  connected components at the same threshold);
* at 100,000 records, a standard ``recordlinkage`` pipeline (blocking index, string
  comparisons, unsupervised ECM classifier, connected components).

Prints times, time ratios, pairwise precision/recall/F1 over the final clusters and the
process's peak memory. ``--full`` adds the 1,000,000-record run.

    .venv/bin/python benchmarks/bench_resolve.py            # 100k
    .venv/bin/python benchmarks/bench_resolve.py --full     # 100k and 1M
    .venv/bin/python benchmarks/bench_resolve.py --sizes 20000 --skip-baselines
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
import unicodedata
from typing import Any

import numpy as np
import pyarrow as pa

from threadline.resolve import PersonResolver, ResolverSettings, Scores, evaluate_clusters
from threadline.scenario._name_pools import POOLS

CULTURES = {
    "british": 0.42,
    "polish": 0.07,
    "romanian": 0.08,
    "albanian": 0.05,
    "vietnamese": 0.09,
    "chinese": 0.05,
    "nigerian": 0.06,
    "eritrean": 0.03,
    "indian": 0.06,
    "pakistani": 0.07,
    "roma": 0.02,
}
SYL_A = "al an bar bel car dal el far gar hal ker lan mar nor or par ros sel tar val wil york"
SYL_B = "ben bro den ford ham ing ley man mond ner ridge son ston ton well wood worth by field"
SYL_C = ["", "s", "e", "er", "ey"]
STREETS = ["Road", "Street", "Lane", "Avenue", "Close", "Crescent", "Drive", "Gardens", "Grove"]
ABBREV = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Avenue": "Ave", "Close": "Cl"}
VARIANTS = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohammad"],
    "Ahmed": ["Ahmad"],
    "Hussain": ["Hussein"],
    "Yusuf": ["Yousef"],
    "Aleksandr": ["Alexander"],
    "Zhang": ["Cheung"],
    "Chen": ["Chan"],
}
NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "James": "Jim",
    "Michael": "Mike",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Christopher": "Chris",
    "Anthony": "Tony",
    "Katarzyna": "Kasia",
    "Elizabeth": "Liz",
}
MONTHS = "January February March April May June July August September October November December"


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    letter = "abcdefghijklmnopqrstuvwxyz"[int(rng.integers(0, 26))]
    if kind == 0:
        return word[:i] + letter + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + letter + word[i:]


def _zipf_choice(rng: np.random.Generator, options: list[str], size: int) -> np.ndarray:
    weights = 1 / (np.arange(len(options)) + 1.5)
    return np.array(options, dtype=object)[
        rng.choice(len(options), size, p=weights / weights.sum())
    ]


def _synthetic_names(rng: np.random.Generator, size: int, capital: bool = True) -> np.ndarray:
    a, b = SYL_A.split(), SYL_B.split()
    out = (
        np.array(a, dtype=object)[rng.integers(0, len(a), size)]
        + np.array(b, dtype=object)[rng.integers(0, len(b), size)]
        + np.array(SYL_C, dtype=object)[rng.integers(0, len(SYL_C), size)]
    )
    return np.array([s.capitalize() for s in out], dtype=object) if capital else out


def generate(n: int, seed: int = 7) -> tuple[pa.Table, np.ndarray]:
    """``n`` person records (about 1.8 per person) and each record's true person id."""
    rng = np.random.default_rng(seed)
    people = int(n / 1.79) + 1
    names = list(CULTURES)
    culture = rng.choice(len(names), people, p=np.array(list(CULTURES.values())) / 1.0)
    given = np.empty(people, dtype=object)
    family = np.empty(people, dtype=object)
    middle = np.full(people, None, dtype=object)
    first = np.zeros(people, dtype=bool)
    nationality = np.empty(people, dtype=object)
    for c, name in enumerate(names):
        pool = POOLS[name]
        idx = np.flatnonzero(culture == c)
        female = rng.random(len(idx)) < 0.5
        male_names = _zipf_choice(rng, list(pool.male), len(idx))
        female_names = _zipf_choice(rng, list(pool.female), len(idx))
        given[idx] = np.where(female, female_names, male_names)
        family[idx] = _zipf_choice(rng, list(pool.family), len(idx))
        if not pool.family_first:
            tail = rng.random(len(idx)) < 0.6  # the long tail of rarer surnames
            family[idx[tail]] = _synthetic_names(rng, int(tail.sum()))
            rare = rng.random(len(idx)) < 0.15
            given[idx[rare]] = _synthetic_names(rng, int(rare.sum()))
        mids = pool.male_middle or pool.male
        has_middle = rng.random(len(idx)) < pool.middle_rate
        if has_middle.any():
            middle[idx[has_middle]] = _zipf_choice(rng, list(mids), int(has_middle.sum()))
        first[idx] = pool.family_first
        codes = [code for code, _ in pool.nationalities]
        weights = np.array([w for _, w in pool.nationalities])
        nationality[idx] = np.array(codes, dtype=object)[
            rng.choice(len(codes), len(idx), p=weights / weights.sum())
        ]
    dob = np.datetime64("1950-01-01") + rng.integers(0, 58 * 365, people).astype("timedelta64[D]")
    phone = np.array([f"07{x:09d}" for x in rng.integers(0, 10**9, people)], dtype=object)
    shared_phones = np.array([f"07{x:09d}" for x in rng.integers(0, 10**9, max(people // 300, 1))])
    uses_shared = rng.random(people) < 0.03
    phone[uses_shared] = shared_phones[rng.integers(0, len(shared_phones), int(uses_shared.sum()))]
    phone[rng.random(people) < 0.3] = None
    streets = _synthetic_names(rng, 3000)
    street_kind = np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), 3000)]
    districts = np.array(
        [
            f"{a}{d}"
            for a in ("B", "M", "LS", "E", "N", "NW", "SE", "L", "S", "G", "CF", "NE")
            for d in range(1, 40)
        ],
        dtype=object,
    )

    def addresses(size: int) -> tuple[np.ndarray, np.ndarray]:
        s = rng.integers(0, 3000, size)
        number = rng.integers(1, 250, size)
        line = np.array(
            [f"{h} {streets[i]} {street_kind[i]}" for h, i in zip(number, s, strict=True)],
            dtype=object,
        )
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        post = np.array(
            [
                f"{districts[i % len(districts)]} {d}{letters[a]}{letters[b]}"
                for i, d, a, b in zip(
                    s,
                    rng.integers(1, 10, size),
                    rng.integers(0, 20, size),
                    rng.integers(0, 20, size),
                    strict=True,
                )
            ],
            dtype=object,
        )
        return line, post

    address, postcode = addresses(people)
    hmo = rng.random(people) < 0.08  # houses in multiple occupation: unrelated people share
    hmo_idx = rng.integers(0, max(people // 40, 1), int(hmo.sum()))
    address[hmo], postcode[hmo] = address[hmo_idx], postcode[hmo_idx]
    nino = np.array(
        [
            f"{'ABCEHJKLMNPRSTWXYZ'[a]}{'ABCEHJKLMNPRSTWXYZ'[b]}{x:06d}{'ABCD'[c]}"
            for a, b, x, c in zip(
                rng.integers(0, 18, people),
                rng.integers(0, 18, people),
                rng.integers(0, 10**6, people),
                rng.integers(0, 4, people),
                strict=True,
            )
        ],
        dtype=object,
    )
    nino[rng.random(people) < 0.65] = None
    passport = np.array([f"{x:09d}" for x in rng.integers(0, 10**9, people)], dtype=object)
    passport[rng.random(people) < 0.7] = None

    copies = 1 + rng.choice(5, people, p=[0.55, 0.25, 0.1, 0.06, 0.04])
    person = np.repeat(np.arange(people), copies)
    rng.shuffle(person)
    person = person[:n]
    return _records(
        rng,
        person,
        given,
        family,
        middle,
        first,
        nationality,
        dob,
        phone,
        address,
        postcode,
        nino,
        passport,
        addresses,
    ), person


def _records(rng: np.random.Generator, person: np.ndarray, *cols: Any) -> pa.Table:
    (
        given,
        family,
        middle,
        first,
        nationality,
        dob,
        phone,
        address,
        postcode,
        nino,
        passport,
        addresses,
    ) = cols
    n = len(person)

    def p(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    g, f, m = given[person].copy(), family[person].copy(), middle[person].copy()
    for arr in (g, f):
        for i in np.flatnonzero(p(0.3)):  # a clerk writes the name without its accents
            arr[i] = _ascii(arr[i])
    for i in np.flatnonzero(p(0.3)):
        if g[i] in VARIANTS:
            g[i] = VARIANTS[g[i]][int(rng.integers(0, len(VARIANTS[g[i]])))]
        if f[i] in VARIANTS:
            f[i] = VARIANTS[f[i]][0]
    for i in np.flatnonzero(p(0.15)):
        if g[i] in NICKNAMES:
            g[i] = NICKNAMES[g[i]]
    for arr in (g, f):
        for i in np.flatnonzero(p(0.08)):
            arr[i] = _typo(arr[i], rng)
    swap = p(0.03)
    g[swap], f[swap] = f[swap], g[swap]
    full = np.full(n, None, dtype=object)
    as_full = p(0.12)
    fam_first = first[person]
    for i in np.flatnonzero(as_full):
        parts = [g[i], m[i]] if m[i] else [g[i]]
        full[i] = " ".join([f[i].upper(), *parts] if fam_first[i] else [*parts, f[i]])
        g[i] = f[i] = None
    given_col = np.array(
        [f"{m[i]} {g[i]}" if m[i] and g[i] and fam_first[i] else g[i] for i in range(n)],
        dtype=object,
    )
    given_col[p(0.02)] = None
    f[p(0.02)] = None

    day = dob[person].copy()
    ys = day.astype("datetime64[Y]").astype(int) + 1970
    ms = day.astype("datetime64[M]").astype(int) % 12 + 1
    ds = (day - day.astype("datetime64[M]")).astype(int) + 1
    swap_dm = p(0.03) & (ds <= 12)
    ms[swap_dm], ds[swap_dm] = ds[swap_dm], ms[swap_dm]
    typo = p(0.04)
    ds[typo] = np.clip(ds[typo] + rng.choice([-1, 1, 10, -10], int(typo.sum())), 1, 28)
    placeholder = p(0.02)
    ms[placeholder], ds[placeholder] = 1, 1
    style = rng.integers(0, 10, n)
    month_names = MONTHS.split()
    dates = np.array(
        [
            f"{y:04d}-{mo:02d}-{d:02d}"
            if s < 5
            else (f"{d:02d}/{mo:02d}/{y:04d}" if s < 9 else f"{d} {month_names[mo - 1]} {y}")
            for y, mo, d, s in zip(ys, ms, ds, style, strict=True)
        ],
        dtype=object,
    )
    dates[p(0.08)] = None
    year_only = p(0.02)
    dates[year_only] = ys[year_only].astype(str)

    ph = phone[person].copy()
    new_phone = p(0.15)
    ph[new_phone] = np.array([f"07{x:09d}" for x in rng.integers(0, 10**9, int(new_phone.sum()))])
    ph[p(0.35)] = None
    intl = p(0.2)
    ph[intl] = np.array([f"+44 {x[1:5]} {x[5:]}" if x else None for x in ph[intl]], dtype=object)
    addr, post = address[person].copy(), postcode[person].copy()
    moved = p(0.15)
    addr[moved], post[moved] = addresses(int(moved.sum()))
    for i in np.flatnonzero(p(0.3)):
        words = addr[i].split()
        words[-1] = ABBREV.get(words[-1], words[-1])
        addr[i] = " ".join(words)
    addr[p(0.2)] = None
    post[p(0.15)] = None
    email = np.array(
        [
            f"{_ascii(a).lower()}.{_ascii(b).lower()}{x}@example.com" if a and b else None
            for a, b, x in zip(given[person], family[person], person, strict=True)
        ],
        dtype=object,
    )
    email[p(0.7)] = None
    ni, pp = nino[person].copy(), passport[person].copy()
    ni[p(0.5)] = None
    pp[p(0.5)] = None
    nat = nationality[person].copy()
    nat[p(0.3)] = None
    return pa.table(
        {
            "record_id": pa.array([f"r{i}" for i in range(n)]),
            "source": pa.array(np.array(["police", "council", "nrm", "ie"])[rng.integers(0, 4, n)]),
            "given_name": pa.array(given_col, pa.string()),
            "surname": pa.array(f, pa.string()),
            "full_name": pa.array(full, pa.string()),
            "date_of_birth": pa.array(dates, pa.string()),
            "phone": pa.array(ph, pa.string()),
            "email": pa.array(email, pa.string()),
            "address": pa.array(addr, pa.string()),
            "postcode": pa.array(post, pa.string()),
            "nationality": pa.array(nat, pa.string()),
            "national_id": pa.array(ni, pa.string()),
            "document_number": pa.array(pp, pa.string()),
        }
    )


# -- the contenders -----------------------------------------------------------------------------


def run_threadline(records: pa.Table, threshold: float) -> dict[str, str]:
    with PersonResolver(ResolverSettings(match_threshold=threshold)) as resolver:
        result = resolver.resolve(records)
    print(f"    stages: {', '.join(f'{k} {v:.1f}s' for k, v in result.timings.items())}")
    return result.clusters


def run_splink(records: pa.Table, thresholds: tuple[float, ...]) -> list[dict[str, str]]:
    """Plain Splink 5: light cleaning, library comparisons, ``block_on`` rules, the documented
    unsupervised recipe, Splink's own connected-components clustering at each threshold."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    con.register("raw", records)
    con.execute(
        """CREATE TABLE people AS SELECT record_id AS unique_id,
        lower(coalesce(given_name, split_part(full_name, ' ', 1))) AS first_name,
        lower(coalesce(surname, split_part(full_name, ' ', -1))) AS surname,
        strftime(coalesce(try_strptime(date_of_birth, '%Y-%m-%d'),
                          try_strptime(date_of_birth, '%d/%m/%Y')), '%Y-%m-%d') AS dob,
        regexp_replace(phone, '[^0-9]', '', 'g') AS phone, lower(email) AS email,
        upper(postcode) AS postcode, lower(address) AS address,
        upper(national_id) AS national_id, document_number
        FROM raw"""
    )
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        # block_on("first_name", "surname") alone would make ~80 million pairs at a million
        # records (common names), so names are paired with a postcode here.
        blocking_rules_to_generate_predictions=[
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("first_name", "surname", "postcode"),
            block_on("postcode", "first_name"),
            block_on("email"),
            block_on("phone"),
            block_on("national_id"),
            block_on("document_number"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.9]),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("document_number"),
        ],
    )
    linker = Linker(df, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("national_id")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in (block_on("dob"), block_on("first_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=1e6)
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    out = []
    for threshold in thresholds:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold
        )
        rows = con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()
        out.append({str(a): str(b) for a, b in rows})
    con.close()
    return out


def run_recordlinkage(records: pa.Table) -> dict[str, str]:
    """A standard recordlinkage pipeline: blocking index, comparisons, ECM, components."""
    import recordlinkage as rl

    df = records.to_pandas().set_index("record_id")
    df["given_name"] = df["given_name"].fillna(df["full_name"].str.split().str[0]).str.lower()
    df["surname"] = df["surname"].fillna(df["full_name"].str.split().str[-1]).str.lower()
    indexer = rl.Index()
    indexer.block(["given_name", "surname"])
    indexer.block("date_of_birth")
    pairs = indexer.index(df)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("phone", "phone")
    compare.exact("postcode", "postcode")
    compare.string("address", "address", method="jarowinkler", threshold=0.85)
    features = compare.compute(pairs, df)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    ids = {rid: i for i, rid in enumerate(df.index)}
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in matches:
        ra, rb = find(ids[a]), find(ids[b])
        if ra != rb:
            parent[rb] = ra
    names = list(df.index)
    return {rid: names[find(i)] for rid, i in ids.items()}


def _line(name: str, seconds: float, scores: Scores) -> None:
    print(
        f"  {name:<22} {seconds:7.1f} s   precision {scores.precision:.4f}  "
        f"recall {scores.recall:.4f}  F1 {scores.f1:.4f}",
        flush=True,
    )


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run 1,000,000 records")
    parser.add_argument("--sizes", type=int, nargs="*", help="record counts to run")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)
    sizes = args.sizes or ([100_000, 1_000_000] if args.full else [100_000])
    for n in sizes:
        started = time.perf_counter()
        records, person = generate(n)
        truth = dict(zip(records.column("record_id").to_pylist(), map(str, person), strict=True))
        print(
            f"\n{n:,} records ({len(set(person)):,} people), generated in "
            f"{time.perf_counter() - started:.1f} s"
        )
        gc.collect()
        print(f"    load average before the run: {os.getloadavg()[0]:.2f} (2 cores)")
        started, cpu = time.perf_counter(), time.process_time()
        ours = evaluate_clusters(run_threadline(records, args.threshold), truth)
        ours_s = time.perf_counter() - started
        _line("threadline", ours_s, ours)
        print(f"    CPU time (all threads): {time.process_time() - cpu:.1f} s")
        print(f"    peak memory of the process so far: {peak_memory_mb():,.0f} MB")
        if args.skip_baselines:
            continue
        gc.collect()
        started = time.perf_counter()
        thresholds = (args.threshold, 0.9, 0.99)
        splink_runs = run_splink(records, thresholds)
        splink_s = time.perf_counter() - started
        scored = [evaluate_clusters(c, truth) for c in splink_runs]
        for threshold, scores in zip(thresholds, scored, strict=True):
            _line(f"plain splink @ {threshold}", splink_s, scores)
        best = max(s.f1 for s in scored)
        print(
            f"  time ratio splink/threadline: {splink_s / ours_s:.2f}   "
            f"F1 threadline {ours.f1:.4f} vs splink {scored[0].f1:.4f} (its best: {best:.4f})"
        )
        if n <= 100_000:
            gc.collect()
            started = time.perf_counter()
            linkage = evaluate_clusters(run_recordlinkage(records), truth)
            rl_s = time.perf_counter() - started
            _line("recordlinkage", rl_s, linkage)
            print(
                f"  time ratio recordlinkage/threadline: {rl_s / ours_s:.2f}   "
                f"F1 threadline {ours.f1:.4f} vs recordlinkage {linkage.f1:.4f}"
            )
    print(f"\npeak memory (whole process, all runs): {peak_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
