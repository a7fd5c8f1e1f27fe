"""Speed and memory of building the events table, beside dateparser.search.search_dates.

    python bench/speed.py [--docs 3000] [--size 5000] [--seed 1]

Generates a synthetic corpus (articles of about --size characters with a
manifest) under bench/out/, then, each in a fresh process on one core (ours
before and after the peer, as the machine's speed drifts):
  ours: load the folder and build the events table (explorer.corpus + explorer.events);
  peer: read the same files and run search_dates on each text with its
        publication date as RELATIVE_BASE.
Prints documents per second, megabytes per second and peak resident memory of both,
and the ratio. Then the whole process, as a person runs it: `python -m explorer build`
(imports, reading, grouping happenings, writing Parquet) against the peer's whole process,
wall time, ours before and after the peer.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ACTORS = ["Alyaksandr Lukashenka", "the U.S. State Department", "Amnesty International",
          "the European Union", "Svyatlana Tsikhanouskaya", "the Viasna Human Rights Center",
          "the Prosecutor General's Office", "Antony Blinken", "the OSCE", "police in Minsk"]
VERBS = ["said", "announced", "reported", "detained", "sentenced", "condemned", "released",
         "warned", "confirmed", "denied"]


def _date_phrase(rng: random.Random, published: date) -> str:
    year = published.year - rng.randint(0, 5)
    return rng.choice([
        f"on {rng.choice(MONTHS)} {rng.randint(1, 28)}",
        f"in {rng.choice(MONTHS)} {year}",
        f"since {rng.choice(MONTHS)} {year}",
        f"on {rng.randint(1, 28)} {rng.choice(MONTHS)} {year}",
        f"in {year}", "last week", "last year's", "over the past weekend",
        f"on {rng.choice(WEEKDAYS)}", f"in {rng.choice(WEEKDAYS)}'s statement",
        f"over the past {rng.choice(['two', 'three', 'five'])} years", "earlier this month",
        f"{rng.randint(2, 9)} days ago", f"by the end of {year + rng.randint(0, 6)}", "yesterday",
    ])


def _sentence(rng: random.Random, published: date) -> str:
    actor, verb = rng.choice(ACTORS), rng.choice(VERBS)
    count = f"{rng.randint(1, 9)},{rng.randint(100, 999)}"
    return rng.choice([
        f"{actor.capitalize() if actor[0].islower() else actor} {verb} {_date_phrase(rng, published)} that {count} people had been detained.",
        f"According to {actor}, more than {count} political prisoners are held, about {rng.randint(10, 90)} percent of them in Minsk.",
        f"The statement {_date_phrase(rng, published)} followed protests that the opposition says were rigged.",
        f"Observers {verb} that the crackdown continued {_date_phrase(rng, published)} and {_date_phrase(rng, published)}.",
        f"He was sentenced to {rng.randint(2, 15)} years in prison, a court in Hrodna {verb}.",
        "Lukashenka rejects the allegations of electoral fraud and refuses to negotiate with the opposition.",
    ])


def generate(folder: Path, docs: int, size: int, seed: int) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "title", "source", "url", "published"])
        for i in range(docs):
            published = date(2020, 8, 1) + timedelta(days=rng.randint(0, 1900))
            title = f"Report {i} on repression in Belarus"
            parts, length = [title, ""], len(title)
            while length < size:
                paragraph = " ".join(_sentence(rng, published) for _ in range(rng.randint(2, 5)))
                parts.append(paragraph)
                length += len(paragraph) + 1
            text = "\n".join(parts)
            name = f"doc{i:05d}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            total += len(text.encode("utf-8"))
            writer.writerow([name, title, "Synthetic", f"https://example.org/{i}", published.isoformat()])
    return total


def run_ours(folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from explorer.corpus import load_folder
    from explorer.events import events_table

    start = time.perf_counter()
    corpus = load_folder(folder)
    table = events_table(corpus.documents)
    return {"seconds": time.perf_counter() - start, "docs": len(corpus.documents), "found": len(table)}


def run_peer(folder: Path) -> dict:
    from dateparser.search import search_dates

    rows = list(csv.DictReader(open(folder / "manifest.csv", encoding="utf-8")))
    start = time.perf_counter()
    found = 0
    for row in rows:
        text = (folder / row["file"]).read_text(encoding="utf-8")
        base = datetime.fromisoformat(row["published"])
        found += len(search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base}) or [])
    return {"seconds": time.perf_counter() - start, "docs": len(rows), "found": found}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.run:  # a child process: measure one side
        result = (run_ours if args.run == "ours" else run_peer)(args.folder)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    folder = OUT / f"corpus-{args.docs}x{args.size}-{args.seed}"
    if not (folder / "manifest.csv").exists():
        generate(folder, args.docs, args.size, args.seed)
    megabytes = sum(f.stat().st_size for f in folder.glob("*.txt")) / 1e6
    def measure(side):
        out = subprocess.run([sys.executable, __file__, "--run", side, "--folder", str(folder)],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    # This machine's speed drifts by a tenth or more over minutes: ours runs just before
    # and just after the peer, and the ratio is taken against their mean.
    before, peer, after = measure("ours"), measure("peer"), measure("ours")
    print(f"corpus: {args.docs} documents, {megabytes:.1f} MB ({folder})")
    print(f"{'':34}{'seconds':>10}{'docs/s':>10}{'MB/s':>8}{'found':>9}{'peak MB':>9}")
    rows = [("explorer build (table), before", before), ("dateparser.search_dates", peer),
            ("explorer build (table), after", after)]
    for name, r in rows:
        print(f"{name:34}{r['seconds']:>10.2f}{r['docs'] / r['seconds']:>10.1f}"
              f"{megabytes / r['seconds']:>8.2f}{r['found']:>9}{r['peak_mb']:>9.0f}")
    ours = (before["seconds"] + after["seconds"]) / 2
    print(f"throughput ratio (ours / search_dates): {peer['seconds'] / ours:.1f}x against the mean of ours "
          f"({peer['seconds'] / before['seconds']:.1f}x before, {peer['seconds'] / after['seconds']:.1f}x after)")

    # The whole process, as a person runs it: the command line's build (imports, reading,
    # grouping happenings, writing) against the peer's whole process (imports, reading, search_dates).
    def wall(command):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        return time.perf_counter() - start

    out = OUT / "speed-build.parquet"
    cli = [sys.executable, "-m", "explorer", "build", str(folder), "--out", str(out)]
    cli_before, peer_whole, cli_after = (wall(cli), wall([sys.executable, __file__, "--run", "peer", "--folder", str(folder)]),
                                         wall(cli))
    imports = wall([sys.executable, "-c", "import explorer.__main__"])
    mean = (cli_before + cli_after) / 2
    print(f"whole process: python -m explorer build {cli_before:.2f} s before, {cli_after:.2f} s after "
          f"(of which {imports:.2f} s is starting and importing); the peer's whole process {peer_whole:.2f} s; "
          f"ratio {peer_whole / mean:.1f}x")


if __name__ == "__main__":
    main()
