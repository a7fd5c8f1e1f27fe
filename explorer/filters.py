"""Filtering the events table, facet counts, chart selections and URL validation.

Pure functions on the events table (see `explorer.events.COLUMNS`); the page
(`streamlit_app.py`) only wires them to widgets. A filtered view's state is
the `Filters` value, which maps one-to-one to the URL's query parameters
(`actor`, `source`, `year`, `precision`, `q`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


# Beyond lower case, the text search folds these, so that "STRASSE" finds "Straße" and a final
# sigma its capital: the two foldings Unicode's full case folding does that readers of our
# languages meet (the rest, ligatures and the like, are not worth a pass over every passage).
FOLDS = (("ß", "ss"), ("ς", "σ"))


def fold(text: pa.Array | pa.Scalar):
    """Text as the search compares it: lowered letter by letter (Unicode's simple mapping, as
    pyarrow and DuckDB lower text: "İ" is "i"), then `FOLDS`."""
    text = pc.utf8_lower(text)
    for letter, folded in FOLDS:
        text = pc.replace_substring(text, letter, folded)
    return text


def search_key(q: str) -> str:
    """The text search's needle: `q` without its outer blanks, folded (`fold`); a passage
    passes when its folded text holds it (explorer.store: one semantics in every store)."""
    return fold(pa.scalar(q.strip(), pa.string())).as_py()


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
        # one entry per (event, actor named): the event's row and the actor's code
        self.actor_event = names.index.to_numpy()
        self.actor_codes, self.actor_values = pd.factorize(names.to_numpy(), sort=True)
        self.source_codes, self.source_values = pd.factorize(table["source"])
        self.precision_codes, self.precision_values = pd.factorize(table["granularity"])
        first, last = event_years(table)
        self.first_year = first.fillna(np.inf).to_numpy()
        self.last_year = last.fillna(-np.inf).to_numpy()
        self.resolved = first.notna().to_numpy()
        month = pd.to_numeric(table["date_start"].str[5:7], errors="coerce").fillna(1).to_numpy()
        self.month_index = np.where(self.resolved, first.fillna(0).to_numpy() * 12 + month - 1, -1).astype(np.int64)
        self.last_month = pd.to_numeric(table["date_end"].str[5:7], errors="coerce").fillna(1).to_numpy().astype(np.int64)
        self._spread_cache = None
        self._last: tuple[Filters, dict] | None = None
        self._text = None
        self._searches: dict[str, np.ndarray] = {}

    def _any_of(self, codes, values, chosen) -> np.ndarray:
        wanted = np.isin(np.asarray(values, dtype=object), list(chosen))
        return wanted[codes]

    def _search(self, q: str) -> np.ndarray:
        needle = search_key(q)
        if needle not in self._searches:
            if self._text is None:  # the passages the cards show, not their articles' titles
                self._text = fold(pa.array(self.table["passage"], type=pa.string()))
            if len(self._searches) > 64:
                self._searches.clear()
            self._searches[needle] = pc.match_substring(self._text, needle).to_numpy(zero_copy_only=False)
        return self._searches[needle]

    def _parts(self, f: Filters) -> dict[str, np.ndarray]:
        """Each active filter's rows; within a filter, any chosen value passes.
        The last view's are kept: a rerun asks for its mask and its facets."""
        last = self._last  # one read: sessions share the index across threads
        if last and last[0] == f:
            return last[1]
        parts = {}
        if f.actors:
            wanted = self._any_of(self.actor_codes, self.actor_values, f.actors)
            chosen = np.zeros(self.size, dtype=bool)
            chosen[self.actor_event[wanted]] = True
            parts["actors"] = chosen
        if f.sources:
            parts["sources"] = self._any_of(self.source_codes, self.source_values, f.sources)
        if f.years:
            parts["years"] = (self.first_year <= f.years[1]) & (self.last_year >= f.years[0])  # the span meets the range
        if f.precision:
            parts["precision"] = self._any_of(self.precision_codes, self.precision_values, f.precision)
        if f.q.strip():
            parts["q"] = self._search(f.q)
        self._last = (f, parts)
        return parts

    def _all(self, parts) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        for part in parts:
            keep &= part
        return keep

    def mask(self, f: Filters) -> np.ndarray:
        """Rows that pass every filter."""
        return self._all(self._parts(f).values())

    def apply(self, f: Filters) -> pd.DataFrame:
        return self.table[self.mask(f)]

    SPREAD_MONTHS = 36  # a span this long or shorter counts a share in each of its months; a longer one at its start

    def _spread(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per resolved row, the months it counts in and the share it counts there: a day in its
        month; "2020" a twelfth in each month of 2020 (counted in January alone, every year's
        mentions would stand as a spike at New Year)."""
        if self._spread_cache is None:
            first = self.month_index
            last = np.where(self.resolved, self.last_year.clip(-1e9, 1e9).astype(np.int64) * 12 + self.last_month - 1, -1)
            count = np.where(self.resolved, np.clip(last - first + 1, 1, None), 0)
            count = np.where(count > self.SPREAD_MONTHS, 1, count)
            rows = np.repeat(np.arange(self.size), count)
            offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            self._spread_cache = (rows, first[rows] + offset, 1.0 / count[rows])
        return self._spread_cache

    def period_counts(self, mask: np.ndarray, colour: str = "granularity") -> tuple[pd.DataFrame, str]:
        """Resolved events per month (per year over more than 20 years) and precision, each
        spread over the months its span covers (see `_spread`): the counts may be fractions."""
        rows, months, share = self._spread()
        keep = mask[rows]
        rows, months, share = rows[keep], months[keep], share[keep]
        codes, values = self.precision_codes, np.asarray(self.precision_values, dtype=object)
        if not len(rows):
            return pd.DataFrame({"period": [], colour: [], "events": []}), "month"
        by_year = months.max() // 12 - months.min() // 12 > 20
        period = months // 12 if by_year else months
        low = period.min()
        key = (period - low) * len(values) + codes[rows]
        counts = np.bincount(key, weights=share, minlength=(period.max() - low + 1) * len(values))
        found = np.flatnonzero(counts > 1e-9)
        p, c = found // len(values) + low, found % len(values)
        labels = [f"{x:04d}" for x in p.tolist()] if by_year else [f"{x // 12:04d}-{x % 12 + 1:02d}" for x in p.tolist()]
        frame = pd.DataFrame({"period": labels, colour: values[c], "events": counts[found]})
        return frame, "year" if by_year else "month"

    def facet_counts(self, f: Filters, facet: str) -> dict[str, int]:
        """Events per value of one facet, within every *other* filter (as Datasette does)."""
        return self.all_facet_counts(f, (facet,))[facet]

    def all_facet_counts(self, f: Filters, facets=("actors", "sources", "precision")) -> dict[str, dict[str, int]]:
        """`facet_counts` for several facets, each filter's rows computed once."""
        parts = self._parts(f)
        out = {}
        for facet in facets:
            keep = self._all(part for name, part in parts.items() if name != facet)
            if facet == "actors":
                codes, values = self.actor_codes[keep[self.actor_event]], self.actor_values
            else:
                codes, values = ((self.source_codes, self.source_values) if facet == "sources"
                                 else (self.precision_codes, self.precision_values))
                codes = codes[keep]
            counts = np.bincount(codes, minlength=len(values))
            out[facet] = {values[i]: int(n) for i in np.flatnonzero(counts) for n in (counts[i],)}
        return out


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


def describe(f: Filters) -> list[str]:
    """The filters in force, in words ("actor: Ihar Kenyukh", "years 2020–2021"), for a line
    that says what the view holds when the sidebar is closed."""
    parts = []
    for label, values in (("actor", f.actors), ("outlet", f.sources), ("precision", f.precision)):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if f.years:
        parts.append(f"years {f.years[0]}–{f.years[1]}" if f.years[0] != f.years[1] else f"year {f.years[0]}")
    if f.q.strip():
        parts.append(f"passages with “{f.q.strip()}”")
    return parts


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
        try:
            return (date(1970, 1, 1) + timedelta(milliseconds=value)).isoformat()
        except OverflowError:
            return "0001-01-01" if value < 0 else "9999-12-31"
    return str(value)[:10]


def linked_happenings(values: list[str], known: set[str]) -> tuple[list[str], list[str]]:
    """The happening ids a link names (`?happening=`) that the corpus has, and a notice for
    the rest."""
    kept, notices = [], []
    for value in values[:MAX_PARAM_VALUES]:
        if value in known:
            kept.append(value)
        else:
            notices.append(f"Unknown happening “{value[:MAX_PARAM_LENGTH]}” in the link was ignored.")
    return list(dict.fromkeys(kept)), notices


def selected_happenings(selection: dict | None) -> list[str]:
    """The happening ids a chart selection picked (clicked marks)."""
    picked = [p for p in ((selection or {}).get("pick") or []) if isinstance(p, dict)]
    return list(dict.fromkeys(str(p["happening_id"]) for p in picked if "happening_id" in p))


def selected_ranges(selection: dict | None) -> list[tuple[str, str]] | None:
    """The days a chart selection holds apart from picked happenings (see
    `selected_happenings`), as (first, last) ranges, or None when it holds none.

    `selection` is Streamlit's `event.selection`: `pick` (a `period` clicked on the
    aggregated chart: its month or year) and `brush` (an interval dragged on the time axis:
    {"x": [from, to]}). A statement is selected when its days meet a range."""
    if not selection:
        return None
    periods = {str(p["period"]) for p in (selection.get("pick") or []) if isinstance(p, dict) and "period" in p}
    if periods:
        return [(f"{period}-01-01"[:10] if len(period) == 4 else f"{period}-01",
                 f"{period}-12-31" if len(period) == 4 else f"{period}-31") for period in sorted(periods)]
    brush = selection.get("brush") or {}
    bounds = brush.get("x") or brush.get("start") or brush.get("period")
    if bounds and len(bounds) == 2:
        return [tuple(sorted((_to_day(bounds[0]), _to_day(bounds[1]))))]
    return None


def selected_events(table: pd.DataFrame, selection: dict | None) -> pd.DataFrame | None:
    """The rows of `table` a chart selection holds (see `selected_ranges`), or None when it
    holds none."""
    ranges = selected_ranges(selection)
    if ranges is None:
        return None
    keep = np.zeros(len(table), dtype=bool)
    resolved = (table["date_start"] != "").to_numpy()
    for first, last in ranges:
        keep |= resolved & (table["date_start"] <= last).to_numpy() & (table["date_end"] >= first).to_numpy()
    return table[keep]


def relax_hints(table, f: Filters) -> list[str]:
    """For an empty view: how many events each filter, dropped alone, would let through.
    `table`: the events table, its `TableIndex`, or a function counting a view's statements
    (a store's)."""
    if callable(table):
        count = table
    else:
        index = table if isinstance(table, TableIndex) else TableIndex(table)
        count = lambda view: int(index.mask(view).sum())  # noqa: E731
    labels = {"actors": "the actor filter", "sources": "the source filter", "years": "the year range",
              "precision": "the precision filter", "q": "the text search"}
    hints = []
    for name, label in labels.items():
        if getattr(f, name):
            n = count(replace(f, **{name: None if name == "years" else ("" if name == "q" else ())}))
            if n:
                hints.append(f"Without {label}, {n} would.")
    return hints or ["Clear the filters to see every event."]
