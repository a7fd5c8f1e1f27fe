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

