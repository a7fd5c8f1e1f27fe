"""Loading a corpus: manifest, reference dates, cleaning, furniture, passages."""

from datetime import date

import pytest

from explorer.corpus import build_document, load_folder, stamp_date

from .conftest import SEEDS


def test_seeds_load_with_their_manifest(seed_corpus):
    docs = {d.doc_id: d for d in seed_corpus.documents}
    assert len(docs) == 5 and seed_corpus.problems == []
    assert docs["001_e764a51f6fefffa3"].published == date(2022, 1, 28)
    assert all(d.reference_source == "manifest" for d in docs.values())
    assert docs["002_c4206b439a35caa1"].source == "Pozirk"


def test_seed_copies_are_unchanged():
    """The seeds are byte-for-byte the shared originals: seeds/SHA256SUMS holds the
    originals' checksums (the tests read nothing outside the checkout)."""
    import hashlib

    sums = dict(reversed(line.split()) for line in (SEEDS / "SHA256SUMS").read_text().splitlines())
    assert sorted(sums) == sorted(p.name for p in SEEDS.glob("*.txt"))
    for name, digest in sums.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest


def test_broken_entities_are_decoded(seed_corpus):
    voa = next(d for d in seed_corpus.documents if d.doc_id.startswith("004"))
    assert "&#" not in voa.text
    assert "« Voices of America»" in voa.text
    assert "international justice" in voa.text
    assert any("broken HTML entities" in r for r in voa.repairs)


@pytest.mark.parametrize("doc, furniture", [
    ("003", "Accessibility links"), ("003", "Breaking News"), ("003", "16x9 Image"),
    ("003", "report the news in 27 languages"), ("003", "Read our ongoing coverage"),
    ("002", "The material is available only to POZIRK+"), ("002", "Politics, Security"),
    ("001", "Photo: Mark Makela"), ("000", "SEE ALSO"), ("004", "I will follow"), ("004", "Other news"),
])
def test_site_furniture_is_kept_out_of_passages(seed_corpus, doc, furniture):
    d = next(d for d in seed_corpus.documents if d.doc_id.startswith(doc))
    assert furniture in d.text  # nothing is deleted from the text ...
    assert not any(furniture in d.text[s:e] for s, e in d.passages)  # ... it is just no passage


def test_passages_are_sentences_with_offsets(seed_corpus):
    d = next(d for d in seed_corpus.documents if d.doc_id.startswith("000"))
    sentences = [d.text[s:e] for s, e in d.passages]
    assert "Several people have died during the crackdown." in sentences
    # "U.S." and "U.K." do not end sentences
    assert any(s.startswith("In a statement on December 10, the U.S. State Department named") for s in sentences)
    assert sentences[0] == d.title


def test_dateline_is_not_a_passage_but_the_sentence_after_it_is(seed_corpus):
    d = next(d for d in seed_corpus.documents if d.doc_id.startswith("002"))
    first = [d.text[s:e] for s, e in d.passages][1]
    assert first.startswith("The US Department of State pointed")


@pytest.mark.parametrize("head, expected", [
    ("Published: 10 December 2021\nText.", date(2021, 12, 10)),
    ("2021-12-10 14:05\nText.", date(2021, 12, 10)),
    ("Updated on December 9, 2021\nText.", date(2021, 12, 9)),
    ("MINSK, December 8, 2021 (Reuters) - Police detained ...", date(2021, 12, 8)),
    ("A title\nDecember 10\nText.", None),  # no year: not a full date
    ("A title about 2021\nText.", None),
])
def test_reference_date_from_a_stamp(head, expected):
    assert stamp_date(head) == expected


def test_document_without_manifest_row_takes_its_stamp_or_none():
    stamped = build_document("a.txt", b"Title line\nPublished: 10 December 2021\nIt happened last week.")
    assert (stamped.published, stamped.reference_source) == (date(2021, 12, 10), "dateline")
    bare = build_document("b.txt", b"Title line\nIt happened last week, not in August 2020.")
    assert (bare.published, bare.reference_source) == (None, "none")


def test_html_is_read_as_visible_text_without_markup():
    page = b"<html><head><title>T</title><script>alert(1)</script></head><body><p>On 28 October 2020 <b>police</b> came.</p><style>p{}</style></body></html>"
    d = build_document("page.html", page, {"published": "2021-01-27"})
    assert "alert" not in d.text and "<" not in d.text and "p{}" not in d.text
    assert "On 28 October 2020 police came." in d.text
    assert d.title == "T"


def test_unreadable_files_are_reported_and_the_rest_load(tmp_path):
    (tmp_path / "good.txt").write_text("Title\nIt happened on 28 October 2020.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    corpus = load_folder(tmp_path)
    assert [d.name for d in corpus.documents] == ["good.txt"]
    assert {p.name: p.reason for p in corpus.problems} == {"empty.txt": "empty file", "image.txt": "binary file, not text"}


def test_cp1251_text_is_decoded_and_the_repair_recorded():
    d = build_document("ru.txt", "Минск, 28 октября. Заявление Лукашенко о выборах и протестах в Беларуси.".encode("cp1251"))
    assert "Лукашенко" in d.text
    assert any(r.startswith("decoded as") for r in d.repairs)


def test_manifest_with_an_impossible_date_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nIt happened last week.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title,source,url,published\na.txt,T,S,,2021-02-30\n", encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.documents[0].published is None
    assert any("2021-02-30" in p.reason for p in corpus.problems)


PAGE = b"""<html><head><title>Police raid | Example News</title>
<meta property="article:published_time" content="2025-06-21T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="ticker">Breaking News: Markets fall on 3 March 2026</div>
<article><h1>Police raid in Minsk</h1><p class="byline">By Staff &middot; Published: 21 June 2025</p>
<p>Police in Minsk detained 40 people last week, the Viasna human rights center said on Friday.</p>
<p>The detentions followed a protest on June 14.</p></article>
<aside><h3>Related</h3><ul><li><a href="/a">Lukashenko pardons 16 on 3 July 2024</a></li>
<li><a href="/b">Election set for 26 January 2026</a></li></ul></aside>
<footer>&copy; 2026 Example News. All rights reserved.</footer></body></html>"""


def test_a_web_page_is_read_as_a_reader_sees_it():
    from explorer.events import events_table

    doc = build_document("raid.html", PAGE)
    assert (doc.published, doc.reference_source) == (date(2025, 6, 21), "metadata")  # the page's own metadata
    assert doc.title == "Police raid in Minsk" and doc.repairs == []  # reading HTML is no repair
    table = events_table([doc])
    assert set(table.mention) == {"last week", "Friday", "June 14"}  # no byline, ticker, related story or copyright
    assert set(table.date_start) == {"2025-06-09", "2025-06-20", "2025-06-14"}


def test_a_byline_in_a_text_file_is_its_publication_date_not_an_event():
    from explorer.events import events_table

    text = ("Police raid in Minsk\nBy Staff · Published: 21 June 2025\nPolice detained 40 people last week.\n"
            "Related\nLukashenko pardons 16 on 3 July 2024\nElection set for 26 January 2026\n\n© 2026 Example News")
    doc = build_document("raid.txt", text.encode())
    assert (doc.published, doc.reference_source) == (date(2025, 6, 21), "dateline")
    assert list(events_table([doc]).mention) == ["last week"]


# UTF-8 articles with a passage pasted in from a Windows-1251 file
UTF8_RU = "Правозащитница Алеся рассказала о задержаниях 28 октября 2020 года в Минске.\n"
UTF8_EN = "Police in Minsk detained dozens of people at a “peaceful” rally — the human rights group said.\n"
CP1251_RU = ("Минск. Алеся Беляцкий и правозащитники «Весны» сообщили о задержаниях сотен участников "
             "мирных акций в августе.\n")


@pytest.mark.parametrize("around, pasted", [(UTF8_RU, 1), (UTF8_EN * 5 + UTF8_RU, 20), (UTF8_RU, 20)],
                         ids=["short", "long", "long-in-russian"])
def test_a_utf8_article_with_a_pasted_cp1251_passage_is_read_part_by_part(around, pasted):
    """Each part in its own encoding, however much of the file the pasted passage is: a long
    one had the whole file read in one code page (“ as вЂњ, or "Алеся" as "јлес€" in
    mac_cyrillic), a short article was skipped as not text."""
    data = around.encode() + (CP1251_RU * pasted).encode("cp1251") + around.encode()
    d = build_document("mixed.txt", data)
    assert d.text == (around + CP1251_RU * pasted + around).strip()
    assert d.repairs == ["decoded as utf-8 with 1 segment in cp1251"]


@pytest.mark.parametrize("language", ["ru", "uk", "be"])
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "cp866"])
def test_a_legacy_file_whose_byte_pairs_look_like_utf8_is_read_whole_in_its_code_page(language, encoding):
    """Byte pairs of a code page that happen to form UTF-8 ("Сі" in cp1251, whole words in
    cp866) do not make a file UTF-8 with pasted segments, however many there are."""
    from babel import Locale

    names = Locale.parse(language)
    text = " ".join([*names.territories.values(), *names.languages.values()])
    for case in (text, text.upper()):
        data = case.encode(encoding, errors="ignore")
        d = build_document("legacy.txt", data)
        assert d.text == " ".join(data.decode(encoding).split()) and d.repairs == [f"decoded as {encoding}"]


def test_a_markdown_headline_is_the_title_without_its_hashes():
    from explorer.corpus import build_document

    doc = build_document("raid.md", b"# Raid in Minsk\n\nPolice came on 3 March 2023, the prosecutor said.", {})
    assert doc.title == "Raid in Minsk"
    assert [doc.text[s:e] for s, e in doc.passages][-1] == "Police came on 3 March 2023, the prosecutor said."


@pytest.mark.parametrize("markup", [
    b"<article><h1>Journalist jailed for eight years</h1><p>Belarusian journalist Andrei Kaval was sentenced on 3 March 2023, his lawyer said.</p></article>",
    b"<div><h2>Journalist jailed for eight years</h2><div>Belarusian journalist Andrei Kaval was sentenced on 3 March 2023, his lawyer said.</div></div>",
    b"<div><b>Journalist jailed for eight years</b><br>Belarusian journalist Andrei Kaval was sentenced on 3 March 2023, his lawyer said.</div>",
], ids=["article", "div", "bold-br"])
def test_a_web_pages_headline_is_not_glued_to_its_first_passage(markup):
    """Issue 20: "... for eight years Belarusian journalist Andrei Kaval was sentenced ...":
    the headline is a line of its own, never the start of the passage a date is in."""
    from explorer.events import events_table

    page = b"<html><head><title>Journalist jailed for eight years | News</title></head><body>" + markup + b"</body></html>"
    doc = build_document("kaval.html", page, {"published": "2023-03-04"})
    assert doc.title == "Journalist jailed for eight years"
    passages = list(events_table([doc]).passage)
    assert passages == ["Belarusian journalist Andrei Kaval was sentenced on 3 March 2023, his lawyer said."]


@pytest.mark.parametrize("stamp", ["date 2021-01-17", "Published: 17 January 2021", "Updated January 17, 2021 10:05 GMT -"])
def test_a_stamp_at_the_head_of_a_line_is_the_date_and_the_rest_of_the_line_is_text(stamp):
    """Issue 21: " date 2021-01-17 Police detained ... since he was poisoned last summer" lost
    the whole line as a stamp, and its dates with it."""
    from explorer.events import events_table

    text = f" {stamp} Police detained Alexei Navalny on Sunday after he was poisoned last summer.\n\nHe was held."
    doc = build_document("a01.txt", text.encode())
    assert (doc.published, doc.reference_source) == (date(2021, 1, 17), "dateline")
    table = events_table([doc])
    assert sorted(table.mention) == ["Sunday", "last summer"]
    assert table.passage.iloc[0].startswith("Police detained Alexei Navalny")


@pytest.mark.parametrize("line", ["Published: 17 January 2021", "Published 17 January 2021 · Updated 18 January 2021",
                                  "Posted on 2021-01-17 by staff"])
def test_a_stamp_line_alone_is_still_left_out(line):
    from explorer.events import events_table

    doc = build_document("a.txt", f"Title of it\n{line}\nPolice detained 40 people last week.".encode())
    assert list(events_table([doc]).mention) == ["last week"]


ARTICLE = "<article><h1>Police raid in Minsk</h1><p>Police came on 3 March 2023, the prosecutor said in a statement.</p></article>"


@pytest.mark.parametrize("name, data, meta, outlet", [
    ("a.html", f'<html><head><title>Police raid in Minsk | Example News</title><meta property="og:site_name" '
               f'content="Belarus Watch"></head><body>{ARTICLE}</body></html>', {}, ("Belarus Watch", "metadata")),
    ("a.txt", "Police raid in Minsk\nMINSK, March 4 (Reuters) - Police came on 3 March 2023, the prosecutor said.", {},
     ("Reuters", "dateline")),
    ("a.html", f"<html><head><title>Police raid in Minsk | Belarus Watch</title></head><body>{ARTICLE}</body></html>",
     {}, ("Belarus Watch", "title")),
    ("a.html", f'<html><head><link rel="canonical" href="https://www.example.org/a/1"></head><body>{ARTICLE}</body></html>',
     {}, ("example.org", "address")),
    ("a.txt", "Police raid in Minsk\nPolice came on 3 March 2023, the prosecutor said.", {"url": "https://news.example.com/x"},
     ("news.example.com", "address")),
    ("a.txt", "Police raid in Minsk | Belarus Watch\nMINSK (Reuters) - Police came on 3 March 2023.", {"source": "Viasna"},
     ("Viasna", "manifest")),
    # the body's words never name the outlet
    ("a.txt", "Police raid in Minsk\nPolice came on 3 March 2023, Reuters reported, citing (AP) and the BBC.", {}, ("", "none")),
], ids=["metadata", "wire-dateline", "title-tail", "page-address", "manifest-address", "manifest", "body"])
def test_an_outlet_no_manifest_names_is_found_where_the_page_says_it(name, data, meta, outlet):
    """Issue 21: four uploads about one verdict showed "reported by 1 outlet" though each
    carried its outlet in its metadata, a wire dateline, its title or its address."""
    from explorer.events import events_table

    doc = build_document(name, data.encode(), meta)
    assert (doc.source, doc.source_from) == outlet
    table = events_table([doc])
    assert set(zip(table.source, table.source_from)) == {outlet}
