"""Timeline Explorer: the page. It only lays things out; the work is in explorer/."""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from explorer import chart, export, filters, render
from explorer.catalog import Catalog
from explorer.corpus import build_document, safe_name
from explorer.events import build_table, read_table, sort_events

ROOT = Path(__file__).resolve().parent
# The table the page opens on: the seeds' by default, or one built beforehand with
# `python -m explorer build ... --out big.parquet` and named in EVENTS_TABLE.
SEED_TABLE = Path(os.environ.get("EVENTS_TABLE") or ROOT / "data" / "events.csv")
SHOWN_PASSAGES = 100
EAGER_DOWNLOAD_ROWS = 2000  # above this, download files are made only when clicked
UPLOAD_TYPES = ["txt", "md", "html", "htm"]
MAX_UPLOAD_FILES = 200
MAX_SESSION_BYTES = 50 * 1024 * 1024  # all uploads of one session together

st.set_page_config(page_title="Timeline Explorer", page_icon="🗓️", layout="wide")


@st.cache_resource(show_spinner=False)
def seed_data() -> Catalog:
    catalog = Catalog(read_table(SEED_TABLE))
    chart.prepare()
    # The seeds, the chart schema and the libraries live as long as the server: freezing
    # them keeps Streamlit's full collection after every rerun from walking them each time.
    gc.freeze()
    return catalog


@st.cache_data(show_spinner=False, max_entries=2000)
def uploaded_events(name: str, data: bytes, published: date | None):
    """One uploaded file's events, or the reason it could not be read."""
    try:
        doc = build_document(name, data, {"published": published.isoformat() if published else ""})
    except ValueError as exc:
        return None, str(exc), None, []
    table, slow = build_table([doc])
    if slow:
        return None, slow[0].reason, None, []
    return table, None, doc.published, doc.repairs


def read_uploads(files, dates: dict[str, date | None]):
    tables, problems, found, repairs = [], [], {}, []
    total = 0
    bar = st.progress(0.0, text="Reading your articles…") if len(files) > 3 else None
    for i, f in enumerate(files[:MAX_UPLOAD_FILES]):
        name = safe_name(f.name)
        data = f.getvalue()
        total += len(data)
        if total > MAX_SESSION_BYTES:
            problems.append(f"{name}: over the {MAX_SESSION_BYTES // 2**20} MB this session holds; not read")
            continue
        table, problem, published, fixed = uploaded_events(name, data, dates.get(name))
        if problem:
            problems.append(f"{name}: {problem}")
        else:
            tables.append(table)
            found[name] = published
            repairs += [f"{name}: {r}" for r in fixed]
        if bar:
            bar.progress((i + 1) / len(files), text=f"Read {i + 1} of {len(files)} files")
    if len(files) > MAX_UPLOAD_FILES:
        problems.append(f"only the first {MAX_UPLOAD_FILES} files were read")
    if bar:
        bar.empty()
    return tables, problems, found, repairs


def url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in ("actor", "source", "year", "precision", "q")}


# --- data: the seeds, plus what the user uploads --------------------------------------

with st.sidebar:
    st.header("Your articles")
    uploads = st.file_uploader("Add .txt, .md or .html files (they stay in this session only)",
                               type=UPLOAD_TYPES, accept_multiple_files=True)
    dates = st.session_state.setdefault("upload_dates", {})
    tables, problems, found, repairs = read_uploads(uploads or [], dates)
    if uploads:
        st.caption("Publication dates (the reference for “last week”); fill in the ones the text does not carry.")
        edited = st.data_editor(
            pd.DataFrame({"file": list(found), "published": [found[n] for n in found]}),
            column_config={"published": st.column_config.DateColumn("published", format="YYYY-MM-DD")},
            disabled=["file"], hide_index=True, key="upload_dates_editor")
        changed = {r.file: (r.published if pd.notna(r.published) else None) for r in edited.itertuples()}
        changed = {k: (v.date() if hasattr(v, "date") and not isinstance(v, date) else v) for k, v in changed.items()}
        if any(changed[n] != found[n] for n in changed):
            dates.update(changed)
            st.rerun()

@st.cache_resource(show_spinner=False, max_entries=20)
def with_uploads(key: tuple, _tables: list[pd.DataFrame]) -> Catalog:
    """The seeds plus a session's uploads, indexed once per set of uploads (`key` names them)."""
    seeds = seed_data().table
    return Catalog(sort_events(pd.concat([seeds, *_tables], ignore_index=True)),
                   seeds["doc_id"].nunique() + len(_tables))


data = with_uploads(tuple(tuple(t["event_id"]) for t in tables), tables) if tables else seed_data()
table, opts, index = data.table, data.opts, data.index

st.title("Timeline Explorer")
st.markdown(data.summary)

if problems or repairs:
    with st.expander(f"{len(problems)} file(s) not read, {len(repairs)} repair(s)", expanded=len(problems) + len(repairs) <= 4):
        for line in problems:
            st.error(render.escape_markdown(line))
        for line in repairs:
            st.text(line)

# --- filters, every one in the URL -------------------------------------------------

from_url, notices = filters.validate_params(url_params(), opts)


def filters_in_state() -> filters.Filters:
    """The view the widgets hold; before they exist, the URL's. The full year range filters nothing."""
    state = st.session_state
    years = tuple(state["year"]) if "year" in state else from_url.years
    return filters.Filters(
        actors=tuple(state.get("actor", from_url.actors)), sources=tuple(state.get("source", from_url.sources)),
        years=None if years == opts.years else years,
        precision=tuple(state.get("precision", from_url.precision)), q=state.get("q", from_url.q))


counts = index.all_facet_counts(filters_in_state())


def facet(label: str, values: list[str], key: str, facet_name: str, placeholder: str) -> None:
    """A multi-select bound to the URL, with each value's count listed under it.

    Counts stay out of the option labels: a bound widget's URL holds its labels."""
    st.multiselect(label, values, key=key, bind="query-params", placeholder=placeholder)
    found = counts[facet_name]
    listed = sorted(found, key=lambda v: (-found[v], v))
    st.caption(" · ".join(f"{render.escape_markdown(v)} **{found[v]}**" for v in listed if v) or "no events")


with st.sidebar:
    st.header("Filters")
    facet("Actor", opts.actors, "actor", "actors", "Everyone")
    facet("Source", opts.sources, "source", "sources", "Every outlet")
    if opts.years[0] < opts.years[1]:
        st.slider("Years", opts.years[0], opts.years[1], value=opts.years, key="year", bind="query-params")
    facet("Precision", opts.precision, "precision", "precision", "Any precision")
    st.text_input("Search the passages", key="q", bind="query-params", max_chars=filters.MAX_QUERY_LENGTH)
    st.header("View")
    lanes = st.radio("Lanes", list(chart.LANES), format_func=chart.LANES.get, horizontal=True, key="lanes")
    colour = st.radio("Colour", list(chart.COLOURS), format_func=chart.COLOURS.get, horizontal=True, key="colour")

for notice in notices:
    st.warning(render.escape_markdown(notice))

chosen = filters_in_state()
mask = index.mask(chosen)

# --- the timeline ----------------------------------------------------------------------

if not mask.any():
    st.info("No dated statement matches these filters. " + " ".join(filters.relax_hints(index, chosen)), icon="🔎")
    st.stop()

if index.marks(mask, lanes) > chart.MAX_MARKS:
    # too many to draw one by one: counted straight from the index, no rows copied
    timeline = chart.aggregated(*index.period_counts(mask, colour), colour)
    st.caption(timeline.note)
else:
    timeline = chart.events_chart(table[mask], lanes, colour)
picked = st.vega_lite_chart(timeline.data, timeline.spec, on_select="rerun", key="timeline",
                         selection_mode=["pick"] if timeline.aggregated else ["pick", "brush"])
unplaced = int((mask & ~index.resolved).sum())
st.caption("Click a mark or drag along the time axis to select; double-click to clear. "
           "Scroll to zoom, shift-drag to pan." + (f" {unplaced} statement(s) without a resolved date are listed below but not drawn." if unplaced else ""))

selection = picked.selection if picked and any(picked.selection.values()) else None
shown = filters.selected_events(table[mask], selection) if selection else None
positions = np.flatnonzero(mask) if shown is None else table.index.get_indexer(shown.index)
count = len(positions)


def shown_table() -> pd.DataFrame:
    return table[mask] if shown is None else shown


# --- passages and downloads --------------------------------------------------------------

left, right = st.columns([3, 1])
with left:
    if shown is not None:
        st.subheader(f"{count} statement(s) selected on the chart")
    else:
        st.subheader(f"{count} dated statement(s)")
    st.html(render.STYLE + "".join(data.cards(positions[:SHOWN_PASSAGES])))
    if count > SHOWN_PASSAGES:
        st.caption(f"The first {SHOWN_PASSAGES} of {count} are shown; narrow the filters or download them all.")
with right:
    st.subheader("Download")
    # a large view's files are made on click, not on every rerun
    lazy = count > EAGER_DOWNLOAD_ROWS

    def made(to_bytes):
        return (lambda: to_bytes(shown_table())) if lazy else to_bytes(shown_table())

    st.download_button("Events (CSV)", made(export.to_csv), "events.csv", "text/csv")
    st.download_button("Events (JSON)", made(export.to_json), "events.json", "application/json")
    st.download_button("TimelineJS (JSON)", made(export.to_timelinejs), "timeline.json", "application/json")
