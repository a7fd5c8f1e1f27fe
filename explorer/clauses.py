"""The clause a date belongs to: what the source says happened then, in its own words.

`clause_span(passage, start, end)` finds, in a passage, the clause that holds the
date words at passage offsets start..end: the passage is cut at clause marks
(semicolons, colons, dashes, brackets, commas before a space, never inside the date
words), and when the date's own piece is only an introduction ("In a statement on
December 10,", "Today, 6 September 2021,") the clause is the main one it introduces;
when it is only the date, apposed to a clause ("could take place today, September
23"), it is that clause. `what` is that clause,
trimmed of joining words and cut to `MAX_WHAT` characters at word boundaries; it is
always a piece of the passage as written, never words of our own.
"""

from __future__ import annotations

import re

from .grammar import MONTHS, WEEKDAYS

MAX_WHAT = 160
# Where a passage divides into pieces: the marks themselves are left out of both.
_MARKS = re.compile(r"\s*(?:;|:\s|\s[—–-]\s|[()\[\]]|,(?=\s)|//|\|)\s*")
# Words a piece may open with that only join it to the one before.
_JOINERS = re.compile(r"^(?:and|but|or|while|whereas|which|who|whom|that|as|when|where|although|though|"
                      r"so|then|also|including|according\s+to)\b\s*", re.IGNORECASE)
# An opening's words that name no happening: prepositions, articles, and the nouns of
# saying ("in a statement on December 10, the State Department named ...").
_FRAME = re.compile(r"\b(?:in|on|at|since|by|during|after|before|until|from|following|earlier|later|then|meanwhile|"
                    r"a|an|the|its|their|his|her|this|that|of|to|with|"
                    r"statement|report|interview|briefing|conference|press|speech|remarks|address|post|tweet|"
                    r"message|letter|announcement|comments?)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
SHORT_CLAUSE = 5  # words: a piece this short is a subject or an aside, and the clause goes on
_ASIDE = re.compile(r"(?:in|on|at|with|without|for|of|by|as|who|which|whose|according|including|along)\b", re.IGNORECASE)
_DATE_WORD = re.compile(r"\d+(?:st|nd|rd|th)?|" + "|".join(sorted(set(MONTHS) | set(WEEKDAYS) | {"today", "yesterday", "tomorrow"},
                                                          key=len, reverse=True)), re.IGNORECASE)


def _pieces(passage: str, keep: tuple[int, int]) -> list[tuple[int, int]]:
    """The passage cut at clause marks, never inside `keep` (the date words: "May 30, 2007")."""
    spans, pos = [], 0
    for mark in _MARKS.finditer(passage):
        if mark.start() < keep[1] and keep[0] < mark.end():
            continue
        if mark.start() > pos:
            spans.append((pos, mark.start()))
        pos = mark.end()
    if pos < len(passage):
        spans.append((pos, len(passage)))
    return [(a, b) for a, b in spans if _WORD.search(passage, a, b)]


def clause_span(passage: str, start: int, end: int) -> tuple[int, int]:
    """Passage offsets of the clause that holds passage[start:end]: the date's own piece,
    or, when that piece is only the date (an apposition, "today, September 23") or an
    introduction ("On Monday,"), the piece it stands for."""
    pieces = _pieces(passage, (start, end))
    i = next((k for k, (a, b) in enumerate(pieces) if a <= start < b), None)
    if i is None:
        return start, end

    def rest(k):
        a, b = pieces[k]
        return (passage[a:start] + " " + passage[end:b]).strip() if k == i else passage[a:b]

    def trivial(k):  # the date alone, or with its preposition
        words = _WORD.findall(rest(k))
        return len(words) <= 1 or (k != i and len(words) <= 4 and all(_DATE_WORD.fullmatch(w) for w in words))

    def intro(k):  # "In a statement on December 10": an opening that names no happening of its own
        words = _WORD.findall(_FRAME.sub(" ", rest(k)))
        return not words

    def grown(k):  # a bare subject runs on past its asides to the verb's piece:
        a, b = pieces[k]  # "the United States, in coordination with allies, has imposed sanctions"
        if len(_WORD.findall(passage[a:b])) < SHORT_CLAUSE:
            while k + 1 < len(pieces) and _ASIDE.match(passage, pieces[k + 1][0]):
                k += 1
            b = pieces[min(k + 1, len(pieces) - 1)][1]
        return a, b

    if all(trivial(k) or intro(k) for k in range(i + 1)):  # "Today, 6 September 2021, the verdict ...": the verdict
        ahead = next((k for k in range(i + 1, len(pieces)) if not trivial(k)), i)
        return grown(ahead)
    if trivial(i):
        if _WORD.findall(rest(i)) and i + 1 < len(pieces):  # "..., on September 23, 2020, the inauguration took place"
            return grown(i + 1)
        # "could take place today, September 23": the clause the date is apposed to
        behind = next((k for k in range(i - 1, -1, -1) if not trivial(k)), i)
        return pieces[behind]
    return pieces[i]


def what(passage: str, start: int, end: int, span: tuple[int, int] | None = None) -> str:
    """The clause of the date words at passage offsets start..end (its `clause_span`, when
    known), as written, trimmed."""
    a, b = span or clause_span(passage, start, end)
    text = passage[a:b].replace("\n", " ")  # a hard-wrapped line is one line of prose
    joined = _JOINERS.match(text)
    if joined and joined.end() < len(text) and not (a <= start < a + joined.end()):
        text, a = text[joined.end():], a + joined.end()
    text = text.strip().strip(".,;:!?—–-• ")
    if not _WORD.search(text):  # the passage is the date alone ("[September 12, 2025]")
        return passage.strip()[:MAX_WHAT]
    if len(text) > MAX_WHAT:
        # around the date words when they are in it, else the clause's start
        centre = start - a if a <= start < a + len(text) else 0
        lo = max(0, min(centre - MAX_WHAT // 3, len(text) - MAX_WHAT))
        cut = text[lo:lo + MAX_WHAT]
        first = cut.find(" ") + 1 if lo > 0 else 0
        last = cut.rfind(" ") if lo + MAX_WHAT < len(text) else len(cut)
        text = ("…" if lo > 0 else "") + cut[first:last].strip() + ("…" if lo + MAX_WHAT < len(text) else "")
    return text
