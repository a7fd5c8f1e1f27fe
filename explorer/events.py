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
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .actors import SEPARATOR, ActorIndex, DocumentActors, load_actors
from .budget import STEPS_PER_CHARACTER, BudgetExceeded, Unlimited, WorkBudget
from .corpus import Document, Problem, build_document
from .dates import find_dates
from .sentences import passage_window

MAX_EVENTS_PER_DOCUMENT = 5000  # then the rest of a document's dates are left out, with a note
MAX_ROW_ACTORS = 12  # actors one row names, at most (a 400-character passage rarely names more than five)
MAX_ROW_ACTOR_MENTIONS = 24  # words naming them that one row keeps, at most, the first in the passage

COLUMNS = {
    "event_id": "stable id: a hash of doc_id, the mention's offsets and its words",
    "doc_id": "the document's id (its file name without suffix)",
    "title": "the article's title",
    "source": "the outlet",
    "source_from": "where `source` came from: manifest (or typed on the page), metadata (a web page's own site name), "
                   "dateline (a wire agency: \"(Reuters) -\"), title (the end of a page's title: \"... | Belarus Watch\"), "
                   "address (its domain) or none",
    "url": "the article's address, a plain http(s) URL (empty when unknown)",
    "published": "publication date, YYYY-MM-DD (empty when unknown)",
    "reference_source": "where `published` came from: manifest, metadata (a web page's own), dateline or none",
    "passage": "the sentence that carries the date, or at most 400 characters of it around the date",
    "passage_start": "offset of the passage in the document text",
    "passage_end": "offset just past the passage",
    "passage_cut": "where the sentence goes on beyond the passage: start, end, both, or empty when it is whole",
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
    "rule": "the grammar rule that found the date words (explorer/grammar.py)",
    "cue": "what set a year-less date's direction: the cue word and which way it looks (empty when none was needed)",
    "actors": "canonical names of the actors in the passage (and the speaker of a quotation it belongs to), sorted, joined by ' | ' (at most 12)",
    "actor_mentions": "JSON list of {actor, text, start, end}: the words in the passage that named each actor, with document offsets (at most 24, the first ones)",
}
MENTION_COLUMNS = list(COLUMNS)  # what reading one document gives; the rest needs the whole corpus
COLUMNS.update({
    "what": "the clause the date belongs to, as written: what the source says happened then",
    "happening_id": "shared by the mentions, in any documents, that date the same real-world happening (explorer.happenings)",
    "corrected": "what a reader corrected in this row (date, precision, actors), empty when nothing (explorer.corrections)",
})
STEPS_PER_ROW = 50  # making one row, beyond the characters of its passage


def actor_cells(found) -> tuple[str, str]:
    """A row's `actors` and `actor_mentions` cells for the actor mentions `found` in its
    passage, each within its bound (a passage repeating names cannot make a row large)."""
    mentions = found[:MAX_ROW_ACTOR_MENTIONS]
    first_named = list(dict.fromkeys(m.actor for m in found))[:MAX_ROW_ACTORS]
    return (SEPARATOR.join(sorted(first_named)),
            json.dumps([m.as_json() for m in mentions], ensure_ascii=False))


def event_id(doc_id: str, start: int, end: int, mention: str) -> str:
    return hashlib.sha1(f"{doc_id}\0{start}\0{end}\0{mention}".encode()).hexdigest()[:12]


def document_events(doc: Document, index: ActorIndex, budget: WorkBudget | None = None,
                    limit: int = MAX_EVENTS_PER_DOCUMENT) -> tuple[list[tuple], bool]:
    """The rows of one document (tuples in `MENTION_COLUMNS` order), in text order, at most
    `limit` of them, and whether there were more. The work is charged to `budget`."""
    budget = budget or Unlimited()
    starts = [s for s, _ in doc.passages]
    # Past twice the limit the engine stops: some dates may be in furniture, the rest is left out.
    expressions = find_dates(doc.text, doc.published, budget, doc.sentences or None, limit=2 * limit)
    budget.charge(len(doc.text), "finding actors")
    actors = DocumentActors(doc.text, doc.passages, index)
    budget.charge(len(actors.mentions) + len(actors.speakers), "finding actors")
    published = doc.published.isoformat() if doc.published else ""
    rows = []
    named: dict[tuple[int, int], tuple[str, str]] = {}  # per window: its actors and their mentions, written once
    for expr in expressions:
        if not expr.on_calendar:
            continue
        i = bisect.bisect_right(starts, expr.start) - 1
        if i < 0 or expr.end > doc.passages[i][1]:
            continue  # not in article text (furniture, dateline)
        if len(rows) >= limit:
            return rows, True
        p_start, p_end, cut = passage_window(doc.text, doc.passages[i], (expr.start, expr.end))
        budget.charge(p_end - p_start + STEPS_PER_ROW, "making rows")
        if (p_start, p_end) not in named:
            found = actors.within(p_start, p_end)
            budget.charge(len(found), "making rows")
            named[p_start, p_end] = actor_cells(found)
        who, where = named[p_start, p_end]
        rows.append((
            event_id(doc.doc_id, expr.start, expr.end, expr.text), doc.doc_id, doc.title, doc.source, doc.source_from, doc.url,
            published, doc.reference_source, doc.text[p_start:p_end], p_start, p_end, cut,
            expr.text, expr.start, expr.end, expr.type, expr.timex,
            expr.date_start.isoformat() if expr.date_start else "",
            expr.date_end.isoformat() if expr.date_end else "",
            expr.granularity, expr.mod, expr.relation, expr.rule, expr.cue, who, where,
        ))
    return rows, False


@dataclass
class DocumentResult:
    """What reading one file gives: its rows, or the reason it gave none, and notes."""

    name: str
    rows: list[tuple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # a skip (then no rows), or notes
    repairs: list[str] = field(default_factory=list)
    published: date | None = None
    steps: int = 0  # the work it took (explorer.budget)
    doc_id: str = ""
    text: str = ""  # the cleaned text, for reading the whole article
    title: str = ""

    @property
    def skipped(self) -> bool:
        return any(p.skipped for p in self.problems)


def map_document(name: str, data: bytes, meta: dict | None = None, index: ActorIndex | None = None,
                 per_character: float = STEPS_PER_CHARACTER) -> DocumentResult:
    """One file's bytes to its rows: the one function every way of building runs.

    The document's whole work is charged to one budget of `per_character` steps per
    byte; a file that cannot be read, or needs more work, gives a problem and no rows."""
    index = index or default_index()
    budget = WorkBudget(len(data), per_character)
    result = DocumentResult(name)
    try:
        doc = build_document(name, data, meta, budget)
        result.repairs, result.published, result.doc_id = doc.repairs, doc.published, doc.doc_id
        result.text, result.title = doc.text, doc.title
        result.rows, cut = document_events(doc, index, budget)
        if cut:
            result.problems.append(too_many(name))
    except ValueError as exc:
        result.problems.append(Problem(name, str(exc)))
    except BudgetExceeded as exc:
        result.rows = []
        result.problems.append(Problem(name, f"{exc}; skipped"))
    result.steps = budget.spent
    return result


def too_many(name: str) -> Problem:
    return Problem(name, f"has more than {MAX_EVENTS_PER_DOCUMENT:,} dated statements; the first "
                         f"{MAX_EVENTS_PER_DOCUMENT:,} were kept, the rest left out", skipped=False)


_DEFAULT_INDEX: ActorIndex | None = None


def default_index() -> ActorIndex:
    """The actor list shipped with the package, read once per process."""
    global _DEFAULT_INDEX
    if _DEFAULT_INDEX is None:
        _DEFAULT_INDEX = ActorIndex(load_actors())
    return _DEFAULT_INDEX


def build_table(documents, index: ActorIndex | None = None, progress=None,
                per_character: float = STEPS_PER_CHARACTER) -> tuple[pd.DataFrame, list[Problem]]:
    """The events of documents already read, ordered by date, then document and
    offset, and a problem for every document over its work budget (left out whole)
    or over the events limit (cut).

    `index` is the actor list to attribute with (default: data/actors.csv)."""
    index = index or default_index()
    rows, problems = [], []
    # The rows hold no reference cycles; the cyclic collector would only walk the
    # growing list again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for doc in (progress(documents) if progress else documents):
            try:
                found, cut = document_events(doc, index, WorkBudget(len(doc.text), per_character))
            except BudgetExceeded as exc:
                problems.append(Problem(doc.name, f"{exc}; skipped"))
                continue
            rows += found
            if cut:
                problems.append(too_many(doc.name))
    finally:
        if collecting:
            gc.enable()
    return table_of(rows)[0], problems


def mentions_table(rows: list[tuple]) -> pd.DataFrame:
    """The rows of documents (in `MENTION_COLUMNS` order) as one sorted table, before the
    happenings they date are found."""
    return sort_events(pd.DataFrame.from_records(rows, columns=MENTION_COLUMNS))


def table_of(rows: list[tuple], corrections: dict | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The events table of the rows of documents: sorted, the readers' `corrections`
    (explorer.corrections) applied, with the happenings they date found across all of them;
    and a problem for every correction that names no event."""
    return finish(mentions_table(rows), corrections)


def finish(mentions: pd.DataFrame, corrections: dict | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Mentions (with or without `what`, `happening_id` and `corrected`) made into the events table."""
    from . import corrections as fixes
    from .happenings import with_happenings

    mentions = mentions.drop(columns=[c for c in ("what", "happening_id") if c in mentions])
    problems: list[Problem] = []
    if corrections:
        mentions, problems = fixes.apply(mentions, corrections)
    elif "corrected" not in mentions:
        mentions = mentions.assign(corrected="")
    table = with_happenings(mentions)
    return sort_events(table[list(COLUMNS)]), problems


def events_table(documents, index: ActorIndex | None = None, progress=None) -> pd.DataFrame:
    return build_table(documents, index, progress)[0]


def sort_events(table: pd.DataFrame) -> pd.DataFrame:
    unresolved = table["date_start"] == ""
    table = table.assign(_unresolved=unresolved)
    table = table.sort_values(["_unresolved", "date_start", "date_end", "doc_id", "mention_start"], kind="stable")
    return table.drop(columns="_unresolved").reset_index(drop=True)


OUTPUT_FORMATS = (".csv", ".json", ".parquet")


def check_output(path: str | Path) -> Path:
    """`path` when the table can be written there (ValueError saying why not), checked
    before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise ValueError(f"cannot write {path.name}: the output must end in .csv, .json or .parquet")
    if path.is_dir():
        raise ValueError(f"cannot write {path}: it is a folder")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise ValueError(f"cannot write {path}: {parent} is not a folder this user may write to")
    return path


PARQUET_ROW_GROUP = 100_000  # rows: a filter by date reads few groups; fewer, larger ones would read more


def write_table(table: pd.DataFrame, path: str | Path) -> None:
    """CSV, JSON (records) or Parquet, by the file's suffix. CSV and JSON guard cells a
    spreadsheet would run as formulas (`export.guard`); `read_table` undoes it."""
    from . import export

    path = check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(export.to_csv(table))
    elif suffix == ".json":
        path.write_bytes(export.to_json(table) + b"\n")
    else:  # sorted by date (sort_events), so a row group's statistics let a reader skip the others
        table.to_parquet(path, index=False, row_group_size=PARQUET_ROW_GROUP)


INT_COLUMNS = ("passage_start", "passage_end", "mention_start", "mention_end", "outlets", "documents", "mentions")


def read_table(path: str | Path) -> pd.DataFrame:
    """A table written by `write_table` (the events table, or the happenings view), with the
    column types it was built with."""
    from . import export

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        table = pd.DataFrame(records, columns=list(records[0]) if records else list(COLUMNS))
    else:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        ints = [c for c in INT_COLUMNS if c in table]
        table[ints] = table[ints].astype(int)
        if "disagree" in table:
            table["disagree"] = table["disagree"] == "True"
    return export.unguard_table(table)


def reattribute(table: pd.DataFrame, texts: dict[str, tuple[str, str]], index: ActorIndex) -> pd.DataFrame:
    """The table with `actors` and `actor_mentions` found again with `index` (a longer actor
    list) in the documents whose (text, title) `texts` holds; other rows keep theirs."""
    from .corpus import passages_of

    table = table.copy()
    for doc_id, rows in table.groupby("doc_id"):
        if doc_id not in texts:
            continue
        text, title = texts[doc_id]
        found = DocumentActors(text, passages_of(text, title), index)
        named = [found.within(s, e) for s, e in zip(rows["passage_start"], rows["passage_end"])]
        cells = [actor_cells(m) for m in named]
        table.loc[rows.index, "actors"] = [who for who, _ in cells]
        table.loc[rows.index, "actor_mentions"] = [where for _, where in cells]
    return table
