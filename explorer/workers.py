"""Reading a reader's file away from the page: in a worker process with hard limits.

`read_isolated` hands one file to a reader process: a clean interpreter started
as `python -m explorer.workers`, with the engine loaded once. For each file it
forks a worker (it is single-threaded, so forking is safe) that runs
`events.map_document` at a lower priority and may use `MEMORY_LIMIT` bytes and
`CPU_LIMIT` seconds of processor time (work done, which does not depend on how
busy the machine is: the kernel stops it past that); a worker still alive after
`TIME_LIMIT` seconds of wall time (stuck, or starved) is killed, not waited for.
Either way the file is reported by name. Everything the parse allocated goes
when the worker ends. There are `WORKERS` reader processes, each reading one
file at a time, so one reader's uploads leave a core to everyone else.

Why not multiprocessing straight from the web server: it would start each
worker by running the server's main script again, and under Streamlit that is
the page itself (`__main__` is `streamlit_app.py`).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import resource
import select
import signal
import subprocess
import sys
import threading

from .corpus import Problem
from .events import DocumentResult, map_document

CPU_LIMIT = 30  # seconds of processor time one file may take (the slowest 10 MB file we know takes 13)
TIME_LIMIT = 120.0  # seconds of wall time, the last resort
MEMORY_LIMIT = 1536 * 2**20  # bytes of heap one worker may take for a file
WORKERS = max(1, (os.cpu_count() or 2) - 1)
NICENESS = 10
REPLY_GRACE = 30.0  # seconds a reader process may take beyond a file's wall time to answer

_slots = threading.BoundedSemaphore(WORKERS)
_idle: queue.SimpleQueue = queue.SimpleQueue()


def read_isolated(name: str, data: bytes, meta: dict | None = None, time_limit: float = TIME_LIMIT,
                  per_character: float | None = None, cpu_limit: int = CPU_LIMIT,
                  memory_limit: int = MEMORY_LIMIT) -> DocumentResult:
    """`map_document(name, data, meta)`, run in a worker within the limits."""
    job = (name, data, meta or {}, per_character, cpu_limit, memory_limit, time_limit)
    with _slots:
        reader = _take_reader()
        try:
            result = reader.ask(job, time_limit + REPLY_GRACE)
        except (EOFError, OSError, pickle.UnpicklingError, TimeoutError):
            reader.stop()
            return _failed(name, "stopped while being read; the reader was restarted")
        _idle.put(reader)
        return result


class _Reader:
    """One reader process and the pipes to it."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "explorer.workers"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    def ask(self, job: tuple, seconds: float) -> DocumentResult:
        pickle.dump(job, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        if not ready:
            raise TimeoutError
        return pickle.load(self.process.stdout)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()


def _take_reader() -> _Reader:
    while True:
        try:
            reader = _idle.get_nowait()
        except queue.Empty:
            return _Reader()
        if reader.alive():
            return reader
        reader.stop()


# --- the reader process -------------------------------------------------------------------------

def serve() -> None:
    """Answer each job on stdin with its result on stdout, until stdin closes."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot corrupt the replies
    jobs = sys.stdin.buffer
    os.nice(NICENESS)
    fork = multiprocessing.get_context("fork")
    while True:
        try:
            job = pickle.load(jobs)
        except EOFError:
            return
        pickle.dump(_read_in_worker(fork, *job), replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


def _read_in_worker(fork, name: str, data: bytes, meta: dict, per_character: float | None, cpu_limit: int,
                    memory_limit: int, time_limit: float) -> DocumentResult:
    receiver, sender = fork.Pipe(duplex=False)
    worker = fork.Process(target=_work, daemon=True,
                          args=(sender, name, data, meta, per_character, cpu_limit, memory_limit))
    worker.start()
    sender.close()
    try:
        if receiver.poll(time_limit):
            return receiver.recv()
        return _failed(name, f"was still being read after {time_limit:g} s; stopped")
    except (EOFError, OSError):
        worker.join(5)
        if worker.exitcode == -signal.SIGXCPU:
            return _failed(name, f"needs more than {cpu_limit} s of processor time to read; stopped")
        return _failed(name, "stopped while being read (it may need more memory than a document may use)")
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()


def _work(conn, name: str, data: bytes, meta: dict, per_character: float | None, cpu_limit: int,
          memory_limit: int) -> None:
    try:
        limit = _data_bytes() + memory_limit  # beyond what the worker holds already (the libraries)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = int(usage.ru_utime + usage.ru_stime) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (used + cpu_limit, used + cpu_limit + 1))
    except (OSError, ValueError):
        pass  # a platform without these: the wall-time limit still holds
    try:
        kwargs = {} if per_character is None else {"per_character": per_character}
        result = map_document(name, data, meta, **kwargs)
    except MemoryError:
        result = _failed(name, f"needs more than {memory_limit / 2**30:.1f} GB of memory to read; skipped")
    conn.send(result)
    conn.close()


def _data_bytes() -> int:
    """The process's data segment and private mappings now (Linux), or 0."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmData:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _failed(name: str, reason: str) -> DocumentResult:
    return DocumentResult(name, problems=[Problem(name, reason)])


if __name__ == "__main__":
    serve()
