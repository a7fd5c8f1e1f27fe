"""Filtering the events table, facet counts, chart selections and URL validation.

Pure functions on the events table (see `explorer.events.COLUMNS`); the page
(`streamlit_app.py`) only wires them to widgets. A filtered view's state is
the `Filters` value, which maps one-to-one to the URL's query parameters
(`actor`, `source`, `year`, `precision`, `q`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from .actors import SEPARATOR

PRECISION_ORDER = ["time", "day", "week", "weekend", "month", "season", "quarter", "half", "year",
                   "decade", "century", "present"]
MAX_PARAM_LENGTH = 200  # characters in one URL value
MAX_PARAM_VALUES = 50  # values of one URL key
MAX_QUERY_LENGTH = 200  # characters of the text search


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    precision: tuple[str, ...] = ()
    q: str = ""


@dataclass
class Options:
    """The values a table offers for each filter."""

    actors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    years: tuple[int, int] = (2000, 2030)
    precision: list[str] = field(default_factory=list)


def _actor_names(table: pd.DataFrame) -> pd.Series:
    """One row per (event, actor) named: the exploded actors column."""
    names = table["actors"].str.split(SEPARATOR, regex=False).explode()
    return names[names.notna() & (names != "")]


def event_years(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last calendar year of each event (NaN when unresolved)."""
    first = pd.to_numeric(table["date_start"].str[:4], errors="coerce")
    last = pd.to_numeric(table["date_end"].str[:4], errors="coerce")
    return first, last


def options(table: pd.DataFrame) -> Options:
    first, last = event_years(table)
    years = (int(first.min()), int(last.max())) if first.notna().any() else (2000, 2030)
    present = set(table["granularity"])
    return Options(
        actors=sorted(_actor_names(table).unique()),
        sources=sorted(s for s in set(table["source"]) if s),
        years=years,
        precision=[p for p in PRECISION_ORDER if p in present] + sorted(present - set(PRECISION_ORDER) - {""}),
    )


class TableIndex:
    """One events table with each filter's answer precomputed per value, so that a
    filter change costs a few array operations instead of a pass over the text."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.size = len(table)
        names = _actor_names(table.reset_index(drop=True))
        self.actor_rows = {actor: rows.to_numpy() for actor, rows in
                           pd.Series(names.index, index=names.to_numpy()).groupby(level=0)}
        self.source_codes, self.source_values = pd.factorize(table["source"])
        self.precision_codes, self.precision_values = pd.factorize(table["granularity"])
        first, last = event_years(table)
        self.first_year = first.fillna(np.inf).to_numpy()
        self.last_year = last.fillna(-np.inf).to_numpy()
        self.resolved = first.notna().to_numpy()
        month = pd.to_numeric(table["date_start"].str[5:7], errors="coerce").fillna(1).to_numpy()
        self.month_index = np.where(self.resolved, first.fillna(0).to_numpy() * 12 + month - 1, -1).astype(np.int64)
        self.actor_lanes = (table["actors"].str.count(re.escape(SEPARATOR)) + 1).to_numpy()  # "" is one lane
        self._text = None
        self._searches: dict[str, np.ndarray] = {}

    def _any_of(self, codes, values, chosen) -> np.ndarray:
        wanted = [i for i, v in enumerate(values) if v in set(chosen)]
        return np.isin(codes, wanted)

    def _search(self, q: str) -> np.ndarray:
        needle = q.strip().casefold()
        if needle not in self._searches:
            if self._text is None:
                self._text = (self.table["passage"] + "\n" + self.table["title"]).str.casefold()
            if len(self._searches) > 64:
                self._searches.clear()
            self._searches[needle] = self._text.str.contains(needle, regex=False).to_numpy(dtype=bool)
        return self._searches[needle]

    def mask(self, f: Filters) -> np.ndarray:
        """Rows that pass every filter; within a filter, any chosen value passes."""
        keep = np.ones(self.size, dtype=bool)
        if f.actors:
            chosen = np.zeros(self.size, dtype=bool)
            for actor in f.actors:
                chosen[self.actor_rows.get(actor, [])] = True
            keep &= chosen
        if f.sources:
            keep &= self._any_of(self.source_codes, self.source_values, f.sources)
        if f.years:
            keep &= (self.first_year <= f.years[1]) & (self.last_year >= f.years[0])  # the span meets the range
        if f.precision:
            keep &= self._any_of(self.precision_codes, self.precision_values, f.precision)
        if f.q.strip():
            keep &= self._search(f.q)
        return keep

    def apply(self, f: Filters) -> pd.DataFrame:
        return self.table[self.mask(f)]

    def marks(self, mask: np.ndarray, lanes: str) -> int:
        """How many marks the chart would draw: one per event and lane."""
        drawn = mask & self.resolved
        return int(self.actor_lanes[drawn].sum() if lanes == "actor" else drawn.sum())

    def period_counts(self, mask: np.ndarray, colour: str) -> tuple[pd.DataFrame, str]:
        """Resolved events per month (per year over more than 20 years) and colour value."""
        drawn = mask & self.resolved
        months = self.month_index[drawn]
        by_year = len(months) and months.max() // 12 - months.min() // 12 > 20
        periods = months // 12 if by_year else months
        codes, values = ((self.precision_codes, self.precision_values) if colour == "granularity"
                         else (self.source_codes, self.source_values))
        keys, counts = np.unique(periods * len(values) + codes[drawn], return_counts=True)
        period, code = np.divmod(keys, len(values))
        labels = [f"{p:04d}" if by_year else f"{p // 12:04d}-{p % 12 + 1:02d}" for p in period]
        frame = pd.DataFrame({"period": labels, colour: np.asarray(values)[code], "events": counts})
        return frame, "year" if by_year else "month"

    def facet_counts(self, f: Filters, facet: str) -> dict[str, int]:
        """Events per value of one facet, within every *other* filter (as Datasette does)."""
        keep = self.mask(replace(f, **{facet: () if facet != "years" else None}))
        if facet == "actors":
            counts = {actor: int(keep[rows].sum()) for actor, rows in self.actor_rows.items()}
            return {a: n for a, n in counts.items() if n}
        codes, values = ((self.source_codes, self.source_values) if facet == "sources"
                         else (self.precision_codes, self.precision_values))
        counts = np.bincount(codes[keep], minlength=len(values))
        return {values[i]: int(n) for i, n in enumerate(counts) if n}


def apply(table: pd.DataFrame, f: Filters) -> pd.DataFrame:
    return TableIndex(table).apply(f)


def facet_counts(table: pd.DataFrame, f: Filters, facet: str) -> dict[str, int]:
    return TableIndex(table).facet_counts(f, facet)


# --- the URL ------------------------------------------------------------------------

def validate_params(params: dict[str, list[str]], opts: Options) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, and a notice for every value ignored."""
    notices = []

    def values(key):
        raw = [v for v in params.get(key, []) if v != ""]
        if len(raw) > MAX_PARAM_VALUES:
            notices.append(f"Only the first {MAX_PARAM_VALUES} values of “{key}” were used.")
            raw = raw[:MAX_PARAM_VALUES]
        kept = []
        for v in raw:
            if len(v) > MAX_PARAM_LENGTH:
                notices.append(f"An oversized “{key}” value in the link was ignored.")
            else:
                kept.append(v)
        return kept

    def known(key, allowed, label):
        kept = []
        for v in values(key):
            if v in allowed:
                kept.append(v)
            else:
                notices.append(f"Unknown {label} “{v}” in the link was ignored.")
        return tuple(dict.fromkeys(kept))

    actors = known("actor", set(opts.actors), "actor")
    sources = known("source", set(opts.sources), "source")
    precision = known("precision", set(opts.precision), "precision")
    years = None
    raw_years = values("year")
    if raw_years:
        parsed = [int(v) for v in raw_years if re.fullmatch(r"-?\d{1,6}", v.strip())]
        if len(parsed) != len(raw_years) or len(parsed) not in (1, 2):
            notices.append("The year range in the link is not one or two years; it was ignored.")
        else:
            lo, hi = (parsed[0], parsed[-1])
            if lo > hi:
                notices.append(f"The year range {lo}–{hi} in the link was reversed; it was read as {hi}–{lo}.")
                lo, hi = hi, lo
            clamped = (max(lo, opts.years[0]), min(hi, opts.years[1]))
            if clamped[0] > clamped[1]:
                notices.append(f"No event falls in {lo}–{hi}; the year range in the link was ignored.")
            else:
                if clamped != (lo, hi):
                    notices.append(f"The year range {lo}–{hi} was narrowed to the corpus's {clamped[0]}–{clamped[1]}.")
                years = clamped
    q = (params.get("q") or [""])[-1]
    if len(q) > MAX_QUERY_LENGTH:
        notices.append(f"The text search in the link was cut to {MAX_QUERY_LENGTH} characters.")
        q = q[:MAX_QUERY_LENGTH]
    return Filters(actors, sources, years, precision, q), notices


def to_params(f: Filters, opts: Options) -> dict[str, list[str]]:
    """Query parameters for a view (empty filters and the full year range left out)."""
    params: dict[str, list[str]] = {}
    if f.actors:
        params["actor"] = list(f.actors)
    if f.sources:
        params["source"] = list(f.sources)
    if f.years and f.years != opts.years:
        params["year"] = [str(f.years[0]), str(f.years[1])]
    if f.precision:
        params["precision"] = list(f.precision)
    if f.q:
        params["q"] = [f.q]
    return params


# --- chart selections -----------------------------------------------------------------

def _to_day(value) -> str:
    """A selection bound (epoch milliseconds or ISO text) as YYYY-MM-DD."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).date().isoformat()
    return str(value)[:10]


def selected_events(table: pd.DataFrame, selection: dict | None) -> pd.DataFrame | None:
    """The events a chart selection holds, or None when nothing is selected.

    `selection` is Streamlit's `event.selection`: `pick` (points clicked: each
    with an `event_id`, or a `period` on the aggregated chart) and `brush` (an
    interval dragged on the time axis: {"start": [from, to]}).
    """
    if not selection:
        return None
    picked = [p for p in (selection.get("pick") or []) if isinstance(p, dict)]
    if picked:
        ids = {p["event_id"] for p in picked if "event_id" in p}
        periods = {str(p["period"]) for p in picked if "period" in p}
        keep = table["event_id"].isin(ids)
        if periods:
            keep |= table["date_start"].str[:7].isin(periods) | table["date_start"].str[:4].isin(periods)
        return table[keep]
    brush = selection.get("brush") or {}
    bounds = brush.get("start") or brush.get("period")
    if bounds and len(bounds) == 2:
        lo, hi = sorted((_to_day(bounds[0]), _to_day(bounds[1])))
        resolved = table["date_start"] != ""
        return table[resolved & (table["date_start"] <= hi) & (table["date_end"] >= lo)]
    return None


def relax_hints(table: pd.DataFrame | TableIndex, f: Filters) -> list[str]:
    """For an empty view: how many events each filter, dropped alone, would let through."""
    labels = {"actors": "the actor filter", "sources": "the source filter", "years": "the year range",
              "precision": "the precision filter", "q": "the text search"}
    hints = []
    for name, label in labels.items():
        if getattr(f, name):
            empty = None if name == "years" else ("" if name == "q" else ())
            index = table if isinstance(table, TableIndex) else TableIndex(table)
            n = int(index.mask(replace(f, **{name: empty})).sum())
            if n:
                hints.append(f"Without {label}, {n} would.")
    return hints or ["Clear the filters to see every event."]
