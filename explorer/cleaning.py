"""Turn a file's characters into the text a reader sees, and mark what is not article.

`clean_text` decodes HTML entities (also the broken "&# 160;" form some sites
emit) and tidies white space; `read_web_page` reads a saved web page as a reader
sees it: its main text (trafilatura: no navigation, related lists, footers,
tickers), its title, and its publication date (htmldate: the page's own metadata
first, its text second), with `html_to_text` (every visible word) when trafilatura
finds no main text or the page nests deeper than its parser (lxml) reads. Neither
ever produces markup: the result is plain text. `furniture_lines` finds site
furniture (navigation, captions, outlet blurbs, headline lists) so that it is
kept out of the passages that carry events; the patterns are data, below.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .grammar import FRAGMENTS

# Site furniture, one regex per kind, tested against each stripped line.
FURNITURE = [
    r"^breaking news\b.*",  # a ticker: "Breaking News: Markets fall"
    r"^(?:©|\(c\)|copyright\b)\s*(?:\d{4}|©)",  # "© 2025 Example News"
    r"^by\s+[^.!?]{1,80}?\s*[·|,—–-]\s*(?:published|updated|posted)\b",  # "By Staff · Published: 21 June 2025"
    r"^by\s+(?-i:[A-Z][\w.'’-]*(?:,?\s+(?:[A-Z][\w.'’-]*|and|&))*)\s*$",  # "By YURAS KARMANAU and LIUDAS DAPKUS"
    r"^(?:accessibility links|skip to (?:main )?content|other news|i will follow|"
    r"share|print|comments?|related(?: articles| stories| news)?|read more|most popular|"
    r"advertisement|subscribe\b.*|follow us\b.*|more from\b.*)$",
    r"^(?:published|updated|posted|last updated|first published|dated?)\b[^.!?]*\d{4}",  # publication stamps
    r"^see also\b",  # related-story links
    r"^read (?:our|more|also)\b",  # section promos
    r"^with reporting by\b",  # credits
    r"\bphoto:\s",  # picture captions
    r"^\d+x\d+ image$",  # image placeholders
    r"the material is available only to\b",  # paywalled headline lists
    r"\breport the news in \d+ languages\b",  # outlet blurbs
    r"^[•·▪►]\s*\S+(?:\s+\S+){0,11}$",  # bulleted link lists (a long bulleted line is prose)
    r"^-\s*(?:politics|economy|society|security|culture|sports?|world|opinion|news)\b",
    r"^(?:[A-Z][\w’'-]*|of|in|and|the|for|on)(?:\s+(?:[A-Z][\w’'-]*|of|in|and|the|for|on)){0,3}$",  # short headers
]
# A line that is only a publication stamp: "[September 12, 2025]", "World | October 7, 2022, Friday // 13:06".
DATE_ONLY_LINE = re.compile(
    r"^[\[(]?\s*(?:[A-Z][\w ]{{0,20}}\|\s*)?(?:{WEEKDAY},?\s+)?(?:{MONTH}\s+{DAY},?\s+\d{{4}}|{DAY}\s+{MONTH},?\s+\d{{4}})"
    r"(?:,?\s*{WEEKDAY})?(?:\s*(?://|,|at)?\s*\d{{1,2}}:\d{{2}}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{{2,4}})?)?\s*[\])]?$".format(**FRAGMENTS))
# Two passes a line: the kinds that start it, tried once at its start, and the kinds
# found anywhere in it (the last kind, short headers, is case-sensitive).
_FURNITURE_AT_START = re.compile("|".join(
    [f"(?i:{p[1:]})" for p in FURNITURE[:-1] if p.startswith("^")] + [f"(?:{FURNITURE[-1][1:]})"]))
_FURNITURE_ANYWHERE = re.compile("|".join(f"(?:{p})" for p in FURNITURE if not p.startswith("^")), re.IGNORECASE)

# "August 13, Pozirk." / "MINSK, Jan 27 (Reuters) -": a dateline opens the first paragraph.
DATELINE = re.compile(
    r"^(?:"
    r"(?:{MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?|[A-Z]{{3,}}(?:,\s+[A-Z][a-z]+)?(?:,\s+{MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?)?)"
    r"(?:,\s+[A-Z][\w/+-]*(?:\s+[A-Z][\w/+-]*){{0,2}}\.|\s+\([A-Za-z/ ]+\)\s*[-–—]|\s*[-–—])"
    # "Minsk, 23 September 2020 (dpa/MIA) —"
    r"|[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?,\s+(?:{DAY}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+{DAY},?\s+\d{{4}})\s*\([^()\n]{{1,40}}\)\s*[-–—:]"
    # "Minsk (APP - UrduPoint - 23rd Sep, 2020 ) :"
    r"|[A-Z][\w'’-]+\s*\([^()\n]{{1,60}}?(?:{DAY}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+{DAY},?\s+\d{{4}})\s*\)\s*[-–—:]"
    # "date 2021-01-17 Police detained ...": a publication stamp the first paragraph runs on from
    r"|(?i:published|updated|posted|dated?)(?:\s+on)?\s*[:\-–]?\s*"
    r"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?|{DAY}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+{DAY},?\s+\d{{4}})"
    r"(?:,?\s+\d{{1,2}}:\d{{2}}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{{2,4}}\b)?)?\s*[-–—|:·]?"
    r"(?=\s*[\"“«A-Z])(?!\s*(?i:published|updated|posted|last\s+updated|by)\b)"
    r")\s*".format(**FRAGMENTS)
)

_BROKEN_ENTITY = re.compile(r"&#\s+(x?[0-9a-fA-F]+);")
# runs of blanks, or any one blank other than a plain space (a lone space needs no rewrite)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(raw: str) -> tuple[str, list[str]]:
    """The reader's text and the repairs made to get it."""
    repairs = []
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    broken = len(_BROKEN_ENTITY.findall(text))
    if broken:
        text = _BROKEN_ENTITY.sub(r"&#\1;", text)
        repairs.append(f"repaired {broken} broken HTML entities")
    unescaped = html.unescape(text)
    if unescaped != text:
        if not broken:
            repairs.append("decoded HTML entities")
        text = unescaped
    text = _INVISIBLE.sub("", text)
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text, repairs


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "header", "footer", "blockquote", "figcaption", "title", "ul", "ol"}
    # Not "head": a page may omit </head> (valid HTML5), and then nothing would be read.
    # What a head holds that a reader does not see is one of these, or a void element.
    SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self._in_title = False  # a title holds no tags: one left open ends at the next tag
        if tag == "title":
            self._in_title = not self.title
        elif tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title and len(self.title) < 1000:
            self.title += data
        elif not self.skipping:
            self.parts.append(data)


_HIDDEN = re.compile(r"<(script|style|noscript|template|svg|iframe|object)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[!/?a-zA-Z][^>]*>?")  # a tag, or a tag's start the page never closed


def html_to_text(markup: str) -> tuple[str, str]:
    """Visible text of an HTML page (scripts, styles and attributes dropped) and its <title>."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # markup the standard parser gives up on ("<![ "): tags cut out
        return _TAG.sub(" ", _HIDDEN.sub(" ", markup)), parser.title.strip()
    return _TAG.sub(" ", "".join(parser.parts)), parser.title.strip()  # what it left unparsed ("<!")


@dataclass(frozen=True)
class WebPage:
    text: str
    title: str
    published: str  # YYYY-MM-DD, or ""
    published_from: str  # "metadata" (the page's own: article:published_time, <time datetime>, ...), "text", ""
    repairs: tuple[str, ...] = ()
    site_name: str = ""  # the page's own name for its outlet (og:site_name and the like)
    url: str = ""  # the page's own address (canonical link, og:url)
    head_title: str = ""  # its <title>, which often ends in the outlet's name


# libxml2, trafilatura's parser, stops at this depth and drops everything nested deeper without a word.
PARSER_DEPTH = 255


def nested_too_deep(markup: str) -> bool:
    """Whether the page nests elements as deep as libxml2 reads (its text past that would be lost)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(markup.encode("utf-8", "surrogatepass"),
                                             parser=lxml_html.HTMLParser(encoding="utf-8"))
    except (etree.LxmlError, ValueError):
        return False
    depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= PARSER_DEPTH:
            return True
    return False


def read_web_page(markup: str) -> WebPage:
    """A saved web page as a reader sees it (see the module's doc)."""
    import htmldate
    import trafilatura

    _, fallback_title = html_to_text(markup[:200_000]) if "<title" in markup[:200_000].lower() else ("", "")
    repairs = ()
    if nested_too_deep(markup):
        text, metadata = "", None
        repairs = (f"elements nested {PARSER_DEPTH} deep or more: read as every visible word",)
    else:
        try:
            text = trafilatura.extract(markup, favor_recall=True, include_comments=False, include_tables=True) or ""
            metadata = trafilatura.extract_metadata(markup)
        except Exception:  # a page trafilatura cannot parse: every visible word instead
            text, metadata = "", None
    if not text.strip():
        text, fallback_title = html_to_text(markup)
    title = metadata.title if metadata is not None and metadata.title else ""
    if not title or "<" in title:  # a <title> left open swallows the page's markup: ours ends at the next tag
        title = fallback_title
    published, published_from = "", ""
    for extensive, source in ((False, "metadata"), (True, "text")):
        try:
            found = htmldate.find_date(markup, extensive_search=extensive, original_date=True)
        except Exception:
            found = None
        if found:
            published, published_from = found, source
            break
    return WebPage(text, title.strip(), published, published_from, repairs,
                   site_name=(metadata.sitename or "").strip() if metadata is not None else "",
                   url=(metadata.url or "") if metadata is not None else "", head_title=fallback_title.strip())


def looks_like_html(text: str) -> bool:
    return re.search(r"<(?:html|body|p|div|article|script|head)\b", text[:5000], re.IGNORECASE) is not None


MAX_FURNITURE_LINE = 400  # a longer line is a paragraph: furniture (captions, blurbs, links) is short


def is_furniture(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > MAX_FURNITURE_LINE:
        return False
    if re.search(r"\d", stripped) and len(stripped.split()) <= 4 and not re.search(r"[a-z]", stripped):
        return False
    return (_FURNITURE_AT_START.match(stripped) is not None or _FURNITURE_ANYWHERE.search(stripped) is not None
            or DATE_ONLY_LINE.match(stripped) is not None)


# A heading over a list of other stories: the lines under it are their headlines, until prose.
LIST_HEADING = re.compile(r"^(?:related(?:\s+(?:articles|stories|news|content|coverage))?|read more|read also|more from\b.*|"
                          r"most popular|most read|see also|other news|recommended|more stories|latest news|top stories|"
                          r"you may also like|more on this(?: story| topic)?|trending)\s*:?$", re.IGNORECASE)
_PROSE = re.compile(r"[.!?…][\"'”’»)]*$")


def is_headline_item(line: str) -> bool:
    """A line as a list of other stories has them: a headline, not a sentence of prose."""
    stripped = line.strip()
    return len(stripped.split()) <= 16 or not _PROSE.search(stripped)


def dateline_length(line: str) -> int:
    """Characters of a dateline at the start of `line`, 0 if there is none."""
    m = DATELINE.match(line)
    return m.end() if m and m.end() < len(line) else 0
