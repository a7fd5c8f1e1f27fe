"""Full garbage collections on a timer, so a closed reader session's data goes back.

Streamlit holds a reader's session in reference cycles (the session, its script
runner and their callbacks point at each other), so when a session ends, its data,
uploads included, waits for Python's cycle collector. Streamlit runs a full collection
after every script run; a server nobody is using runs none, and the page freezes its
shared data out of the collector's view (`gc.freeze`), so the automatic thresholds are
rarely reached. After collecting, glibc's `malloc_trim` hands the freed heap pages back
to the system, which the allocator otherwise keeps for the process. Measured on the real
server (`bench/page.py --upload-only`): without these, the memory of a closed session
that read a 10 MB upload stayed held.
"""

from __future__ import annotations

import ctypes
import gc
import threading

EVERY = 10.0  # seconds between collections: a full one over the unfrozen heap takes milliseconds


class Collector(threading.Thread):
    """A daemon thread running `gc.collect()` every `seconds` until stopped."""

    def __init__(self, seconds: float):
        super().__init__(name="collector", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        give_back = _malloc_trim()
        while not self.stopped.wait(self.seconds):
            gc.collect()
            give_back(0)

    def stop(self) -> None:
        self.stopped.set()


def collect_every(seconds: float = EVERY) -> Collector:
    """Start collecting every `seconds`."""
    collector = Collector(seconds)
    collector.start()
    return collector


def _malloc_trim():
    """glibc's malloc_trim, or a stand-in that does nothing where there is none."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda pad: None
