"""Downloads of a view: CSV, JSON and TimelineJS JSON.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @,
a tab or a carriage return) are prefixed with a single quote.
"""

from __future__ import annotations

import json
from html import escape

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: pd.DataFrame) -> bytes:
    safe = table.apply(lambda column: column.map(guard_formula) if pd.api.types.is_string_dtype(column) else column)
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_json(table: pd.DataFrame) -> bytes:
    return json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=1).encode("utf-8")


def _date(iso: str) -> dict:
    year, month, day = iso.split("-")
    return {"year": int(year), "month": int(month), "day": int(day)}


def timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer") -> dict:
    """TimelineJS3 JSON (also read by the streamlit-timeline component): one slide
    per resolved event, the passage as its text and the source as its credit.

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
        if row.url.startswith(("http://", "https://")):
            slide["media"] = {"url": row.url, "credit": escape(row.source), "caption": escape(row.title)}
        else:
            slide["text"]["text"] += f"<p>— {escape(row.source or 'unknown source')}</p>"
        events.append(slide)
    return {"title": {"text": {"headline": escape(title), "text": f"{len(events)} dated statements"}}, "events": events}


def to_timelinejs(table: pd.DataFrame, title: str = "Timeline Explorer") -> bytes:
    return json.dumps(timelinejs(table, title), ensure_ascii=False, indent=1).encode("utf-8")
