"""The Spark engine: the documents read on Spark's executors (`pip install "timeline-explorer[spark]"`).

The plan (which files, their manifest rows and document ids, and the problems of files that
are not articles) is made on the driver by the same rules as the local build's
(`corpus.plan_entries`), so that no file is dropped silently: a folder on this machine is
listed as the local build lists it; a folder Spark reads (`s3a://...`, `hdfs://...`,
`dbfs:/...`, `file:///...`) through Hadoop's file system, where empty files are listed too
(Spark's own file readers skip them). Each planned article then goes to an executor, which
runs the same `map_article` as the local engine (`mapInPandas`) and sends back its `DocumentResult`, pickled; the driver puts
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
        from pyspark import SparkContext

        self.spark = SparkSession.getActiveSession()
        # ours to stop only when no Spark at all ran in this process before (a notebook's context included)
        self.started = self.spark is None and SparkContext._active_spark_context is None
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
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        try:
            java = getattr(exc, "java_exception", None)  # py4j's own first line only names the call
            first = str(java.toString()) if java is not None else first
        except Exception:
            pass
        told = f"; Spark's own output: {self.log}" if os.path.getsize(self.log) else ""
        self.finish(failed=True)
        return EngineError(f"{what} ({first[:300]}){after}{told}")

    def finish(self, failed: bool = False) -> None:
        global _RUN
        _RUN = None
        if self.started and self.spark is not None:
            try:
                self.spark.stop()
            except Exception:  # a JVM already gone: nothing left to stop
                pass
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
        try:
            return _read_remote(spark, [entry.path]).get(entry.path, b"")
        except Exception as exc:  # a store that refused it: reported as the local build reports an unreadable one
            raise OSError(str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__) from None

    return plan_entries(entries, manifest_bytes)


_SIZES: dict[str, int] = {}  # a remote file's size, as listed


def _literal(address: str) -> str:
    """An address as Spark's reader takes it literally (it expands glob characters: "[Reuters].txt")."""
    return re.sub(r"([\\*?\[\]{}])", r"\\\1", address)


def _read_remote(spark, uris: list[str]) -> dict[str, bytes]:
    """Remote files' bytes, by address (an empty file, which Spark's reader skips, is absent)."""
    rows = spark.read.format("binaryFile").load([_literal(u) for u in uris]).select("path", "content").collect()
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
    except BaseException:  # Ctrl-C: the jobs cancelled, the session we started stopped
        with contextlib.suppress(Exception):
            run.spark.sparkContext.cancelAllJobs()
        run.finish()
        raise
    run.finish()
    if any(r is None for r in results):
        raise EngineError("Spark returned no result for some documents; nothing was written")
    return results


def close() -> None:
    """The build is over, however it ended: a session started for it is stopped."""
    if _RUN is not None:
        _RUN.finish()


def _map(spark, work, articles, jobs: int, done) -> list[DocumentResult]:
    results: list[DocumentResult | None] = [None] * len(articles)
    local, remote = [], []
    for position, article in enumerate(articles):
        if not is_remote(article.path):
            local.append((position, pickle.dumps(article)))
            continue
        size = _SIZES.get(article.path)
        if size is not None and size > MAX_DOCUMENT_BYTES:  # refused by its listed size, as the local build refuses by stat
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
        contents = (spark.read.format("binaryFile").option("ignoreMissingFiles", "true")
                    .load([_literal(path) for _, path, _ in remote]).select("path", "content"))
        frames.append(planned.join(contents, "path", "left").select("position", "article", "content"))
    planned = frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])
    planned = planned.repartition(min(parallelism, len(local) + len(remote)))

    def read(batches):
        for batch in batches:
            out = []
            for article, content in zip(batch["article"], batch["content"]):
                article = pickle.loads(article)
                if content is not None:
                    result = work(article, data=bytes(content))
                elif is_remote(article.path):  # gone since it was listed, or a name Spark's reader leaves out ("_x")
                    result = not_read(article.name, "listed, but Spark's reader did not return it (gone since, or a "
                                                    "name starting with _ or .); not read")
                else:
                    result = work(article)
                out.append(pickle.dumps(result))
            yield pd.DataFrame({"position": batch["position"], "result": out})

    # one job over every partition at once (toLocalIterator would run them one after another)
    for row in planned.mapInPandas(read, RESULT_SCHEMA).collect():
        results[row["position"]] = pickle.loads(row["result"])
        done()
    return results  # type: ignore[return-value]
