"""Passages as HTML: escaped text, highlighted words, safe links only."""

import json
from types import SimpleNamespace

from explorer import render


def row(**changes):
    base = dict(event_id="e1", doc_id="d", title="A title", source="RFE/RL", url="https://example.org/a",
                published="2021-12-10", passage="Police came on December 10, said Lukashenka.", passage_start=100,
                mention="December 10", mention_start=115, mention_end=126, timex="2021-12-10",
                date_start="2021-12-10", date_end="2021-12-10", granularity="day", relation="at",
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
        html = render.passage_card(row(url=bad))
        assert "<a " not in html
    assert render.safe_url("http://example.org/x?y=1") == "http://example.org/x?y=1"


def test_overlapping_marks_keep_the_first():
    text = render.highlight("abcdef", 0, [(0, 4, "date"), (2, 6, "actor")])
    assert text == '<mark class="date">abcd</mark>ef'
