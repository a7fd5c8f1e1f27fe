"""Timeline Explorer: the page. It only lays things out; the work is in explorer/."""

from __future__ import annotations

import gc
import math
import os
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from explorer import chart, collector, corrections, export, filters, render, uploads, workers
from explorer.actors import KINDS, Actor, actor_spans, actors_csv, load_actors
from explorer.corpus import MAX_DOCUMENT_BYTES, MB, load_folder, safe_name
from explorer.events import MENTION_COLUMNS, read_table
from explorer.store import (TABLE_COLUMNS, Store, describe_event, describe_happening, document_labels, open_store,
                            sorted_table, table_view)
from explorer.store.memory import MemoryStore

ROOT = Path(__file__).resolve().parent
# The table the page opens on: the seeds' by default, or one built beforehand with
# `python -m explorer build ... --out big.parquet [--happenings view.parquet] [--texts texts.parquet]`
# and named in EVENTS_TABLE (EVENTS_HAPPENINGS: its happenings view, needed from
# store.LARGE_TABLE_ROWS statements on; EVENTS_TEXTS, for reading whole articles).
BUILT_TABLE = os.environ.get("EVENTS_TABLE") or None  # set but empty is not set, as in a shell
BUILT_HAPPENINGS = os.environ.get("EVENTS_HAPPENINGS") or None
BUILT_TEXTS = os.environ.get("EVENTS_TEXTS") or None
# The example corpora a reader can open (`?corpus=`; the seeds when the URL names none):
# their tables built with `python -m explorer build`, and the folders of their texts.
CORPORA = {
    "seeds": ("Belarus 2020 (5 articles)", ROOT / "data" / "events.csv", ROOT / "seeds"),
    "corroboration": ("5 stories, 4 outlets each",
                      ROOT / "data" / "corroboration_events.csv", ROOT / "data" / "corroboration"),
}
PAGE_SIZE = 50  # passages a page
TABLE_PAGE_SIZE = 100  # rows a page of the table view
DOWNLOAD_ROWS = 200_000  # statements a download holds at most (the first, by date)
ARTICLE_CHOICES = 2_000  # articles the article view lists at most (by label), besides the linked one
EAGER_DOWNLOAD_ROWS = 2000  # above this, download files are made only when clicked
UPLOAD_TYPES = ["txt", "md", "html", "htm", "csv"]
VIEWS = ["Passages", "Table", "Article"]
SUGGEST_DOCUMENTS = 200  # articles read for names the actor list lacks, at most
SOURCE_CELL = MENTION_COLUMNS.index("source")
FACET_BUTTONS = 6  # a facet's most frequent values, as buttons that filter; the rest listed with their counts

st.set_page_config(page_title="Timeline Explorer", page_icon="🗓️", layout="wide")


@st.cache_resource(show_spinner=False)
def seed_data(path: Path, happenings_path: str | None, texts_path: str | None,
              folder: Path | None) -> tuple[Store, dict[str, tuple[str, str]]]:
    """A corpus every reader shares (no reader's data is ever added to it) and its texts
    (from a built texts table, or read again from the folder the table was built from)."""
    store = open_store(path, happenings_path)
    if texts_path and not isinstance(store, MemoryStore):  # asked for one article at a time
        from explorer.store.duckdb import ParquetTexts

        texts = ParquetTexts(texts_path)
    elif texts_path:
        texts = {r.doc_id: (r.text, r.title) for r in read_table(texts_path).itertuples()}
    elif folder:
        texts = {d.doc_id: (d.text, d.title) for d in load_folder(folder).documents}
    else:
        texts = {}
    chart.prepare()
    # The seeds, the chart schema and the libraries live as long as the server: freezing
    # them keeps Streamlit's full collection after every rerun from walking them each time.
    gc.freeze()
    return store, texts


@st.cache_resource(show_spinner=False)
def collector_thread():
    """Once a server: a closed session's data goes back even while nobody is reading."""
    return collector.collect_every()


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


def session_store(seeds: MemoryStore, read, fixes: dict, added: list[Actor], texts: dict) -> tuple[MemoryStore, list[str]]:
    """The seeds plus this session's uploads, corrections and actors, laid out in a reader's
    worker (grouping costs in proportion to the whole table), indexed once per change and
    kept in this session only; with notes on what could not be used. Work stopped by the
    worker's limits leaves the seeds and says so."""
    key = (tuple(upload.key() for upload, _ in read), tuple(fixes.items()), tuple(added))
    kept = st.session_state.get("store")
    if kept and kept[0] == key:
        return kept[1], kept[2]
    rows, notes = uploads.combined_rows(read)
    try:
        table, problems = workers.run_isolated("session_table", seeds.table, rows, dict(fixes), tuple(added),
                                               texts if added else None)
        store = MemoryStore(table, seeds.articles + sum(not result.skipped for _, result in read))
        notes += problems
    except workers.WorkFailed as failed:
        store = seeds
        notes.append(f"Your articles, corrections and actors together: laying them out {failed.reason()}; "
                     "the page shows the shared articles alone. Remove some files to see yours.")
    st.session_state["store"] = (key, store, notes)
    return store, notes


def facts_editor(articles: uploads.SessionArticles, read) -> list[str]:
    """The uploads as an editable table: publication date, title, outlet and address per
    file; deleting a row removes the file. Returns notes on values that were refused."""
    shown = pd.DataFrame({
        "file": [u.name for u, _ in read],
        "read": [f"not read: {r.problems[0].reason}" if r.skipped else f"{len(r.rows)} dated"
                 for _, r in read],
        "published": pd.to_datetime([u.facts["published"] or (r.published.isoformat() if r.published else None)
                                     for u, r in read], errors="coerce"),
        **{key: [u.facts[key] for u, _ in read] for key in ("title", "url")},
        # the outlet the file itself names (its page's metadata, a wire dateline, ...) until the reader types one
        "source": [u.facts["source"] or (r.rows[0][SOURCE_CELL] if r.rows else "") for u, r in read],
    })[["file", "read", "published", "title", "source", "url"]]
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


def day_or_none(iso: str) -> date | None:
    """A table's YYYY-MM-DD as a date; anything else (a table built elsewhere) as no date."""
    try:
        return date.fromisoformat(iso) if len(iso) == 10 else None
    except (TypeError, ValueError):
        return None


def url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in ("actor", "source", "year", "precision", "q")}


def set_param(key: str, values) -> None:
    """Put a view's state in the link (empty: take it out)."""
    if values:
        st.query_params[key] = values
    elif key in st.query_params:
        del st.query_params[key]


# --- data: the seeds, plus what this reader uploads, corrects and adds -----------------------

def switch_corpus() -> None:
    """Another example corpus: its own view, from no filters (its actors and years are others)."""
    chosen = st.session_state["corpus-pick"]
    for key in ("actor", "source", "precision"):
        st.session_state[key] = []
    st.session_state["q"] = ""
    st.session_state["year"] = seed_data(CORPORA[chosen][1], None, None, CORPORA[chosen][2])[0].opts.years
    for key in ("page", "table-page"):
        if key in st.session_state:
            st.session_state[key] = 1
    for key in ("happening", "doc"):
        set_param(key, [])
    set_param("corpus", [] if chosen == "seeds" else [chosen])


corpus_notes = []
if BUILT_TABLE:
    corpus = None
    try:
        seeds, seed_texts = seed_data(Path(BUILT_TABLE), BUILT_HAPPENINGS, BUILT_TEXTS, None)
    except Exception as failed:  # a table the server was started with that cannot be opened: said in one line
        st.error(render.escape_markdown(f"The table in EVENTS_TABLE cannot be opened: {failed}"))
        st.stop()
else:
    corpus = st.query_params.get("corpus", "seeds")
    if corpus not in CORPORA:
        corpus_notes.append(f"There is no example corpus “{corpus}”: showing the seeds ({', '.join(CORPORA)} are).")
        corpus = "seeds"
        del st.query_params["corpus"]
    seeds, seed_texts = seed_data(CORPORA[corpus][1], None, None, CORPORA[corpus][2])
collector_thread()
if "articles" not in st.session_state:
    st.session_state["articles"] = uploads.SessionArticles()
articles: uploads.SessionArticles = st.session_state["articles"]
# a reader's articles, corrections and actors are laid out with the shared table in memory: a
# table asked through DuckDB (too large for that) is read as it is
own_work = isinstance(seeds, MemoryStore)
if own_work and st.session_state.get("articles-beside") != corpus:  # an upload may not take an id the corpus has
    articles.taken_ids.update(seeds.table["doc_id"].unique())
    st.session_state["articles-beside"] = corpus
notes: list[str] = st.session_state.get("upload_notes", []) + corpus_notes
fixes: dict = st.session_state.setdefault("corrections", {})
added_actors: list[Actor] = st.session_state.setdefault("added_actors", [])

with st.sidebar:
    if corpus:
        st.selectbox("Corpus", list(CORPORA), index=list(CORPORA).index(corpus), format_func=lambda c: CORPORA[c][0],
                     key="corpus-pick", on_change=switch_corpus,
                     help="The articles every reader shares; your own join whichever you choose")
    st.header("Your articles")
    if not own_work:
        st.caption(f"This table holds {seeds.rows:,} dated statements, more than the page lays out beside a "
                   "reader's own articles: build yours into it with `python -m explorer build`.")
    inbox = own_work and st.file_uploader(
        f"Add .txt, .md or .html files, and a manifest.csv with their facts (up to {uploads.MAX_FILES} files and "
        f"{uploads.MAX_SESSION_BYTES // MB} MB; they stay in this session only)", type=UPLOAD_TYPES,
        accept_multiple_files=True, key=f"inbox-{articles.generation}", max_upload_size=MAX_DOCUMENT_BYTES // MB)
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

upload_texts = {r.doc_id: (r.text, u.facts["title"]) for u, r in read if not r.skipped}
texts = {**seed_texts, **upload_texts} if upload_texts else seed_texts  # a big table's: asked per article
data, layout_notes = (session_store(seeds, read, fixes, added_actors, texts) if (read or fixes or added_actors)
                      else (seeds, []))
notes = notes + layout_notes
opts = data.opts

# --- filters, every one in the URL -------------------------------------------------------------

from_url, notices = filters.validate_params(url_params(), opts)


def filters_in_state() -> filters.Filters:
    """The view the widgets hold; before they exist, the URL's. The full year range filters nothing."""
    state = st.session_state
    years = tuple(state["year"]) if "year" in state else from_url.years
    return filters.Filters(
        actors=tuple(state.get("actor", from_url.actors)), sources=tuple(state.get("source", from_url.sources)),
        years=None if years == opts.years else years,
        precision=tuple(state.get("precision", from_url.precision)), q=state.get("q", from_url.q))


def add_to_filter(key: str, picker: str) -> None:
    """A facet count clicked: its value joins the filter."""
    value = st.session_state.get(picker)
    if value:
        st.session_state[key] = list(dict.fromkeys([*st.session_state.get(key, []), value]))
    st.session_state[picker] = None


def clear_filters() -> None:
    for key in ("actor", "source", "precision"):
        st.session_state[key] = []
    st.session_state["q"] = ""
    st.session_state["year"] = opts.years


counts = data.facet_counts(filters_in_state())


def facet(label: str, values: list[str], key: str, facet_name: str, placeholder: str, empty: str) -> None:
    """A multi-select bound to the URL, with each value's count under it as a button that adds
    it to the filter (as Datasette's facets do).

    Counts stay out of the option labels: a bound widget's URL holds its labels."""
    st.multiselect(label, values, key=key, bind="query-params", placeholder=placeholder)
    found = counts[facet_name]
    listed = sorted((v for v in found if v and v not in st.session_state.get(key, [])), key=lambda v: (-found[v], v))
    if listed:
        st.pills(f"{label} counts", listed[:FACET_BUTTONS], format_func=lambda v: f"{render.escape_markdown(render.short(v))} · {found[v]}", key=f"{key}-counts",
                 label_visibility="collapsed", on_change=add_to_filter, args=(key, f"{key}-counts"))
    rest = {v: found[v] for v in listed[FACET_BUTTONS:]}
    if found.get(""):
        rest[empty] = found[""]
    if rest or not listed:
        st.html(render.facet_counts(rest))


with st.sidebar:
    st.header("Filters")
    facet("Actor", opts.actors, "actor", "actors", "Everyone", "(no actor named)")
    facet("Outlet", opts.sources, "source", "sources", "Every outlet", "(unknown outlet)")
    if opts.years[0] < opts.years[1]:
        # the value comes from the session once it holds one ("Clear the filters" sets it)
        st.slider("Years", opts.years[0], opts.years[1], key="year", bind="query-params",
                  **({} if "year" in st.session_state else {"value": opts.years}))
    facet("Precision", opts.precision, "precision", "precision", "Any precision", "(none)")
    st.text_input("Search the passages", key="q", bind="query-params", max_chars=filters.MAX_QUERY_LENGTH)
    st.header("View")
    lanes = st.radio("Lanes", list(chart.LANES), format_func=chart.LANES.get, horizontal=True, key="lanes",
                     bind="query-params")

chosen = filters_in_state()
shown = data.counts(chosen)

# --- what the page shows, in one line --------------------------------------------------------------

st.html(render.STYLE)  # the page's own classes, once
st.title("Timeline Explorer")
in_force = filters.describe(chosen)
st.markdown(f"**Showing {shown.statements:,} of {render.plural(data.rows, 'dated statement')}, "
            f"{render.plural(shown.happenings, 'happening')}, from {shown.documents:,} of "
            f"{render.plural(data.articles, 'article')}** · {render.plural(len(opts.actors), 'actor')} · "
            + (f"dates from {data.span_words[0]} to {data.span_words[1]}" if data.span_words else "no dates"))
if not st.query_params:  # empty when Streamlit dropped an oversized link, which only the browser sees
    st.html(render.DROPPED_LINK, unsafe_allow_javascript=True)
if in_force:
    left, right = st.columns([5, 1])
    left.html(render.notices([("info", "Filtered to " + "; ".join(in_force) + ".")]))
    right.button("Clear the filters", on_click=clear_filters, width="stretch")

if read:  # full width: the sidebar had room for the file name and little else
    with st.expander(f"Your articles ({len(read)}): publication date, title, outlet and address; "
                     "delete a row to remove the file", expanded=True):
        notes = notes + facts_editor(articles, read)

problems, repairs = uploads.report(read)
if problems or repairs or notes:
    items = ([("error" if p.skipped else "note", str(p)) for p in problems] + [("note", n) for n in notes]
             + [("info", r) for r in repairs])
    with st.expander(f"{render.plural(sum(p.skipped for p in problems), 'file')} not read, "
                     f"{render.plural(len(items), 'notice')}",
                     expanded=len(items) <= 4):
        st.html(render.notices(items))
if notices:
    st.html(render.notices(("warning", n) for n in notices))

# --- the timeline: one mark per happening -----------------------------------------------------

if not shown.statements:
    st.info("No dated statement matches these filters. " + " ".join(data.relax_hints(chosen)), icon="🔎")
    st.stop()

asked = st.query_params.get_all("happening")[:filters.MAX_PARAM_VALUES]
linked, unknown = filters.linked_happenings(asked, set(data.happening_rows(asked)["happening_id"]))
linked_event = st.query_params.get("event")
linked_row = data.event(linked_event) if linked_event else None
if linked_event and not len(linked_row):
    unknown.append(f"Unknown event “{linked_event[:filters.MAX_PARAM_LENGTH]}” in the link was ignored.")
    linked_event = None
if unknown:
    st.html(render.notices(("warning", n) for n in unknown))
if linked_event and not linked:
    linked = [linked_row["happening_id"].iloc[0]]

drawn = None  # the happenings drawn, one mark each (and lane)
if data.marks(chosen, lanes) > chart.MAX_MARKS:
    # too many to draw one by one: counted by the store, no rows copied
    timeline = chart.aggregated(*data.period_counts(chosen))
    st.caption(timeline.note)
else:
    drawn = data.happenings(chosen)
    timeline = chart.happenings_chart(drawn, lanes, selected=linked)
picked = st.vega_lite_chart(timeline.data, timeline.spec, on_select="rerun", key="timeline",
                            selection_mode=["pick"] if timeline.aggregated else ["pick", "brush"])
unplaced = shown.undated
if timeline.aggregated:
    st.caption("Click a bar to list the statements it counts; double-click to clear. Scroll to zoom, shift-drag to pan."
               + (f" {render.plural(unplaced, 'statement')} without a resolved date are listed but not counted." if unplaced else ""))
else:
    st.caption("Each mark is one happening, thicker and labelled when several outlets report it; dashed ends are open "
               "(“since” still going, “until” with its start untold); “!” marks sources that disagree on the date. "
               "Click a mark for every source's passage, or drag along the time axis; double-click to clear. "
               "Scroll to zoom, shift-drag to pan."
               + (f" {render.plural(unplaced, 'statement')} without a resolved date are listed below but not drawn."
                  if unplaced else ""))

selection = picked.selection if picked and any(picked.selection.values()) else None
chosen_happenings = filters.selected_happenings(selection) if selection else linked
if selection is not None and chosen_happenings != linked:
    set_param("happening", chosen_happenings)  # the URL holds the selected happening too
    set_param("event", [])


def pick_happening() -> None:
    """A happening chosen from the list (the keyboard's way to a mark)."""
    value = st.session_state.get("happening-pick")
    set_param("happening", [value] if value else [])
    set_param("event", [])


if drawn is not None:
    # the marks, for a keyboard or a screen reader: the same choice as a click on the chart
    happening_lines = {h.happening_id: describe_happening(h) for h in drawn.itertuples(index=False)}
    choices = list(happening_lines)
    st.selectbox("Go to a happening", ["", *choices], key="happening-pick",
                 index=choices.index(chosen_happenings[0]) + 1 if chosen_happenings and chosen_happenings[0] in choices else 0,
                 format_func=lambda h: happening_lines.get(h, "every happening shown"),
                 on_change=pick_happening)

listed = None  # the statements listed, when they are not the whole view (which is asked a page at a time)
heading = None
if linked_event and chosen_happenings == linked:
    listed = linked_row
    heading = "The linked dated statement (click its happening for every source)"
elif chosen_happenings:
    listed = data.mentions_of(chosen_happenings)
    heading = f"{render.plural(len(listed), 'passage')} from every source on the selected happening"
elif selection:
    listed = data.selected(chosen, selection)
    if listed is not None:
        heading = f"{render.plural(len(listed), 'dated statement')} selected on the chart"
total = shown.statements if listed is None else len(listed)
if heading is None:
    heading = render.plural(total, "dated statement")


def listed_rows(start: int, stop: int) -> pd.DataFrame:
    """The statements listed from `start` to `stop`, in table order."""
    return listed.iloc[start:stop] if listed is not None else data.events(chosen, start, stop - start)


def paged(total: int, key: str, size: int) -> slice:
    """The rows of this page of `total` (the page number in the URL as `key`)."""
    pages = max(math.ceil(total / size), 1)
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = 1  # the filters changed under it
    if pages == 1:
        return slice(0, total)
    page = st.number_input(f"Page (of {pages})", 1, pages, key=key, bind="query-params", step=1)
    return slice((page - 1) * size, min(page * size, total))


# A card's "whole article" link opens the shared corpus's article with the view's filters kept.
# Following a link reloads the page, which starts a new session: a reader with articles,
# corrections or actors of their own would lose them, so their cards send them to the Article
# view above instead (which switches in place).
own_data = bool(read or fixes or added_actors)
linked_docs = set() if own_data else seed_texts
keep = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)
                  if k not in ("view", "doc", "event", "happening", "page", "table-page")])

# --- passages, the table, or one article -------------------------------------------------------------

if st.query_params.get("view") not in (None, *VIEWS):
    st.html(render.notices([("warning", f"Unknown view “{st.query_params['view'][:filters.MAX_PARAM_LENGTH]}” "
                                        "in the link was ignored; showing the passages.")]))
    del st.query_params["view"]
main, side = st.columns([3, 1])
with main:
    view = st.segmented_control("View", VIEWS, key="view", bind="query-params", default="Passages",
                                label_visibility="collapsed") or "Passages"
    if view == "Passages":
        st.subheader(heading)
        if own_data:
            st.caption("To read a whole article, choose the Article view above: a link would reload the page "
                       "and lose your articles, corrections and actors.")
        rows = paged(total, "page", PAGE_SIZE)
        st.html("".join(data.cards(listed_rows(rows.start, rows.stop), chosen.q, linked_docs, keep)))
    elif view == "Table":
        kind = st.radio("One row a", ["happening", "dated statement"], key="rows", bind="query-params", horizontal=True)
        columns = TABLE_COLUMNS[kind]
        sort = st.selectbox("Sort by", columns, index=columns.index("date_start"), key="sort", bind="query-params")
        descending = st.toggle("Descending", key="desc", bind="query-params")
        if listed is None:  # the whole view: sorted and paged by the store
            _, size = data.table_page(chosen, kind, sort, descending, 0, 0)
            rows = paged(size, "table-page", TABLE_PAGE_SIZE)
            page, _ = data.table_page(chosen, kind, sort, descending, rows.start, rows.stop - rows.start)
        else:
            frame = sorted_table(table_view(data, kind, listed), sort, descending)
            size = len(frame)
            rows = paged(size, "table-page", TABLE_PAGE_SIZE)
            page = frame.iloc[rows]
        st.caption(f"Rows {rows.start + 1}–{rows.stop} of {size:,}. Select rows to read their passages below.")
        picked_rows = st.dataframe(page, hide_index=True, on_select="rerun", selection_mode="multi-row",
                                   key="table-rows", width="stretch")
        chosen_rows = page.iloc[picked_rows.selection.rows] if picked_rows and picked_rows.selection.rows else None
        if chosen_rows is not None and len(chosen_rows):
            selected = (data.mentions_of(list(chosen_rows["happening_id"])) if kind == "happening"
                        else data.events_by_id(list(chosen_rows["event_id"])))
            st.subheader(render.plural(len(selected), "passage") + " of the selected rows")
            st.html("".join(data.cards(selected.iloc[:PAGE_SIZE], chosen.q, linked_docs, keep)))
    else:
        documents = data.documents(ARTICLE_CHOICES)
        wanted = st.query_params.get("doc")
        if wanted and wanted not in documents.index:  # a linked article beyond the list
            documents = pd.concat([document_labels(data.document(wanted).iloc[:1]), documents])
        doc_ids = list(documents.index)
        doc = st.selectbox("Article", doc_ids, index=doc_ids.index(wanted) if wanted in doc_ids else 0,
                           format_func=lambda d: documents.loc[d, "label"], key="article-pick")
        set_param("doc", [doc])
        in_doc = data.document(doc)
        if doc in texts:
            text, _ = texts[doc]
            st.html(render.article(text, list(zip(in_doc["mention_start"], in_doc["mention_end"], in_doc["event_id"])),
                                   actor_spans(text, added_actors)))
        else:
            st.info("This table was built without its texts: build it with --texts and name the file in "
                    "EVENTS_TEXTS to read whole articles. Its dated statements:")
        st.subheader(render.plural(len(in_doc), "dated statement") + " in this article")
        st.html("".join(data.cards(in_doc, chosen.q, linked_docs, keep)))

with side:
    st.subheader("Download")
    # a large view's files are made on click, not on every rerun
    lazy = total > EAGER_DOWNLOAD_ROWS
    if total > DOWNLOAD_ROWS:
        st.caption(f"The first {DOWNLOAD_ROWS:,} of {total:,} dated statements (by date).")

    def made(to_bytes):
        return (lambda: to_bytes(listed_rows(0, DOWNLOAD_ROWS))) if lazy else to_bytes(listed_rows(0, DOWNLOAD_ROWS))

    st.download_button("Events (CSV)", made(export.to_csv), "events.csv", "text/csv")
    st.download_button("Events (JSON)", made(export.to_json), "events.json", "application/json")
    st.download_button("TimelineJS (JSON)", made(lambda t: export.to_timelinejs(t, group=lanes)), "timeline.json",
                       "application/json")


# Full width, below the view: a form in the narrow download column cut statements and names.
# The expanders' labels do not change, so they stay open across saves.
if own_work:
    work_left, work_right = st.columns(2)
    with work_left.expander("Corrections", expanded=bool(fixes)):
        st.caption(f"{render.plural(len(fixes), 'correction')} in this session.")
        st.caption("Fix a date, a precision or the actors of a dated statement, or drop it. Corrections stay in this "
                   "session; download them to keep them (`python -m explorer build --corrections FILE` applies them).")
        candidates = {r.event_id: describe_event(r) for r in listed_rows(0, 200).itertuples(index=False)}
        if candidates:
            with st.form("correct"):
                event = st.selectbox("Dated statement", list(candidates), format_func=candidates.get)
                row = next(data.event(event).itertuples(index=False))
                start = st.date_input("From", value=day_or_none(row.date_start),
                                      min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
                end = st.date_input("To", value=day_or_none(row.date_end),
                                    min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
                precision = st.selectbox("Precision", filters.PRECISION_ORDER,
                                         index=filters.PRECISION_ORDER.index(row.granularity)
                                         if row.granularity in filters.PRECISION_ORDER else 1)
                named = [a for a in row.actors.split(" | ") if a]
                who = st.multiselect("Actors", sorted(set(opts.actors) | {a.name for a in added_actors}), default=named)
                drop = st.checkbox("Drop it: it is no dated statement")
                if st.form_submit_button("Save the correction"):
                    fix = corrections.Correction(event, start.isoformat() if start else "", end.isoformat() if end else "",
                                                 precision, tuple(who) if set(who) != set(named) else None, drop)
                    why = corrections.check(fix)
                    if why:
                        st.html(render.notices([("error", f"Not saved: {why}.")]))
                    else:
                        fixes[event] = fix
                        st.rerun()
        if fixes:
            st.download_button("Corrections (CSV)", corrections.to_csv(fixes), corrections.FILE, "text/csv")
            # a correction can always be taken back, whatever it did to the table
            undo = st.selectbox("Undo a correction", list(fixes), key="undo-pick",
                                format_func=lambda e: describe_event(next(data.event(e).itertuples(index=False)))
                                if len(data.event(e)) else f"{e} (no such dated statement)")
            if st.button("Undo it"):
                fixes.pop(undo, None)
                st.rerun()
        # a fresh key after every file read: the uploader empties, and a file that adds nothing
        # cannot make the page rerun for as long as it sits in the widget
        loaded = st.file_uploader("Load corrections (CSV)", type=["csv"],
                                  key=f"fixes-{st.session_state.get('fixes-generation', 0)}")
        if loaded:
            found, trouble = corrections.read(loaded.getvalue()[:MAX_DOCUMENT_BYTES], name=safe_name(loaded.name))
            release([loaded])
            new = {k: v for k, v in found.items() if fixes.get(k) != v}
            room = max(corrections.MAX_CORRECTIONS - len(fixes), 0)
            fresh = [k for k in new if k not in fixes]
            for k in fresh[room:]:
                del new[k]
            fixes.update(new)
            said = [str(p) for p in trouble]
            if len(fresh) > room:
                said.append(f"{safe_name(loaded.name)}: a session holds at most {corrections.MAX_CORRECTIONS:,} "
                            f"corrections; {len(fresh) - room:,} were left out")
            if not new:
                said.append(f"{safe_name(loaded.name)}: adds no correction this session does not hold already")
            st.session_state["upload_notes"] = said
            st.session_state["fixes-generation"] = st.session_state.get("fixes-generation", 0) + 1
            st.rerun()

    with work_right.expander("Actors the list lacks"):
        # found on demand, once per set of articles and list: it reads whole texts
        shown_docs = [d for d in pd.unique(listed_rows(0, total)["doc_id"]) if d in texts][:SUGGEST_DOCUMENTS]
        asked = (tuple(shown_docs), tuple(a.name for a in added_actors))
        found = st.session_state.get("suggested", {}).get(asked)
        if found is None and st.button(f"Find names in the {render.plural(len(shown_docs), 'article')} shown",
                                       disabled=not shown_docs):
            try:  # whole texts are read: in a reader's worker, within its limits
                found = workers.run_isolated("suggest", [(d, *texts[d]) for d in shown_docs], tuple(added_actors), 15)
                st.session_state["suggested"] = {asked: found}
            except workers.WorkFailed as failed:
                st.html(render.notices([("error", f"Finding names {failed.reason()}. Filter to fewer articles.")]))
        if found:
            with st.form("add-actor"):
                name = st.selectbox("Name", [n for n, _, _ in found],
                                    format_func=lambda n: f"{n} ({dict((x, c) for x, c, _ in found)[n]}×)")
                kind = st.selectbox("Kind", KINDS)
                aliases = st.text_input("Other spellings, joined by |")
                if st.form_submit_button("Add to this session's actors"):
                    added_actors.append(Actor(name, kind, tuple(dict.fromkeys([name] + [a.strip() for a in aliases.split("|")
                                                                                          if a.strip()]))))
                    st.session_state["suggested"] = {(asked[0], (*asked[1], name)): [f for f in found if f[0] != name]}
                    st.rerun()
        elif found is not None:
            st.caption("Every capitalised name in these articles is on the list.")
        st.download_button("Actor list (CSV)", actors_csv(load_actors() + added_actors), "actors.csv", "text/csv")
else:
    st.caption("Corrections and actors of your own are for tables the page holds in memory: correct this one "
               "with `python -m explorer build --corrections FILE`.")
    st.download_button("Actor list (CSV)", actors_csv(load_actors()), "actors.csv", "text/csv")
