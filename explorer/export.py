"""Downloads of a view: CSV, JSON and TimelineJS JSON.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
or a carriage return, after any single quotes) get one more single quote in
front, in CSV and JSON alike; `unguard` takes exactly that quote away again, so a
guarded table reads back unchanged (`events.read_table`).
"""

from __future__ import annotations

import json
import re
from html import escape

import pandas as pd

from .corpus import safe_address

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"^'*[=+\-@\t\r]")  # a formula, or a guard already there: each gets a quote
_UNGUARD = re.compile(r"^'(?='*[=+\-@\t\r])")


def guard_formula(value):
    if isinstance(value, str) and _GUARDED.match(value):
        return "'" + value
    return value


def unguard(value):
    if isinstance(value, str) and value.startswith("'"):
        return _UNGUARD.sub("", value, count=1)
    return value


def _text_columns(table: pd.DataFrame):
    return [c for c in table.columns if pd.api.types.is_string_dtype(table[c]) or table[c].dtype == object]


def guard_table(table: pd.DataFrame) -> pd.DataFrame:
    columns = _text_columns(table)
    return table.assign(**{c: table[c].map(guard_formula) for c in columns}) if columns else table


def unguard_table(table: pd.DataFrame) -> pd.DataFrame:
    columns = _text_columns(table)
    return table.assign(**{c: table[c].map(unguard) for c in columns}) if columns else table


def to_csv(table: pd.DataFrame) -> bytes:
    return guard_table(table).to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_json(table: pd.DataFrame) -> bytes:
    return json.dumps(guard_table(table).to_dict(orient="records"), ensure_ascii=False, indent=1).encode("utf-8")


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
MAX_SLIDE_PASSAGES = 12


def _date(iso: str, granularity: str) -> dict:
    """A TimelineJS date at the precision of the words: a year, a month or a day."""
    year, month, day = (int(part) for part in iso.split("-"))
    if granularity in ("year", "decade", "century", "half"):
        return {"year": year, "display_date": str(year)}
    if granularity in ("month", "season", "quarter"):
        return {"year": year, "month": month, "display_date": f"{MONTH_NAMES[month - 1]} {year}"}
    return {"year": year, "month": month, "day": day, "display_date": f"{day} {MONTH_NAMES[month - 1]} {year}"}


def _credit(row) -> str:
    """The outlet, the publication date and the article's title, a link only to a plain
    http(s) address. (Not as the slide's media: TimelineJS shows an article address there
    as a broken image.)"""
    title = escape(row.title or row.doc_id)
    url = safe_address(row.url)
    linked = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>' if url else title
    published = f", {escape(row.published)}" if row.published else ""
    return f"{escape(row.source or 'unknown outlet')}{published} · {linked}"


def _doer(what: str, rows: pd.DataFrame, index) -> str:
    """The actor a happening is about: the first its clause names, else the one most of its
    passages name (not the alphabetically first of every name near it)."""
    named = index.find(what)
    if named:
        return named[0].actor
    counts = rows["actors"].str.split(" | ", regex=False).explode()
    counts = counts[counts.astype(bool)].value_counts()
    return str(counts.index[0]) if len(counts) else ""


def timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer", group: str = "actor") -> dict:
    """TimelineJS3 JSON (also read by the streamlit-timeline component): one slide per
    resolved happening of these mentions, its headline what happened, its text every
    source's passage with its outlet, its dates at the precision of the words, grouped by
    the actor it is about or its first outlet (`group`: "actor", "source", or "none").

    An open range stays open: "since 1994" starts in 1994 and has no end (its text says when
    it was last reported still going); "until March 2026" ends then and says its start is
    not told. TimelineJS renders these strings as HTML, so every document string is escaped."""
    from .actors import ActorIndex, load_actors
    from .happening_view import view
    from .render import plural, when_words

    happenings = view(table)
    by_happening = {h: rows for h, rows in table.groupby("happening_id")}
    index = ActorIndex(load_actors()) if group == "actor" else None
    slides = []
    for h in happenings[happenings["date_start"] != ""].itertuples():
        rows = by_happening[h.happening_id]
        passages = "".join(f"<p>“{escape(r.passage)}” — {_credit(r)}</p>"
                           for r in rows.head(MAX_SLIDE_PASSAGES).itertuples())
        if len(rows) > MAX_SLIDE_PASSAGES:
            passages += f"<p>… and {len(rows) - MAX_SLIDE_PASSAGES} more passages</p>"
        told = f"Reported by {plural(h.outlets, 'outlet')}" if h.outlets else "Reported"
        warning = f" — sources disagree on the date: {escape(h.disagreeing)}" if h.disagree else ""
        when = when_words(h.date_start, h.date_end, h.granularity)
        open_end = {"from": f"Since {when}, still going when last reported"
                            + (f" ({when_words(h.last_reported, h.last_reported, 'day')})" if h.last_reported else ""),
                    "to": f"Until {when}; when it began is not told",
                    "before": f"Before {when}; when exactly is not told",
                    "after": f"After {when}; when exactly is not told"}.get(h.shape, "")
        slide = {
            "unique_id": h.happening_id,
            "start_date": _date(h.date_start, h.granularity),
            "text": {"headline": escape(h.what),
                     "text": (f"<p><i>{escape(open_end)}</i></p>" if open_end else "")
                     + f"<p><b>{told}</b>{warning}</p>{passages}"},
        }
        if h.shape == "span" and h.date_end != h.date_start and h.granularity not in ("year", "month", "decade",
                                                                                      "century", "day"):
            slide["end_date"] = _date(h.date_end, h.granularity)
        lane = (_doer(h.what, rows, index) if group == "actor" else h.sources.split(" | ")[0] if group == "source"
                else "")
        if lane:
            slide["group"] = escape(lane)
        slides.append(slide)
    return {"title": {"text": {"headline": escape(title), "text": plural(len(slides), "happening")}}, "events": slides}


def to_timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer", group: str = "actor") -> bytes:
    return json.dumps(timelinejs(table, title, group), ensure_ascii=False, indent=1).encode("utf-8")
