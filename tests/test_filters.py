"""Filters, facets, URL validation and chart selections: pure functions on the table."""

from dataclasses import replace

import pandas as pd
import pytest

from explorer import filters as F


def test_options_come_from_the_table(seed_table):
    opts = F.options(seed_table)
    assert "Alyaksandr Lukashenka" in opts.actors and "" not in opts.actors
    assert opts.sources == ["Belsat", "Pozirk", "RFE/RL", "Voice of America (Russian service), reposted"]
    assert opts.years == (1994, 2025)
    assert opts.precision[:2] == ["day", "week"]


@pytest.mark.parametrize("f, expected", [
    (F.Filters(actors=("Marie Struthers",)), {"now"}),
    (F.Filters(sources=("Belsat",)), {"now", "Thursday", "August 2020", "Feb 27", "January 27"}),
    (F.Filters(precision=("weekend",)), {"the past weekend"}),
    (F.Filters(q="referendum"), {"Feb 27"}),
    (F.Filters(q="REFERENDUM"), {"Feb 27"}),
    (F.Filters(years=(2022, 2022)), {"now", "Thursday", "Feb 27", "January 27", "the past five years"}),
])
def test_each_filter_narrows(seed_table, f, expected):
    assert set(F.apply(seed_table, f).mention) == expected


def test_filters_combine_and_values_within_a_filter_alternate(seed_table):
    both = F.apply(seed_table, F.Filters(actors=("Ihar Kenyukh", "Marie Struthers")))
    assert len(both) == 3
    narrowed = F.apply(seed_table, F.Filters(actors=("Ihar Kenyukh", "Marie Struthers"), precision=("day",)))
    assert list(narrowed.mention) == ["December 10"]


def test_year_range_keeps_events_whose_span_meets_it(seed_table):
    # "the past five years" (2020-08-14 .. 2025-08-13) meets 2023
    assert "the past five years" in set(F.apply(seed_table, F.Filters(years=(2023, 2023))).mention)


def test_facet_counts_ignore_their_own_filter(seed_table):
    f = F.Filters(actors=("Marie Struthers",), sources=("RFE/RL",))
    counts = F.facet_counts(seed_table, f, "actors")
    assert counts["Alyaksandr Lukashenka"] == 8  # RFE/RL events naming him
    assert F.facet_counts(seed_table, f, "sources") == {"RFE/RL": 1}


def test_url_round_trip(seed_table):
    opts = F.options(seed_table)
    f = F.Filters(actors=("Marie Struthers",), years=(2020, 2021), precision=("day", "month"), q="report")
    back, notices = F.validate_params(F.to_params(f, opts), opts)
    assert (back, notices) == (f, [])


@pytest.mark.parametrize("params, notice", [
    ({"actor": ["Nobody Atall"]}, "Unknown actor"),
    ({"source": ["<script>"]}, "Unknown source"),
    ({"precision": ["fortnightly"]}, "Unknown precision"),
    ({"year": ["abc"]}, "not one or two years"),
    ({"year": ["2021", "2020"]}, "reversed"),
    ({"year": ["0", "99999"]}, "narrowed"),
    ({"year": ["3000", "3001"]}, "No event falls"),
    ({"year": ["1", "2", "3"]}, "not one or two years"),
    ({"actor": ["x" * 500]}, "oversized"),
    ({"actor": ["Lukashenka"] * 80}, "first 50"),
    ({"q": ["a" * 500]}, "cut to 200"),
])
def test_malformed_url_values_are_ignored_with_a_notice(seed_table, params, notice):
    f, notices = F.validate_params(params, F.options(seed_table))
    assert any(notice in n for n in notices), notices
    F.apply(seed_table, f)  # and the rest still works


def test_reversed_years_are_swapped(seed_table):
    f, _ = F.validate_params({"year": ["2021", "2020"]}, F.options(seed_table))
    assert f.years == (2020, 2021)


def test_pick_selection_names_happenings(seed_table):
    ids = list(seed_table.happening_id[:2])
    selection = {"pick": [{"happening_id": i} for i in ids + ids[:1]], "brush": {}}
    assert F.selected_happenings(selection) == ids  # each once, in the order picked
    assert F.selected_events(seed_table, selection) is None  # a pick of happenings is no row range
    assert F.selected_happenings({"pick": [{"period": "2020-08"}]}) == []


def test_brush_selection_by_time_in_milliseconds_or_iso(seed_table):
    ms = [pd.Timestamp("2022-01-01").value // 10**6, pd.Timestamp("2022-12-31").value // 10**6]
    by_ms = F.selected_events(seed_table, {"pick": [], "brush": {"x": ms}})
    by_iso = F.selected_events(seed_table, {"brush": {"start": ["2022-12-31", "2022-01-01"]}})
    assert set(by_ms.mention) == set(by_iso.mention) == {"now", "Thursday", "Feb 27", "January 27", "the past five years"}


def test_aggregated_pick_selects_what_the_bar_counts(seed_table):
    picked = F.selected_events(seed_table, {"pick": [{"period": "2020-08"}]})
    # all that meet August 2020: those dated to it, and "2020" and "the past five years", spread over it
    assert set(picked.mention) == {"August 2020", "August", "the past five years", "2020", "last year"}


def test_no_selection_is_none(seed_table):
    assert F.selected_events(seed_table, {}) is None
    assert F.selected_events(seed_table, {"pick": [], "brush": {}}) is None


def test_empty_view_hints_say_which_filter_to_relax(seed_table):
    f = F.Filters(actors=("Marie Struthers",), precision=("day",))
    assert F.apply(seed_table, f).empty
    hints = F.relax_hints(seed_table, f)
    assert "Without the actor filter, 7 would." in hints
    assert "Without the precision filter, 1 would." in hints


@pytest.mark.parametrize("f", [
    F.Filters(),
    F.Filters(precision=("day",), years=(2020, 2021)),
    F.Filters(actors=("Alyaksandr Lukashenka",), sources=("RFE/RL", "Belsat")),
    F.Filters(q="election", precision=("day", "month")),
])
def test_facet_counts_equal_counting_the_filtered_rows_one_by_one(seed_table, f):
    index = F.TableIndex(seed_table)
    for facet, column in [("actors", "actors"), ("sources", "source"), ("precision", "granularity")]:
        rows = index.apply(replace(f, **{facet: ()}))
        values = rows[column].str.split(" | ", regex=False).explode() if facet == "actors" else rows[column]
        expected = values[values != ""].value_counts().to_dict()
        assert index.all_facet_counts(f)[facet] == expected


@pytest.mark.parametrize("since, unit", [("2020", "month"), ("", "year")])
def test_period_counts_spread_each_statement_over_its_span(seed_table, since, unit):
    """Counted by hand: a statement dated to a span of up to three years counts an equal share
    in each month of it (so a year's mentions do not stand as a spike in January), a longer
    one in the month it begins; over more than 20 years, months are added up into years."""
    index = F.TableIndex(seed_table)
    mask = (seed_table["date_start"] >= since).to_numpy()
    counts, found_unit = index.period_counts(mask)
    assert found_unit == unit
    expected: dict = {}
    for row in seed_table[mask & (seed_table["date_start"] != "").to_numpy()].itertuples():
        months = pd.period_range(row.date_start[:7], row.date_end[:7], freq="M")
        months = months if len(months) <= 36 else months[:1]
        for month in months:
            period = str(month)[:7 if unit == "month" else 4]
            key = (period, row.granularity)
            expected[key] = expected.get(key, 0) + 1 / len(months)
    got = counts.set_index(["period", "granularity"])["events"].to_dict()
    assert got.keys() == expected.keys()
    assert all(abs(got[k] - expected[k]) < 1e-3 for k in got)
    assert abs(counts["events"].sum() - mask[(seed_table["date_start"] != "").to_numpy()].sum()) < 1e-6
