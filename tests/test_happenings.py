"""Happenings: grouping against the hand-made gold, the hard negatives by name, placement by
relation, the one-row-a-happening view, and average linkage against a plain reference."""

import itertools
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from explorer import happening_view as hv
from explorer import happenings as h
from explorer.events import read_table

from . import happening_gold as hg
from .conftest import ROOT


@pytest.fixture(scope="module")
def corroboration():
    table, texts = hg.corroboration_table()
    return table, hg.align(table, hg.corroboration_gold(texts))


@pytest.fixture(scope="module")
def seeds(seed_table):
    return seed_table, hg.align(seed_table, hg.seed_gold())


def happening(table, doc_prefix, mention, nth=0):
    rows = table[table.doc_id.str.startswith(doc_prefix) & (table.mention == mention)]
    return rows.iloc[nth].happening_id


# --- against the gold ------------------------------------------------------------------------

def test_the_gold_aligns_with_the_table(seeds, corroboration):
    assert len(seeds[1]) == 22  # every seed gold mention is a row
    assert len(corroboration[1]) >= 90  # of 102: the rest are datelines, or words the engine leaves


def test_seed_happenings_match_the_gold(seeds):
    score = hg.pairwise(*seeds)
    assert score.precision >= 0.9 and score.recall >= 0.9, score


def test_development_articles_match_the_gold(corroboration):
    score = hg.pairwise(*corroboration, hg.development)
    assert score.precision >= 0.85 and score.recall >= 0.9, score


def test_held_out_articles_match_the_gold(corroboration):
    """Measured only: nothing was fitted or tuned on these (tests/happening_gold.py)."""
    score = hg.pairwise(*corroboration, hg.held_out)
    assert score.precision >= 0.9 and score.recall >= 0.7, score


@pytest.mark.parametrize("first, second", [
    # same article, same day, different happenings: a report issued, a speech scheduled
    (("003", "January 27", 0), ("003", "January 27", 1)),
    # same article, same day: a statement, and political prisoners recognised
    (("001", "Thursday", 0), ("001", "January 27", 0)),
    # the election, and "since August 2020, the United States has imposed sanctions"
    (("003", "August 2020", 0), ("001", "August 2020", 0)),
    # the election, and political prisoners recognised since August 2020
    (("003", "August 2020", 0), ("002", "August 2020", 0)),
])
def test_seed_hard_negatives_are_apart(seed_table, first, second):
    assert happening(seed_table, *first) != happening(seed_table, *second)


@pytest.mark.parametrize("first, second", [
    # the same day: the prisoners freed, and the envoy's meeting in Minsk
    (("release_lincolndailynews", "Thursday", 0), ("release_lincolndailynews", "Thursday", 1)),
    # last year's mass protests, and last year's election
    (("kalesnikava_washingtonnewsday", "last year", 1), ("ryanair_nationalpost", "last year", 0)),
])
def test_corroboration_hard_negatives_are_apart(corroboration, first, second):
    table, _ = corroboration
    assert happening(table, *first) != happening(table, *second)


def test_one_verdict_in_four_outlets_is_one_happening(corroboration):
    table, _ = corroboration
    ids = {happening(table, "kalesnikava_taipeitimes", "yesterday"), happening(table, "kalesnikava_washingtonnewsday", "Monday"),
           happening(table, "kalesnikava_voiceofbelarus", "Today"), happening(table, "kalesnikava_voiceofbelarus", "6 September 2021"),
           happening(table, "kalesnikava_unlvrebelyell", "Monday")}
    assert len(ids) == 1


def test_the_election_across_outlets_and_wordings_is_one_happening(seed_table):
    ids = {happening(seed_table, "000", "last year"), happening(seed_table, "000", "August 2020"),
           happening(seed_table, "003", "August 2020", 0), happening(seed_table, "003", "August 2020", 1),
           happening(seed_table, "003", "August")}
    assert len(ids) == 1


def test_now_is_no_happening_of_others(seed_table):
    now = seed_table[seed_table.mention == "now"]
    assert now.happening_id.is_unique
    assert not now.happening_id.isin(seed_table[seed_table.mention != "now"].happening_id).any()


def test_ids_are_stable_and_named_after_a_member(seed_table):
    from explorer.happenings import with_happenings

    again = with_happenings(seed_table.drop(columns=["what", "happening_id"]))
    assert list(again.happening_id) == list(seed_table.happening_id)
    for hid, rows in seed_table.groupby("happening_id"):
        assert hid == "h" + rows.event_id.min()


# --- placement ----------------------------------------------------------------------------------

@pytest.mark.parametrize("relation, expected", [
    ("at", ("span", "2020-08-01", "2020-08-31")),
    ("opens", ("from", "2020-08-01", "")),  # since X: from X, still going when reported
    ("closes", ("to", "", "2020-08-31")),  # until X: ends at X
    ("after", ("after", "2020-09-01", "2021-12-10")),  # after X: between X and the report
    ("before", ("before", "", "2020-07-31")),  # before X: before X
])
def test_a_relation_places_a_happening(relation, expected):
    assert hv.place("2020-08-01", "2020-08-31", relation, "2021-12-10") == expected


def view_of(rows):
    base = {"doc_id": "d", "source": "", "published": "2021-12-10", "actors": "", "relation": "at", "mention": "",
            "granularity": "day", "what": "x"}
    table = pd.DataFrame([{**base, **row} for row in rows])
    return hv.view(table)


def test_the_view_says_where_sources_agree_and_shows_who_disagrees():
    v = view_of([
        {"happening_id": "h1", "event_id": "a", "date_start": "2025-06-01", "date_end": "2025-06-30", "granularity": "month",
         "source": "Lincoln", "mention": "June", "doc_id": "d1"},
        {"happening_id": "h1", "event_id": "b", "date_start": "2025-06-21", "date_end": "2025-06-21", "source": "Newser",
         "mention": "Saturday", "doc_id": "d2"},
        {"happening_id": "h1", "event_id": "c", "date_start": "2025-07-01", "date_end": "2025-07-31", "granularity": "month",
         "source": "Kyiv Independent", "mention": "July", "doc_id": "d3"},
    ]).iloc[0]
    assert (v.date_start, v.date_end, v.granularity) == ("2025-06-21", "2025-06-21", "day")  # not averaged
    assert v.disagree and v.disagreeing == "“July” 2025-07-01–2025-07-31 (Kyiv Independent)"
    assert (v.outlets, v.documents, v.mentions) == (3, 3, 3)


def test_a_much_reported_happening_costs_the_view_no_more_than_a_bounded_comparison(monkeypatch):
    """Finding the clearest telling compares at most CLEAREST_AMONG clauses, not every pair."""
    told = []
    from explorer import happening_view

    real_terms = happening_view.terms
    monkeypatch.setattr(happening_view, "terms", lambda text: told.append(text) or real_terms(text))
    n = 5 * hv.CLEAREST_AMONG
    v = view_of([{"happening_id": "h1", "event_id": f"e{k}", "date_start": "2025-06-21", "date_end": "2025-06-21",
                  "what": f"police detained protester number {k}" + (" outside the court" if k == 7 else ""),
                  "doc_id": f"d{k}", "source": f"outlet {k}"} for k in range(n)]).iloc[0]
    assert (v.mentions, v.outlets) == (n, n)
    assert len(told) <= hv.CLEAREST_AMONG
    assert v.what.startswith("police detained protester number")


def test_the_view_of_the_seeds(seed_table):
    v = hv.view(seed_table)
    assert list(v.columns) == list(hv.VIEW_COLUMNS)
    assert v.happening_id.is_unique and v.mentions.sum() == len(seed_table)
    election = v[v.happening_id == happening(seed_table, "003", "August")].iloc[0]
    assert (election.date_start, election.date_end, election.relation, election["shape"]) == (
        "2020-08-01", "2020-08-31", "at", "span")
    assert (election.documents, election.mentions) == (2, 5)
    sanctions = v[v.happening_id == happening(seed_table, "001", "August 2020")].iloc[0]
    assert (sanctions["shape"], sanctions.placed_start, sanctions.placed_end) == ("from", "2020-08-01", "")
    assert "imposed five rounds of sanctions" in sanctions.what


def test_build_writes_the_happenings_view(tmp_path):
    out, view_path = tmp_path / "e.csv", tmp_path / "h.json"
    run = subprocess.run([sys.executable, "-m", "explorer", "build", "seeds", "--out", str(out), "--happenings",
                          str(view_path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    table, v = read_table(out), read_table(view_path)
    assert set(v.happening_id) == set(table.happening_id) and f"{len(v)} happenings -> " in run.stderr


# --- the grouping itself --------------------------------------------------------------------------

def reference_average_linkage(n, i, j, p, threshold):
    """Average linkage as its definition reads: every pair of groups, every time."""
    weight = np.zeros((n, n))
    for a, b, c in zip(i, j, p):
        weight[a, b] += c
        weight[b, a] += c
    groups = [[k] for k in range(n)]
    while True:
        best = None
        for x, y in itertools.combinations(range(len(groups)), 2):
            mean = sum(weight[a, b] for a in groups[x] for b in groups[y]) / (len(groups[x]) * len(groups[y]))
            if mean >= threshold and (best is None or mean > best[0] + 1e-12):
                best = (mean, x, y)
        if best is None:
            return sorted(sorted(g) for g in groups)
        groups[best[1]] += groups.pop(best[2])


def test_average_linkage_agrees_with_its_definition():
    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(2, 9)
        pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < 0.5]
        if not pairs:
            continue
        i, j = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
        p = np.array([round(rng.random(), 3) for _ in pairs])
        threshold = rng.choice([0.3, 0.4, 0.5])
        found = h.average_linkage(n, i, j, p, threshold)
        groups = sorted(sorted(np.flatnonzero(found == g).tolist()) for g in set(found.tolist()))
        assert groups == reference_average_linkage(n, i, j, p, threshold)


def test_one_strong_link_does_not_chain_two_groups():
    # 0-1 strong, 1-2 strong, 0-2 absent: 2 may join {0, 1} only if the mean stays above the bar
    group = h.average_linkage(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.9]), 0.5)
    assert group[0] == group[1] != group[2]


def test_candidates_need_overlapping_days_and_a_shared_word():
    start = np.array([0, 0, 10, 0])
    end = np.array([5, 5, 12, 5])
    keys = [np.array([1]), np.array([1]), np.array([1]), np.array([2])]
    i, j = h.candidate_pairs(keys, start, end)
    assert list(zip(i.tolist(), j.tolist())) == [(0, 1)]


def test_words_are_folded_to_what_happened():
    assert h.terms("Belarus freed 52 prisoners on Thursday, officials said") == ["belaru", "release", "52", "prisoner",
                                                                                 "official"]
    assert h.fold("released") == h.fold("pardoned") == "release" and h.fold("2020") is None


# --- the cost of grouping ---------------------------------------------------------------------------

def one_day_keys(k, seed=19):
    """k mentions of one day, each with 40 of 300 words: every word is shared by k * 40 / 300 of them."""
    rng = random.Random(seed)
    keys = [np.array(rng.sample(range(300), 40)) for _ in range(k)]
    return keys, np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64)


def test_candidates_per_mention_are_bounded_when_many_share_a_day_and_words():
    """Issue 19: under each of its 40 words a mention met the next WINDOW mentions, hundreds of
    candidates each (gigabytes of pairs for a 20 MB upload); now at most CANDIDATES in all."""
    for k in (1000, 2000):
        i, j = h.candidate_pairs(*one_day_keys(k))
        assert len(i) <= h.CANDIDATES * k
        assert np.all(i < j) and len(np.unique(i * k + j)) == len(i)
        assert np.bincount(i, minlength=k).max() <= h.CANDIDATES


def test_a_mention_keeps_the_candidates_it_shares_most_words_with():
    # 0..30 share word 1; 0 and 25 share words 2 and 3 too: under word 1, 25 is beyond 0's window
    keys = [np.array([1, 2, 3]) if r in (0, 25) else np.array([1]) for r in range(31)]
    day = np.zeros(31, dtype=np.int64)
    i, j = h.candidate_pairs(keys, day, day, window=20, limit=5)
    partners = sorted(j[i == 0].tolist())
    assert partners == [1, 2, 3, 4, 25]  # the one sharing three words, then the nearest


LEXICON = [f"w{n:04d}x" for n in range(2000)]  # made-up words, each its own term


def hostile_table(k, seed=19):
    """k mentions "On 3 March 2023 police <40 made-up words>." in files of 500 (issue 19's shape):
    each word is shared by k / 50 mentions, few enough to find candidates."""
    rng = random.Random(seed)
    rows = []
    for n in range(k):
        passage = "On 3 March 2023 police " + " ".join(rng.choice(LEXICON) for _ in range(40)) + "."
        rows.append({"event_id": f"e{n:06d}", "doc_id": f"f{n // 500}", "title": f"Made up {n // 500}",
                     "published": "2023-03-05", "passage": passage, "passage_start": 0, "mention": "3 March 2023",
                     "mention_start": 3, "date_start": "2023-03-03", "date_end": "2023-03-03", "granularity": "day",
                     "relation": "at", "actors": ""})
    return pd.DataFrame(rows)


def test_grouping_memory_grows_with_the_mentions_not_the_pairs():
    """Issue 19: grouping 2,000 such mentions took 1 GB (every pair measured at once, and
    turned into Python objects); pairs are now found, measured and gated a block at a time."""
    import tracemalloc

    peaks = []
    for k in (1000, 2000):
        table = hostile_table(k)
        tracemalloc.start()
        try:
            group, _ = h.groups(table)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert len(group) == k
    assert peaks[1] < 50_000 * 2000  # bytes a mention, blocks included (now about 20,000)
    assert peaks[1] < 2.5 * peaks[0]


def test_tf_idf_weighs_words_as_scikit_learn_does(seed_table):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [h.terms(p) for p in seed_table.passage.unique()] + [[]]
    ours = h._TfIdf.fit(texts).transform(texts)
    theirs = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True).fit(texts).transform(texts).tocsr()
    assert (ours.indptr.tolist(), ours.indices.tolist(), ours.data.tolist()) == (
        theirs.indptr.tolist(), theirs.indices.tolist(), theirs.data.tolist())


def test_a_happening_is_in_the_lanes_of_its_clause_not_of_bystanders(seed_table):
    """Issue 20 item 6: "after the August 2020 vote" in a sentence naming the two officials the
    State Department designated is the election's, not theirs."""
    view = hv.view(seed_table)
    election = view[view["happening_id"] == happening(seed_table, "000", "August 2020")].iloc[0]
    assert "Alyaksandr Lukashenka" in election["actors"].split(" | ")
    assert not {"Ihar Kenyukh", "Yauheni Shapetska", "U.S. State Department"} & set(election["actors"].split(" | "))
    designation = view[view["what"].str.contains("named Ihar Kenyukh")].iloc[0]
    assert {"Ihar Kenyukh", "Yauheni Shapetska", "U.S. State Department"} <= set(designation["actors"].split(" | "))


def test_the_stop_words_are_scikit_learns():
    """The page folds words without scikit-learn (explorer/english_stop_words.txt is a copy)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from explorer import words

    assert words.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS


def test_the_page_shows_happenings_without_loading_the_grouping():
    """The view and the stores the page opens load neither scikit-learn nor SciPy (about
    0.7 s of the page's first load); the grouping, in the upload workers, does."""
    import subprocess
    import sys

    code = ("import sys, explorer.store.memory, explorer.store.duckdb, explorer.chart, explorer.export, explorer.render, explorer.uploads; "
            "print(sorted(m for m in ('sklearn', 'scipy', 'explorer.happenings') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


LOSIK = [  # (outlet, published, title, text): five outlets on one verdict; the fifth dates it a day off
    ("Belsat", "2023-03-15", "Minsk court jails blogger Losik for 15 years",
     "A court in Minsk sentenced blogger Ihar Losik to 15 years in a high-security colony on Tuesday, March 14, "
     "his lawyer said. Losik was detained in June 2020 before the election."),
    ("RFE/RL", "2023-03-15", "Belarus sentences blogger Ihar Losik to 15 years",
     "Belarusian blogger Ihar Losik was sentenced to 15 years in prison on March 14 by a court in Minsk. "
     "He has been in custody since June 2020."),
    ("Reuters", "2023-03-14", "Belarus jails RFE/RL blogger for 15 years",
     "A Minsk court on Tuesday sentenced Ihar Losik, a blogger for RFE/RL, to 15 years in prison, rights group "
     "Viasna said. The sentence drew condemnation from the European Union."),
    ("Viasna", "2023-03-16", "Ihar Losik sentenced to 15 years",
     "On 14 March the Minsk City Court sentenced blogger Ihar Losik to 15 years in a high-security colony. "
     "Viasna recognised him as a political prisoner in 2020."),
    ("Nasha Niva", "2023-03-14", "Blogger Losik gets 15 years",
     "Blogger Ihar Losik was sentenced to 15 years in a colony by a court in Minsk on 13 March, the court's "
     "press service said. He went on hunger strike last year."),
]


def _articles(articles):
    from explorer.corpus import build_document
    from explorer.events import events_table

    return events_table([build_document(f"a{k}.txt", f"{title}\n{text}".encode(),
                                        {"source": outlet, "published": published, "title": title})
                         for k, (outlet, published, title, text) in enumerate(articles)])


def test_an_outlet_that_dates_a_happening_a_day_off_is_joined_and_flagged():
    """Issue 21: "13 March" where four outlets say 14 March was never compared (the days do not
    overlap), so never flagged: one happening, five outlets, the disagreement named."""
    table = _articles(LOSIK)
    verdict = table[table.mention.isin(["Tuesday, March 14", "March 14", "Tuesday", "14 March", "13 March"])]
    assert verdict.happening_id.nunique() == 1
    v = hv.view(table).set_index("happening_id").loc[verdict.happening_id.iloc[0]]
    assert (v.outlets, v.date_start, v.disagree) == (5, "2023-03-14", True)
    assert v.disagreeing == "“13 March” 2023-03-13 (Nasha Niva)"


def test_an_article_that_dates_two_days_keeps_two_happenings_however_alike_their_words():
    """Two hangings four days apart in the same wire copy: the later articles date both, so
    neither is the other told a day off."""
    first = "Iran hanged protester Mohsen Shekari on Thursday, December 8, the judiciary's Mizan news agency said."
    second = ("Iran hanged protester Majidreza Rahnavard in public on Monday, December 12, the judiciary's Mizan news "
              "agency said, four days after it hanged Mohsen Shekari on December 8.")
    table = _articles([("AFP", "2022-12-08", "Iran hangs protester", first),
                       ("AP", "2022-12-09", "Iran carries out first execution", first),
                       ("Reuters", "2022-12-12", "Iran hangs second protester", second),
                       ("BBC", "2022-12-12", "Iran executes second protester", second)])
    days = table[table.granularity == "day"].groupby("date_start").happening_id.unique()
    assert set(days.index) == {"2022-12-08", "2022-12-12"}
    assert len(set(days["2022-12-08"]) & set(days["2022-12-12"])) == 0
    assert not hv.view(table).disagree.any()


@pytest.fixture(scope="module")
def close_pairs():
    table, texts = hg.corroboration_table(hg.CLOSE_PAIRS)
    return table, hg.align(table, hg.corroboration_gold(texts, hg.CLOSE_PAIRS / "gold.json"))


def test_close_pairs_match_the_gold_at_least_as_well_as_today(close_pairs):
    """Issue 21's hard set (eight happenings, two by two in one country days apart, in the same
    words): a floor under today's figures (P 0.784, R 0.824 on its non-optional mentions), so
    that no change makes it worse unseen; the issue's targets (0.90 / 0.85) are above."""
    table, gold = close_pairs
    assert len(gold) >= 185  # of 192 gold mentions: the rest are a photo caption and datelines
    score = hg.pairwise(table, gold)
    assert score.precision >= 0.77 and score.recall >= 0.80, score


def test_the_words_for_one_kind_of_happening_fold_together():
    # "hanged" / "executed": one happening in other words (issue 21); "putsch" is a coup
    assert h.fold("hanged") == h.fold("executed") == h.fold("execution") == "execution"
    assert h.fold("putsch") == h.fold("coup") == "coup" and h.fold("indicted") == h.fold("charged") == "charge"


@pytest.mark.parametrize("first, second", [
    (("a04", "on Thursday"), ("a19", "December 8")),  # "carried out the first execution" / "was hanged on"
    (("a18", "on Monday"), ("a30", "Monday’s")),  # "seized power ... in a coup on Monday" / "Since Monday's putsch"
])
def test_one_happening_told_in_other_words_is_one_happening(close_pairs, first, second):
    table, gold = close_pairs
    found = {(g.doc_id, g.text): e for e, g in gold.items()}
    happening = dict(zip(table.event_id, table.happening_id))
    assert gold[found[first]].happening == gold[found[second]].happening
    assert happening[found[first]] == happening[found[second]]


def test_following_a_weekdays_event_dates_it_back_and_joins_it(close_pairs):
    # a03: "moved ... following Monday's ruling" is the remand of Monday 18 January, not a week on
    table, gold = close_pairs
    row = table[(table.doc_id == "a03") & table.passage.str.contains("following Monday", regex=False)
                & (table.mention == "Monday")].iloc[0]
    assert row.date_start == "2021-01-18"
    assert gold[row.event_id].happening == "navalny-remanded"


def test_rows_are_scaled_to_length_one_as_scikit_learn_does():
    """`_unit_rows` stands in for sklearn.preprocessing.normalize (a second of the command
    line's start), empty rows first, inside and last included."""
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    for seed, shape, density in [(1, (50, 30), 0.1), (2, (5, 5), 0.0), (3, (300, 1000), 0.01)]:
        m = sparse.random(*shape, density=density, format="csr", random_state=seed)
        m = sparse.csr_matrix(m.multiply(np.array([[0], [1], [0], *[[1]] * (shape[0] - 4), [0]])))
        expected = normalize(m, norm="l2")
        got = h._unit_rows(m.copy())
        assert np.allclose(got.toarray(), expected.toarray())
