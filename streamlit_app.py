"""Timeline Explorer: the page. It only lays things out; the work is in explorer/."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from explorer import chart, export, filters, render, uploads, workers
from explorer.catalog import Catalog
from explorer.corpus import MAX_DOCUMENT_BYTES, MB
from explorer.events import read_table

ROOT = Path(__file__).resolve().parent
# The table the page opens on: the seeds' by default, or one built beforehand with
# `python -m explorer build ... --out big.parquet` and named in EVENTS_TABLE.
SEED_TABLE = Path(os.environ.get("EVENTS_TABLE") or ROOT / "data" / "events.csv")
SHOWN_PASSAGES = 100
EAGER_DOWNLOAD_ROWS = 2000  # above this, download files are made only when clicked
UPLOAD_TYPES = ["txt", "md", "html", "htm"]

st.set_page_config(page_title="Timeline Explorer", page_icon="🗓️", layout="wide")


@st.cache_resource(show_spinner=False)
def seed_data() -> Catalog:
    """The corpus every reader shares (no reader's data is ever added to it)."""
    catalog = Catalog(read_table(SEED_TABLE))
    chart.prepare()
    # The seeds, the chart schema and the libraries live as long as the server: freezing
    # them keeps Streamlit's full collection after every rerun from walking them each time.
    gc.freeze()
    return catalog


def release(files) -> None:
    """Give Streamlit's copies of uploaded files back at once: the session's own store
    holds what it took, within its limits (Streamlit would keep every file until the
    session ends)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        for f in files:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, f.file_id)
    except Exception:  # an older or newer Streamlit without this: the files go with the session
        pass


def session_catalog(seeds: Catalog, read) -> Catalog:
    """The seeds plus this session's uploads, indexed once per set of results and kept
    in this session only."""
    key = tuple(upload.key() for upload, _ in read)
    kept = st.session_state.get("catalog")
    if kept and kept[0] == key:
        return kept[1]
    catalog = Catalog(uploads.with_corpus(seeds.table, read), seeds.articles + sum(not result.skipped for _, result in read))
    st.session_state["catalog"] = (key, catalog)
    return catalog


def facts_editor(articles: uploads.SessionArticles, read) -> list[str]:
    """The uploads as an editable table: publication date, title, outlet and address per
    file; deleting a row removes the file. Returns notes on values that were refused."""
    shown = pd.DataFrame({
        "file": [u.name for u, _ in read],
        "read": [f"not read: {r.problems[0].reason}" if r.skipped else f"{len(r.rows)} dated"
                 for _, r in read],
        "published": pd.to_datetime([u.facts["published"] or (r.published.isoformat() if r.published else None)
                                     for u, r in read], errors="coerce"),
        **{key: [u.facts[key] for u, _ in read] for key in ("title", "source", "url")},
    })
    edited = st.data_editor(
        shown, key=f"facts-{articles.generation}", hide_index=True, num_rows="delete",
        disabled=["file", "read"],
        column_config={
            "published": st.column_config.DateColumn("published", format="YYYY-MM-DD",
                                                     help="The reference for “last week”: fill it in when the text lacks it"),
            "title": st.column_config.TextColumn("title", max_chars=uploads.MAX_TITLE),
            "source": st.column_config.TextColumn("outlet", max_chars=uploads.MAX_SOURCE),
            "url": st.column_config.TextColumn("address", help="http(s) only"),
        })
    notes, changed = [], False
    for name in set(shown["file"]) - set(edited["file"]):
        articles.remove(name)
        changed = True
    before = shown.set_index("file")
    for row in edited.to_dict("records"):
        was = before.loc[row["file"]]
        facts = {k: row[k] for k in uploads.FACTS if _cell(row[k]) != _cell(was[k])}
        if facts:
            notes += articles.set_facts(row["file"], facts)
            changed = True
    if changed:
        articles.generation += 1  # a fresh editor, showing what was kept
        st.session_state["upload_notes"] = notes
        st.rerun()
    return notes


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value).strip()


def url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in ("actor", "source", "year", "precision", "q")}


# --- data: the seeds, plus what this reader uploads --------------------------------------

seeds = seed_data()
if "articles" not in st.session_state:
    st.session_state["articles"] = uploads.SessionArticles(seeds.table["doc_id"].unique())
articles: uploads.SessionArticles = st.session_state["articles"]
notes: list[str] = st.session_state.get("upload_notes", [])

with st.sidebar:
    st.header("Your articles")
    inbox = st.file_uploader(
        f"Add .txt, .md or .html files (up to {uploads.MAX_FILES} files and {uploads.MAX_SESSION_BYTES // MB} MB; "
        "they stay in this session only)", type=UPLOAD_TYPES, accept_multiple_files=True,
        key=f"inbox-{articles.generation}", max_upload_size=MAX_DOCUMENT_BYTES // MB)
    if inbox:
        st.session_state["upload_notes"] = articles.add([(f.name, f.getvalue) for f in inbox])
        release(inbox)
        articles.generation += 1  # an empty uploader: the files now live in the session's store
        st.rerun()
    read = []
    if articles.uploads:
        bar = st.progress(0.0, text="Reading your articles…")
        read = articles.read(workers.read_isolated,
                             progress=lambda done, total: bar.progress(done / total, text=f"Read {done} of {total}"))
        bar.empty()
        notes = notes + facts_editor(articles, read)

data = session_catalog(seeds, read) if read else seeds
table, opts, index = data.table, data.opts, data.index

st.html(render.STYLE)  # the page's own classes, once
st.title("Timeline Explorer")
st.markdown(data.summary)

problems, repairs = uploads.report(read)
if problems or repairs or notes:
    items = ([("error" if p.skipped else "note", str(p)) for p in problems] + [("note", n) for n in notes]
             + [("info", r) for r in repairs])
    with st.expander(f"{sum(p.skipped for p in problems)} file(s) not read, {len(items)} notice(s)",
                     expanded=len(items) <= 4):
        st.html(render.notices(items))

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
    st.html(render.facet_counts({v: n for v, n in counts[facet_name].items() if v}))


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

if notices:
    st.html(render.notices(("warning", n) for n in notices))

chosen = filters_in_state()
mask = index.mask(chosen)

# --- the timeline: one mark per happening -----------------------------------------------

if not mask.any():
    st.info("No dated statement matches these filters. " + " ".join(filters.relax_hints(index, chosen)), icon="🔎")
    st.stop()

linked, unknown = filters.linked_happenings(st.query_params.get_all("happening"), data.happening_ids)
if unknown:
    st.html(render.notices(("warning", n) for n in unknown))
shown_happenings = data.happenings_in(mask)
if data.marks(shown_happenings, lanes) > chart.MAX_MARKS:
    # too many to draw one by one: counted straight from the index, no rows copied
    timeline = chart.aggregated(*index.period_counts(mask, "granularity"))
    st.caption(timeline.note)
else:
    timeline = chart.happenings_chart(data.view.iloc[shown_happenings], lanes, selected=linked)
picked = st.vega_lite_chart(timeline.data, timeline.spec, on_select="rerun", key="timeline",
                            selection_mode=["pick"] if timeline.aggregated else ["pick", "brush"])
unplaced = int((mask & ~index.resolved).sum())
st.caption("Each mark is one happening, thicker and labelled when several outlets report it; dashed ends are open "
           "(“since” still going, “until” with its start untold); “!” marks sources that disagree on the date. "
           "Click a mark for every source's passage, or drag along the time axis; double-click to clear. "
           "Scroll to zoom, shift-drag to pan."
           + (f" {unplaced} statement(s) without a resolved date are listed below but not drawn." if unplaced else ""))

selection = picked.selection if picked and any(picked.selection.values()) else None
chosen_happenings = filters.selected_happenings(selection) if selection else linked
if selection is not None and chosen_happenings != linked:
    st.query_params["happening"] = chosen_happenings  # the URL holds the selected happening too
shown = None
if chosen_happenings:
    positions = data.mentions_of(chosen_happenings)
    shown = table.iloc[positions]
elif selection:
    shown = filters.selected_events(table[mask], selection)
    positions = table.index.get_indexer(shown.index) if shown is not None else None
if shown is None:
    positions = np.flatnonzero(mask)
count = len(positions)


def shown_table() -> pd.DataFrame:
    return table[mask] if shown is None else shown


# --- passages and downloads --------------------------------------------------------------

left, right = st.columns([3, 1])
with left:
    if chosen_happenings:
        st.subheader(f"{count} passage(s) from every source on the selected happening(s)")
    elif shown is not None:
        st.subheader(f"{count} statement(s) selected on the chart")
    else:
        st.subheader(f"{count} dated statement(s)")
    st.html("".join(data.cards(positions[:SHOWN_PASSAGES])))
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
    st.download_button("TimelineJS (JSON)", made(lambda t: export.to_timelinejs(t, group=lanes)), "timeline.json",
                       "application/json")
