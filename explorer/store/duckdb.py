"""The DuckDB store: the page's questions asked of the Parquet files the build writes (the
events table, sorted by date in row groups, and its happenings view), so that only what is
shown is read and nothing the size of the table is held in memory.

Each question is one SQL query over `read_parquet` (DuckDB pushes the filters down into the
scan and skips the row groups whose statistics rule them out); the filter semantics are the
memory store's (tests/test_store.py compares every answer). A connection's cursor per
question: sessions ask from several threads at once.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..actors import SEPARATOR
from ..events import COLUMNS
from ..filters import FOLDS, PRECISION_ORDER, Filters, Options, TableIndex, relax_hints, search_key, selected_ranges
from ..happening_view import VIEW_COLUMNS
from .. import render
from . import TABLE_COLUMNS, Counts, document_labels

MEMORY_LIMIT = "1GB"  # DuckDB's own, per store: beyond it, it spills to disk or says no
THREADS = 2
SPREAD_MONTHS = TableIndex.SPREAD_MONTHS  # a longer span counts at its start alone
KEPT_ANSWERS = 512  # answers kept, the least recently asked dropped first
KEPT_FRAME_ROWS = 5_000  # an answer with more rows than this is asked again when wanted again
KEPT_ROWS = 100_000  # rows of all kept answers together (tens of megabytes whatever readers ask)
# A text search reads every passage (at 5M statements, half a second a question, and a view
# asks six): the places of the statements a search matched are found once and kept, and the
# counting questions ask for those places instead. Kept for the last few searches, each of at
# most KEPT_MATCHES statements (8 bytes each); a search matching more scans each time.
KEPT_SEARCHES = 4
KEPT_MATCHES = 1_000_000
FOLDED_PASSAGE = "lower(passage)"  # the passage as the text search compares it: as filters.fold
for _letter, _into in FOLDS:
    FOLDED_PASSAGE = f"replace({FOLDED_PASSAGE}, '{_letter}', '{_into}')"


def _rows(answer) -> int:
    """The rows an answer holds (its frames')."""
    if isinstance(answer, pd.DataFrame):
        return len(answer)
    return sum(_rows(a) for a in answer) if isinstance(answer, tuple) else 0


def _kept(question):
    """A question whose answers the store keeps (`DuckDBStore._remembered`)."""
    @functools.wraps(question)
    def asked(self, *args, **kwargs):
        key = tuple(tuple(a) if isinstance(a, list) else a for a in args)  # ids come as lists
        return self._remembered((question.__name__, key, tuple(sorted(kwargs.items()))),
                                lambda: question(self, *args, **kwargs))
    return asked


def parquet_files(path: Path) -> list[str]:
    """A Parquet file, or a folder's Parquet files in name order (the build's parts)."""
    if path.is_dir():
        files = sorted(str(p) for p in path.glob("*.parquet"))
        if not files:
            raise ValueError(f"{path.name}: a folder with no .parquet file")
        return files
    return [str(path)]


def parquet_rows(path: Path) -> int:
    """Rows in a Parquet file or folder, from the files' footers (no row is read)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(path))


def repr_column(name: str) -> str:
    """A column's name as SQL (the names are the project's own: quoted, never a reader's)."""
    return '"' + name.replace('"', '""') + '"'


def _literal(files: list[str]) -> str:
    """A list of paths as an SQL list of string literals (DuckDB's table functions take no
    parameters for their files)."""
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


class ParquetTexts:
    """The texts table the build writes (`--texts`: doc_id, title, text), as a read-only
    mapping doc_id -> (text, title) that reads one article when asked for it."""

    def __init__(self, path: str | Path):
        self._con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS})
        self._lock = threading.Lock()
        self._con.execute(f"CREATE VIEW texts AS SELECT doc_id, title, text FROM read_parquet("
                          f"{_literal(parquet_files(Path(path)))})")
        self._ids = {d for (d,) in self._con.execute("SELECT doc_id FROM texts").fetchall()}

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._ids

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, doc_id: str) -> tuple[str, str]:
        with self._lock:
            cur = self._con.cursor()
        with cur:
            found = cur.execute("SELECT text, title FROM texts WHERE doc_id = ? LIMIT 1", [doc_id]).fetchall()
        if not found:
            raise KeyError(doc_id)
        return found[0]


class DuckDBStore:
    def __init__(self, events: str | Path, happenings: str | Path):
        # Insertion order kept: a filtered scan returns rows in table order (file, then row), so
        # that a page of the view streams from its offset; ORDER BY would sort the whole view first.
        self._con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS,
                                           "preserve_insertion_order": True})
        self._lock = threading.Lock()  # creating cursors, the kept answers
        self._answers: OrderedDict[tuple, object] = OrderedDict()
        self._kept_rows = 0
        self._searches: OrderedDict[str, object] = OrderedDict()  # search key: its rows (a pyarrow table) or None
        self._files = parquet_files(Path(events))
        # `_pos`: the row's place in the table (file, then row in file): the table's order
        self._con.execute(f"""
            CREATE VIEW ev AS SELECT * EXCLUDE (filename, file_row_number),
                filename AS _file, file_row_number AS _row,
                TRY_CAST(substr(date_start, 1, 4) AS BIGINT) AS _first_year,
                TRY_CAST(substr(date_end, 1, 4) AS BIGINT) AS _last_year
            FROM read_parquet({_literal(self._files)}, filename = true, file_row_number = true)""")
        self._con.execute(f"""
            CREATE VIEW hv AS SELECT * EXCLUDE (filename, file_row_number),
                filename AS _file, file_row_number AS _row
            FROM read_parquet({_literal(parquet_files(Path(happenings)))}, filename = true, file_row_number = true)""")
        self._types = {view: {name: kind for (name, kind, *_) in self._all(f"DESCRIBE {view}")}
                       for view in ("ev", "hv")}
        missing = set(COLUMNS) - set(self._columns("ev"))
        if missing:
            raise ValueError(f"{Path(events).name}: not an events table (no {', '.join(sorted(missing))})")
        missing = set(VIEW_COLUMNS) - set(self._columns("hv"))
        if missing:
            raise ValueError(f"{Path(happenings).name}: not a happenings view (no {', '.join(sorted(missing))})")
        rows, articles, first, last, span_start, span_end = self._one(
            "SELECT count(*), count(DISTINCT doc_id), min(_first_year), max(_last_year), "
            "min(date_start) FILTER (date_start != ''), max(date_end) FILTER (date_start != '') FROM ev")
        self.rows, self.articles = int(rows), int(articles)
        self.span = (span_start, span_end) if span_start is not None else None
        self.span_words = None
        if self.span:  # the first at the precision of the statement that names it, as the memory store
            earliest = self._all("SELECT date_start, date_end, granularity FROM ev WHERE date_start = ? "
                                 "ORDER BY _file, _row LIMIT 1", [span_start])[0]
            self.span_words = (render.when_words(*earliest), render.when_words(span_end, span_end, "day"))
        actors = [a for (a,) in self._all(
            f"SELECT DISTINCT unnest(string_split(actors, '{SEPARATOR}')) FROM ev") if a]
        sources = [s for (s,) in self._all("SELECT DISTINCT source FROM ev") if s]
        present = {g for (g,) in self._all("SELECT DISTINCT granularity FROM ev")}
        self.opts = Options(
            actors=sorted(actors), sources=sorted(sources),
            years=(int(first), int(last)) if first is not None else (2000, 2030),
            precision=[p for p in PRECISION_ORDER if p in present] + sorted(present - set(PRECISION_ORDER) - {""}))

    # --- plumbing ------------------------------------------------------------------------------

    def _remembered(self, key: tuple, answer):
        """The answer to a question asked before (`key`), or `answer()` kept for the next reader:
        every rerun of a view asks its questions again, and readers share the table. An answer
        holding more than `KEPT_FRAME_ROWS` rows is not kept; a kept one is given as a copy."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return copy.deepcopy(self._answers[key])
        found = answer()
        rows = _rows(found)
        if rows <= KEPT_FRAME_ROWS:
            with self._lock:
                if key not in self._answers:
                    self._answers[key] = copy.deepcopy(found)
                    self._kept_rows += rows
                while len(self._answers) > KEPT_ANSWERS or self._kept_rows > KEPT_ROWS:
                    self._kept_rows -= _rows(self._answers.popitem(last=False)[1])
        return found

    def _cursor(self):
        with self._lock:
            return self._con.cursor()

    def _asked(self, sql: str, params=(), tables=None):
        """`sql` run on a cursor of its own; `tables`: name -> pyarrow table, seen by this query
        alone (another session's question never sees it go). Its result, to be fetched at once."""
        cur = self._cursor()
        try:
            for name, table in (tables or {}).items():
                cur.register(name, table)
            return cur, cur.execute(sql, list(params))
        except BaseException:
            cur.close()
            raise

    def _all(self, sql: str, params=(), tables=None) -> list[tuple]:
        cur, result = self._asked(sql, params, tables)
        with cur:
            return result.fetchall()

    def _one(self, sql: str, params=(), tables=None) -> tuple:
        return self._all(sql, params, tables)[0]

    def _frame(self, sql: str, params=(), tables=None) -> pd.DataFrame:
        cur, result = self._asked(sql, params, tables)
        with cur:
            return result.df()

    def _columns(self, view: str) -> list[str]:
        return list(self._types[view])

    @staticmethod
    def _where(f: Filters, skip: str = "") -> tuple[str, list]:
        """The SQL condition of every filter in `f` but `skip`, with its parameters."""
        parts, params = ["TRUE"], []
        if f.actors and skip != "actors":
            parts.append(f"list_has_any(string_split(actors, '{SEPARATOR}'), ?::VARCHAR[])")
            params.append(list(f.actors))
        if f.sources and skip != "sources":
            parts.append("list_contains(?::VARCHAR[], source)")
            params.append(list(f.sources))
        if f.years and skip != "years":
            parts.append("_first_year <= ? AND _last_year >= ?")  # the span meets the range
            params += [f.years[1], f.years[0]]
        if f.precision and skip != "precision":
            parts.append("list_contains(?::VARCHAR[], granularity)")
            params.append(list(f.precision))
        if f.q.strip() and skip != "q":
            parts.append(f"contains({FOLDED_PASSAGE}, ?)")
            params.append(search_key(f.q))
        return " AND ".join(parts), params

    def _counted(self, f: Filters, skip: str = "") -> tuple[str, list, dict]:
        """`_where` for the questions that count (no order kept): a text search as the places it
        matched (`KEPT_SEARCHES`), with the tables the condition names."""
        if not f.q.strip() or skip == "q":
            return (*self._where(f, skip), {})
        places = self._places(search_key(f.q))
        if places is None:
            return (*self._where(f, skip), {})
        where, params = self._where(replace(f, q=""), skip)
        return f"{where} AND _row IN (SELECT _row FROM matched)", params, {"matched": places}

    def _places(self, key: str):
        """The rows (`_row`) of the statements whose passage holds `key`, as a pyarrow table; None
        when more than KEPT_MATCHES do, or the table is a folder of parts (a row is then a part
        and a row in it: twice the memory, kept for one file, the build's)."""
        if len(self._files) != 1:
            return None
        with self._lock:
            if key in self._searches:
                self._searches.move_to_end(key)
                return self._searches[key]
        with self._cursor() as cur:  # no LIMIT: it would make the scan keep order, twice as slow
            found = cur.execute(f"SELECT _row FROM ev WHERE contains({FOLDED_PASSAGE}, ?)", [key]).fetchnumpy()["_row"]
        found = pa.table({"_row": found}) if len(found) <= KEPT_MATCHES else None
        with self._lock:
            self._searches[key] = found
            self._searches.move_to_end(key)
            while len(self._searches) > KEPT_SEARCHES:
                self._searches.popitem(last=False)
        return found

    _EVENTS = ", ".join(repr_column(c) for c in COLUMNS)
    _VIEW = ", ".join(repr_column(c) for c in VIEW_COLUMNS)

    # --- the questions (explorer.store.Store) -------------------------------------------------

    @_kept
    def counts(self, f: Filters) -> Counts:
        where, params, tables = self._counted(f)
        # the whole table's articles are counted once, as it opens: a distinct count of millions
        articles = "0" if where == "TRUE" else "count(DISTINCT doc_id)"
        statements, documents, undated = self._one(
            f"SELECT count(*), {articles}, count(*) FILTER (_first_year IS NULL) FROM ev WHERE {where}",
            params, tables)
        documents = self.articles if where == "TRUE" else documents
        shown, params, tables = self._shown(f)
        (happenings,) = self._one(f"SELECT count(*) FROM hv WHERE {shown}", params, tables)
        return Counts(int(statements), int(documents), int(happenings), int(undated))

    @_kept
    def facet_counts(self, f: Filters) -> dict[str, dict[str, int]]:
        out = {}
        where, params, tables = self._counted(f, "actors")
        out["actors"] = dict(self._all(
            f"SELECT name, count(*) FROM (SELECT unnest(string_split(actors, '{SEPARATOR}')) AS name FROM ev "
            f"WHERE {where}) WHERE name != '' GROUP BY name", params, tables))
        for facet, column in (("sources", "source"), ("precision", "granularity")):
            where, params, tables = self._counted(f, facet)
            out[facet] = dict(self._all(f"SELECT {column}, count(*) FROM ev WHERE {where} GROUP BY {column}", params,
                                        tables))
        return {facet: {value: int(n) for value, n in counts.items()} for facet, counts in out.items()}

    @_kept
    def relax_hints(self, f: Filters) -> list[str]:
        return relax_hints(lambda view: self.counts(view).statements, f)

    @_kept
    def period_counts(self, f: Filters) -> tuple[pd.DataFrame, str]:
        where, params, tables = self._counted(f)
        # rows alike in (precision, first month, months) are counted together before they are
        # spread over their months: the spread costs per kind of span, not per row
        rows = self._all(f"""
            WITH spans AS (
                SELECT granularity,
                    _first_year * 12 + coalesce(TRY_CAST(substr(date_start, 6, 2) AS BIGINT), 1) - 1 AS first_month,
                    greatest(_last_year * 12 + coalesce(TRY_CAST(substr(date_end, 6, 2) AS BIGINT), 1) - 1
                             - (_first_year * 12 + coalesce(TRY_CAST(substr(date_start, 6, 2) AS BIGINT), 1) - 1) + 1,
                             1) AS months
                FROM ev WHERE _first_year IS NOT NULL AND {where}),
            kinds AS (
                SELECT granularity, first_month, CASE WHEN months > {SPREAD_MONTHS} THEN 1 ELSE months END AS months,
                    count(*) AS n FROM spans GROUP BY ALL)
            SELECT granularity, first_month + k AS month, sum(n / months) AS events
            FROM kinds, range(months) AS r(k) GROUP BY ALL""", params, tables)
        if not rows:
            return pd.DataFrame({"period": [], "granularity": [], "events": []}), "month"
        months = [m for _, m, _ in rows]
        by_year = max(months) // 12 - min(months) // 12 > 20
        summed: dict[tuple[int, str], float] = {}
        for granularity, month, events in rows:
            key = (month // 12 if by_year else month, granularity)
            summed[key] = summed.get(key, 0.0) + events
        kept = sorted((k, v) for k, v in summed.items() if v > 1e-9)
        labels = [f"{p:04d}" if by_year else f"{p // 12:04d}-{p % 12 + 1:02d}" for (p, _), _ in kept]
        return (pd.DataFrame({"period": labels, "granularity": [g for (_, g), _ in kept],
                              "events": [v for _, v in kept]}), "year" if by_year else "month")

    def _shown(self, f: Filters) -> tuple[str, list, dict]:
        """The resolved happenings with a statement in the view, as a condition on `hv` (and the
        tables it names)."""
        where, params, tables = self._counted(f)
        if where == "TRUE":  # every happening has a statement in the table
            return "date_start != ''", [], {}
        return f"date_start != '' AND happening_id IN (SELECT happening_id FROM ev WHERE {where})", params, tables

    @_kept
    def marks(self, f: Filters, lanes: str) -> int:
        shown, params, tables = self._shown(f)
        lane = {"actor": f"len(string_split(actors, '{SEPARATOR}'))",
                "source": f"len(string_split(sources, '{SEPARATOR}'))"}.get(lanes, "1")  # "" is one lane
        (n,) = self._one(f"SELECT coalesce(sum({lane}), 0) FROM hv WHERE {shown}", params, tables)
        return int(n)

    @_kept
    def happenings(self, f: Filters, limit: int | None = None) -> pd.DataFrame:
        shown, params, tables = self._shown(f)
        # ordered: the semi-join with the view's statements does not keep the view's order
        return self._frame(f"SELECT {self._VIEW} FROM hv WHERE {shown} ORDER BY _file, _row"
                           + (" LIMIT ?" if limit is not None else ""), params + ([limit] if limit is not None else []), tables)

    @_kept
    def happening_rows(self, ids: list[str]) -> pd.DataFrame:
        return self._frame(f"SELECT {self._VIEW} FROM hv WHERE happening_id IN (SELECT unnest(?::VARCHAR[])) "
                           "ORDER BY _file, _row", [list(ids)])

    @_kept
    def events(self, f: Filters, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
        where, params = self._where(f)
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE {where} "
                           + ("LIMIT ? " if limit is not None else "") + "OFFSET ?",
                           params + ([limit] if limit is not None else []) + [offset])

    def selected(self, f: Filters, selection: dict) -> pd.DataFrame | None:
        ranges = selected_ranges(selection)
        if ranges is None:
            return None
        where, params = self._where(f)
        met = " OR ".join("(date_start <= ? AND date_end >= ?)" for _ in ranges)
        params += [d for first, last in ranges for d in (last, first)]
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE {where} AND date_start != '' AND ({met})", params)

    def mentions_of(self, ids: list[str]) -> pd.DataFrame:
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE happening_id IN (SELECT unnest(?::VARCHAR[])) "
                           "ORDER BY _file, _row", [list(ids)])

    def event(self, event_id: str) -> pd.DataFrame:
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE event_id = ? ORDER BY _file, _row LIMIT 1", [event_id])

    def document(self, doc_id: str) -> pd.DataFrame:
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE doc_id = ? ORDER BY _file, _row", [doc_id])

    @_kept
    def table_page(self, f: Filters, kind: str, sort: str, descending: bool, offset: int,
                   limit: int) -> tuple[pd.DataFrame, int]:
        columns = TABLE_COLUMNS[kind]
        if sort not in columns:
            raise ValueError(f"no column {sort!r} to sort by")
        where, params = self._where(f)
        if kind == "happening":
            source = "hv" + ("" if where == "TRUE" else f" WHERE happening_id IN (SELECT happening_id FROM ev WHERE {where})")
        else:
            source = f"ev WHERE {where}"
        text = self._types["hv" if kind == "happening" else "ev"][sort] == "VARCHAR"
        # blank text last either way, ties in table order: as sorted_table sorts in memory
        order = (f'"{sort}" = \'\', ' if text else "") + f'"{sort}"{" DESC" if descending else ""}, _file, _row'
        (total,) = self._one(f"SELECT count(*) FROM {source}", params)
        page = self._frame(f"SELECT {', '.join(repr_column(c) for c in columns)} FROM {source} "
                           f"ORDER BY {order} LIMIT ? OFFSET ?", params + [limit, offset])
        return page, int(total)

    def events_by_id(self, ids: list[str]) -> pd.DataFrame:
        return self._frame(f"SELECT {self._EVENTS} FROM ev WHERE event_id IN (SELECT unnest(?::VARCHAR[])) "
                           "ORDER BY _file, _row", [list(ids)])

    @_kept
    def documents(self, limit: int | None = None) -> pd.DataFrame:
        firsts = self._frame("SELECT DISTINCT ON (doc_id) doc_id, title, source, published FROM ev "
                             "ORDER BY doc_id, _file, _row")
        return document_labels(firsts).iloc[:limit]

    def cards(self, rows: pd.DataFrame, query: str = "", linked_docs=None, keep: str = "") -> list[str]:
        view = self.happening_rows(list(dict.fromkeys(rows["happening_id"]))).set_index("happening_id", drop=False)
        return [render.passage_card(row, view.loc[row.happening_id] if row.happening_id in view.index else None,
                                    query, doc_link=linked_docs is None or row.doc_id in linked_docs, keep=keep)
                for row in rows.itertuples(index=False)]

    def close(self) -> None:
        self._con.close()
