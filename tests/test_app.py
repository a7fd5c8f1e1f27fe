"""The page, run by Streamlit's AppTest (no browser)."""

import html
import re
import threading
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT

APP = str(ROOT / "streamlit_app.py")


def run(params=None, setup=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, values in (params or {}).items():
        at.query_params[key] = values
    at.run()
    if setup:
        setup(at)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def shown(at) -> int:
    heading = next(s.value for s in at.subheader if "statement" in s.value)
    return int(re.match(r"(\d+)", heading).group(1))


def passages_html(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def notices(at, kind: str = "") -> list[str]:
    """The texts of the page's notices (escaped HTML boxes), of one kind or all."""
    found = re.findall(r'<div class="notice notice-(\w+)"(?![^>]*\bhidden\b)[^>]*>(.*?)</div>',
                       passages_html(at), re.S)  # a hidden box is the browser's to show (render.DROPPED_LINK)
    return [html.unescape(text).split(" ", 1)[1] for k, text in found if not kind or k == kind]


def test_page_renders_on_the_seeds():
    at = run()
    assert "Showing 25 of 25 dated statements, 19 happenings, from 5 of 5 articles" in at.markdown[0].value
    assert "dates from 1994 to 13 August 2025" in at.markdown[0].value  # each end at its precision
    assert shown(at) == 25
    assert len(at.get("vega_lite_chart")) == 1
    assert [b.label for b in at.get("download_button")] == ["Events (CSV)", "Events (JSON)", "TimelineJS (JSON)",
                                                             "Actor list (CSV)"]


def test_only_a_visit_without_settings_carries_the_browser_check_for_a_dropped_link():
    # Streamlit hands the page an empty query string when it drops an oversized link, so the
    # page cannot tell; the hidden box and its script let the browser tell (tests/test_e2e.py)
    plain = [h for h in run().get("html") if 'id="dropped-link"' in h.proto.body]
    assert len(plain) == 1 and " hidden>" in plain[0].proto.body and "<script>" in plain[0].proto.body
    assert plain[0].proto.unsafe_allow_javascript
    assert not [h for h in run({"actor": ["Ihar Kenyukh"]}).get("html") if 'id="dropped-link"' in h.proto.body]


def test_the_server_collects_closed_sessions_on_a_timer():
    run()
    run()
    assert [t.name for t in threading.enumerate()].count("collector") == 1  # one a server, not one a run


@pytest.mark.parametrize("key, value, expected", [
    ("actor", ["Marie Struthers"], 1),
    ("actor", ["Ihar Kenyukh", "Marie Struthers"], 3),
    ("source", ["Belsat"], 6),
    ("precision", ["weekend"], 1),
])
def test_each_filter_narrows_the_passages(key, value, expected):
    at = run(setup=lambda at: at.multiselect(key=key).set_value(value))
    assert shown(at) == expected


def test_year_and_text_filters_narrow():
    assert shown(run(setup=lambda at: at.slider(key="year").set_value((1994, 2019)))) == 1
    at = run(setup=lambda at: at.text_input(key="q").input("referendum"))
    assert shown(at) == 1 and '<mark class="hit">Referendum</mark> on Constitution' in passages_html(at)


def test_only_the_chosen_actors_passages_show():
    at = run(setup=lambda at: at.multiselect(key="actor").set_value(["Svyatlana Tsikhanouskaya"]))
    html = passages_html(at)
    assert html.count('class="event"') == 1 and "Tsikhanouskaya</mark>" in html


def test_a_url_with_filters_reopens_the_same_view():
    at = run({"actor": ["Alyaksandr Lukashenka"], "year": ["2020", "2021"], "precision": ["month", "year"]})
    assert at.multiselect(key="actor").value == ["Alyaksandr Lukashenka"]
    assert at.slider(key="year").value == (2020, 2021)
    assert shown(at) == 5
    assert not notices(at, "warning")


def test_malformed_url_values_are_ignored_with_a_notice():
    at = run({"actor": ["Nobody", "Marie Struthers"], "year": ["abc"], "precision": ["hourly"]})
    shown_notices = " ".join(notices(at, "warning"))
    assert "Unknown actor “Nobody”" in shown_notices and "not one or two years" in shown_notices
    assert "Unknown precision" in shown_notices
    assert shown(at) == 1  # the good value still applies


def test_a_reversed_year_range_is_reported():
    at = run({"year": ["2021", "2020"]})
    assert any("reversed" in n for n in notices(at, "warning"))


def test_empty_view_says_which_filter_to_relax():
    at = run({"actor": ["Marie Struthers"], "precision": ["day"]})
    assert "Without the actor filter, 7 would." in at.info[0].value


def test_upload_of_a_good_and_a_bad_file():
    good = b"Police raid in Minsk\nPublished: 10 December 2021\nLukashenka's police detained 40 people last week."
    bad = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("raid.txt", good, "text/plain"), ("photo.txt", bad, "text/plain")])

    at = run(setup=upload)
    assert "of 26 dated statements" in at.markdown[0].value and "of 6 articles" in at.markdown[0].value
    assert "photo.txt: binary file, not text" in notices(at, "error")
    at.text_input(key="q").input("40 people").run()
    html = passages_html(at)
    assert shown(at) == 1 and "2021-11-29 – 2021-12-05" in html and "Lukashenka</mark>" in html


def test_upload_without_a_date_stays_unresolved_until_one_is_given():
    text = b"Police raid in Minsk\nLukashenka's police detained 40 people last week, and on 28 October 2020."

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("nodate.md", text, "text/markdown")])

    at = run(setup=upload)
    at.text_input(key="q").input("40 people").run()
    assert shown(at) == 2
    assert "unresolved" in passages_html(at)
    # the reader gives the publication date and the outlet in the uploads' table
    editor = at.data_editor[0].key
    at.session_state[editor] = {"edited_rows": {0: {"published": "2021-12-10", "source": "Example News"}},
                                "added_rows": [], "deleted_rows": []}
    at.run()
    cards = "".join(re.findall(r'<div class="event".*?</details>', passages_html(at), re.S))
    assert "unresolved" not in cards and "week of 29 November 2021" in cards and "Example News" in cards
    assert "given beside the text" in cards  # how the date was read: the reference the reader typed


WEB_PAGE = b"""<html><head><title>Police raid | Example News</title>
<meta property="article:published_time" content="2025-06-21T10:00:00Z"></head><body>
<nav><a href="/">Home</a></nav><div class="ticker">Breaking News: Markets fall on 3 March 2026</div>
<article><h1>Police raid in Minsk</h1><p class="byline">By Staff &middot; Published: 21 June 2025</p>
<p>Police in Minsk detained 40 people last week, the Viasna human rights center said on Friday.</p></article>
<aside><h3>Related</h3><ul><li><a href="/a">Lukashenko pardons 16 on 3 July 2024</a></li></ul></aside>
<footer>&copy; 2026 Example News. All rights reserved.</footer></body></html>"""


def test_an_uploaded_web_page_is_read_as_a_reader_sees_it():
    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("raid.html", WEB_PAGE, "text/html")])

    at = run(setup=upload)
    assert "of 27 dated statements" in at.markdown[0].value  # "last week" and "Friday", nothing else
    assert "2026" not in at.markdown[0].value  # no ticker or copyright line stretches the span
    assert not notices(at, "info")  # reading HTML is no repair to report
    at.text_input(key="q").input("40 people").run()
    cards = "".join(re.findall(r'<div class="event".*?</details>', passages_html(at), re.S))
    assert "week of 9 June 2025" in cards and "published 21 June 2025" in cards
    assert "the web page&#x27;s own metadata" in cards


def test_a_link_to_a_happening_lists_every_source(seed_table):
    election = seed_table[seed_table.mention == "August"].iloc[0].happening_id
    at = run({"happening": [election]})
    heading = next(s.value for s in at.subheader if "every source" in s.value)
    assert heading == "5 passages from every source on the selected happening"
    html = passages_html(at)
    assert html.count('class="event"') == 5 and "RFE/RL" in html
    assert "One happening, reported by 1 outlet in 5 passages" in html


def test_an_unknown_happening_in_the_link_is_a_notice():
    at = run({"happening": ["h-nothing"]})
    assert "Unknown happening “h-nothing” in the link was ignored." in notices(at, "warning")
    assert shown(at) == 25


def test_an_upload_that_reports_a_corpus_happening_joins_it():
    text = (b"Election report\nThe disputed August 2020 presidential election handed Lukashenka a sixth term, "
            b"observers said.")

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("election.txt", text, "text/plain")])

    at = run(setup=upload)
    table = at.session_state["store"][1].table
    mine = table[table.doc_id == "election"].iloc[0]
    seeds_election = table[(table.doc_id.str.startswith("003")) & (table.mention == "August")].iloc[0]
    assert mine.happening_id == seeds_election.happening_id


# --- a page a researcher can trust and work in ----------------------------------------------------

def chart_spec(at) -> dict:
    import json

    return json.loads(at.get("vega_lite_chart")[0].proto.spec)


def colours(at) -> dict:
    spec = chart_spec(at)
    scale = (spec["layer"][0] if "layer" in spec else spec)["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"]))


def test_a_precision_has_one_colour_on_every_page():
    from explorer.chart import PRECISION_COLOURS

    seeds = colours(run())
    actor = colours(run({"actor": ["Alyaksandr Lukashenka"]}))
    upload = colours(run(setup=lambda at: at.sidebar.get("file_uploader")[0].set_value(
        [("y.txt", b"Title\nPolice came in 1999, and in August 2020, and on 28 October 2020.", "text/plain")])))
    for found in (seeds, actor, upload):
        assert all(PRECISION_COLOURS[p] == c for p, c in found.items())
    assert len(set(seeds) | set(actor) | set(upload)) >= 5


def test_the_text_search_reads_passages_not_titles_and_marks_its_hits():
    at = run({"q": ["torture"]})
    html = passages_html(at)
    cards = html.count('class="event"')
    assert shown(at) == cards == html.count('<mark class="hit">')  # every card holds the word, marked
    assert cards < 19  # four seed titles say "Torture": they no longer count


def test_the_summary_says_what_the_filters_hold():
    at = run({"actor": ["Marie Struthers"]})
    assert "Showing 1 of 25 dated statements, 1 happening, from 1 of 5 articles" in at.markdown[0].value
    assert "Filtered to actor: Marie Struthers." in notices(at, "info")
    at.button[0].click().run()  # clear the filters
    assert "Showing 25 of 25" in at.markdown[0].value


def test_a_facet_count_is_a_button_that_filters():
    at = run()
    counts = next(b for b in at.button_group if b.key == "source-counts")
    assert "Belsat · 6" in counts.options  # the value and its count
    counts.set_value("Belsat").run()
    assert at.multiselect(key="source").value == ["Belsat"] and shown(at) == 6


def test_cards_speak_in_words():
    html = passages_html(run())
    cards = html.split('<div class="event"')[1:]
    heads = [c.split('<div class="when">')[1].split("</div>")[0] for c in cards]
    assert "since 1994" in heads[0] and not any(code in " ".join(heads) for code in ("PRESENT_REF", "XXXX", " – 19"))
    assert any("at publication (27 January 2021)" in h for h in heads) and "statement(s)" not in html


def test_a_happening_can_be_chosen_from_a_list(seed_table):
    election = seed_table[seed_table.mention == "August"].iloc[0].happening_id
    at = run()
    at.selectbox(key="happening-pick").set_value(election).run()
    assert at.query_params["happening"] == election  # the choice is in the link
    assert "5 passages from every source on the selected happening" in [s.value for s in at.subheader]


def test_a_link_to_one_dated_statement(seed_table):
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    at = run({"event": [december.event_id]})
    assert at.subheader[0].value.startswith("The linked dated statement")
    assert passages_html(at).count('class="event"') == 1 and december.event_id in passages_html(at)
    pick = next(p for p in chart_spec(at)["params"] if p["name"] == "pick")
    assert pick["value"] == [{"happening_id": december.happening_id}]  # its happening starts selected
    assert "Unknown event" in " ".join(notices(run({"event": ["nope"]}), "warning"))


def test_the_table_view_lists_happenings_or_statements_and_a_selection_reads_them():
    at = run({"view": ["Table"]})
    frame = at.dataframe[0].value
    assert len(frame) == 19 and "what" in frame and "outlets" in frame
    at.session_state["table-rows"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert any("of the selected rows" in s.value for s in at.subheader)
    at.radio(key="rows").set_value("dated statement").run()
    starts = list(at.dataframe[0].value["date_start"])
    assert len(starts) == 25 and at.selectbox(key="sort").value == "date_start"  # in time order by default
    dated = [d for d in starts if d]
    assert dated == sorted(dated) and starts[:len(dated)] == dated  # blanks (unresolved) last
    at.toggle(key="desc").set_value(True).run()
    starts = list(at.dataframe[0].value["date_start"])
    assert starts[0] == max(dated) and starts[:len(dated)] == sorted(dated, reverse=True)
    # a link holds the view (the browser test checks the page writes it there)
    linked = run({"view": ["Table"], "rows": ["dated statement"], "sort": ["source"], "desc": ["true"]})
    sources = list(linked.dataframe[0].value["source"])
    assert linked.selectbox(key="sort").value == "source" and sources == sorted(sources, reverse=True)


def test_the_article_view_shows_a_whole_text_with_its_dates_linked_to_their_cards(seed_table):
    doc = "003_2e4a3ad5c360ce24"
    at = run({"view": ["Article"], "doc": [doc]})
    html = passages_html(at)
    article = html.split('<div class="article">')[1].split("</div>")[0]
    ids = seed_table[seed_table.doc_id == doc].event_id
    assert all(f'href="#event-{e}"' in article for e in ids)  # each date links to its card ...
    assert all(f'id="event-{e}"' in html for e in ids)  # ... shown below it
    assert "Amnesty International" in article and '<mark class="actor">' in article
    assert "Breaking News" in article  # the whole text, furniture too, as the reader saw it


def test_a_correction_is_kept_marked_downloaded_and_read_back(seed_table):
    from explorer import corrections

    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    at = run({"event": [december.event_id]})
    at.date_input[0].set_value(date(2021, 12, 9))
    at.date_input[1].set_value(date(2021, 12, 9))
    submit = next(b for b in at.button if b.label == "Save the correction")
    submit.click().run()
    html = passages_html(at)
    assert '<span class="corrected">corrected</span>' in html and "9 December 2021" in html
    download = next(b for b in at.get("download_button") if b.label == "Corrections (CSV)")
    assert download is not None
    found, _ = corrections.read(corrections.to_csv(at.session_state["corrections"]))
    assert found[december.event_id].date_start == "2021-12-09"
    # a new session reads the file back
    fresh = run()
    loader = next(u for u in fresh.get("file_uploader") if u.key.startswith("fixes"))
    loader.set_value([("corrections.csv", corrections.to_csv(found), "text/csv")])
    fresh.run()
    assert fresh.session_state["corrections"][december.event_id].date_start == "2021-12-09"


def test_a_manifest_sets_the_facts_of_uploads():
    manifest = b"file,title,source,url,published\nraid.txt,Raid in Minsk,Example News,https://example.org/raid,2021-12-10\n"

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("raid.txt", b"Title\nPolice came last week.", "text/plain"),
                                                      ("manifest.csv", manifest, "text/csv")])

    at = run(setup=upload)
    table = at.session_state["store"][1].table
    row = table[table.doc_id == "raid"].iloc[0]
    assert (row.title, row.source, row.url, row.published, row.date_start) == (
        "Raid in Minsk", "Example News", "https://example.org/raid", "2021-12-10", "2021-11-29")


def test_an_actor_the_list_lacks_can_be_added_and_downloaded(tmp_path):
    at = run()
    next(b for b in at.button if b.label == "Find names in the 5 articles shown").click().run()
    submit = next(b for b in at.button if b.label == "Add to this session's actors")
    name_box = next(s for s in at.selectbox if s.label == "Name")
    name_box.set_value("Akrestsina")
    submit.click().run()
    assert "Akrestsina" in at.multiselect(key="actor").options
    assert any(b.label == "Actor list (CSV)" for b in at.get("download_button"))
    # what that button offers: the shipped list and the added name, which reads back as an actor
    from explorer.actors import actors_csv, load_actors

    added = at.session_state["added_actors"]
    assert [a.name for a in added] == ["Akrestsina"]
    (tmp_path / "actors.csv").write_bytes(actors_csv(load_actors() + added))
    listed = load_actors(tmp_path / "actors.csv")
    assert len(listed) == len(load_actors()) + 1 and listed[-1].name == "Akrestsina"


def chart_data(at) -> "pd.DataFrame":
    import pyarrow as pa

    return pa.ipc.open_stream(at.get("vega_lite_chart")[0].proto.data.data).read_pandas()


def serve_table(table, folder, monkeypatch, store: str) -> None:
    """Open the page on `table`: from CSV in the memory store, or from Parquet with its
    happenings view, through DuckDB (as the build writes them)."""
    from explorer import happening_view
    from explorer.events import read_table, write_table

    if store == "memory":
        write_table(table, folder / "table.csv")
        monkeypatch.setenv("EVENTS_TABLE", str(folder / "table.csv"))
        monkeypatch.delenv("EVENTS_HAPPENINGS", raising=False)
    else:
        write_table(table, folder / "table.parquet")
        write_table(happening_view.view(read_table(folder / "table.parquet")), folder / "view.parquet")
        monkeypatch.setenv("EVENTS_TABLE", str(folder / "table.parquet"))
        monkeypatch.setenv("EVENTS_HAPPENINGS", str(folder / "view.parquet"))


def copies_of(seed_table, n: int):
    """`n` copies of the seeds' recent statements (ids kept apart); the first copy's outlet unknown."""
    import pandas as pd

    recent = seed_table[(seed_table.date_start >= "2020") | (seed_table.date_start == "")]
    copies = []
    for i in range(n):
        copy = recent.copy()
        for column in ("event_id", "happening_id", "doc_id"):
            copy[column] = copy[column] + f"-{i}"
        copy["source"] = "" if i == 0 else copy["source"]
        copies.append(copy)
    return recent, pd.concat(copies, ignore_index=True)


@pytest.fixture(params=["memory", "duckdb"])
def large_table(seed_table, tmp_path, monkeypatch, request):
    """The page opened on 120 copies of the seeds' recent statements: 2,000-odd happenings,
    too many marks to draw one by one; one copy's outlet is unknown. In each store."""
    recent, table = copies_of(seed_table, 120)
    serve_table(table, tmp_path, monkeypatch, request.param)
    return recent


def test_a_large_table_is_drawn_as_counts_that_spread_each_span_and_say_how(large_table):
    at = run()
    captions = " ".join(c.value for c in at.caption)
    assert "too many to draw one by one" in captions and "counts per month" in captions
    assert "Click a bar" in captions and "drag" not in captions.replace("shift-drag", "")  # no brush in counts
    assert not any(s.label == "Go to a happening" for s in at.selectbox)
    counts = chart_data(at)
    years = counts[counts.granularity == "year"].set_index("period")["events"]
    # "2024" (a year) counts a twelfth in each month of 2024: no spike in January
    assert len(years.loc["2024-01":"2024-12"]) == 12 and years.loc["2024-01":"2024-12"].nunique() == 1
    sidebar = " ".join(h.proto.body for h in at.sidebar.get("html"))
    assert f"(unknown outlet) <b>{len(large_table)}</b>" in sidebar
    assert "no events" not in sidebar


def test_passages_come_in_pages_and_the_page_is_in_the_link(large_table):
    at = run()
    total = 120 * len(large_table)
    pager = at.number_input(key="page")
    assert pager.label == f"Page (of {-(-total // 50)})"
    first = re.findall(r'id="event-([^"]+)"', passages_html(at))
    assert len(first) == 50
    pager.set_value(2).run()
    second = re.findall(r'id="event-([^"]+)"', passages_html(at))
    assert len(second) == 50 and not set(first) & set(second)
    linked = run({"page": ["2"]})
    assert re.findall(r'id="event-([^"]+)"', passages_html(linked)) == second


# What the page offers only on a table it holds in memory: a reader's own articles, corrections and actors
OWN_WORK = ("Corrections and actors of your own", "correction", "Fix a date", "This table holds")
OWN_WIDGETS = ("Dated statement", "Precision", "Undo a correction", "Name", "Kind")


def page_said(at) -> dict:
    """What a reader sees: every text, notice, chart data, table and widget, with its options
    (but for `OWN_WORK`)."""
    import pandas as pd

    frames = [f.value.to_csv(index=False) if isinstance(f.value, pd.DataFrame) else str(f.value) for f in at.dataframe]
    return {
        "markdown": [m.value for m in at.markdown], "html": [h.proto.body for h in at.get("html")],
        "caption": [c.value for c in at.caption if not any(w in c.value for w in OWN_WORK)],
        "info": [i.value for i in at.info],
        "subheader": [h.value for h in at.subheader], "frames": frames,
        # sums of fractions, in whichever order a store adds them: compared to a millionth
        "chart": "" if not at.get("vega_lite_chart") else chart_data(at).round(6).sort_values(
            ["period", "granularity"] if "period" in chart_data(at) else []).to_csv(index=False),
        "selectboxes": [(b.label, b.options, b.value) for b in at.selectbox if b.label not in OWN_WIDGETS],
        "pager": [(n.label, n.value) for n in at.number_input],
        "sidebar": [h.proto.body for h in at.sidebar.get("html")],
    }


def test_both_stores_show_the_same_page(seed_table, tmp_path, monkeypatch):
    """The page on the memory store and on DuckDB, in every state a reader reaches: filters,
    facets, text search, no results, pages, deep links, the table and article views, drawn
    happenings (the seeds) and counts (120 copies of them). One semantics, one page."""
    recent, large = copies_of(seed_table, 120)
    happening = seed_table[seed_table.mention == "August"].iloc[0].happening_id
    event = seed_table.event_id.iloc[3]
    doc = seed_table.doc_id.iloc[0]
    states = [{}, {"actor": ["Alyaksandr Lukashenka"]}, {"source": [seed_table.source.iloc[0]]},
              {"year": ["2021", "2021"]}, {"precision": ["day"]}, {"q": ["MINSK"]}, {"q": ["nothing holds this"]},
              {"lanes": ["source"]}, {"lanes": ["none"]}, {"happening": [happening]}, {"event": [event]},
              {"happening": ["no such happening"]}, {"view": ["Table"]},
              {"view": ["Table"], "rows": ["dated statement"], "sort": ["source"], "desc": ["true"]},
              {"view": ["Table"], "sort": ["outlets"], "desc": ["true"]}, {"view": ["Table"], "sort": ["what"]},
              {"view": ["Table"], "rows": ["dated statement"], "sort": ["corrected"], "desc": ["true"]},
              {"view": ["Table"], "happening": [happening], "rows": ["dated statement"], "sort": ["mention"]},
              {"view": ["Table"], "q": ["minsk"], "sort": ["sources"]},
              {"view": ["Article"], "doc": [doc]}, {"view": ["Article"], "doc": ["no such article"]}]
    drawn = {}
    for name, table, more in (("seeds", seed_table, [{}]), ("large", large, [
            {"page": ["3"]}, {"doc": [doc + "-7"], "view": ["Article"]},
            {"view": ["Table"], "table-page": ["7"], "rows": ["dated statement"], "sort": ["published"]},
            {"view": ["Table"], "table-page": ["4"], "sort": ["mentions"], "desc": ["true"]}])):
        said = {}
        for store in ("memory", "duckdb"):
            folder = tmp_path / f"{name}-{store}"
            folder.mkdir()
            serve_table(table, folder, monkeypatch, store)
            said[store] = [page_said(run(state)) for state in states + more]
        for state, memory, duck in zip(states + more, said["memory"], said["duckdb"]):
            for part in memory:
                assert duck[part] == memory[part], (name, state, part)
        drawn[name] = any(label == "Go to a happening" for label, _, _ in said["duckdb"][0]["selectboxes"])
        assert sum(len(page["html"]) for page in said["duckdb"]) > 3 * len(states)  # cards and notices were shown
    assert drawn == {"seeds": True, "large": False}  # marks drawn one by one; counts


@pytest.mark.parametrize("store", ["memory", "duckdb"])
def test_a_prebuilt_table_with_its_texts_opens_whole_articles(tmp_path, monkeypatch, store):
    import subprocess
    import sys

    table, texts, view = tmp_path / "big.parquet", tmp_path / "texts.parquet", tmp_path / "view.parquet"
    built = subprocess.run([sys.executable, "-m", "explorer", "build", str(ROOT / "seeds"), "--out", str(table),
                            "--texts", str(texts), "--happenings", str(view)], capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0 and "5 texts ->" in built.stderr, built.stderr
    monkeypatch.setenv("EVENTS_TABLE", str(table))
    monkeypatch.setenv("EVENTS_TEXTS", str(texts))
    if store == "duckdb":  # the texts asked one article at a time
        monkeypatch.setenv("EVENTS_HAPPENINGS", str(view))
    doc = "003_2e4a3ad5c360ce24"
    at = run({"view": ["Article"], "doc": [doc]})
    html = passages_html(at)
    assert '<div class="article">' in html and "Amnesty International" in html
    assert at.selectbox(key="article-pick").value == doc
    # without the texts, the page says how to get them and still lists the article's statements
    monkeypatch.delenv("EVENTS_TEXTS")
    bare = run({"view": ["Article"], "doc": [doc]})
    assert '<div class="article">' not in passages_html(bare) and "--texts" in bare.info[0].value


# --- nothing a reader triggers runs unbounded in the server process --------------------------------

def test_grouping_corrections_and_name_finding_run_outside_the_server(monkeypatch):
    """The page's own process must not group happenings, apply corrections or find names:
    each is done in a reader's worker, under its limits. Broken here, they still work there."""
    from explorer import actors, events, happenings

    def not_here(*args, **kwargs):
        raise AssertionError("ran in the server process")

    for module, name in ((happenings, "with_happenings"), (actors, "suggest"), (events, "reattribute")):
        monkeypatch.setattr(module, name, not_here)
    text = b"Police raid\nPublished: 10 December 2021\nPolice said Zorblat Kvintus met Lukashenka on 3 December 2021, and Zorblat Kvintus left."

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("raid.txt", text, "text/plain")])

    at = run({"q": ["Kvintus"]}, setup=upload)  # the upload's statement alone
    assert "Showing 1 of 26 dated statements" in at.markdown[0].value
    next(b for b in at.button if b.label == "Find names in the 1 article shown").click().run()
    assert not at.exception
    assert any("Zorblat Kvintus" in o for o in next(s for s in at.selectbox if s.label == "Name").options)


def corrections_loader(at):
    return next(u for u in at.get("file_uploader") if u.key.startswith("fixes"))


def test_a_corrections_file_that_adds_nothing_is_said_once_and_the_uploader_empties(seed_table):
    from explorer import corrections

    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    fix = corrections.Correction(december.event_id, "2021-12-09", "2021-12-09", "day", (), False)
    data = corrections.to_csv({fix.event_id: fix})
    at = run()
    for expected in ("", "adds no correction this session does not hold already"):
        before = corrections_loader(at).key
        corrections_loader(at).set_value([("corrections.csv", data, "text/csv")])
        at.run()
        assert not at.exception and corrections_loader(at).key != before  # a fresh, empty uploader
        assert corrections_loader(at).value in (None, [])
        said = [n for n in notices(at, "note") if "adds no correction" in n]
        assert said == ([f"corrections.csv: {expected}"] if expected else [])
    assert len(at.session_state["corrections"]) == 1
    at.run()  # a rerun with nothing new does not say it again, nor loop
    assert not at.exception


def test_a_facet_button_shows_an_outlet_named_in_markdown_as_written(tmp_path, monkeypatch, seed_table):
    table = seed_table.copy()
    hostile = {"Belsat": "![p](https://e.x/p.png)", "Pozirk": ":red[**Verify e.x**]"}  # short: not cut
    table["source"] = table["source"].replace(hostile)
    path = tmp_path / "events.csv"
    table.to_csv(path, index=False)
    monkeypatch.setenv("EVENTS_TABLE", str(path))
    at = run()
    labels = [option.content for pills in at.get("button_group") for option in pills.proto.options]
    for value in hostile.values():  # each outlet's button reads as written once the escapes are read
        assert any(unescape(label).startswith(value + " · ") for label in labels), labels
    # ... and holds no Markdown: no link, image or colour directive survives
    assert not [label for label in labels if re.search(r"(?<!\\)\]\(|(?<!\\):red\[", label)], labels


def test_a_correction_can_be_undone(seed_table):
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    at = run({"event": [december.event_id]})
    next(c for c in at.checkbox if c.label.startswith("Drop it")).check()
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert list(at.session_state["corrections"]) == [december.event_id]
    next(b for b in at.button if b.label == "Undo it").click().run()
    assert not at.exception and at.session_state["corrections"] == {}


def test_an_unknown_view_in_the_link_is_said_and_taken_out():
    at = run({"view": ["Bogus"]})
    assert "Unknown view “Bogus” in the link was ignored; showing the passages." in notices(at, "warning")
    assert "view" not in at.query_params and shown(at) == 25


def test_clearing_the_filters_brings_back_every_year_without_a_warning(caplog):
    at = run({"year": ["2021", "2022"], "actor": ["Ihar Kenyukh"]})
    with caplog.at_level("WARNING"):
        next(b for b in at.button if b.label == "Clear the filters").click().run()
    assert shown(at) == 25 and tuple(at.slider(key="year").value) == (1994, 2025)
    assert not [r for r in caplog.records if "year" in r.getMessage()]


def test_a_long_outlet_name_is_cut_to_fit_its_button_with_its_count_kept(tmp_path, monkeypatch, seed_table):
    table = seed_table.copy()
    table["source"] = "Voice of America (Russian service), reposted by a long name"
    path = tmp_path / "events.csv"
    table.to_csv(path, index=False)
    monkeypatch.setenv("EVENTS_TABLE", str(path))
    labels = [option.content for pills in run().get("button_group") for option in pills.proto.options]
    assert any(unescape(label) == "Voice of America (Russian s… · 25" for label in labels), labels


def test_a_saved_correction_keeps_actors_untouched_and_the_panel_open(seed_table):
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    at = run({"event": [december.event_id]})
    at.date_input[0].set_value(date(2021, 12, 9))
    next(b for b in at.button if b.label == "Save the correction").click().run()
    fix = at.session_state["corrections"][december.event_id]
    assert fix.actors is None and fix.date_start == "2021-12-09"  # the actors were not touched: not set
    panel = next(e for e in at.expander if e.label == "Corrections")
    assert panel.proto.expanded


def test_card_links_keep_the_filters_and_a_session_with_its_own_articles_gets_none():
    at = run({"actor": ["Ihar Kenyukh"]})
    links = re.findall(r'href="(\?[^"]*view=Article[^"]*)"', passages_html(at))
    assert links and all(html.unescape(link).startswith("?actor=Ihar+Kenyukh&view=Article") for link in links)

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("raid.txt", b"Raid\nPolice came on 28 October 2020.", "text/plain")])

    mine = run(setup=upload)
    assert "view=Article" not in passages_html(mine)
    assert any("choose the Article view above" in c.value for c in mine.caption)


def test_the_second_example_corpus_opens_from_the_url_and_shows_happenings_several_outlets_report():
    """Issue 21: a first-time reader sees "reported by N outlets" on an example corpus the app
    ships (`?corpus=corroboration`); the seeds stay the default."""
    at = run({"corpus": "corroboration"})
    assert "from 20 of 20 articles" in at.markdown[0].value
    assert at.selectbox(key="corpus-pick").value == "corroboration"
    assert re.search(r"reported by [4-9] outlets", passages_html(at))
    seeds = run()
    assert "from 5 of 5 articles" in seeds.markdown[0].value and seeds.selectbox(key="corpus-pick").value == "seeds"


def test_choosing_a_corpus_puts_it_in_the_url_and_starts_from_no_filters():
    at = run({"actor": "Alyaksandr Lukashenka", "q": "election"})
    assert "Showing 25 of 25" not in at.markdown[0].value  # filtered
    at.selectbox(key="corpus-pick").set_value("corroboration").run()
    assert not at.exception
    assert at.query_params.get("corpus") == ["corroboration"] or at.query_params.get("corpus") == "corroboration"
    assert "actor" not in at.query_params and "q" not in at.query_params
    assert re.search(r"Showing (\d+) of \1 dated statements, .* from 20 of 20 articles", at.markdown[0].value)
    at.selectbox(key="corpus-pick").set_value("seeds").run()
    assert "corpus" not in at.query_params and "from 5 of 5 articles" in at.markdown[0].value


def test_an_unknown_corpus_in_the_url_is_named_and_the_seeds_shown():
    at = run({"corpus": "bogus"})
    assert "from 5 of 5 articles" in at.markdown[0].value
    assert "There is no example corpus “bogus”" in passages_html(at)


def test_an_upload_without_a_manifest_shows_the_outlet_it_names_itself():
    """Issue 21: an upload's outlet from its wire dateline is counted, and shown in the uploads'
    table, where the reader may still type another."""
    text = b"Court jails blogger\nMINSK, March 14 (Reuters) - A court in Minsk sentenced blogger Ihar Losik on 14 March 2023."

    def upload(at):
        at.sidebar.get("file_uploader")[0].set_value([("verdict.txt", text, "text/plain")])

    at = run(setup=upload)
    assert list(at.data_editor[0].value["source"]) == ["Reuters"]
    at.text_input(key="q").input("Losik").run()
    cards = "".join(re.findall(r'<div class="event".*?</details>', passages_html(at), re.S))
    assert "Reuters" in cards


def test_a_table_that_cannot_be_opened_is_one_line(tmp_path, monkeypatch):
    """A large Parquet table named without its happenings view, or a view that is none: the
    page says so in one line, with no traceback."""
    from explorer.store import LARGE_TABLE_ROWS

    from . import big_table

    events, happenings = big_table.write(tmp_path, LARGE_TABLE_ROWS)
    monkeypatch.setenv("EVENTS_TABLE", str(events))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    [error] = at.error
    assert "cannot be opened" in error.value and "EVENTS\\_HAPPENINGS" in error.value
    monkeypatch.setenv("EVENTS_HAPPENINGS", str(events))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "not a happenings view" in at.error[0].value
    monkeypatch.setenv("EVENTS_HAPPENINGS", str(happenings))
    at = run()
    assert f"of {LARGE_TABLE_ROWS:,} dated statements" in at.markdown[0].value


def test_a_variable_set_empty_is_not_set(monkeypatch):
    """`EVENTS_HAPPENINGS= EVENTS_TEXTS= streamlit run ...` as a shell user writes it: a CSV
    table opens in memory as if neither were named (no "Parquet only" refusal)."""
    monkeypatch.setenv("EVENTS_TABLE", str(ROOT / "data" / "events.csv"))
    monkeypatch.setenv("EVENTS_HAPPENINGS", "")
    monkeypatch.setenv("EVENTS_TEXTS", "")
    at = run()
    assert not at.error
    from explorer.events import read_table

    rows = len(read_table(ROOT / "data" / "events.csv"))
    assert f"of {rows:,} dated statements" in at.markdown[0].value
