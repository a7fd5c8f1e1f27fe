"""Actor attribution on the seeds: precision and recall against the hand-checked gold,
and how many distinct actors the table shows before and after alias merging.

    python bench/actors_report.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.actors import SEPARATOR, fold  # noqa: E402
from explorer.corpus import load_folder  # noqa: E402
from explorer.events import events_table  # noqa: E402


def main():
    table = events_table(load_folder(ROOT / "seeds").documents)
    gold = {(g["doc_id"], int(g["mention_start"])): set(filter(None, g["actors"].split(SEPARATOR)))
            for g in csv.DictReader((ROOT / "tests" / "gold" / "seed_actors.csv").read_text(encoding="utf-8").splitlines())}
    tp = fp = fn = 0
    for row in table.itertuples():
        got = set(filter(None, row.actors.split(SEPARATOR)))
        want = gold[(row.doc_id, row.mention_start)]
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    mentions = [m for cell in table.actor_mentions for m in json.loads(cell)]
    print(f"{len(table)} dated passages, {tp + fn} gold attributions")
    print(f"precision {tp / (tp + fp):.3f}  recall {tp / (tp + fn):.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print(f"distinct actors as written: {len({m['text'] for m in mentions})}; "
          f"after case/diacritic folding only: {len({fold(m['text']) for m in mentions})}; "
          f"after alias merging: {len({m['actor'] for m in mentions})}")


if __name__ == "__main__":
    main()
