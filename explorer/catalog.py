"""An events table made ready for the page once, so that a rerun only looks things up.

A `Catalog` holds the table with its filter options (`filters.options`), its
index (`filters.TableIndex`), the one-line summary, and each event's passage
card, rendered the first time it is shown and kept (a card is a pure function
of its row).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd

from . import filters, render
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
        self._cards: dict[int, str] = {}

    def cards(self, positions) -> list[str]:
        """Passage cards (HTML) of the rows at `positions`."""
        out = []
        for i in np.asarray(positions, dtype=np.int64).tolist():
            card = self._cards.get(i)
            if card is None:
                if len(self._cards) >= MAX_KEPT_CARDS:
                    self._cards.clear()
                card = self._cards[i] = render.passage_card(self._row(*(column[i] for column in self._columns)))
            out.append(card)
        return out
