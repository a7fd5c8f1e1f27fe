"""Cost of hostile inputs as they grow: does any step cost more than in proportion to its size?

    python bench/hostile.py [--scales 1 2 4 8 16] [--shape NAME ...] [--no-peer] [--timeout 300]

Every shape of `tests/hostile_shapes.py` is written at each scale as a one-document
folder, then built by the command line (`python -m explorer build`, run in a fresh
process and timed around the build alone, after the imports), and read by
dateparser's `search_dates` in another fresh process. Printed per run: the input's
size, seconds, peak memory over the process's size after its imports, the bytes of the
events CSV and its rows; per shape, the growth exponent fitted over the three largest scales
(log-log least squares: 1 is linear, 2 quadratic; the target is <= 1.2), where a
run's fixed costs (reading the actor list, writing the file) weigh least.
A run that fails or passes the time limit is shown as such and left out of the fit.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_shapes import PUBLISHED, SHAPES  # noqa: E402

MEMORY_LIMIT = 12 * 2**30  # a run that needs more fails instead of taking the machine


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_ours(folder: Path) -> dict:
    from explorer.__main__ import main

    out = folder.parent / "events.csv"
    base = _rss_mb()
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["build", str(folder), "--out", str(out)])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    rows = 0
    if out.exists():
        with open(out, encoding="utf-8") as f:
            import csv

            csv.field_size_limit(2**31 - 1)  # the landed code wrote passages of megabytes
            rows = sum(1 for _ in csv.DictReader(f))
    return {"seconds": seconds, "peak_mb": max(peak, 0.0), "out_bytes": out.stat().st_size if out.exists() else 0,
            "rows": rows, "code": code}


def child_peer(folder: Path) -> dict:
    from datetime import datetime

    from dateparser.search import search_dates

    path = next(p for p in folder.iterdir() if p.name != "manifest.csv")
    text = path.read_text(encoding="utf-8")
    base = _rss_mb()
    start = time.perf_counter()
    found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": datetime.fromisoformat(PUBLISHED)}) or []
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    return {"seconds": seconds, "peak_mb": max(peak, 0.0), "out_bytes": 0, "rows": len(found), "code": 0}


def measure(side: str, folder: Path, timeout: float) -> dict:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    try:
        run = subprocess.run([sys.executable, __file__, "--child", side, "--folder", str(folder)],
                             capture_output=True, text=True, timeout=timeout, preexec_fn=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"failed": f">{timeout:g} s"}
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["?"])[-1]
        return {"failed": "memory" if "Memory" in last else last[:40]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def exponent(sizes, values) -> float | None:
    """Slope of log(value) over log(size), least squares; None with fewer than 2 points."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values) if v and v > 0]
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="only these shapes")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--child", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps((child_ours if args.child == "ours" else child_peer)(args.folder)))
        return

    def cell(r, key, fmt):
        return f"{r['failed']:>10}" if "failed" in r else format(r[key], fmt)

    print(f"{'shape':36}{'scale':>6}{'input KB':>10}{'ours s':>10}{'peak MB':>9}{'CSV KB':>10}{'rows':>7}"
          f"{'peer s':>10}{'peer MB':>9}")
    summary = []
    for name in args.shape or SHAPES:
        sizes, ours_runs, peer_runs = [], [], []
        for k in args.scales:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "corpus"
                folder.mkdir()
                filename, data = SHAPES[name](k)
                (folder / filename).write_bytes(data)
                (folder / "manifest.csv").write_text(f"file,title,source,url,published\n{filename},Shape,Bench,,{PUBLISHED}\n")
                ours = measure("ours", folder, args.timeout)
                peer = {"failed": "-"} if args.no_peer else measure("peer", folder, args.timeout)
            sizes.append(len(data))
            ours_runs.append(ours)
            peer_runs.append(peer)
            print(f"{name:36}{k:>6}{len(data) / 1024:>10.1f}{cell(ours, 'seconds', '>10.3f')}{cell(ours, 'peak_mb', '>9.0f')}"
                  f"{cell(ours, 'out_bytes', '>10.0f') if 'failed' in ours else format(ours['out_bytes'] / 1024, '>10.1f')}"
                  f"{cell(ours, 'rows', '>7')}{cell(peer, 'seconds', '>10.3f')}{cell(peer, 'peak_mb', '>9.0f')}", flush=True)

        def fit(runs, key):
            ok = [(s, r[key]) for s, r in list(zip(sizes, runs))[-3:] if "failed" not in r]
            e = exponent([s for s, _ in ok], [v for _, v in ok])
            return "-" if e is None else f"{e:.2f}"

        summary.append((name, fit(ours_runs, "seconds"), fit(ours_runs, "peak_mb"), fit(ours_runs, "out_bytes"),
                        sum("failed" in r for r in ours_runs), fit(peer_runs, "seconds")))
    print("\ngrowth exponents (1 = linear; target <= 1.2)")
    print(f"{'shape':36}{'time':>8}{'memory':>8}{'output':>8}{'failed':>8}{'peer time':>11}")
    for name, t, m, o, failed, pt in summary:
        print(f"{name:36}{t:>8}{m:>8}{o:>8}{failed:>8}{pt:>11}")


if __name__ == "__main__":
    main()
