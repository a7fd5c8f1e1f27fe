"""Accuracy of the date tagger on TimeBank + AQUAINT (TempEval-3 scoring), beside dateparser.search.

    python bench/timeml_accuracy.py [--timeml ../shared/timeml] [--errors N] [--peer/--no-peer]

For each document the text inside <TEXT> is tagged with its DCT as the
reference date. Scores, as TempEval-3 (UzZaman et al., 2013) defines them:
relaxed span P/R/F1 (a prediction overlapping a gold TIMEX3), strict span F1
(same start and end), value accuracy (matched pairs with equal value) and
value F1 = relaxed F1 x value accuracy. The peer, `dateparser.search.search_dates`,
is run on the same texts with the same reference dates; its points are valued
as YYYY-MM-DD.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.dates import find_dates  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "timeml"


@dataclass
class Gold:
    start: int
    end: int
    value: str
    text: str


def read_tml(path: Path) -> tuple[str, date, list[Gold]]:
    """Plain text of <TEXT>, the DCT, and the gold TIMEX3s with offsets into that text."""
    raw = path.read_text(encoding="utf-8")
    dct = re.search(r'<DCT>.*?value="(\d{4}-\d{2}-\d{2})', raw, re.S).group(1)
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1)
    out, gold, pos = [], [], 0
    open_timex = None
    for m in re.finditer(r"<(/?)(\w+)([^>]*)>", body):
        piece = html.unescape(body[pos:m.start()])
        out.append(piece)
        pos = m.end()
        length = sum(map(len, out))
        if m.group(2) == "TIMEX3":
            if not m.group(1):
                attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(3)))
                open_timex = (length, attrs.get("value", ""))
            elif open_timex:
                start, value = open_timex
                text = "".join(out)[start:length]
                gold.append(Gold(start, length, value, text))
                open_timex = None
    out.append(html.unescape(body[pos:]))
    return "".join(out), date.fromisoformat(dct), gold


def ours(text: str, reference: date):
    return [(e.start, e.end, e.timex, e.text) for e in find_dates(text, reference)]


def peer(text: str, reference: date):
    from dateparser.search import search_dates

    found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": datetime.combine(reference, datetime.min.time())}) or []
    spans, pos = [], 0
    for words, when in found:
        i = text.find(words, pos)
        if i < 0:
            i = text.find(words)
        if i < 0:
            continue
        pos = i + len(words)
        spans.append((i, i + len(words), when.date().isoformat(), words))
    return spans


def score(docs, tagger, errors=None):
    tp = n_pred = n_gold = strict = value_ok = 0
    elapsed = 0.0
    for name, text, ref, gold in docs:
        t = time.perf_counter()
        pred = tagger(text, ref)
        elapsed += time.perf_counter() - t
        n_pred += len(pred)
        n_gold += len(gold)
        used = set()
        for gd in gold:
            match = next((i for i, p in enumerate(pred) if i not in used and p[0] < gd.end and gd.start < p[1]), None)
            if match is None:
                if errors is not None:
                    errors.append(("miss", name, gd.text, gd.value, ""))
                continue
            used.add(match)
            tp += 1
            s, e, value, words = pred[match]
            strict += (s, e) == (gd.start, gd.end)
            if value == gd.value:
                value_ok += 1
            elif errors is not None:
                errors.append(("value", name, f"{gd.text} / {words}", gd.value, value))
        if errors is not None:
            for i, p in enumerate(pred):
                if i not in used:
                    errors.append(("extra", name, p[3], "", p[2]))
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    strict_f1 = 2 * strict / (n_pred + n_gold) if n_pred + n_gold else 0.0
    accuracy = value_ok / tp if tp else 0.0
    return {"gold": n_gold, "predicted": n_pred, "relaxed_P": precision, "relaxed_R": recall,
            "relaxed_F1": f1, "strict_F1": strict_f1, "value_accuracy": accuracy,
            "value_F1": f1 * accuracy, "seconds": elapsed}


def load(folder: Path):
    docs = []
    for path in sorted(folder.rglob("*.tml")):
        text, ref, gold = read_tml(path)
        docs.append((path.name, text, ref, gold))
    return docs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeml", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of ours")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)
    docs = load(args.timeml)
    errors = [] if args.errors else None
    rows = {"explorer": score(docs, ours, errors)}
    if not args.no_peer:
        rows["dateparser.search_dates"] = score(docs, peer)
    print(f"{len(docs)} documents, {rows['explorer']['gold']} gold TIMEX3")
    keys = ["predicted", "relaxed_P", "relaxed_R", "relaxed_F1", "strict_F1", "value_accuracy", "value_F1", "seconds"]
    print(f"{'tagger':26}" + "".join(f"{k:>15}" for k in keys))
    for name, row in rows.items():
        print(f"{name:26}" + "".join(f"{row[k]:>15.3f}" if isinstance(row[k], float) else f"{row[k]:>15}" for k in keys))
    if errors:
        for kind, name, words, gold_value, value in errors[: args.errors]:
            print(f"{kind:6} {name:28} {words!r:50} gold={gold_value:14} ours={value}")


if __name__ == "__main__":
    main()
