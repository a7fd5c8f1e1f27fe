"""The two stores on big tables (issue 22): the memory store against the DuckDB store, by size.

    python bench/store.py [--rows 250000,1000000,5000000] [--repeat 3]
                          [--skip-memory-above 1000000] [--work /tmp/store-bench] [--json FILE]

For each size, a generated events table and its happenings view (tests/big_table.py) are
written to Parquet once, in a process of their own, and kept in --work (reused when present).
Then each store, at each size, runs in a fresh process of its own (the memory store only up to
--skip-memory-above rows: it holds the whole table):
  open: `MemoryStore(explorer.events.read_table(events))` (the table read, indexed, and its
        happenings view built by `happening_view.view`), or `DuckDBStore(events, happenings)`;
  the page's first view, for three filter sets (none; the actor Viasna; the text "appeal" in
        2010-2012): counts, facet_counts, period_counts, marks(f, "source"), events(f, 0, 50)
        and happenings(f, limit=50), each timed. --repeat rounds of the whole page; per
        question the median, and per filter set the median page view (all six questions) and
        the first one (nothing cached yet).
Memory, measured inside that process: resident memory once the modules are imported and right
after the store is open, and the process's peak (`ru_maxrss`, nothing subtracted). The parent
imports neither pandas nor the stores, so the children start small.
Printed: a table per size (with the machine's 1-minute load average as each store's process
started: the figures are wall clock) and, where both stores ran, DuckDB / memory for the open,
the page views (summed over the filter sets) and the memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORES = ("memory", "duckdb")
FILTER_SETS = {  # label: Filters(**keywords)
    "no filter": {},
    "actor Viasna": {"actors": ("Viasna",)},
    "'appeal' 2010-2012": {"q": "appeal", "years": (2010, 2012)},
}
QUESTIONS = ("counts", "facet_counts", "period_counts", "marks", "events", "happenings")


def parquet_paths(work: Path, rows: int) -> tuple[Path, Path]:
    """Where tests/big_table.py's `write` puts a size's two files."""
    return work / f"events-{rows}.parquet", work / f"happenings-{rows}.parquet"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


# --- the children -----------------------------------------------------------------------------

def child_generate(work: Path, rows: int) -> dict:
    """Write a size's table and view (into a folder of their own, then moved into place, so
    that a run stopped halfway leaves no file to be reused)."""
    sys.path.insert(0, str(ROOT))
    from tests import big_table

    partial = work / f".partial-{rows}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    start = time.perf_counter()
    written = big_table.write(partial, rows)
    seconds = time.perf_counter() - start
    for path, final in zip(written, parquet_paths(work, rows)):
        os.replace(path, final)
    partial.rmdir()
    return {"seconds": seconds, "peak_mb": peak_mb()}


def child_measure(store_name: str, work: Path, rows: int, repeat: int) -> dict:
    """Open one store on one size and ask it the page's first view, --repeat times."""
    sys.path.insert(0, str(ROOT))
    from explorer.filters import Filters

    events_path, happenings_path = parquet_paths(work, rows)
    if store_name == "memory":
        from explorer.events import read_table
        from explorer.store.memory import MemoryStore

        def open_store():
            return MemoryStore(read_table(events_path))
    else:
        from explorer.store.duckdb import DuckDBStore

        def open_store():
            return DuckDBStore(events_path, happenings_path)

    result = {"store": store_name, "rows": rows, "rss_imported_mb": rss_mb()}
    start = time.perf_counter()
    store = open_store()
    result["open_s"] = time.perf_counter() - start
    result["rss_open_mb"] = rss_mb()
    result["store_rows"] = store.rows

    asks = {
        "counts": lambda f: store.counts(f),
        "facet_counts": lambda f: store.facet_counts(f),
        "period_counts": lambda f: store.period_counts(f),
        "marks": lambda f: store.marks(f, "source"),
        "events": lambda f: store.events(f, 0, 50),
        "happenings": lambda f: store.happenings(f, limit=50),
    }
    errors: dict[str, str] = {}
    views = {}
    for label, keywords in FILTER_SETS.items():
        f = Filters(**keywords)
        seconds = {q: [] for q in QUESTIONS}
        totals, answers = [], {}
        for _ in range(repeat):
            total = 0.0
            for q in QUESTIONS:
                start = time.perf_counter()
                try:
                    answer = asks[q](f)
                except Exception as e:  # noqa: BLE001 - reported, the other questions still asked
                    errors.setdefault(f"{label}: {q}", f"{type(e).__name__}: {e}")
                    answer = None
                took = time.perf_counter() - start
                seconds[q].append(took)
                total += took
                answers[q] = answer
            totals.append(total)
        counts = answers["counts"]
        views[label] = {
            "question_median_s": {q: statistics.median(s) for q, s in seconds.items()},
            "question_s": seconds,
            "view_median_s": statistics.median(totals),
            "view_first_s": totals[0],
            "view_s": totals,
            # what was answered, to see that both stores agree
            "statements": None if counts is None else counts.statements,
            "happenings": None if counts is None else counts.happenings,
            "marks": answers["marks"],
            "events_shown": None if answers["events"] is None else len(answers["events"]),
            "happenings_shown": None if answers["happenings"] is None else len(answers["happenings"]),
        }
    result["views"] = views
    result["errors"] = errors
    result["rss_end_mb"] = rss_mb()
    result["peak_mb"] = peak_mb()
    return result


# --- the parent -------------------------------------------------------------------------------

def run_child(args: list[str]) -> dict:
    """Run this script in a hidden mode; its last line of output is its JSON result."""
    load = os.getloadavg()[0]  # the machine is shared: how busy it was as the child started
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        tail = (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
        return {"failed": f"exit status {out.returncode}: {tail}", "stderr": out.stderr[-4000:], "load": load}
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "load": load}


def ensure_tables(work: Path, rows: int) -> dict:
    events_path, happenings_path = parquet_paths(work, rows)
    made = None
    if not (events_path.exists() and happenings_path.exists()):
        print(f"  writing the {rows:,}-row table and its view to {work} ...", flush=True)
        made = run_child(["--generate", "--rows", str(rows), "--work", str(work)])
        if "failed" in made:
            return {"generated": made}
        print(f"  written in {made['seconds']:.1f} s, peak {made['peak_mb']:,.0f} MB", flush=True)
    return {"generated": made, "events_mb": events_path.stat().st_size / 2**20,
            "happenings_mb": happenings_path.stat().st_size / 2**20}


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}" if seconds >= 1 else f"{seconds * 1000:,.1f}"


def times(ratio: float) -> str:
    """A ratio with two significant digits below 1 (0.0045x), one decimal above (7.3x)."""
    return f"{ratio:.2g}x" if ratio < 1 else f"{ratio:.1f}x"


def print_size(rows: int, files: dict, results: dict[str, dict], repeat: int) -> None:
    print(f"\n{rows:,} rows (events {files['events_mb']:,.0f} MB, happenings {files['happenings_mb']:,.0f} MB "
          f"of Parquet)")
    print(f"  {'store':8}{'open s':>9}{'RSS imported MB':>17}{'RSS open MB':>13}{'peak MB':>10}{'load':>7}")
    for name, r in results.items():
        if "skipped" in r or "failed" in r:
            print(f"  {name:8}  {r.get('skipped') or 'FAILED: ' + r['failed']}")
            continue
        print(f"  {name:8}{r['open_s']:>9.2f}{r['rss_imported_mb']:>17,.0f}{r['rss_open_mb']:>13,.0f}"
              f"{r['peak_mb']:>10,.0f}{r['load']:>7.1f}")
    heads = ("counts", "facets", "periods", "marks", "events", "happen.", "view", "1st view")
    print(f"  page's first view, ms (median of {repeat}; '1st view': the first round, before any answer "
          "is kept: the DuckDB store keeps answers for the next rerun and reader, the memory store its last view's rows)")
    print(f"  {'store':8}{'filters':20}" + "".join(f"{h:>9}" for h in heads))
    for name, r in results.items():
        if "views" not in r:
            continue
        for label, v in r["views"].items():
            cells = [ms(v["question_median_s"][q]) for q in QUESTIONS] + [ms(v["view_median_s"]), ms(v["view_first_s"])]
            print(f"  {name:8}{label:20}" + "".join(f"{c:>9}" for c in cells))
        for where, error in r["errors"].items():
            print(f"  {name:8}ERROR {where}: {error}")
    answered = {name: [(v["statements"], v["happenings"], v["marks"], v["events_shown"], v["happenings_shown"])
                       for v in r["views"].values()] for name, r in results.items() if "views" in r}
    if len(answered) == 2:
        same = answered["memory"] == answered["duckdb"]
        print(f"  answers (statements, happenings, marks, rows shown): "
              f"{'the same in both stores' if same else 'DIFFER: ' + repr(answered)}")
    elif answered:
        ((name, figures),) = answered.items()
        print(f"  answers ({name}; statements, happenings, marks, rows shown): {figures}")
    if all("views" in results.get(s, {}) for s in STORES):
        mem, duck = results["memory"], results["duckdb"]
        ratios = []
        for key, said in (("view_first_s", "first view"), ("view_median_s", "the view again")):
            page = {s: sum(v[key] for v in results[s]["views"].values()) for s in STORES}
            per_set = ", ".join(f"{label} {times(duck['views'][label][key] / mem['views'][label][key])}"
                                for label in FILTER_SETS)
            ratios.append(f"{said} {times(page['duckdb'] / page['memory'])} ({per_set})")
        print(f"  DuckDB / memory: open {times(duck['open_s'] / mem['open_s'])}, " + ", ".join(ratios) + ", "
              f"peak memory {times(duck['peak_mb'] / mem['peak_mb'])}, "
              f"memory once open {times(duck['rss_open_mb'] / mem['rss_open_mb'])}")


def parse_rows(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=parse_rows, default=[250_000, 1_000_000, 5_000_000],
                        help="table sizes, comma-separated (default 250000,1000000,5000000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the page's questions (default 3)")
    parser.add_argument("--skip-memory-above", type=int, default=1_000_000,
                        help="no memory store on tables of more rows (default 1000000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/store-bench"),
                        help="where the generated Parquet files are kept (default /tmp/store-bench)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--child", choices=STORES, help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.generate or args.child:  # a child process: one size, one job, its result as JSON
        (rows,) = args.rows
        result = (child_generate(args.work, rows) if args.generate
                  else child_measure(args.child, args.work, rows, args.repeat))
        print(json.dumps(result))
        return

    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.repeat} rounds; tables in {args.work}", flush=True)
    report = {"argv": sys.argv, "repeat": args.repeat, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
              "cpus": os.cpu_count(), "sizes": {}}
    for rows in args.rows:
        files = ensure_tables(args.work, rows)
        entry = report["sizes"][str(rows)] = {"files": files, "stores": {}}
        if "events_mb" not in files:
            print(f"\n{rows:,} rows: the table could not be written: {files['generated']['failed']}", flush=True)
            continue
        for name in STORES:
            if name == "memory" and rows > args.skip_memory_above:
                entry["stores"][name] = {"skipped": f"not tried above {args.skip_memory_above:,} rows"}
                continue
            print(f"  {name} store on {rows:,} rows ...", flush=True)
            entry["stores"][name] = run_child(["--child", name, "--rows", str(rows), "--work", str(args.work),
                                               "--repeat", str(args.repeat)])
        print_size(rows, files, entry["stores"], args.repeat)
        if args.json:  # after each size, so that a run stopped later keeps what it measured
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=1) + "\n")
    if args.json:
        print(f"\nresults: {args.json}")


if __name__ == "__main__":
    main()
