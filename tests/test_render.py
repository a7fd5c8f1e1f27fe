"""Passages as HTML: escaped text, highlighted words, safe links only."""

import json
import re

import pytest
from types import SimpleNamespace

from explorer import render


def row(**changes):
    base = dict(event_id="e1", doc_id="d", title="A title", source="RFE/RL", url="https://example.org/a",
                published="2021-12-10", passage="Police came on December 10, said Lukashenka.", passage_start=100,
                mention="December 10", mention_start=115, mention_end=126, timex="2021-12-10",
                date_start="2021-12-10", date_end="2021-12-10", granularity="day", relation="at", modifier="",
                type="DATE", reference_source="manifest", rule="month_day", cue="said (looks back)", passage_cut="",
                actors="Alyaksandr Lukashenka",
                actor_mentions=json.dumps([{"actor": "Alyaksandr Lukashenka", "text": "Lukashenka", "start": 133, "end": 143}]))
    base.update(changes)
    return SimpleNamespace(**base)


def test_date_words_and_actor_names_are_marked():
    html = render.passage_card(row())
    assert '<mark class="date">December 10</mark>' in html
    assert '<mark class="actor">Lukashenka</mark>' in html
    assert '<a href="https://example.org/a"' in html


def test_document_text_is_escaped_never_markup():
    html = render.passage_card(row(passage="<script>alert(1)</script> on December 10 <b>x</b>", mention_start=129,
                                   mention_end=140, title="<img src=x onerror=alert(1)>", actor_mentions="[]"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<b>x</b>" not in html
    assert '<mark class="date">December 10</mark>' in html


def test_only_http_links_are_links():
    for bad in ["javascript:alert(1)", "data:text/html,<script>", "  ", "ftp://x", 'https://x.org/"onmouseover="a']:
        html = render.passage_card(row(url=bad), doc_link=False)
        assert "<a " not in html
    assert render.safe_url("http://example.org/x?y=1") == "http://example.org/x?y=1"


def test_overlapping_marks_keep_the_first():
    text = render.highlight("abcdef", 0, [(0, 4, "date"), (2, 6, "actor")])
    assert text == '<mark class="date">abcd</mark>ef'


@pytest.mark.parametrize("start, end, granularity, timex, mod, words", [
    ("2021-12-10", "2021-12-10", "day", "2021-12-10", "", "10 December 2021"),
    ("2020-08-01", "2020-08-31", "month", "2020-08", "", "August 2020"),
    ("1994-01-01", "1994-12-31", "year", "1994", "", "1994"),
    ("1990-01-01", "1999-12-31", "decade", "199", "", "the 1990s"),
    ("1900-01-01", "1999-12-31", "century", "19", "", "the 20th century"),
    ("2021-11-29", "2021-12-05", "week", "2021-W48", "", "week of 29 November 2021"),
    ("2021-01-23", "2021-01-24", "weekend", "2021-W03-WE", "", "weekend of 23 January 2021 – 24 January 2021"),
    ("2021-07-01", "2021-09-30", "quarter", "2021-Q3", "", "Q3 2021"),
    ("2020-06-01", "2020-08-31", "season", "2020-SU", "", "summer 2020"),
    ("2022-01-01", "2022-05-01", "year", "2022", "START", "early 2022"),
    ("2021-12-01", "2021-12-10", "month", "2021-12", "START", "early December 2021"),
    ("2020-08-14", "2025-08-13", "year", "P5Y", "", "14 August 2020 – 13 August 2025"),
    ("2022-01-28", "2022-01-28", "present", "PRESENT_REF", "", "at publication (28 January 2022)"),
    ("2021-12-08", "2021-12-08", "time", "2021-12-08T22:00", "", "8 December 2021, 22:00"),
    ("", "", "day", "XXXX-WXX-6TEV", "", "date not resolved"),
])
def test_dates_are_said_in_words_at_their_precision(start, end, granularity, timex, mod, words):
    assert render.when_words(start, end, granularity, timex, mod) == words


def test_cards_speak_in_words_not_codes():
    html = render.passage_card(row(relation="opens", granularity="month", date_start="2020-08-01",
                                   date_end="2020-08-31", timex="2020-08"))
    when = html.split('<div class="when">')[1].split("</div>")[0]
    assert "since August 2020" in when and "2020-08" not in when and "statement(s)" not in html


def test_how_the_date_was_read_is_on_every_card():
    html = render.passage_card(row())
    reading = html.split('<details class="reading">')[1]
    for part in ("10 December 2021 (given beside the text", "month_day", "said (looks back)", "2021-12-10 – 2021-12-10"):
        assert part in reading


def test_the_text_search_is_marked_in_the_passage():
    html = render.passage_card(row(), query="POLICE")
    assert '<mark class="hit">Police</mark>' in html


def test_plurals():
    assert (render.plural(1, "dated statement"), render.plural(2, "dated statement")) == ("1 dated statement",
                                                                                          "2 dated statements")


def test_a_search_hit_after_a_letter_that_folds_longer_is_marked_where_it_stands():
    text = "Straße nach Minsk"
    [(start, end, _)] = render.hits(text, 100, "minsk")
    assert text[start - 100:end - 100] == "Minsk"
    [(start, end, _)] = render.hits(text, 0, "STRASSE")
    assert text[start:end] == "Straße"


def test_a_long_list_of_notices_is_cut_and_counted():
    html = render.notices(("note", f"row {i}: no such file") for i in range(100_000))
    assert html.count('class="notice') == render.MAX_NOTICES + 1
    assert "and 99,950 more notices like these" in html and len(html) < 20_000


def test_markdown_in_a_label_is_shown_as_written():
    for label in ("![px](https://evil.example/pill.png)", ":red[**Verify at evil.example**]", "<img src=x>"):
        escaped = render.escape_markdown(label)
        assert "![" not in escaped and "](" not in escaped and ":red[" not in escaped
        assert re.sub(r"\\(.)", r"\1", escaped) == label
