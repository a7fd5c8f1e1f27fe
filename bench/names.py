"""Cost of name finding ("Find names", `python -m explorer actors suggest`) as its input grows.

    python bench/names.py [--kb 50] [--scales 1 2 4 8 16] [--shape NAME ...] [--budget 120]

Each shape is one sentence of about `--kb` x scale KB, made into a document as the
command line would (`corpus.document_of_text`), then timed in this process through
`ActorIndex.find` alone and through `suggest` (the best of `--repeat` runs). Printed per run:
the input's size and seconds; per shape, the growth exponent over all scales and over the
three largest (log-log least squares: 1 is linear, 2 quadratic). Once a run takes longer
than `--budget` seconds the shape's larger scales are skipped.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.actors import ActorIndex, load_actors, suggest  # noqa: E402
from explorer.corpus import document_of_text  # noqa: E402

TITLE = "Names\n"


def _repeat(unit: str, kb: float) -> str:
    return unit * max(1, round(kb * 1024 / len(unit)))


# name -> (KB -> text): one sentence each
SHAPES = {
    # issue 19: made-up names beside a listed actor, every capital checked against every listed name
    "names beside actors": lambda kb: TITLE + "In Minsk " + _repeat("Lukashenka met Zorblat met ", kb) + "end.",
    "made-up names only": lambda kb: TITLE + "In Minsk " + _repeat("Zorblat met Quintaro met ", kb) + "end.",
    # one capitalised run led by stop words and trailed by date words, stripped a word at a time
    # (lower-case words after it, so that the sentence is not taken for a headline)
    "stop and date words": lambda kb: TITLE + "It " + _repeat("The ", kb / 4) + "Zorblat" + _repeat(" January", kb / 4)
    + _repeat(" and they met", kb / 2) + ".",
    # a capital, then a long run of spaces: the name pattern tried every split of it
    "spaces after a name": lambda kb: TITLE + "In Minsk Zorblat" + " " * round(kb * 1024) + "met them.",
}


def exponent(sizes, values) -> float | None:
    """Slope of log(value) over log(size), least squares (as bench/hostile.py fits it)."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values) if v and v > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=float, default=50, help="size of scale 1 (KB)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="only these shapes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=120,
                        help="seconds one run may take before larger scales are skipped")
    args = parser.parse_args(argv)

    index = ActorIndex(load_actors())
    print(f"{'shape':24}{'scale':>6}{'input KB':>10}{'find s':>10}{'suggest s':>11}{'names':>7}")
    summary = []
    for name in args.shape or SHAPES:
        sizes, finds, suggests = [], [], []
        for k in args.scales:
            text = SHAPES[name](args.kb * k)
            doc = document_of_text("bench", "bench.txt", text, TITLE.strip())
            rows = []
            found = best_of(args.repeat, lambda: [index.find(doc.text[s:e]) for s, e in doc.passages])
            took = best_of(args.repeat, lambda: rows.append(suggest([doc], index)))
            sizes.append(len(text.encode()))
            finds.append(found)
            suggests.append(took)
            print(f"{name:24}{k:>6}{sizes[-1] / 1024:>10.1f}{found:>10.3f}{took:>11.3f}{len(rows[-1]):>7}", flush=True)
            if max(found, took) * args.repeat > args.budget:
                print(f"{name:24}  larger scales skipped (over {args.budget:g} s)")
                break

        def fit(values, last=None):
            e = exponent(sizes[-last:] if last else sizes, values[-last:] if last else values)
            return "-" if e is None else f"{e:.2f}"

        summary.append((name, fit(finds), fit(finds, 3), fit(suggests), fit(suggests, 3)))
    print("\ngrowth exponents (1 = linear, 2 = quadratic)")
    print(f"{'shape':24}{'find':>8}{'find>':>8}{'suggest':>9}{'suggest>':>10}   (>: the three largest scales)")
    for name, f_all, f_top, s_all, s_top in summary:
        print(f"{name:24}{f_all:>8}{f_top:>8}{s_all:>9}{s_top:>10}")


if __name__ == "__main__":
    main()
