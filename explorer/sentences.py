"""Sentence boundaries with character offsets.

A line break ends a sentence (news text puts headlines, captions and
paragraphs on lines of their own), unless the text is hard-wrapped: a long line
that stops mid-sentence (no closing punctuation, not in headline case) runs on
into the next one ("Belarus freed 52 political prisoners on / Thursday as part
of a deal"). Inside a line, a full stop, question or exclamation mark followed
by a capital or an opening quote ends one, except after the abbreviations news
prose uses ("U.S.", "Dec.", "Mr.", initials).
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


WRAPPED_LINE = 50  # characters: a line at least this long that stops mid-sentence is hard-wrapped
_LIST_ITEM = re.compile(r"[-–—•·▪►*]|\d{1,2}[.)]\s")
_CLOSED = re.compile(r"[.!?…:;\"'”’»)\]|]\s*$")


def _runs_on(line: str, following: str, within: bool) -> bool:
    """Whether a hard-wrapped `line` continues its sentence on the `following` line
    (`within`: the line itself continues one, so it is no headline)."""
    stripped = line.strip()
    if len(stripped) < WRAPPED_LINE or not following.strip() or _CLOSED.search(stripped):
        return False
    if _LIST_ITEM.match(stripped) or _LIST_ITEM.match(following.strip()):  # lists are one item a line
        return False
    words = [w for w in stripped.split() if w[:1].isalpha()]
    return within or sum(w[0].isupper() for w in words) <= 0.6 * len(words)  # not a headline


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    lines = text.split("\n")
    pos = 0
    i = 0
    while i < len(lines):
        # a paragraph: this line and any it runs on into
        first = i
        while i + 1 < len(lines) and _runs_on(lines[i], lines[i + 1], i > first):
            i += 1
        block_start = pos
        block = "\n".join(lines[first:i + 1])
        pos += len(block) + 1
        i += 1
        cut = 0
        for end in _END.finditer(block):
            word = _WORD_BEFORE.search(block, max(0, end.start() - 24), end.start())
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and "a" <= token <= "z"):  # an initial
                continue
            _add(spans, block, block_start, cut, end.end())
            cut = end.end()
        _add(spans, block, block_start, cut, len(block))
    return tuple(spans)


def _add(spans, line, line_start, a, b):
    piece = line[a:b]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        start = line_start + a + lead
        spans.append((start, start + len(stripped)))


MAX_PASSAGE = 400  # characters: a longer sentence is shown as a window around its date


def passage_window(text: str, sentence: tuple[int, int], mention: tuple[int, int],
                   limit: int = MAX_PASSAGE) -> tuple[int, int, str]:
    """The passage that shows a mention: its sentence, or, when the sentence is longer
    than `limit`, a window of about `limit` characters around the mention, cut at word
    boundaries. Returns (start, end, cut) with cut "", "start", "end" or "both": the
    sides where the sentence goes on."""
    s, e = sentence
    if e - s <= limit:
        return s, e, ""
    ms, me = mention
    room = max(limit - (me - ms), 0)
    ws = max(s, ms - room // 2)
    we = min(e, me + room - (ms - ws))
    ws = max(s, min(ws, we - limit))  # give what one side could not use to the other
    if ws > s:  # start after a blank, never inside the mention
        blank = _first_blank(text, ws, ms)
        ws = blank if blank is not None else ws
    if we < e:
        blank = text.rfind(" ", me, we)
        we = blank if blank > me else we
    while ws < ms and text[ws].isspace():
        ws += 1
    while we > me and text[we - 1].isspace():
        we -= 1
    cut = {(True, True): "both", (True, False): "start", (False, True): "end"}.get((ws > s, we < e), "")
    return ws, we, cut


def _first_blank(text: str, start: int, stop: int) -> int | None:
    i = text.find(" ", start, stop)
    return i + 1 if i >= 0 else None
