"""Stores (explorer/store): every question the page asks, asked of both stores, same answers.

The shared corpora's tables (seeds and corroboration, as the build wrote them) with hostile
rows added are written to Parquet with their happenings view, as `explorer build --happenings`
writes them; the memory store reads the table, the DuckDB store the two files. Then a
generated table of a million statements (tests/big_table.py) is asked through DuckDB and
checked against the in-memory index (`filters.TableIndex`) and the generated view.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer import export, filters, happening_view
from explorer.events import read_table, write_table
from explorer.filters import Filters
from explorer.store import LARGE_TABLE_ROWS, Counts, open_store
from explorer.store.duckdb import DuckDBStore
from explorer.store.memory import MemoryStore

from . import big_table
from .conftest import ROOT

HOSTILE_PASSAGES = [
    "'; DROP VIEW ev; -- on 3 March 2021 the court met",
    "100% of the 3_000 detainees on 3 March 2021",
    "ВЕРХОВНЫЙ СУД Беларусі 3 сакавіка 2021",
    "Die Straße in STRASSE on 3 March 2021",
    "İstanbul and ΣΊΣΥΦΟΣ on 3 March 2021",
    "a quote \" and a backslash \\ on 3 March 2021",
]


def hostile_table() -> pd.DataFrame:
    """The two shared tables as one (doc ids kept apart), a few passages, outlets and actors
    made hostile, a row with no date and one in the year 800."""
    seeds = read_table(ROOT / "data" / "events.csv")
    more = read_table(ROOT / "data" / "corroboration_events.csv")
    more = more.assign(doc_id="c-" + more["doc_id"], event_id="c-" + more["event_id"],
                       happening_id="c-" + more["happening_id"])
    table = pd.concat([seeds, more], ignore_index=True)
    for i, passage in enumerate(HOSTILE_PASSAGES):
        table.loc[i * 7, "passage"] = passage
    table.loc[3, "source"] = "O'Reilly % News"
    table.loc[17, "source"] = ""  # an unknown outlet
    table.loc[5, "actors"] = "Robert'); DROP TABLE hv;--"
    table.loc[11, ["date_start", "date_end", "granularity", "timex"]] = ["", "", "present", "PRESENT_REF"]
    table.loc[13, ["date_start", "date_end", "granularity"]] = ["0800-01-01", "0800-12-31", "year"]
    return table


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    events, happenings = folder / "events.parquet", folder / "happenings.parquet"
    write_table(hostile_table(), events)
    table = read_table(events)  # in the order the build writes: by date
    write_table(happening_view.view(table), happenings)
    duck = DuckDBStore(events, happenings)
    yield MemoryStore(table), duck
    duck.close()


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_dtype=len(a) > 0)


def views(opts) -> list[Filters]:
    """Views a reader reaches: none, each filter alone, several at once, and none matching."""
    actors, sources = opts.actors, opts.sources
    return [
        Filters(),
        Filters(actors=(actors[0],)),
        Filters(actors=tuple(actors[:3])),
        Filters(sources=(sources[0],)),
        Filters(sources=("O'Reilly % News",)),
        Filters(years=(2020, 2020)),
        Filters(years=(opts.years[0], 1999)),
        Filters(precision=("day",)),
        Filters(precision=("month", "year")),
        Filters(q="minsk"),
        Filters(q="  Minsk  "),
        Filters(q="'; DROP VIEW ev; --"),
        Filters(q="%"),
        Filters(q="_"),
        Filters(q="3_0"),
        Filters(q="суд"),
        Filters(q="straße"),
        Filters(q="STRASSE"),
        Filters(q="İSTANBUL"),
        Filters(q="istanbul"),
        Filters(q="ΣΊΣΥΦΟΣ"),
        Filters(q='" and a backslash \\'),
        Filters(actors=(actors[0],), years=(2020, 2021), precision=("day",)),
        Filters(sources=tuple(sources[:2]), q="court"),
        Filters(actors=("Robert'); DROP TABLE hv;--",)),
        Filters(q="no passage holds this"),
        Filters(actors=(actors[0],), q="no passage holds this"),
    ]


def test_the_whole_table_is_described_alike(stores):
    memory, duck = stores
    assert (duck.rows, duck.articles, duck.span) == (memory.rows, memory.articles, memory.span)
    assert duck.opts == memory.opts
    assert memory.rows == len(hostile_table()) and memory.span[0] == "0800-01-01"
    assert "O'Reilly % News" in duck.opts.sources and "Robert'); DROP TABLE hv;--" in duck.opts.actors


def test_every_view_is_answered_alike(stores):
    memory, duck = stores
    seen_empty = seen_hostile = 0
    for f in views(memory.opts):
        counts = memory.counts(f)
        assert duck.counts(f) == counts, f
        assert duck.facet_counts(f) == memory.facet_counts(f), f
        for lanes in ("actor", "source", "none"):
            assert duck.marks(f, lanes) == memory.marks(f, lanes), (f, lanes)
        same_frame(duck.happenings(f), memory.happenings(f))
        same_frame(duck.happenings(f, limit=3), memory.happenings(f, limit=3))
        events = memory.events(f)
        assert len(events) == counts.statements
        same_frame(duck.events(f), events)
        same_frame(duck.events(f, offset=2, limit=3), events.iloc[2:5])
        same_frame(duck.events(f, offset=counts.statements + 5, limit=3), events.iloc[:0])
        assert export.to_csv(duck.events(f)) == export.to_csv(events)  # the downloads
        if counts.statements == 0:
            seen_empty += 1
            assert duck.relax_hints(f) == memory.relax_hints(f), f
        seen_hostile += counts.statements > 0 and f.q in HOSTILE_PASSAGES[0] + HOSTILE_PASSAGES[1]
    assert seen_empty >= 2 and seen_hostile >= 3  # the views above reach both kinds


def test_text_search_lowers_letter_by_letter(stores):
    """One semantics, whatever Python's own lower() would do with context ("İ", a final "Σ"),
    and "ß" as "ss" ("STRASSE" finds "Straße")."""
    memory, duck = stores
    for q in ("İSTANBUL", "istanbul", "ΣΊΣΥΦΟΣ", "σίσυφοσ", "σίσυφος", "верховный суд", "die strasse", "STRAẞE"):
        assert memory.counts(Filters(q=q)).statements == duck.counts(Filters(q=q)).statements == 1, q


def test_the_chart_counts_alike(stores):
    memory, duck = stores
    for f in views(memory.opts):
        (mine, mine_by), (theirs, theirs_by) = memory.period_counts(f), duck.period_counts(f)
        assert theirs_by == mine_by, f
        order = ["period", "granularity"]
        mine, theirs = mine.sort_values(order).reset_index(drop=True), theirs.sort_values(order).reset_index(drop=True)
        assert theirs[order].equals(mine[order]), f
        assert np.allclose(theirs["events"].to_numpy(float), mine["events"].to_numpy(float)), f
    # the year 800 is in the table: the whole table is counted by year
    assert memory.period_counts(Filters())[1] == "year"
    assert duck.period_counts(Filters(years=(2021, 2021)))[1] == "month"


def test_chart_selections_alike(stores):
    memory, duck = stores
    selections = [
        {"brush": {"x": ["2020-08-01", "2020-08-31"]}},
        {"brush": {"x": [1609459200000, 1596240000000]}},  # milliseconds, either order
        {"pick": [{"period": "2020-08"}, {"period": "2021-03"}]},
        {"pick": [{"period": "2020"}]},
        {"pick": [{"happening_id": "x"}]},  # a happening, not days: no rows selected this way
        {},
    ]
    for f in (Filters(), Filters(q="minsk"), Filters(precision=("month",))):
        for selection in selections:
            mine, theirs = memory.selected(f, selection), duck.selected(f, selection)
            if mine is None:
                assert theirs is None, selection
            else:
                same_frame(theirs, mine)
    assert len(memory.selected(Filters(), selections[0])) > 0


def test_deep_links_alike(stores):
    memory, duck = stores
    ids = memory.happenings(Filters())["happening_id"].tolist()
    for wanted in ([ids[0]], ids[:4], [ids[-1], ids[0]], ["no such happening"], [], ["c-" + ids[0]]):
        same_frame(duck.mentions_of(wanted), memory.mentions_of(wanted))
        same_frame(duck.happening_rows(wanted), memory.happening_rows(wanted))
    assert len(memory.mentions_of(ids[:1])) >= 1
    events = memory.events(Filters())
    for event_id in (events["event_id"].iloc[0], events["event_id"].iloc[-1], "no such event", "'"):
        same_frame(duck.event(event_id), memory.event(event_id))
    for doc_id in (events["doc_id"].iloc[0], "c-" + events["doc_id"].iloc[0], "no such document"):
        same_frame(duck.document(doc_id), memory.document(doc_id))
    assert len(duck.document(events["doc_id"].iloc[0])) >= 1


def test_open_store_asks_duckdb_when_the_view_is_named(tmp_path):
    table = read_table(ROOT / "data" / "events.csv")
    assert isinstance(open_store(ROOT / "data" / "events.csv"), MemoryStore)
    write_table(table, tmp_path / "small.parquet")
    write_table(happening_view.view(table), tmp_path / "view.parquet")
    assert isinstance(open_store(tmp_path / "small.parquet"), MemoryStore)
    assert isinstance(open_store(tmp_path / "small.parquet", tmp_path / "view.parquet"), DuckDBStore)
    with pytest.raises(ValueError, match="from Parquet only"):
        open_store(ROOT / "data" / "events.csv", tmp_path / "view.parquet")
    # a folder of parts (as a Spark job of one's own writes them), read in name order, by either store
    parts = tmp_path / "parts"
    parts.mkdir()
    write_table(table.iloc[:10], parts / "part-00000.parquet")
    write_table(table.iloc[10:], parts / "part-00001.parquet")
    memory, duck = open_store(parts), open_store(parts, tmp_path / "view.parquet")
    assert isinstance(memory, MemoryStore) and memory.rows == duck.rows == len(table)
    same_frame(duck.events(Filters()), memory.events(Filters()))
    same_frame(memory.events(Filters()), table)


def test_a_large_table_needs_its_view(tmp_path):
    events, happenings = big_table.write(tmp_path, LARGE_TABLE_ROWS)
    with pytest.raises(ValueError, match="happenings view"):
        open_store(events)
    store = open_store(events, happenings)
    assert isinstance(store, DuckDBStore) and store.rows == LARGE_TABLE_ROWS
    with pytest.raises(ValueError, match="not a happenings view"):
        DuckDBStore(events, events)
    with pytest.raises(ValueError, match="not an events table"):
        DuckDBStore(happenings, happenings)


# --- a million statements, through DuckDB, against the in-memory index ----------------------------

MILLION = 1_000_000


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    events, happenings = big_table.write(tmp_path_factory.mktemp("million"), MILLION)
    table, view = read_table(events), read_table(happenings)
    duck = DuckDBStore(events, happenings)
    yield duck, table, view, filters.TableIndex(table)
    duck.close()


def test_a_million_statements(million):
    duck, table, view, index = million
    assert duck.rows == len(table) == MILLION
    assert duck.opts == filters.options(table)
    resolved_view = view[view["date_start"] != ""]
    checked = 0
    for f in (Filters(), Filters(actors=("Viasna",)), Filters(sources=("Belsat", "DW"), years=(2001, 2003)),
              Filters(precision=("decade", "week")), Filters(q="верховный"), Filters(q="STRASSE"),
              Filters(actors=("the OSCE", "Minsk police"), q="appeal", years=(2010, 2010)),
              Filters(q="number 99999"), Filters(q="no statement holds this")):
        mask = index.mask(f)
        shown = table[mask]
        happenings = resolved_view[resolved_view["happening_id"].isin(set(shown["happening_id"]))]
        assert duck.counts(f) == Counts(int(mask.sum()), shown["doc_id"].nunique(), len(happenings),
                                        int((mask & ~index.resolved).sum())), f
        assert duck.facet_counts(f) == index.all_facet_counts(f), f
        mine, by = index.period_counts(mask)
        theirs, theirs_by = duck.period_counts(f)
        assert theirs_by == by
        order = ["period", "granularity"]
        mine, theirs = mine.sort_values(order).reset_index(drop=True), theirs.sort_values(order).reset_index(drop=True)
        assert theirs[order].equals(mine[order]) and np.allclose(theirs["events"], mine["events"]), f
        same_frame(duck.events(f, offset=len(shown) // 2, limit=100), shown.iloc[len(shown) // 2:len(shown) // 2 + 100])
        same_frame(duck.happenings(f, limit=50), happenings.iloc[:50])
        assert duck.marks(f, "source") == int((happenings["sources"].str.count(r" \| ") + 1).sum())
        if len(shown):
            checked += 1
            doc = shown["doc_id"].iloc[0]
            same_frame(duck.document(doc), table[table["doc_id"] == doc])
            ids = list(shown["happening_id"].iloc[:2])
            same_frame(duck.mentions_of(ids), table[table["happening_id"].isin(ids)])
        else:
            assert duck.relax_hints(f) == filters.relax_hints(index, f)
    assert checked >= 7
    brush = {"brush": {"x": ["2003-02-01", "2003-02-10"]}}
    same_frame(duck.selected(Filters(q="court"), brush),
               filters.selected_events(table[index.mask(Filters(q="court"))], brush))


def test_kept_answers_are_the_stores_own(stores):
    """DuckDB keeps the answers readers ask again; what one reader does with an answer does
    not change the next reader's."""
    memory, duck = stores
    f = Filters(q="minsk")
    duck.facet_counts(f)["actors"].clear()
    page = duck.events(f, 0, 5)
    page.loc[0, "passage"] = "changed by a reader"
    counts, by = duck.period_counts(f)
    counts["events"] = 0.0
    assert duck.facet_counts(f) == memory.facet_counts(f)
    same_frame(duck.events(f, 0, 5), memory.events(f, 0, 5))
    assert np.allclose(sorted(duck.period_counts(f)[0]["events"]), sorted(memory.period_counts(f)[0]["events"]))


def test_kept_answers_stay_within_their_budget(stores, monkeypatch):
    """However many views readers ask for, the kept answers hold at most KEPT_ROWS rows and
    KEPT_ANSWERS answers; the least recently asked go first."""
    from explorer.store import duckdb as duck_module

    memory, duck = stores
    monkeypatch.setattr(duck_module, "KEPT_ROWS", 40)
    monkeypatch.setattr(duck_module, "KEPT_ANSWERS", 6)
    for offset in range(30):
        f = Filters(q=f"{offset % 10}")
        assert duck.counts(f) == memory.counts(f)
        same_frame(duck.events(f, offset, 10), memory.events(f, offset, 10))
        assert duck._kept_rows <= 40 and len(duck._answers) <= 6
    assert duck._kept_rows == sum(duck_module._rows(a) for a in duck._answers.values())


def test_the_table_view_sorts_and_pages_alike(stores):
    """Every column of either kind of row, both ways, a page from an offset, in each store."""
    from explorer.store import TABLE_COLUMNS

    memory, duck = stores
    for f in (Filters(), Filters(q="minsk"), Filters(q="no passage holds this")):
        for kind, columns in TABLE_COLUMNS.items():
            for sort in columns:
                for descending in (False, True):
                    for offset, limit in ((0, 10), (7, 25)):
                        mine, mine_total = memory.table_page(f, kind, sort, descending, offset, limit)
                        theirs, their_total = duck.table_page(f, kind, sort, descending, offset, limit)
                        assert their_total == mine_total, (f, kind, sort)
                        same_frame(theirs, mine)
    page, total = memory.table_page(Filters(), "dated statement", "source", False, 0, 500)
    assert total == memory.rows and page["source"].iloc[-1] == "" and page["source"].iloc[0] != ""  # blanks last
    page, _ = memory.table_page(Filters(), "dated statement", "source", True, 0, 500)
    assert page["source"].iloc[-1] == "" and page["source"].iloc[0] != ""  # either way
    with pytest.raises(ValueError, match="no column"):
        duck.table_page(Filters(), "happening", "passage; DROP VIEW ev", False, 0, 10)
    ids = list(memory.events(Filters())["event_id"].iloc[[9, 2, 5]]) + ["no such event"]
    same_frame(duck.events_by_id(ids), memory.events_by_id(ids))
    assert len(memory.events_by_id(ids)) == 3


def test_a_search_is_read_once_and_its_rows_kept_within_bounds(stores, tmp_path, monkeypatch):
    """A text search scans the passages once; the counting questions then ask for the rows it
    matched. At most KEPT_SEARCHES searches are kept, none matching more than KEPT_MATCHES
    statements (such a search scans each time), and a folder of parts always scans: the answers
    are the memory store's in each case."""
    from explorer.store import duckdb as duck_module

    memory, duck = stores
    monkeypatch.setattr(duck_module, "KEPT_SEARCHES", 2)
    monkeypatch.setattr(duck_module, "KEPT_ANSWERS", 0)  # every question asked afresh
    common = Filters(q="e")
    monkeypatch.setattr(duck_module, "KEPT_MATCHES", memory.counts(common).statements - 1)
    for f in [Filters(q="minsk"), common, Filters(q="court"), Filters(q="minsk"), Filters(q="minsk", years=(2020, 2021))]:
        assert duck.counts(f) == memory.counts(f), f
        assert duck.facet_counts(f) == memory.facet_counts(f), f
        assert duck.marks(f, "actor") == memory.marks(f, "actor"), f
        same_frame(duck.happenings(f), memory.happenings(f))
        assert np.allclose(sorted(duck.period_counts(f)[0]["events"]), sorted(memory.period_counts(f)[0]["events"]))
        assert len(duck._searches) <= 2
        if f is common:
            assert duck._searches["e"] is None  # too common: not kept
    assert list(duck._searches) == ["court", "minsk"]  # the last two asked
    assert duck._searches["minsk"].num_rows == memory.counts(Filters(q="minsk")).statements
    # a folder of parts: the same answers, no rows kept
    parts = tmp_path / "parts"
    parts.mkdir()
    table = memory.events(Filters())
    write_table(table.iloc[: len(table) // 2], parts / "part-0.parquet")
    write_table(table.iloc[len(table) // 2:], parts / "part-1.parquet")
    write_table(happening_view.view(table), tmp_path / "view.parquet")
    folder = DuckDBStore(parts, tmp_path / "view.parquet")
    try:
        for f in [Filters(q="minsk"), Filters(q="court", sources=tuple(memory.opts.sources[:2]))]:
            assert folder.counts(f) == memory.counts(f) and folder.facet_counts(f) == memory.facet_counts(f), f
        assert not folder._searches
    finally:
        folder.close()
