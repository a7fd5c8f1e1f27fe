"""The page, run by Streamlit's AppTest (no browser)."""

import html
import re

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
    found = re.findall(r'<div class="notice notice-(\w+)"[^>]*>(.*?)</div>', passages_html(at), re.S)
    return [html.unescape(text).split(" ", 1)[1] for k, text in found if not kind or k == kind]


def test_page_renders_on_the_seeds():
    at = run()
    assert "5 articles · 25 dated statements" in at.markdown[0].value
    assert "dates from 1994-01-01 to 2025-08-13" in at.markdown[0].value
    assert shown(at) == 25
    assert len(at.get("vega_lite_chart")) == 1
    assert [b.label for b in at.get("download_button")] == ["Events (CSV)", "Events (JSON)", "TimelineJS (JSON)"]


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
    assert shown(at) == 1 and "Referendum on Constitution" in passages_html(at)


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
    assert "6 articles · 26 dated statements" in at.markdown[0].value
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


def test_a_link_to_a_happening_lists_every_source(seed_table):
    election = seed_table[seed_table.mention == "August"].iloc[0].happening_id
    at = run({"happening": [election]})
    heading = next(s.value for s in at.subheader if "every source" in s.value)
    assert heading == "5 passage(s) from every source on the selected happening(s)"
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
    table = at.session_state["catalog"][1].table
    mine = table[table.doc_id == "election"].iloc[0]
    seeds_election = table[(table.doc_id.str.startswith("003")) & (table.mention == "August")].iloc[0]
    assert mine.happening_id == seeds_election.happening_id
