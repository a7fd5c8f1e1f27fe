"""The memory store: the events table held whole and made ready once, so that a question costs a
few array operations.

It holds the table with its filter options (`filters.options`), its index (`filters.TableIndex`:
each filter's rows precomputed per value), its happenings (`happening_view.view`) with, per
statement, the happening it dates, and each statement's passage card, rendered the first time
it is shown and kept (a card is a pure function of its row and its happening). Row labels are
table positions: a frame it returns says where its rows stand.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import filters, happening_view, render
from ..actors import SEPARATOR
from ..filters import Filters
from . import Counts, document_labels, sorted_table, table_view

MAX_KEPT_CARDS = 20_000  # then the kept cards are dropped and rendered again as needed


class MemoryStore:
    def __init__(self, table: pd.DataFrame, articles: int | None = None):
        """`articles`: how many documents the table comes from (some may hold no dated statement)."""
        self.table = table = table.reset_index(drop=True)  # positions are labels
        self.rows = len(table)
        self.opts = filters.options(table)
        self.index = filters.TableIndex(table)
        self.articles = table["doc_id"].nunique() if articles is None else articles
        self.view = happening_view.view(table)
        # per statement, its happening's row in the view; per happening, its statements, in table order
        self.happening_of = pd.Index(self.view["happening_id"]).get_indexer(table["happening_id"])
        order = np.argsort(self.happening_of, kind="stable")
        self._mentions = (order, np.searchsorted(self.happening_of[order], np.arange(len(self.view) + 1)))
        self.view_resolved = (self.view["date_start"] != "").to_numpy()
        self.lane_count = {lanes: self.view[column].str.count(re.escape(SEPARATOR)).to_numpy() + 1  # "" is one lane
                           for lanes, column in (("actor", "actors"), ("source", "sources"))}
        self._view_row = {h: i for i, h in enumerate(self.view["happening_id"].tolist())}
        self._position = {e: i for i, e in enumerate(table["event_id"].tolist())}
        self._cards: dict[tuple[int, str, str, bool], str] = {}
        resolved = table[table["date_start"] != ""]
        self.span = (resolved["date_start"].min(), resolved["date_end"].max()) if len(resolved) else None
        self.span_words = None
        if len(resolved):
            first = resolved.loc[resolved["date_start"].idxmin()]
            self.span_words = (render.when_words(first["date_start"], first["date_end"], first["granularity"]),
                               render.when_words(self.span[1], self.span[1], "day"))

    def _happenings_in(self, mask: np.ndarray) -> np.ndarray:
        """The view rows of the resolved happenings that have a statement in `mask`."""
        found = np.flatnonzero(np.bincount(self.happening_of[mask], minlength=len(self.view_resolved)))
        return found[self.view_resolved[found]]

    # --- the questions (explorer.store.Store) -------------------------------------------------

    def counts(self, f: Filters) -> Counts:
        mask = self.index.mask(f)
        return Counts(int(mask.sum()), int(self.table["doc_id"][mask].nunique()),
                      len(self._happenings_in(mask)), int((mask & ~self.index.resolved).sum()))

    def facet_counts(self, f: Filters) -> dict[str, dict[str, int]]:
        return self.index.all_facet_counts(f)

    def relax_hints(self, f: Filters) -> list[str]:
        return filters.relax_hints(self.index, f)

    def period_counts(self, f: Filters) -> tuple[pd.DataFrame, str]:
        return self.index.period_counts(self.index.mask(f))

    def marks(self, f: Filters, lanes: str) -> int:
        shown = self._happenings_in(self.index.mask(f))
        return int(self.lane_count[lanes][shown].sum()) if lanes in self.lane_count else len(shown)

    def happenings(self, f: Filters, limit: int | None = None) -> pd.DataFrame:
        return self.view.iloc[self._happenings_in(self.index.mask(f))[:limit]]

    def happening_rows(self, ids: list[str]) -> pd.DataFrame:
        rows = [self._view_row[h] for h in dict.fromkeys(ids) if h in self._view_row]
        return self.view.iloc[sorted(rows)]

    def events(self, f: Filters, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
        positions = np.flatnonzero(self.index.mask(f))
        return self.table.iloc[positions[offset:None if limit is None else offset + limit]]

    def selected(self, f: Filters, selection: dict) -> pd.DataFrame | None:
        return filters.selected_events(self.table[self.index.mask(f)], selection)

    def mentions_of(self, ids: list[str]) -> pd.DataFrame:
        order, bounds = self._mentions
        rows = [self._view_row.get(h, -1) for h in ids]
        parts = [order[bounds[r]:bounds[r + 1]] for r in rows if r >= 0]
        return self.table.iloc[np.sort(np.concatenate(parts)) if parts else []]

    def event(self, event_id: str) -> pd.DataFrame:
        position = self._position.get(event_id, -1)
        return self.table.iloc[[position] if position >= 0 else []]

    def document(self, doc_id: str) -> pd.DataFrame:
        return self.table[self.table["doc_id"] == doc_id]

    def documents(self, limit: int | None = None) -> pd.DataFrame:
        return document_labels(self.table.drop_duplicates("doc_id")).iloc[:limit]

    def table_page(self, f: Filters, kind: str, sort: str, descending: bool, offset: int,
                   limit: int) -> tuple[pd.DataFrame, int]:
        frame = sorted_table(table_view(self, kind, self.events(f)), sort, descending)
        return frame.iloc[offset:offset + limit], len(frame)

    def events_by_id(self, ids: list[str]) -> pd.DataFrame:
        return self.table.iloc[sorted({self._position[e] for e in ids if e in self._position})]

    def cards(self, rows: pd.DataFrame, query: str = "", linked_docs=None, keep: str = "") -> list[str]:
        out = []
        for i, row in zip(rows.index.tolist(), rows.itertuples(index=False)):
            key = (i, query, keep, linked_docs is None or row.doc_id in linked_docs)
            card = self._cards.get(key)
            if card is None:
                if len(self._cards) >= MAX_KEPT_CARDS:
                    self._cards.clear()
                card = self._cards[key] = render.passage_card(row, self.view.iloc[self.happening_of[i]], query,
                                                              doc_link=key[3], keep=keep)
            out.append(card)
        return out
