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


def test_timelinejs_has_a_slide_per_resolved_happening(seed_table):
    data = json.loads(export.to_timelinejs(seed_table))
    assert data["title"]["text"]["headline"] == "Timeline Explorer"
    slides = {s["unique_id"]: s for s in data["events"]}
    resolved = seed_table[seed_table.date_start != ""]
    assert set(slides) == set(resolved.happening_id)
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    slide = slides[december.happening_id]
    assert slide["start_date"] == {"year": 2021, "month": 12, "day": 10, "display_date": "10 December 2021"}
    assert "end_date" not in slide and "media" not in slide  # an address as media is a broken image in TimelineJS
    assert slide["text"]["headline"] == html.escape(december.what)  # what happened, not the date words
    assert html.escape(december.passage) in slide["text"]["text"] and "RFE/RL, 2021-12-10 · <a href=\"https://" in slide[
        "text"]["text"]
    election = slides[seed_table[seed_table.mention == "August"].iloc[0].happening_id]
    assert election["start_date"] == {"year": 2020, "month": 8, "display_date": "August 2020"}  # at its precision
    assert election["text"]["text"].count("<p>“") == 5  # every source's passage
    year = slides[seed_table[seed_table.mention == "2024"].iloc[0].happening_id]
    assert year["start_date"] == {"year": 2024, "display_date": "2024"}
    sanctions = slides[seed_table[(seed_table.mention == "August 2020") & seed_table.doc_id.str.startswith("001")]
                       .iloc[0].happening_id]
    # since August 2020: open, never closed at the last report, and said so
    assert "end_date" not in sanctions and sanctions["start_date"]["display_date"] == "August 2020"
    assert "Since August 2020, still going when last reported (28 January 2022)" in sanctions["text"]["text"]
    power = slides[seed_table[seed_table.mention == "1994"].iloc[0].happening_id]
    assert "end_date" not in power and power["start_date"] == {"year": 1994, "display_date": "1994"}
    assert data["title"]["text"]["text"] == f"{len(slides)} happenings"
    one = export.timelinejs(seed_table[seed_table.happening_id == december.happening_id])
    assert one["title"]["text"]["text"] == "1 happening"
    grouped = json.loads(export.to_timelinejs(seed_table, group="source"))
    assert {s.get("group") for s in grouped["events"]} <= {"RFE/RL", "Belsat", "Pozirk",
                                                          "Voice of America (Russian service), reposted"}
    assert all("group" not in s for s in export.timelinejs(seed_table, group="none")["events"])


def test_timelinejs_groups_a_happening_under_the_actor_its_clause_names():
    import pandas as pd

    row = {c: "" for c in ("event_id", "doc_id", "title", "source", "url", "published", "reference_source", "passage",
                           "passage_cut", "mention", "type", "timex", "date_start", "date_end", "granularity", "modifier",
                           "relation", "rule", "cue", "actors", "actor_mentions", "what", "happening_id", "corrected")}
    row.update(event_id="e1", doc_id="d", passage="Lukashenka's critics said the U.S. State Department designated "
               "the plant on 2 August 2021.", date_start="2021-08-02", date_end="2021-08-02", granularity="day",
               relation="at", actors="Alyaksandr Lukashenka | U.S. State Department",
               what="the U.S. State Department designated the plant", happening_id="h1", published="2021-08-03",
               passage_start=0, passage_end=90, mention_start=70, mention_end=83)
    slide = export.timelinejs(pd.DataFrame([row]))["events"][0]
    assert slide["group"] == "U.S. State Department"


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
