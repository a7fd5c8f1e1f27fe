"""Command line: `python -m explorer dates|build|actors ...` (see README).

Misuse is answered with one line on standard error and exit code 2; a file that
cannot be read is reported by name and the rest are built; Ctrl-C is one line,
"interrupted", and exit code 130.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import stat
import sys
import tempfile

import pandas as pd
from datetime import date
from pathlib import Path

from tqdm import tqdm

from . import corrections as fixes
from .actors import ActorIndex, load_actors, suggest
from .budget import STEPS_PER_CHARACTER
from .corpus import decode, file_kind, load_folders, read_file, safe_name
from .dates import find_dates
from . import engines
from .engines import map_article
from .engines.local import MAX_PROCESSES
from .events import check_output, table_of, write_table
from .happening_view import view
# The grouping's SciPy, loaded first: late, under a tight address-space limit, its libraries
# could no longer be mapped.
from .happenings import with_happenings  # noqa: F401

# The tagger's public contract: these keys, in this order, on every line.
DATE_KEYS = ("text", "start", "end", "type", "timex", "date_start", "date_end", "granularity")
EXTRA_KEYS = ("relation", "mod", "rule", "cue")

EXAMPLES = """examples:
  echo "Since August 2020, sanctions were imposed." | python -m explorer dates --reference 2022-01-28
  python -m explorer build seeds/ --out data/events.csv
  python -m explorer build my-articles/ more-articles/ --out big.parquet --strict
  python -m explorer build seeds/ --out events.csv --happenings happenings.csv
  python -m explorer actors suggest seeds/
"""


class Misuse(Exception):
    """What the user asked for cannot be done; the message says why, in one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _reference(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a YYYY-MM-DD date") from None


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r}: the budget must be a number of steps above 0")
    return number


def _folders(names, remote=lambda folder: False) -> list[str]:
    """The folders asked for (the seeds by default), each checked to be one; `remote(folder)`
    tells one the engine lists itself (an address Spark reads)."""
    folders = names or ["seeds"]
    for folder in folders:
        if not remote(folder) and not Path(folder).is_dir():
            raise Misuse(f"{folder}: not a folder")
    return folders


def _a_file(path: str) -> str:
    """`path` when it names a regular file. Anything else is refused without opening it:
    reading a named pipe would wait forever, a device might never end."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise Misuse(f"{path}: no such file") from None
    except OSError as exc:
        raise Misuse(f"{path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise Misuse(f"{path}: a folder, not a file")
    if not stat.S_ISREG(mode):
        raise Misuse(f"{path}: {file_kind(mode)}, not a file")
    return path


def _output(path: str) -> Path:
    """Where a table will be written, checked before any work: its format, and that this user
    can write a regular file there, by trying (permission bits do not tell: root may write
    anywhere they allow, yet /proc or a read-only mount takes no file). An existing file is
    opened to append, which changes nothing; a new one is tried as a temporary file beside
    it. A named pipe is refused without opening it (writing would wait for a reader)."""
    out = check_output(path)
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise Misuse(f"cannot write {out}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise Misuse(f"cannot write {out}: it is {file_kind(mode)}, not a file")
    folder = out.parent
    while not folder.exists() and folder != folder.parent:  # folders still to make: the first that is
        folder = folder.parent
    try:
        if mode is None:
            tempfile.TemporaryFile(dir=folder).close()
        else:
            open(out, "ab").close()
    except OSError as exc:
        where = f"{folder} takes no new file" if mode is None else "it cannot be written"
        raise Misuse(f"cannot write {out}: {where} ({exc.strerror or exc})") from None
    return out


def cmd_dates(args) -> int:
    if args.file:
        try:
            data = read_file(_a_file(args.file))
        except FileNotFoundError:
            raise Misuse(f"{args.file}: no such file") from None
        except IsADirectoryError:
            raise Misuse(f"{args.file}: a folder, not a file") from None
        except ValueError as exc:  # too large, or no longer a regular file when opened
            raise Misuse(f"{args.file}: {exc}") from None
        text, _ = decode(data)
    else:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    for expr in find_dates(text, args.reference):
        row = expr.as_json()
        print(json.dumps({k: row[k] for k in DATE_KEYS + EXTRA_KEYS}, ensure_ascii=False))
    return 0


def _whole(what: str, most: int):
    """An argument type: a whole number from 1 to `most`."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if not 1 <= number <= most:
            raise argparse.ArgumentTypeError(f"{value!r}: {what} must be a whole number from 1 to {most:,}")
        return number
    return parse


def cmd_build(args) -> int:
    out = _output(args.out)  # before any work
    happenings_out = _output(args.happenings) if args.happenings else None
    texts_out = _output(args.texts) if args.texts else None
    corrections = None
    if args.corrections:
        try:  # a file that is no corrections file stops the build before any work; a bad line is reported
            corrections, problems = fixes.load_file(args.corrections)
        except fixes.NotCorrections as exc:
            raise Misuse(str(exc)) from None
        for problem in problems:
            _report(problem)
    try:
        mapper = engines.engine(args.engine)
    except ImportError as exc:
        raise Misuse(f"the {args.engine} engine needs its extra: pip install \"timeline-explorer[{args.engine}]\" "
                     f"({exc})") from None
    try:  # a session an engine started for this build ends with it, however it ends
        plan = mapper.plan_folders(_folders(args.folders, mapper.is_remote), args.jobs)
        for problem in plan.problems:
            _report(problem)
        skipped = any(p.skipped for p in plan.problems)
        rows, read, texts = [], 0, []
        work = functools.partial(map_article, per_character=args.budget)
        # the same function per document whatever the engine; results come back in the plan's order
        with tqdm(desc="building", unit="doc", disable=None, leave=False, total=len(plan.articles)) as bar:
            results = mapper.map_articles(work, plan.articles, args.jobs, bar.update)
    finally:
        mapper.close()
    for result in results:
        for repair in result.repairs:
            print(f"repaired {result.name}: {repair}", file=sys.stderr)
        for problem in result.problems:
            _report(problem)
        skipped = skipped or result.skipped
        read += not result.skipped
        rows += result.rows
        if texts_out and not result.skipped:
            texts.append((result.doc_id, result.title, result.text))
    if not read:
        print("error: no document could be read", file=sys.stderr)
        return 1
    table, unused = table_of(rows, corrections)
    for problem in unused:
        _report(problem)
    write_table(table, out)
    print(f"{len(table)} events from {read} documents -> {out}", file=sys.stderr)
    if texts_out:
        write_table(pd.DataFrame(texts, columns=["doc_id", "title", "text"]), texts_out)
        print(f"{len(texts)} texts -> {texts_out}", file=sys.stderr)
    if happenings_out:
        happenings = view(table)
        write_table(happenings, happenings_out)
        print(f"{len(happenings)} happenings -> {happenings_out}", file=sys.stderr)
    return 1 if args.strict and skipped else 0


def _report(problem) -> None:
    print(f"{'skipped' if problem.skipped else 'note'} {problem}", file=sys.stderr)


def cmd_actors_suggest(args) -> int:
    folders = _folders(args.folders)
    if args.actors:
        try:
            actors = load_actors(_a_file(args.actors))
        except FileNotFoundError:
            raise Misuse(f"{args.actors}: no such file") from None
        except (KeyError, UnicodeDecodeError, IsADirectoryError):
            raise Misuse(f"{args.actors}: not an actor list (a UTF-8 CSV with the columns name, kind, aliases)") from None
    else:
        actors = load_actors()
    corpus = load_folders(folders)
    rows = suggest(corpus.documents, ActorIndex(actors), limit=args.limit)
    print("count\tname\texample passage")
    for name, count, example in rows:
        print(f"{count}\t{safe_name(name)}\t{' '.join(example[:160].split())}")
    return 0


def parser() -> Parser:
    top = Parser(prog="python -m explorer", description="Timeline Explorer: dated statements in news articles.",
                 epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, metavar="{dates,build,actors}")

    dates = sub.add_parser("dates", help="print the temporal expressions of a text as JSON Lines",
                           epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    dates.add_argument("--reference", type=_reference, default=None,
                       help="publication date YYYY-MM-DD that relative dates resolve against")
    dates.add_argument("file", nargs="?", help="text file (default: standard input)")
    dates.set_defaults(run=cmd_dates)

    build = sub.add_parser("build", help="build the events table from folders of articles",
                           epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("folders", nargs="*", help="folders of .txt/.md/.html files (default: seeds/)")
    build.add_argument("--out", required=True, help="output file: .csv, .json or .parquet")
    build.add_argument("--happenings", metavar="PATH",
                       help="also write one row a happening (.csv, .json or .parquet; README, 'Happenings')")
    build.add_argument("--texts", metavar="PATH",
                       help="also write each document's cleaned text (doc_id, name, text), for the page's article view")
    build.add_argument("--corrections", metavar="FILE",
                       help="apply a reader's corrections (the page's corrections.csv; README, 'Corrections')")
    build.add_argument("--jobs", type=_whole("the number of processes", MAX_PROCESSES), default=1, metavar="N",
                       help="read the documents in up to N processes, no more than there are documents or "
                            "processors (the table is the same; default 1); with --engine spark, at least "
                            "N partitions")
    build.add_argument("--engine", choices=engines.ENGINES, default="local",
                       help="what reads the documents: this machine (local, the default) or Spark (spark: the "
                            "running Spark session, else a local one; pip install \"timeline-explorer[spark]\"). "
                            "The table is the same (README, 'Past one machine')")
    build.add_argument("--strict", action="store_true", help="exit non-zero when any file was skipped")
    build.add_argument("--budget", type=_positive, default=STEPS_PER_CHARACTER, metavar="STEPS",
                       help="steps of work a document may take per byte of its file before it is skipped "
                            f"(default {STEPS_PER_CHARACTER}; README, 'Bounded work')")
    build.set_defaults(run=cmd_build)

    actors = sub.add_parser("actors", help="the actor list")
    actors_sub = actors.add_subparsers(dest="actors_command", metavar="{suggest}")
    actors.set_defaults(run=lambda args: actors.print_help(sys.stderr) or 2)
    sug = actors_sub.add_parser("suggest", help="capitalised names in the corpus that the actor list lacks")
    sug.add_argument("folders", nargs="*", help="folders of articles (default: seeds/)")
    sug.add_argument("--actors", help="actor list CSV (default: the packaged data/actors.csv)")
    sug.add_argument("--limit", type=_whole("the number of names", 100_000), default=50)
    sug.set_defaults(run=cmd_actors_suggest)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except Misuse as exc:
        print(f"python -m explorer: error: {exc}", file=sys.stderr)
        return 2
    except engines.EngineError as exc:
        print(f"python -m explorer: error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:  # numpy's _ArrayMemoryError is one too: the whole corpus did not fit
        print("python -m explorer: error: out of memory while making the table of the whole corpus; nothing "
              "was written: build fewer documents at a time, or give the process more memory", file=sys.stderr)
        return 1
    except ValueError as exc:  # an output path that cannot be written, told before any work
        print(f"python -m explorer: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"python -m explorer: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("python -m explorer: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
