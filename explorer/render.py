"""A passage as HTML for the page: every document string escaped, date words and
actor names wrapped in <mark>, and only an http(s) source address made a link."""

from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import urlparse


def escape_markdown(text: str) -> str:
    """Text that st.markdown-like elements show as written (no links, images or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def safe_url(url: str) -> str | None:
    """The address when it is a plain http(s) URL, else None (no javascript:, data: ...)."""
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc and not any(c in url for c in "\"'<> \n\t"):
        return url
    return None


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


def passage_card(row) -> str:
    """One event of the passage list (a row of the events table) as HTML."""
    marks = [(row.mention_start, row.mention_end, "date")]
    marks += [(m["start"], m["end"], "actor") for m in json.loads(row.actor_mentions or "[]")]
    when = row.date_start if row.date_start == row.date_end else f"{row.date_start} – {row.date_end}"
    when = when or "unresolved"
    relation = "" if row.relation == "at" else f" · {escape(row.relation)}"
    url = safe_url(row.url)
    title = escape(row.title or row.doc_id)
    title_html = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>' if url else title
    actors = escape(row.actors) if row.actors else "no actor named"
    return (
        f'<div class="event" data-event-id="{escape(row.event_id)}">'
        f'<div class="when"><b>{escape(when)}</b> · {escape(row.granularity)}{relation} · '
        f'“{escape(row.mention)}” → <code>{escape(row.timex)}</code></div>'
        f'<blockquote>{highlight(row.passage, row.passage_start, marks)}</blockquote>'
        f'<div class="meta">{escape(row.source or "unknown source")} · {title_html} · published '
        f'{escape(row.published or "unknown")} · actors: {actors}</div></div>'
    )


STYLE = """<style>
.event{border-left:3px solid #4c78a8;padding:.2rem .8rem;margin:.6rem 0}
.event blockquote{margin:.3rem 0;font-size:1.02rem;line-height:1.5}
.event mark.date{background:#ffe08a;padding:0 .1rem}
.event mark.actor{background:#cfe3ff;padding:0 .1rem}
.event .when,.event .meta{font-size:.85rem;color:#555}
</style>"""
