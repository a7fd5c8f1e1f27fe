"""Actors: who is named in each passage, under one name whatever the spelling.

The actor list is data (`data/actors.csv`: name, kind, aliases joined by "|").
Matching works on words: each word of the text and of every alias is folded
(transliterated to ASCII by anyascii, lower-cased, dots and a possessive "'s"
dropped, then the romanization variants in FOLDS merged), and the longest run
of folded words that spells an alias wins. So "Łukašenka", "Lukashenka's" and
"LUKASHENKA" are one actor; "Cichanoŭskaja" and "Tsikhanouskaya" fold alike.

A match must look like a name: a one-word alias only where the word is
capitalised ("Amnesty", never "amnesty"), an abbreviation only in capitals
("US", never the pronoun "us"). A word two actors claim (a shared surname)
names neither.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

# data/actors.csv, reached through the package's `data` link so that an installed wheel carries it
DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "actors.csv"
SEPARATOR = " | "  # how the events table joins canonical names (no name holds it)

# Romanizations of the same Cyrillic sounds, folded together (applied in order).
FOLDS = [("ts", "c"), ("kh", "h"), ("ch", "h"), ("sh", "s"), ("zh", "z"),
         ("ya", "ja"), ("yu", "ju"), ("yo", "jo"), ("ye", "je")]

# A word, its possessive "'s" left outside the match ("Lukashenka's" -> "Lukashenka").
_WORD = re.compile(r"(?<![\w'’])(?:(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:[-/][^\W\d_]+|['’](?![sS](?![^\W\d_]))[^\W\d_]+)*)")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


KINDS = ["person", "government", "international body", "ngo", "opposition", "media", "court", "police", "place", "other"]


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ActorMention:
    actor: str
    text: str
    start: int
    end: int

    def as_json(self) -> dict:
        return {"actor": self.actor, "text": self.text, "start": self.start, "end": self.end}


def load_actors(path: str | Path = DEFAULT_LIST) -> list[Actor]:
    """An actor list; cells `actors_csv` guarded against spreadsheets read back as they were."""
    from .export import unguard  # imported here: export brings pandas, which the list alone does not need

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    actors = []
    for row in rows:
        name = unguard(row["name"]).strip()
        aliases = tuple(a.strip() for a in unguard(row.get("aliases") or "").split("|") if a.strip())
        actors.append(Actor(name, unguard(row.get("kind") or "").strip(), tuple(dict.fromkeys((name,) + aliases))))
    return actors


def actors_csv(actors: list[Actor]) -> bytes:
    """An actor list as `data/actors.csv` holds it (name, kind, aliases joined by "|").

    A cell a spreadsheet would run as a formula (a name or first alias typed as
    `=HYPERLINK(...)`) gets a leading quote, as in every other download (`export.guard_formula`);
    `load_actors` takes it away again."""
    from .export import guard_formula

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "kind", "aliases"])
    for actor in actors:
        aliases = "|".join(a for a in actor.aliases if a != actor.name)
        writer.writerow([guard_formula(actor.name), guard_formula(actor.kind), guard_formula(aliases)])
    return out.getvalue().encode("utf-8")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    folded = anyascii(_POSSESSIVE.sub("", word)).lower().replace(".", "").replace("'", "").replace("’", "")
    for a, b in FOLDS:
        folded = folded.replace(a, b)
    return folded


def _words(text: str):
    """(start, end, word) for every word."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def _looks_like_name(alias: str, matched: str) -> bool:
    """Capitals where the alias has them: an abbreviation in capitals ("US", not
    the pronoun "us"), each capitalised alias word capitalised in the text
    ("Amnesty International", not "amnesty"). Lower-case alias words match any case."""
    letters = alias.replace(".", "")
    if letters.isupper() and len(letters) <= 6:
        return matched.replace(".", "").isupper()
    alias_words = [w for _, _, w in _words(alias)]
    text_words = [w for _, _, w in _words(matched)]
    return all(not a[:1].isupper() or t[:1].isupper() for a, t in zip(alias_words, text_words))


class ActorIndex:
    """Folded alias word sequences -> actor, ready to scan texts."""

    def __init__(self, actors: list[Actor]):
        self.actors = {a.name: a for a in actors}
        claims: dict[tuple[str, ...], set[str]] = {}
        spelling: dict[tuple[str, ...], str] = {}
        for actor in actors:
            for alias in actor.aliases:
                key = tuple(fold(w) for _, _, w in _words(alias))
                if key:
                    claims.setdefault(key, set()).add(actor.name)
                    spelling.setdefault(key, alias)
        self.ambiguous = {k for k, names in claims.items() if len(names) > 1}
        self.aliases = {k: (next(iter(v)), spelling[k]) for k, v in claims.items() if len(v) == 1}
        # first folded word -> the alias lengths that start with it, longest first
        self.lengths: dict[str, list[int]] = {}
        for key in self.aliases:
            self.lengths.setdefault(key[0], []).append(len(key))
        for first in self.lengths:
            self.lengths[first] = sorted(set(self.lengths[first]), reverse=True)

    def find(self, text: str) -> list[ActorMention]:
        words = _words(text)
        folded = [fold(w) for _, _, w in words]
        found = []
        i = 0
        while i < len(words):
            for n in self.lengths.get(folded[i], ()):
                if i + n > len(words):
                    continue
                hit = self.aliases.get(tuple(folded[i:i + n]))
                if hit is None:
                    continue
                start, end = words[i][0], words[i + n - 1][1]
                matched = text[start:end]
                if _looks_like_name(hit[1], matched) and _one_phrase(text, words, i, n):
                    found.append(ActorMention(hit[0], matched, start, end))
                    i += n - 1
                    break
            i += 1
        return found


def _one_phrase(text, words, i, n) -> bool:
    """Alias words must stand together: only spaces or hyphens between them."""
    return all(_JOIN.fullmatch(text, words[k][1], words[k + 1][0]) for k in range(i, i + n - 1))


_JOIN = re.compile(r"(?:['’]s)?[\s-]*")


# --- attribution -------------------------------------------------------------------

_OPEN, _CLOSE = "“«„", "”»"
_PRONOUN_SAID = re.compile(r"^[\s,.]*(?:(?:he|she)\s+(?:said|says|added|stressed|noted|told)|(?:said|says|added)\s+(?:he|she))\b", re.IGNORECASE)
_SPEECH_HEAD = re.compile(r"(?:said|says|stated|stressed|added|wrote|told\s+\w+)\s*[:,]?\s*$", re.IGNORECASE)


_QUOTE_MARK = re.compile(r'[“”«»„"]')


def quotations(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quotations, curly or straight double quotes."""
    spans, opened = [], None
    for m in _QUOTE_MARK.finditer(text):
        ch, i = m.group(), m.start()
        if opened is None and (ch in _OPEN or ch == '"'):
            opened = i
        elif opened is not None and (ch in _CLOSE or ch == '"'):
            spans.append((opened, i + 1))
            opened = None
    return spans


SPEAKER_REACH = 200  # characters from a quote's marks within which its attribution is looked for
MAX_SPEAKERS = 3  # names one attribution may give a quotation


class DocumentActors:
    """The actors of one text, ready to answer "who is named in this passage?".

    A passage's actors are those named within it plus the speaker of any quotation
    it is part of, when the attribution stands after the quote ("..." said X) or
    before it (X said: "..."), within the sentence that closes or opens the quote
    and `SPEAKER_REACH` characters of it. Everything is found once, in one pass, and
    each question is answered by bisection, so the cost stays in proportion to the
    text however many quotations and names it holds."""

    def __init__(self, text: str, sentences, index: ActorIndex, people: set[str] | None = None):
        self.mentions = index.find(text)
        self._starts = [m.start for m in self.mentions]  # in text order
        people = people if people is not None else {a.name for a in index.actors.values() if a.kind == "person"}
        sentence_starts = [s for s, _ in sentences]
        people_mentions = [m for m in self.mentions if m.actor in people]
        people_ends = [m.end for m in people_mentions]

        def sentence_of(pos):
            i = bisect.bisect_right(sentence_starts, pos) - 1
            return sentences[i] if i >= 0 and pos <= sentences[i][1] else (pos, pos)

        def between(a, b):
            return [m for m in self.mentions[bisect.bisect_left(self._starts, a):bisect.bisect_left(self._starts, b)]
                    if m.end <= b]

        self.speakers: list[tuple[int, int, list[ActorMention]]] = []
        for q_open, q_close in quotations(text):
            tail_end = min(sentence_of(q_close)[1], q_close + SPEAKER_REACH)
            who = between(q_close, tail_end)
            if not who:
                head_start = max(sentence_of(q_open)[0], q_open - SPEAKER_REACH)
                if _SPEECH_HEAD.search(text, head_start, q_open):
                    who = between(head_start, q_open)
            if not who and _PRONOUN_SAID.match(text[q_close:tail_end]):
                i = bisect.bisect_right(people_ends, q_open)
                who = people_mentions[i - 1:i]
            if who:
                self.speakers.append((q_open, q_close, who[:MAX_SPEAKERS]))
        self._closes = [c for _, c, _ in self.speakers]  # quotations do not overlap: in order

    def within(self, start: int, end: int) -> list[ActorMention]:
        """The mentions inside text[start:end], then the speakers of quotations it overlaps."""
        own = [m for m in self.mentions[bisect.bisect_left(self._starts, start):bisect.bisect_left(self._starts, end)]
               if m.end <= end]
        for q_open, _, who in self.speakers[bisect.bisect_right(self._closes, start):]:
            if q_open >= end:
                break
            own += [m for m in who if m not in own]
        return own


def passage_actors(text: str, passages, index: ActorIndex, people: set[str] | None = None):
    """For each passage: its actors (see `DocumentActors`)."""
    found = DocumentActors(text, passages, index, people)
    return [found.within(s, e) for s, e in passages]


def actor_names(mentions: list[ActorMention]) -> list[str]:
    return sorted({m.actor for m in mentions})


def clause_actors(passage: str, passage_start: int, what: str, actor_mentions: str) -> list[str]:
    """The actors a date's clause is about, of those its passage names (`actor_mentions`, the
    events table's JSON, document offsets): the ones named in the clause (`what`); when it
    names none, the one named nearest before it (its subject: "Lukashenka, in power since
    1994"; or the speaker of its quotation), else nearest after it. Not every name in the
    sentence: "after the August 2020 vote" in a sentence naming two officials is not theirs."""
    mentions = json.loads(actor_mentions) if actor_mentions else []
    if not mentions:
        return []
    told = what.strip("… ")
    at = passage.replace("\n", " ").find(told) if told else -1
    if at < 0:  # a clause not in the passage as written (a hand-made row): every name counts
        return sorted({m["actor"] for m in mentions})
    lo, hi = passage_start + at, passage_start + at + len(told)
    inside = sorted({m["actor"] for m in mentions if lo <= m["start"] and m["end"] <= hi})
    if inside:
        return inside
    before = [m for m in mentions if m["end"] <= lo]
    nearest = max(before, key=lambda m: m["end"]) if before else min(mentions, key=lambda m: m["start"])
    return [nearest["actor"]]


# --- names the list does not know -----------------------------------------------------

# Between two words: spaces, or spaces, a connector and maybe spaces. (Written as "\s+(?:of|...)?\s*"
# it matched the same, but tried every split of a run of spaces between the two quantifiers:
# quadratic in the run.)
_CAPITALISED = re.compile(
    r"\b(?:[A-ZÀ-ÞĀ-ſА-ЯЁІЎ][\w’'.-]*[\w])(?:\s+(?:(?:of|the|for|and|de|von|van|al)\s*)?[A-ZÀ-ÞĀ-ſА-ЯЁІЎ][\w’'.-]*[\w])*")
_STOP = {"The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "I", "This", "That", "But",
         "And", "As", "Since", "According", "During", "After", "Although", "However", "Many", "Some",
         "Several", "Thousands", "Dozens", "Nearly", "More", "Other", "Read", "See", "With", "Photo",
         "Image", "Breaking", "News", "If", "For", "From", "Also", "While", "When", "Still"}


_CONNECTORS = {"of", "the", "for", "and", "de", "von", "van", "al"}


def _headline(passage: str) -> bool:
    words = [w for w in passage.split() if w[:1].isalpha()]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def suggest(documents, index: ActorIndex, limit: int = 50):
    """Capitalised names the list lacks: (name, count, example passage), most frequent first.

    Passages in headline case are passed over (every word is capitalised there), and
    so are date words and a capital that only opens a sentence.

    The work is in proportion to the text: a capitalised run is checked against the listed
    names of its passage by bisection (they come in text order and do not overlap), not
    against each of them, and words are stripped from its ends by moving an index."""
    from .grammar import MONTHS, WEEKDAYS

    calendar = {w.capitalize() for w in list(MONTHS) + list(WEEKDAYS)}
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for doc in documents:
        for s, e in doc.passages:
            passage = doc.text[s:e]
            if _headline(passage):
                continue
            known = index.find(passage)
            known_starts = [k.start for k in known]
            known_ends = [k.end for k in known]  # increasing too: mentions do not overlap
            for m in _CAPITALISED.finditer(passage):
                # the first listed name ending after m starts overlaps m if it starts before m ends
                j = bisect.bisect_right(known_ends, m.start())
                if j < len(known) and known_starts[j] < m.end():
                    continue
                words = [_POSSESSIVE.sub("", w).strip(".’'") for w in m.group().split()]
                first, last = 0, len(words)
                while first < last and (words[first] in _STOP or words[first] in _CONNECTORS
                                        or words[first] in calendar):
                    first += 1
                while first < last and (words[last - 1] in _CONNECTORS or words[last - 1] in calendar):
                    last -= 1
                words = words[first:last]
                name = " ".join(words)
                if len(name) < 3 or (len(words) == 1 and m.start() == 0 and m.group() == name):
                    continue  # a capital at the start of a sentence says nothing
                counts[name] += 1
                examples.setdefault(name, passage)
    return [(name, n, examples[name]) for name, n in counts.most_common(limit)]


def actor_spans(text: str, added=()) -> list[tuple[int, int]]:
    """Where the actor list's names (and `added` actors) stand in `text`, as (start, end)."""
    return [(m.start, m.end) for m in ActorIndex(load_actors() + list(added)).find(text)]
