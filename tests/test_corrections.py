"""A reader's corrections: read, checked, applied, marked, written back, and applied by the build."""

import subprocess
import sys

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
