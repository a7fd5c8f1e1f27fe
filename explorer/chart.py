"""The timeline chart (Altair): one mark per happening, where its date words and their
relation place it, labelled with a few words of what happened.

A happening dated X is a rule over the days X names ("December 10" a dot at any zoom,
"August 2020" a month-long bar); "since X" runs from X to the last article that reports
it still going and goes on a little, dashed, to an arrow; "until X" runs from the first
article that reports it to X and comes in dashed from the left before that, its start not
told; "before X" comes in dashed to X; "after X" is a pale bar between X and the latest
report. A mark that begins before the axis does says where it begins ("◀ since 1994").
A happening reported by several outlets is drawn thicker and says their number; one whose
sources disagree on the date carries a "!". Labels are stacked in rows within a lane so
that they never overprint (as vis-timeline and TimelineJS stack theirs); a label that
finds no room is left out, the mark kept. Lanes are actors, outlets, or none (a happening
is in every lane its mentions name). Colour is
precision, from one fixed palette (`PRECISION_COLOURS`), so a precision has the same
colour in every view. Clicking marks (`pick`) or dragging along the time axis (`brush`)
selects; the wheel zooms and shift-drag pans. A view with more than `MAX_MARKS` marks is
drawn as counts per month (or per year over long spans).

Altair writes each kind of chart once, as a Vega-Lite template without data (validated
then, and cached); a filter change only fills in the data and the few settings that
follow from it (time domain, height, colour domain).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from .actors import SEPARATOR
from .filters import PRECISION_ORDER

MAX_MARKS = 1500
NO_ACTOR = "(no actor named)"
NO_SOURCE = "(unknown outlet)"
LANES = {"actor": "Actor", "source": "Outlet", "none": "None"}
# One colour per precision in every view and legend: the Okabe-Ito palette (told apart with
# colour-blind sight, legible on light and dark backgrounds), then two more.
PRECISION_COLOURS = {
    "time": "#CC79A7", "day": "#0072B2", "week": "#56B4E9", "weekend": "#009E73", "month": "#E69F00",
    "season": "#F0E442", "quarter": "#D55E00", "half": "#8C564B", "year": "#999999", "decade": "#6A3D9A",
    "century": "#3B3B3B", "present": "#BCBD22",
}
FADE_SHARE = 0.03  # of the time axis: how far an open end is drawn beyond its last report ...
MIN_FADE_DAYS, MAX_FADE_DAYS = 15, 60  # ... within these: never a year of empty future
ROW_PX = 22  # height of one row of marks and labels
MIN_PLOT_PX = 48  # the plot of one row still shows its mark clearly
MAX_PLOT_PX = 1400
NOMINAL_PLOT_PX = 760  # the plot's width on a desktop page, for placing labels in rows (a little under)
LABEL_CHAR_PX = 6.2  # the width of one character of an 11 px label, about
LABEL_WORDS = 32  # characters of `what` a label shows
MAX_ROWS = 24  # rows a lane stacks; a mark past them shares a row, without its label
DAY_MS = 86_400_000
# The calendar's ends in epoch milliseconds: an axis never runs past them.
FIRST_MS, LAST_MS = -62135596800000, 253402214400000  # 0001-01-01, 9999-12-31


@dataclass
class Timeline:
    spec: dict  # Vega-Lite, without its data
    data: pd.DataFrame
    aggregated: bool
    note: str
    marks: int

    def to_dict(self) -> dict:
        """The whole Vega-Lite spec, data included (what the browser receives)."""
        return {**self.spec, "data": {"values": self.data.replace({np.nan: None}).to_dict("records")}}


def _without_data(spec: dict) -> dict:
    """A template's spec: Altair gives a chart without data (and each of its layers) one empty
    row, which Vega-Lite would draw (an "undefined" lane); the page passes the data itself."""
    out = {k: v for k, v in spec.items() if k not in ("data", "datasets")}
    if "layer" in out:
        out["layer"] = [_without_data(layer) for layer in out["layer"]]
    return out


def _patched(template: dict, **settings) -> dict:
    """`template` with values set at paths written with double underscores
    (encoding__x__scale__domain, layer__0__encoding__...), copying only the containers on those
    paths (the cached template stays as it was)."""
    spec = dict(template)
    for path, value in settings.items():
        keys = path.split("__")
        node = spec
        for key in keys[:-1]:
            if isinstance(node, list):
                index = int(key)
                node[index] = dict(node[index])
                node = node[index]
            else:
                node[key] = list(node[key]) if isinstance(node[key], list) else dict(node[key])
                node = node[key]
        node[keys[-1]] = value
    return spec


def epoch_ms(iso_days, plus_days: int = 0) -> np.ndarray:
    """ISO days (or months, "2020-08", or years, "2020") as epoch milliseconds. Vega-Lite
    reads numbers on a time axis as these; unlike pandas timestamps (1677-2262) they
    reach every year the engine resolves, from 1 to 9999."""
    days = np.array(list(iso_days), dtype="datetime64[D]").astype(np.int64) + plus_days
    return days * DAY_MS


def _dates_text(start: str, end: str, granularity: str) -> str:
    return (start if start == end else f"{start} – {end}") + f" ({granularity})"


def _label(what: str, outlets: int) -> str:
    words = what if len(what) <= LABEL_WORDS else what[:LABEL_WORDS - 1].rsplit(" ", 1)[0] + "…"
    return words + (f" · {outlets} outlets" if outlets > 1 else "")


def _fade_ms(start: np.ndarray, end: np.ndarray) -> float:
    """How far an open end goes on past its last report: a small share of the span most
    marks cover (a lone 1994 does not stretch it), within MIN_FADE_DAYS and MAX_FADE_DAYS."""
    core = float(np.quantile(start, FOCUS_SHARE, method="lower")) if len(start) >= 5 else float(start.min())
    return float(np.clip((end.max() - core) * FADE_SHARE, MIN_FADE_DAYS * DAY_MS, MAX_FADE_DAYS * DAY_MS))


def happenings_frame(view: pd.DataFrame, lanes: str) -> pd.DataFrame:
    """The marks of resolved happenings (rows of `happening_view.view`): one per happening and lane.

    Per mark: `x`..`x2` the part drawn solid (after: pale), `fx`..`fx2` the dashed open
    part and `tip` its arrow (empty when closed)."""
    rows = view[view["date_start"] != ""]
    if rows.empty:
        return pd.DataFrame(columns=["happening_id", "lane", "granularity", "x", "x2", "fx", "fx2", "tip", "arrow",
                                     "strength", "weight", "label", "what", "dates", "sources", "outlets", "warning"])
    start, end = epoch_ms(rows["date_start"]), epoch_ms(rows["date_end"], plus_days=1)
    last = epoch_ms(rows["last_reported"].where(rows["last_reported"] != "", rows["date_end"]), plus_days=1)
    first = (epoch_ms(rows["first_reported"].where(rows["first_reported"] != "", rows["date_start"]))
             if "first_reported" in rows else start)
    shape = rows["shape"].to_numpy()
    fade = _fade_ms(start, np.maximum(end, np.where(shape == "from", last, end)))
    # "until X": in force from (at least) the first report that tells it, to X; before that, untold
    x = np.where(shape == "after", end, np.where(shape == "before", start - fade,
                                                 np.where(shape == "to", np.minimum(first, start), start)))
    x2 = np.where(np.isin(shape, ["from", "after"]), np.maximum(last, end), end)
    x2 = np.where(shape == "before", start, x2)  # "before X": only the dashed lead-in, ending at X
    fx = np.where(shape == "from", x2, np.where(np.isin(shape, ["to", "before"]), x - fade, np.nan))
    fx2 = np.where(shape == "from", x2 + fade, np.where(np.isin(shape, ["to", "before"]), x, np.nan))
    tip = np.where(shape == "from", fx2, np.where(np.isin(shape, ["to", "before"]), fx, np.nan))
    arrow = np.where(shape == "from", "triangle-right", np.where(np.isin(shape, ["to", "before"]), "triangle-left", ""))
    outlets = rows["outlets"].to_numpy()
    still = [f", still going when last reported ({_spoken(r)})" if sh == "from" and r else ""
             for sh, r in zip(shape, rows["last_reported"])]
    frame = pd.DataFrame({
        "happening_id": rows["happening_id"].to_numpy(),
        "granularity": rows["granularity"].to_numpy(),
        "x": np.maximum(x, FIRST_MS), "x2": np.minimum(x2, LAST_MS),
        "fx": np.clip(fx, FIRST_MS, LAST_MS), "fx2": np.clip(fx2, FIRST_MS, LAST_MS), "tip": np.clip(tip, FIRST_MS, LAST_MS),
        "arrow": arrow, "strength": np.where(shape == "after", 0.45, 0.95),  # "after X" is drawn pale
        "weight": np.minimum(8 + 3 * np.maximum(outlets - 1, 0), 20),
        "label": [_label(w, n) for w, n in zip(rows["what"], outlets)],
        "what": [w if len(w) <= 140 else w[:139] + "…" for w in rows["what"]],
        "dates": [_dates_text(s, e, g) + ("" if r == "at" else f", {r}") + tail for s, e, g, r, tail in
                  zip(rows["date_start"], rows["date_end"], rows["granularity"], rows["relation"], still)],
        "sources": rows["sources"].where(rows["sources"] != "", NO_SOURCE).to_numpy(),
        "outlets": outlets,
        "warning": np.where(rows["disagree"].astype(bool), "!", ""),
        "shape": shape,
        "start_year": rows["date_start"].str[:4].str.lstrip("0").to_numpy(),
    })
    if lanes == "none":
        frame["lane"] = ""
        return frame
    values = (rows["actors"] if lanes == "actor" else rows["sources"]).to_numpy()
    empty = NO_ACTOR if lanes == "actor" else NO_SOURCE
    frame["lane"] = [v.split(SEPARATOR) if v else [empty] for v in values]
    return frame.explode("lane", ignore_index=True)


def _spoken(iso: str) -> str:
    from .render import when_words

    return when_words(iso, iso, "day")


def _stack(frame: pd.DataFrame, domain: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per mark, its row within its lane and which side of it its label goes (right, left, or
    none): labels are placed greedily, earliest first, in the first row where neither the
    mark nor its label meets another's, measured at `NOMINAL_PLOT_PX` across the domain; a
    label near the axis's right end goes before its mark. Past `MAX_ROWS` a mark shares the
    row that frees first, without its label. Linear in the marks for a bounded row count."""
    per_px = (domain[1] - domain[0]) / NOMINAL_PLOT_PX
    row = np.zeros(len(frame), dtype=np.int64)
    side = np.full(len(frame), "", dtype=object)
    left_edge, right_edge = domain[0], domain[1]
    begin = np.clip(frame["x"].to_numpy(dtype=float), left_edge, right_edge)
    finish = np.clip(np.fmax(frame["x2"].to_numpy(dtype=float), frame["fx2"].to_numpy(dtype=float)), left_edge, right_edge)
    width = (frame["label"].str.len().to_numpy() * LABEL_CHAR_PX + 14) * per_px
    gap = 4 * per_px
    for _, positions in frame.groupby("lane", sort=False).indices.items():
        ends: list[float] = []  # per row, where its last mark or label ends
        for i in positions[np.argsort(begin[positions], kind="stable")]:
            right = finish[i] + width[i] <= right_edge
            fits = right or begin[i] - width[i] >= left_edge  # a label is never cut by an edge
            lo = begin[i] if right or not fits else begin[i] - width[i]
            hi = (finish[i] + width[i]) if right else finish[i]
            hi = max(hi, finish[i])
            free = next((r for r, taken in enumerate(ends) if taken + gap <= lo), None) if fits else None
            if free is None and len(ends) >= MAX_ROWS:  # rows full: a row where at least the mark fits, unlabelled
                bare = next((r for r, taken in enumerate(ends) if taken + gap <= begin[i]), None)
                if bare is not None:
                    ends[bare] = finish[i]
                    row[i] = bare
                    continue
            if free is None and fits and len(ends) < MAX_ROWS:
                free = len(ends)
                ends.append(-np.inf)
            if free is None and not fits and len(ends) < MAX_ROWS:  # no label, a row of its own
                free = len(ends)
                ends.append(finish[i])
                row[i] = free
                continue
            if free is None:  # no room for its label: the mark shares the row that frees first
                free = int(np.argmin(ends))
                ends[free] = max(ends[free], finish[i])
            else:
                ends[free] = hi
                side[i] = "right" if right else "left"
            row[i] = free
    return row, side


def _precision_settings(present: set[str], path: str = "encoding__color__scale") -> dict:
    """The colour scale for the precisions a chart shows: each in its fixed colour."""
    domain = [p for p in PRECISION_ORDER if p in present] + sorted(present - set(PRECISION_ORDER))
    return {f"{path}__domain": domain, f"{path}__range": [PRECISION_COLOURS.get(p, "#777777") for p in domain]}


def _x_domain(low: float, high: float) -> list[int]:
    """A span padded so that a few close marks are not stretched edge to edge, within the calendar."""
    pad = min(max((high - low) * 0.03, 20 * DAY_MS), 45 * DAY_MS)  # a little room, never months of it
    return [max(int(low - pad), FIRST_MS), min(int(high + pad), LAST_MS)]


LANE_LABEL_LIMIT = "clamp(containerSize()[0] * 0.25, 80, 140)"
SLOT = "\u2063"  # joins a lane's name and its row number in the y field (an invisible separator)
LANE_LABEL = f"indexof(datum.value, '{SLOT}0') >= 0 ? split(datum.value, '{SLOT}')[0] : ''"  # the name, on its first row
MARK_LABELS_SHOWN = "width >= 420 ? 1 : 0"  # on a phone the plot is too narrow for words beside marks
LABEL_GREY = "#8a8a8a"  # the marks' words ("3 outlets", "◀ 1994"): readable on the light and the dark theme
LEGEND_COLUMNS = "containerSize()[0] < 500 ? 3 : 6"
FOCUS_SHARE = 0.1  # the earliest marks that may fall left of the axis, drawn at its edge with their year
FOCUS_GAIN = 3  # ... when the axis would be at least this many times as wide for them


def _focus(starts: np.ndarray, low: float, high: float) -> float:
    """Where the axis begins: at the earliest mark, unless a few marks far before the rest (a
    "since 1994" among 2020s happenings) would squeeze all the others into a sliver; then
    at the first of the rest, the few drawn at the edge, labelled, reached by zooming out."""
    if len(starts) < 5:
        return low
    start = float(np.quantile(starts, FOCUS_SHARE, method="lower"))
    return start if (high - low) > FOCUS_GAIN * (high - start) else low


# Tick labels that always carry the year: zoomed in to days, "Mon 07" alone did not say which
# month or year it was. A tick on a year says the year; on a month, month and year; on a day or
# week, the day, month and year.
TICK_FORMAT = {"year": "%Y", "quarter": "%b %Y", "month": "%b %Y", "week": "%-d %b %Y", "date": "%-d %b %Y",
               "hours": "%-d %b %Y %H:%M", "minutes": "%H:%M", "seconds": "%H:%M:%S", "milliseconds": "%H:%M:%S"}


@lru_cache(maxsize=None)
def _happenings_template() -> dict:
    pick = alt.selection_point(name="pick", fields=["happening_id"], on="click", clear="dblclick")
    brush = alt.selection_interval(name="brush", encodings=["x"])
    zoom = alt.selection_interval(bind="scales", encodings=["x"], zoom="wheel!",
                                  translate="[pointerdown[event.shiftKey], window:pointerup] > window:pointermove!")
    colour = alt.Color("granularity:N", title="Precision", scale=alt.Scale(domain=["day"], range=["#0072B2"]))
    # one slot a lane and row; the lane's name on its first row, within 25% of a phone's width
    # and 140 px of a wider page: the plot keeps the rest. The slots' order is set per chart.
    # a band a row, edge to edge: the rows fill the plot's height exactly, ROW_PX each
    y = alt.Y("slot:N", title=None, scale=alt.Scale(type="band", paddingInner=0, paddingOuter=0, domain=["0"]),
              axis=alt.Axis(labelLimit=alt.expr(LANE_LABEL_LIMIT), labelExpr=LANE_LABEL, ticks=False,
                            domain=False))
    tooltip = [alt.Tooltip("what:N", title="What"), alt.Tooltip("dates:N", title="When"),
               alt.Tooltip("sources:N", title="Reported by")]
    base = alt.Chart()
    solid = base.mark_rule(strokeCap="round").encode(
        # the domain is set per chart; marks beyond it are drawn at its edge
        # a tick each 90 px or so: labels that carry the year are wide
        x=alt.X("x:T", title=None, scale=alt.Scale(domain=[0, DAY_MS], clamp=True),
                axis=alt.Axis(labelOverlap=True, labelSeparation=12, format=TICK_FORMAT,
                              tickCount=alt.expr("ceil(width / 90)"))),
        x2="x2:T", y=y, color=colour,
        strokeWidth=alt.StrokeWidth("weight:Q", scale=None, legend=None),
        opacity=alt.condition(pick, alt.Opacity("strength:Q", scale=None, legend=None), alt.value(0.3)),
        tooltip=tooltip,
    ).add_params(pick, brush, zoom)
    is_open = "isValid(datum.fx) && isFinite(datum.fx)"
    faded = base.mark_rule(strokeDash=[5, 4], strokeWidth=3).encode(
        x="fx:T", x2="fx2:T", y=y, color=colour, opacity=alt.value(0.6), tooltip=tooltip).transform_filter(is_open)
    arrows = base.mark_point(filled=True, size=90).encode(
        x="tip:T", y=y, color=colour, shape=alt.Shape("arrow:N", scale=None, legend=None),
        tooltip=tooltip).transform_filter(is_open)
    words = {"fontSize": 11, "baseline": "middle", "opacity": alt.expr(MARK_LABELS_SHOWN), "clip": True}
    after = base.mark_text(align="left", dx=8, **words).encode(
        x="lx:T", y=y, text="label:N", color=alt.value(LABEL_GREY), tooltip=tooltip
    ).transform_filter("datum.side == 'right'")
    before = base.mark_text(align="right", dx=-8, **words).encode(
        x="x:T", y=y, text="label:N", color=alt.value(LABEL_GREY), tooltip=tooltip
    ).transform_filter("datum.side == 'left'")
    warnings = base.mark_text(align="right", dx=-5, dy=-8, fontSize=13, fontWeight="bold").encode(
        x="x:T", y=y, text="warning:N", color=alt.value("#D55E00"))
    chart = (alt.layer(solid, faded, arrows, after, before, warnings)
             # below the plot, which keeps the width on a phone; in two rows there
             .configure_legend(orient="bottom", direction="horizontal", columns=alt.expr(LEGEND_COLUMNS), symbolOpacity=1)
             # SVG marks are elements a screen reader and a browser test can find
             .properties(height=MIN_PLOT_PX, width="container", usermeta={"embedOptions": {"renderer": "svg"}}))
    spec = _without_data(chart.to_dict())
    # the height is the plot's own (Streamlit's theme fits axis and legend into it, which
    # leaves one lane a plot a few pixels high); the width still fits the page
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def happenings_chart(view: pd.DataFrame, lanes: str = "actor", selected=()) -> Timeline:
    """The chart of these happenings (`selected` ids start picked, as from a shared link)."""
    frame = happenings_frame(view, lanes)
    low = np.nanmin(frame[["x", "fx"]].to_numpy(dtype=float)) if len(frame) else 0
    high = np.nanmax(frame[["x2", "fx2"]].to_numpy(dtype=float)) if len(frame) else DAY_MS
    first = _focus(frame.drop_duplicates("happening_id")["x"].to_numpy(dtype=float), low, high) if len(frame) else low
    domain = _x_domain(first, high) if first > low else _x_domain(low, high)
    # a mark that begins left of the axis says where it begins, at the axis's edge
    before = frame["x"] < domain[0]
    frame["edge"] = np.where(before, "◀ " + np.where(frame["shape"] == "from", "since ", "") + frame["start_year"], "")
    frame["label"] = np.where(before, frame["edge"] + " · " + frame["label"], frame["label"])
    frame["lx"] = np.fmax(frame["x2"].to_numpy(dtype=float), frame["fx2"].to_numpy(dtype=float))
    row, frame["side"] = _stack(frame, domain)
    # lanes with the most marks first, then by name; a lane's rows together
    marks = frame.groupby("lane")["happening_id"].count()
    order = sorted(marks.index, key=lambda lane: (-marks[lane], lane))
    rows = frame.assign(row=row).groupby("lane")["row"].max()
    slots = [f"{lane}{SLOT}{r}" for lane in order for r in range(rows[lane] + 1)]
    if ROW_PX * len(slots) > MAX_PLOT_PX:  # rows would be squeezed below a label's height: marks alone
        frame["side"] = ""
    frame["slot"] = frame["lane"].astype(str) + SLOT + row.astype(str)
    height = int(np.clip(ROW_PX * len(slots), MIN_PLOT_PX, MAX_PLOT_PX))
    settings = {"height": height, "layer__0__encoding__x__scale__domain": domain}
    for layer in range(len(_happenings_template()["layer"])):  # each layer's y: the union is the order
        settings[f"layer__{layer}__encoding__y__scale__domain"] = slots or ["0"]
    present = set(frame["granularity"])
    for layer in (0, 1, 2):
        settings.update(_precision_settings(present, f"layer__{layer}__encoding__color__scale"))
    if selected:
        settings["params__0__value"] = [{"happening_id": h} for h in selected]
    spec = _patched(_happenings_template(), **settings)
    return Timeline(spec, frame.astype({"lane": str}), False, "", len(frame))


@lru_cache(maxsize=None)
def _counts_template(unit: str) -> dict:
    pick = alt.selection_point(name="pick", fields=["period"], on="click", clear="dblclick")
    chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(f"{'year' if unit == 'year' else 'yearmonth'}(when):T", title=None),
            y=alt.Y("sum(events):Q", title=f"Dated statements per {unit}"),  # shares of longer spans included
            color=alt.Color("granularity:N", title="Precision", scale=alt.Scale(domain=["day"], range=["#0072B2"])),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.4)),
            tooltip=[alt.Tooltip("period:N", title=unit.capitalize()), alt.Tooltip("granularity:N", title="Precision"),
                     alt.Tooltip("sum(events):Q", title="Dated statements", format=",.1f")],
        )
        .add_params(pick)
        .properties(height=320, width="container")
    )
    return _without_data(chart.to_dict())


def aggregated(counts: pd.DataFrame, unit: str, max_marks: int = MAX_MARKS) -> Timeline:
    """Counts per period (from `TableIndex.period_counts`) as stacked bars, by precision."""
    counts = counts.assign(when=epoch_ms(counts["period"]))
    spec = _patched(_counts_template(unit), **_precision_settings(set(counts["granularity"])))
    note = (f"{round(counts['events'].sum()):,} dated statements are too many to draw one by one (more than "
            f"{max_marks:,} marks): the chart shows counts per {unit}, a statement dated to a longer span counting "
            f"a share in each {unit} of it. Click a bar to list its statements; narrow the filters to see each happening.")
    return Timeline(spec, counts, True, note, len(counts))


def prepare() -> None:
    """Write every template now, so that no viewer's first filter change waits for it."""
    _happenings_template()
    for unit in ("month", "year"):
        _counts_template(unit)
