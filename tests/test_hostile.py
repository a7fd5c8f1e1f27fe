"""Hostile and broken input: every case reported by name and reason, nothing good lost.

Each case runs through the command line (`python -m explorer build`) and, for
uploads, through the page (AppTest)."""

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from explorer.corpus import build_document, load_folder, safe_name
from explorer.dates import DateBudgetExceeded, find_dates
from explorer.events import build_table, read_table

from .conftest import ROOT

RU = ("Минск. Заявление Лукашенко о выборах и протестах в Беларуси вызвало критику правозащитников. "
      "Власти задержали сотни участников мирных акций в августе.")
FR = "Les manifestants ont été arrêtés à Minsk; la télévision a montré des scènes de répression très dures."
EN = "\nOn 28 October 2020 police detained 200 protesters in Minsk, the prosecutor said.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)

FILES = {
    "good.txt": ("Police raid\n" + EN).encode(),
    "empty.txt": b"",
    "blank.md": b"   \n\n  ",
    "image.txt": PNG,
    "cp1251.txt": (RU + EN + RU).encode("cp1251"),
    "koi8r.txt": (RU + EN + RU).encode("koi8_r"),
    "latin1.txt": (FR + EN).encode("latin-1"),
    "utf16.txt": (RU + EN).encode("utf-16"),
    "oneline.txt": (("Police came again. " * 56_000) + "It ended on 28 October 2020.").encode(),  # > 1M characters
    "page.html": (b"<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
                  b"<p onclick=\"alert(1)\">On 28 October 2020 <a href=\"javascript:alert(2)\">police</a> came.</p>"
                  b"<img src=x onerror=\"alert(3)\"></body></html>"),
    "inject.md": b"# Report\n\nOn 28 October 2020 [click me](javascript:alert(1)) and ![x](http://evil.example/x.png) <b>bold</b>.",
    "digits.txt": ("Title here\n" + "1" * 100_000 + " on 28 October 2020.").encode(),
    "months.txt": ("Title here\n" + "January " * 5000 + "said on 28 October 2020.").encode(),
    "since.txt": ("Title here\nIt went on " + "since " * 3000 + "2020. Year 0 and year 99999 passed.").encode(),
}
MANIFEST = """file,title,source,url,published
good.txt,Good,Outlet,https://example.org/good,2021-01-27
good.txt,Again,Outlet,,2021-01-28
cp1251.txt,Ru,Outlet,,2021-02-30
koi8r.txt,Ru,Outlet,,0999-01-01
latin1.txt,Fr,Outlet,,2500-06-01
missing.txt,Gone,Outlet,,2021-01-27
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    for name, data in FILES.items():
        (path / name).write_bytes(data)
    (path / "huge.txt").write_bytes(b"Big file. " * (5 * 1024 * 1024 + 10))  # 50 MB
    (path / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (path / "ctl\x07name.txt").write_bytes(FILES["good.txt"])  # a control character in a file name
    return path


@pytest.fixture(scope="module")
def cli(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "events.csv"
    run = subprocess.run([sys.executable, "-m", "explorer", "build", str(folder), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    return run, read_table(out)


@pytest.mark.parametrize("line", [
    "skipped empty.txt: empty file",
    "skipped blank.md: empty file",
    "skipped image.txt: binary file, not text",
    "skipped huge.txt: too large: 50.0 MB (the limit is 10 MB a file)",
    "repaired cp1251.txt: decoded as cp1251",
    "repaired koi8r.txt: decoded as koi8_r",
    "repaired latin1.txt: decoded as cp1252",
    "repaired utf16.txt: decoded as utf-16",
    "repaired page.html: converted from HTML",
    "note manifest.csv: line 3: good.txt is listed again; the first row was used",
    "note manifest.csv: line 4: published date '2021-02-30' is not a real date; ignored",
    "note manifest.csv: line 5: published date '0999-01-01' is outside 1800–2100; ignored",
    "note manifest.csv: line 6: published date '2500-06-01' is outside 1800–2100; ignored",
    "note manifest.csv: names missing.txt, which is not in the folder",
    "note oneline.txt: has no manifest row; its reference date comes from its text, if any",
    "note ctl?name.txt: has no manifest row; its reference date comes from its text, if any",
])
def test_command_line_reports_each_file_by_name_and_reason(cli, line):
    run, _ = cli
    assert run.returncode == 0, run.stderr
    assert line in run.stderr.splitlines(), run.stderr


def test_command_line_keeps_every_good_document_whole(cli, folder):
    _, table = cli
    good = {"good", "cp1251", "koi8r", "latin1", "utf16", "oneline", "page", "inject", "digits", "months", "since",
            "ctl_name"}
    assert set(table.doc_id) == good
    # each holds its one dated statement, 28 October 2020 (months.txt also its Januaries)
    for doc_id in good - {"since"}:
        rows = table[(table.doc_id == doc_id) & (table.mention == "28 October 2020")]
        assert len(rows) == 1, doc_id
    since = table[table.doc_id == "since"]
    assert list(zip(since.mention, since.relation)) == [("2020", "opens")]  # not year 0 or 99999
    assert table[table.doc_id == "good"].published.iloc[0] == "2021-01-27"  # first manifest row


def test_decoded_text_is_what_was_written(folder):
    corpus = load_folder(folder)
    docs = {d.doc_id: d for d in corpus.documents}
    assert "Лукашенко" in docs["cp1251"].text and "Лукашенко" in docs["koi8r"].text
    assert "arrêtés" in docs["latin1"].text and "Лукашенко" in docs["utf16"].text


def test_html_loses_script_style_handlers_and_links(folder):
    page = next(d for d in load_folder(folder).documents if d.doc_id == "page")
    assert "alert" not in page.text and "color:red" not in page.text and "<" not in page.text
    assert "On 28 October 2020 police came." in page.text


def test_markdown_injection_stays_text_on_the_page(cli):
    from explorer.render import passage_card

    _, table = cli
    row = next(table[table.doc_id == "inject"].itertuples())
    html = passage_card(row)
    assert "javascript:alert(1)" in html  # shown as the words it is ...
    assert '<a href="javascript' not in html and "<img" not in html and "<b>bold" not in html  # ... never active


def test_strict_fails_and_nothing_readable_fails(folder, tmp_path):
    run = subprocess.run([sys.executable, "-m", "explorer", "build", str(folder), "--out", str(tmp_path / "e.csv"),
                          "--strict"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 1 and (tmp_path / "e.csv").exists()


def test_a_document_over_its_time_budget_is_skipped_and_the_rest_build(folder, tmp_path):
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "fast.txt").write_text("Title\nOn 28 October 2020 police came.", encoding="utf-8")
    (slow / "slow.txt").write_text("Title\n" + "On 28 October 2020 police came. " * 20000, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "explorer", "build", str(slow), "--out", str(tmp_path / "e.csv"),
                          "--budget", "0.05"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0
    assert "skipped slow.txt: took longer than 0.05 s to date; skipped" in run.stderr
    assert list(read_table(tmp_path / "e.csv").doc_id) == ["fast"]


def test_engine_budget_raises():
    with pytest.raises(DateBudgetExceeded):
        find_dates("On 28 October 2020 police came. " * 5000, date(2021, 1, 1), budget=0.0)


@pytest.mark.parametrize("reference", [date(9999, 12, 31), date(1, 1, 1), date(1, 3, 1), date(2999, 2, 28)])
def test_extreme_reference_dates_do_not_break_the_engine(reference):
    text = ("Last week, next year, on Friday, since August, 2 years ago, the past weekend, in 99999 and in year 0. "
            "Over the past five years and the next five years, last summer and next winter, by year-end.")
    for e in find_dates(text, reference):
        assert e.date_start is None or e.date_start <= e.date_end


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\secret.txt", "secret.txt"),
    ("evil\nname\x00.txt", "evil?name?.txt"),
    ("\u202etxt.exe", "?txt.exe"),
    ("", "unnamed"),
    ("a" * 500 + ".txt", "a" * 120 + "…"),
])
def test_file_names_are_made_safe_to_show(name, shown):
    assert safe_name(name) == shown


# --- the page -------------------------------------------------------------------------------

def test_manifest_without_columns(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nOn 28 October 2020 police came.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,2021-01-27\n", encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.documents[0].published == date(2021, 1, 27)
    assert [str(p) for p in corpus.problems] == ["manifest.csv: has no column title, source, url; those stay empty"]
    (tmp_path / "manifest.csv").write_text("name,date\na.txt,2021-01-27\n", encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.documents[0].published is None and "has no 'file' column" in str(corpus.problems[0])


def test_page_reports_bad_uploads_in_one_place_and_loads_the_rest():
    uploads = [(name, data, "text/plain") for name, data in FILES.items()]
    uploads.append(("../../sneaky\n.txt", FILES["good.txt"], "text/plain"))
    uploads.append(("big.txt", b"x" * (11 * 1024 * 1024), "text/plain"))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.sidebar.get("file_uploader")[0].set_value(uploads)
    at.run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert "empty.txt: empty file" in errors
    assert "image.txt: binary file, not text" in errors
    assert "big.txt: too large: 11.0 MB (the limit is 10 MB a file)" in errors
    assert len(at.get("expander")) == 1  # one report, collapsed when long
    texts = [t.value for t in at.get("text")]
    assert "cp1251.txt: decoded as cp1251" in texts and "koi8r.txt: decoded as koi8_r" in texts
    assert "17 articles" in at.markdown[0].value  # 5 seeds + 12 good uploads
    assert "sneaky?.txt" in list(at.sidebar.get("data_editor")[0].value["file"])  # the name made safe
    html = "".join(h.proto.body for h in at.get("html"))
    assert "<script" not in html and 'href="javascript' not in html


def test_page_caps_what_one_session_holds():
    uploads = [(f"part{i}.txt", b"Title\n" + b"x" * (9 * 1024 * 1024), "text/plain") for i in range(6)]
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.run()
    at.sidebar.get("file_uploader")[0].set_value(uploads)
    at.run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert "part5.txt: over the 50 MB this session holds; not read" in errors
    assert "10 articles" in at.markdown[0].value  # the five that fit still load


# --- fuzzing ------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
                 st.text(max_size=500).map(lambda t: ("<html><p>" + t + "</p></html>").encode("utf-8", "replace"))),
       st.sampled_from(["a.txt", "b.md", "c.html"]))
def test_loader_fuzz_never_fails_but_with_a_reason(data, name):
    try:
        doc = build_document(name, data, {"published": "2021-01-27"})
    except ValueError as exc:
        assert str(exc)
        return
    for s, e in doc.passages:
        assert 0 <= s < e <= len(doc.text) and doc.text[s:e].strip()
    table, problems = build_table([doc], budget=None)
    for r in table.itertuples():
        assert doc.text[r.mention_start:r.mention_end] == r.mention
        assert doc.text[r.passage_start:r.passage_end] == r.passage
