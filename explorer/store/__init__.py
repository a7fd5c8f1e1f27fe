"""Stores: where the page's questions about an events table are answered.

One interface (`Store`), two members:

- `memory.MemoryStore`: the table in memory, each filter's answer precomputed per value
  (`filters.TableIndex`), its happenings view built once; the fastest answers, for tables that fit.
- `duckdb.DuckDBStore`: DuckDB over the Parquet files the build writes (the events table and
  its happenings view), asked for exactly what is shown; for tables too large to hold.

Both give the same answers to the same questions (tests/test_store.py runs every question on
both and compares them). A question is asked with a `filters.Filters` value: within a filter
any chosen value passes, and a row must pass every filter (actors named in the passage;
outlet; years the date's span meets; precision; the text search, a substring of the passage
compared folded, `filters.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from .. import render
from ..filters import Filters, Options


@dataclass(frozen=True)
class Counts:
    """What a view holds: dated statements, the documents they come from, and the resolved
    happenings they date."""

    statements: int
    documents: int
    happenings: int
    undated: int  # statements without a resolved date: listed, not drawn


class Store(Protocol):
    rows: int  # dated statements in the whole table
    articles: int  # documents the table comes from
    opts: Options  # the values each filter offers
    span: tuple[str, str] | None  # the first and last day any statement names (None: no date)
    span_words: tuple[str, str] | None  # the same in words, the first at its own precision ("1994")

    def counts(self, f: Filters) -> Counts: ...

    def facet_counts(self, f: Filters) -> dict[str, dict[str, int]]:
        """Statements per value of each facet (actors, sources, precision), within every other filter."""

    def relax_hints(self, f: Filters) -> list[str]:
        """For an empty view: how many statements each filter, dropped alone, would let through."""

    def period_counts(self, f: Filters) -> tuple[pd.DataFrame, str]:
        """Resolved statements per month (per year over more than 20 years) and precision,
        each spread over the months its span covers (`filters.TableIndex.period_counts`)."""

    def marks(self, f: Filters, lanes: str) -> int:
        """How many marks the chart would draw: one per happening shown and lane."""

    def happenings(self, f: Filters, limit: int | None = None) -> pd.DataFrame:
        """The happenings view's rows (`happening_view.VIEW_COLUMNS`) of the resolved
        happenings with a statement in the view, in the view's order."""

    def happening_rows(self, ids: list[str]) -> pd.DataFrame:
        """The view's rows of these happenings, in the view's order (unknown ids left out)."""

    def events(self, f: Filters, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
        """The statements in the view, in table order (by date): `limit` of them from `offset`."""

    def selected(self, f: Filters, selection: dict) -> pd.DataFrame | None:
        """The statements in the view that a chart selection holds (`filters.selected_events`)."""

    def mentions_of(self, ids: list[str]) -> pd.DataFrame:
        """Every statement, from every source, of the happenings `ids`, in table order."""

    def event(self, event_id: str) -> pd.DataFrame:
        """The statement with this id (no row when the table lacks it)."""

    def document(self, doc_id: str) -> pd.DataFrame:
        """Every statement of one document, in table order."""

    def documents(self, limit: int | None = None) -> pd.DataFrame:
        """The documents, one row each (`document_labels`), the first `limit` by label."""

    def table_page(self, f: Filters, kind: str, sort: str, descending: bool, offset: int,
                   limit: int) -> tuple[pd.DataFrame, int]:
        """The table view over the whole view (`TABLE_COLUMNS[kind]`: its happenings, resolved or
        not, or its statements), sorted by `sort` (`sorted_table`): `limit` rows from `offset`,
        and how many rows the whole table view has."""

    def events_by_id(self, ids: list[str]) -> pd.DataFrame:
        """The statements with these ids, in table order (unknown ids left out)."""

    def cards(self, rows: pd.DataFrame, query: str = "", linked_docs=None, keep: str = "") -> list[str]:
        """Passage cards (HTML, `render.passage_card`) of statements this store returned, the
        text search's hits marked; `linked_docs`: the documents whose article a card may link
        to (all when None); `keep`: the view's query string, kept in those links."""


def document_labels(firsts: pd.DataFrame) -> pd.DataFrame:
    """One row a document (`firsts`: a statement of each, with doc_id, title, source and
    published): its label (title, outlet, date), by doc_id, in label order."""
    docs = firsts.set_index("doc_id")
    label = (docs["title"].where(docs["title"] != "", docs.index.to_series()) + " — "
             + docs["source"].where(docs["source"] != "", "unknown outlet")
             + docs["published"].map(lambda p: f", {p}" if p else ""))
    return pd.DataFrame({"label": label}).sort_values("label", kind="stable")


def describe_happening(h) -> str:
    """A happening (a row of the happenings view) in one line: when, what, how many outlets."""
    when = render.when_words(h.date_start, h.date_end, h.granularity)
    told = f" · {render.plural(h.outlets, 'outlet')}" if h.outlets > 1 else ""
    return f"{when} — {h.what[:90]}{told}"


def describe_event(r) -> str:
    """A dated statement (a row of the events table) in one line: its date words and the start
    of its passage."""
    return f"“{r.mention}” — {r.passage[:70]}… ({r.source or r.doc_id})"


TABLE_COLUMNS = {
    "happening": ["what", "date_start", "date_end", "granularity", "relation", "outlets", "documents", "mentions",
                  "sources", "actors", "first_reported", "disagree", "happening_id"],
    "dated statement": ["mention", "date_start", "date_end", "granularity", "relation", "source", "published",
                        "actors", "what", "passage", "corrected", "event_id", "happening_id"],
}


def table_view(store: Store, kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The table view's rows: the happenings these statements date, or the statements themselves."""
    if kind == "happening":
        return store.happening_rows(list(dict.fromkeys(rows["happening_id"])))[TABLE_COLUMNS[kind]]
    return rows[TABLE_COLUMNS[kind]]


def sorted_table(frame: pd.DataFrame, sort: str, descending: bool) -> pd.DataFrame:
    """The table view's rows by one column: text in code-point order with blank cells last
    either way, ties in the order the rows came (`Store.table_page` sorts so too)."""
    if sort not in frame.columns:
        raise ValueError(f"no column {sort!r} to sort by")
    text = pd.api.types.is_string_dtype(frame[sort]) or frame[sort].dtype == object
    return frame.sort_values(sort, ascending=not descending, kind="stable", na_position="last",
                             key=(lambda c: c.where(c != "")) if text else None)


LARGE_TABLE_ROWS = 250_000  # from this many statements on, a table is not held in memory


def open_store(events: str | Path, happenings: str | Path | None = None) -> Store:
    """The store for a table written by the build: DuckDB for a Parquet table named with its
    happenings view (`happenings`: the build's `--happenings` file), the memory store for the
    rest, which may not hold `LARGE_TABLE_ROWS` statements or more."""
    from .memory import MemoryStore

    path = Path(events)
    parquet = path.suffix.lower() == ".parquet" or path.is_dir()
    if parquet and happenings is not None:
        from .duckdb import DuckDBStore

        return DuckDBStore(path, happenings)
    if happenings is not None:
        raise ValueError(f"{path.name}: a table is read with its happenings view from Parquet only "
                         "(explorer build ... --out table.parquet --happenings view.parquet)")
    from ..events import read_table

    if parquet:
        from .duckdb import parquet_files, parquet_rows

        if parquet_rows(path) >= LARGE_TABLE_ROWS:
            raise ValueError(f"{path.name}: a table of {LARGE_TABLE_ROWS:,} statements or more is read with its "
                             "happenings view (explorer build ... --happenings view.parquet; EVENTS_HAPPENINGS)")
        return MemoryStore(pd.concat([read_table(f) for f in parquet_files(path)], ignore_index=True))
    return MemoryStore(read_table(path))
