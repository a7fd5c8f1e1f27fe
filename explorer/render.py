"""A passage as HTML for the page: every document string escaped, date words and
actor names wrapped in <mark>, and only an http(s) source address made a link."""

from __future__ import annotations

import functools

import json
import re
from html import escape
from urllib.parse import quote

from .corpus import safe_address


def escape_markdown(text: str) -> str:
    """Text that st.markdown-like elements show as written (no links, images or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def safe_url(url: str) -> str | None:
    """The address when it is a plain http(s) URL, else None (no javascript:, data: ...)."""
    return safe_address(url) or None


NOTICE_KINDS = {"error": "⛔", "warning": "⚠️", "info": "ℹ️", "note": "📝"}


# Streamlit drops a query string of more than 1,000 parameters or 512 Ki characters before the
# script runs (runtime/state/query_params.py), so only the browser can tell the link was cut.
# A constant script, no document text in it: it shows its warning when location.search is over
# either limit.
QUERY_FIELDS_LIMIT, QUERY_CHARS_LIMIT = 1000, 512 * 1024
DROPPED_LINK = (
    '<div class="notice notice-warning" role="alert" id="dropped-link" hidden>'
    f'{NOTICE_KINDS["warning"]} This link carries more than the server reads (over '
    f'{QUERY_FIELDS_LIMIT:,} settings or {QUERY_CHARS_LIMIT // 1024} Ki characters), so all of them '
    'were ignored: the page shows its unfiltered view.</div>'
    '<script>(function(){var q=location.search.slice(1),n=document.getElementById("dropped-link");'
    f'if(n&&q&&(q.length>{QUERY_CHARS_LIMIT}||q.split("&").length>{QUERY_FIELDS_LIMIT}))'
    'n.hidden=false;})();</script>'
)


MAX_NOTICES = 50  # boxes one list shows; the rest are counted (a 100,000-row manifest gives as many notes)


def notices(items) -> str:
    """(kind, text) pairs as HTML boxes: text escaped, never Markdown, so no address in
    a file name, a URL parameter or an outlet's name becomes a link. At most `MAX_NOTICES`
    boxes, then one that counts the rest."""
    items = list(items)
    shown = [f'<div class="notice notice-{kind}" role="{"alert" if kind in ("error", "warning") else "status"}">'
             f'{NOTICE_KINDS[kind]} {escape(text)}</div>' for kind, text in items[:MAX_NOTICES]]
    if len(items) > MAX_NOTICES:
        shown.append(f'<div class="notice notice-note" role="status">{NOTICE_KINDS["note"]} '
                     f'and {plural(len(items) - MAX_NOTICES, "more notice")} like these</div>')
    return "".join(shown)


MAX_FACET_VALUES = 40  # a facet lists this many values at most (a large corpus has thousands)


def facet_counts(counts: dict[str, int], empty: str = "no events") -> str:
    """A facet's values with their counts, most first, as escaped HTML."""
    listed = sorted(counts, key=lambda v: (-counts[v], v))
    body = " · ".join(f"{escape(v or '(none)')} <b>{counts[v]:,}</b>" for v in listed[:MAX_FACET_VALUES])
    if len(listed) > MAX_FACET_VALUES:
        body += f" · and {plural(len(listed) - MAX_FACET_VALUES, 'more value')} (type in the box above to find one)"
    return f'<div class="facet">{body or escape(empty)}</div>'


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
MODIFIED = {"START": "early", "MID": "mid-", "END": "late"}
RELATION_WORDS = {"opens": "since", "closes": "until", "before": "before", "after": "after"}
REFERENCE_WORDS = {"manifest": "given beside the text (its manifest row, or typed on the page)",
                   "dateline": "stamped at the head of the text",
                   "metadata": "the web page's own metadata",
                   "none": "none: dates relative to it stay unresolved"}


def short(value: str, limit: int = 28) -> str:
    """A value cut to fit a button beside its count ("Voice of America (Russian…")."""
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _day(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {MONTHS[month - 1]} {year}"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def when_words(start: str, end: str, granularity: str, timex: str = "", mod: str = "", published: str = "") -> str:
    """A span of days in words, at its precision: "10 December 2021", "August 2020", "1994",
    "the 1990s", "week of 29 November 2021", "early 2022"; never a TIMEX3 code."""
    if not start:
        return "date not resolved"
    year = int(start[:4])
    if granularity == "present":
        return f"at publication ({_day(start)})"
    if granularity == "time":
        clock = timex.split("T", 1)[1] if "T" in timex else ""
        clock = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}.get(clock, clock)
        return _day(start) + (f", {clock}" if clock else "")
    if start == end:
        return _day(start)
    if granularity == "week":
        return f"week of {_day(start)}"
    if granularity == "weekend":
        return f"weekend of {_day(start)} – {_day(end)}"
    whole = _whole(start, end, granularity)
    if not whole:  # a part of the period ("earlier this month"), or a stretch ("the past five years")
        prefix = MODIFIED.get(mod, "")
        if prefix and granularity in ("year", "month", "decade"):
            return (f"{prefix}{'' if prefix.endswith('-') else ' '}"
                    f"{when_words(*_period(start, granularity), granularity)}")
        return f"{_day(start)} – {_day(end)}"
    if granularity == "month":
        return f"{MONTHS[int(start[5:7]) - 1]} {year}"
    if granularity == "season":
        code = timex.rsplit("-", 1)[-1] if "-" in timex else ""
        return f"{SEASONS.get(code, 'season')} {year}"
    if granularity == "quarter":
        return f"Q{(int(start[5:7]) - 1) // 3 + 1} {year}"
    if granularity == "half":
        return f"{'first' if start[5:7] == '01' else 'second'} half of {year}"
    if granularity == "year":
        return str(year)
    if granularity == "decade":
        return f"the {year}s"
    if granularity == "century":
        return f"the {_ordinal(year // 100 + 1)} century"
    return f"{_day(start)} – {_day(end)}"


def _period(start: str, granularity: str) -> tuple[str, str]:
    """The whole month, year or decade `start` falls in."""
    import calendar

    year, month = int(start[:4]), int(start[5:7])
    if granularity == "month":
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    if granularity == "decade":
        return f"{year // 10 * 10:04d}-01-01", f"{year // 10 * 10 + 9:04d}-12-31"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _whole(start: str, end: str, granularity: str) -> bool:
    """Whether start..end is exactly one whole period of its granularity."""
    if granularity in ("month", "year", "decade"):
        return _period(start, granularity) == (start, end)
    return granularity in ("season", "quarter", "half", "century")


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


@functools.lru_cache(maxsize=4096)
def _folded_letter(c: str) -> str:
    """One letter as `filters.fold` folds it (Python lowers a lone letter by Unicode's simple
    mapping but for "İ", which it makes two characters)."""
    from .filters import FOLDS

    lowered = "i" if c == "\u0130" else c.lower()
    return dict(FOLDS).get(lowered, lowered)


def hits(text: str, offset: int, query: str) -> list[tuple[int, int, str]]:
    """Where a text search's words stand in `text` (at document `offset`), as marks."""
    from .filters import search_key

    needle = search_key(query)
    if not needle:
        return []
    # folded letter by letter, as the search compares (filters.fold); a letter may fold longer
    # ("ß" is "ss"): map folded offsets back to the text's
    pieces = [_folded_letter(c) for c in text]
    folded = "".join(pieces)
    origin = [i for i, piece in enumerate(pieces) for _ in piece] + [len(text)]
    found, pos = [], 0
    while (pos := folded.find(needle, pos)) >= 0 and len(found) < 50:
        end = origin[pos + len(needle) - 1] + 1
        found.append((offset + origin[pos], offset + end, "hit"))
        pos += len(needle)
    return found


def happening_line(happening) -> str:
    """What a card says of the happening its date belongs to (a row of `happening_view.view`)."""
    if happening is None or happening["mentions"] <= 1:
        return ""
    outlets = happening["outlets"]
    told = f"reported by {plural(outlets, 'outlet')}" if outlets else "reported"
    warning = " · <b>sources disagree on the date</b>" if happening["disagree"] else ""
    return (f'<div class="happening">One happening, {told} in {happening["mentions"]} passages: '
            f'“{escape(happening["what"])}”{warning}</div>')


def reading(row) -> str:
    """How the date was read: the reference and where it came from, the rule, the cue word,
    the relation, and the span it gives."""
    reference = (f"{_day(row.published)} ({escape(REFERENCE_WORDS.get(row.reference_source, row.reference_source))})"
                 if row.published else escape(REFERENCE_WORDS["none"]))
    cue = escape(row.cue) if getattr(row, "cue", "") else "not needed: the words fix it themselves (a year, or last, next, ago)"
    span = f"{row.date_start} – {row.date_end}" if row.date_start else "unresolved"
    items = [("The words", f"“{escape(row.mention)}” ({escape(row.type)} {escape(row.timex)})"),
             ("Read against", reference), ("Rule", escape(getattr(row, "rule", "") or "?")),
             ("Direction", cue), ("Relation", escape(RELATION_WORDS.get(row.relation, "at"))),
             ("Days named", escape(span) + f" ({escape(row.granularity or 'no precision')})")]
    return ('<details class="reading"><summary>How this date was read</summary><dl>'
            + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl></details>")


def passage_card(row, happening=None, query: str = "", doc_link: bool = True, keep: str = "") -> str:
    """One event of the passage list (a row of the events table) as HTML: the date in words,
    the passage with date words, actor names and the text search's hits marked, the source,
    how the date was read, and a line on the happening it dates (a row of `happening_view.view`)
    when others report it too. `doc_link`: whether its article can be opened by a link."""
    marks = [(row.mention_start, row.mention_end, "date")]
    marks += [(m["start"], m["end"], "actor") for m in json.loads(row.actor_mentions or "[]")]
    marks = hits(row.passage, row.passage_start, query) + marks
    when = when_words(row.date_start, row.date_end, row.granularity, row.timex, row.modifier, row.published)
    relation = RELATION_WORDS.get(row.relation, "")
    url = safe_url(row.url)
    title = escape(row.title or row.doc_id)
    title_html = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>' if url else title
    actors = escape(row.actors) if row.actors else "no actor named"
    cut = getattr(row, "passage_cut", "")  # the sentence goes on: a window of it is shown
    corrected = ' · <span class="corrected">corrected</span>' if getattr(row, "corrected", "") else ""
    link = f"?{keep + '&' if keep else ''}view=Article&doc={quote(row.doc_id)}&event={quote(row.event_id)}"
    article = f' · <a href="{escape(link)}" target="_self">the whole article</a>' if doc_link else ""
    return (
        f'<div class="event" id="event-{escape(row.event_id)}" data-event-id="{escape(row.event_id)}">'
        f'<div class="when"><b>{escape((relation + " " if relation else "") + when)}</b> · '
        f'“{escape(row.mention)}”{corrected}</div>'
        f'<blockquote>{"… " if cut in ("start", "both") else ""}{highlight(row.passage, row.passage_start, marks)}'
        f'{" …" if cut in ("end", "both") else ""}</blockquote>'
        f'<div class="meta">{escape(row.source or "unknown outlet")} · {title_html} · published '
        f'{escape(_day(row.published) if row.published else "date unknown")} · actors: {actors}{article}</div>'
        f'{happening_line(happening)}{reading(row)}</div>'
    )


# Colours that read on the light and the dark theme alike: tints over whatever is behind.
STYLE = """<style>
[data-testid=stElementContainer]:has(> [data-testid=stHtml] > #dropped-link[hidden]){display:none}
.notice{border-radius:.5rem;padding:.55rem .8rem;margin:.3rem 0;font-size:.9rem;line-height:1.4;overflow-wrap:anywhere}
.notice-error{background:rgba(230,60,60,.16)}.notice-warning{background:rgba(240,180,0,.18)}
.notice-info{background:rgba(60,120,230,.14)}.notice-note{background:rgba(128,128,128,.14)}
.facet{font-size:.8rem;opacity:.8;margin:-.5rem 0 .6rem;overflow-wrap:anywhere}
.event{border-left:3px solid #0072B2;padding:.2rem .8rem;margin:.6rem 0}
.event blockquote{margin:.3rem 0;font-size:1.02rem;line-height:1.5;overflow-wrap:anywhere}
.event mark{color:inherit;padding:0 .1rem;border-radius:.15rem}
.event mark.date{background:rgba(240,180,0,.38)}
.event mark.actor{background:rgba(86,180,233,.30)}
.event mark.hit{background:rgba(0,158,115,.35);outline:1px solid rgba(0,158,115,.8)}
.event .when,.event .meta,.event .happening,.event .reading{font-size:.85rem;opacity:.85}
.event .happening{margin-top:.15rem}
.event .corrected{background:rgba(213,94,0,.25);padding:0 .3rem;border-radius:.2rem}
.event .reading summary{cursor:pointer}
.event .reading dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .6rem;margin:.3rem 0}
.event .reading dt{font-weight:600}.event .reading dd{margin:0}
.article{font-size:1rem;line-height:1.6;white-space:pre-wrap;overflow-wrap:anywhere}
.article mark{color:inherit;padding:0 .1rem;border-radius:.15rem}
.article mark.date{background:rgba(240,180,0,.38)}.article mark.actor{background:rgba(86,180,233,.30)}
.article a.date{color:inherit;text-decoration:none}
</style>"""


def article(text: str, events, actor_spans) -> str:
    """A whole article as HTML: its text escaped, each dated statement's date words marked and
    linked to its card below (`#event-ID`), and each actor's name marked.

    `events`: (start, end, event_id) of its dates; `actor_spans`: (start, end) of actor names."""
    marks = sorted([(s, e, "date", eid) for s, e, eid in events] + [(s, e, "actor", "") for s, e in actor_spans])
    out, pos = [], 0
    for start, end, kind, event_id in marks:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        words = escape(text[start:end])
        if kind == "date":
            out.append(f'<a class="date" href="#event-{escape(event_id)}" target="_self"><mark class="date">{words}</mark></a>')
        else:
            out.append(f'<mark class="actor">{words}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return f'<div class="article">{"".join(out)}</div>'
