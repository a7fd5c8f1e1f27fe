"""`what`: the clause a date belongs to, as written."""

import pytest

from explorer.clauses import MAX_WHAT, what


def clause(passage: str, words: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = passage.index(words, start + 1)
    return what(passage, start, start + len(words))


@pytest.mark.parametrize("passage, words, expected", [
    # an introduction borrows the clause it opens
    ("In a statement on December 10, the U.S. State Department named Ihar Kenyukh and Yauheni Shapetska, accusing "
     "them of torture.", "December 10", "the U.S. State Department named Ihar Kenyukh and Yauheni Shapetska"),
    ("Today, 6 September 2021, the verdict has been announced in the case of Maria Kalesnikava.", "Today",
     "the verdict has been announced in the case of Maria Kalesnikava"),
    ("Today, 6 September 2021, the verdict has been announced in the case of Maria Kalesnikava.", "6 September 2021",
     "the verdict has been announced in the case of Maria Kalesnikava"),
    ("In an atmosphere of absolute secrecy, on September 23, 2020, the inauguration took place in Minsk.",
     "September 23, 2020", "the inauguration took place in Minsk"),
    # a bare subject runs on past its asides to its verb
    ("Since August 2020, the United States, in coordination with allies, has imposed five rounds of sanctions.",
     "August 2020", "the United States, in coordination with allies, has imposed five rounds of sanctions"),
    # a date in apposition stands for the clause before it
    ("Media reported that the inauguration could take place today, September 23, or later.", "September 23",
     "Media reported that the inauguration could take place today"),
    # a date inside its clause keeps it; joining words go
    ("Police came, and Belarus freed 52 political prisoners on Thursday.", "Thursday",
     "Belarus freed 52 political prisoners on Thursday"),
    ("The ceremony, which took place on May 30, 2007, was short.", "May 30, 2007", "took place on May 30, 2007"),
])
def test_the_clause_of_a_date(passage, words, expected):
    assert clause(passage, words) == expected


def test_a_long_clause_is_cut_at_words_around_the_date():
    passage = "Police " + "came again and again " * 20 + "on 28 October 2020 " + "and stayed for long " * 20 + "at night."
    said = clause(passage, "28 October 2020")
    assert len(said) <= MAX_WHAT + 2 and "28 October 2020" in said and said.startswith("…") and said.endswith("…")
    assert said[1:-1] in passage  # never words of our own


def test_a_passage_that_is_only_a_date():
    assert clause("[September 12, 2025]", "September 12, 2025") == "September 12, 2025"
