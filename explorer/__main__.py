"""Command line: `python -m explorer dates|build ...` (see README)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from tqdm import tqdm

from .actors import ActorIndex, load_actors, suggest
from .corpus import load_folders
from .dates import find_dates
from .events import DOCUMENT_BUDGET, build_table, write_table

# The tagger's public contract: these keys, in this order, on every line.
DATE_KEYS = ("text", "start", "end", "type", "timex", "date_start", "date_end", "granularity")
EXTRA_KEYS = ("relation", "mod", "rule")


def _reference(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a YYYY-MM-DD date") from None


def cmd_dates(args) -> int:
    text = Path(args.file).read_text(encoding="utf-8") if args.file else sys.stdin.read()
    for expr in find_dates(text, args.reference):
        row = expr.as_json()
        print(json.dumps({k: row[k] for k in DATE_KEYS + EXTRA_KEYS}, ensure_ascii=False))
    return 0


def _progress(desc):
    # tqdm(disable=None) stays quiet when stderr is not a terminal
    return lambda items: tqdm(items, desc=desc, unit="doc", disable=None, leave=False)


def cmd_build(args) -> int:
    folders = args.folders or ["seeds"]
    for folder in folders:
        if not Path(folder).is_dir():
            print(f"error: {folder}: not a folder", file=sys.stderr)
            return 2
    corpus = load_folders(folders, progress=_progress("reading"))
    for problem in corpus.problems:
        print(f"{'skipped' if problem.skipped else 'note'} {problem}", file=sys.stderr)
    for doc in corpus.documents:
        for repair in doc.repairs:
            print(f"repaired {doc.name}: {repair}", file=sys.stderr)
    if not corpus.documents:
        print("error: no document could be read", file=sys.stderr)
        return 1
    table, slow = build_table(corpus.documents, progress=_progress("dating"), budget=args.budget)
    for problem in slow:
        print(f"skipped {problem}", file=sys.stderr)
    corpus.problems.extend(slow)
    write_table(table, args.out)
    print(f"{len(table)} events from {len(corpus.documents) - len(slow)} documents -> {args.out}", file=sys.stderr)
    return 1 if args.strict and any(p.skipped for p in corpus.problems) else 0


def cmd_actors_suggest(args) -> int:
    corpus = load_folders(args.folders or ["seeds"])
    index = ActorIndex(load_actors(args.actors) if args.actors else load_actors())
    rows = suggest(corpus.documents, index, limit=args.limit)
    print("count\tname\texample passage")
    for name, count, example in rows:
        print(f"{count}\t{name}\t{example[:160]}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer", description="Timeline Explorer")
    sub = parser.add_subparsers(dest="command", required=True)

    dates = sub.add_parser("dates", help="print the temporal expressions of a text as JSON Lines")
    dates.add_argument("--reference", type=_reference, default=None,
                       help="publication date YYYY-MM-DD that relative dates resolve against")
    dates.add_argument("file", nargs="?", help="text file (default: standard input)")
    dates.set_defaults(run=cmd_dates)

    build = sub.add_parser("build", help="build the events table from folders of articles")
    build.add_argument("folders", nargs="*", help="folders of .txt/.md/.html files (default: seeds/)")
    build.add_argument("--out", required=True, help="output file: .csv, .json or .parquet")
    build.add_argument("--strict", action="store_true", help="exit non-zero when any file was skipped")
    build.add_argument("--budget", type=float, default=DOCUMENT_BUDGET,
                       help=f"seconds one document may take to date before it is skipped (default {DOCUMENT_BUDGET:g})")
    build.set_defaults(run=cmd_build)

    actors = sub.add_parser("actors", help="the actor list")
    actors_sub = actors.add_subparsers(dest="actors_command", required=True)
    sug = actors_sub.add_parser("suggest", help="capitalised names in the corpus that the actor list lacks")
    sug.add_argument("folders", nargs="*", help="folders of articles (default: seeds/)")
    sug.add_argument("--actors", help="actor list CSV (default: data/actors.csv)")
    sug.add_argument("--limit", type=int, default=50)
    sug.set_defaults(run=cmd_actors_suggest)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
