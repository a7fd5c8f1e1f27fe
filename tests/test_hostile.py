"""Hostile and broken input: every case reported by name and reason, nothing good lost, no
step costing more than in proportion to its input.

Each case runs through the command line (`python -m explorer build`) and, for
uploads, through the page (AppTest); `tests/test_e2e.py` adds two real browsers."""

import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from explorer import export
from explorer.budget import BudgetExceeded, WorkBudget
from explorer.corpus import build_document, load_folder, safe_name
from explorer.dates import find_dates
from explorer.events import MAX_EVENTS_PER_DOCUMENT, MENTION_COLUMNS, build_table, map_document, read_table
from explorer.sentences import MAX_PASSAGE

from .conftest import ROOT
from .hostile_shapes import PUBLISHED, SHAPES

RU = ("Минск. Заявление Лукашенко о выборах и протестах в Беларуси вызвало критику правозащитников. "
      "Власти задержали сотни участников мирных акций в августе.")
FR = "Les manifestants ont été arrêtés à Minsk; la télévision a montré des scènes de répression très dures."
EN = "\nOn 28 October 2020 police detained 200 protesters in Minsk, the prosecutor said.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
ENGLISH = "Police in Minsk detained dozens of people at a “peaceful” rally — the human rights group said. " * 8

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
    # valid HTML5 without </head>, and a <title> left open
    "nohead.html": b"<html><head><title>Raid</title><meta charset=utf-8><p>On 28 October 2020 police came.</p></html>",
    "opentitle.html": b"<html><head><title>Raid<body><p>On 28 October 2020 police came.</p></body></html>",
    # UTF-8 with one segment pasted from another code page, or one stray NUL
    "mixed1252.txt": (ENGLISH + EN).encode() + "Zürich et café déjà".encode("cp1252") + ENGLISH.encode(),
    "mixed1251.txt": (ENGLISH + EN).encode() + RU.encode("cp1251") + ENGLISH.encode(),
    "nul.txt": (ENGLISH + EN).encode() + b"\x00" + ENGLISH.encode(),
    # cells a spreadsheet would run
    "formula.txt": b"Title here\n=HYPERLINK(\"http://evil.example\",\"x\") was posted on 28 October 2020.",
}
MANIFEST = """file,title,source,url,published
good.txt,Good,Outlet,https://example.org/good,2021-01-27
good.txt,Again,Outlet,,2021-01-28
cp1251.txt,Ru,Outlet,,2021-02-30
koi8r.txt,Ru,Outlet,,0999-01-01
latin1.txt,Fr,Outlet,,2500-06-01
missing.txt,Gone,Outlet,,2021-01-27
formula.txt,=cmd|'/c calc'!A1,@Outlet,javascript:alert(1),2021-01-27
"""
OUTSIDE = "Secret outside the folder: it happened on 28 October 2020."


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    for name, data in FILES.items():
        (path / name).write_bytes(data)
    (path / "huge.txt").write_bytes(b"Big file. " * (5 * 1024 * 1024 + 10))  # 50 MB
    with open(path / "sparse.txt", "wb") as f:  # 3 GB that takes no disk: must not be read to be refused
        f.truncate(3 * 2**30)
    (path / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (path / "ctl\x07name.txt").write_bytes(FILES["good.txt"])  # a control character in a file name
    (path / "new\nline.txt").write_bytes(FILES["good.txt"])  # a line break: must not forge a report line
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text(OUTSIDE, encoding="utf-8")
    (path / "link-out.txt").symlink_to(outside)
    (path / "link-in.txt").symlink_to(path / "good.txt")  # inside the folder: read
    (path / "dangling.txt").symlink_to(path / "gone.txt")
    (path / "loop.txt").symlink_to(path / "loop.txt")
    os.mkfifo(path / "pipe.txt")  # opening it would wait forever
    return path


def run_cli(*args, memory: int | None = None, timeout: float = 600):
    def limit():
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, preexec_fn=limit)


@pytest.fixture(scope="module")
def cli(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "events.csv"
    # 1.5 GB of address space: reading the 3 GB sparse file whole would fail the run
    run = run_cli("build", folder, "--out", out, memory=3 * 2**29)
    return run, read_table(out), out


@pytest.mark.parametrize("line", [
    "skipped empty.txt: empty file",
    "skipped blank.md: empty file",
    "skipped image.txt: binary file, not text",
    "skipped huge.txt: too large: 52.4 MB (the limit is 10 MB a file)",
    "skipped sparse.txt: too large: 3221.2 MB (the limit is 10 MB a file)",
    "skipped link-out.txt: a link to a file outside the folder; not followed",
    "skipped dangling.txt: a broken link; not followed",
    "skipped loop.txt: a link that loops; not followed",
    "skipped pipe.txt: a named pipe (FIFO), not a file; not read",
    "repaired cp1251.txt: decoded as cp1251",
    "repaired koi8r.txt: decoded as koi8_r",
    "repaired latin1.txt: decoded as cp1252",
    "repaired utf16.txt: decoded as utf-16",
    "repaired mixed1252.txt: decoded as utf-8 with 1 segment in cp1252",
    "repaired mixed1251.txt: decoded as utf-8 with 1 segment in cp1251",
    "note manifest.csv: line 3: good.txt is listed again; the first row was used",
    "note manifest.csv: line 4: published date '2021-02-30' is not a real date; ignored",
    "note manifest.csv: line 5: published date '0999-01-01' is outside 1800–2100; ignored",
    "note manifest.csv: line 6: published date '2500-06-01' is outside 1800–2100; ignored",
    "note manifest.csv: line 8: the address is not a plain http(s) address; ignored",
    "note manifest.csv: names missing.txt, which is not in the folder",
    "note months.txt: has more than 5,000 dated statements; the first 5,000 were kept, the rest left out",
    "note oneline.txt: has no manifest row; its reference date comes from its text, if any",
    "note ctl?name.txt: has no manifest row; its reference date comes from its text, if any",
    "note new?line.txt: has no manifest row; its reference date comes from its text, if any",
])
def test_command_line_reports_each_file_by_name_and_reason(cli, line):
    run, _, _ = cli
    assert run.returncode == 0, run.stderr
    assert line in run.stderr.splitlines(), run.stderr


def test_every_report_line_is_one_line_and_no_traceback(cli):
    run, _, _ = cli
    assert "Traceback" not in run.stderr
    for line in run.stderr.splitlines():
        assert re.match(r"(skipped|note|repaired) \S|\d+ events from \d+ documents -> ", line), line


def test_command_line_keeps_every_good_document_whole(cli):
    _, table, _ = cli
    good = {"good", "cp1251", "koi8r", "latin1", "utf16", "oneline", "page", "inject", "digits", "months", "since",
            "ctl_name", "new_line", "link-in", "nohead", "opentitle", "mixed1252", "mixed1251", "nul", "formula"}
    assert set(table.doc_id) == good
    # each holds its one dated statement, 28 October 2020 (months.txt holds only the first
    # 5,000 of its 5,001: see the note)
    for doc_id in good - {"since", "months"}:
        rows = table[(table.doc_id == doc_id) & (table.mention == "28 October 2020")]
        assert len(rows) == 1, doc_id
    since = table[table.doc_id == "since"]
    assert list(zip(since.mention, since.relation)) == [("2020", "opens")]  # not year 0 or 99999
    assert table[table.doc_id == "good"].published.iloc[0] == "2021-01-27"  # first manifest row
    assert not table.passage.str.contains("Secret outside").any()


def test_pasted_segments_and_stray_bytes_are_read_as_written(folder):
    docs = {d.doc_id: d for d in load_folder(folder).documents}
    assert "Zürich et café déjà" in docs["mixed1252"].text
    assert "Лукашенко" in docs["mixed1251"].text
    assert "\x00" not in docs["nul"].text and docs["nul"].text.count("Police in Minsk") == 16


def test_web_pages_without_head_or_title_end_are_read(folder):
    docs = {d.doc_id: d for d in load_folder(folder).documents}
    for doc_id in ("nohead", "opentitle"):
        assert "On 28 October 2020 police came." in docs[doc_id].text and docs[doc_id].title == "Raid"


def test_a_page_nested_deeper_than_the_parser_reads_loses_nothing():
    """libxml2 stops at 255 levels; trafilatura's text of this page held 253 of its 1,000 statements."""
    name, data = SHAPES["nested HTML"](1)
    result = map_document(name, data, {"published": PUBLISHED})
    assert len(result.rows) == 1000 and not result.problems
    assert any("nested 255 deep" in r for r in result.repairs)
    shallow = map_document("page.html", b"<html><body><div><p>On 28 October 2020 police came.</p></div></body></html>",
                           {"published": PUBLISHED})
    assert len(shallow.rows) == 1 and not any("nested" in r for r in shallow.repairs)


def test_decoded_text_is_what_was_written(folder):
    docs = {d.doc_id: d for d in load_folder(folder).documents}
    assert "Лукашенко" in docs["cp1251"].text and "Лукашенко" in docs["koi8r"].text
    assert "arrêtés" in docs["latin1"].text and "Лукашенко" in docs["utf16"].text


def test_html_loses_script_style_handlers_and_links(folder):
    page = next(d for d in load_folder(folder).documents if d.doc_id == "page")
    assert "alert" not in page.text and "color:red" not in page.text and "<" not in page.text
    assert "On 28 October 2020 police came." in page.text


def test_markdown_injection_stays_text_on_the_page(cli):
    from explorer.render import passage_card

    _, table, _ = cli
    row = next(table[table.doc_id == "inject"].itertuples())
    html = passage_card(row)
    assert "javascript:alert(1)" in html  # shown as the words it is ...
    assert '<a href="javascript' not in html and "<img" not in html and "<b>bold" not in html  # ... never active


def test_csv_from_the_command_line_guards_formulas_and_reads_back_exact(cli, folder):
    _, table, out = cli
    cells = [cell for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8"))) for cell in row]
    assert not [c for c in cells if c[:1] in export.FORMULA_START]  # no cell a spreadsheet would run
    row = table[table.doc_id == "formula"].iloc[0]
    assert row.passage.startswith("=HYPERLINK(") and row.title.startswith("=cmd|") and row.source == "@Outlet"
    text = next(d.text for d in load_folder(folder).documents if d.doc_id == "formula")
    assert text[row.passage_start:row.passage_end] == row.passage  # read back, the offsets hold again
    assert row.url == ""  # the javascript: address never entered the table


def test_strict_fails_and_nothing_readable_fails(folder, tmp_path):
    run = run_cli("build", folder, "--out", tmp_path / "e.csv", "--strict")
    assert run.returncode == 1 and (tmp_path / "e.csv").exists()


# --- manifests -----------------------------------------------------------------------------

def article_folder(tmp_path, manifest: bytes | None = None):
    (tmp_path / "a.txt").write_text("Title\nOn 28 October 2020 police came.", encoding="utf-8")
    if manifest is not None:
        (tmp_path / "manifest.csv").write_bytes(manifest)
    return tmp_path


def test_manifest_saved_by_excel_in_cp1252(tmp_path):
    folder = article_folder(tmp_path, "file,title,source,url,published\r\na.txt,Café déjà vu,Le Monde,,2021-01-27\r\n"
                            .encode("cp1252"))
    run = run_cli("build", folder, "--out", tmp_path / "e.csv")
    assert run.returncode == 0 and "Traceback" not in run.stderr
    row = read_table(tmp_path / "e.csv").iloc[0]
    assert (row.title, row.published) == ("Café déjà vu", "2021-01-27")


def test_manifest_field_over_128_kb_is_cut_not_fatal(tmp_path):
    folder = article_folder(tmp_path, f"file,title,source,url,published\na.txt,{'T' * 200_000},Outlet,,2021-01-27\n".encode())
    run = run_cli("build", folder, "--out", tmp_path / "e.csv")
    assert run.returncode == 0 and "note manifest.csv: line 2: the title is longer than 300 characters; cut" in run.stderr
    assert read_table(tmp_path / "e.csv").title.iloc[0] == "T" * 300


def test_manifest_that_is_a_folder_is_ignored(tmp_path):
    folder = article_folder(tmp_path)
    (folder / "manifest.csv").mkdir()
    run = run_cli("build", folder, "--out", tmp_path / "e.csv")
    assert run.returncode == 0 and "note manifest.csv: is a folder; it was ignored" in run.stderr


def test_manifest_without_columns(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nOn 28 October 2020 police came.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,2021-01-27\n", encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.documents[0].published == date(2021, 1, 27)
    assert [str(p) for p in corpus.problems] == ["manifest.csv: has no column title, source, url; those stay empty"]
    (tmp_path / "manifest.csv").write_text("name,date\na.txt,2021-01-27\n", encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.documents[0].published is None and "has no 'file' column" in str(corpus.problems[0])


# --- misuse of the command line ---------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["build", "seeds", "--out", "x.xlsx"], "the output must end in .csv, .json or .parquet"),
    (["build", "seeds", "--out", "x.csv", "--budget", "-1"], "the budget must be a number of steps above 0"),
    (["build", "seeds", "--out", "x.csv", "--budget", "0"], "the budget must be a number of steps above 0"),
    (["build", "nowhere/", "--out", "x.csv"], "nowhere/: not a folder"),
    (["build", "seeds"], "the following arguments are required: --out"),
    (["dates", "nowhere.txt"], "nowhere.txt: no such file"),
    (["dates", "seeds"], "seeds: a folder, not a file"),
    (["dates", "--reference", "2021-02-30"], "'2021-02-30' is not a YYYY-MM-DD date"),
    (["actors", "suggest", "nowhere/"], "nowhere/: not a folder"),
    (["actors", "suggest", "--limit", "-3"], "the number of names must be a whole number from 1 to 100,000"),
    (["actors", "suggest", "--actors", "nowhere.csv"], "nowhere.csv: no such file"),
    (["actors", "suggest", "--actors", "seeds/000_8f6ed8a3af5f6fe0.txt"], "not an actor list"),
    (["frobnicate"], "invalid choice"),
    ([], "the following arguments are required"),
])
def test_misuse_is_answered_in_one_line(args, says):
    run = run_cli(*args)
    assert run.returncode == 2, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and says in run.stderr, run.stderr
    assert not (ROOT / "x.csv").exists()


def test_output_is_checked_before_any_work(tmp_path):
    run = run_cli("build", "seeds", "--out", tmp_path / "x.xlsx")
    assert "repaired" not in run.stderr  # nothing was read


def test_actors_alone_prints_its_help_and_help_shows_examples():
    run = run_cli("actors")
    assert run.returncode == 2 and "suggest" in run.stderr and "Traceback" not in run.stderr
    for command in ([], ["build"], ["dates"]):
        shown = run_cli(*command, "--help")
        assert shown.returncode == 0 and "examples:" in shown.stdout and "python -m explorer build seeds/" in shown.stdout


def test_dates_reads_a_file_in_a_legacy_code_page(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes((RU + " It was on 28 October 2020.").encode("cp1251"))
    run = run_cli("dates", path)
    assert run.returncode == 0 and json.loads(run.stdout.splitlines()[0])["start"] > 0


# --- bounded work -------------------------------------------------------------------------------

def test_a_long_sentence_gives_bounded_passages_with_exact_offsets():
    _, data = SHAPES["two actors named in one sentence"](4)
    doc = build_document("actors.txt", data, {"published": PUBLISHED})
    rows = map_document("actors.txt", data, {"published": PUBLISHED}).rows
    assert rows
    for row in rows:
        cell = dict(zip(MENTION_COLUMNS, row))
        passage, start, end, cut = cell["passage"], cell["passage_start"], cell["passage_end"], cell["passage_cut"]
        assert len(passage) <= MAX_PASSAGE and doc.text[start:end] == passage and cut in ("start", "end", "both")
        assert not passage[0].isspace() and not passage[-1].isspace()
        for m in json.loads(cell["actor_mentions"]):  # actors and highlights are those of the window
            assert start <= m["start"] < m["end"] <= end


def steps(shape, k, published=PUBLISHED):
    _, data = SHAPES[shape](k)
    return map_document(f"shape-{k}.txt", data, {"published": published}), len(data)


@pytest.mark.parametrize("published", [PUBLISHED, ""], ids=["dated", "undated"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_work_rows_and_output_grow_in_proportion_to_the_input(shape, published):
    """The work counter (explorer.budget) is what the budget enforces: measured at 1x and 4x,
    it and the output may grow at most 4 x 1.2 times; rows, passages and cells stay bounded.
    Undated, the head of the text is searched for a publication stamp too."""
    small, small_size = steps(shape, 1, published)
    large, large_size = steps(shape, 4, published)
    growth = large_size / small_size
    assert large.steps / small.steps <= growth * 1.2, (small.steps, large.steps)
    size = sum(len(str(cell)) for row in large.rows for cell in row)
    small_out = sum(len(str(cell)) for row in small.rows for cell in row)
    assert size <= max(small_out, 1) * growth * 1.2
    assert len(large.rows) <= MAX_EVENTS_PER_DOCUMENT
    assert all(len(row[MENTION_COLUMNS.index("passage")]) <= MAX_PASSAGE for row in large.rows)
    assert not large.skipped


def test_too_many_dates_in_one_document_are_cut_with_a_note():
    result, _ = steps("month names in one sentence", 8)
    assert len(result.rows) == MAX_EVENTS_PER_DOCUMENT
    assert [p.reason for p in result.problems] == [
        f"has more than {MAX_EVENTS_PER_DOCUMENT:,} dated statements; the first {MAX_EVENTS_PER_DOCUMENT:,} were kept, "
        "the rest left out"]
    assert not result.skipped


def test_a_document_over_its_work_budget_is_skipped_by_name_and_the_rest_build(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fast.txt").write_text("Title\nOn 28 October 2020 police came.", encoding="utf-8")
    (folder / "dense.txt").write_text("Title\n" + "On 28 October 2020 police came. " * 20000, encoding="utf-8")
    outcomes = set()
    for _ in range(2):  # counted in steps, not seconds: the same however busy the machine is
        run = run_cli("build", folder, "--out", tmp_path / "e.csv", "--budget", "5")
        assert run.returncode == 0, run.stderr
        outcomes.add(run.stderr)
        assert re.search(r"skipped dense\.txt: needs more work than its size allows \(.+ passed [\d,]+ steps\); skipped",
                         run.stderr), run.stderr
        assert list(read_table(tmp_path / "e.csv").doc_id) == ["fast"]
    assert len(outcomes) == 1


def test_engine_charges_its_work_to_the_budget():
    budget = WorkBudget(10, per_character=1)
    budget.limit = 100
    with pytest.raises(BudgetExceeded) as raised:
        find_dates("On 28 October 2020 police came. " * 5000, date(2021, 1, 1), budget=budget)
    assert raised.value.stage == "finding date words"


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
    ("line\u2028sep.txt", "line?sep.txt"),
    ("", "unnamed"),
    ("a" * 500 + ".txt", "a" * 120 + "…"),
])
def test_file_names_are_made_safe_to_show(name, shown):
    assert safe_name(name) == shown


# --- the page -------------------------------------------------------------------------------

def app(params=None, timeout=120):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    for key, values in (params or {}).items():
        at.query_params[key] = values
    at.run()
    return at


def upload(at, files):
    at.sidebar.get("file_uploader")[0].set_value([(name, data, "text/plain") for name, data in files])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_html(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def notices(at, kind=""):
    import html

    found = re.findall(r'<div class="notice notice-(\w+)"(?![^>]*\bhidden\b)[^>]*>(.*?)</div>', page_html(at), re.S)
    return [html.unescape(text).split(" ", 1)[1] for k, text in found if not kind or k == kind]


def test_page_reports_bad_uploads_in_one_place_and_loads_the_rest():
    files = list(FILES.items()) + [("../../sneaky\n.txt", FILES["good.txt"] + b" "), ("big.txt", b"x" * (11 * 10**6))]
    at = upload(app(), files)
    errors = notices(at, "error")
    assert "empty.txt: empty file" in errors
    assert "image.txt: binary file, not text" in errors
    assert "big.txt: too large: 11.0 MB (the limit is 10 MB a file); not added" in notices(at, "note")
    reports = [e for e in at.get("expander") if "not read" in e.label]
    assert len(reports) == 1  # one report, collapsed when long
    infos = notices(at, "info")
    assert "cp1251.txt: decoded as cp1251" in infos and "koi8r.txt: decoded as koi8_r" in infos
    assert "of 23 articles" in at.markdown[0].value  # 5 seeds + 18 good uploads
    assert "sneaky?.txt" in list(at.data_editor[0].value["file"])  # the name made safe
    # the one script the page runs is its own fixed check of an oversized link, no document text in it
    from explorer.render import DROPPED_LINK

    assert [h.proto.body for h in at.get("html") if h.proto.unsafe_allow_javascript] == [DROPPED_LINK]
    html = page_html(at).replace(DROPPED_LINK, "")
    assert "<script" not in html and 'href="javascript' not in html


def test_only_unreadable_uploads_are_named_and_the_page_stays():
    at = upload(app(), [("photo.txt", PNG)])
    assert "photo.txt: binary file, not text" in notices(at, "error")
    assert "of 5 articles" in at.markdown[0].value


def test_one_session_never_sees_another_sessions_upload():
    """Two readers upload different files of the same name, with dates at the same offsets."""
    mine = b"Notes of mine\nPolice came on 28 October 2020 to the house of Anna, said PRIVATE-A."
    theirs = b"Notes of them\nPolice came on 28 October 2020 to the house of Olga, said PRIVATE-B."
    first = upload(app(), [("notes.txt", mine)])
    second = upload(app(), [("notes.txt", theirs)])
    for at, own, other in ((first, "PRIVATE-A", "PRIVATE-B"), (second, "PRIVATE-B", "PRIVATE-A")):
        at.text_input(key="q").input("house of").run()
        html = page_html(at)
        assert own in html and other not in html
    a_csv = export.to_csv(first.session_state["store"][1].table)
    assert b"PRIVATE-A" in a_csv and b"PRIVATE-B" not in a_csv


def editor_edit(at, row: int, **facts):
    editor = at.data_editor[0]
    at.session_state[editor.key] = {"edited_rows": {row: facts}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_typed_publication_date_is_used_and_a_wrong_one_refused():
    dated = b"Raid\nPublished: 10 December 2021\nPolice came last week, said PRIVATE-D."
    bare = b"Raid again\nPolice came last week, said PRIVATE-N."
    at = upload(app(), [("dated.txt", dated), ("bare.txt", bare)])
    assert list(at.data_editor[0].value["file"]) == ["dated.txt", "bare.txt"]
    at = editor_edit(at, 1, published="2022-01-28")  # typed as text, as the browser sends it
    at.text_input(key="q").input("PRIVATE-N").run()
    assert "2022-01-17 – 2022-01-23" in page_html(at)  # last week, from the typed date
    at = editor_edit(at, 1, published="2500-01-01")
    assert "bare.txt: publication date '2500-01-01' is outside 1800–2100; not changed" in notices(at, "note")
    assert list(at.data_editor[0].value["file"]) == ["dated.txt", "bare.txt"]  # still listed, can be fixed
    assert str(at.data_editor[0].value["published"].iloc[1])[:10] == "2022-01-28"


def test_first_century_does_not_break_the_chart():
    at = upload(app(), [("old.txt", b"Old city\nIn the first century the city was founded; on 28 October 2020 police came.")])
    assert len(at.get("vega_lite_chart")) == 1
    assert "dates from the 1st century to" in at.markdown[0].value


def test_notices_from_links_uploads_and_outlets_render_no_links():
    evil = "Log in again at https://evil.example/login"
    at = app({"source": [evil]})
    shown = " ".join(notices(at, "warning"))
    assert evil in shown
    at = upload(at, [("www.evil.example.txt", b"Raid\nOn 28 October 2020 police came to www.evil.example.")])
    at = editor_edit(at, 0, source="www.evil.example", title="https://evil.example/t")
    assert "www.evil.example" in at.multiselect(key="source").options
    html = page_html(at)
    assert "evil.example" in html and "<a " not in re.sub(r'<div class="event".*', "", html, flags=re.S)
    for element in list(at.warning) + list(at.error) + list(at.caption) + list(at.markdown) + list(at.info):
        assert "evil.example" not in element.value


def test_a_session_holds_a_bounded_number_of_files_and_bytes():
    many = [(f"n{i}.txt", f"Note {i}\nPolice came on 28 October 2020, number {i}.".encode()) for i in range(55)]
    at = upload(app(), many)
    assert len(at.data_editor[0].value) == 50
    assert "n50.txt: this session already holds 50 files; not added" in notices(at, "note")
    big = [(f"part{i}.txt", b"Title\n" + bytes([65 + i]) * (9 * 10**6)) for i in range(4)]
    at = upload(app(timeout=300), big)
    assert "part3.txt: over the 30 MB this session holds; not added" in notices(at, "note")
    assert "of 8 articles" in at.markdown[0].value  # the three that fit still load


def test_a_hostile_upload_is_read_within_its_bounds():
    name, data = SHAPES["two actors named in one sentence"](16)
    at = upload(app(), [(name, data)])
    table = at.session_state["store"][1].table
    rows = table[table.doc_id == "actors"]
    assert len(rows) == 80 and rows.passage.str.len().max() <= MAX_PASSAGE


# --- fuzzing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("markup", [b"<![ ", b"<html><![CDATA[ x", b"<!", b"<p>On 28 October 2020 <![ police came"])
def test_markup_the_standard_parser_gives_up_on_is_read_as_text(markup):
    try:
        doc = build_document("c.html", markup, {"published": "2021-01-27"})
    except ValueError as exc:
        assert str(exc)  # nothing a reader would see: a reason, not a crash
        return
    assert "<" not in doc.text


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
    table, problems = build_table([doc])
    for r in table.itertuples():
        assert doc.text[r.mention_start:r.mention_end] == r.mention
        assert doc.text[r.passage_start:r.passage_end] == r.passage
        assert len(r.passage) <= MAX_PASSAGE


def test_a_build_in_two_processes_gives_the_same_table_and_the_same_report(folder, cli, tmp_path):
    """`--jobs 2` runs the same per-document function in a process pool: every cell and every
    reported line (in the same order) equal the one-process build's."""
    run, table, _ = cli
    out = tmp_path / "events.csv"
    parallel = run_cli("build", folder, "--out", out, "--jobs", 2, memory=3 * 2**29)
    assert parallel.returncode == run.returncode
    assert parallel.stderr.replace(str(out), "OUT") == run.stderr.replace(str(_), "OUT")
    pd.testing.assert_frame_equal(read_table(out), table)


def test_jobs_must_be_a_whole_number_of_processes(tmp_path):
    done = run_cli("build", "seeds", "--out", tmp_path / "x.csv", "--jobs", "many")
    assert done.returncode == 2 and "whole number from 1 to 256" in done.stderr and "Traceback" not in done.stderr
