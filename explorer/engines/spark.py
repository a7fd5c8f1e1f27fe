"""The Spark engine: the documents read on Spark's executors (`pip install "timeline-explorer[spark]"`).

The plan (which files, their manifest rows and document ids, and the problems of files that
are not articles) is made on the driver by the same rules as the local build's
(`corpus.plan_entries`), so that no file is dropped silently: a folder on this machine is
listed as the local build lists it; a folder Spark reads (`s3a://...`, `hdfs://...`,
`dbfs:/...`, `file:///...`) through Hadoop's file system, where empty files are listed too
(Spark's own file readers skip them). Each planned article then goes to an executor, which
runs the same `map_article` as the local engine (`mapInPandas`, which Spark Connect and
Databricks serverless run too) and sends back its `DocumentResult`, pickled; the driver puts
them in the plan's order. An executor reads a local article from its path (on a cluster the
folder must be one every node sees, e.g. `/dbfs/...`); a remote article's bytes come from
Spark's `binaryFile` reader.

The running Spark session is used when there is one (a notebook on a cluster) and left
running; otherwise a local one is started on this machine's processors (`local[N]` with
`--jobs N`) and stopped once the documents are read.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import sys
import tempfile
import warnings

import pandas as pd
from pyspark.sql import SparkSession  # the extra: without it, this engine is not there (ImportError)

from ..corpus import MAX_DOCUMENT_BYTES, MAX_MANIFEST_BYTES, Entry, Plan, plan_entries, plan_folder, too_large, \
    unique_ids
from ..events import DocumentResult
from . import EngineError, not_read

RESULT_SCHEMA = "position long, result binary"
PER_PARTITION = 64  # articles a partition holds at most: a slow one holds up few others
REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:/")  # an address with a scheme: a folder Spark reads


def is_remote(folder: str) -> bool:
    return bool(REMOTE.match(str(folder)))


@contextlib.contextmanager
def _jvm_output_to(path: str):
    """The standard error of processes started meanwhile (the JVM, and through it Spark's Python
    workers) goes to `path`: their start-up notes and warnings are not the build's report,
    which reads the same whatever engine ran it. This process's own is given back after."""
    sys.stderr.flush()
    saved = os.dup(2)
    log = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.dup2(log, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(log)


class _Run:
    """The session a build reads with, from its plan to its last document: the running one,
    else one started here (and stopped by `finish`), with the file that holds its JVM's output."""

    def __init__(self, jobs: int):
        # pandas 3 works for what is asked of it here (frames of two columns); the warning is not the build's
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        handle, self.log = tempfile.mkstemp(prefix="timeline-explorer-spark-", suffix=".log")
        os.close(handle)
        self.spark = SparkSession.getActiveSession()
        self.started = self.spark is None
        if self.started:
            # the executors' Python is this one (the one that has explorer installed), not whatever `python3` is
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            try:
                with _jvm_output_to(self.log):
                    self.spark = (SparkSession.builder.master(f"local[{jobs if jobs > 1 else '*'}]")
                                  .appName("timeline-explorer")
                                  .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                                  .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                                  .getOrCreate())
                self.spark.sparkContext.setLogLevel("ERROR")
            except Exception as exc:  # no Java, a Java too old: one line, and where Spark said why
                raise self.error("Spark did not start", exc) from None

    def error(self, what: str, exc: BaseException, after: str = "") -> EngineError:
        java = getattr(exc, "java_exception", None)  # py4j's own first line only names the call
        first = str(java.toString()) if java is not None else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        told = f"; Spark's own output: {self.log}" if os.path.getsize(self.log) else ""
        self.finish(failed=True)
        return EngineError(f"{what} ({first[:300]}){after}{told}")

    def finish(self, failed: bool = False) -> None:
        global _RUN
        _RUN = None
        if self.started and self.spark is not None:
            self.spark.stop()
            self.spark = None
        if os.path.exists(self.log) and not (failed and os.path.getsize(self.log)):
            os.unlink(self.log)


_RUN: _Run | None = None


def _run(jobs: int) -> _Run:
    global _RUN
    if _RUN is None:
        _RUN = _Run(jobs)
    return _RUN


def plan_folders(folders, jobs: int = 0) -> Plan:
    """The folders planned: this machine's as the local build plans them, the others listed
    through Hadoop's file system (a missing one is an EngineError)."""
    articles, problems = [], []
    for folder in folders:
        plan = _plan_remote(str(folder), _run(jobs)) if is_remote(folder) else plan_folder(folder)
        articles += plan.articles
        problems += plan.problems
    return unique_ids(Plan(articles, problems))


def _plan_remote(folder: str, run: _Run) -> Plan:
    spark = run.spark
    try:
        jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
        path = jvm.org.apache.hadoop.fs.Path(folder)
        statuses = path.getFileSystem(conf).listStatus(path)
    except Exception as exc:  # no such folder, a store that refused (credentials), an unknown scheme
        raise run.error(f"{folder}: cannot be listed", exc) from None
    entries, sizes = [], {}
    for status in statuses:
        uri, name = status.getPath().toString(), status.getPath().getName()
        refused = None if status.isFile() else "a folder, not a file; not read"
        entries.append(Entry(name, uri, refused))
        sizes[uri] = status.getLen()
    _SIZES.update(sizes)

    def manifest_bytes(entry: Entry) -> bytes:
        if sizes[entry.path] > MAX_MANIFEST_BYTES:
            raise ValueError(too_large(sizes[entry.path], MAX_MANIFEST_BYTES))
        return _read_remote(spark, [entry.path]).get(entry.path, b"")

    return plan_entries(entries, manifest_bytes)


_SIZES: dict[str, int] = {}  # a remote file's size, as listed


def _read_remote(spark, uris: list[str]) -> dict[str, bytes]:
    """Remote files' bytes, by address (an empty file, which Spark's reader skips, is absent)."""
    rows = spark.read.format("binaryFile").load(uris).select("path", "content").collect()
    return {row["path"]: bytes(row["content"]) for row in rows}


def map_articles(work, articles, jobs: int = 0, done=lambda: None) -> list[DocumentResult]:
    """`work` of each article on Spark's executors, in the articles' order."""
    run = _run(jobs) if articles or _RUN is not None else None
    if run is None:
        return []
    try:
        results = _map(run.spark, work, articles, jobs, done)
    except EngineError:
        raise
    except Exception as exc:  # a job Spark gave up on (executors lost, a task failed too often)
        raise run.error("Spark failed while reading the documents", exc, "; nothing was written") from None
    run.finish()
    return results


def _map(spark, work, articles, jobs: int, done) -> list[DocumentResult]:
    results: list[DocumentResult | None] = [None] * len(articles)
    local, remote = [], []
    for position, article in enumerate(articles):
        if not is_remote(article.path):
            local.append((position, pickle.dumps(article)))
            continue
        size = _SIZES.get(article.path, 0)
        if size > MAX_DOCUMENT_BYTES:  # refused by its listed size, as the local build refuses by stat
            results[position] = not_read(article.name, too_large(size))
            done()
        elif size == 0:  # Spark's reader skips an empty file: the driver tells it as the local build does
            results[position] = work(article, data=b"")
            done()
        else:
            remote.append((position, article.path, pickle.dumps(article)))
    if not (local or remote):
        return results  # type: ignore[return-value]
    parallelism = max(jobs, spark.sparkContext.defaultParallelism, -(-len(articles) // PER_PARTITION))
    frames = []
    if local:
        frames.append(spark.createDataFrame(local, "position long, article binary")
                      .selectExpr("position", "article", "CAST(NULL AS BINARY) AS content"))
    if remote:
        planned = spark.createDataFrame(remote, "position long, path string, article binary")
        contents = spark.read.format("binaryFile").load([path for _, path, _ in remote]).select("path", "content")
        frames.append(planned.join(contents, "path", "left").select("position", "article", "content"))
    planned = frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])
    planned = planned.repartition(min(parallelism, len(local) + len(remote)))

    def read(batches):
        for batch in batches:
            out = []
            for article, content in zip(batch["article"], batch["content"]):
                article = pickle.loads(article)
                out.append(pickle.dumps(work(article) if content is None else work(article, data=bytes(content))))
            yield pd.DataFrame({"position": batch["position"], "result": out})

    for row in planned.mapInPandas(read, RESULT_SCHEMA).toLocalIterator():
        results[row["position"]] = pickle.loads(row["result"])
        done()
    return results  # type: ignore[return-value]
