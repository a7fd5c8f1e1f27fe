"""The timeline chart (Altair): each event as the span of days it names.

An event is a rule from its first day to the day after its last, drawn with a
round cap, so "December 10" stays a visible dot at any zoom and "August 2020"
is a month-long bar. Lanes are actors or sources; colour is precision or
source. Clicking marks (`pick`) or dragging along the time axis (`brush`)
selects events; the wheel zooms and shift-drag pans. A view with more events
than `MAX_MARKS` is drawn as counts per month (or per year for long spans).

Altair writes each kind of chart once, as a Vega-Lite template without data
(validated then, and cached); a filter change only fills in the data and the
few settings that follow from it (time domain, height, colour domain). Building
and validating an Altair chart on every rerun cost more than everything else
the page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from .actors import SEPARATOR
from .filters import PRECISION_ORDER, TableIndex

MAX_MARKS = 1500
NO_ACTOR = "(no actor named)"
LANES = {"actor": "Actor", "source": "Source"}
COLOURS = {"granularity": "Precision", "source": "Source"}


@dataclass
class Timeline:
    spec: dict  # Vega-Lite, without its data
    data: pd.DataFrame
    aggregated: bool
    note: str
    marks: int

    def to_dict(self) -> dict:
        """The whole Vega-Lite spec, data included (what the browser receives)."""
        return {**self.spec, "data": {"values": self.data.to_dict("records")}}


def _without_data(spec: dict) -> dict:
    """A template's spec: Altair gives a chart without data one empty row, which
    Vega-Lite would draw (an "undefined" lane); the page passes the data itself."""
    return {k: v for k, v in spec.items() if k not in ("data", "datasets")}


def _patched(template: dict, **settings) -> dict:
    """`template` with values set at paths written with double underscores
    (encoding__x__scale__domain), copying only the dictionaries on those paths
    (the cached template stays as it was)."""
    spec = dict(template)
    for path, value in settings.items():
        keys = path.split("__")
        node = spec
        for key in keys[:-1]:
            node[key] = dict(node[key])
            node = node[key]
        node[keys[-1]] = value
    return spec


DAY_MS = 86_400_000
# The calendar's ends in epoch milliseconds: an axis never runs past them.
FIRST_MS, LAST_MS = -62135596800000, 253402214400000  # 0001-01-01, 9999-12-31


def epoch_ms(iso_days, plus_days: int = 0) -> np.ndarray:
    """ISO days (or months, "2020-08", or years, "2020") as epoch milliseconds. Vega-Lite
    reads numbers on a time axis as these; unlike pandas timestamps (1677-2262) they
    reach every year the engine resolves, from 1 to 9999."""
    days = np.array(list(iso_days), dtype="datetime64[D]").astype(np.int64) + plus_days
    return days * DAY_MS


def _events_frame(events: pd.DataFrame, lanes: str) -> pd.DataFrame:
    frame = events[events["date_start"] != ""].copy()
    frame["start"] = epoch_ms(frame["date_start"])
    frame["end"] = epoch_ms(frame["date_end"], plus_days=1)
    frame["dates"] = frame["date_start"].where(frame["date_start"] == frame["date_end"],
                                               frame["date_start"] + " – " + frame["date_end"])
    frame["excerpt"] = frame["passage"].str.slice(0, 140) + frame["passage"].map(lambda p: "…" if len(p) > 140 else "")
    if lanes == "actor":
        frame["lane"] = frame["actors"].map(lambda s: s.split(SEPARATOR) if s else [NO_ACTOR])
        frame = frame.explode("lane")
    else:
        frame["lane"] = frame["source"].where(frame["source"] != "", "(unknown source)")
    return frame


def _colour(colour: str) -> alt.Color:
    if colour == "granularity":  # the domain, in precision order, is set per chart
        return alt.Color("granularity:N", title="Precision", scale=alt.Scale(domain=["day"], scheme="tableau10"))
    return alt.Color("source:N", title="Source")


def _colour_settings(colour: str, frame: pd.DataFrame) -> dict:
    if colour != "granularity":
        return {}
    found = set(frame["granularity"].unique())
    present = [p for p in PRECISION_ORDER if p in found] + sorted(found - set(PRECISION_ORDER))
    return {"encoding__color__scale__domain": present}


def _x_domain(frame: pd.DataFrame) -> list[int]:
    """The events' span, padded so that a few close events are not stretched edge to
    edge, within the calendar."""
    first, last = int(frame["start"].min()), int(frame["end"].max())
    pad = max((last - first) * 0.03, 45 * DAY_MS)
    return [max(int(first - pad), FIRST_MS), min(int(last + pad), LAST_MS)]


def timeline(events: pd.DataFrame, lanes: str = "actor", colour: str = "granularity",
             max_marks: int = MAX_MARKS) -> Timeline:
    index = TableIndex(events)
    everything = np.ones(len(events), dtype=bool)
    if index.marks(everything, lanes) > max_marks:
        return aggregated(*index.period_counts(everything, colour), colour, max_marks)
    return events_chart(events, lanes, colour)


@lru_cache(maxsize=None)
def _events_template(colour: str) -> dict:
    pick = alt.selection_point(name="pick", fields=["event_id"], on="click", clear="dblclick")
    brush = alt.selection_interval(name="brush", encodings=["x"])
    zoom = alt.selection_interval(bind="scales", encodings=["x"], zoom="wheel!",
                                  translate="[pointerdown[event.shiftKey], window:pointerup] > window:pointermove!")
    chart = (
        alt.Chart()
        .mark_rule(strokeWidth=9, strokeCap="round")
        .encode(
            # the domain is set per chart
            x=alt.X("start:T", title=None, scale=alt.Scale(domain=[0, DAY_MS]),
                    axis=alt.Axis(labelOverlap=True)),
            x2="end:T",
            y=alt.Y("lane:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            color=_colour(colour),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("mention:N", title="Words"),
                alt.Tooltip("dates:N", title="Resolved"),
                alt.Tooltip("granularity:N", title="Precision"),
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("title:N", title="Article"),
                alt.Tooltip("excerpt:N", title="Passage"),
            ],
        )
        .add_params(pick, brush, zoom)
        # SVG marks are elements a screen reader and a browser test can find
        .properties(height=100, width="container", usermeta={"embedOptions": {"renderer": "svg"}})
    )
    return _without_data(chart.to_dict())


def events_chart(events: pd.DataFrame, lanes: str, colour: str) -> Timeline:
    frame = _events_frame(events, lanes)
    lanes_count = max(frame["lane"].nunique(), 1)
    spec = _patched(_events_template(colour), height=min(60 + 28 * lanes_count, 900),
                    encoding__x__scale__domain=_x_domain(frame), **_colour_settings(colour, frame))
    columns = ["event_id", "start", "end", "lane", "granularity", "source", "mention", "dates", "title", "excerpt"]
    return Timeline(spec, frame[columns], False, "", len(frame))


@lru_cache(maxsize=None)
def _counts_template(unit: str, colour: str) -> dict:
    pick = alt.selection_point(name="pick", fields=["period"], on="click", clear="dblclick")
    chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(f"{'year' if unit == 'year' else 'yearmonth'}(when):T", title=None),
            y=alt.Y("sum(events):Q", title=f"Events per {unit}"),
            color=_colour(colour),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.4)),
            tooltip=[alt.Tooltip("period:N", title=unit.capitalize()), alt.Tooltip("sum(events):Q", title="Events")],
        )
        .add_params(pick)
        .properties(height=320, width="container")
    )
    return _without_data(chart.to_dict())


def aggregated(counts: pd.DataFrame, unit: str, colour: str, max_marks: int = MAX_MARKS) -> Timeline:
    """Counts per period (from `TableIndex.period_counts`) as stacked bars."""
    counts = counts.assign(when=epoch_ms(counts["period"]))
    spec = _patched(_counts_template(unit, colour), **_colour_settings(colour, counts))
    note = (f"{int(counts['events'].sum()):,} events are too many to draw one by one (more than {max_marks:,} marks): "
            f"the chart shows counts per {unit}. Narrow the filters to see single events.")
    return Timeline(spec, counts, True, note, len(counts))


def prepare() -> None:
    """Write every template now, so that no viewer's first filter change waits for it."""
    for colour in COLOURS:
        _events_template(colour)
        for unit in ("month", "year"):
            _counts_template(unit, colour)
