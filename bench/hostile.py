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

`--attacks` times instead the two steps issue 19's attacks on the page drive, each run in a
fresh process (peak resident memory during the step over its size before it) at 1x to 16x:
name finding (`actors.suggest`, bench/names.py's "names beside actors": one sentence of
`Lukashenka met Zorblat met ...`, 50 KB at 1x, 800 KB at 16x) and grouping (`events.table_of`,
which finds the happenings, on the mentions read from `grouping_files`: sentences "On 3 March
2023 police <40 made-up words>.", 2,000 at 1x, 32,000 (about 10 MB) at 16x; read once, kept in
bench/out, and not timed). Once a run passes the time limit, larger scales are skipped.
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


def _reset_peak() -> None:
    """Start the process's peak resident size (VmHWM) again from its size now (Linux 4.0 on)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mb() -> float:
    """The process's peak resident size since `_reset_peak` (else since it started)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def grouping_files(files: int, sentences: int = 5000, seed: int = 19) -> list[tuple[str, bytes]]:
    """Issue 19's worst grouping corpus: `files` articles of `sentences` sentences
    "On 3 March 2023 police <40 made-up words>." each (lower-case words of 4 to 9 letters,
    the same for a given seed): every mention the same day, none sharing words, so that
    nothing ever narrows the candidates. About 1.6 MB per 5,000 sentences."""
    import random
    import string

    out = []
    for n in range(files):
        rng = random.Random(f"{seed}-{n}")
        body = " ".join("On 3 March 2023 police " + " ".join(
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) for _ in range(40)) + "."
            for _ in range(sentences))
        out.append((f"grouping-{n + 1:02}.txt", f"Grouping {n + 1}\n\n{body}\n".encode()))
    return out


GROUPING_UNIT = 2000  # sentences at 1x
NAMES_UNIT_KB = 50  # KB at 1x


def grouping_rows(path: Path, files: int) -> Path:
    """The mentions of `files` grouping files of GROUPING_UNIT sentences, read once and kept."""
    import pickle

    if path.exists():
        return path
    from explorer.events import map_document

    rows = []
    for name, data in grouping_files(files, GROUPING_UNIT):
        result = map_document(name, data, {"published": PUBLISHED})
        assert not result.skipped, result.problems
        rows.append((len(data), result.rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(rows))
    return path


def child_names(kb: float) -> dict:
    from bench.names import SHAPES as NAME_SHAPES
    from bench.names import TITLE as NAME_TITLE
    from explorer.actors import ActorIndex, load_actors, suggest
    from explorer.corpus import document_of_text

    text = NAME_SHAPES["names beside actors"](kb)
    doc = document_of_text("bench", "bench.txt", text, NAME_TITLE.strip())
    index = ActorIndex(load_actors())
    base = _rss_mb()
    _reset_peak()
    start = time.perf_counter()
    found = suggest([doc], index)
    seconds = time.perf_counter() - start
    peak = _peak_mb() - base
    return {"seconds": seconds, "peak_mb": max(peak, 0.0), "bytes": len(text.encode()), "rows": len(found), "code": 0}


def child_grouping(path: Path, files: int) -> dict:
    import pickle

    from explorer.events import table_of
    from explorer.happenings import default_model

    docs = pickle.loads(path.read_bytes())[:files]
    rows = [row for _, found in docs for row in found]
    size = sum(n for n, _ in docs)
    default_model()
    table_of(rows[:200])  # the imports, the model and the caches, before the clock starts
    base = _rss_mb()
    _reset_peak()
    start = time.perf_counter()
    table, _ = table_of(rows)
    seconds = time.perf_counter() - start
    peak = _peak_mb() - base
    return {"seconds": seconds, "peak_mb": max(peak, 0.0), "bytes": size, "rows": len(table),
            "happenings": int(table["happening_id"].nunique()), "code": 0}


def attacks(scales: list[int], timeout: float, rows_path: Path, steps=("name finding", "grouping")) -> None:
    """Name finding and grouping on issue 19's shapes, 1x to 16x: time, peak memory, exponents."""
    import explorer

    print(f"explorer from {Path(explorer.__file__).parent}")
    if "grouping" in steps:
        grouping_rows(rows_path, max(scales))
    print(f"{'step':16}{'scale':>6}{'input KB':>10}{'seconds':>10}{'peak MB':>9}{'out':>8}")
    summary = []
    for step in steps:
        sizes, runs = [], []
        for k in scales:
            extra = (["--kb", str(NAMES_UNIT_KB * k)] if step == "name finding"
                     else ["--rows", str(rows_path), "--files", str(k)])
            run = measure("names" if step == "name finding" else "grouping", None, timeout, extra, 8 * 2**30)
            runs.append(run)
            if "failed" in run:
                print(f"{step:16}{k:>6}{'':>10}{run['failed']:>10}   larger scales skipped", flush=True)
                break
            sizes.append(run["bytes"])
            out = run["rows"] if step == "name finding" else run["happenings"]
            print(f"{step:16}{k:>6}{run['bytes'] / 1024:>10.1f}{run['seconds']:>10.3f}{run['peak_mb']:>9.0f}{out:>8}",
                  flush=True)
        ok = [r for r in runs if "failed" not in r]

        def fit(key, last=None):
            pairs = list(zip(sizes, [r[key] for r in ok]))[-last:] if last else list(zip(sizes, [r[key] for r in ok]))
            e = exponent([s for s, _ in pairs], [v for _, v in pairs])
            return "-" if e is None else f"{e:.2f}"

        summary.append((step, fit("seconds"), fit("seconds", 3), fit("peak_mb"), fit("peak_mb", 3),
                        len(runs) - len(ok) + len(scales) - len(runs)))
    print("\ngrowth exponents (1 = linear, 2 = quadratic; >: the three largest scales run)")
    print(f"{'step':16}{'time':>8}{'time>':>8}{'memory':>8}{'memory>':>9}{'not run':>9}")
    for step, t, t3, m, m3, failed in summary:
        print(f"{step:16}{t:>8}{t3:>8}{m:>8}{m3:>9}{failed:>9}")
    print("(out: names suggested, or happenings found; grouping's input KB: the files its mentions were read from)")


def measure(side: str, folder: Path | None, timeout: float, extra=(), memory_limit: int = MEMORY_LIMIT) -> dict:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    command = [sys.executable, __file__, "--child", side, *(["--folder", str(folder)] if folder else []), *extra]
    try:
        run = subprocess.run(command,
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
    parser.add_argument("--attacks", action="store_true",
                        help="issue 19: name finding and grouping on the page attacks' shapes, 1x to 16x")
    parser.add_argument("--attack-step", action="append", choices=["name finding", "grouping"],
                        help="with --attacks: only these steps")
    parser.add_argument("--grouping-rows", type=Path, default=ROOT / "bench" / "out" / "grouping-rows.pkl",
                        help="with --attacks: where the grouping corpus's mentions are kept once read")
    parser.add_argument("--child", choices=["ours", "peer", "names", "grouping"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--files", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = {"ours": lambda: child_ours(args.folder), "peer": lambda: child_peer(args.folder),
                  "names": lambda: child_names(args.kb),
                  "grouping": lambda: child_grouping(args.rows, args.files)}[args.child]()
        print(json.dumps(result))
        return
    if args.attacks:
        attacks(args.scales, args.timeout, args.grouping_rows, args.attack_step or ("name finding", "grouping"))
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
