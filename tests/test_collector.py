"""The collector gives back what only the cycle collector can free, with nobody's script running."""

import gc
import os
import sys
import time
import weakref

import pytest

from explorer.collector import collect_every


class Session:
    """Stands for a closed reader session: data reachable only through a reference cycle."""


def test_a_closed_sessions_cycle_is_collected_without_a_script_run():
    import threading

    from explorer.collector import Collector

    for other in threading.enumerate():  # the page's own, started by the AppTests in this process
        if isinstance(other, Collector):
            other.stop()
            other.join()
    gc.disable()  # as on an idle server: no allocations, so no automatic collection
    try:
        session = Session()
        session.me = session
        session.upload = bytearray(10 * 2**20)
        gone = weakref.ref(session)
        del session
        time.sleep(0.3)
        assert gone() is not None  # nothing but a collection frees a cycle
        collector = collect_every(0.05)
        try:
            deadline = time.monotonic() + 5
            while gone() is not None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert gone() is None
        finally:
            collector.stop()
    finally:
        gc.enable()


def resident() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim and /proc are Linux's")
def test_freed_heap_pages_go_back_to_the_system():
    chunks = [bytearray(1000) for _ in range(100_000)]  # about 100 MB on the C heap, not Python's arenas
    kept = chunks[::64]  # a few live ones, so the heap cannot simply shrink from its top
    del chunks
    held = resident()
    collector = collect_every(0.05)
    try:
        deadline = time.monotonic() + 5
        while resident() > held - 50 * 2**20 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert resident() < held - 50 * 2**20
    finally:
        collector.stop()
    assert len(kept) == 1563


def test_it_stops_when_told():
    collector = collect_every(0.01)
    assert collector.is_alive()
    collector.stop()
    collector.join(5)
    assert not collector.is_alive()
