"""The local engine: the documents read in this process, or in `jobs` worker processes
that die alone (a document that kills its worker is skipped by name, the rest read on)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..corpus import Plan, plan_folders as _plan_folders
from ..events import DocumentResult
from . import not_read


def is_remote(folder) -> bool:
    """Every folder is this machine's."""
    return False


def close() -> None:
    """Nothing outlives a local build."""


def plan_folders(folders, jobs: int = 1) -> Plan:
    """The folders of this machine's file system, planned."""
    return _plan_folders(folders)


def map_articles(work, articles, jobs: int = 1, done=lambda: None) -> list[DocumentResult]:
    """`work` of each article, in the articles' order: here, or in up to `jobs` processes."""
    processes = _processes(jobs, len(articles))
    if processes > 1:
        return _read_in_processes(work, articles, processes, done)
    results = []
    for article in articles:
        results.append(work(article))
        done()
    return results


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
            return not_read(article.name, "its process was killed while reading it (out of memory, "
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
