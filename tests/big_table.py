"""A generated events table of any size, with its happenings view, for the stores' tests and
bench/store.py's figures (issue 22). Made with array operations, a chunk at a time: a million
rows in about fifteen seconds and 0.8 GB. Not a realistic corpus: every column the page
filters, counts or shows has values of each kind it meets (outlets and none, actors and none,
every precision, unresolved dates, spans of a day to decades, Cyrillic and accented passages)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from explorer.actors import SEPARATOR
from explorer.events import COLUMNS, PARQUET_ROW_GROUP, write_table
from explorer.happening_view import VIEW_COLUMNS

OUTLETS = ["Reuters", "AP", "BBC", "Belsat", "Nasha Niva", "Zerkalo", "DW", "Meduza", "Viasna", "RFE/RL", ""]
ACTORS = ["Alyaksandr Lukashenka", "Svyatlana Tsikhanouskaya", "Viasna", "the OSCE", "the European Union",
          "Maria Kalesnikava", "Ales Bialiatski", "Raman Pratasevich", "Amnesty International", "Minsk police"]
WORDS = ["detained", "sentenced", "released", "protest", "court", "верховный суд", "задержан", "суд",
         "Straße", "élection", "Grodno", "strike", "verdict", "appeal", "hunger strike"]
MENTIONS_PER_DOCUMENT = 40
MENTIONS_PER_HAPPENING = 3


CHUNK = 99_999  # rows made at once (whole happenings: a multiple of MENTIONS_PER_HAPPENING)


def _chunks(rows: int, seed: int):
    """The table `CHUNK` rows at a time, in the build's order (by date), so that a table of
    millions is made and written in the memory of a chunk."""
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, 365 * 30, rows))  # days after 1995-01-01: sorted, as the build writes
    docs = np.arange(rows) // MENTIONS_PER_DOCUMENT
    rng.shuffle(docs)  # a document's statements are spread over the years, as a table sorted by date has them
    for lo in range(0, rows, CHUNK):
        yield _chunk(np.arange(lo, min(lo + CHUNK, rows)), days[lo:lo + CHUNK], docs[lo:lo + CHUNK],
                     np.random.default_rng([seed, lo]))


def _chunk(number: np.ndarray, day: np.ndarray, doc: np.ndarray, rng) -> pd.DataFrame:
    rows = len(number)
    start = np.datetime64("1995-01-01") + day.astype("timedelta64[D]")
    kind = rng.choice(["day", "month", "year", "decade", "week", "time"], rows, p=[.55, .2, .15, .03, .05, .02])
    month_start = start.astype("datetime64[M]")
    year_start = start.astype("datetime64[Y]")
    decade_start = year_start - (year_start.astype(int) % 10)
    first = np.where(kind == "month", month_start.astype("datetime64[D]"),
                     np.where(kind == "year", year_start.astype("datetime64[D]"),
                              np.where(kind == "decade", decade_start.astype("datetime64[D]"), start)))
    last = np.where(kind == "month", (month_start + 1).astype("datetime64[D]") - 1,
                    np.where(kind == "year", (year_start + 1).astype("datetime64[D]") - 1,
                             np.where(kind == "decade", (decade_start + 10).astype("datetime64[D]") - 1,
                                      np.where(kind == "week", start + 6, start))))
    unresolved = rng.random(rows) < 0.03
    date_start = np.where(unresolved, "", first.astype(str))
    date_end = np.where(unresolved, "", last.astype(str))
    granularity = np.where(unresolved, "present", kind)
    doc_id = np.char.add("doc", doc.astype(str))
    outlet = np.asarray(OUTLETS, dtype=object)[doc % len(OUTLETS)]
    named = rng.integers(0, len(ACTORS) + 1, (rows, 2))
    actor_names = np.asarray(ACTORS + [""], dtype=object)
    pairs = np.stack([actor_names[named[:, 0]], actor_names[named[:, 1]]], axis=1)
    actors = [SEPARATOR.join(sorted({a for a in pair if a})) for pair in pairs.tolist()]
    word = np.asarray(WORDS, dtype=object)[rng.integers(0, len(WORDS), rows)]
    index = number.astype(str)
    passage = pd.Series(word).radd("Statement ").add(" number ").add(pd.Series(index)).to_numpy()
    happening = np.char.add("h", (number // MENTIONS_PER_HAPPENING).astype(str))
    return pd.DataFrame({
        "event_id": np.char.add("e", index), "doc_id": doc_id, "title": np.char.add("Article ", doc.astype(str)),
        "source": outlet, "source_from": np.where(outlet == "", "none", "manifest"), "url": "",
        "published": "2025-01-01", "reference_source": "manifest", "passage": passage, "passage_start": 0,
        "passage_end": 40, "passage_cut": "", "mention": "then", "mention_start": 10, "mention_end": 14,
        "type": "DATE", "timex": date_start, "date_start": date_start, "date_end": date_end,
        "granularity": granularity, "modifier": "", "relation": "at", "rule": "generated", "cue": "",
        "actors": actors, "actor_mentions": "[]", "what": passage, "happening_id": happening, "corrected": "",
    })[list(COLUMNS)]


def generate(rows: int, seed: int = 22) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events table, happenings view) of `rows` statements, the table in the build's order."""
    table = pd.concat(list(_chunks(rows, seed)), ignore_index=True)
    return table, view_of(table)


def _joined(happenings: list[str], values: list[str], ids: pd.Index, distinct: bool = True) -> np.ndarray:
    """Per happening of `ids`, its (distinct, sorted) non-empty values, joined as the build
    joins them. A plain loop: pandas' per-group join costs a Series a group."""
    found: dict[str, list[str]] = {}
    for h, v in zip(happenings, values):
        if v:
            found.setdefault(h, []).append(v)
    join = (lambda vs: SEPARATOR.join(sorted(set(vs)))) if distinct else " ".join
    return np.asarray([join(found[h]) if h in found else "" for h in ids.tolist()], dtype=object)


def view_of(table: pd.DataFrame) -> pd.DataFrame:
    """The happenings view of a generated table: the columns the page filters, counts, orders
    and draws by, made with group operations (`explorer.happening_view.view` tells each
    happening in words, which these statements do not need)."""
    grouped = table.groupby("happening_id", sort=False)
    resolved = table[table["date_start"] != ""].groupby("happening_id", sort=False)
    ids = pd.Index(grouped.size().index)
    happening = table["happening_id"].tolist()
    sources = _joined(happening, table["source"].tolist(), ids)
    named = [(h, a) for h, x in zip(happening, table["actors"].tolist()) for a in x.split(SEPARATOR)]
    actors = _joined([h for h, _ in named], [a for _, a in named], ids)
    first = grouped.first()
    view = pd.DataFrame({
        "happening_id": ids, "what": first["what"].to_numpy(),
        "date_start": resolved["date_start"].min().reindex(ids, fill_value="").to_numpy(),
        "date_end": resolved["date_end"].max().reindex(ids, fill_value="").to_numpy(),
        "granularity": first["granularity"].to_numpy(), "relation": "at", "shape": "span",
        "outlets": table[table["source"] != ""].groupby("happening_id")["source"].nunique()
        .reindex(ids, fill_value=0).to_numpy(),
        "documents": grouped["doc_id"].nunique().to_numpy(), "mentions": grouped.size().to_numpy(),
        "sources": sources, "actors": actors,
        "first_reported": "2025-01-01", "last_reported": "2025-01-01", "disagree": False, "disagreeing": "",
        "event_ids": _joined(happening, table["event_id"].tolist(), ids, distinct=False)})
    view["placed_start"], view["placed_end"] = view["date_start"], view["date_end"]
    return _in_view_order(view[list(VIEW_COLUMNS)])


def _in_view_order(view: pd.DataFrame) -> pd.DataFrame:
    """The view's rows in `happening_view.view`'s order: resolved first, most outlets first, by date."""
    unresolved = view["date_start"] == ""
    return (view.assign(_u=unresolved).sort_values(["_u", "outlets", "date_start", "happening_id"],
                                                   ascending=[True, False, True, True], kind="stable")
            .drop(columns="_u").reset_index(drop=True))


def write(folder: Path, rows: int, seed: int = 22) -> tuple[Path, Path]:
    """A generated table and its view written as the build writes them (Parquet, row groups of
    the build's size), a chunk at a time: (events, happenings)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    events, happenings = folder / f"events-{rows}.parquet", folder / f"happenings-{rows}.parquet"
    views, writer = [], None
    try:
        for chunk in _chunks(rows, seed):
            views.append(view_of(chunk))
            batch = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(events, batch.schema)
            writer.write_table(batch, row_group_size=PARQUET_ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()
    write_table(_in_view_order(pd.concat(views, ignore_index=True)), happenings)
    return events, happenings
