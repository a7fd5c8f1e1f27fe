"""Words as happenings compare them: `fold` drops function words, date words and years,
strips endings and makes the words news uses for one kind of happening one (`EVENT_WORDS`).

Kept apart from the grouping (`happenings`) so that the page can tell a happening's
clearest words (`happening_view`) without loading scikit-learn and SciPy.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# scikit-learn's English stop words, as a file of ours (see its head)
ENGLISH_STOP_WORDS = frozenset(
    line for line in (Path(__file__).resolve().parent / "english_stop_words.txt").read_text(encoding="utf-8").split("\n")
    if line and not line.startswith("#"))

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
    "execution": "execute executed executes executing execution executions hanged hanging hangings",
    "coup": "coup coups putsch takeover",
    "charge": "charge charged charges charging indicted indictment",
}
_EVENT = {word: canon for canon, words in EVENT_WORDS.items() for word in words.split()}
# Words that say nothing of what happened: English function words and the calendar's own.
# Attribution says who told, not what happened.
_ATTRIBUTION = "said says say saying told according reportedly".split()
_DATE_WORDS = ("january february march april may june july august september october november december "
               "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
               "saturday sunday today yesterday tomorrow tonight year years month months week weeks day days "
               "weekend last next earlier later ago past previous following early late mid").split()
STOP_WORDS = ENGLISH_STOP_WORDS | frozenset(_DATE_WORDS) | frozenset(_ATTRIBUTION)
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
