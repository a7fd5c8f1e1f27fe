"""The events table: its columns, offsets, ids, formats and the committed seed table."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from explorer.corpus import load_folder
from explorer.events import COLUMNS, events_table, read_table, write_table

from .conftest import ROOT, SEEDS


def test_columns_are_the_documented_contract(seed_table):
    assert list(seed_table.columns) == list(COLUMNS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column}` |" in readme


def test_offsets_point_at_the_words(seed_corpus, seed_table):
    texts = {d.doc_id: d.text for d in seed_corpus.documents}
    for r in seed_table.itertuples():
        assert texts[r.doc_id][r.mention_start:r.mention_end] == r.mention
        assert texts[r.doc_id][r.passage_start:r.passage_end] == r.passage
        assert r.passage_start <= r.mention_start < r.mention_end <= r.passage_end


def test_rows_are_in_date_order_and_ids_unique(seed_table):
    assert list(seed_table.date_start) == sorted(seed_table.date_start)
    assert seed_table.event_id.is_unique


def test_event_ids_are_stable_across_rebuilds(seed_table):
    again = events_table(load_folder(SEEDS).documents)
    assert list(again.event_id) == list(seed_table.event_id)


def test_only_events_that_place_a_passage_on_the_calendar(seed_table):
    assert set(seed_table.type) <= {"DATE", "TIME", "DURATION"}
    durations = seed_table[seed_table.type == "DURATION"]
    assert (durations.date_start != "").all()
    assert "PXD" not in set(seed_table.timex)  # "for days"


def test_unresolved_relative_dates_stay_with_empty_days(tmp_path):
    (tmp_path / "a.txt").write_text("Title of it\nPolice came last week and on 28 October 2020.", encoding="utf-8")
    table = events_table(load_folder(tmp_path).documents)
    rows = {r.mention: r for r in table.itertuples()}
    assert rows["last week"].date_start == "" and rows["last week"].reference_source == "none"
    assert rows["28 October 2020"].date_start == "2020-10-28"
    assert list(table.mention) == ["28 October 2020", "last week"]  # resolved first


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_table_round_trips_through_every_format(seed_table, tmp_path, suffix):
    path = tmp_path / f"events{suffix}"
    write_table(seed_table, path)
    back = read_table(path)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), seed_table, check_dtype=False)


def test_parquet_is_written_in_row_groups_a_reader_can_skip_by_date(tmp_path):
    import pyarrow.parquet as pq

    from explorer.events import PARQUET_ROW_GROUP

    days = pd.date_range("2020-01-01", periods=2 * PARQUET_ROW_GROUP + 5, freq="min").strftime("%Y-%m-%d")
    write_table(pd.DataFrame({"date_start": days}), tmp_path / "t.parquet")
    meta = pq.ParquetFile(tmp_path / "t.parquet").metadata
    assert meta.num_row_groups == 3
    first, last = (meta.row_group(k).column(0).statistics for k in (0, 2))
    assert first.max <= last.min  # sorted groups: a date filter reads the groups it needs


def test_committed_seed_table_is_fresh(seed_table):
    committed = read_table(ROOT / "data" / "events.csv")
    pd.testing.assert_frame_equal(committed, seed_table, check_dtype=False,
                                  obj="data/events.csv is stale: run python -m explorer build --out data/events.csv;")


def test_build_command_writes_the_table_and_reports(tmp_path):
    out = tmp_path / "events.json"
    run = subprocess.run([sys.executable, "-m", "explorer", "build", str(SEEDS), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "25 events from 5 documents" in run.stderr
    assert "repaired 004_15c40c75b2278396.txt" in run.stderr
    assert len(read_table(out)) == 25


def test_build_command_skips_bad_files_and_strict_fails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Title\nIt happened on 28 October 2020.", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"")
    cmd = [sys.executable, "-m", "explorer", "build", str(folder), "--out", str(tmp_path / "e.csv")]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "skipped bad.txt: empty file" in run.stderr
    assert len(read_table(tmp_path / "e.csv")) == 1
    strict = subprocess.run(cmd + ["--strict"], capture_output=True, text=True, cwd=ROOT)
    assert strict.returncode == 1
    (folder / "good.txt").unlink()
    none = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert none.returncode == 1 and "no document could be read" in none.stderr


def test_a_passage_repeating_names_gives_rows_of_bounded_size():
    from explorer.events import MAX_ROW_ACTOR_MENTIONS, MAX_ROW_ACTORS, map_document

    text = ("T" * 290 + "\n" + "EU UN US UK BAJ OSCE VOA January " * 300).encode()  # 8 names a date
    result = map_document("names.txt", text, {"published": "2021-06-01"})
    table = pd.DataFrame.from_records(result.rows, columns=list(COLUMNS)[:len(result.rows[0])])
    assert len(table) == 300
    assert table["actor_mentions"].map(lambda cell: len(json.loads(cell))).max() <= MAX_ROW_ACTOR_MENTIONS
    assert table["actors"].str.split(" | ", regex=False).map(len).max() <= MAX_ROW_ACTORS
    widest = table.map(lambda cell: len(cell) if isinstance(cell, str) else 0).max()
    assert widest["actor_mentions"] < 2500 and widest["passage"] <= 400


def test_committed_example_corpus_table_is_fresh():
    """The second example corpus the page offers (`?corpus=corroboration`) is its folder, built."""
    from explorer.corpus import load_folder

    built = events_table(load_folder(ROOT / "data" / "corroboration").documents)
    committed = read_table(ROOT / "data" / "corroboration_events.csv")
    pd.testing.assert_frame_equal(committed, built.reset_index(drop=True), check_dtype=False,
                                  obj="data/corroboration_events.csv is stale: run python -m explorer build "
                                      "data/corroboration --out data/corroboration_events.csv;")
