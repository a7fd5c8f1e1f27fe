"""A reader's own articles on the page: what they uploaded, the facts they gave, what was read.

`SessionArticles` lives in one browser session and nowhere else: the files (within
`MAX_FILES` and `MAX_SESSION_BYTES`), the facts the reader set for each
(publication date, title, outlet, address) and the results of reading them, kept
in a `BoundedCache` keyed on the file's bytes and those facts. Nothing here is
shared between readers, so one reader can never see another's text; everything
goes when the session does. Plain Python: the page wires it to widgets.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd

from .corpus import (MANIFEST, MAX_DOCUMENT_BYTES, MAX_SOURCE, MAX_TITLE, MB, Problem, doc_id_of, parse_published,
                     read_manifest, safe_address, safe_name, too_large)
from .events import DocumentResult, mentions_table

MAX_FILES = 50  # files one session holds
MAX_SESSION_BYTES = 30 * MB  # their bytes together
MAX_SESSION_EVENTS = 50_000  # dated statements one session's uploads give, at most (documents give 5,000 each)
RESULT_TTL = 3600.0  # seconds a result not asked for is kept
FACTS = ("published", "title", "source", "url")


class BoundedCache:
    """At most `max_entries` values and `max_bytes` of them (as sized by the caller),
    each dropped `ttl` seconds after it was last asked for; least recently used go first."""

    def __init__(self, max_entries: int, max_bytes: int, ttl: float, clock=time.monotonic):
        self.max_entries, self.max_bytes, self.ttl, self.clock = max_entries, max_bytes, ttl, clock
        self._items: OrderedDict = OrderedDict()  # key -> (value, size, last used)
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        self._expire()
        item = self._items.get(key)
        if item is None:
            return None
        self._items[key] = (item[0], item[1], self.clock())
        self._items.move_to_end(key)
        return item[0]

    def put(self, key, value, size: int) -> None:
        if key in self._items:
            self.bytes -= self._items.pop(key)[1]
        if size > self.max_bytes:
            return
        self._items[key] = (value, size, self.clock())
        self.bytes += size
        while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= self._items.popitem(last=False)[1][1]

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, (_, _, used) in self._items.items() if now - used > self.ttl]:
            self.bytes -= self._items.pop(key)[1]


@dataclass
class Upload:
    name: str  # safe to show, unique in the session
    data: bytes
    doc_id: str
    digest: str
    facts: dict = field(default_factory=lambda: dict.fromkeys(FACTS, ""))

    def key(self) -> tuple:
        """What a result depends on: the bytes, the document id and the facts."""
        return (self.digest, self.doc_id) + tuple(self.facts[f] for f in FACTS)


def result_size(result: DocumentResult) -> int:
    return 200 + sum(len(cell) if isinstance(cell, str) else 8 for row in result.rows for cell in row)


class SessionArticles:
    def __init__(self, taken_ids=()):
        """`taken_ids`: document ids an upload may not have (the corpus's own)."""
        self.uploads: OrderedDict[str, Upload] = OrderedDict()
        self.results = BoundedCache(2 * MAX_FILES, 4 * MAX_SESSION_BYTES, RESULT_TTL)  # past results
        self.current: dict[tuple, DocumentResult] = {}  # the results of the files held now, by key
        self.taken_ids = set(taken_ids)
        self.generation = 0  # bumped to give the page's upload widgets fresh keys

    @property
    def bytes(self) -> int:
        return sum(len(u.data) for u in self.uploads.values())

    def add(self, files) -> list[str]:
        """Take (name, bytes or a function giving them) pairs within the limits; a note
        for every file not taken, saying why. A `manifest.csv` among them gives the facts of
        the files it names (taken before or now)."""
        notes = []
        digests = {u.digest: u.name for u in self.uploads.values()}
        manifests = []
        for raw_name, data in files:
            name = safe_name(raw_name)
            if name.lower() == MANIFEST:
                manifests.append(data() if callable(data) else data)
                continue
            if len(self.uploads) >= MAX_FILES:
                notes.append(f"{name}: this session already holds {MAX_FILES} files; not added")
                continue
            data = data() if callable(data) else data
            if len(data) > MAX_DOCUMENT_BYTES:
                notes.append(f"{name}: {too_large(len(data))}; not added")
                continue
            if self.bytes + len(data) > MAX_SESSION_BYTES:
                notes.append(f"{name}: over the {MAX_SESSION_BYTES // MB} MB this session holds; not added")
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in digests:
                notes.append(f"{name}: the same file as {digests[digest]}; not added again")
                continue
            name = self._unique_name(name, set(self.uploads))
            doc_id = self._unique(doc_id_of(name), self.taken_ids | {u.doc_id for u in self.uploads.values()})
            self.uploads[name] = Upload(name, data, doc_id, digest)
            digests[digest] = name
        for manifest in manifests:
            notes += self.apply_manifest(manifest)
        return notes

    def apply_manifest(self, data: bytes) -> list[str]:
        """The facts a manifest gives (title, outlet, address, publication date) set for the
        uploads it names; a note for each row or value that could not be used."""
        if len(data) > MAX_DOCUMENT_BYTES:
            return [f"{MANIFEST}: {too_large(len(data))}; not read"]
        rows, problems = read_manifest(data)
        notes = [str(p) for p in problems]
        for name, row in rows.items():
            if safe_name(name) not in self.uploads:
                notes.append(f"{MANIFEST}: names {safe_name(name)}, which is not among your articles")
                continue
            notes += self.set_facts(safe_name(name), {k: row.get(k, "") for k in FACTS if row.get(k)})
        return notes

    @staticmethod
    def _unique(value: str, taken: set[str]) -> str:
        if value not in taken:
            return value
        n = 2
        while f"{value}-{n}" in taken:
            n += 1
        return f"{value}-{n}"

    @staticmethod
    def _unique_name(name: str, taken: set[str]) -> str:
        """notes.txt, then notes-2.txt, notes-3.txt ..."""
        stem, dot, suffix = name.rpartition(".")
        stem, suffix = (stem, dot + suffix) if stem else (name, "")
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        return name

    def remove(self, name: str) -> None:
        self.uploads.pop(name, None)

    def set_facts(self, name: str, facts: dict) -> list[str]:
        """Set what the reader typed for a file; a value that cannot be used is refused
        with a note, and the file keeps its previous one."""
        upload = self.uploads.get(name)
        if upload is None:
            return []
        notes = []
        for key in FACTS:
            if key not in facts:
                continue
            value = facts[key]
            value = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
            if key == "published":
                try:
                    day = parse_published(value)
                except ValueError as exc:
                    notes.append(f"{name}: publication date {exc}; not changed")
                    continue
                value = day.isoformat() if day else ""
            elif key == "url":
                value = str(value).strip()
                if value and not safe_address(value):
                    notes.append(f"{name}: the address is not a plain http(s) address; not changed")
                    continue
            else:
                limit = MAX_TITLE if key == "title" else MAX_SOURCE
                value = " ".join(str(value).split())[:limit]
            upload.facts[key] = value
        return notes

    def read(self, reader, progress=None) -> list[tuple[Upload, DocumentResult]]:
        """Each upload with its result, reading (with `reader(name, data, meta)`) only
        those whose bytes and facts have not been read before. The results of the files
        held now are kept whole (the next rerun never reads them again); those of files
        removed or facts changed go to the bounded cache, in case they come back."""
        out, current = [], {}
        uploads = list(self.uploads.values())
        for i, upload in enumerate(uploads):
            key = upload.key()
            result = self.current.get(key) or self.results.get(key)
            if result is None:
                meta = {**upload.facts, "doc_id": upload.doc_id}
                result = reader(upload.name, upload.data, meta)
            current[key] = result
            out.append((upload, result))
            if progress:
                progress(i + 1, len(uploads))
        for key, result in self.current.items():
            if key not in current:
                self.results.put(key, result, result_size(result))
        self.current = current
        return out


def combined_rows(read: list[tuple[Upload, DocumentResult]], limit: int = MAX_SESSION_EVENTS) -> tuple[list[tuple], list[str]]:
    """The mentions of what was read, at most `limit` of them in upload order (before
    happenings are found: see `session_table`), and a note for each file cut short."""
    rows, notes = [], []
    for upload, result in read:
        room = limit - len(rows)
        if len(result.rows) > room:
            notes.append(f"{upload.name}: this session holds at most {limit:,} dated statements; "
                         f"{len(result.rows) - max(room, 0):,} of this file's were left out")
        rows += result.rows[:max(room, 0)]
    return rows, notes


def session_table(corpus: pd.DataFrame, rows: list[tuple], corrections: dict | None = None, added=(),
                  texts: dict | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The corpus's events and a session's rows as one events table: the session's corrections
    applied, its added actors found again in `texts` ((text, title) by doc_id), and the
    happenings found across all of them (an upload that reports a happening the corpus has
    joins it). Notes on corrections that could not be used. Run in a reader's worker
    (explorer.workers), since grouping costs in proportion to the whole table."""
    from .actors import ActorIndex, load_actors
    from .events import finish, reattribute

    mentions = pd.concat([corpus.drop(columns=["corrected"], errors="ignore"), mentions_table(rows)], ignore_index=True)
    table, problems = finish(mentions, corrections)
    if added:
        table = reattribute(table, texts or {}, ActorIndex(load_actors() + list(added)))
    return table, [str(p) for p in problems]


def suggested_names(texts: list[tuple[str, str, str]], added=(), limit: int = 15):
    """Names in (doc_id, text, title) articles that the actor list (with `added`) lacks:
    `actors.suggest`, as a job for a reader's worker."""
    from .actors import ActorIndex, load_actors, suggest
    from .corpus import document_of_text

    documents = [document_of_text(doc_id, doc_id, text, title) for doc_id, text, title in texts]
    return suggest(documents, ActorIndex(load_actors() + list(added)), limit=limit)


def report(read: list[tuple[Upload, DocumentResult]]) -> tuple[list[Problem], list[str]]:
    """Every problem and repair of what was read, by file name."""
    problems = [p for _, result in read for p in result.problems]
    repairs = [f"{upload.name}: {r}" for upload, result in read for r in result.repairs]
    return problems, repairs
