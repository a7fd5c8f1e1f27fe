"""Reading a file in a worker process: the result is the one of the same function run here,
and each limit stops a file, with its name, without stopping anything else."""

import os
import subprocess
import sys
from pathlib import Path

from explorer import workers
from explorer.events import map_document

from .hostile_shapes import PUBLISHED, SHAPES

GOOD = b"Raid\nPolice came on 28 October 2020, the prosecutor said."


def test_a_worker_gives_what_the_function_gives_here():
    meta = {"published": PUBLISHED, "doc_id": "raid"}
    there = workers.read_isolated("raid.txt", GOOD, meta)
    here = map_document("raid.txt", GOOD, meta)
    assert there.rows == here.rows and there.problems == here.problems and len(there.rows) == 1


def test_a_file_still_being_read_past_the_wall_time_is_stopped():
    _, data = SHAPES["ordinary article"](200)  # about a second of work
    result = workers.read_isolated("slow.txt", data, {"published": PUBLISHED}, time_limit=0.05)
    assert [p.reason for p in result.problems] == ["was still being read after 0.05 s; stopped"] and not result.rows


def test_a_file_needing_more_processor_time_than_allowed_is_stopped():
    _, data = SHAPES["month names in one sentence"](400)  # about four seconds of processor time
    result = workers.read_isolated("months.txt", data, {"published": PUBLISHED}, cpu_limit=1)
    assert [p.reason for p in result.problems] == ["needs more than 1 s of processor time to read; stopped"]


def test_a_file_needing_more_memory_than_allowed_is_skipped():
    _, data = SHAPES["ordinary article"](400)
    result = workers.read_isolated("big.txt", data, {"published": PUBLISHED}, memory_limit=20 * 2**20)
    assert result.skipped and "of memory" in result.problems[0].reason and not result.rows
    after = workers.read_isolated("raid.txt", GOOD, {"published": PUBLISHED})  # the next file is read as usual
    assert len(after.rows) == 1


def test_a_worker_never_runs_the_callers_main_script(tmp_path):
    """Under Streamlit the main script is the page: a worker started by re-running it
    would lay out the page (and read the seed corpus) again for every upload."""
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(
        "import pathlib, sys\n"
        f"if __name__ != '__main__':\n    pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "else:\n"
        "    from explorer import workers\n"
        f"    print(len(workers.read_isolated('raid.txt', {GOOD!r}, {{'published': {PUBLISHED!r}}}).rows))\n")
    root = str(Path(__file__).resolve().parents[1])  # importable whether or not the package is installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip() == "1", done.stderr
    assert not marker.exists()



def test_the_pool_fits_a_small_host_whatever_it_reports():
    for cpus in (None, 1, 2, 4, 64, 256):
        count, each = workers.pool_size(cpus)
        assert 1 <= count <= workers.MAX_WORKERS and count * each <= workers.POOL_MEMORY
    assert workers.POOL_MEMORY + 700 * 2**20 <= 2.7 * 2**30  # with the server's own, within Community Cloud's 2.7 GB


def test_slots_go_in_the_order_asked_and_a_batch_cannot_keep_one():
    """Reader A reads file after file; reader B asks once, while A holds the only slot.
    B gets it as soon as A gives it back, before A's next file."""
    import threading

    slots = workers.FairSlots(1)
    order, b_waiting = [], threading.Event()
    slots.acquire()  # A's first file

    def reader_b():
        b_waiting.set()
        with slots:
            order.append("B")

    b = threading.Thread(target=reader_b)
    b.start()
    b_waiting.wait()
    import time

    time.sleep(0.2)  # B is queued
    slots.release()  # A's first file is done ...
    with slots:  # ... and A asks at once for its second
        order.append("A")
    b.join(5)
    assert order == ["B", "A"]


def test_a_session_table_laid_out_in_a_worker_is_the_one_laid_out_here(seed_table):
    from explorer.uploads import session_table

    rows = map_document("raid.txt", GOOD, {"published": PUBLISHED, "doc_id": "raid"}).rows
    there, notes_there = workers.run_isolated("session_table", seed_table, rows)
    here, notes_here = session_table(seed_table, rows)
    assert there.equals(here) and notes_there == notes_here and len(there) == len(seed_table) + 1


def test_a_job_past_its_memory_is_stopped_in_words(seed_table):
    import pytest

    import queue

    # a fresh reader process: one that unpickled large requests before (the suite's uploads)
    # holds freed heap its forked worker may fill without asking for more memory
    while True:
        try:
            workers._idle.get_nowait().stop()
        except queue.Empty:
            break
    # rows enough that no heap the reader process freed before can hold them within the limit
    _, data = SHAPES["ordinary article"](400)
    rows = map_document("big.txt", data, {"published": PUBLISHED, "doc_id": "big"}).rows
    with pytest.raises(workers.WorkFailed) as stopped:
        workers.run_isolated("session_table", seed_table, rows, memory_limit=4 * 2**20)
    assert "of memory" in stopped.value.reason() or "stopped while" in stopped.value.reason()
    assert len(workers.run_isolated("session_table", seed_table, [])[0]) == len(seed_table)  # the next job runs


def test_only_named_jobs_run():
    import pytest

    with pytest.raises(ValueError):
        workers.run_isolated("os.system", "true")


def test_reader_processes_run_numerical_libraries_on_one_thread():
    """A forked worker does one job on one core; thread pools and per-thread allocator arenas
    would spend its memory limit on reserved address space (a 10 MB upload's layout failed so)."""
    workers.read_isolated("raid.txt", GOOD, {"published": PUBLISHED})
    reader = workers._idle.get()
    try:
        environ = dict(item.split("=", 1) for item in
                       Path(f"/proc/{reader.process.pid}/environ").read_text().split("\0") if "=" in item)
    finally:
        workers._idle.put(reader)
    assert {k: environ.get(k) for k in workers.SINGLE_THREADED} == workers.SINGLE_THREADED
