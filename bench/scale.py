"""Past one machine (issue 22): the build on Spark against the plain build, in one run.

    python bench/scale.py [--docs 3000 12000] [--size 5000] [--repeats 1]

For each size, a synthetic corpus (bench/speed.py's generator, kept in bench/out) is built by
`python -m explorer build ... --out X.parquet --happenings Y.parquet`, each a fresh process:
  one process (the plain build), `--jobs 2` (two worker processes), `--engine spark --jobs 2`
  (Spark local[2]: a JVM and Spark's Python workers).
Printed: wall seconds, and the peak memory of the whole process tree (the build, its workers,
the JVM and Spark's Python workers: resident memory summed over them, sampled every 0.1 s, so
pages a fork shares are counted twice), each against the plain build's; and whether the three
tables are equal.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.speed import OUT, generate  # noqa: E402

WAYS = {"one process": [], "--jobs 2": ["--jobs", "2"], "Spark local[2]": ["--engine", "spark", "--jobs", "2"]}


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def build(folder: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree) of one build."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "build", str(folder), "--out", str(out),
                             "--happenings", str(out.with_suffix(".happenings.parquet")), *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(watched))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"build {' '.join(extra)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, peak / 2**20


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[3000, 12000])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    import pandas as pd

    for docs in args.docs:
        folder = OUT / f"corpus-{docs}x{args.size}-1"
        if not (folder / "manifest.csv").exists():
            generate(folder, docs, args.size, 1)
        print(f"\n{docs} articles ({sum(f.stat().st_size for f in folder.glob('*.txt')) / 1e6:.1f} MB), "
              f"{args.repeats} run(s) each, best shown", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            figures, tables = {}, {}
            for _ in range(args.repeats):
                for way, extra in WAYS.items():
                    out = Path(tmp) / f"{way.split()[0].strip('-')}.parquet"
                    seconds, peak = build(folder, out, extra)
                    best = figures.get(way)
                    figures[way] = (min(seconds, best[0]), max(peak, best[1])) if best else (seconds, peak)
                    tables[way] = out
            plain = figures["one process"]
            for way, (seconds, peak) in figures.items():
                print(f"  {way:16} {seconds:7.1f} s ({seconds / plain[0]:.2f}x the plain build)   "
                      f"peak {peak:7.0f} MB, whole tree ({peak / plain[1]:.2f}x)", flush=True)
            first = pd.read_parquet(tables["one process"])
            same = all(pd.read_parquet(t).equals(first) for t in tables.values())
            print(f"  the three tables are {'equal' if same else 'NOT equal'} ({len(first):,} rows)")


if __name__ == "__main__":
    main()
