"""Work a reader triggers, done away from the page: in a worker process with hard limits.

`run_isolated` hands one job (reading a file, laying out a session's table, finding
names) to a reader process: a clean interpreter started as `python -m explorer.workers`,
with the engine loaded once. For each job it forks a worker (the reader process is
single-threaded, so forking is safe) that runs the job's function at a lower priority
and may use `MEMORY_LIMIT` bytes and `CPU_LIMIT` seconds of processor time (work done,
which does not depend on how busy the machine is: the kernel stops it past that); a
worker still alive after `TIME_LIMIT` seconds of wall time (stuck, or starved) is killed,
not waited for. Either way the failure is reported in words. Everything the job
allocated goes when the worker ends.

There are `WORKERS` reader processes, and the slots to them are handed out first come,
first served: a reader whose 25 files are being read one by one gets the slot back only
after a reader who asked meanwhile has had it, so a small upload never waits behind
another reader's whole batch, only behind the one job being done. `WORKERS` and
`MEMORY_LIMIT` together stay within `POOL_MEMORY`, whatever the number of processors the
host reports (Streamlit Community Cloud reports many and allows 2.7 GB in all).

Why not multiprocessing straight from the web server: it would start each
worker by running the server's main script again, and under Streamlit that is
the page itself (`__main__` is `streamlit_app.py`).
"""

from __future__ import annotations

import collections
import errno
import importlib
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
import traceback

from .corpus import Problem
from .events import DocumentResult

CPU_LIMIT = 30  # seconds of processor time one job may take (the slowest 10 MB file we know takes 13)
TIME_LIMIT = 120.0  # seconds of wall time, the last resort
POOL_MEMORY = 1536 * 2**20  # bytes of heap all workers together may take: with the server, within 2.7 GB
MAX_WORKERS = 2  # more would only divide POOL_MEMORY into pieces too small for a large file


def pool_size(cpus: int | None) -> tuple[int, int]:
    """How many workers, and the heap each may take, on a host reporting `cpus` processors:
    one core left to the server, and together never more than `POOL_MEMORY`."""
    workers = max(1, min(MAX_WORKERS, (cpus or 2) - 1))
    return workers, POOL_MEMORY // workers


WORKERS, MEMORY_LIMIT = pool_size(os.cpu_count())
NICENESS = 10
REPLY_GRACE = 30.0  # seconds a reader process may take beyond a job's wall time to answer

# A worker is forked and does one job on one core: numerical libraries start no thread pools,
# and the allocator keeps few arenas (each thread's arena reserves 64 MB of address space,
# which the memory limit, RLIMIT_DATA, counts as if it were used).
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "MALLOC_ARENA_MAX": "2"}
# What a job may import late (grouping loads SciPy): loaded once in the reader process,
# so a worker's memory limit is spent on the job, not on mapping libraries.
PRELOAD = ("explorer.happenings", "scipy.sparse")
# The jobs a reader process runs, by name: nothing else can be asked of it.
JOBS = {
    "read": ("explorer.events", "map_document"),
    "session_table": ("explorer.uploads", "session_table"),
    "suggest": ("explorer.uploads", "suggested_names"),
}


class WorkFailed(Exception):
    """A job stopped by its limits, or lost with its worker: `kind` is time, cpu, memory or
    lost, `limit` the limit it passed; `reason` says it in words."""

    def __init__(self, kind: str, limit: float = 0):
        super().__init__(kind, limit)
        self.kind, self.limit = kind, limit

    def reason(self, verb: str = "do", being: str = "being done") -> str:
        return {"time": f"was still {being} after {self.limit:g} s; stopped",
                "cpu": f"needs more than {self.limit:g} s of processor time to {verb}; stopped",
                "memory": f"needs more than {self.limit / 2**30:.1f} GB of memory to {verb}; skipped",
                "lost": f"stopped while {being} (it may need more memory than it may use)",
                "restarted": f"stopped while {being}; the reader was restarted",
                "error": f"failed while {being} (an error of ours, logged on the server)"}[self.kind]

    def __str__(self) -> str:
        return self.reason()


class FairSlots:
    """`count` slots handed out in the order they were asked for. A thread that gives a slot
    back while others wait hands it to the first of them, so it cannot take it straight back
    (as it could from a plain semaphore) and keep it through a whole batch."""

    def __init__(self, count: int):
        self._lock = threading.Lock()
        self._free = count
        self._waiting: collections.deque[threading.Event] = collections.deque()

    def acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # set by `release`, which passed its slot on to this thread

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


_slots = FairSlots(WORKERS)
_idle: queue.SimpleQueue = queue.SimpleQueue()


def run_isolated(job: str, *args, time_limit: float = TIME_LIMIT, cpu_limit: int = CPU_LIMIT,
                 memory_limit: int = MEMORY_LIMIT, **kwargs):
    """`JOBS[job](*args, **kwargs)` run in a worker within the limits; `WorkFailed` if stopped."""
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    request = (job, args, kwargs, cpu_limit, memory_limit, time_limit)
    with _slots:
        reader = _take_reader()
        try:
            status, value = reader.ask(request, time_limit + REPLY_GRACE)
        except (EOFError, OSError, pickle.UnpicklingError, TimeoutError):
            reader.stop()
            raise WorkFailed("restarted") from None
        _idle.put(reader)
    if status == "failed":
        raise WorkFailed(*value)
    return value


def read_isolated(name: str, data: bytes, meta: dict | None = None, time_limit: float = TIME_LIMIT,
                  per_character: float | None = None, cpu_limit: int = CPU_LIMIT,
                  memory_limit: int = MEMORY_LIMIT) -> DocumentResult:
    """`map_document(name, data, meta)`, run in a worker within the limits; a file stopped
    by them is a result with the reason, by name."""
    kwargs = {} if per_character is None else {"per_character": per_character}
    try:
        return run_isolated("read", name, data, meta or {}, time_limit=time_limit, cpu_limit=cpu_limit,
                            memory_limit=memory_limit, **kwargs)
    except WorkFailed as failed:
        return DocumentResult(name, problems=[Problem(name, failed.reason("read", "being read"))])


class _Reader:
    """One reader process and the pipes to it."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "explorer.workers"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), env={**os.environ, **SINGLE_THREADED})

    def ask(self, request: tuple, seconds: float):
        pickle.dump(request, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
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
    """Answer each request on stdin with ("done", value) or ("failed", (kind, limit)) on stdout,
    until stdin closes."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot corrupt the replies
    requests = sys.stdin.buffer
    os.nice(NICENESS)
    for module in sorted({m for m, _ in JOBS.values()} | set(PRELOAD)):
        importlib.import_module(module)  # loaded once here, not in every forked worker
    fork = multiprocessing.get_context("fork")
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        pickle.dump(_run_in_worker(fork, *request), replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


def _run_in_worker(fork, job: str, args: tuple, kwargs: dict, cpu_limit: int, memory_limit: int,
                   time_limit: float) -> tuple[str, object]:
    receiver, sender = fork.Pipe(duplex=False)
    worker = fork.Process(target=_work, daemon=True, args=(sender, job, args, kwargs, cpu_limit, memory_limit))
    worker.start()
    sender.close()
    try:
        if receiver.poll(time_limit):
            return receiver.recv()
        return "failed", ("time", time_limit)
    except (EOFError, OSError):
        worker.join(5)
        if worker.exitcode == -signal.SIGXCPU:
            return "failed", ("cpu", cpu_limit)
        return "failed", ("lost", 0)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()


def _work(conn, job: str, args: tuple, kwargs: dict, cpu_limit: int, memory_limit: int) -> None:
    try:
        limit = _data_bytes() + memory_limit  # beyond what the worker holds already (the libraries)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = int(usage.ru_utime + usage.ru_stime) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (used + cpu_limit, used + cpu_limit + 1))
    except (OSError, ValueError):
        pass  # a platform without these: the wall-time limit still holds
    module, function = JOBS[job]
    try:
        reply = "done", getattr(importlib.import_module(module), function)(*args, **kwargs)
    except MemoryError:
        reply = "failed", ("memory", memory_limit)
    except (ImportError, OSError) as exc:  # a library loaded late that the memory limit left no room to map
        traceback.print_exc()
        mapped = "map" in str(exc) or getattr(exc, "errno", None) == errno.ENOMEM
        reply = "failed", (("memory", memory_limit) if mapped else ("error", 0))
    except Exception:  # a bug: its traceback goes to the server's log, the page says the job failed
        traceback.print_exc()
        reply = "failed", ("error", 0)
    try:
        conn.send(reply)
    except MemoryError:  # the reply itself did not fit
        conn.send(("failed", ("memory", memory_limit)))
    conn.close()


def _data_bytes() -> int:
    """The process's data segment and private mappings now (Linux), or 0."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmData:"))
    except (OSError, StopIteration, ValueError):
        return 0


if __name__ == "__main__":
    serve()
