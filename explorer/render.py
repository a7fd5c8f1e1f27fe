"""A passage as HTML for the page: every document string escaped, date words and
actor names wrapped in <mark>, and only an http(s) source address made a link."""

from __future__ import annotations

import json
import re
from html import escape

from .corpus import safe_address


def escape_markdown(text: str) -> str:
    """Text that st.markdown-like elements show as written (no links, images or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def safe_url(url: str) -> str | None:
    """The address when it is a plain http(s) URL, else None (no javascript:, data: ...)."""
    return safe_address(url) or None


NOTICE_KINDS = {"error": "⛔", "warning": "⚠️", "info": "ℹ️", "note": "📝"}


def notices(items) -> str:
    """(kind, text) pairs as HTML boxes: text escaped, never Markdown, so no address in
    a file name, a URL parameter or an outlet's name becomes a link."""
    return "".join(
        f'<div class="notice notice-{kind}" role="{"alert" if kind in ("error", "warning") else "status"}">'
        f'{NOTICE_KINDS[kind]} {escape(text)}</div>' for kind, text in items)


def facet_counts(counts: dict[str, int], empty: str = "no events") -> str:
    """A facet's values with their counts, most first, as escaped HTML."""
    listed = sorted(counts, key=lambda v: (-counts[v], v))
    body = " · ".join(f"{escape(v or '(none)')} <b>{counts[v]}</b>" for v in listed)
    return f'<div class="facet">{body or escape(empty)}</div>'


def highlight(passage: str, passage_start: int, marks: list[tuple[int, int, str]]) -> str:
    """`passage` escaped, with each (start, end, css class) span, in document
    offsets, wrapped in <mark>; overlapping marks keep the first."""
    spans = sorted((max(s - passage_start, 0), min(e - passage_start, len(passage)), cls)
                   for s, e, cls in marks if e > passage_start and s < passage_start + len(passage))
    out, pos = [], 0
    for start, end, cls in spans:
        if start < pos:
            continue
        out.append(escape(passage[pos:start]))
        out.append(f'<mark class="{cls}">{escape(passage[start:end])}</mark>')
        pos = end
    out.append(escape(passage[pos:]))
    return "".join(out)


def happening_line(happening) -> str:
    """What a card says of the happening its date belongs to (a row of `happenings.view`)."""
    if happening is None or happening["mentions"] <= 1:
        return ""
    outlets = happening["outlets"]
    told = f"reported by {outlets} outlet{'s' if outlets != 1 else ''}" if outlets else "reported"
    warning = " · <b>sources disagree on the date</b>" if happening["disagree"] else ""
    return (f'<div class="happening">One happening, {told} in {happening["mentions"]} passages: '
            f'“{escape(happening["what"])}”{warning}</div>')


def passage_card(row, happening=None) -> str:
    """One event of the passage list (a row of the events table) as HTML, with a line on the
    happening it dates (a row of `happenings.view`) when others report it too."""
    marks = [(row.mention_start, row.mention_end, "date")]
    marks += [(m["start"], m["end"], "actor") for m in json.loads(row.actor_mentions or "[]")]
    when = row.date_start if row.date_start == row.date_end else f"{row.date_start} – {row.date_end}"
    when = when or "unresolved"
    relation = "" if row.relation == "at" else f" · {escape(row.relation)}"
    url = safe_url(row.url)
    title = escape(row.title or row.doc_id)
    title_html = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>' if url else title
    actors = escape(row.actors) if row.actors else "no actor named"
    cut = getattr(row, "passage_cut", "")  # the sentence goes on: a window of it is shown
    return (
        f'<div class="event" data-event-id="{escape(row.event_id)}">'
        f'<div class="when"><b>{escape(when)}</b> · {escape(row.granularity)}{relation} · '
        f'“{escape(row.mention)}” → <code>{escape(row.timex)}</code></div>'
        f'<blockquote>{"… " if cut in ("start", "both") else ""}{highlight(row.passage, row.passage_start, marks)}'
        f'{" …" if cut in ("end", "both") else ""}</blockquote>'
        f'<div class="meta">{escape(row.source or "unknown source")} · {title_html} · published '
        f'{escape(row.published or "unknown")} · actors: {actors}</div>{happening_line(happening)}</div>'
    )


STYLE = """<style>
.notice{border-radius:.5rem;padding:.55rem .8rem;margin:.3rem 0;font-size:.9rem;line-height:1.4;overflow-wrap:anywhere}
.notice-error{background:#ffe6e6;color:#7d1010}.notice-warning{background:#fff4d6;color:#6b4a00}
.notice-info{background:#e6f0ff;color:#123a75}.notice-note{background:#f0f2f6;color:#31333f}
.facet{font-size:.8rem;color:#555;margin:-.5rem 0 .6rem;overflow-wrap:anywhere}
.event{border-left:3px solid #4c78a8;padding:.2rem .8rem;margin:.6rem 0}
.event blockquote{margin:.3rem 0;font-size:1.02rem;line-height:1.5}
.event mark.date{background:#ffe08a;padding:0 .1rem}
.event mark.actor{background:#cfe3ff;padding:0 .1rem}
.event .when,.event .meta,.event .happening{font-size:.85rem;color:#555}
.event .happening{margin-top:.15rem}
</style>"""
