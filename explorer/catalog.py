"""An events table made ready for the page once, so that a rerun only looks things up.

A `Catalog` holds the table with its filter options (`filters.options`), its
index (`filters.TableIndex`), its happenings (`happening_view.view`) with, per mention,
the happening it dates, the one-line summary, and each event's passage card,
rendered the first time it is shown and kept (a card is a pure function of its row
and its happening).
"""

from __future__ import annotations

import re
from collections import namedtuple

import numpy as np
import pandas as pd

from . import filters, happening_view, render
from .actors import SEPARATOR
from .events import COLUMNS

MAX_KEPT_CARDS = 20_000  # then the kept cards are dropped and rendered again as needed


class Catalog:
    def __init__(self, table: pd.DataFrame, articles: int | None = None):
        """`articles`: how many documents the table comes from (some may hold no dated statement)."""
        self.table = table = table.reset_index(drop=True)  # positions are labels
        self.opts = filters.options(table)
        self.index = filters.TableIndex(table)
        resolved = table[table["date_start"] != ""]
        span = (f"dates from {resolved['date_start'].min()} to {resolved['date_end'].max()}"
                if len(resolved) else "no dates")
        self.articles = articles = table["doc_id"].nunique() if articles is None else articles
        self.summary = (f"**{articles} articles · {len(table)} dated statements · "
                        f"{len(self.opts.actors)} actors · {span}**")
        self._columns = [table[c].to_numpy(dtype=object) for c in COLUMNS]
        self._row = namedtuple("Event", COLUMNS)
        self._cards: dict[tuple[int, str], str] = {}
        self.view = happening_view.view(table)
        # per mention, its happening's row in the view; per happening, its mentions, in table order
        self.happening_of = pd.Index(self.view["happening_id"]).get_indexer(table["happening_id"])
        order = np.argsort(self.happening_of, kind="stable")
        bounds = np.searchsorted(self.happening_of[order], np.arange(len(self.view) + 1))
        self._mentions = (order, bounds)
        self.view_resolved = (self.view["date_start"] != "").to_numpy()
        self.lane_count = {lanes: self.view[column].str.count(re.escape(SEPARATOR)).to_numpy() + 1  # "" is one lane
                           for lanes, column in (("actor", "actors"), ("source", "sources"))}
        self.lane_count["none"] = np.ones(len(self.view), dtype=np.int64)
        # by id, to a view row or a table position (looked up per option of a list, per rerun)
        self._view_row = {h: i for i, h in enumerate(self.view["happening_id"].tolist())}
        self._position = {e: i for i, e in enumerate(table["event_id"].tolist())}
        self.happening_ids, self.event_ids = self._view_row.keys(), self._position.keys()
        self.span = (resolved["date_start"].min(), resolved["date_end"].max()) if len(resolved) else None
        self.span_words = None  # the same, each end in words at its own precision ("1994", "13 August 2025")
        if len(resolved):
            first = resolved.loc[resolved["date_start"].idxmin()]
            last = resolved.loc[resolved["date_end"].idxmax()]
            self.span_words = (render.when_words(first["date_start"], first["date_end"], first["granularity"]),
                               render.when_words(last["date_end"], last["date_end"], "day"))

    def happenings_in(self, mask: np.ndarray) -> np.ndarray:
        """The view rows of the resolved happenings that have a mention in `mask`."""
        found = np.flatnonzero(np.bincount(self.happening_of[mask], minlength=len(self.view_resolved)))
        return found[self.view_resolved[found]]

    def marks(self, shown: np.ndarray, lanes: str) -> int:
        """How many marks the chart would draw: one per happening and lane."""
        return int(self.lane_count[lanes][shown].sum())

    def mentions_of(self, ids) -> np.ndarray:
        """Table positions of every mention, from every source, of the happenings `ids`."""
        order, bounds = self._mentions
        rows = [self._view_row.get(h, -1) for h in ids]
        parts = [order[bounds[r]:bounds[r + 1]] for r in rows if r >= 0]
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)

    def position_of(self, event_id: str) -> int:
        """The table position of an event (-1 when the table lacks it)."""
        return self._position.get(event_id, -1)

    def happening_of_event(self, event_id: str) -> str:
        return self.table["happening_id"].iloc[self.position_of(event_id)]

    def describe_happening(self, happening_id: str) -> str:
        """A happening in one line: when, what, how many outlets (for a list to choose from)."""
        h = self.view.iloc[self._view_row[happening_id]]
        when = render.when_words(h.date_start, h.date_end, h.granularity)
        told = f" · {render.plural(h.outlets, 'outlet')}" if h.outlets > 1 else ""
        return f"{when} — {h.what[:90]}{told}"

    def describe_event(self, event_id: str) -> str:
        """A dated statement in one line: its date words and the start of its passage."""
        r = self.row(self.position_of(event_id))
        return f"“{r.mention}” — {r.passage[:70]}… ({r.source or r.doc_id})"

    TABLE_COLUMNS = {
        "happening": ["what", "date_start", "date_end", "granularity", "relation", "outlets", "documents", "mentions",
                      "sources", "actors", "first_reported", "disagree", "happening_id"],
        "dated statement": ["mention", "date_start", "date_end", "granularity", "relation", "source", "published",
                            "actors", "what", "passage", "corrected", "event_id", "happening_id"],
    }

    def table_view(self, kind: str, positions) -> pd.DataFrame:
        """The table view's rows: the happenings of these mentions, or the mentions themselves."""
        if kind == "happening":
            rows = np.unique(self.happening_of[np.asarray(positions, dtype=np.int64)])
            return self.view.iloc[rows][self.TABLE_COLUMNS[kind]]
        return self.table.iloc[positions][self.TABLE_COLUMNS[kind]]

    def documents(self) -> pd.DataFrame:
        """One row a document: its label (title, outlet, date), by doc_id."""
        docs = self.table.drop_duplicates("doc_id").set_index("doc_id")
        label = docs["title"].where(docs["title"] != "", docs.index.to_series()) + " — " + docs["source"].where(
            docs["source"] != "", "unknown outlet") + docs["published"].map(lambda p: f", {p}" if p else "")
        return pd.DataFrame({"label": label}).sort_values("label")

    def dates_in(self, doc_id: str) -> list[tuple[int, int, str]]:
        rows = self.table[self.table["doc_id"] == doc_id]
        return list(zip(rows["mention_start"], rows["mention_end"], rows["event_id"]))

    @staticmethod
    def actor_spans(doc_id: str, text: str, added=()) -> list[tuple[int, int]]:
        from .actors import ActorIndex, load_actors

        return [(m.start, m.end) for m in ActorIndex(load_actors() + list(added)).find(text)]

    def column(self, name: str) -> np.ndarray:
        """One column of the table as an array (made once: a rerun only indexes it)."""
        return self._columns[list(COLUMNS).index(name)]

    def row(self, i: int):
        """The table's row at position `i`, as a named tuple."""
        return self._row(*(column[i] for column in self._columns))

    def cards(self, positions, query: str = "", linked_docs=None, keep: str = "") -> list[str]:
        """Passage cards (HTML) of the rows at `positions`, the text search's hits marked;
        `linked_docs`: the documents whose article a link may open (all when None); `keep`:
        the query string of the view, kept in those links."""
        out = []
        for i in np.asarray(positions, dtype=np.int64).tolist():
            key = (i, query, keep)
            card = self._cards.get(key)
            if card is None:
                if len(self._cards) >= MAX_KEPT_CARDS:
                    self._cards.clear()
                row = self.row(i)
                card = self._cards[key] = render.passage_card(
                    row, self.view.iloc[self.happening_of[i]], query,
                    doc_link=linked_docs is None or row.doc_id in linked_docs, keep=keep)
            out.append(card)
        return out
