"""Load a corpus: a folder of .txt/.md/.html articles and an optional manifest.csv.

Each file becomes a `Document`: the cleaned text a reader sees, its
publication facts, the reference date its relative dates resolve against
(with where that date came from), and its passages: the sentences of article
text, as character offsets into `text`, site furniture and datelines left out.

A file that cannot be read is reported (`Problem`: file name and reason) and
the others still load. Reading a folder never follows a link out of it, never
opens what is not a regular file, and never reads more of a file than the limit.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import errno
import io
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from charset_normalizer import from_bytes

from .budget import Unlimited, WorkBudget
from .cleaning import LIST_HEADING, clean_text, dateline_length, is_furniture, is_headline_item, looks_like_html, read_web_page
from .dates import find_dates
from .grammar import STAMP_LINE
from .sentences import sentence_spans

SUFFIXES = (".txt", ".md", ".html", ".htm")
MANIFEST = "manifest.csv"
MB = 1_000_000  # sizes are told in decimal megabytes, as browsers and file managers show them
MAX_DOCUMENT_BYTES = 10 * MB  # a larger file is reported and skipped
MAX_MANIFEST_BYTES = 10 * MB
PUBLISHED_RANGE = (date(1800, 1, 1), date(2100, 12, 31))  # plausible publication dates
MAX_TITLE = 300
MAX_SOURCE = 200
MAX_URL = 2000
# What a file that is not UTF-8 may be in: the code pages Cyrillic and Western news
# has been saved in. Detection chooses among these (charset-normalizer).
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic", "cp1252", "latin_1"]
BINARY_SHARE = 0.02  # more than this share of control bytes at the head: not text

csv.field_size_limit(MAX_MANIFEST_BYTES)  # one field may be the whole file; it is capped after reading


@dataclass
class Document:
    doc_id: str
    name: str
    text: str
    title: str = ""
    source: str = ""
    source_from: str = "none"  # manifest, metadata, dateline, title, address, none (see `outlet_of`)
    url: str = ""
    published: date | None = None
    reference_source: str = "none"  # manifest, metadata (a web page's own), dateline, none
    passages: list[tuple[int, int]] = field(default_factory=list)
    sentences: tuple[tuple[int, int], ...] = ()  # all of the text's, furniture included (the engine's)
    repairs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """A file (or manifest row) that was skipped, or a notice about one that loaded."""

    name: str
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class Corpus:
    documents: list[Document]
    problems: list[Problem]


# --- decoding ---------------------------------------------------------------------

def _invalid_utf8(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every byte run that is not UTF-8, in one pass."""
    runs: list[tuple[int, int]] = []

    def record(exc: UnicodeDecodeError):
        runs.append((exc.start, exc.end))
        return "", exc.end

    codecs.register_error("explorer-record", record)
    data.decode("utf-8", errors="explorer-record")
    return runs


def _legacy(data: bytes) -> tuple[str, str]:
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise ValueError("not text: no character encoding fits its bytes")
    return str(best), best.encoding


def _repair_segments(data: bytes, runs) -> tuple[str, str]:
    """UTF-8 text with segments in a legacy code page (pasted from another file):
    each segment, the bytes from its first stray byte to its last with only ASCII
    between, decoded in the code page that fits it."""
    segments: list[list[int]] = []
    for a, b in runs:
        if segments and data[segments[-1][1]:a].isascii() and a - segments[-1][1] <= 64:
            segments[-1][1] = b
        else:
            segments.append([a, b])
    parts, pos, used = [], 0, set()
    for a, b in segments:
        parts.append(data[pos:a].decode("utf-8"))
        # too short for statistics: the code page whose reading gives the most plausible words
        encoding = max(SEGMENT_ENCODINGS, key=lambda enc: _plausible_words(data[a:b].decode(enc, errors="replace")))
        piece = data[a:b].decode(encoding, errors="replace")
        parts.append(piece)
        used.add(encoding)
        pos = b
    parts.append(data[pos:].decode("utf-8", errors="replace"))
    what = f"{len(segments)} segment{'s' if len(segments) > 1 else ''} in {', '.join(sorted(used))}"
    return "".join(parts), f"utf-8 with {what}"


SEGMENT_ENCODINGS = ["cp1251", "cp1252", "koi8_r"]  # in order of preference at a tie
_LETTERS = re.compile(r"[^\W\d_]+")


def _plausible_words(text: str) -> int:
    """Words that could be real: one script, a usual case pattern (Minsk, minsk,
    MINSK) and, in Latin script, mostly plain letters (café, not Ìèíñê)."""
    good = 0
    for word in _LETTERS.findall(text):
        cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in word)
        accented = sum(ch > "\x7f" for ch in word) - cyrillic
        one_script = cyrillic in (0, len(word))
        cased = word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())
        good += one_script and cased and (cyrillic or accented * 2 <= len(word))
    return good


# Characters a UTF-8 news text in these languages is written in: Latin letters, Cyrillic,
# typographic punctuation (“ ” — … « » no-break space), currency signs, №.
_TEXT_BLOCKS = "\u00a0-\u024f\u0400-\u04ff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f"
_STRAY = "\udc80-\udcff"  # a byte that is not UTF-8, as "surrogateescape" keeps it
_UTF8_CHARACTER = re.compile(f"[^\\x00-\\x7f{_STRAY}]")
_UTF8_ON_ITS_OWN = re.compile(f"(?<![{_STRAY}])[{_TEXT_BLOCKS}](?![{_STRAY}])")


def _written_in_utf8(body: bytes) -> bool:
    """Whether a file's characters that read as UTF-8 (beside bytes that do not) were written
    in UTF-8: a UTF-8 text with passages pasted in from files in other code pages. Byte pairs
    of a code page can form UTF-8 by accident ("Сі" in cp1251, "рак" in cp866), but such a
    character touches the code page's bytes of its word, or is one no text here uses (CJK);
    a real one stands among ASCII or other UTF-8, in these scripts and punctuation. The file
    is UTF-8 when real ones outnumber the rest, whatever share of it the pasted passages take
    (a share limit sent long passages, and short articles around one, to a single code page)."""
    text = body.decode("utf-8", errors="surrogateescape")
    every = _UTF8_CHARACTER.subn("", text)[1]
    own = _UTF8_ON_ITS_OWN.subn("", text)[1]
    return own > every - own


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a file and, when it was not plain UTF-8, what it was decoded as."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    runs = _invalid_utf8(body)
    if not runs:
        return body.decode("utf-8"), None
    if _written_in_utf8(body):  # real UTF-8 characters too: segments pasted in from other files
        return _repair_segments(body, runs)
    return _legacy(data)


def _binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    control = sum(head.count(bytes([c])) for c in (*range(0, 9), 11, 12, *range(14, 27), *range(28, 32)))
    return control > BINARY_SHARE * len(head)


# --- reference dates ----------------------------------------------------------------

_STAMP = re.compile(STAMP_LINE)
STAMP_CHARS = 200


def stamp_date(text: str, budget: WorkBudget | None = None) -> date | None:
    """A full publication date stamped at the head of the text, if any: at the start of
    one of its first lines (a stamp is short: only a line's first `STAMP_CHARS` are read)."""
    lines = [line[:STAMP_CHARS] for line in text[:15 * STAMP_CHARS].split("\n")[:15] if line.strip()][:8]
    for line in lines:
        offset = _STAMP.match(line).end()
        for expr in find_dates(line, None, budget):
            if expr.start == offset and re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T.*)?", expr.timex):
                return date.fromisoformat(expr.timex[:10])
    return None


# --- passages -------------------------------------------------------------------------

def find_passages(text: str, title: str, sentences=None) -> list[tuple[int, int]]:
    """Sentences of article text (`sentences`: the text's, if known): furniture lines
    and datelines left out."""
    skip: list[tuple[int, int]] = []  # in text order, not overlapping
    pos = 0
    seen_title = False
    in_list = False  # under a "Related" heading: its lines are other stories' headlines
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        is_title = not seen_title and (_MARKDOWN_HEADING.sub("", line.strip()) == title.strip() or not title)
        if in_list and is_headline_item(line):
            skip.append((start, end))
            continue
        in_list = LIST_HEADING.match(line.strip()) is not None
        cut = dateline_length(line)
        runs_on = cut and len(line[cut:].split()) > 4  # a stamp the first paragraph runs on from
        if not is_title and (in_list or (is_furniture(line) and not runs_on)):
            skip.append((start, end))
            continue
        seen_title = seen_title or is_title or len(line.split()) > 4
        if cut:
            skip.append((start, start + cut))
    spans = []
    skip_starts = [a for a, _ in skip]
    for s, e in sentence_spans(text) if sentences is None else sentences:
        while True:  # starts in furniture: begins after it
            j = bisect.bisect_right(skip_starts, s) - 1
            if j < 0 or s >= skip[j][1]:
                break
            s = skip[j][1]
        while s < e and text[s].isspace():
            s += 1
        j = bisect.bisect_left(skip_starts, s)
        if j < len(skip) and skip[j][0] < e:  # runs on into furniture: ends before it
            e = skip[j][0]
            while e > s and text[e - 1].isspace():
                e -= 1
        if s < e:
            spans.append((s, e))
    return spans


def passages_of(text: str, title: str) -> list[tuple[int, int]]:
    """The passages of a document's cleaned text (as `build_document` finds them)."""
    return find_passages(text, title, sentence_spans(text))


def document_of_text(doc_id: str, name: str, text: str, title: str = "") -> Document:
    """A document from a cleaned text already read (its passages found again)."""
    return Document(doc_id=doc_id, name=name, text=text, title=title, passages=passages_of(text, title))


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _title(text: str) -> str:
    """The first line a reader would take for the headline, without a Markdown heading's "# "."""
    for line in text.split("\n", 50)[:50]:
        if line.strip() and not is_furniture(line[:MAX_TITLE * 2]):
            return _MARKDOWN_HEADING.sub("", line.strip())[:MAX_TITLE]
    return ""


# --- documents --------------------------------------------------------------------------

def parse_published(value) -> date | None:
    """A publication date from YYYY-MM-DD text (or a date), None when empty; ValueError
    with a reader-facing reason when impossible or implausible."""
    if value is None or value == "":
        return None
    if isinstance(value, date):  # a datetime is a date too
        day = value.date() if hasattr(value, "date") and callable(value.date) else value
        value = day.isoformat()
    value = str(value).strip()
    if not value or value.lower() in ("nat", "nan", "none"):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
        raise ValueError(f"{value[:40]!r} is not a YYYY-MM-DD date")
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a real date") from None
    if not PUBLISHED_RANGE[0] <= day <= PUBLISHED_RANGE[1]:
        raise ValueError(f"{value[:40]!r} is outside {PUBLISHED_RANGE[0].year}–{PUBLISHED_RANGE[1].year}")
    return day


def safe_name(name: str) -> str:
    """A file name fit to show: its last path part, control characters replaced, length capped."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "?", base).strip()
    return (base[:120] + "…" if len(base) > 120 else base) or "unnamed"


def doc_id_of(name: str) -> str:
    """The id a file's name gives its document (before duplicates are numbered)."""
    return re.sub(r"[^\w.-]+", "_", Path(safe_name(name)).stem)[:100] or "document"


def safe_address(url) -> str:
    """The address when it is a plain http(s) URL of sensible length, else "" (no
    javascript:, data:, file: ...): the only kind the table keeps."""
    from urllib.parse import urlparse

    url = (url or "").strip()
    if len(url) > MAX_URL or any(c in url for c in "\"'<> \n\t\r\\"):
        return ""
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else ""


def _page_date(page) -> tuple[date, str] | None:
    """A web page's publication date, when it has a plausible one, and where it stands: the
    page's own metadata ("metadata"), or its text ("dateline")."""
    if page is None or not page.published:
        return None
    try:
        day = parse_published(page.published)
    except ValueError:
        return None
    return (day, "metadata" if page.published_from == "metadata" else "dateline") if day else None


def too_large(size: int, limit: int = MAX_DOCUMENT_BYTES) -> str:
    return f"too large: {size / MB:.1f} MB (the limit is {limit // MB} MB a file)"


def build_document(name: str, data: bytes, meta: dict | None = None, budget: WorkBudget | None = None) -> Document:
    """One document from a file's bytes and its manifest row (if it has one).

    Raises ValueError with a reader-facing reason when the bytes are no text. The
    work is charged to `budget` (BudgetExceeded when it runs out)."""
    budget = budget or Unlimited()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValueError(too_large(len(data)))
    if not data.strip():
        raise ValueError("empty file")
    if _binary(data):
        raise ValueError("binary file, not text")
    budget.charge(len(data), "decoding")
    raw, encoding = decode(data)
    repairs = [f"decoded as {encoding}"] if encoding else []
    page = None
    if name.lower().endswith((".html", ".htm")) or looks_like_html(raw):
        budget.charge(4 * len(raw), "reading the web page")
        page = read_web_page(raw)
        raw = page.text
        repairs += page.repairs
    budget.charge(len(raw), "cleaning")
    text, cleaned = clean_text(raw)
    if not text.strip():
        raise ValueError("no text: the file holds nothing a reader would see")
    repairs += cleaned
    meta = meta or {}
    title = ((meta.get("title") or "").strip() or (page.title if page else "") or _title(text))[:MAX_TITLE]
    url = safe_address(meta.get("url")) or (safe_address(page.url) if page else "")
    source, source_from = outlet_of((meta.get("source") or "").strip(), page, text, url,
                                    page.head_title if page else title)
    doc = Document(
        doc_id=meta.get("doc_id") or doc_id_of(name),
        name=name, text=text, title=title, source=source[:MAX_SOURCE], source_from=source_from, url=url,
        repairs=repairs,
    )
    published = parse_published(meta.get("published"))
    from_page = _page_date(page)
    if published:
        doc.published, doc.reference_source = published, "manifest"
    elif from_page:
        doc.published, doc.reference_source = from_page
    else:
        stamped = stamp_date(text, budget)
        if stamped:
            doc.published, doc.reference_source = stamped, "dateline"
    budget.charge(2 * len(text), "finding sentences")
    doc.sentences = sentence_spans(text)
    doc.passages = find_passages(text, title, doc.sentences)
    return doc


# --- outlets ------------------------------------------------------------------------------

_WIRE = re.compile(r"\(([A-Za-z][\w&.'’/ -]{0,38}?)(?:\s+-\s+[^()]*)?\)")  # "(Reuters) -", "(APP - UrduPoint - 23rd Sep, 2020)"
_TITLE_TAIL = re.compile(r"\s+[|–—-]\s+([^|–—]{2,40}?)\s*$")  # "Police raid | Belarus Watch", "... - BBC News"


def outlet_of(named: str, page, text: str, url: str, head_title: str = "") -> tuple[str, str]:
    """(outlet, where it came from): the manifest's (or the reader's), else the web page's
    own name for its site, else a wire dateline's agency ("MINSK, Jan 27 (Reuters) -"),
    else the end of the page's <title> ("... | Belarus Watch"), else the address's domain;
    never the words of the article body."""
    if named:
        return named, "manifest"
    if page is not None and page.site_name and not re.fullmatch(r"(?:https?://)?[\w.-]+\.[a-z]{2,}/?", page.site_name):
        # (a bare domain is trafilatura's guess from the address, not the page's own name)
        return page.site_name, "metadata"
    for line in [line for line in text[:2000].split("\n") if line.strip()][:5]:
        cut = dateline_length(line)
        wire = _WIRE.search(line[:cut]) if cut else None
        if wire:
            return wire.group(1).strip(), "dateline"
    tail = _TITLE_TAIL.search(head_title)
    if tail and len(tail.group(1).split()) <= 4 and len(head_title[:tail.start()].split()) >= 3:
        return tail.group(1).strip(), "title"
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www."), "address"
    return "", "none"


# --- manifests ---------------------------------------------------------------------------

MANIFEST_COLUMNS = ("file", "title", "source", "url", "published")


def read_manifest(data: str | bytes) -> tuple[dict[str, dict], list[Problem]]:
    """Rows by file name, and a problem for every row or column that could not be used.

    Each value is checked as it is read: a title or source is cut to its limit, an
    address that is not http(s) is dropped, a date that is no date is ignored."""
    if isinstance(data, bytes):
        try:
            data = decode(data)[0]
        except ValueError:
            return {}, [Problem(MANIFEST, "is not text; it was ignored")]
    rows: dict[str, dict] = {}
    problems = []
    try:
        reader = csv.DictReader(io.StringIO(data.replace("\x00", "")))
        columns = [c.strip().lower() for c in (reader.fieldnames or [])]
        reader.fieldnames = columns
    except csv.Error as exc:
        return {}, [Problem(MANIFEST, f"is not a readable CSV file ({exc}); it was ignored")]
    if "file" not in columns:
        return {}, [Problem(MANIFEST, "has no 'file' column; it was ignored")]
    lacking = [c for c in MANIFEST_COLUMNS[1:] if c not in columns]
    if lacking:
        problems.append(Problem(MANIFEST, f"has no column {', '.join(lacking)}; those stay empty", skipped=False))
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            name = (row.get("file") or "").strip()
            if not name:
                continue
            if name in rows:
                problems.append(Problem(MANIFEST, f"line {line}: {safe_name(name)} is listed again; the first row was used", skipped=False))
                continue
            clean = {key: str(row.get(key) or "").strip() for key in MANIFEST_COLUMNS}
            for key, limit in (("title", MAX_TITLE), ("source", MAX_SOURCE)):
                if len(clean[key]) > limit:
                    problems.append(Problem(MANIFEST, f"line {line}: the {key} is longer than {limit} characters; cut", skipped=False))
                    clean[key] = clean[key][:limit]
            if clean["url"] and not safe_address(clean["url"]):
                problems.append(Problem(MANIFEST, f"line {line}: the address is not a plain http(s) address; ignored", skipped=False))
                clean["url"] = ""
            try:
                parse_published(clean["published"])
            except ValueError as exc:
                problems.append(Problem(MANIFEST, f"line {line}: published date {exc}; ignored", skipped=False))
                clean["published"] = ""
            rows[name] = clean
    except csv.Error as exc:
        problems.append(Problem(MANIFEST, f"line {line + 1}: not readable ({exc}); the rows after it were ignored", skipped=False))
    return rows, problems


# --- reading folders ---------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    """One file a build will read: where it is, the name it is reported by, the id
    its document gets (assigned once, in the plan's order) and its manifest row."""

    path: str
    name: str
    doc_id: str
    meta: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Plan:
    articles: list[Article]
    problems: list[Problem]


def file_kind(mode: int) -> str:
    """What a file-system entry that is not a regular file is, in words."""
    return ("a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file")


def _regular_file(folder: Path, entry: os.DirEntry) -> str | None:
    """Why `entry` may not be read (None when it may): links out of the folder, broken or
    looping links and anything but a regular file are refused, without opening them."""
    path = Path(entry.path)
    if entry.is_symlink():
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return "a broken link; not followed"
        except (OSError, RuntimeError):
            return "a link that loops; not followed"
        if not target.is_relative_to(folder.resolve()):
            return "a link to a file outside the folder; not followed"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else f"{file_kind(mode)}, not a file; not read"


def read_file(path: str | Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """A file's bytes; ValueError when it is larger than `limit` (its size is read from
    the file system first, so a huge file is never read) or is not a regular file (a named
    pipe would block the read forever, a device never end it: refused without opening it)."""
    mode = os.stat(path).st_mode  # FileNotFoundError as open's
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise ValueError(f"{file_kind(mode)}, not a file; not read")
    # O_NONBLOCK: should it have been swapped for a pipe since, opening it does not wait
    with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
        status = os.fstat(f.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(f"{file_kind(status.st_mode)}, not a file; not read")
        size = status.st_size
        if size > limit:
            raise ValueError(too_large(size, limit))
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew, or the file system does not tell sizes
        raise ValueError(too_large(len(data), limit))
    return data


def plan_folder(folder: str | Path) -> Plan:
    """The articles of one folder in name order, with their manifest rows, and every
    problem found without reading them. Document ids are not yet made unique (see
    `plan_folders`)."""
    folder = Path(folder)
    entries = [Entry(e.name, e.path, _regular_file(folder, e)) for e in os.scandir(folder)]
    return plan_entries(entries, lambda entry: read_file(entry.path, MAX_MANIFEST_BYTES))


@dataclass(frozen=True)
class Entry:
    """One name in a folder's listing: where it is, and why it may not be read (None: it may)."""
    name: str
    path: str
    refused: str | None = None


def plan_entries(entries: list[Entry], manifest_bytes) -> Plan:
    """A folder's plan from its listing, wherever the folder is (this machine's file system,
    or one Spark reads): `manifest_bytes(entry)` reads the manifest (OSError or ValueError
    when it cannot)."""
    entries = sorted(entries, key=lambda e: e.name)
    problems: list[Problem] = []
    manifest: dict[str, dict] = {}
    for entry in entries:
        if entry.name != MANIFEST:
            continue
        if entry.refused:
            problems.append(Problem(MANIFEST, f"is {entry.refused.split(',')[0].split(';')[0]}; it was ignored",
                                    skipped=False))
            break
        try:
            manifest, found = read_manifest(manifest_bytes(entry))
            problems += found
        except (OSError, ValueError) as exc:
            problems.append(Problem(MANIFEST, f"cannot be read ({getattr(exc, 'strerror', None) or exc}); it was ignored",
                                    skipped=False))
    articles = []
    for entry in entries:
        if entry.name.startswith(".") or entry.name == MANIFEST:
            continue
        name = safe_name(entry.name)
        if not entry.name.lower().endswith(SUFFIXES):
            continue  # not an article (a README, checksums, a saved page's image folder)
        if entry.refused:
            problems.append(Problem(name, entry.refused))
            continue
        articles.append(Article(entry.path, name, doc_id_of(entry.name), manifest.get(entry.name, {})))
    names = {e.name for e in entries}
    for listed in manifest:
        if listed not in names:
            problems.append(Problem(MANIFEST, f"names {safe_name(listed)}, which is not in the folder", skipped=False))
    if manifest:
        for article in articles:
            if not article.meta:
                problems.append(Problem(article.name, "has no manifest row; its reference date comes from its text, if any",
                                        skipped=False))
    return Plan(articles, problems)


def unique_ids(plan: Plan) -> Plan:
    """The plan with each document id unique: a repeated id is numbered in the plan's order, so
    ids never depend on how the articles are read afterwards."""
    seen: dict[str, int] = {}
    unique = []
    for article in plan.articles:
        doc_id = article.doc_id
        if doc_id in seen:
            seen[doc_id] += 1
            doc_id = f"{doc_id}-{seen[doc_id]}"
        else:
            seen[doc_id] = 1
        unique.append(Article(article.path, article.name, doc_id, article.meta))
    return Plan(unique, plan.problems)


def plan_folders(folders) -> Plan:
    """Every folder's articles, in the order given, each with a unique document id."""
    articles, problems = [], []
    for folder in folders:
        plan = plan_folder(folder)
        articles += plan.articles
        problems += plan.problems
    return unique_ids(Plan(articles, problems))


def read_article(article: Article, budget: WorkBudget | None = None) -> Document:
    """The document of a planned article (ValueError or OSError when it cannot be read)."""
    return build_document(article.name, read_file(article.path), {**article.meta, "doc_id": article.doc_id}, budget)


def _load(plan: Plan, progress=None) -> Corpus:
    docs, problems = [], list(plan.problems)
    for article in (progress(plan.articles) if progress else plan.articles):
        try:
            docs.append(read_article(article))
        except (ValueError, OSError) as exc:
            problems.append(Problem(article.name, getattr(exc, "strerror", None) or str(exc)))
    return Corpus(docs, problems)


def load_folder(folder: str | Path, progress=None) -> Corpus:
    """Every article in `folder`, read into memory; `progress` wraps the file list (e.g. tqdm)."""
    return _load(plan_folders([folder]), progress)


def load_folders(folders, progress=None) -> Corpus:
    return _load(plan_folders(folders), progress)


def load_files(files, manifest: dict[str, dict] | None = None) -> Corpus:
    """Documents from (name, bytes) pairs; `manifest` maps a name to its row."""
    manifest = manifest or {}
    docs, problems = [], []
    seen: dict[str, int] = {}
    for name, data in files:
        doc_id = doc_id_of(name)
        seen[doc_id] = seen.get(doc_id, 0) + 1
        meta = {**manifest.get(name, {}), "doc_id": doc_id if seen[doc_id] == 1 else f"{doc_id}-{seen[doc_id]}"}
        try:
            docs.append(build_document(safe_name(name), data, meta))
        except ValueError as exc:
            problems.append(Problem(safe_name(name), str(exc)))
    return Corpus(docs, problems)
