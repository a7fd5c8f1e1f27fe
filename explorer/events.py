"""The events table: one row per dated expression that places a passage on the calendar.

This is the project's data contract; every column is documented in COLUMNS
(and in the README). Dates are ISO strings (empty when unresolved), offsets
are character offsets into the document's cleaned text.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
from pathlib import Path

import pandas as pd

from .actors import SEPARATOR, ActorIndex, actor_names, load_actors, passage_actors
from .corpus import Document, Problem
from .dates import DateBudgetExceeded, find_dates

DOCUMENT_BUDGET = 10.0  # seconds one document may take to date

COLUMNS = {
    "event_id": "stable id: a hash of doc_id, the mention's offsets and its words",
    "doc_id": "the document's id (its file name without suffix)",
    "title": "the article's title",
    "source": "the outlet",
    "url": "the article's address (empty when unknown)",
    "published": "publication date, YYYY-MM-DD (empty when unknown)",
    "reference_source": "where `published` came from: manifest, dateline or none",
    "passage": "the sentence that carries the date",
    "passage_start": "offset of the passage in the document text",
    "passage_end": "offset just past the passage",
    "mention": "the date words as written",
    "mention_start": "offset of the mention in the document text",
    "mention_end": "offset just past the mention",
    "type": "TIMEX3 type: DATE, TIME or DURATION (anchored durations only)",
    "timex": "TIMEX3 value: 2021-12-10, 2020-08, 2021-W48, 2021-W03-WE, 2020, 202, P5Y, PRESENT_REF ...",
    "date_start": "first day the mention names, YYYY-MM-DD (empty when unresolved)",
    "date_end": "last day the mention names, inclusive",
    "granularity": "day, week, weekend, month, season, quarter, half, year, decade, century, time or present",
    "modifier": "TIMEX3 mod: START (early ...), MID, END (late, end of ...) or empty",
    "relation": "at; opens (since X, from X); closes (until X, to X); before; after",
    "actors": "canonical names of the actors in the passage (and the speaker of a quotation it belongs to), sorted, joined by ' | '",
    "actor_mentions": "JSON list of {actor, text, start, end}: the words that named each actor, with document offsets",
}


def event_id(doc_id: str, start: int, end: int, mention: str) -> str:
    return hashlib.sha1(f"{doc_id}\0{start}\0{end}\0{mention}".encode()).hexdigest()[:12]


def document_events(doc: Document, index: ActorIndex, budget: float | None = None) -> list[tuple]:
    """The rows of one document (tuples in `COLUMNS` order), in text order
    (DateBudgetExceeded past `budget` seconds)."""
    starts = [s for s, _ in doc.passages]
    expressions = find_dates(doc.text, doc.published, budget, doc.sentences or None)
    actors = passage_actors(doc.text, doc.passages, index)
    published = doc.published.isoformat() if doc.published else ""
    rows = []
    named: dict[int, tuple[str, str]] = {}  # per passage: its actors and their mentions, written once
    for expr in expressions:
        if not expr.on_calendar:
            continue
        i = bisect.bisect_right(starts, expr.start) - 1
        if i < 0 or expr.end > doc.passages[i][1]:
            continue  # not in article text (furniture, dateline)
        p_start, p_end = doc.passages[i]
        if i not in named:
            named[i] = (SEPARATOR.join(actor_names(actors[i])),
                        json.dumps([m.as_json() for m in actors[i]], ensure_ascii=False))
        rows.append((
            event_id(doc.doc_id, expr.start, expr.end, expr.text), doc.doc_id, doc.title, doc.source, doc.url,
            published, doc.reference_source, doc.text[p_start:p_end], p_start, p_end,
            expr.text, expr.start, expr.end, expr.type, expr.timex,
            expr.date_start.isoformat() if expr.date_start else "",
            expr.date_end.isoformat() if expr.date_end else "",
            expr.granularity, expr.mod, expr.relation, named[i][0], named[i][1],
        ))
    return rows


def build_table(documents, index: ActorIndex | None = None, progress=None,
                budget: float | None = DOCUMENT_BUDGET) -> tuple[pd.DataFrame, list[Problem]]:
    """The events of all `documents`, ordered by date, then document and offset, and a
    problem for every document that took longer than `budget` seconds to date (it is
    left out whole; the rest still build).

    `index` is the actor list to attribute with (default: data/actors.csv)."""
    index = index or ActorIndex(load_actors())
    rows, problems = [], []
    # The rows hold no reference cycles; the cyclic collector would only walk the
    # growing list again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for doc in (progress(documents) if progress else documents):
            try:
                rows += document_events(doc, index, budget)
            except DateBudgetExceeded:
                problems.append(Problem(doc.name, f"took longer than {budget:g} s to date; skipped"))
    finally:
        if collecting:
            gc.enable()
    return sort_events(pd.DataFrame.from_records(rows, columns=list(COLUMNS))), problems


def events_table(documents, index: ActorIndex | None = None, progress=None) -> pd.DataFrame:
    return build_table(documents, index, progress)[0]


def sort_events(table: pd.DataFrame) -> pd.DataFrame:
    unresolved = table["date_start"] == ""
    table = table.assign(_unresolved=unresolved)
    table = table.sort_values(["_unresolved", "date_start", "date_end", "doc_id", "mention_start"], kind="stable")
    return table.drop(columns="_unresolved").reset_index(drop=True)


def write_table(table: pd.DataFrame, path: str | Path) -> None:
    """CSV, JSON (records) or Parquet, by the file's suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table.to_csv(path, index=False, lineterminator="\n")
    elif suffix == ".json":
        path.write_text(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif suffix == ".parquet":
        table.to_parquet(path, index=False)
    else:
        raise ValueError(f"unknown output format {suffix!r}: use .csv, .json or .parquet")


def read_table(path: str | Path) -> pd.DataFrame:
    """A table written by `write_table`, with the column types it was built with."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")), columns=list(COLUMNS))
    ints = ["passage_start", "passage_end", "mention_start", "mention_end"]
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table[ints] = table[ints].astype(int)
    return table
