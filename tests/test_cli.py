"""The command line under strain: worker processes that die, Ctrl-C, more processes asked for
than there is use for, outputs that cannot be written, and named pipes where files belong.

Each runs `python -m explorer` in a process of its own, with the real process pool."""

import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from explorer.events import read_table

from .conftest import ROOT, SEEDS
from .hostile_shapes import SHAPES

PROCESSORS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
needs_two = pytest.mark.skipif(PROCESSORS < 2, reason="a pool of two needs two processors")
SEED_IDS = {p.stem for p in SEEDS.glob("*.txt")}


def explorer(*args, **kwargs) -> subprocess.Popen:
    """`python -m explorer ARGS`, started in a session of its own (so that a Ctrl-C can be sent
    to its whole group, as a terminal sends it) with Ctrl-C handled as by default, whatever
    this process does with it."""
    limits = kwargs.pop("limits", {})

    def start():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for limit, value in limits.items():
            resource.setrlimit(limit, value)

    return subprocess.Popen([sys.executable, "-m", "explorer", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
                            preexec_fn=start, **kwargs)


def run(*args, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    process = explorer(*args, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"python -m explorer {' '.join(map(str, args))}: still running after {timeout} s")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def wait_for_workers(process: subprocess.Popen, count: int, seconds: float = 120) -> list[int]:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        workers = children(process.pid)
        if len(workers) >= count:
            return workers
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"no {count} worker processes after {seconds} s")


def slow_folder(folder, count: int, size: int = 20):
    """A new folder of the seeds and `count` articles of month names, each a second or more of work."""
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    for i in range(count):
        _, data = SHAPES["month names in one sentence"](size)
        (folder / f"slow{i}.txt").write_bytes(data)
    return folder


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds worker processes in /proc")


# --- worker processes that die -------------------------------------------------------------------

@needs_two
def test_a_document_whose_worker_dies_is_skipped_by_name_and_the_rest_are_written(tmp_path):
    """A document that needs more processor time than `ulimit -t` allows kills the worker reading
    it (SIGXCPU), every time: that one is skipped by name, the pool is started again for the
    rest, and the table holds every other document."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    _, data = SHAPES["ordinary article"](1600)  # 7.8 MB, about 12 s of processor time
    (folder / "002a_heavy.txt").write_bytes(data)
    out = tmp_path / "events.csv"
    # 4 s of processor time a process: the main process takes about 2, the heavy worker dies at 4
    done = run("build", folder, "--out", out, "--jobs", 2, "--budget", 1e9,
               limits={resource.RLIMIT_CPU: (4, 5), resource.RLIMIT_CORE: (0, 0)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenProcessPool" not in done.stderr
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped")]
    assert skipped == ["skipped 002a_heavy.txt: its process was killed while reading it "
                       "(out of memory, over a limit, or stopped from outside); not read"]
    assert set(read_table(out).doc_id) == SEED_IDS


@needs_two
@needs_proc
def test_a_worker_killed_from_outside_loses_no_document(tmp_path):
    """SIGKILL to a worker in the middle of a build (as the kernel's out-of-memory killer sends
    it): the documents then in the pool are read again, each alone, and none is lost."""
    folder = slow_folder(tmp_path / "articles", 2)
    out = tmp_path / "events.csv"
    process = explorer("build", folder, "--out", out, "--jobs", 2, "--budget", 1e9)
    victim = wait_for_workers(process, 2)[0]
    time.sleep(0.3)
    os.kill(victim, signal.SIGKILL)
    assert process.poll() is None  # killed while the build went on
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "skipped" not in err, err
    assert set(read_table(out).doc_id) == SEED_IDS | {"slow0", "slow1"}


# --- Ctrl-C ----------------------------------------------------------------------------------------

@needs_two
@needs_proc
def test_ctrl_c_during_a_build_in_processes_is_one_line_and_exit_130(tmp_path):
    """Ctrl-C goes to every process of the terminal's group: the workers ignore it, the main
    process stops them at once and says so in one line. One worker is busy with a long
    document, the other idle, waiting for work (where a worker that took the signal printed
    its traceback)."""
    folder = slow_folder(tmp_path / "articles", 0)
    _, data = SHAPES["ordinary article"](400)  # about ten seconds of work
    (folder / "slow.txt").write_bytes(data)
    out = tmp_path / "events.csv"
    process = explorer("build", folder, "--out", out, "--jobs", 2, "--budget", 1e9)
    wait_for_workers(process, 2)
    time.sleep(1.5)  # the seeds read; the long one not
    os.killpg(process.pid, signal.SIGINT)
    sent = time.monotonic()
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, "python -m explorer: interrupted\n")
    assert time.monotonic() - sent < 8  # the long document was not waited for
    assert not out.exists()
    assert children(process.pid) == []


# --- how many processes ----------------------------------------------------------------------------

COUNT_STARTS = """
import sys
import multiprocessing.process

started = []
start = multiprocessing.process.BaseProcess.start
multiprocessing.process.BaseProcess.start = lambda self: started.append(self) or start(self)
from explorer.__main__ import main
code = main(sys.argv[1:])
print(len(started))
sys.exit(code)
"""


def test_jobs_start_no_more_processes_than_documents_or_processors(tmp_path):
    """`--jobs 64` on the five seeds starts no more than five worker processes (the real pool's
    process starts, counted), and no more than there are processors."""
    done = subprocess.run([sys.executable, "-c", COUNT_STARTS, "build", SEEDS, "--out", tmp_path / "e.csv",
                           "--jobs", "64"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == min(5, PROCESSORS)
    assert set(read_table(tmp_path / "e.csv").doc_id) == SEED_IDS


# --- outputs that cannot be written, named pipes ---------------------------------------------------------

@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="/proc takes no files")
def test_an_output_where_no_file_can_be_made_is_refused_before_any_work():
    """Root may write to /proc by its permission bits, yet no file can be made there."""
    done = run("build", SEEDS, "--out", "/proc/x.csv", timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "python -m explorer: error: cannot write /proc/x.csv: /proc takes no new file (No such file or directory)\n"


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args, says", [
    (["dates", "{fifo}"], "{fifo}: a named pipe (FIFO), not a file"),
    (["actors", "suggest", "seeds", "--actors", "{fifo}"], "{fifo}: a named pipe (FIFO), not a file"),
    (["build", "seeds", "--out", "{fifo}"], "cannot write {fifo}: it is a named pipe (FIFO), not a file"),
    (["build", "seeds", "--out", "{tmp}/x.csv", "--happenings", "{fifo}"],
     "cannot write {fifo}: it is a named pipe (FIFO), not a file"),
])
def test_a_named_pipe_given_as_a_file_is_refused_in_one_line(fifo, tmp_path, args, says):
    """Reading a named pipe waits for a writer, writing one for a reader: forever. It is refused
    without being opened."""
    fill = {"fifo": fifo, "tmp": tmp_path}
    done = run(*[a.format(**fill) for a in args], timeout=30)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"python -m explorer: error: {says.format(**fill)}\n"
    assert not (tmp_path / "x.csv").exists()


def test_a_named_pipe_in_a_folder_is_skipped_by_name_and_the_rest_built(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    for jobs in (1, 2):
        done = run("build", folder, "--out", tmp_path / "events.csv", "--jobs", jobs, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "skipped pipe.txt: a named pipe (FIFO), not a file; not read" in done.stderr.splitlines()
        assert set(read_table(tmp_path / "events.csv").doc_id) == SEED_IDS


def test_a_corpus_too_large_for_the_memory_allowed_is_one_line_not_a_traceback(tmp_path):
    """Issue 19's grouping shape (every mention the same day, no words in common), 6 MB,
    under a 2 GB address-space limit: the table cannot be made, and the command says so."""
    import random
    import string

    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(4):
        rng = random.Random(n)
        body = " ".join("On 3 March 2023 police " + " ".join(
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) for _ in range(40)) + "."
            for _ in range(5000))
        (folder / f"g{n}.txt").write_text(f"Grouping {n}\n\n{body}\n")
    done = run("build", folder, "--out", tmp_path / "e.csv", limits={resource.RLIMIT_AS: (2 * 2**30, 2 * 2**30)})
    if done.returncode == 0:  # it fitted: then the table is whole
        assert len(read_table(tmp_path / "e.csv")) == 20_000
        return
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("python -m explorer: error: out of memory while making the table")
    assert not (tmp_path / "e.csv").exists()
