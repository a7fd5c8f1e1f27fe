"""Reading a reader's file away from the page: in a worker process with hard limits.

`read_isolated` runs `events.map_document` on one file in a process of its own,
forked from a server process that has the engine loaded (multiprocessing's
"forkserver", so the web server's threads are never forked). The worker runs at
a lower priority and may use `MEMORY_LIMIT` bytes and `CPU_LIMIT` seconds of
processor time (work done, which does not depend on how busy the machine is:
the kernel stops it past that); a worker still alive after `TIME_LIMIT` seconds
of wall time (stuck, or starved) is killed, not waited for. Either way the file is
reported by name. At most `WORKERS` files are read at once across the whole
server, so one reader's uploads leave a core to everyone else. Everything the
parse allocated goes when the worker ends.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading

from .corpus import Problem
from .events import DocumentResult, map_document

CPU_LIMIT = 30  # seconds of processor time one file may take (the slowest 10 MB file we know takes 13)
TIME_LIMIT = 120.0  # seconds of wall time, the last resort
MEMORY_LIMIT = 1536 * 2**20  # bytes of heap one worker may take for a file
WORKERS = max(1, (os.cpu_count() or 2) - 1)
NICENESS = 10

_slots = threading.BoundedSemaphore(WORKERS)
_context = None
_context_lock = threading.Lock()


def _get_context():
    global _context
    with _context_lock:
        if _context is None:
            methods = multiprocessing.get_all_start_methods()
            _context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if "forkserver" in methods:
                _context.set_forkserver_preload(["explorer.events"])
        return _context


def _work(conn, name: str, data: bytes, meta: dict, per_character: float | None, cpu_limit: int,
          memory_limit: int) -> None:
    try:
        os.nice(NICENESS)
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


def read_isolated(name: str, data: bytes, meta: dict | None = None, time_limit: float = TIME_LIMIT,
                  per_character: float | None = None, cpu_limit: int = CPU_LIMIT,
                  memory_limit: int = MEMORY_LIMIT) -> DocumentResult:
    """`map_document(name, data, meta)`, run in a worker within the limits."""
    context = _get_context()
    with _slots:
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(target=_work, daemon=True,
                                 args=(sender, name, data, meta or {}, per_character, cpu_limit, memory_limit))
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
