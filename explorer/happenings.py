"""Happenings: the mentions, in any documents, that date the same real-world occurrence.

Dates that overlap are necessary, never sufficient: the words around the date must
say the same thing happened. For every pair of mentions whose days overlap and whose
words share a term, a logistic model (its weights are data, `happening_model.json`,
fitted by `bench/happenings.py --train` on the development part of the gold) turns
a few measures into the chance that they date one happening:

- how alike their words are, as TF-IDF cosines (scikit-learn): the words right next
  to the date (nearest weigh most: "last year's *mass protests*" against "last
  year's *election*"), the clause it belongs to (`clauses.what`), the whole passage,
  and the titles of the two articles (which tell the story each article is about);
- whether both dates are the article's news peg (a day at most two days before its
  publication), whether the spans are the same, both coarse, in one document or one
  passage; how many actors they share; whether their relations agree.

Words are folded before they are compared: common words and date words are dropped,
endings stripped, and the words news uses for one kind of happening made one
(`EVENT_WORDS`: "freed", "released" and "pardoned" are all "release"). Mentions are
then grouped by average linkage over those chances: two groups join only when their
mentions are, on average, likely to date one happening, so one strong link cannot
chain two happenings together. A pair needs some likeness of words at all
(`Model.gate`), and two passages of one article that both date its news peg need more
unless they name the same kind of happening (`required_words`).

The work is in proportion to the corpus: a pair is only scored when the two mentions
share a word (of their nearest words, clause or title; not one that more than
`KEY_SHARE` of the mentions have) and their days overlap, and under each word a mention
is compared with at most `WINDOW` mentions after it in date order.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .actors import SEPARATOR
from .clauses import clause_span, what

MODEL_PATH = Path(__file__).resolve().parent / "happening_model.json"
KEY_SHARE = 0.05  # a word more than this share of the mentions have finds no candidates ...
KEY_FLOOR = 100  # ... unless so few have it
WINDOW = 20  # mentions after it (in date order) a mention is compared with, per word
LOCAL_WORDS = 4  # words each side of the date that make its nearest context
PEG_DAYS = 2  # a day at most this many days before publication is the article's news peg
COARSE = {"month", "season", "quarter", "half", "year", "decade", "century"}

# Words news uses for one kind of happening, made one word before they are compared.
EVENT_WORDS = {
    "election": "vote voting poll polls ballot elect elected election elections electoral",
    "release": "free freed frees freeing release released releases releasing pardon pardoned pardons",
    "sentence": "sentence sentenced sentences sentencing convicted conviction convict jailed verdict",
    "inauguration": "sworn inauguration inaugurated inaugurate oath",
    "prize": "award awarded awards prize prizes laureate laureates winner winners won win wins recipients",
    "arrest": "arrest arrested arrests detain detained detention custody kidnapped abducted seized",
    "protest": "protest protests protested protesters rally rallies demonstration demonstrations demonstrators",
    "invasion": "invade invaded invasion invading war",
    "meeting": "met meet meeting meetings talks",
    "founding": "found founded founding established founder founders created creation",
    "power": "rule ruled ruling power",
    "statement": "statement statements announced announcement declared",
}
_EVENT = {word: canon for canon, words in EVENT_WORDS.items() for word in words.split()}
# Words that say nothing of what happened: English function words and the calendar's own.
# Attribution says who told, not what happened.
_ATTRIBUTION = "said says say saying told according reportedly".split()
_DATE_WORDS = ("january february march april may june july august september october november december "
               "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
               "saturday sunday today yesterday tomorrow tonight year years month months week weeks day days "
               "weekend last next earlier later ago past previous following early late mid").split()
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(_DATE_WORDS) | frozenset(_ATTRIBUTION)
_TOKEN = re.compile(r"[^\W\d_][^\W_]*|\d+")
_YEAR = re.compile(r"1\d{3}|20\d\d")
_ENDINGS = ("ing", "ed", "es", "s", "e")


@lru_cache(maxsize=1 << 18)
def fold(word: str) -> str | None:
    """A word as compared: its kind when it names one, else lower case without its
    ending; None for function words, date words and years."""
    low = word.lower().replace("’", "'")
    if low in _EVENT:
        return _EVENT[low]
    if low in STOP_WORDS or _YEAR.fullmatch(low):
        return None
    for ending in _ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            return low[: -len(ending)]
    return low


def terms(text: str) -> list[str]:
    return [t for t in map(fold, _TOKEN.findall(text)) if t]


def _same(words: list[str]) -> list[str]:
    return words


def _vectorizer(vocabulary=None) -> TfidfVectorizer:
    """TF-IDF (scikit-learn) over texts already made into `terms`, each read once."""
    return TfidfVectorizer(analyzer=_same, sublinear_tf=True, vocabulary=vocabulary)


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float  # average chance at which groups join
    gate: float  # the least word likeness (nearest words or clause) a pair needs at all
    article_gate: float  # ... and two passages of one article that both date its news peg

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Model:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), tuple(data["weights"]), data["intercept"], data["threshold"], data["gate"],
                   data["article_gate"])

    def chance(self, features: np.ndarray) -> np.ndarray:
        """Per pair (a row of measures in FEATURES order), the chance it is one happening."""
        columns = [FEATURES.index(name) for name in self.features]
        z = features[:, columns] @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


FEATURES = ("local", "clause", "passage", "title", "title_peg", "both_peg", "same_doc", "same_passage",
            "same_span", "both_coarse", "actors", "same_relation", "kinds_same")
MODEL_FEATURES = FEATURES[:-1]  # what the logistic model weighs; a kind in common serves `required_words`
KINDS = sorted(EVENT_WORDS)


# --- the words of each mention -------------------------------------------------------------

def contexts(table: pd.DataFrame) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """Per row: its nearest words (each repeated by nearness) and its clause's words, as
    `terms`, and `what`."""
    local, clause, said = [], [], []
    for passage, p_start, mention, m_start in zip(table["passage"], table["passage_start"], table["mention"],
                                                  table["mention_start"]):
        s = m_start - p_start
        e = s + len(mention)
        a, b = clause_span(passage, s, e)
        before = terms(passage[max(0, s - 200):s])[-LOCAL_WORDS:]
        after = terms(passage[e:e + 200])[:LOCAL_WORDS]
        near = []
        for distance, word in enumerate(reversed(before)):
            near += [word] * (LOCAL_WORDS - distance)
        for distance, word in enumerate(after):
            near += [word] * (LOCAL_WORDS - distance)
        local.append(near)
        clause.append(terms(passage[min(a, s):max(b, e)]))
        said.append(what(passage, s, e, (a, b)))
    return local, clause, said


def _kinds(texts) -> sparse.csr_matrix:
    """Per text (its terms), which of the kinds of happening (EVENT_WORDS) it names."""
    index = {kind: k for k, kind in enumerate(KINDS)}
    rows, cols = [], []
    for row, words in enumerate(texts):
        for kind in {t for t in words if t in index}:
            rows.append(row)
            cols.append(index[kind])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(KINDS)))


def _fitted(texts, vocabulary: TfidfVectorizer | None = None) -> TfidfVectorizer | None:
    """TF-IDF weights learnt from these texts (lists of terms; over the words of `vocabulary`
    when given), or None when they hold no word to weigh."""
    try:
        return _vectorizer(vocabulary.vocabulary_ if vocabulary is not None else None).fit(texts)
    except (ValueError, AttributeError):  # an empty vocabulary
        return None


def _transform(vectorizer: TfidfVectorizer | None, texts, n: int) -> sparse.csr_matrix:
    if vectorizer is None:
        return sparse.csr_matrix((n, 1))
    return vectorizer.transform(texts).tocsr()


def _row_dots(matrix: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 500_000) -> np.ndarray:
    out = np.empty(len(i))
    for k in range(0, len(i), chunk):
        out[k:k + chunk] = np.asarray(matrix[i[k:k + chunk]].multiply(matrix[j[k:k + chunk]]).sum(axis=1)).ravel()
    return out


# --- which pairs are compared ----------------------------------------------------------------

def _days(iso: pd.Series) -> np.ndarray:
    return np.array(iso.where(iso != "", "1970-01-01").to_list(), dtype="datetime64[D]").astype(np.int64)


def candidate_pairs(keys, start: np.ndarray, end: np.ndarray, window: int = WINDOW):
    """(i, j) with i < j: mentions that share a key word and whose days overlap, each mention
    compared with at most `window` of the mentions after it (in date order) under each key."""
    postings: dict[int, list[int]] = defaultdict(list)
    for row, row_keys in enumerate(keys):
        for key in row_keys.tolist():
            postings[key].append(row)
    found_i, found_j = [], []
    for rows in postings.values():
        if len(rows) < 2:
            continue
        rows = np.asarray(rows)
        rows = rows[np.lexsort((end[rows], start[rows]))]
        s, e = start[rows], end[rows]
        # for each row, the rows after it that begin by the day it ends
        reach = np.minimum(np.searchsorted(s, e, side="right"), np.arange(len(rows)) + 1 + window)
        count = np.maximum(reach - np.arange(len(rows)) - 1, 0)
        if not count.any():
            continue
        first = np.repeat(np.arange(len(rows)), count)
        offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        second = first + 1 + offset
        found_i.append(rows[first])
        found_j.append(rows[second])
    if not found_i:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    i, j = np.concatenate(found_i), np.concatenate(found_j)
    low, high = np.minimum(i, j), np.maximum(i, j)
    pairs = np.unique(low * (len(start) + 1) + high)
    return pairs // (len(start) + 1), pairs % (len(start) + 1)


# --- the measures of a pair ---------------------------------------------------------------------

@dataclass
class Pairs:
    i: np.ndarray
    j: np.ndarray
    features: np.ndarray  # one row a pair, in FEATURES order


def pair_features(table: pd.DataFrame, local=None, clause=None) -> Pairs:
    """The candidate pairs of a table's resolved rows and their measures."""
    if local is None or clause is None:
        local, clause, _ = contexts(table)
    n = len(table)
    # "now" dates the state of things when the article was written, not a happening of its own
    resolved = ((table["date_start"] != "") & (table["granularity"] != "present")).to_numpy()
    start, end = _days(table["date_start"]), _days(table["date_end"])
    # one vocabulary (the passages') for the three kinds of context, each weighing its words by
    # how many of its own texts have them
    passages, passage_row = np.unique(table["passage"].to_numpy(dtype=str), return_inverse=True)
    passage_terms = [terms(p) for p in passages]
    words = _fitted(passage_terms)
    P = _transform(_fitted(passage_terms, words), passage_terms, len(passages))[passage_row]
    L, C = (_transform(_fitted(texts, words), texts, n) for texts in (local, clause))
    titles, title_row = np.unique(table["title"].to_numpy(dtype=str), return_inverse=True)
    title_terms = [terms(t) for t in titles]
    T = _transform(_fitted(title_terms), title_terms, len(titles))[title_row]
    # a row's words (nearest, clause, and its article's title) find its candidates; a word
    # more than one row in KEY_SHARE has is too common to tell happenings apart
    title_words = _transform(words, title_terms, len(titles))[title_row]
    present = ((L + C + title_words) > 0).tocsr()
    present = sparse.diags(resolved.astype(float)) @ present
    frequency = np.asarray(present.sum(axis=0)).ravel()
    present = present @ sparse.diags((frequency <= max(KEY_FLOOR, KEY_SHARE * n)).astype(float))
    present.eliminate_zeros()
    keys = np.split(present.tocsr().indices, present.tocsr().indptr[1:-1])
    i, j = candidate_pairs(keys, start, end)
    published = _days(table["published"])
    granularity = table["granularity"].to_numpy(dtype=str)
    peg = ((table["published"] != "").to_numpy() & np.isin(granularity, ["day", "time"])
           & (published - start >= 0) & (published - start <= PEG_DAYS) & resolved)
    doc = pd.factorize(table["doc_id"])[0]
    passage = pd.factorize(table["doc_id"] + ":" + table["passage_start"].astype(str))[0]
    relation = pd.factorize(table["relation"])[0]
    coarse = np.isin(granularity, list(COARSE))
    actor_names = table["actors"].str.split(SEPARATOR, regex=False)
    actor_codes = pd.factorize(actor_names.explode())
    A = sparse.csr_matrix((np.ones(len(actor_codes[0])), (np.repeat(np.arange(n), actor_names.str.len()), actor_codes[0])),
                          shape=(n, max(len(actor_codes[1]), 1)))
    A.data[:] = 1.0
    empty = ~table["actors"].astype(bool).to_numpy()
    A = sparse.diags((~empty).astype(float)) @ A
    shared = _row_dots(A, i, j)
    sizes = np.asarray(A.sum(axis=1)).ravel()
    union = sizes[i] + sizes[j] - shared
    # the kinds of happening each clause names (EVENT_WORDS): one in common, or both some and none in common
    K = _kinds(clause)
    has_kind = np.asarray(K.sum(axis=1)).ravel() > 0
    kinds_same = (_row_dots(K, i, j) > 0).astype(float)
    both_peg = (peg[i] & peg[j]).astype(float)
    title = _row_dots(T, i, j)
    measures = {
        "local": _row_dots(L, i, j), "clause": _row_dots(C, i, j), "passage": _row_dots(P, i, j), "title": title,
        "title_peg": title * both_peg, "both_peg": both_peg, "same_doc": (doc[i] == doc[j]).astype(float),
        "same_passage": (passage[i] == passage[j]).astype(float),
        "same_span": ((start[i] == start[j]) & (end[i] == end[j])).astype(float),
        "both_coarse": (coarse[i] & coarse[j]).astype(float),
        "actors": np.divide(shared, union, out=np.zeros(len(i)), where=union > 0),
        "same_relation": (relation[i] == relation[j]).astype(float),
        "apart_in_article": ((doc[i] == doc[j]) & (passage[i] != passage[j])).astype(float) * both_peg,
        "kinds_same": kinds_same, "kinds_differ": (has_kind[i] & has_kind[j] & (kinds_same == 0)).astype(float),
    }
    features = np.column_stack([measures[name] for name in FEATURES]) if len(i) else np.empty((0, len(FEATURES)))
    return Pairs(i, j, features)


# --- grouping -----------------------------------------------------------------------------------

def average_linkage(n: int, i: np.ndarray, j: np.ndarray, chance: np.ndarray, threshold: float) -> np.ndarray:
    """Groups of n items from weighted links (absent links weigh 0): repeatedly join the two
    groups whose mean link is highest, while it is at least `threshold`. Returns a group
    number per item. A join costs in proportion to the two groups' links, not to n."""
    links: list[dict[int, float]] = [dict() for _ in range(n)]
    for a, b, p in zip(i.tolist(), j.tolist(), chance.tolist()):
        if p > 0 and a != b:
            links[a][b] = links[a].get(b, 0.0) + p
            links[b][a] = links[a][b]
    size = [1] * n
    parent = list(range(n))
    heap = [(-p, a, b) for a in range(n) for b, p in links[a].items() if a < b and p >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue
        mean = links[a][b] / (size[a] * size[b])
        if not math.isclose(mean, -negative):  # the groups changed since: file it anew
            if mean >= threshold:
                heapq.heappush(heap, (-mean, a, b))
            continue
        if len(links[a]) < len(links[b]):
            a, b = b, a  # the group with fewer links joins the other
        parent[b] = a
        size[a] += size[b]
        del links[a][b]
        for c, weight in links[b].items():
            if c != a:
                del links[c][b]
                links[a][c] = links[a].get(c, 0.0) + weight
                links[c][a] = links[a][c]
        links[b] = {}
        for c, weight in links[a].items():
            mean = weight / (size[a] * size[c])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(a, c), max(a, c)))
    out = np.empty(n, dtype=np.int64)
    for item in range(n):
        root = item
        while parent[root] != root:
            root = parent[root]
        out[item] = root
        while parent[item] != root:  # shorten the path for the items after
            parent[item], item = root, parent[item]
    return out


def groups(table: pd.DataFrame, model: Model | None = None) -> tuple[np.ndarray, list[str]]:
    """A group number per row (rows of one happening share it) and each row's `what`."""
    model = model or default_model()
    local, clause, said = contexts(table)
    pairs = pair_features(table, local, clause)
    chance = model.chance(pairs.features) if len(pairs.i) else np.empty(0)
    if len(chance):
        chance = np.where(worded(pairs.features) >= required_words(pairs.features, model), chance, 0.0)
    return average_linkage(len(table), pairs.i, pairs.j, chance, model.threshold), said


def worded(features: np.ndarray) -> np.ndarray:
    """How alike a pair's words are: the better of the nearest words' and the clauses' cosines."""
    return np.maximum(features[:, FEATURES.index("local")], features[:, FEATURES.index("clause")])


def required_words(features: np.ndarray, model: Model) -> np.ndarray:
    """The word likeness each pair needs (`model.gate`). Two passages of one article that both
    date its news peg are mostly two happenings (the story, and what else happened that day:
    a report issued and a speech scheduled, both "on January 27"); when an article tells one
    happening twice it names the same kind of happening (EVENT_WORDS: "freed ... on Thursday",
    "among those released Thursday") or repeats its words, so without a kind in common such a
    pair needs `model.article_gate`."""
    apart = ((features[:, FEATURES.index("same_doc")] == 1) & (features[:, FEATURES.index("same_passage")] == 0)
             & (features[:, FEATURES.index("both_peg")] == 1) & (features[:, FEATURES.index("kinds_same")] == 0))
    return np.where(apart, model.article_gate, model.gate)


_MODEL: Model | None = None


def default_model() -> Model:
    global _MODEL
    if _MODEL is None:
        _MODEL = Model.load()
    return _MODEL


def with_happenings(table: pd.DataFrame, model: Model | None = None) -> pd.DataFrame:
    """The events table with `what` (each mention's clause) and `happening_id` (shared by the
    mentions of one happening: "h" and the first of their event ids, so it survives rebuilds
    that keep that mention)."""
    table = table.reset_index(drop=True)
    if table.empty:
        return table.assign(what=pd.Series(dtype=str), happening_id=pd.Series(dtype=str))
    group, said = groups(table, model)
    first = pd.Series(table["event_id"].to_numpy()).groupby(group).transform("min")
    return table.assign(what=said, happening_id="h" + first.to_numpy().astype(str))


# --- one row a happening ------------------------------------------------------------------------

# How a happening's place on the timeline follows from its date words and their relation.
SHAPES = {
    "at": "span",  # at X: X
    "opens": "from",  # since X: from X to the latest publication, still going when reported
    "closes": "to",  # until X: ends at X, its start not told
    "after": "after",  # after X: some time between X and the latest publication
    "before": "before",  # before X: some time before X
}
VIEW_COLUMNS = {
    "happening_id": "the happening's id (shared by its mentions in the events table)",
    "what": "what happened, as its clearest source writes it (the clause its date belongs to)",
    "date_start": "the first day its sources agree on (empty when unresolved)",
    "date_end": "the last day its sources agree on",
    "granularity": "the finest precision among the mentions that agree",
    "relation": "at, opens (since), closes (until), before or after, as most of its mentions put it",
    "shape": "how it is drawn: span, from (still going when reported), to (start not told), after, before",
    "placed_start": "where it is drawn from (empty when its start is not told)",
    "placed_end": "where it is drawn to (empty when it is still going)",
    "outlets": "how many distinct outlets report it",
    "documents": "how many documents report it",
    "mentions": "how many date mentions date it",
    "sources": "the outlets, joined by ' | '",
    "actors": "the actors any of its mentions names, joined by ' | '",
    "first_reported": "the earliest publication date among its documents",
    "last_reported": "the latest publication date among its documents",
    "disagree": "True when some mentions date it to days that do not overlap the agreed span",
    "disagreeing": "those mentions: words, dates and outlet, joined by ' | '",
    "event_ids": "its mentions' event ids, joined by ' '",
}
_ORDER = ["time", "day", "week", "weekend", "month", "season", "quarter", "half", "year", "decade", "century", "present"]


def _agreed(starts: list[str], ends: list[str]) -> tuple[str, str, list[int]]:
    """The span most mentions agree on: the intersection of the spans that cover the day most
    of them cover; and the mentions that do not overlap it."""
    events = sorted([(s, 0, k) for k, s in enumerate(starts)] + [(e, 1, k) for k, e in enumerate(ends)])
    best, count, best_day = -1, 0, None
    for day, kind, _ in events:
        if kind == 0:
            count += 1
            if count > best:
                best, best_day = count, day
        else:
            count -= 1
    covering = [k for k in range(len(starts)) if starts[k] <= best_day <= ends[k]]
    start = max(starts[k] for k in covering)
    end = min(ends[k] for k in covering)
    apart = [k for k in range(len(starts)) if ends[k] < start or starts[k] > end]
    return start, end, apart


def _after(day: str, days: int = 1) -> str:
    return str(np.datetime64(day) + np.timedelta64(days, "D"))


def place(start: str, end: str, relation: str, last_published: str) -> tuple[str, str, str]:
    """(shape, placed_start, placed_end) of a happening dated start..end with `relation`."""
    shape = SHAPES.get(relation, "span")
    if shape == "from":
        return shape, start, ""
    if shape == "to":
        return shape, "", end
    if shape == "before":
        return shape, "", _after(start, -1)
    if shape == "after":
        later = last_published if last_published and last_published > end else _after(end)
        return shape, _after(end), later
    return shape, start, end


def view(table: pd.DataFrame) -> pd.DataFrame:
    """One row a happening (see VIEW_COLUMNS) of an events table with `happening_id`, most
    reported first, then by date. Plain lists per happening: the columns are read once."""
    names = ("happening_id", "date_start", "date_end", "source", "actors", "published", "granularity", "relation",
             "mention", "doc_id", "event_id", "what")
    col = {name: table[name].tolist() for name in names}
    members: dict[str, list[int]] = defaultdict(list)
    for i, happening in enumerate(col["happening_id"]):
        members[happening].append(i)
    rows = []
    for happening, group in members.items():
        resolved = [i for i in group if col["date_start"][i] != ""]
        outlets = sorted({col["source"][i] for i in group if col["source"][i]})
        actors = sorted({a for i in group for a in col["actors"][i].split(SEPARATOR) if a})
        published = sorted(col["published"][i] for i in group if col["published"][i])
        if resolved:
            start, end, apart = _agreed([col["date_start"][i] for i in resolved], [col["date_end"][i] for i in resolved])
            left_out = set(apart)
            agreeing = [i for k, i in enumerate(resolved) if k not in left_out]
            granularity = min((col["granularity"][i] for i in agreeing), key=_rank)
            relations = Counter(col["relation"][i] for i in agreeing)
            relation = max(relations, key=lambda r: (relations[r], r == "at"))
            shape, placed_start, placed_end = place(start, end, relation, published[-1] if published else "")
            disagreeing = [_disagreeing(col, resolved[k]) for k in apart]
        else:
            start = end = placed_start = placed_end = ""
            granularity, relation, shape, disagreeing = col["granularity"][group[0]], col["relation"][group[0]], "span", []
        rows.append({
            "happening_id": happening,
            "what": _clearest([col["what"][i] for i in group], [col["granularity"][i] for i in group]),
            "date_start": start, "date_end": end,
            "granularity": granularity, "relation": relation, "shape": shape, "placed_start": placed_start,
            "placed_end": placed_end, "outlets": len(outlets), "documents": len({col["doc_id"][i] for i in group}),
            "mentions": len(group), "sources": SEPARATOR.join(outlets), "actors": SEPARATOR.join(actors),
            "first_reported": published[0] if published else "", "last_reported": published[-1] if published else "",
            "disagree": bool(disagreeing),
            "disagreeing": SEPARATOR.join(disagreeing), "event_ids": " ".join(col["event_id"][i] for i in group),
        })
    out = pd.DataFrame(rows, columns=list(VIEW_COLUMNS))
    if out.empty:
        return out
    unresolved = out["date_start"] == ""
    return (out.assign(_u=unresolved).sort_values(["_u", "outlets", "date_start", "happening_id"],
                                                  ascending=[True, False, True, True], kind="stable")
            .drop(columns="_u").reset_index(drop=True))


def _rank(granularity: str) -> int:
    return _ORDER.index(granularity) if granularity in _ORDER else 99


def _disagreeing(col: dict, i: int) -> str:
    span = col["date_start"][i] + (f"–{col['date_end'][i]}" if col["date_end"][i] != col["date_start"][i] else "")
    return f"“{col['mention'][i]}” {span} ({col['source'][i] or 'unknown outlet'})"


CLEAREST_AMONG = 50  # mentions compared to find the clearest telling: a bound, so a much-reported happening costs no more


def _clearest(whats: list[str], granularities: list[str]) -> str:
    """The `what` of the mention that says it most plainly: the one whose clause shares most
    words with the others' (the group's most typical telling), the finer date at a tie."""
    if len(whats) == 1:
        return whats[0]
    told = range(min(len(whats), CLEAREST_AMONG))
    said = [set(terms(whats[k])) for k in told]

    def typical(k):  # a whole clause before a cut one; then mean word overlap (Jaccard) with the
        # others; then the finer date; then the shorter
        alike = sum(len(said[k] & said[m]) / (len(said[k] | said[m]) or 1) for m in told if m != k)
        return ("…" not in whats[k], round(alike, 6), -_rank(granularities[k]), -len(whats[k]))
    return whats[max(told, key=typical)]
