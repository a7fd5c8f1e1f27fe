"""Happenings: accuracy against the gold, the methods tried, and the cost as the corpus grows.

    python bench/happenings.py                # accuracy of the shipped model, and its cost
    python bench/happenings.py --train        # fit the model on the development part, write it
    python bench/happenings.py --compare      # the methods tried, on the same splits
    python bench/happenings.py --cv           # refitted leaving one close pair out, against the shipped model
    python bench/happenings.py --scale 1000 10000 100000
    python bench/happenings.py --hostile 1 2 4 8 16

Accuracy is pairwise precision and recall of `happening_id` over the gold mentions
(tests/happening_gold.py): the seed articles, the corroboration articles' development
part (ryanair, inauguration, Kalesnikava: the model is fitted and tuned there) and
their held-out part (Nobel, prisoner release: only measured). The cost: grouping the
events of a synthetic corpus (bench/speed.py's generator) of about 1k, 10k and 100k
mentions, against building that table without it, with the fitted growth exponent.

`--hostile`: issue 19's worst shape for grouping, at 1x to 16x: k files of 5,000 sentences
"On 3 March 2023 police <40 made-up words>." (about 1.2 MB a file), the words drawn from
2,000 made-up ones, so that every mention dates the same day and shares words with a
hundred or more others. The mentions are read once a scale (kept in bench/out, not timed);
grouping them (`with_happenings`) then runs in a fresh process a scale, under a 12 GB
address-space limit. Printed: seconds (wall and CPU), peak memory over the process's size
before grouping, pairs measured, happenings; and the growth exponents over the scales.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer import happening_view, words  # noqa: E402
from explorer import happenings as h  # noqa: E402
from tests import happening_gold as hg  # noqa: E402

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
# The least word likeness a pair needs: fixed, not tuned. Dates are never enough; a tenth of
# cosine in the nearest words or the clause is the least that says the same thing happened.
GATES = (0.05,)
ARTICLE_GATES = (0.05, 0.1, 0.2, 0.3, 0.4)


def corroboration():
    table, texts = hg.corroboration_table()
    return table, hg.align(table, hg.corroboration_gold(texts))


def seeds():
    from explorer.corpus import load_folder
    from explorer.events import events_table

    table = h.with_happenings(events_table(load_folder(ROOT / "seeds").documents))
    return table, hg.align(table, hg.seed_gold())


def regroup(table, model):
    return h.with_happenings(table.drop(columns=["what", "happening_id"]), model)


def scores(model):
    corr, corr_gold = corroboration()
    corr = regroup(corr, model)
    seed, seed_gold = seeds()
    seed = regroup(seed, model)
    close, close_gold = close_pairs()
    close = regroup(close, model)
    return {"seeds": hg.pairwise(seed, seed_gold), "development": hg.pairwise(corr, corr_gold, hg.development),
            "held out": hg.pairwise(corr, corr_gold, hg.held_out),
            # not fitted on, but looked at while choosing rules (issue 21): a development set too
            "close pairs": hg.pairwise(close, close_gold)}


def close_pairs():
    """The close pairs set (tests/data/corroboration2): its table and aligned gold."""
    table, texts = hg.corroboration_table(hg.CLOSE_PAIRS)
    return table, hg.align(table, hg.corroboration_gold(texts, hg.CLOSE_PAIRS / "gold.json"))


def print_scores(title, result):
    print(title)
    for name, s in result.items():
        print(f"  {name:12} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}   "
              f"({s.true_pairs} true, {s.false_pairs} false, {s.missed_pairs} missed pairs; {s.mentions} mentions)")


def training_pairs(table, gold, keep):
    pairs = h.pair_features(table)
    ids = table["event_id"].to_numpy()
    X, y = [], []
    for a, b, f in zip(pairs.i, pairs.j, pairs.features):
        ga, gb = gold.get(ids[a]), gold.get(ids[b])
        if ga and gb and not ga.optional and not gb.optional and keep(ga) and keep(gb):
            X.append(f[[h.FEATURES.index(name) for name in h.MODEL_FEATURES]])
            y.append(int(ga.happening == gb.happening))
    return X, y


def pooled(parts) -> hg.Score:
    """One score over several (table, gold, keep) parts: their pairs counted together."""
    tp = fp = fn = mentions = 0
    for table, gold, keep in parts:
        s = hg.pairwise(table, gold, keep)
        tp, fp, fn, mentions = tp + s.true_pairs, fp + s.false_pairs, fn + s.missed_pairs, mentions + s.mentions
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return hg.Score(precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
                    tp, fp, fn, mentions)


def train():
    """Fit on the development pairs (corroboration's development part and the seeds), tune the
    threshold and the word gate there; the held-out part plays no role."""
    corr, corr_gold = corroboration()
    seed, seed_gold = seeds()
    model, s, y = fit([(corr, corr_gold, hg.development), (seed, seed_gold, lambda g: True)])
    data = {"features": list(model.features), "weights": list(model.weights), "intercept": model.intercept,
            "threshold": model.threshold, "gate": model.gate, "article_gate": model.article_gate,
            "fitted_on": f"{len(y)} development pairs ({int(y.sum())} of one happening): the seeds and "
                         "the corroboration articles of tests/happening_gold.py DEVELOPMENT",
            "development_f1": round(s.f1, 4)}
    h.MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"fitted on {len(y)} pairs; threshold {model.threshold}, gate {model.gate}, article gate "
          f"{model.article_gate}; development F1 {s.f1:.3f} -> {h.MODEL_PATH}")
    print(dict(zip(h.MODEL_FEATURES, np.round(model.weights, 2))), round(model.intercept, 2))


PAIRS = {"iran": ("shekari", "rahnavard"), "nicaragua": ("nicaragua", "alvarez"),
         "navalny": ("navalny",), "myanmar": ("myanmar", "suu-kyi")}


def close_pair_of_documents(table, gold) -> dict[str, str]:
    """Each close-pairs document's pair (iran, nicaragua, navalny, myanmar): the pair whose main
    happenings most of its gold mentions date."""
    votes: dict[str, dict[str, int]] = {}
    for g in gold.values():
        for pair, stems in PAIRS.items():
            if g.happening.startswith(stems):
                votes.setdefault(g.doc_id, {}).setdefault(pair, 0)
                votes[g.doc_id][pair] += 1
    return {doc: max(v, key=v.get) for doc, v in votes.items()}


def fit(parts):
    """A model fitted on the pairs of `parts` [(table, gold, keep)], its threshold and gates
    chosen there (best pooled F1; at a tie the stricter gate: dates are never enough, words
    must agree); with its pooled score there and the pairs' labels."""
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for table, gold, keep in parts:
        a, b = training_pairs(table, gold, keep)
        X += a
        y += b
    y = np.array(y)
    fitted = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(np.array(X), y)
    base = dict(features=h.MODEL_FEATURES, weights=tuple(float(w) for w in fitted.coef_[0]),
                intercept=float(fitted.intercept_[0]))
    best = None
    for gate, article_gate, threshold in itertools.product(sorted(GATES, reverse=True), sorted(ARTICLE_GATES, reverse=True),
                                                           THRESHOLDS):
        model = h.Model(**base, threshold=threshold, gate=gate, article_gate=article_gate)
        s = pooled([(regroup(t, model), g, k) for t, g, k in parts])
        if best is None or s.f1 > best[0].f1 + 1e-9:
            best = (s, model)
    return best[1], best[0], y


def cross_validate():
    """Issue 21: leave one close pair out. Fit on the seeds, corroboration's development part
    and the other three close pairs; score the pair left out (and, once, corroboration's
    held-out part, which no fit sees). Beside it, the shipped model on the same folds."""
    corr, corr_gold = corroboration()
    seed, seed_gold = seeds()
    close, close_gold = close_pairs()
    pair_of = close_pair_of_documents(close, close_gold)
    shipped = h.default_model()
    rows = []
    for pair in PAIRS:
        out = lambda g, pair=pair: pair_of.get(g.doc_id) == pair  # noqa: E731
        kept = lambda g, pair=pair: pair_of.get(g.doc_id) not in (pair, None)  # noqa: E731
        model = fit([(corr, corr_gold, hg.development), (seed, seed_gold, lambda g: True), (close, close_gold, kept)])[0]
        rows.append((pair, hg.pairwise(regroup(close, model), close_gold, out),
                     hg.pairwise(regroup(close, shipped), close_gold, out), model))
        print(f"  {pair:10} refitted P {rows[-1][1].precision:.3f} R {rows[-1][1].recall:.3f}   "
              f"shipped P {rows[-1][2].precision:.3f} R {rows[-1][2].recall:.3f}   (threshold {model.threshold}, "
              f"article gate {model.article_gate})", flush=True)
    for k, name in ((1, "refitted"), (2, "shipped")):
        tp, fp, fn = (sum(getattr(r[k], a) for r in rows) for a in ("true_pairs", "false_pairs", "missed_pairs"))
        print(f"close pairs, each left out ({name}): P {tp / (tp + fp):.3f} R {tp / (tp + fn):.3f}")
    everything = fit([(corr, corr_gold, hg.development), (seed, seed_gold, lambda g: True),
                      (close, close_gold, lambda g: True)])[0]
    print_scores("refitted on all the development data (seeds, corroboration development, close pairs)",
                 {"held out": hg.pairwise(regroup(corr, everything), corr_gold, hg.held_out)})
    print_scores("shipped", {"held out": hg.pairwise(regroup(corr, shipped), corr_gold, hg.held_out)})
    return everything


def compare():
    """The methods tried, each tuned on the development part alone."""
    from rapidfuzz import fuzz

    corr, gold = corroboration()
    seed, seed_gold = seeds()
    model = h.default_model()

    def run(name, link):
        """`link(table) -> (i, j, chance, threshold grid, linkage)`: tune on development, report all."""
        best = None
        for threshold in THRESHOLDS + (0.1, 0.2, 0.8, 0.9):
            labelled = assign(corr, link, threshold)
            s = hg.pairwise(labelled, gold, hg.development)
            if best is None or s.f1 > best[0].f1 + 1e-9:
                best = (s, threshold)
        threshold = best[1]
        labelled = assign(corr, link, threshold)
        result = {"seeds": hg.pairwise(assign(seed, link, threshold), seed_gold),
                  "development": best[0], "held out": hg.pairwise(labelled, gold, hg.held_out)}
        print_scores(f"{name} (threshold {threshold} chosen on development)", result)

    def assign(table, link, threshold):
        base = table.drop(columns=["what", "happening_id"]).reset_index(drop=True)
        i, j, chance, linkage = link(base)
        if linkage == "single":
            parent = list(range(len(base)))

            def find(x):
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for a, b, p in zip(i, j, chance):
                if p >= threshold:
                    parent[find(a)] = find(b)
            group = np.array([find(x) for x in range(len(base))])
        else:
            group = h.average_linkage(len(base), i, j, chance, threshold)
        return base.assign(happening_id=group.astype(str))

    def overlapping(table):
        pairs = h.pair_features(table)
        return pairs

    def date_only(table):
        p = overlapping(table)
        return p.i, p.j, np.ones(len(p.i)), "single"

    def passage_cosine(table):
        p = overlapping(table)
        return p.i, p.j, p.features[:, h.FEATURES.index("passage")], "single"

    def clause_fuzz(table):
        p = overlapping(table)
        _, clause, _ = h.contexts(table)
        chance = np.array([fuzz.token_set_ratio(" ".join(clause[a]), " ".join(clause[b])) / 100 for a, b in zip(p.i, p.j)])
        return p.i, p.j, chance, "single"

    def model_single(table):
        p = overlapping(table)
        return p.i, p.j, gated(p), "single"

    def model_average(table):
        p = overlapping(table)
        return p.i, p.j, gated(p), "average"

    def gated(p):
        return np.where(h.worded(p.features) >= h.required_words(p.features, model), model.chance(p.features), 0.0)

    print("Every method compares the same candidate pairs (days that overlap, a shared word).")
    run("dates alone: any two overlapping mentions", date_only)
    run("TF-IDF cosine of the passages, single link", passage_cosine)
    run("rapidfuzz token-set ratio of the clauses, single link", clause_fuzz)
    run("the model's chances, single link", model_single)
    run("the model's chances, average link (shipped)", model_average)
    saved = dict(words._EVENT)
    words._EVENT.clear()  # without the event words table
    words.fold.cache_clear()
    try:
        run("the model's chances, average link, without EVENT_WORDS", model_average)
    finally:
        words._EVENT.update(saved)
        words.fold.cache_clear()


def scale(sizes):
    from bench.speed import OUT, generate
    from explorer.corpus import load_folder
    from explorer.events import default_index, document_events, mentions_table

    rows = []
    for size in sizes:
        docs = max(10, size // 38)  # the synthetic articles hold about 38 dated statements each
        folder = OUT / f"corpus-{docs}x5000-7"
        if not (folder / "manifest.csv").exists():
            generate(folder, docs, 5000, 7)
        start = time.perf_counter()
        index = default_index()
        built = mentions_table([row for doc in load_folder(folder).documents for row in document_events(doc, index)[0]])
        build_seconds = time.perf_counter() - start
        start = time.perf_counter()
        grouped = h.with_happenings(built)
        group_seconds = time.perf_counter() - start
        start = time.perf_counter()
        happenings = happening_view.view(grouped)
        view_seconds = time.perf_counter() - start
        pairs = len(h.pair_features(built).i)
        rows.append((len(built), docs, build_seconds, group_seconds, pairs, len(happenings), view_seconds))
        print(f"{len(built):>8,} mentions ({docs:,} documents): build without grouping {build_seconds:7.1f} s, "
              f"grouping {group_seconds:7.2f} s ({group_seconds / build_seconds:.2f}x the build), "
              f"{pairs:,} pairs scored, {len(happenings):,} happenings, their view {view_seconds:.2f} s", flush=True)
    if len(rows) >= 2:
        xs = [math.log(r[0]) for r in rows]
        for name, k in (("grouping time", 3), ("pairs scored", 4), ("build time", 2), ("view time", 6)):
            ys = [math.log(max(r[k], 1e-9)) for r in rows]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            print(f"growth exponent of {name} over mentions: {slope:.2f} (1 = linear, 2 = quadratic)")


HOSTILE_SENTENCES = 5000  # a file's sentences
HOSTILE_LEXICON = 2000  # made-up words the sentences draw from
HOSTILE_MEMORY = 12 * 2**30  # a run that needs more fails instead of taking the machine


def hostile_folder(files: int, seed: int = 19) -> Path:
    """Issue 19's shape: `files` articles of HOSTILE_SENTENCES sentences "On 3 March 2023 police
    <40 made-up words>.", the words drawn from HOSTILE_LEXICON made-up ones (written once)."""
    import random

    from bench.speed import OUT

    folder = OUT / f"hostile-happenings-{files}"
    if (folder / "manifest.csv").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    lexicon = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 6))) for _ in range(HOSTILE_LEXICON)]
    rows = ["file,title,source,url,published"]
    for n in range(files):
        text = "Made up\n" + " ".join("On 3 March 2023 police " + " ".join(rng.choice(lexicon) for _ in range(40)) + "."
                                      for _ in range(HOSTILE_SENTENCES))
        (folder / f"f{n:03d}.txt").write_text(text, encoding="utf-8")
        rows.append(f"f{n:03d}.txt,Made up {n},Bench,,2023-03-05")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def hostile_mentions(files: int) -> Path:
    """The mentions of `hostile_folder(files)`, before grouping, read once and kept."""
    import pickle

    from explorer.corpus import load_folder
    from explorer.events import default_index, document_events, mentions_table

    folder = hostile_folder(files)
    path = folder.parent / f"hostile-happenings-{files}.pkl"
    if not path.exists():
        index = default_index()
        table = mentions_table([row for doc in load_folder(folder).documents for row in document_events(doc, index)[0]])
        path.write_bytes(pickle.dumps(table))
    return path


def _rss_mb() -> float:
    import os

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def hostile_child(path: Path) -> dict:
    """Grouping the kept mentions, in this (fresh) process: time and peak memory."""
    import pickle
    import resource

    table = pickle.loads(path.read_bytes())
    h.with_happenings(table.head(200))  # the imports, the model and the caches, before the clock starts
    base = max(_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    wall, cpu = time.perf_counter(), time.process_time()
    grouped = h.with_happenings(table)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    local, clause, _ = h.contexts(table)  # counted after the peak is read: the pairs grouping measured
    keys, start, end, _ = h._measurer(table, local, clause)
    pairs = sum(len(i) for i, _ in h._candidate_blocks(keys, start, end))
    return {"mentions": len(table), "seconds": wall, "cpu": cpu, "peak_mb": max(peak, 0.0), "pairs": pairs,
            "happenings": int(grouped["happening_id"].nunique())}


def hostile(scales: list[int]) -> None:
    import resource
    import subprocess

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (HOSTILE_MEMORY, HOSTILE_MEMORY))

    print(f"{'scale':>5}{'input MB':>10}{'mentions':>10}{'seconds':>9}{'CPU s':>8}{'peak MB':>9}{'pairs':>11}"
          f"{'happenings':>12}", flush=True)
    rows = []
    for k in scales:
        path = hostile_mentions(k)
        size = sum(f.stat().st_size for f in hostile_folder(k).glob("*.txt"))
        run = subprocess.run([sys.executable, __file__, "--hostile-child", str(path)], capture_output=True, text=True,
                             preexec_fn=limit, cwd=ROOT)
        if run.returncode:
            last = (run.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{k:>5}{size / 2**20:>10.1f}   failed: {last[:80]}", flush=True)
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append((size, r))
        print(f"{k:>5}{size / 2**20:>10.1f}{r['mentions']:>10,}{r['seconds']:>9.1f}{r['cpu']:>8.1f}{r['peak_mb']:>9.0f}"
              f"{r['pairs']:>11,}{r['happenings']:>12,}", flush=True)
    if len(rows) >= 2:
        xs = [math.log(size) for size, _ in rows]
        for name, key in (("wall time", "seconds"), ("CPU time", "cpu"), ("peak memory", "peak_mb")):
            ys = [math.log(max(r[key], 1e-9)) for _, r in rows]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            print(f"growth exponent of {name} over input size, {len(rows)} scales: {slope:.2f} (1 = linear)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--cv", action="store_true", help="leave one close pair out (issue 21)")
    parser.add_argument("--scale", type=int, nargs="*")
    parser.add_argument("--hostile", type=int, nargs="*", help="issue 19's shape at these scales (1 2 4 8 16)")
    parser.add_argument("--hostile-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hostile_child:
        print(json.dumps(hostile_child(args.hostile_child)))
        return
    if args.hostile is not None:
        hostile(args.hostile or [1, 2, 4, 8, 16])
        return
    if args.train:
        train()
        return
    if args.compare:
        compare()
        return
    if args.cv:
        cross_validate()
        return
    if args.scale is not None:
        scale(args.scale or [1000, 10000, 100000])
        return
    print_scores("shipped model", scores(h.default_model()))
    scale([1000, 10000, 100000])


if __name__ == "__main__":
    main()
