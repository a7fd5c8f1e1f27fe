"""Happenings: the mentions, in any documents, that date the same real-world occurrence.

Dates that overlap are necessary, never sufficient: the words around the date must
say the same thing happened. For every pair of mentions whose days overlap and whose
words share a term, a logistic model (its weights are data, `happening_model.json`,
fitted by `bench/happenings.py --train` on the development part of the gold) turns
a few measures into the chance that they date one happening:

- how alike their words are, as TF-IDF cosines (weighed as scikit-learn weighs them):
  the words right next to the date (nearest weigh most: "last year's *mass protests*"
  against "last year's *election*"), the clause it belongs to (`clauses.what`), the
  whole passage, and the titles of the two articles (which tell the story each article
  is about);
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
`KEY_SHARE` of the mentions have) and their days overlap; under each word a mention
is compared with at most `WINDOW` mentions after it in date order, and with at most
`CANDIDATES` in all (those whose shared words weigh most). Pairs are found, measured and
gated a block of mentions at a time, and only the pairs with a chance are kept, so the
memory taken grows with the mentions, not with the pairs looked at.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from .actors import SEPARATOR
from .clauses import clause_span, what
from .words import _TOKEN, EVENT_WORDS, fold, terms

MODEL_PATH = Path(__file__).resolve().parent / "happening_model.json"
KEY_SHARE = 0.05  # a word more than this share of the mentions have finds no candidates ...
KEY_FLOOR = 100  # ... unless so few have it
WINDOW = 20  # mentions after it (in date order) a mention is compared with, per word
# ... and in all: a mention has dozens of words, and many mentions of one day sharing them
# would otherwise bring it a window of candidates for each (hundreds). A bound that news
# seldom reaches: the gold sets and 30,000 synthetic mentions group as they did without it
CANDIDATES = 5 * WINDOW
TRIPLES_AT_ONCE = 250_000  # (mention, word, candidate) looked at in one block: bounds its memory
PAIRS_AT_ONCE = 50_000  # pairs measured at once: bounds the memory of their measures
LOCAL_WORDS = 4  # words each side of the date that make its nearest context
PEG_DAYS = 2  # a day at most this many days before publication is the article's news peg
COARSE = {"month", "season", "quarter", "half", "year", "decade", "century"}

def _first_terms(words, k: int = LOCAL_WORDS) -> list[str]:
    """The first k `terms` of these words (folding no more of them than that takes)."""
    out = []
    for word in words:
        term = fold(word)
        if term:
            out.append(term)
            if len(out) == k:
                break
    return out


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
        before = _first_terms(reversed(_TOKEN.findall(passage, max(0, s - 200), s)))[::-1]
        after = _first_terms(_TOKEN.findall(passage, e, e + 200))
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


@dataclass
class _TfIdf:
    """TF-IDF weights of texts already made into `terms`: the numbers scikit-learn's
    TfidfVectorizer(sublinear_tf=True) gives (sorted vocabulary, smoothed idf, 1 + log tf,
    rows of length 1), without its Python work per distinct word, which made-up or
    misspelt words by the hundred thousand turn into most of the cost."""
    vocabulary: pd.Index
    idf: np.ndarray

    @classmethod
    def fit(cls, texts, vocabulary: _TfIdf | None = None) -> _TfIdf | None:
        """Weights learnt from these texts (over the words of `vocabulary` when given), or
        None when they hold no word to weigh."""
        return _weights(texts, vocabulary)[0]

    def transform(self, texts) -> sparse.csr_matrix:
        return self.weigh(_counts(texts, self.vocabulary))

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Counts (of `_counts`) made weights, in place."""
        np.log(counts.data, counts.data)
        counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        return _unit_rows(counts)


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row scaled to length 1, in place (an empty row stays empty): what scikit-learn's
    normalize(norm="l2") does, without loading scikit-learn (a second of the command line's start)."""
    per_row = np.diff(matrix.indptr)
    row = np.repeat(np.arange(matrix.shape[0]), per_row)
    lengths = np.sqrt(np.bincount(row, weights=matrix.data ** 2, minlength=matrix.shape[0]))
    lengths[lengths == 0] = 1.0
    matrix.data /= lengths[row]
    return matrix


def _counts(texts, words: pd.Index, at_once: int = 200_000) -> sparse.csr_matrix:
    """Per text, how often it has each of `words` (a row's words in their order, as scikit-learn's),
    about `at_once` words of the texts at a time: each takes some 80 bytes while it is counted."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    cut = np.searchsorted(np.cumsum(lengths), np.arange(at_once, lengths.sum(), at_once))
    edges = np.unique(np.r_[0, cut, len(texts)])
    parts = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        flat = np.empty(int(lengths[lo:hi].sum()), dtype=object)
        flat[:] = list(chain.from_iterable(texts[lo:hi]))
        codes = words.get_indexer(flat)
        known = codes >= 0
        rows = np.repeat(np.arange(hi - lo), lengths[lo:hi])[known]
        part = sparse.csr_matrix((np.ones(len(rows)), (rows, codes[known])), shape=(hi - lo, len(words)))
        part.sum_duplicates()
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    return sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, len(words)))


def _weights(texts, vocabulary: _TfIdf | None = None) -> tuple[_TfIdf | None, sparse.csr_matrix]:
    """The weights learnt from texts (over the words of `vocabulary` when given) and the texts
    weighed by them; None and one empty column when there is no word to weigh. The texts are
    counted once."""
    words = vocabulary.vocabulary if vocabulary is not None else pd.Index(sorted(set(chain.from_iterable(texts))))
    if not len(words):
        return None, sparse.csr_matrix((len(texts), 1))
    counts = _counts(texts, words)
    df = np.bincount(counts.indices, minlength=len(words)).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=len(texts) + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    fitted = _TfIdf(words, idf)
    return fitted, fitted.weigh(counts)


def _row_dots(matrix: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 10_000) -> np.ndarray:
    """Per pair, the dot product of rows i and j: `chunk` pairs at a time, as each copies its
    two rows (a passage's words: a few hundred bytes a pair)."""
    out = np.empty(len(i))
    for k in range(0, len(i), chunk):
        out[k:k + chunk] = np.asarray(matrix[i[k:k + chunk]].multiply(matrix[j[k:k + chunk]]).sum(axis=1)).ravel()
    return out


# --- which pairs are compared ----------------------------------------------------------------

def _days(iso: pd.Series) -> np.ndarray:
    return np.array(iso.where(iso != "", "1970-01-01").to_list(), dtype="datetime64[D]").astype(np.int64)


def _key_matrix(keys, n: int) -> sparse.csr_matrix:
    """Keys as a rows × words matrix: given as one, or as a list of word numbers a row (each weighing 1)."""
    if sparse.issparse(keys):
        return sparse.csr_matrix(keys)
    lengths = [len(k) for k in keys]
    words = np.concatenate([np.asarray(k, dtype=np.int64) for k in keys]) if sum(lengths) else np.empty(0, np.int64)
    matrix = sparse.csr_matrix((np.ones(len(words)), (np.repeat(np.arange(n), lengths), words)),
                               shape=(n, int(words.max()) + 1 if len(words) else 1))
    matrix.data[:] = 1.0  # a word listed twice is still one key
    return matrix


def _candidate_blocks(keys, start: np.ndarray, end: np.ndarray, window: int = WINDOW, limit: int = CANDIDATES,
                      at_once: int = TRIPLES_AT_ONCE):
    """`candidate_pairs`, a block of mentions (in date order) at a time: yields (i, j) arrays."""
    n = len(start)
    matrix = _key_matrix(keys, n)
    matrix.eliminate_zeros()
    if n < 2 or not matrix.nnz:
        return
    # one order for every word: by day, then row; under a word, a mention's window is the
    # mentions after it in this order that begin by the day it ends
    order = np.lexsort((np.arange(n), end, start))
    s, e = start[order], end[order]
    by_word = matrix[order].tocsc()
    by_word.sort_indices()
    del matrix
    row, weight, ptr = by_word.indices, by_word.data, by_word.indptr
    low = min(int(s.min()), int(e.min()))
    span = max(int(s.max()), int(e.max())) - low + 2
    # how many mentions after it under the word each (mention, word) meets: words a chunk at a time
    count = np.empty(len(row), dtype=np.int32)
    columns = np.unique(np.r_[0, np.searchsorted(ptr, np.arange(at_once, len(row), at_once)), len(ptr) - 1])
    for first_word, last_word in zip(columns[:-1], columns[1:]):
        lo, hi = ptr[first_word], ptr[last_word]
        word = np.repeat(np.arange(last_word - first_word, dtype=np.int64), np.diff(ptr[first_word:last_word + 1]))
        begins = word * span + (s[row[lo:hi]] - low)  # ascending: by word, then by day within it
        reach = np.searchsorted(begins, word * span + (e[row[lo:hi]] - low), side="right")
        entry = np.arange(hi - lo)
        count[lo:hi] = np.clip(np.minimum(reach, entry + 1 + window) - entry - 1, 0, None)
    # blocks of whole mentions, each with about `at_once` (mention, word, candidate) triples
    by_row = np.argsort(row, kind="stable").astype(np.int32 if len(row) < 2**31 else np.int64)
    per_row = np.bincount(row, weights=count, minlength=n)
    cut = np.searchsorted(np.cumsum(per_row), np.arange(at_once, per_row.sum() + at_once, at_once), side="right")
    edges = np.unique(np.r_[0, cut, n])
    bounds = np.searchsorted(row[by_row], edges)
    for first_row, last_row, lo, hi in zip(edges[:-1], edges[1:], bounds[:-1], bounds[1:]):
        entries = by_row[lo:hi]
        c = count[entries]
        entries, c = entries[c > 0], c[c > 0]
        if not len(entries):
            continue
        first = np.repeat(entries, c)
        second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(c) - c, c)
        # per pair, how much the words under whose windows they meet weigh in both (the
        # matrix sums a pair's words); then each mention's likeliest `limit`, the nearer at a tie
        met = sparse.csr_matrix((weight[first] * weight[second], (row[first] - first_row, row[second])),
                                shape=(last_row - first_row, n))
        del first, second
        met.sum_duplicates()
        a = np.repeat(np.arange(first_row, last_row), np.diff(met.indptr))
        best = np.argsort((a - first_row) * (met.data.max() + 1.0) - met.data, kind="stable")
        rank = np.arange(len(a)) - np.repeat(met.indptr[:-1], np.diff(met.indptr))
        a, b = order[a[best][rank < limit]], order[met.indices[best][rank < limit]]
        yield np.minimum(a, b), np.maximum(a, b)


def _sorted_pairs(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    return np.argsort(i * (n + 1) + j, kind="stable")


def candidate_pairs(keys, start: np.ndarray, end: np.ndarray, window: int = WINDOW, limit: int = CANDIDATES):
    """(i, j) with i < j: mentions that share a key word and whose days overlap, each mention
    compared with at most `window` of the mentions after it (in date order) under each key,
    and with at most `limit` in all: those whose shared keys weigh most. Keys: per row, its
    key words (word numbers), or a rows × words matrix of their weights."""
    found = list(_candidate_blocks(keys, start, end, window, limit))
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    i, j = np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
    ordered = _sorted_pairs(i, j, len(start))
    return i[ordered], j[ordered]


# --- the measures of a pair ---------------------------------------------------------------------

@dataclass
class Pairs:
    i: np.ndarray
    j: np.ndarray
    features: np.ndarray  # one row a pair, in FEATURES order


def _measurer(table: pd.DataFrame, local, clause):
    """What finding and measuring a table's pairs needs, worked out once: the rows' keys (a
    rows × words matrix of their weights), first and last days, and a function from pairs
    (i, j) to their measures. Everything here is one row a mention (or a passage, a title),
    never one a pair."""
    n = len(table)
    # "now" dates the state of things when the article was written, not a happening of its own
    resolved = ((table["date_start"] != "") & (table["granularity"] != "present")).to_numpy()
    start, end = _days(table["date_start"]), _days(table["date_end"])
    # one vocabulary (the passages') for the three kinds of context, each weighing its words by
    # how many of its own texts have them; a passage's or title's words are kept once, not once a row
    passage_row, passages = pd.factorize(table["passage"].astype(str))
    passage_terms = [terms(p) for p in passages]
    words, P = _weights(passage_terms)
    (_, L), (_, C) = (_weights(texts, words) for texts in (local, clause))
    title_row, titles = pd.factorize(table["title"].astype(str))
    title_terms = [terms(t) for t in titles]
    _, T = _weights(title_terms)
    # a row's words (nearest, clause, and its article's title) find its candidates; a word
    # more than one row in KEY_SHARE has is too common to tell happenings apart. A key weighs
    # its nearest and clause weights, which rank a mention's candidates (a title's words find
    # candidates too, but barely weigh: a pair that shares only them ranks last)
    title_words = words.transform(title_terms) if words is not None else sparse.csr_matrix((len(titles), 1))
    title_words = title_words[title_row]
    title_words.data[:] = 1e-6
    keys = (L + C + title_words).tocsr()
    del title_words
    keys.data *= np.repeat(resolved, np.diff(keys.indptr))
    keys.eliminate_zeros()
    frequency = np.bincount(keys.indices, minlength=keys.shape[1])
    keys.data *= frequency[keys.indices] <= max(KEY_FLOOR, KEY_SHARE * n)
    keys.eliminate_zeros()
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
    sizes = np.asarray(A.sum(axis=1)).ravel()
    # the kinds of happening each clause names (EVENT_WORDS): one in common, or both some and none in common
    K = _kinds(clause)

    def measure(i: np.ndarray, j: np.ndarray, least_words: float | None = None) -> Pairs:
        """The pairs (i, j) with their measures; with `least_words`, only the pairs whose words
        are that alike (`worded`): the others are left before their other measures are taken."""
        local, clause = _row_dots(L, i, j), _row_dots(C, i, j)
        if least_words is not None:
            alike = np.maximum(local, clause) >= least_words
            i, j, local, clause = i[alike], j[alike], local[alike], clause[alike]
        shared = _row_dots(A, i, j)
        union = sizes[i] + sizes[j] - shared
        both_peg = (peg[i] & peg[j]).astype(float)
        title = _row_dots(T, title_row[i], title_row[j])
        measures = {
            "local": local, "clause": clause,
            "passage": _row_dots(P, passage_row[i], passage_row[j]), "title": title,
            "title_peg": title * both_peg, "both_peg": both_peg, "same_doc": (doc[i] == doc[j]).astype(float),
            "same_passage": (passage[i] == passage[j]).astype(float),
            "same_span": ((start[i] == start[j]) & (end[i] == end[j])).astype(float),
            "both_coarse": (coarse[i] & coarse[j]).astype(float),
            "actors": np.divide(shared, union, out=np.zeros(len(i)), where=union > 0),
            "same_relation": (relation[i] == relation[j]).astype(float),
            "kinds_same": (_row_dots(K, i, j) > 0).astype(float),
        }
        return Pairs(i, j, np.column_stack([measures[name] for name in FEATURES]) if len(i)
                     else np.empty((0, len(FEATURES))))

    return keys, start, end, measure


def _measured_pairs(keys, start, end, measure, least_words: float | None = None):
    """The candidate pairs of a table's resolved rows with their measures (see `_measurer`),
    `PAIRS_AT_ONCE` at a time; with `least_words`, only those whose words are that alike."""
    for i, j in _candidate_blocks(keys, start, end):
        for k in range(0, len(i), PAIRS_AT_ONCE):
            yield measure(i[k:k + PAIRS_AT_ONCE], j[k:k + PAIRS_AT_ONCE], least_words)


def _joined(parts: list[Pairs], n: int, width: int) -> Pairs:
    """Parts of pairs as one, in the order of (i, j)."""
    if not parts:
        return Pairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty((0, width)))
    i, j = np.concatenate([p.i for p in parts]), np.concatenate([p.j for p in parts])
    ordered = _sorted_pairs(i, j, n)
    return Pairs(i[ordered], j[ordered], np.concatenate([p.features for p in parts])[ordered])


def pair_features(table: pd.DataFrame, local=None, clause=None) -> Pairs:
    """The candidate pairs of a table's resolved rows and their measures (all at once: for
    training and comparing; `groups` keeps only the pairs with a chance)."""
    if local is None or clause is None:
        local, clause, _ = contexts(table)
    return _joined(list(_measured_pairs(*_measurer(table, local, clause))), len(table), len(FEATURES))


# --- grouping -----------------------------------------------------------------------------------

def average_linkage(n: int, i: np.ndarray, j: np.ndarray, chance: np.ndarray, threshold: float) -> np.ndarray:
    """Groups of n items from weighted links (absent links weigh 0): repeatedly join the two
    groups whose mean link is highest, while it is at least `threshold`. Returns a group
    number per item. A join costs in proportion to the two groups' links, not to n."""
    links: list[dict[int, float]] = [dict() for _ in range(n)]
    kept = (chance > 0) & (i != j)  # only links become Python objects
    for a, b, p in zip(i[kept].tolist(), j[kept].tolist(), chance[kept].tolist()):
        links[a][b] = links[a].get(b, 0.0) + p
        links[b][a] = links[a][b]
    size = [1] * n
    parent = list(range(n))
    # the first links come sorted (in the heap's order: highest mean, then items), and the
    # heap holds only those filed later: a sorted start is read in order, not sifted
    first = [(-p, a, b) for a in range(n) for b, p in links[a].items() if a < b and p >= threshold]
    first.sort()
    first.reverse()  # popped from the end
    heap: list[tuple[float, int, int]] = []
    # A join only lowers the mean link of the joined group with a neighbour of one side alone
    # (the group grew, the links did not), so those entries are left in the heap too high and
    # filed anew at their true mean when they come up; only a neighbour of the side that
    # joined can have a higher mean and is filed at once. Each item is thus filed again only
    # when its group joins a larger one: a log factor, not once per join of its group.
    while heap or first:
        if first and (not heap or first[-1] <= heap[0]):
            negative, a, b = first.pop()
        else:
            negative, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue
        mean = links[a][b] / (size[a] * size[b])
        if not math.isclose(mean, -negative):
            if mean < -negative and mean >= threshold:
                heapq.heappush(heap, (-mean, a, b))  # filed too high: file it at its true mean
            continue  # (filed too low: its fresh entry came first)
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
                mean = links[a][c] / (size[a] * size[c])
                if mean >= threshold:
                    heapq.heappush(heap, (-mean, min(a, c), max(a, c)))
        links[b] = {}
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
    measurer = _measurer(table, local, clause)
    del local, clause  # the weights read them: they need not stay
    linked = []
    # a pair whose words are less alike than any gate asks has no chance: it is not measured further
    for pairs in _measured_pairs(*measurer, least_words=min(model.gate, model.article_gate)):
        chance = model.chance(pairs.features) if len(pairs.i) else np.empty(0)
        chance = np.where(worded(pairs.features) >= required_words(pairs.features, model), chance, 0.0)
        kept = chance > 0  # a pair without a chance is no link: only the links are kept
        linked.append(Pairs(pairs.i[kept], pairs.j[kept], chance[kept, None]))
    links = _joined(linked, len(table), 1)
    group = average_linkage(len(table), links.i, links.j, links.features[:, 0], model.threshold)
    return _join_contradictions(group, table, *measurer), said


# Two outlets may date one happening to different days ("13 March" where four say "14 March"):
# mentions of a day at most this many days apart, in words this alike, naming the same kind of
# happening, are one happening the sources disagree on, unless an article dates both (an article
# that dates two days names two happenings: the hanging on Monday, the one on Thursday before it).
CONTRADICTION_DAYS = 7
CONTRADICTION_WORDS = 0.5  # the clauses' (or nearest words') cosine, at least


def _join_contradictions(group: np.ndarray, table: pd.DataFrame, keys, start, end, measure) -> np.ndarray:
    """`group` with each group that some other group contradicts (see CONTRADICTION_DAYS)
    joined to it: the smaller to the larger, each at most once, so that no chain of days forms."""
    day = np.isin(table["granularity"].to_numpy(dtype=str), ["day", "time"]) & (start >= 0)
    if day.sum() < 2:
        return group
    best: dict[int, tuple[float, int]] = {}
    # only day mentions are candidates (the others get an empty span), each reaching a few days on
    for i, j in _candidate_blocks(keys, np.where(day, start, -1), np.where(day, end + CONTRADICTION_DAYS, -2)):
        apart = day[i] & day[j] & ((end[i] < start[j]) | (end[j] < start[i])) & (group[i] != group[j])
        i, j = i[apart], j[apart]
        if not len(i):
            continue
        pairs = measure(i, j)
        f = {name: pairs.features[:, k] for k, name in enumerate(FEATURES)}
        words_alike = np.maximum(f["local"], f["clause"])
        alike = (words_alike >= CONTRADICTION_WORDS) & (f["kinds_same"] > 0) & (f["same_doc"] == 0)
        for a, b, words in zip(group[pairs.i[alike]].tolist(), group[pairs.j[alike]].tolist(),
                               words_alike[alike].tolist()):
            for x, y in ((a, b), (b, a)):
                if words > best.get(x, (0.0, -1))[0]:
                    best[x] = (words, y)
    if not best:
        return group
    involved = set(best) | {other for _, other in best.values()}
    doc_ids = table["doc_id"].to_numpy()
    docs = {g: set(doc_ids[rows]) for g, rows in pd.Series(np.arange(len(group))).groupby(group).indices.items()
            if g in involved}
    size = np.bincount(group)
    joined: dict[int, int] = {}
    for small, (_, large) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        if size[small] > size[large] or (size[small] == size[large] and small < large):
            continue  # the larger (the majority's date) takes the smaller in
        # a group joins once, and one that took another in joins no third: no chain of days
        if small in joined or small in joined.values() or large in joined or docs[small] & docs[large]:
            continue
        joined[small] = large
    return np.array([joined.get(g, g) for g in group.tolist()], dtype=group.dtype)


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
