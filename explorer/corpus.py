"""Load a corpus: a folder of .txt/.md/.html articles and an optional manifest.csv.

Each file becomes a `Document`: the cleaned text a reader sees, its
publication facts, the reference date its relative dates resolve against
(with where that date came from), and its passages: the sentences of article
text, as character offsets into `text`, site furniture and datelines left out.

A file that cannot be read is reported (`Problem`: file name and reason) and
the others still load.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from charset_normalizer import from_bytes

from .cleaning import clean_text, dateline_length, html_to_text, is_furniture, looks_like_html
from .dates import find_dates
from .grammar import STAMP_LINE
from .sentences import sentence_spans

SUFFIXES = (".txt", ".md", ".html", ".htm")
MANIFEST = "manifest.csv"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a larger file is reported and skipped
PUBLISHED_RANGE = (date(1800, 1, 1), date(2100, 12, 31))  # plausible publication dates
MAX_TITLE = 300
# What a file that is not UTF-8 may be in: the code pages Cyrillic and Western news
# has been saved in. Detection chooses among these (charset-normalizer).
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic", "cp1252", "latin_1"]


@dataclass
class Document:
    doc_id: str
    name: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    reference_source: str = "none"  # manifest, dateline, none
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

def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a file and, when it was not UTF-8, the encoding that was detected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise ValueError("not text: no character encoding fits its bytes")
    return str(best), best.encoding


def _binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


# --- reference dates ----------------------------------------------------------------

_STAMP = re.compile(STAMP_LINE)


def stamp_date(text: str) -> date | None:
    """A full publication date stamped at the head of the text, if any."""
    lines = [line for line in text.split("\n")[:15] if line.strip()][:8]
    for line in lines:
        offset = _STAMP.match(line).end()
        for expr in find_dates(line, None):
            if expr.start == offset and re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T.*)?", expr.timex):
                return date.fromisoformat(expr.timex[:10])
    return None


# --- passages -------------------------------------------------------------------------

def find_passages(text: str, title: str, sentences=None) -> list[tuple[int, int]]:
    """Sentences of article text (`sentences`: the text's, if known): furniture lines
    and datelines left out."""
    skip: list[tuple[int, int]] = []
    pos = 0
    seen_title = False
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        is_title = not seen_title and (line.strip() == title.strip() or not title)
        if not is_title and is_furniture(line):
            skip.append((start, end))
            continue
        seen_title = seen_title or is_title or len(line.split()) > 4
        cut = dateline_length(line)
        if cut:
            skip.append((start, start + cut))
    spans = []
    for s, e in sentence_spans(text) if sentences is None else sentences:
        for a, b in skip:
            if a <= s < b:
                s = b
        while s < e and text[s].isspace():
            s += 1
        if s < e and not any(a <= s and e <= b for a, b in skip):
            spans.append((s, e))
    return spans


def _title(text: str) -> str:
    for line in text.split("\n", 50)[:50]:
        if line.strip() and not is_furniture(line[:MAX_TITLE * 2]):
            return line.strip()[:MAX_TITLE]
    return ""


# --- documents --------------------------------------------------------------------------

def parse_published(value: str | None) -> date | None:
    """A YYYY-MM-DD publication date, None when empty; ValueError when impossible or implausible."""
    value = (value or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
        raise ValueError(f"{value!r} is not a YYYY-MM-DD date")
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    if not PUBLISHED_RANGE[0] <= day <= PUBLISHED_RANGE[1]:
        raise ValueError(f"{value!r} is outside {PUBLISHED_RANGE[0].year}–{PUBLISHED_RANGE[1].year}")
    return day


def safe_name(name: str) -> str:
    """A file name fit to show: its last path part, control characters replaced, length capped."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "?", base).strip()
    return (base[:120] + "…" if len(base) > 120 else base) or "unnamed"


def build_document(name: str, data: bytes, meta: dict | None = None) -> Document:
    """One document from a file's bytes and its manifest row (if it has one).

    Raises ValueError with a reader-facing reason when the bytes are no text.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"too large: {len(data) / 2**20:.1f} MB (the limit is {MAX_DOCUMENT_BYTES // 2**20} MB a file)")
    if not data.strip():
        raise ValueError("empty file")
    if _binary(data):
        raise ValueError("binary file, not text")
    raw, encoding = decode(data)
    repairs = [f"decoded as {encoding}"] if encoding else []
    html_title = ""
    if name.lower().endswith((".html", ".htm")) or looks_like_html(raw):
        raw, html_title = html_to_text(raw)
        repairs.append("converted from HTML")
    text, cleaned = clean_text(raw)
    repairs += cleaned
    meta = meta or {}
    title = ((meta.get("title") or "").strip() or html_title or _title(text))[:MAX_TITLE]
    doc = Document(
        doc_id=re.sub(r"[^\w.-]+", "_", Path(name).stem) or "document",
        name=name, text=text, title=title,
        source=(meta.get("source") or "").strip(), url=(meta.get("url") or "").strip(),
        repairs=repairs,
    )
    published = parse_published(meta.get("published"))
    if published:
        doc.published, doc.reference_source = published, "manifest"
    else:
        stamped = stamp_date(text)
        if stamped:
            doc.published, doc.reference_source = stamped, "dateline"
    doc.sentences = sentence_spans(text)
    doc.passages = find_passages(text, title, doc.sentences)
    return doc


def read_manifest(data: str) -> tuple[dict[str, dict], list[Problem]]:
    """Rows by file name, and a problem for every row or column that could not be used."""
    rows: dict[str, dict] = {}
    problems = []
    reader = csv.DictReader(io.StringIO(data))
    columns = reader.fieldnames or []
    if "file" not in columns:
        return {}, [Problem(MANIFEST, "has no 'file' column; it was ignored")]
    lacking = [c for c in ("title", "source", "url", "published") if c not in columns]
    if lacking:
        problems.append(Problem(MANIFEST, f"has no column {', '.join(lacking)}; those stay empty", skipped=False))
    for line, row in enumerate(reader, start=2):
        name = (row.get("file") or "").strip()
        if not name:
            continue
        if name in rows:
            problems.append(Problem(MANIFEST, f"line {line}: {safe_name(name)} is listed again; the first row was used", skipped=False))
            continue
        try:
            parse_published(row.get("published"))
        except ValueError as exc:
            problems.append(Problem(MANIFEST, f"line {line}: published date {exc}; ignored", skipped=False))
            row = {**row, "published": ""}
        rows[name] = row
    return rows, problems


def load_files(files, manifest: dict[str, dict] | None = None, progress=None) -> Corpus:
    """Documents from (name, bytes) pairs; `manifest` maps a name to its row."""
    manifest = manifest or {}
    docs, problems = [], []
    for name, data in (progress(files) if progress else files):
        try:
            docs.append(build_document(safe_name(name), data, manifest.get(name)))
        except (ValueError, OSError) as exc:
            problems.append(Problem(safe_name(name), str(exc)))
    _dedupe_ids(docs)
    return Corpus(docs, problems)


def load_folder(folder: str | Path, progress=None) -> Corpus:
    """Every article in `folder`; `progress` wraps the file list (e.g. tqdm)."""
    folder = Path(folder)
    problems: list[Problem] = []
    manifest: dict[str, dict] = {}
    manifest_path = folder / MANIFEST
    if manifest_path.exists():
        manifest, problems = read_manifest(manifest_path.read_text(encoding="utf-8-sig"))
    paths = sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES)
    names = {p.name for p in paths}
    for listed in manifest:
        if listed not in names:
            problems.append(Problem(MANIFEST, f"names {safe_name(listed)}, which is not in the folder", skipped=False))
    if manifest:
        for p in paths:
            if p.name not in manifest:
                problems.append(Problem(safe_name(p.name), "has no manifest row; its reference date comes from its text, if any",
                                        skipped=False))
    docs = []
    for path in (progress(paths) if progress else paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(path.name, f"cannot be read: {exc.strerror or exc}"))
            continue
        corpus = load_files([(path.name, data)], manifest)
        docs += corpus.documents
        problems += corpus.problems
    _dedupe_ids(docs)
    return Corpus(docs, problems)


def _dedupe_ids(docs):
    seen: dict[str, int] = {}
    for doc in docs:
        if doc.doc_id in seen:
            seen[doc.doc_id] += 1
            doc.doc_id = f"{doc.doc_id}-{seen[doc.doc_id]}"
        else:
            seen[doc.doc_id] = 1


def load_folders(folders, progress=None) -> Corpus:
    docs, problems = [], []
    for folder in folders:
        corpus = load_folder(folder, progress)
        docs += corpus.documents
        problems += corpus.problems
    _dedupe_ids(docs)
    return Corpus(docs, problems)
