"""Sentence boundaries with character offsets.

A line break always ends a sentence (news text puts headlines, captions and
paragraphs on lines of their own); inside a line, a full stop, question or
exclamation mark followed by a capital or an opening quote ends one, except
after the abbreviations news prose uses ("U.S.", "Dec.", "Mr.", initials).
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col",
    "capt", "sgt", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "no", "nos", "vs", "etc", "inc", "co", "corp",
    "ltd", "jr", "sr", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "d.c", "fig",
    "approx", "est", "dept", "pres", "rev", "mt", "ft",
}

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9А-ЯЁ])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        cut = 0
        for end in _END.finditer(line):
            word = _WORD_BEFORE.search(line, max(0, end.start() - 24), end.start())
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and "a" <= token <= "z"):  # an initial
                continue
            _add(spans, line, line_start, cut, end.end())
            cut = end.end()
        _add(spans, line, line_start, cut, len(line))
    return tuple(spans)


def _add(spans, line, line_start, a, b):
    piece = line[a:b]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        start = line_start + a + lead
        spans.append((start, start + len(stripped)))
