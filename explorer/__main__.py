"""Command line: `python -m explorer dates|build|actors ...` (see README).

Misuse is answered with one line on standard error and exit code 2; a file that
cannot be read is reported by name and the rest are built; Ctrl-C is one line,
"interrupted", and exit code 130.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import pandas as pd
from datetime import date
from pathlib import Path

from tqdm import tqdm

from . import corrections as fixes
from .actors import ActorIndex, load_actors, suggest
from .budget import STEPS_PER_CHARACTER
from .corpus import Problem, decode, file_kind, load_folders, plan_folders, read_file, safe_name
from .dates import find_dates
from .events import DocumentResult, check_output, map_document, table_of, write_table
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


def _folders(names) -> list[str]:
    folders = names or ["seeds"]
    for folder in folders:
        if not Path(folder).is_dir():
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


def _progress(desc):
    # tqdm(disable=None) stays quiet when stderr is not a terminal
    return lambda items, total=None: tqdm(items, desc=desc, unit="doc", disable=None, leave=False, total=total)


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
    plan = plan_folders(_folders(args.folders))
    for problem in plan.problems:
        _report(problem)
    skipped = any(p.skipped for p in plan.problems)
    rows, read, texts = [], 0, []
    work = functools.partial(_map_article, per_character=args.budget)
    processes = _processes(args.jobs, len(plan.articles))
    if processes > 1:  # the same function in worker processes; results come back in the plan's order
        with tqdm(desc="building", unit="doc", disable=None, leave=False, total=len(plan.articles)) as bar:
            results = _read_in_processes(work, plan.articles, processes, bar.update)
    else:
        results = list(_progress("building")(map(work, plan.articles), total=len(plan.articles)))
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


def _map_article(article, per_character: float):
    """One planned article, read from its path and mapped: what each engine runs per document."""
    try:
        data = read_file(article.path)
    except (OSError, ValueError) as exc:
        return _not_read(article.name, getattr(exc, "strerror", None) or str(exc))
    try:
        return map_document(article.name, data, {**article.meta, "doc_id": article.doc_id}, per_character=per_character)
    except MemoryError:  # over a memory limit (ulimit -v) in this process: this document, not the build
        return _not_read(article.name, "needs more memory than this process may take; not read")


def _not_read(name: str, reason: str) -> DocumentResult:
    return DocumentResult(name, problems=[Problem(name, reason)])


MAX_PROCESSES = 256  # what --jobs accepts


def _processes(jobs: int, documents: int) -> int:
    """Worker processes a build starts: as many as asked, but no more than there are documents
    to read or processors this process may run on (more would only wait, each holding memory)."""
    try:
        processors = len(os.sched_getaffinity(0))  # what a container or taskset allows, on Linux
    except AttributeError:
        processors = os.cpu_count() or 1
    return max(1, min(jobs, documents, processors))


def _read_in_processes(work, articles, processes: int, done) -> list[DocumentResult]:
    """`work` for each article in `processes` worker processes; the results in the articles'
    order (`done` is called as each arrives).

    A worker that dies (killed, out of memory, over a processor-time limit) breaks its whole
    pool without telling which document it was reading. The documents then in the pool are
    read again, each alone in a new process, and one whose process dies again is skipped by
    name; the rest go on in a new pool."""
    results: list = [None] * len(articles)
    waiting = deque(range(len(articles)))
    while waiting:
        for i in _run_pool(work, articles, waiting, results, processes, done):
            results[i] = _alone(work, articles[i])
            done()
    return results


def _run_pool(work, articles, waiting: deque, results: list, processes: int, done) -> list[int]:
    """Read articles from `waiting` into `results` until none wait or the pool breaks; the
    indices of the documents lost with it."""
    lost, broken = [], False
    with _pool(processes) as pool:
        submitted = {}
        while submitted or (waiting and not broken):
            # no more in the pool than twice its processes: all that may need reading again
            while waiting and not broken and len(submitted) < 2 * processes:
                i = waiting.popleft()
                try:
                    with _sigint_held():
                        submitted[pool.submit(work, articles[i])] = i
                except BrokenProcessPool:  # broke before this one went in: it waits for the next pool
                    waiting.appendleft(i)
                    broken = True
            finished, _ = wait(submitted, return_when=FIRST_COMPLETED)
            for future in finished:
                i = submitted.pop(future)
                try:
                    results[i] = future.result()
                    done()
                except BrokenProcessPool:
                    lost.append(i)
                    broken = True
    return sorted(lost)


def _alone(work, article) -> DocumentResult:
    """One article read in a process of its own: if that dies too, the article killed it."""
    with _pool(1) as pool:
        try:
            with _sigint_held():
                future = pool.submit(work, article)
            return future.result()
        except BrokenProcessPool:
            return _not_read(article.name, "its process was killed while reading it (out of memory, "
                                           "over a limit, or stopped from outside); not read")


@contextlib.contextmanager
def _pool(processes: int):
    """A process pool whose workers leave Ctrl-C to this process. On Ctrl-C (or any error)
    the workers are stopped at once rather than left to finish what is queued."""
    pool = ProcessPoolExecutor(processes, initializer=_ignore_sigint)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():  # the pool's workers: this process starts no others
            child.terminate()
        raise
    pool.shutdown()


_MASKS = hasattr(signal, "pthread_sigmask")


@contextlib.contextmanager
def _sigint_held():
    """Ctrl-C held back while a submit may start worker processes: they start with it blocked
    (a mask is inherited), so none reaches them before they ignore it. It reaches this
    process once released."""
    if _MASKS:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if _MASKS:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _ignore_sigint() -> None:
    """A worker's start: Ctrl-C, sent to every process of the terminal's group, is the parent's
    to handle (one line, exit 130); a worker that took it would print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _MASKS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


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
                            "processors (the table is the same; default 1)")
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
