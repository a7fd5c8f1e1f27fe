"""The timeline chart: one mark per happening, placed by relation; lanes, colours, selections,
aggregation."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from explorer import chart, happening_view
from explorer.filters import TableIndex


def spec(timeline):
    whole = timeline.to_dict()
    alt.Chart.from_dict(whole) if "layer" not in whole else alt.LayerChart.from_dict(whole)  # valid Vega-Lite
    return whole


@pytest.fixture(scope="module")
def seed_view(seed_table):
    return happening_view.view(seed_table)


def marks(frame, happening_id):
    return frame[frame.happening_id == happening_id]


def test_a_happening_is_one_mark_a_lane_with_a_click_selection(seed_view):
    t = chart.happenings_chart(seed_view, "source")
    s = spec(t)
    solid = s["layer"][0]
    assert solid["mark"]["type"] == "rule" and solid["encoding"]["x"]["field"] == "x"
    assert {p["name"] for p in s["params"]} >= {"pick", "brush"}
    assert next(p for p in s["params"] if p["name"] == "pick")["select"]["fields"] == ["happening_id"]
    assert any(p.get("bind") == "scales" for p in s["params"])  # zoom and pan
    resolved = seed_view[seed_view.date_start != ""]
    assert len(t.data) == len(resolved) and t.data.happening_id.is_unique  # one outlet each in the seeds


def test_a_day_is_one_day_wide_and_a_month_a_month(seed_table, seed_view):
    frame = chart.happenings_frame(seed_view, "source")
    december = marks(frame, seed_table[seed_table.mention == "December 10"].iloc[0].happening_id).iloc[0]
    assert december.x2 - december.x == chart.DAY_MS and december.x == pd.Timestamp("2021-12-10").value // 10**6
    election = marks(frame, seed_table[seed_table.mention == "August"].iloc[0].happening_id).iloc[0]
    assert election.x2 - election.x == 31 * chart.DAY_MS and np.isnan(election.fx) and election.arrow == ""


def test_since_runs_to_the_latest_report_and_goes_on(seed_table, seed_view):
    frame = chart.happenings_frame(seed_view, "source")
    sanctions = marks(frame, seed_table[(seed_table.mention == "August 2020") & seed_table.doc_id.str.startswith("001")]
                      .iloc[0].happening_id).iloc[0]
    published = pd.Timestamp("2022-01-28").value // 10**6 + chart.DAY_MS
    assert sanctions.x == pd.Timestamp("2020-08-01").value // 10**6 and sanctions.x2 == published
    assert sanctions.fx == sanctions.x2 < sanctions.fx2 == sanctions.tip and sanctions.arrow == "triangle-right"


@pytest.mark.parametrize("relation, shape, arrow", [("closes", "to", "triangle-left"), ("before", "before", "triangle-left"),
                                                    ("after", "after", "")])
def test_other_relations_are_drawn_open_or_pale(relation, shape, arrow):
    row = {"happening_id": "h1", "what": "x", "date_start": "2021-03-01", "date_end": "2021-03-31", "granularity": "month",
           "relation": relation, "outlets": 1, "sources": "S", "actors": "", "disagree": False, "last_reported": "2021-12-10"}
    row["shape"], row["placed_start"], row["placed_end"] = happening_view.place("2021-03-01", "2021-03-31", relation, "2021-12-10")
    frame = chart.happenings_frame(pd.DataFrame([row]), "source").iloc[0]
    assert row["shape"] == shape and frame.arrow == arrow
    if shape == "after":
        assert frame.strength < 0.5 and frame.x == pd.Timestamp("2021-04-01").value // 10**6
    else:
        assert frame.fx < frame.fx2 <= pd.Timestamp("2021-04-01").value // 10**6 and frame.tip == frame.fx


def test_more_outlets_draw_thicker_and_are_labelled():
    rows = pd.DataFrame([{"happening_id": f"h{n}", "what": "x", "date_start": "2021-03-01", "date_end": "2021-03-01",
                          "granularity": "day", "relation": "at", "shape": "span", "outlets": n, "sources": "A",
                          "actors": "", "disagree": n == 3, "last_reported": "2021-03-02"} for n in (1, 3)])
    frame = chart.happenings_frame(rows, "source").set_index("happening_id")
    assert frame.loc["h3", "weight"] > frame.loc["h1", "weight"]
    assert (frame.loc["h1", "label"], frame.loc["h3", "label"]) == ("x", "x · 3 outlets")
    assert (frame.loc["h1", "warning"], frame.loc["h3", "warning"]) == ("", "!")  # sources disagree


def test_actor_lanes_put_a_happening_in_each_of_its_actors_lanes(seed_table, seed_view):
    frame = chart.happenings_frame(seed_view, "actor")
    december = marks(frame, seed_table[seed_table.mention == "December 10"].iloc[0].happening_id)
    # the designation's clause names the State Department and the two officials; Lukashenka, named
    # later in the sentence ("during Lukashenka's crackdown"), is not in it
    assert set(december.lane) == {"Ihar Kenyukh", "U.S. State Department", "Yauheni Shapetska"}
    assert chart.NO_ACTOR in set(frame.lane)


def test_tooltips_say_what_when_and_who_reports_it(seed_view):
    fields = {t["field"] for t in spec(chart.happenings_chart(seed_view))["layer"][0]["encoding"]["tooltip"]}
    assert {"what", "dates", "sources"} <= fields


def test_a_precision_has_one_colour_in_every_view(seed_view):
    everything = spec(chart.happenings_chart(seed_view))["layer"][0]["encoding"]["color"]["scale"]
    months = spec(chart.happenings_chart(seed_view[seed_view.granularity == "month"]))["layer"][0]["encoding"]["color"]["scale"]
    for scale in (everything, months):
        assert [chart.PRECISION_COLOURS[p] for p in scale["domain"]] == scale["range"]
    assert months["domain"] == ["month"] and everything["domain"][:2] == ["day", "week"]
    assert chart._happenings_template()["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["day"]  # cached template kept


def test_a_linked_happening_starts_selected(seed_view):
    hid = seed_view.happening_id.iloc[3]
    s = spec(chart.happenings_chart(seed_view, selected=[hid]))
    assert next(p for p in s["params"] if p["name"] == "pick")["value"] == [{"happening_id": hid}]


def test_too_many_marks_are_counted_per_period_and_the_chart_says_so(seed_table):
    index = TableIndex(seed_table)
    t = chart.aggregated(*index.period_counts(np.ones(len(seed_table), dtype=bool), "granularity"), max_marks=10)
    assert t.aggregated and "counts per year" in t.note  # 1994 to 2025: per year
    s = spec(t)
    assert s["mark"]["type"] == "bar" and s["encoding"]["y"]["aggregate"] == "sum"


def test_templates_carry_no_data_of_their_own(seed_view):
    # Altair gives a chart (and each layer) without data one empty row; drawn, it is an "undefined" lane
    t = chart.happenings_chart(seed_view)
    assert "data" not in t.spec and all("data" not in layer for layer in t.spec["layer"])
    assert spec(t)["data"]["values"] and all(row for row in spec(t)["data"]["values"])


def test_years_far_from_today_draw_within_the_calendar(seed_table):
    """pandas timestamps end in 1677 and 2262; the engine resolves years 1 to 9999."""
    far = seed_table.head(2).copy()
    far[["date_start", "date_end", "granularity"]] = [["0001-01-01", "0099-12-31", "century"],
                                                       ["9999-12-31", "9999-12-31", "day"]]
    s = spec(chart.happenings_chart(happening_view.view(far)))
    low, high = s["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert chart.FIRST_MS <= low < high <= chart.LAST_MS
    counts = chart.aggregated(*TableIndex(far).period_counts(np.ones(2, dtype=bool), "granularity"))
    assert sorted(counts.data["when"]) == [chart.FIRST_MS, chart.epoch_ms(["9999"])[0]]  # counted per year


def test_a_few_marks_far_before_the_rest_do_not_squeeze_them(seed_table):
    """One "1994" among 2020s happenings: the axis starts at the 2020s, the 1994 mark is drawn
    at its left edge with its year, and zooming out reaches it."""
    early = seed_table[seed_table.date_start >= "2021"].head(1).copy()
    early[["date_start", "date_end", "granularity", "relation"]] = ["1994-01-01", "1994-12-31", "year", "at"]
    early[["happening_id", "event_id"]] = ["h-early", "e-early"]
    recent = seed_table[seed_table.date_start >= "2020"]
    t = chart.happenings_chart(happening_view.view(pd.concat([recent, early], ignore_index=True)))
    x = spec(t)["layer"][0]["encoding"]["x"]["scale"]
    assert x["domain"][0] >= pd.Timestamp("2019-06-01").value // 10**6 and x["clamp"] is True
    assert set(t.data.loc[t.data.happening_id == "h-early", "edge"]) == {"◀ 1994"}
    assert set(t.data.loc[t.data.happening_id != "h-early", "edge"]) == {""}
    # with the 2020s alone nothing is far: the axis starts at the first mark
    alone = chart.happenings_chart(happening_view.view(recent))
    assert spec(alone)["layer"][0]["encoding"]["x"]["scale"]["domain"][0] < pd.Timestamp("2020-08-01").value // 10**6


def test_the_axis_ends_a_few_months_past_the_newest_report(seed_table, seed_view):
    """Open ends go on a little past their last report, not a year into an empty future."""
    t = chart.happenings_chart(seed_view)
    newest = pd.Timestamp(seed_table["published"].max()).value // 10**6
    assert spec(t)["layer"][0]["encoding"]["x"]["scale"]["domain"][1] <= newest + 120 * chart.DAY_MS


def test_every_tick_of_the_time_axis_says_its_year(seed_view):
    """Zoomed in to days ("?q=Referendum"), ticks read "Mon 07", "Feb 27": no year anywhere.
    Vega formats each tick by the finest unit it falls on; every unit's format names the year
    (the browser test reads the ticks themselves)."""
    axis = spec(chart.happenings_chart(seed_view))["layer"][0]["encoding"]["x"]["axis"]
    import re

    for unit in ("year", "quarter", "month", "week", "date", "hours"):
        assert re.search(r"%Y", axis["format"][unit]), unit
    assert axis["format"]["date"] == "%-d %b %Y"


def test_a_mark_begun_before_the_axis_says_where_it_begins(seed_table, seed_view):
    t = chart.happenings_chart(seed_view)
    power = t.data[t.data.happening_id == seed_table[seed_table.mention == "1994"].iloc[0].happening_id]
    assert set(power["edge"]) == {"◀ since 1994"} and all(label.startswith("◀ since 1994") for label in power["label"])
    assert "still going when last reported (27 January 2021)" in power["dates"].iloc[0]


def test_until_runs_from_its_first_report_with_only_the_untold_start_dashed():
    row = {"happening_id": "h1", "what": "the ban", "date_start": "2026-03-01", "date_end": "2026-03-31",
           "granularity": "month", "relation": "closes", "outlets": 1, "sources": "S", "actors": "", "disagree": False,
           "first_reported": "2025-05-20", "last_reported": "2025-05-20"}
    row["shape"], row["placed_start"], row["placed_end"] = happening_view.place("2026-03-01", "2026-03-31", "closes", "2025-05-20")
    mark = chart.happenings_frame(pd.DataFrame([row]), "none").iloc[0]
    reported = pd.Timestamp("2025-05-20").value // 10**6
    assert mark.x == reported and mark.x2 == pd.Timestamp("2026-04-01").value // 10**6
    assert mark.fx2 == reported and mark.fx < reported  # the lead-in ends where the reports begin


def test_labels_in_one_lane_never_overlap_and_rows_fit_the_plot(seed_view):
    """Each label's extent (at the nominal plot width) meets no other mark or label of its row."""
    t = chart.happenings_chart(seed_view, "none")
    data, s = t.data, spec(t)
    domain = s["layer"][0]["encoding"]["x"]["scale"]["domain"]
    per_px = (domain[1] - domain[0]) / chart.NOMINAL_PLOT_PX
    assert (data["side"] != "").sum() >= 10  # most happenings are labelled on the chart
    for _, row in data.groupby("slot"):
        spans = []
        for m in row.itertuples():
            lo, hi = max(m.x, domain[0]), min(np.fmax(m.x2, m.fx2), domain[1])
            width = (len(m.label) * chart.LABEL_CHAR_PX + 14) * per_px
            lo, hi = (lo, hi + width) if m.side == "right" else (lo - width, hi) if m.side == "left" else (lo, hi)
            spans.append((lo, hi))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    assert s["height"] == max(chart.ROW_PX * data["slot"].nunique(), chart.MIN_PLOT_PX)
    assert s["autosize"]["type"] == "fit-x"  # the height is the plot's own, not shared with axis and legend


@pytest.mark.parametrize("lanes", ["actor", "source", "none"])
def test_one_happening_gets_a_plot_of_its_own_in_every_lane_choice(seed_view, lanes):
    t = chart.happenings_chart(seed_view.head(1), lanes)
    assert spec(t)["height"] >= chart.MIN_PLOT_PX >= 40


def test_every_layer_orders_the_rows_alike_and_names_no_other(seed_view):
    s = spec(chart.happenings_chart(seed_view.head(3), "actor"))
    domains = [layer["encoding"]["y"]["scale"]["domain"] for layer in s["layer"]]
    assert all(d == domains[0] for d in domains) and "0" not in domains[0]
