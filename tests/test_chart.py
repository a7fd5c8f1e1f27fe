"""The timeline chart: spans, lanes, selections, aggregation."""

import altair as alt
import numpy as np
import pandas as pd

from explorer import chart


def spec(timeline):
    whole = timeline.to_dict()
    alt.Chart.from_dict(whole)  # a valid Vega-Lite spec after the data and settings are filled in
    return whole


def test_events_are_spans_with_a_round_cap(seed_table):
    t = chart.timeline(seed_table)
    s = spec(t)
    assert not t.aggregated
    assert s["mark"] == {"type": "rule", "strokeWidth": 9, "strokeCap": "round"}
    assert s["encoding"]["x"]["field"] == "start" and s["encoding"]["x2"]["field"] == "end"
    params = {p["name"] for p in s["params"]}
    assert {"pick", "brush"} <= params
    assert any(p.get("bind") == "scales" for p in s["params"])  # zoom and pan


def test_a_day_is_one_day_wide_and_a_month_a_month(seed_table):
    frame = chart._events_frame(seed_table, "source")
    december = frame[frame.mention == "December 10"].iloc[0]
    assert december.end - december.start == chart.DAY_MS
    august = frame[frame.mention == "August 2020"].iloc[0]
    assert august.end - august.start == 31 * chart.DAY_MS
    assert december.start == pd.Timestamp("2021-12-10").value // 10**6  # epoch milliseconds


def test_actor_lanes_put_an_event_in_each_of_its_actors_lanes(seed_table):
    frame = chart._events_frame(seed_table, "actor")
    december = frame[frame.mention == "December 10"]
    assert set(december.lane) == {"Alyaksandr Lukashenka", "Ihar Kenyukh", "U.S. State Department", "Yauheni Shapetska"}
    assert chart.NO_ACTOR in set(frame.lane)


def test_source_lanes_and_colour_by_source(seed_table):
    s = spec(chart.timeline(seed_table, lanes="source", colour="source"))
    assert s["encoding"]["color"]["field"] == "source"
    lanes = {row["lane"] for row in s["data"]["values"]}
    assert lanes == {"RFE/RL", "Belsat", "Pozirk", "Voice of America (Russian service), reposted"}


def test_tooltips_carry_words_date_source_and_passage(seed_table):
    fields = {t["field"] for t in spec(chart.timeline(seed_table))["encoding"]["tooltip"]}
    assert {"mention", "dates", "source", "excerpt"} <= fields


def test_too_many_events_are_counted_per_period_and_the_chart_says_so(seed_table):
    recent = seed_table[seed_table.date_start >= "2020"]
    assert "counts per month" in chart.timeline(recent, lanes="source", max_marks=10).note
    t = chart.timeline(seed_table, max_marks=10)  # 1994 to 2025: per year
    assert t.aggregated and "counts per year" in t.note
    s = spec(t)
    assert s["mark"]["type"] == "bar"
    assert s["encoding"]["y"]["aggregate"] == "sum"


def test_unresolved_events_are_not_drawn(seed_table):
    table = seed_table.copy()
    table.loc[0, ["date_start", "date_end"]] = ""
    assert chart.timeline(table, lanes="source").marks == len(seed_table) - 1


def test_each_chart_gets_its_own_settings_and_the_cached_template_is_not_changed(seed_table):
    months = spec(chart.timeline(seed_table[seed_table.granularity == "month"], lanes="source"))
    assert months["encoding"]["color"]["scale"]["domain"] == ["month"]
    everything = spec(chart.timeline(seed_table, lanes="source"))
    assert everything["encoding"]["color"]["scale"]["domain"][:2] == ["day", "week"]
    assert months["encoding"]["x"]["scale"]["domain"] != everything["encoding"]["x"]["scale"]["domain"]
    assert chart._events_template("granularity")["encoding"]["color"]["scale"]["domain"] == ["day"]


def test_templates_carry_no_data_of_their_own(seed_table):
    # Altair gives a chart without data one empty row; drawn, it is an "undefined" lane
    for timeline in (chart.timeline(seed_table), chart.timeline(seed_table, max_marks=10)):
        assert "data" not in timeline.spec and "datasets" not in timeline.spec
        assert spec(timeline)["data"]["values"] and all(row for row in spec(timeline)["data"]["values"])


def test_years_far_from_today_draw_within_the_calendar(seed_table):
    """pandas timestamps end in 1677 and 2262; the engine resolves years 1 to 9999."""
    far = seed_table.head(2).copy()
    far[["date_start", "date_end", "granularity"]] = [["0001-01-01", "0099-12-31", "century"],
                                                       ["9999-12-31", "9999-12-31", "day"]]
    s = spec(chart.timeline(far))
    low, high = s["encoding"]["x"]["scale"]["domain"]
    assert chart.FIRST_MS <= low < high <= chart.LAST_MS
    counts = chart.aggregated(*filters_index(far).period_counts(np.ones(2, dtype=bool), "granularity"), "granularity")
    assert sorted(counts.data["when"]) == [chart.FIRST_MS, chart.epoch_ms(["9999"])[0]]  # counted per year


def filters_index(table):
    from explorer.filters import TableIndex

    return TableIndex(table)
