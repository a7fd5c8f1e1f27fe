"""A reader's corrections to the events table: a date, a precision, the actors, or "drop it".

Corrections are keyed by `event_id` (which survives rebuilds), kept as a small table
(`COLUMNS`) that the page downloads and reads back and that `python -m explorer build
--corrections FILE` applies. Applying them changes only what they name; every
corrected row says so in its `corrected` column (what was corrected), and a dropped
event leaves the table. Plain Python, no Streamlit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from .actors import SEPARATOR
from .corpus import Problem, decode
from .filters import PRECISION_ORDER

COLUMNS = ("event_id", "date_start", "date_end", "granularity", "actors", "drop", "note")
MAX_CORRECTIONS = 10_000
FILE = "corrections.csv"


@dataclass(frozen=True)
class Correction:
    event_id: str
    date_start: str = ""  # YYYY-MM-DD; with date_end, the days the words name
    date_end: str = ""
    granularity: str = ""
    actors: tuple[str, ...] | None = None  # None: unchanged; (): no actor
    drop: bool = False
    note: str = ""


def check(correction: Correction) -> str | None:
    """Why a correction cannot be used, or None."""
    from datetime import date

    if not correction.event_id:
        return "it names no event_id"
    if bool(correction.date_start) != bool(correction.date_end):
        return "a corrected date needs both date_start and date_end"
    if correction.date_start:
        try:
            start, end = date.fromisoformat(correction.date_start), date.fromisoformat(correction.date_end)
        except ValueError:
            return f"{correction.date_start!r}–{correction.date_end!r} is not a YYYY-MM-DD span"
        if start > end:
            return "its date ends before it starts"
    if correction.granularity and correction.granularity not in PRECISION_ORDER:
        return f"{correction.granularity!r} is not a precision ({', '.join(PRECISION_ORDER)})"
    return None


def read(data: bytes | str) -> tuple[dict[str, Correction], list[Problem]]:
    """Corrections from a CSV (as `to_csv` writes it), keyed by event_id, and a problem for
    every row that cannot be used (the first MAX_CORRECTIONS rows are read)."""
    text = decode(data)[0] if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text.replace("\x00", "")))
    if "event_id" not in (reader.fieldnames or []):
        return {}, [Problem(FILE, "has no 'event_id' column; it was ignored")]
    found, problems = {}, []
    for line, row in enumerate(reader, start=2):
        if len(found) >= MAX_CORRECTIONS:
            problems.append(Problem(FILE, f"holds more than {MAX_CORRECTIONS:,} corrections; the rest were ignored"))
            break
        actors = (row.get("actors") or "").strip()
        # an empty actors cell leaves them as they are, unless actors_set says "none of them"
        actors_set = bool(actors) or (row.get("actors_set") or "").strip().lower() in ("1", "true", "yes")
        correction = Correction(
            (row.get("event_id") or "").strip(), (row.get("date_start") or "").strip(), (row.get("date_end") or "").strip(),
            (row.get("granularity") or "").strip(),
            tuple(a.strip() for a in actors.split("|") if a.strip()) if actors_set else None,
            (row.get("drop") or "").strip().lower() in ("1", "true", "yes", "y", "x"), (row.get("note") or "").strip()[:300])
        why = check(correction)
        if why:
            problems.append(Problem(FILE, f"line {line}: {why}; ignored"))
        else:
            found[correction.event_id] = correction
    return found, problems


def to_csv(corrections: dict[str, Correction]) -> bytes:
    """The corrections as CSV (`read` reads it back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS + ("actors_set",))
    for c in corrections.values():
        writer.writerow([c.event_id, c.date_start, c.date_end, c.granularity,
                         SEPARATOR.strip().join(c.actors or ()), "yes" if c.drop else "", c.note,
                         "yes" if c.actors is not None else ""])
    return out.getvalue().encode("utf-8")


def apply(table: pd.DataFrame, corrections: dict[str, Correction]) -> tuple[pd.DataFrame, list[Problem]]:
    """The table with the corrections applied: dropped events left out, the others changed as
    named and marked in `corrected`; and a problem for every correction naming an event the
    table does not have."""
    table = table.copy()
    if "corrected" not in table:
        table["corrected"] = ""
    positions = pd.Index(table["event_id"]).get_indexer(list(corrections))
    problems = [Problem(FILE, f"{event_id}: no such event in this table; ignored", skipped=False)
                for event_id, position in zip(corrections, positions) if position < 0]
    dropped = []
    for correction, position in zip(corrections.values(), positions):
        if position < 0:
            continue
        if correction.drop:
            dropped.append(position)
            continue
        label = table.index[position]
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
    if dropped:
        table = table.drop(index=table.index[dropped])
    return table.reset_index(drop=True), problems
