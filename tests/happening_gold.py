"""The hand-made gold for happenings, and pairwise scores against it.

Three gold sets, all in the checkout (see tests/data/README.md for where they came from):
`tests/gold/seed_happenings.csv` (the seed articles, made for this project);
`tests/data/corroboration/gold.json` for `data/corroboration/` (twenty articles from several
outlets about five happenings, the app's second example corpus), its articles split by the
happening they were chosen for: DEVELOPMENT (ryanair, inauguration, Kalesnikava) is what the
model is fitted and tuned on, the rest (Nobel, prisoner release) is held out and only
measured; and `tests/data/corroboration2/` (CLOSE_PAIRS: eight happenings, two by two in one
country days apart, in the same words), never fitted on. Optional gold mentions are left out
of the scores.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORROBORATION = ROOT / "data" / "corroboration"  # the example corpus the app ships
CORROBORATION_GOLD = ROOT / "tests" / "data" / "corroboration" / "gold.json"
# the close pairs: eight happenings, two by two in one country days apart, in the same words
# (articles, manifest and gold copied into the tests: see tests/data/README.md)
CLOSE_PAIRS = ROOT / "tests" / "data" / "corroboration2"
SEED_GOLD = ROOT / "tests" / "gold" / "seed_happenings.csv"
DEVELOPMENT = ("ryanair", "inaug", "kalesnikava")


@dataclass(frozen=True)
class GoldMention:
    doc_id: str
    text: str
    start: int  # in the document's cleaned text
    happening: str
    optional: bool


def corroboration_table(folder: Path = CORROBORATION) -> tuple[pd.DataFrame, dict[str, str]]:
    """A corroboration set's events table (with happenings) and each document's text."""
    from explorer.corpus import load_folder
    from explorer.events import events_table
    from explorer.happenings import with_happenings

    with tempfile.TemporaryDirectory() as tmp:
        for path in list(folder.glob("*.txt")) + [folder / "manifest.csv"]:
            shutil.copy(path, tmp)
        corpus = load_folder(tmp)
    return with_happenings(events_table(corpus.documents)), {d.doc_id: d.text for d in corpus.documents}


def corroboration_gold(texts: dict[str, str], path: Path = CORROBORATION_GOLD) -> list[GoldMention]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for m in gold["mentions"]:
        doc_id = m["file"][:-4]
        text, pos = texts[doc_id], -1
        for _ in range(m["n"]):  # the n-th occurrence, counted as the gold counts it
            pos = text.find(m["text"], pos + 1)
        out.append(GoldMention(doc_id, m["text"], pos, m["happening"], bool(m.get("optional"))))
    return out


def seed_gold() -> list[GoldMention]:
    rows = csv.DictReader(SEED_GOLD.read_text(encoding="utf-8").splitlines())
    return [GoldMention(r["doc_id"], r["mention"], int(r["mention_start"]), r["happening"], r["optional"] == "yes")
            for r in rows]


def align(table: pd.DataFrame, gold: list[GoldMention]) -> dict[str, GoldMention]:
    """event_id -> its gold mention: the table's row whose words overlap the gold's."""
    out = {}
    by_doc = {doc: rows for doc, rows in table.groupby("doc_id")}
    for g in gold:
        rows = by_doc.get(g.doc_id)
        if rows is None or g.start < 0:
            continue
        hit = rows[(rows.mention_start < g.start + len(g.text)) & (rows.mention_end > g.start)]
        if len(hit):
            out[hit.iloc[0].event_id] = g
    return out


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    false_pairs: int
    missed_pairs: int
    mentions: int


def pairwise(table: pd.DataFrame, gold: dict[str, GoldMention], keep=lambda g: True) -> Score:
    """Pairwise precision and recall of `happening_id` over the aligned gold mentions that
    are not optional (and pass `keep`): a pair is true when both share a gold happening."""
    predicted = dict(zip(table.event_id, table.happening_id))
    items = [(predicted[e], g.happening) for e, g in gold.items() if not g.optional and keep(g)]
    tp = fp = fn = 0
    for (pa, ga), (pb, gb) in itertools.combinations(items, 2):
        tp += pa == pb and ga == gb
        fp += pa == pb and ga != gb
        fn += pa != pb and ga == gb
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, tp, fp, fn, len(items))


def development(g: GoldMention) -> bool:
    return g.doc_id.startswith(DEVELOPMENT)


def held_out(g: GoldMention) -> bool:
    return not development(g)
