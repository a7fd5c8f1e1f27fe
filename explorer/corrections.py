"""A reader's corrections to the events table: a date, a precision, the actors, or "drop it".

Corrections are keyed by `event_id` (which survives rebuilds), kept as a small table
(`COLUMNS`) that the page downloads and reads back and that `python -m explorer build
--corrections FILE` applies. Applying them changes only what they name; every
corrected row says so in its `corrected` column (what was corrected), and a dropped
event leaves the table. Plain Python, no Streamlit.

A corrections file comes from a reader, so it is read defensively: dates must be
YYYY-MM-DD (what the table holds), each unusable line is reported by number and
skipped, a file that is no corrections file at all is one problem, and `apply`
checks every correction again, so nothing read or made elsewhere can put a bad
date into the table.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .actors import SEPARATOR
from .corpus import MAX_DOCUMENT_BYTES, Problem, _binary, decode, file_kind, read_file, safe_name
from .export import guard_formula, unguard
from .filters import PRECISION_ORDER

COLUMNS = ("event_id", "date_start", "date_end", "granularity", "actors", "drop", "note")
MAX_CORRECTIONS = 10_000
MAX_NAMED = 20  # problems named one by one; the rest are counted in one more line
MAX_EVENT_ID = 100  # the table's ids are 12 characters; a longer one is no id
FILE = "corrections.csv"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # the table's only date form (fromisoformat also takes 20210101)


class NotCorrections(ValueError):
    """The file as a whole cannot be read as corrections; the message says why, in one line."""


@dataclass(frozen=True)
class Correction:
    event_id: str
    date_start: str = ""  # YYYY-MM-DD; with date_end, the days the words name
    date_end: str = ""
    granularity: str = ""
    actors: tuple[str, ...] | None = None  # None: unchanged; (): no actor
    drop: bool = False
    note: str = ""


def _shown(value, most: int = 40) -> str:
    """A value fit for a one-line report: quoted, control characters escaped, length capped."""
    value = str(value)
    return repr(value[:most] + "…" if len(value) > most else value)


def _day(value: str) -> date | None:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check(correction: Correction) -> str | None:
    """Why a correction cannot be used, or None."""
    if not correction.event_id or not isinstance(correction.event_id, str):
        return "it names no event_id"
    if len(correction.event_id) > MAX_EVENT_ID or not correction.event_id.isprintable():
        return f"{_shown(correction.event_id)} is no event_id"
    if bool(correction.date_start) != bool(correction.date_end):
        return "a corrected date needs both date_start and date_end"
    if correction.date_start:
        start, end = _day(correction.date_start), _day(correction.date_end)
        if start is None or end is None:
            return f"{_shown(correction.date_start)}–{_shown(correction.date_end)} is not a YYYY-MM-DD span"
        if start > end:
            return "its date ends before it starts"
    if correction.granularity and correction.granularity not in PRECISION_ORDER:
        return f"{_shown(correction.granularity)} is not a precision ({', '.join(PRECISION_ORDER)})"
    if correction.actors is not None and not all(isinstance(a, str) for a in correction.actors):
        return "its actors are not names"
    return None


def _label(event_id) -> str:
    """An event id as reports show it: as it is when short and printable, else quoted."""
    return event_id if isinstance(event_id, str) and event_id.isprintable() and len(event_id) <= 40 else _shown(event_id)


def load(data: bytes | str, name: str = FILE) -> tuple[dict[str, Correction], list[Problem]]:
    """Like `read`, but NotCorrections when the file as a whole is no corrections file (empty,
    binary, not text, no `event_id` column): the command line refuses such a file."""
    if isinstance(data, bytes):
        if not data.strip():
            raise NotCorrections("empty file; no corrections in it")
        if _binary(data):
            raise NotCorrections("binary file, not a corrections CSV")
        try:
            text = decode(data)[0]
        except ValueError as exc:  # no encoding fits, or a UTF-16 file cut in the middle of a character
            raise NotCorrections(f"not text ({' '.join(str(exc).split())[:80]}), not a corrections CSV") from None
    else:
        text = data
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        raise NotCorrections("empty file; no corrections in it")
    # newline="": every line ending (\n, \r\n or a lone \r) ends a line; quoted fields keep theirs
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(rows, [])]
    except csv.Error as exc:
        raise NotCorrections(f"not a CSV ({exc})") from None
    if "event_id" not in header:
        raise NotCorrections("has no 'event_id' column; it was ignored")
    column = {h: i for i, h in reversed(list(enumerate(header)))}  # the first of a repeated column

    def cell(row: list[str], key: str) -> str:
        i = column.get(key)
        # guarded by `to_csv` against spreadsheets running it as a formula: the quote goes again
        return unguard(row[i].strip()).strip() if i is not None and i < len(row) else ""

    found, problems, more = {}, [], 0

    def bad(why: str) -> None:
        nonlocal more
        if len(problems) < MAX_NAMED:
            problems.append(Problem(name, why))
        else:
            more += 1

    while True:
        before = rows.line_num
        try:
            row = next(rows, None)
        except csv.Error as exc:  # a line csv cannot take apart: it is reported, the rest are read
            bad(f"line {rows.line_num}: not a CSV line ({exc}); ignored")
            if rows.line_num == before:  # nothing was consumed: reading on would not end
                break
            continue
        if row is None:
            break
        if not any(field.strip() for field in row):
            continue  # a blank line
        if len(found) >= MAX_CORRECTIONS:
            problems.append(Problem(name, f"holds more than {MAX_CORRECTIONS:,} corrections; the rest were ignored"))
            break
        line = rows.line_num
        actors = cell(row, "actors")
        # an empty actors cell leaves them as they are, unless actors_set says "none of them"
        actors_set = bool(actors) or cell(row, "actors_set").lower() in ("1", "true", "yes")
        correction = Correction(
            cell(row, "event_id"), cell(row, "date_start"), cell(row, "date_end"), cell(row, "granularity"),
            tuple(a.strip() for a in actors.split("|") if a.strip()) if actors_set else None,
            cell(row, "drop").lower() in ("1", "true", "yes", "y", "x"), cell(row, "note")[:300])
        why = check(correction)
        if why:
            bad(f"line {line}: {why}; ignored")
        else:
            found[correction.event_id] = correction
    if more:
        problems.append(Problem(name, f"and {more:,} more lines that cannot be used; ignored"))
    return found, problems


def read(data: bytes | str, name: str = FILE) -> tuple[dict[str, Correction], list[Problem]]:
    """Corrections from a CSV (as `to_csv` writes it), keyed by event_id, and a problem for
    every row that cannot be used (the first MAX_CORRECTIONS rows are read). Never raises:
    a file that is no corrections file at all gives no correction and one problem."""
    try:
        return load(data, name)
    except NotCorrections as exc:
        return {}, [Problem(name, str(exc))]


def load_file(path: str | os.PathLike) -> tuple[dict[str, Correction], list[Problem]]:
    """The corrections in a file (the command line's `--corrections FILE`) and a problem for
    every line that cannot be used; NotCorrections, one line naming the file, when the file
    cannot be read as corrections at all. Only a regular file is opened: a FIFO would block."""
    shown = re.sub(r"[\x00-\x1f\x7f]", "?", os.fspath(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise NotCorrections(f"{shown}: no such file") from None
    except OSError as exc:
        raise NotCorrections(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise NotCorrections(f"{shown}: {file_kind(mode)}, not a file")
    try:
        data = read_file(path, MAX_DOCUMENT_BYTES)
    except OSError as exc:
        raise NotCorrections(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # too large
        raise NotCorrections(f"{shown}: {exc}") from None
    try:
        return load(data, safe_name(os.fspath(path)))
    except NotCorrections as exc:
        raise NotCorrections(f"{shown}: {exc}") from None


def to_csv(corrections: dict[str, Correction]) -> bytes:
    """The corrections as CSV (`read` reads it back). A cell a spreadsheet would run as a
    formula gets a quote in front (`export.guard_formula`); `read` takes it away again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS + ("actors_set",))
    for c in corrections.values():
        writer.writerow([guard_formula(cell) for cell in (
            c.event_id, c.date_start, c.date_end, c.granularity, SEPARATOR.strip().join(c.actors or ()),
            "yes" if c.drop else "", c.note, "yes" if c.actors is not None else "")])
    return out.getvalue().encode("utf-8")


def apply(table: pd.DataFrame, corrections: dict[str, Correction]) -> tuple[pd.DataFrame, list[Problem]]:
    """The table with the corrections applied: dropped events left out, the others changed as
    named and marked in `corrected`; and a problem for every correction naming an event the
    table does not have (the first MAX_NAMED by id, the rest counted) or that cannot be used."""
    table = table.copy()
    if "corrected" not in table:
        table["corrected"] = ""
    positions: dict[str, list[int]] = {}
    ids = table["event_id"].to_numpy()
    for position in pd.Series(ids).isin(list(corrections)).to_numpy().nonzero()[0]:
        positions.setdefault(ids[position], []).append(int(position))  # an id twice in the table: both rows
    problems, unknown = [], 0
    dropped = []
    for event_id, correction in corrections.items():
        why = check(correction) if isinstance(correction, Correction) else "it is no correction"
        if why:  # read and the page check every correction; one from anywhere else is skipped, not applied
            problems.append(Problem(FILE, f"{_label(event_id)}: {why}; ignored"))
            continue
        if event_id not in positions:
            unknown += 1
            if unknown <= MAX_NAMED:
                problems.append(Problem(FILE, f"{_label(event_id)}: no such event in this table; ignored", skipped=False))
            continue
        if correction.drop:
            dropped += positions[event_id]
            continue
        for label in table.index[positions[event_id]]:
            changed = []  # what really differs from the row as read
            if correction.date_start and [correction.date_start, correction.date_end] != table.loc[
                    label, ["date_start", "date_end"]].tolist():
                table.loc[label, ["date_start", "date_end"]] = [correction.date_start, correction.date_end]
                changed.append("date")
            if correction.granularity and correction.granularity != table.loc[label, "granularity"]:
                table.loc[label, "granularity"] = correction.granularity
                changed.append("precision")
            names = SEPARATOR.join(sorted(set(correction.actors or ())))
            if correction.actors is not None and names != table.loc[label, "actors"]:
                table.loc[label, "actors"] = names
                table.loc[label, "actor_mentions"] = "[]"  # the words no longer say who: the reader does
                changed.append("actors")
            table.loc[label, "corrected"] = ", ".join(changed)
    if unknown > MAX_NAMED:
        problems.append(Problem(FILE, f"and {unknown - MAX_NAMED:,} more corrections name events this table does "
                                      "not have; ignored", skipped=False))
    if dropped:
        table = table.drop(index=table.index[dropped])
    return table.reset_index(drop=True), problems
