"""The Spark engine: the documents read on Spark's executors (`pip install "timeline-explorer[spark]"`).

The plan (which files, their manifest rows and document ids, and the problems of files that
are not articles, empty ones included) is made on the driver, as the local build makes it,
so that a Spark reader never drops a file silently. Each planned article then goes to an
executor, which runs the same `map_article` as the local engine (`mapInPandas`, which Spark
Connect and Databricks serverless run too) and sends back its `DocumentResult`, pickled; the
driver puts them in the plan's order. An executor reads an article from its path, so on a
cluster the folder must be one every node sees under the same path (DBFS's `/dbfs/...`, a
shared mount).

The running Spark session is used when there is one (a notebook on a cluster); otherwise a
local one is started on this machine's processors (`local[N]` with `--jobs N`) and stopped
afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession  # the extra: without it, this engine is not there (ImportError)

from ..events import DocumentResult
from . import EngineError

RESULT_SCHEMA = "position long, result binary"
PER_PARTITION = 64  # articles a partition holds at most: a slow one holds up few others


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


def session(jobs: int = 0, log: str | None = None):
    """(the Spark session, whether this call started it): the active one, else a local one whose
    JVM writes its output to `log`."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    # the executors' Python is this one (the one that has explorer installed), not whatever `python3` is
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    with _jvm_output_to(log) if log else contextlib.nullcontext():
        spark = (SparkSession.builder.master(f"local[{jobs if jobs > 1 else '*'}]").appName("timeline-explorer")
                 .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                 .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def map_articles(work, articles, jobs: int = 0, done=lambda: None) -> list[DocumentResult]:
    """`work` of each article on Spark's executors, in the articles' order."""
    if not articles:
        return []
    # pandas 3 works for what is asked of it here (a frame of two columns); the warning is not the build's
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    handle, log = tempfile.mkstemp(prefix="timeline-explorer-spark-", suffix=".log")
    os.close(handle)
    try:
        spark, started = session(jobs, log)
    except Exception as exc:  # no Java, a Java too old, a cluster that refused: one line, and where Spark said why
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        told = _told(log)
        if not told:
            os.unlink(log)
        raise EngineError(f"Spark did not start ({first[:300]}){told}") from None
    failed = True
    try:
        parallelism = max(jobs, spark.sparkContext.defaultParallelism, -(-len(articles) // PER_PARTITION))
        planned = spark.createDataFrame(
            [(position, pickle.dumps(article)) for position, article in enumerate(articles)],
            "position long, article binary").repartition(min(parallelism, len(articles)))

        def read(batches):
            for batch in batches:
                results = [pickle.dumps(work(pickle.loads(article))) for article in batch["article"]]
                yield pd.DataFrame({"position": batch["position"], "result": results})

        results: list[DocumentResult | None] = [None] * len(articles)
        try:
            for row in planned.mapInPandas(read, RESULT_SCHEMA).toLocalIterator():
                results[row["position"]] = pickle.loads(row["result"])
                done()
        except Exception as exc:  # a job Spark gave up on (executors lost, a task failed too often)
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EngineError(f"Spark failed while reading the documents ({first[:300]}); nothing was "
                              f"written{_told(log)}") from None
        failed = False
        return results  # type: ignore[return-value]
    finally:
        if started:
            spark.stop()
        if not (failed and os.path.getsize(log)):
            os.unlink(log)


def _told(log: str) -> str:
    """Where Spark's own output is, for an error message: kept when it holds something."""
    return f"; Spark's own output: {log}" if os.path.getsize(log) else ""
