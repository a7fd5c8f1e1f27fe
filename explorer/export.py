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


def _date(iso: str) -> dict:
    year, month, day = iso.split("-")
    return {"year": int(year), "month": int(month), "day": int(day)}


def _credit(row) -> str:
    """The outlet and the article's title, a link only to a plain http(s) address. (Not as
    the slide's media: TimelineJS shows an article address there as a broken image.)"""
    title = escape(row.title or row.doc_id)
    url = safe_address(row.url)
    linked = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>' if url else title
    return f"{escape(row.source or 'unknown source')} · {linked}"


def timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer") -> dict:
    """TimelineJS3 JSON (also read by the streamlit-timeline component): one slide
    per resolved event, the passage as its text, then the outlet and the article.

    TimelineJS renders these strings as HTML, so every document string is escaped."""
    events = []
    for row in table[table["date_start"] != ""].itertuples():
        slide = {
            "unique_id": row.event_id,
            "start_date": _date(row.date_start),
            "text": {"headline": escape(row.mention), "text": escape(row.passage)},
        }
        if row.date_end != row.date_start:
            slide["end_date"] = _date(row.date_end)
        if row.source:
            slide["group"] = escape(row.source)
        slide["text"]["text"] += f"<p>— {_credit(row)}</p>"
        events.append(slide)
    return {"title": {"text": {"headline": escape(title), "text": f"{len(events)} dated statements"}}, "events": events}


def to_timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer") -> bytes:
    return json.dumps(timelinejs(table, title), ensure_ascii=False, indent=1).encode("utf-8")
