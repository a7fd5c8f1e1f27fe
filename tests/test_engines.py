"""Engines (explorer/engines): every engine gives the local build's table, happenings and report.

The Spark engine needs its extra (pyspark) and a Java runtime. Where they are missing its tests
are skipped, unless EXPLORER_REQUIRE_SPARK=1 (CI sets it), which makes a missing Spark a failure.
"""

import functools
import os
import shutil
import subprocess
import sys

import pytest

from explorer import engines
from explorer.corpus import plan_folders
from explorer.events import read_table

from .conftest import ROOT
from .test_hostile import folder  # noqa: F401  (the hostile folder, a fixture)

SEEDS = ROOT / "seeds"


def spark_missing() -> str:
    """Why the Spark engine cannot run here, or ""."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install '.[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return ""


@pytest.fixture(scope="module")
def spark_ready():
    why = spark_missing()
    if why and os.environ.get("EXPLORER_REQUIRE_SPARK") == "1":
        pytest.fail(f"EXPLORER_REQUIRE_SPARK=1 but {why}")
    if why:
        pytest.skip(why)


def build(engine: str, *folders, out, jobs: int = 2, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", "build", *map(str, folders), "--out", str(out),
                           "--happenings", str(out.with_name(out.stem + "-happenings.csv")),
                           "--engine", engine, "--jobs", str(jobs)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, env={**os.environ, **(env or {})})


def test_spark_gives_the_local_builds_table_happenings_and_report_on_hostile_files(spark_ready, folder, tmp_path):
    """The seeds and every hostile file (empty, binary, oversized, sparse, a pipe, links out of the
    folder, control characters in names ...) on Spark local[2]: the same rows, the same
    happenings and the same lines reported, in the same order, as the local build."""
    local, spark = tmp_path / "local" / "events.csv", tmp_path / "spark" / "events.csv"
    plain = build("local", SEEDS, folder, out=local, jobs=1)
    done = build("spark", SEEDS, folder, out=spark)
    assert done.returncode == plain.returncode == 0, done.stderr
    assert "skipped empty.txt: empty file" in plain.stderr  # the hostile files were reported ...
    assert done.stderr.replace(str(spark.parent), "OUT") == plain.stderr.replace(str(local.parent), "OUT")  # ... alike
    table = read_table(spark)
    assert len(table) > 25 and table["happening_id"].nunique() > 10
    assert table.equals(read_table(local))
    assert read_table(spark.with_name("events-happenings.csv")).equals(read_table(local.with_name("events-happenings.csv")))


@pytest.fixture(scope="module")
def listed_folder(tmp_path_factory):
    """The seeds with their manifest, and what a store holds that is no article: an empty file,
    one over the size limit, a binary one, a folder named like an article, a hidden file."""
    path = tmp_path_factory.mktemp("store")
    for seed in SEEDS.iterdir():
        shutil.copy(seed, path)
    (path / "empty.txt").write_bytes(b"")
    (path / "big.txt").write_bytes(b"x" * 10_500_000)
    (path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (path / "sub.txt").mkdir()
    (path / ".hidden.txt").write_text("On 3 March 2023 police came.")
    # glob characters in a name: Spark's reader must take the address literally
    (path / "Minsk [Reuters] {1}.txt").write_text("Arrests in Minsk\n\nOn 3 March 2023 police detained 40 people.")
    return path


def test_a_folder_spark_reads_by_its_address_gives_the_local_builds_table_and_report(spark_ready, listed_folder,
                                                                                     tmp_path):
    """A `file:///` address goes the way an `s3a://` or `dbfs:/` one does: listed through Hadoop's
    file system (empty files included, which Spark's reader skips), the bytes read by Spark."""
    local, spark = tmp_path / "local" / "events.csv", tmp_path / "spark" / "events.csv"
    plain = build("local", listed_folder, out=local, jobs=1)
    done = build("spark", listed_folder.as_uri(), out=spark)
    assert done.returncode == plain.returncode == 0, done.stderr
    for line in ("skipped empty.txt: empty file", "skipped big.txt: too large: 10.5 MB (the limit is 10 MB a file)",
                 "skipped image.txt: binary file, not text", "skipped sub.txt: a folder, not a file; not read"):
        assert line in plain.stderr
    assert done.stderr.replace(str(spark.parent), "OUT") == plain.stderr.replace(str(local.parent), "OUT")
    assert read_table(spark).equals(read_table(local)) and len(read_table(local)) == 26
    assert "Minsk_Reuters_1_" in set(read_table(spark).doc_id)
    assert read_table(spark.with_name("events-happenings.csv")).equals(read_table(local.with_name("events-happenings.csv")))


def test_a_folder_spark_cannot_list_is_one_line_naming_it(spark_ready, tmp_path):
    done = build("spark", (tmp_path / "gone").as_uri(), out=tmp_path / "x.csv")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"{(tmp_path / 'gone').as_uri()}: cannot be listed (java.io.FileNotFoundException" in done.stderr
    # the local engine takes no address
    done = build("local", (tmp_path / "gone").as_uri(), out=tmp_path / "x.csv")
    assert done.returncode == 2 and "not a folder" in done.stderr


def test_spark_uses_the_running_session_and_leaves_it_running(spark_ready):
    """On a cluster (a Databricks notebook) a session is running: the engine works in it and does
    not stop it; the results are the local engine's."""
    from pyspark.sql import SparkSession

    from explorer.engines import local, spark

    session = SparkSession.builder.master("local[2]").appName("a notebook's session").getOrCreate()
    try:
        articles = plan_folders([SEEDS]).articles
        work = functools.partial(engines.map_article, per_character=1e9)
        seen = []
        results = spark.map_articles(work, articles, 2, lambda: seen.append(1))
        assert SparkSession.getActiveSession() is session and not session.sparkContext._jsc.sc().isStopped()
        expected = local.map_articles(work, articles, 1)
        assert [r.rows for r in results] == [r.rows for r in expected] and len(seen) == len(articles) == 5
    finally:
        session.stop()


def test_spark_without_java_is_one_line_that_names_its_log(spark_ready, tmp_path):
    done = build("spark", SEEDS, out=tmp_path / "x.csv", env={"JAVA_HOME": str(tmp_path / "no-java")})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("python -m explorer: error: Spark did not start") and "Spark's own output: " in line
    log = line.rsplit("Spark's own output: ", 1)[1]
    assert os.path.getsize(log) > 0  # where Spark said why
    os.unlink(log)
    assert not (tmp_path / "x.csv").exists()


def test_a_spark_job_that_fails_is_one_error_not_a_traceback(spark_ready):
    from explorer.engines import spark

    articles = plan_folders([SEEDS]).articles
    with pytest.raises(engines.EngineError, match=r"^Spark failed while reading the documents \(.+\); nothing was "
                                                  r"written") as failed:
        spark.map_articles(lambda article: os._exit(3), articles, 2)  # every executor's Python dies
    assert "\n" not in str(failed.value)
    if "Spark's own output: " in str(failed.value):
        os.unlink(str(failed.value).rsplit("Spark's own output: ", 1)[1])


def test_an_engine_whose_extra_is_missing_is_one_line_and_exit_2(tmp_path):
    # a pyspark that cannot be imported, ahead of any real one on the path
    fake = tmp_path / "path" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("No module named pyspark")\n')
    done = build("spark", SEEDS, out=tmp_path / "x.csv", env={"PYTHONPATH": str(tmp_path / "path")})
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert 'pip install "timeline-explorer[spark]"' in done.stderr


def test_an_unknown_engine_is_refused_by_name(tmp_path):
    done = build("hadoop", SEEDS, out=tmp_path / "x.csv")
    assert done.returncode == 2 and "invalid choice: 'hadoop'" in done.stderr and "Traceback" not in done.stderr


def test_the_local_engine_reads_in_the_plans_order_here_and_in_processes():
    articles = plan_folders([SEEDS]).articles
    work = functools.partial(engines.map_article, per_character=1e9)
    here, apart = engines.engine("local").map_articles(work, articles, 1), engines.engine("local").map_articles(
        work, articles, 2)
    assert [r.name for r in here] == [a.name for a in articles] == [r.name for r in apart]
    assert [r.rows for r in here] == [r.rows for r in apart]
