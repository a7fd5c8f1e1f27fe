"""Engines: what maps a build's planned articles to their rows, one document at a time.

Every engine runs the same per-document function (`map_article`: read the file, then
`events.map_document`) and hands back one `DocumentResult` an article, in the plan's order,
so that the table, the happenings and the problems a build reports are the same whichever
engine read the documents. The interface, one function a module:

    is_remote(folder) -> bool              (an address the engine lists itself)
    plan_folders(folders, jobs) -> corpus.Plan
    map_articles(work, articles, jobs, done) -> list[DocumentResult]
    close()                                 (the build is over: stop what it started)

`plan_folders` lists the folders (`corpus.plan_entries`: the same rules for every engine);
`work` is `map_article` with its options bound (a picklable callable of one article),
`articles` the plan's (`corpus.plan_folders`), `jobs` how much to run at once (processes for
`local`, partitions for `spark`), `done` a callable told of each finished article.

- `local` (`engines/local.py`): this process, or `--jobs N` worker processes.
- `spark` (`engines/spark.py`, the optional extra `timeline-explorer[spark]`): Spark's executors,
  in the running Spark session when there is one (a Databricks cluster), else a local one.
"""

from __future__ import annotations

import importlib

from ..corpus import Problem, read_file
from ..events import DocumentResult, map_document

ENGINES = ("local", "spark")


class EngineError(Exception):
    """The engine cannot run here (Spark without Java, say) or failed as a whole (a Spark job
    lost); the message says why, in one line."""


def engine(name: str):
    """The engine module called `name` (one of ENGINES); ImportError when its extra is missing."""
    if name not in ENGINES:
        raise ValueError(f"no engine {name!r} (there are {', '.join(ENGINES)})")
    return importlib.import_module(f"{__name__}.{name}")


def map_article(article, per_character: float, data: bytes | None = None) -> DocumentResult:
    """One planned article, read from its path (unless its bytes are given, as Spark reads a
    remote folder's) and mapped: what each engine runs per document."""
    if data is None:
        try:
            data = read_file(article.path)
        except (OSError, ValueError) as exc:
            return not_read(article.name, getattr(exc, "strerror", None) or str(exc))
    try:
        return map_document(article.name, data, {**article.meta, "doc_id": article.doc_id}, per_character=per_character)
    except MemoryError:  # over a memory limit (ulimit -v) in this process: this document, not the build
        return not_read(article.name, "needs more memory than this process may take; not read")


def not_read(name: str, reason: str) -> DocumentResult:
    return DocumentResult(name, problems=[Problem(name, reason)])
