"""Downloads parse back, and CSV cells cannot run as spreadsheet formulas."""

import html
import io
import json

import pandas as pd

from explorer import export


def test_csv_parses_back(seed_table):
    back = pd.read_csv(io.BytesIO(export.to_csv(seed_table)), dtype=str, keep_default_na=False)
    assert list(back.event_id) == list(seed_table.event_id)
    assert list(back.passage) == list(seed_table.passage)


def test_csv_guards_against_formula_injection(seed_table):
    table = seed_table.head(4).copy()
    table["passage"] = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"]
    back = pd.read_csv(io.BytesIO(export.to_csv(table)), dtype=str, keep_default_na=False)
    assert list(back.passage) == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)"]


def test_json_parses_back(seed_table):
    rows = json.loads(export.to_json(seed_table))
    assert [r["event_id"] for r in rows] == list(seed_table.event_id)


def test_timelinejs_has_a_slide_per_resolved_event(seed_table):
    data = json.loads(export.to_timelinejs(seed_table))
    assert data["title"]["text"]["headline"] == "Timeline Explorer"
    slides = {s["unique_id"]: s for s in data["events"]}
    assert len(slides) == len(seed_table)
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    slide = slides[december.event_id]
    assert slide["start_date"] == {"year": 2021, "month": 12, "day": 10} and "end_date" not in slide
    assert slide["text"]["text"].startswith(html.escape(december.passage) + "<p>— RFE/RL · <a href=\"https://")
    assert "media" not in slide  # an article address as media is a broken image in TimelineJS
    august = slides[seed_table[seed_table.mention == "August 2020"].iloc[0].event_id]
    assert august["end_date"] == {"year": 2020, "month": 8, "day": 31}


def test_timelinejs_escapes_document_text(seed_table):
    table = seed_table.head(1).copy()
    table["passage"] = ["<img src=x onerror=alert(1)>"]
    table["url"] = ["javascript:alert(1)"]
    slide = export.timelinejs(table)["events"][0]
    assert "<img" not in slide["text"]["text"] and "&lt;img" in slide["text"]["text"]
    assert "media" not in slide and "javascript" not in json.dumps(slide)  # no link to a javascript: address


def test_guarded_cells_read_back_exactly():
    for value in ["=1", "'=1", "''=1", "-5", "plain", "'quoted", "", "@x", "\t=1"]:
        assert export.unguard(export.guard_formula(value)) == value
    assert [export.guard_formula(v) for v in ["=1", "'=1", "'quoted"]] == ["'=1", "''=1", "'quoted"]


def test_json_guards_formulas_too(seed_table):
    table = seed_table.head(1).copy()
    table["title"] = ["=cmd|'/c calc'!A1"]
    assert json.loads(export.to_json(table))[0]["title"] == "'=cmd|'/c calc'!A1"
