"""The date engine: find temporal expressions and resolve them.

`find_dates(text, reference)` applies the rules of `explorer.grammar` to a
text and returns one `TemporalExpression` per expression, valued as TIMEX3
(type and value) and placed on the calendar (the inclusive span of days it
names, and its granularity), relative to `reference`, the article's
publication date. The vocabulary is in the grammar; this module holds the
machinery: matching, choosing between overlapping candidates, the normalizers
each rule names, and the passes for modifiers, range relations and the
direction a sentence points in.

Calendar expressions (month names, numeric dates) are read by dateparser's
DateDataParser; its answer for a given string does not depend on the
reference except for the year of a year-less date, so it is parsed once per
distinct string and the year is placed here, by the direction rule.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import cached_property, lru_cache
from itertools import chain

from dateparser.date import DateDataParser

from . import grammar as g
from . import periods as p
from .budget import Unlimited, WorkBudget
from .sentences import sentence_spans

PAST, FUTURE = "past", "future"
# Steps charged to a document's budget (explorer.budget) beyond the characters scanned:
STEPS_PER_MATCH = 4  # a rule's match, before the vetoes
STEPS_PER_EXPRESSION = 40  # valuing one expression: its normalizer, modifier, relation and direction

# A direction read from a cue word right next to the expression is firm: the
# year-less date is not moved to a nearer reading the other way.
FIRM_PAST, FIRM_FUTURE = "firm past", "firm future"


@dataclass(frozen=True)
class TemporalExpression:
    text: str
    start: int
    end: int
    type: str  # DATE, TIME, DURATION, SET
    timex: str  # TIMEX3 value: 2021-12-10, 2020-08, 2021-W48, P5Y, PRESENT_REF ...
    date_start: date | None
    date_end: date | None
    granularity: str  # day, week, weekend, month, season, quarter, half, year, decade, century, time, present, ""
    relation: str = "at"  # at, opens, closes, before, after
    mod: str = ""  # TIMEX3 mod: START, MID, END
    rule: str = ""
    cue: str = ""  # the word that set a year-less date's direction: "said (looks back)"

    def as_json(self) -> dict:
        row = asdict(self)
        for key in ("date_start", "date_end"):
            row[key] = row[key].isoformat() if row[key] else None
        return row

    @property
    def on_calendar(self) -> bool:
        """True when this expression places its sentence on the calendar."""
        if self.type in ("DATE", "TIME"):  # a vague reference is off it, but "now", which is the day
            return self.timex not in ("PAST_REF", "FUTURE_REF") and (self.timex != "PRESENT_REF" or self.date_start is not None)
        return self.type == "DURATION" and self.date_start is not None


@dataclass(frozen=True)
class Value:
    type: str
    timex: str
    span: p.Span | None
    granularity: str
    mod: str = ""  # when the words carry it themselves: "year-end" is the year, END


class Context:
    """What a normalizer may ask about an expression's surroundings."""

    def __init__(self, reference: date | None, read_direction=lambda: (PAST, None), topic_quarter=None, anchor=None):
        self.reference = reference
        self.cue: tuple[int, int] | None = None
        self._read_direction = read_direction
        # The latest quarter the text has named: financial news compares with "a
        # year earlier", meaning that quarter a year before (TimeML: 1988-Q3).
        self.topic_quarter = topic_quarter
        # The latest date the text has named, as (first day, granularity): "the
        # following year", "later that year", "two days later" count from it, not
        # from the reference.
        self.anchor = anchor

    def anchor_day(self, unit: str) -> date | None:
        """The narrative time's first day, if it is precise enough to count `unit`s from
        ("in 1995 ... two years later", not "in 1995 ... three days later")."""
        if self.anchor is None:
            return None
        day, granularity = self.anchor
        return day if _PRECISION.get(granularity, 99) <= _PRECISION[g.UNITS[unit][1]] else None

    @cached_property
    def direction(self) -> str:
        """Read only when a normalizer needs it: most expressions don't. The cue word that
        set it is kept in `cue` (offsets, or None when none did)."""
        if self.reference is None:
            return PAST
        direction, self.cue = self._read_direction()
        return direction


# finer to coarser: a narrative time counts only units at least as coarse as itself
_PRECISION = {"time": 0, "day": 1, "weekend": 2, "week": 2, "month": 3, "quarter": 4, "season": 4,
              "half": 5, "year": 6, "decade": 7, "century": 8}


# --- compiled grammar ---------------------------------------------------------

@dataclass(frozen=True)
class _Compiled:
    rule: g.Rule
    regex: re.Pattern
    not_before: re.Pattern | None
    not_after: re.Pattern | None


def _compile(rule: g.Rule) -> _Compiled:
    flags = re.IGNORECASE if rule.ignore_case else 0
    return _Compiled(
        rule,
        re.compile(g.expand(rule.pattern), flags),
        re.compile(g.expand(rule.not_before), re.IGNORECASE) if rule.not_before else None,
        re.compile(g.expand(rule.not_after), re.IGNORECASE) if rule.not_after else None,
    )


_RULES = [_compile(r) for r in g.RULES]
_TRIGGERS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in g.TRIGGERS.items()}
assert {t for r in g.RULES for t in r.trigger.split()} <= _TRIGGERS.keys(), "a rule names an unknown trigger"
_MODIFIERS = [(re.compile(r"(?<![\w-])" + pat, re.IGNORECASE), mod, share) for pat, mod, share in g.MODIFIERS]
_RELATIONS = [(re.compile(pat, re.IGNORECASE), rel) for pat, rel in g.RELATIONS]
# Most expressions have neither: one search of all the patterns at once spares the list.
_ANY_MODIFIER = re.compile("|".join(f"(?:{r.pattern})" for r, _, _ in _MODIFIERS), re.IGNORECASE)
_ANY_RELATION = re.compile("|".join(f"(?:{r.pattern})" for r, _ in _RELATIONS), re.IGNORECASE)
_RANGE_LINK = re.compile(g.RANGE_LINKS, re.IGNORECASE)
_FUTURE = re.compile(g.FUTURE_CUES, re.IGNORECASE)
_PAST = re.compile(g.PAST_CUES, re.IGNORECASE)
_WEAK_PAST = re.compile(g.WEAK_PAST_CUES, re.IGNORECASE)
_PAST_PLAN = re.compile(g.PAST_PLANS, re.IGNORECASE)
_TITLE_WORD = re.compile(g.TITLE_WORDS)
WEAK_PAST = "weak past"  # a cue's direction only: it points back, and is never firm
_CONTEXT = 40  # characters looked at before and after a match for cues and vetoes after it
_VETO_BEFORE = 24  # characters looked at before a match for vetoes (their words are short)


# --- small readers ------------------------------------------------------------

def _number(word: str | None) -> float | None:
    """'five' -> 5, 'twenty-four' -> 24, '1.5' -> 1.5, 'several' -> None."""
    if word is None:
        return None
    word = re.sub(r"\s+", " ", word.lower().strip())
    half = re.search(r" (?:1/2|and a half)$", word)
    if half:  # "5 1/2", "two and a half"
        whole = _number(word[:half.start()])
        return None if whole is None else whole + 0.5
    if word in g.NUMBER_WORDS:
        return g.NUMBER_WORDS[word]
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word) if "." in word else int(word)
    parts = re.split(r"[- ]", word)
    if len(parts) == 2 and parts[0] in g.NUMBER_WORDS and parts[1] in g.NUMBER_WORDS:
        return g.NUMBER_WORDS[parts[0]] + g.NUMBER_WORDS[parts[1]]
    return None


def _unit(word: str) -> str:
    word = word.lower()
    if word == "centuries":
        return "century"
    return word[:-1] if word.endswith("s") and word[:-1] in g.UNITS else word


def _fmt_amount(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


_HALF = {"year": ("", "6M"), "day": ("T", "12H"), "hour": ("", "30M"), "minute": ("", "30S")}


def _duration_timex(n: float | None, unit: str) -> str:
    letter, _, is_clock = g.UNITS[unit]
    if unit in ("decade", "century") and n is not None:
        n, letter = n * (10 if unit == "decade" else 100), "Y"
    amount = "X" if n is None else _fmt_amount(n)
    if n is not None and n % 1 == 0.5 and unit in _HALF:  # TIMEX3 writes halves in the next unit: P2Y6M
        whole, (designator, half) = _fmt_amount(n - 0.5), _HALF[unit]
        return f"PT{whole}{letter}{half}" if is_clock else f"P{whole}{letter}{designator}{half}"
    if letter == "W2":
        return f"P{'X' if n is None else _fmt_amount(2 * n)}W"
    return f"PT{amount}{letter}" if is_clock else f"P{amount}{letter}"


def _safe(build, *args):
    """A span, or None when it falls outside the calendar datetime can hold."""
    try:
        return build(*args)
    except (ValueError, OverflowError):
        return None


# --- placing year-less periods by direction ------------------------------------

def _place(candidates, reference: date, direction: str):
    """Of (value, span) candidates in time order, the nearest the reference in
    `direction`: the latest that has begun by the reference day (past), or the
    earliest that has not ended before it (future). A reading more than
    `grammar.FAR_DAYS` away (in its direction) yields to a nearer one the other way ("payable
    Dec. 7" in a past-tense sentence written in October is this December)."""
    candidates = [c for c in candidates if c[1] is not None]
    past = next((c for c in reversed(candidates) if c[1][0] <= reference), candidates[0])
    future = next((c for c in candidates if c[1][1] >= reference), candidates[-1])
    chosen, other = (future, past) if direction in (FUTURE, FIRM_FUTURE) else (past, future)
    if direction in (FIRM_PAST, FIRM_FUTURE):
        return chosen
    far = g.FAR_DAYS[FUTURE if chosen is future else PAST]
    if _distance(chosen[1], reference) > far and _distance(other[1], reference) < _distance(chosen[1], reference):
        return other
    return chosen


def _distance(span, reference: date) -> int:
    if span[0] <= reference <= span[1]:
        return 0
    return min(abs((span[0] - reference).days), abs((span[1] - reference).days))


def _around(reference: date):
    return range(reference.year - 1, reference.year + 2)


# --- normalizers: one per rule family; (groups, ctx) -> Value | None ------------

_PARSER = DateDataParser(
    languages=["en"],
    settings={
        "RELATIVE_BASE": datetime(2000, 1, 1),  # a leap year, so "Feb 29" parses
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": True,
        "REQUIRE_PARTS": [],
        "PARSERS": ["absolute-time"],  # relative words are the grammar's business
    },
)


# The month-and-day shapes most dates take ("December 10", "10th of Dec.", "Monday, December
# 10", "August"), read from the grammar's tables: the same reading dateparser gives them
# (tests/test_dates.py compares the two), at a hundredth of its cost.
_MONTH_WORD = r"(?P<month>" + "|".join(sorted(g.MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_NUMBER = r"(?P<day>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
_WEEKDAY_WORD = r"(?:(?:" + "|".join(sorted(g.WEEKDAYS, key=len, reverse=True)) + r"),?\s+)?"
_SIMPLE_CALENDAR = (re.compile(rf"{_WEEKDAY_WORD}{_MONTH_WORD}(?:\s+{_DAY_NUMBER})?", re.IGNORECASE),
                    re.compile(rf"{_WEEKDAY_WORD}{_DAY_NUMBER}\s+(?:of\s+)?{_MONTH_WORD}", re.IGNORECASE))


def _simple_calendar(words: str) -> tuple[int, int, int, str, str] | None:
    """A month, or a month and day, read without dateparser; None for any other shape."""
    m = _SIMPLE_CALENDAR[0].fullmatch(words) or _SIMPLE_CALENDAR[1].fullmatch(words)
    if m is None:
        return None
    month, day = g.MONTHS[m.group("month").lower()], m.group("day")
    if day is None:
        return 2000, month, 1, "month", ""
    if int(day) > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return None
    return 2000, month, int(day), "day", ""


@lru_cache(maxsize=65536)
def _parse_calendar(words: str) -> tuple[int, int, int, str, str] | None:
    """dateparser's reading of a calendar expression: year, month, day, period, clock."""
    simple = _simple_calendar(words)
    if simple is not None:
        return simple
    return _dateparser_calendar(words)


def _dateparser_calendar(words: str) -> tuple[int, int, int, str, str] | None:
    data = _PARSER.get_date_data(words)
    if data.date_obj is None:
        return None
    d = data.date_obj
    clock = f"T{d.hour:02d}:{d.minute:02d}" if data.period == "time" else ""
    return d.year, d.month, d.day, data.period or "day", clock


def _calendar(groups, ctx, words):
    words = re.sub(r"\s+", " ", words.strip())
    if groups.get("y") and re.search(r"[A-Za-z]", words):
        # The year is the grammar's digits; dateparser reads the month and day
        # words, so "March 14, 2019" and "March 14, 2020" are one parse.
        words = re.sub(r",?\s*(?:of\s+)?" + groups["y"] + r"\b", "", words).strip(" ,")
    parsed = _parse_calendar(words)
    if parsed is None:
        return None
    year, month, day, period, clock = parsed
    granularity = {"time": "day"}.get(period, period)
    if groups.get("y"):
        year = int(groups["y"])
    elif granularity == "year":
        return None  # a year alone is the year rule's business
    else:
        if ctx.reference is None:
            timex = f"XXXX-{month:02d}" + (f"-{day:02d}" if granularity == "day" else "")
            return Value("DATE", timex, None, granularity)
        if granularity == "day":
            cands = [(y, _safe(lambda y: (date(y, month, day),) * 2, y)) for y in _around(ctx.reference)]
        else:
            cands = [(y, _safe(p.month_span, y, month)) for y in _around(ctx.reference)]
        year = _place(cands, ctx.reference, ctx.direction)[0]
    if granularity == "day":
        span = _safe(lambda: (date(year, month, day),) * 2)
        if span is None:
            return None
        timex = span[0].isoformat()
        if clock:
            return Value("TIME", timex + clock, span, "time")
        return Value("DATE", timex, span, "day")
    if granularity == "month":
        return Value("DATE", f"{year:04d}-{month:02d}", _safe(p.month_span, year, month), "month")
    return None


def _week_of(groups, ctx, words):
    """"the week of March 6": the ISO week holding the day."""
    day = _calendar(groups, ctx, groups["date"])
    if day is None:
        return None
    if day.span is None:  # no reference to place it by
        return Value("DATE", "XXXX-WXX", None, "week")
    return _value_at(day.span[0], "week")


def _year(groups, ctx, words):
    y = int(groups["y"])
    return Value("DATE", f"{y:04d}", _safe(p.year_span, y), "year")


def _decade(groups, ctx, words):
    if groups.get("dec"):
        first = int(groups["dec"])
    else:
        tens = int(groups["dec2"]) // 10 if groups.get("dec2") else g.DECADE_WORDS[groups["decword"].lower()]
        century = groups.get("century")
        if century:
            first = int(century) * 100 + tens * 10
        elif re.search(r"twenty", words, re.IGNORECASE):
            first = 2000 + tens * 10
        else:
            # '20s: the latest such decade that has begun by the reference
            ref_year = ctx.reference.year if ctx.reference else 1999
            first = max(c * 100 + tens * 10 for c in (18, 19, 20) if c * 100 + tens * 10 <= ref_year)
    return Value("DATE", f"{first // 10:03d}", _safe(p.decade_span, first), "decade")


def _century(groups, ctx, words):
    n = g.ORDINALS[(groups.get("ord") or groups["ord2"]).lower()]
    return Value("DATE", f"{n - 1:02d}", _safe(p.century_span, (n - 1) * 100), "century")


def _season_value(code, year):
    _, first, last = next(v for v in g.SEASONS.values() if v[0] == code)
    return f"{year:04d}-{code}", _safe(p.months_span, year, first, last)


def _season(groups, ctx, words):
    code = g.SEASONS[groups["season"].lower()][0]
    if groups.get("y"):
        timex, span = _season_value(code, int(groups["y"]))
        return Value("DATE", timex, span, "season")
    if ctx.reference is None:
        return Value("DATE", f"XXXX-{code}", None, "season")
    timex, span = _place([_season_value(code, y) for y in _around(ctx.reference)], ctx.reference, ctx.direction)
    return Value("DATE", timex, span, "season")


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_value(year, q):
    return Value("DATE", f"{year:04d}-Q{q}", _safe(p.quarter_span, year, q), "quarter")


def _quarter(groups, ctx, words):
    q = int(groups.get("q") or groups.get("q2") or g.ORDINALS[groups["ord"].lower()])
    year = groups.get("y") or groups.get("y0") or groups.get("y2")
    if groups.get("rel") and ctx.reference is not None:
        year = ctx.reference.year + {"last": -1, "this": 0, "next": 1}[groups["rel"].lower()]
    if year:
        return _quarter_value(int(year), q)
    if ctx.reference is None:
        return Value("DATE", f"XXXX-Q{q}", None, "quarter")
    cands = [(y, _safe(p.quarter_span, y, q)) for y in _around(ctx.reference)]
    # A quarter is reported after it ends: "expects to report third-quarter net income"
    # in October looks ahead to the report, not to next year's third quarter. So even a
    # future cue next to it only sets the direction, and the nearer past reading may win.
    direction = FUTURE if ctx.direction == FIRM_FUTURE else ctx.direction
    return _quarter_value(_place(cands, ctx.reference, direction)[0], q)


def _last_completed_quarter(reference: date, back: int = 0):
    year, q = _quarter_of(reference)
    index = year * 4 + (q - 1) - 1 - back
    return index // 4, index % 4 + 1


def _quarter_latest(groups, ctx, words):
    if ctx.reference is None:
        return Value("DATE", "XXXX-QX", None, "quarter")
    return _quarter_value(*_last_completed_quarter(ctx.reference))


def _half(groups, ctx, words):
    year, half = int(groups["y"]), 1 if groups["ord"].lower() == "first" else 2
    return Value("DATE", f"{year:04d}-H{half}", _safe(p.half_span, year, half), "half")


_DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                "the day after tomorrow": 2, "tonight": 0, "last night": -1, "overnight": 0}


def _day(offset: int, ctx, part: str = "") -> Value:
    if ctx.reference is None:
        return Value("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""), None, "time" if part else "day")
    span = _safe(lambda: (p.shift(ctx.reference, offset, "day"),) * 2)
    if span is None:
        return None
    if part:
        return Value("TIME", f"{span[0].isoformat()}T{part}", span, "time")
    return Value("DATE", span[0].isoformat(), span, "day")


def _relative_day(groups, ctx, words):
    return _day(_DAY_OFFSETS[re.sub(r"\s+", " ", groups["word"].lower())], ctx)


def _day_part(groups, ctx, words):
    word = re.sub(r"\s+", " ", groups["word"].lower())
    if word.startswith("this "):
        return _day(0, ctx, g.DAY_PARTS[word[5:]])
    part = g.DAY_PARTS[groups["part"].lower()] if groups.get("part") else "NI"
    return _day(_DAY_OFFSETS[word], ctx, part)


def _weekday_date(wd: int, rel: str, ctx, ref: date | None = None, possessive: bool | str = False) -> date | None:
    ref = ref or ctx.reference
    back = (ref.weekday() - wd) % 7  # days since the latest such weekday (0 = today)
    if rel in ("last", "past"):
        return p.shift(ref, -(back or 7), "day")
    if rel in ("next", "coming"):
        return p.shift(ref, (wd - ref.weekday()) % 7 or 7, "day")
    if rel == "this":
        return p.iso_week_span(ref)[0] + (date(2000, 1, 3 + wd) - date(2000, 1, 3))
    direction = ctx.direction
    if possessive == "firm" or (possessive and direction != FIRM_FUTURE):
        # "Wednesday's ruling" names an event as known: past, unless a future cue stands
        # right next to it ("will attend Friday's meeting")
        direction = PAST
    if direction in (FUTURE, FIRM_FUTURE):
        return p.shift(ref, (wd - ref.weekday()) % 7, "day")
    return p.shift(ref, -back, "day")


def _month_relative(groups, ctx, words):
    month = g.MONTHS[groups["month"].lower().rstrip(".")]
    rel = groups["rel"].lower().split()[-1]
    if ctx.reference is None:
        return Value("DATE", f"XXXX-{month:02d}", None, "month")
    ref = ctx.reference
    if "year" in words.lower():  # July last year
        year = ref.year + {"last": -1, "this": 0, "next": 1}[rel]
    elif rel in ("last", "previous"):
        year = ref.year if month < ref.month else ref.year - 1
    elif rel in ("next", "following"):
        year = ref.year if month > ref.month else ref.year + 1
    else:
        year = ref.year
    return Value("DATE", f"{year:04d}-{month:02d}", _safe(p.month_span, year, month), "month")


def _weekday(groups, ctx, words):
    wd = g.WEEKDAYS[groups["wd"].lower()]
    part = g.DAY_PARTS[groups["part"].lower()] if groups.get("part") else ""
    if ctx.reference is None:
        timex = f"XXXX-WXX-{wd + 1}" + (f"T{part}" if part else "")
        return Value("TIME" if part else "DATE", timex, None, "time" if part else "day")
    words = (groups.get("rel") or "").lower().split()
    rel = {"previous": "last", "following": "next"}.get(words[-1], words[-1]) if words else ""
    # "the previous Friday", "the following Monday": from the day the narrative is on
    base = ctx.anchor_day("day") if words[:1] == ["the"] else None
    # "following Monday's ruling", "since Monday's putsch": the event is behind whatever the
    # sentence's tense ("will be moved following Monday's ruling")
    possessive = "firm" if groups.get("possessive") is not None and groups.get("since") is not None else (
        groups.get("possessive") is not None)
    day = _safe(_weekday_date, wd, rel, ctx, base, possessive)
    if day is None:
        return None
    if part:
        return Value("TIME", f"{day.isoformat()}T{part}", (day, day), "time")
    return Value("DATE", day.isoformat(), (day, day), "day")


def _day_beside(groups, ctx, words):
    """"the day before last Tuesday": a day from a weekday."""
    day = _weekday(groups, ctx, words)
    if day is None or day.span is None:
        return day and Value("DATE", "XXXX-XX-XX", None, "day")
    shifted = _safe(p.shift, day.span[0], 1 if groups["dir"].lower() == "after" else -1, "day")
    return _value_at(shifted, "day") if shifted else None


def _clock_time(clock: str) -> str:
    m = re.match(r"(\d{1,2})(?::(\d{2}))?\s*([ap])?", clock.lower())
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half == "p" and hour < 12:
        hour += 12
    if half == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _clock(groups, ctx, words):
    part = groups.get("part")
    clock = g.DAY_PARTS[part.lower()] if part else _clock_time(groups["clock"])
    if groups.get("date"):
        day = _calendar(groups, ctx, groups["date"])
        if day is not None:  # placed, or XXXX-11-09 without a reference
            return Value("TIME", f"{day.timex}T{clock}", day.span, "time")
    if groups.get("wd") and ctx.reference is not None:
        day = _weekday_date(g.WEEKDAYS[groups["wd"].lower()], "", ctx)
        return Value("TIME", f"{day.isoformat()}T{clock}", (day, day), "time")
    # A time alone is on the day the story has named last (TimeML anchors it so); with none
    # named, it names no day and stays off the calendar.
    day = ctx.anchor_day("day")
    if day is not None:
        return Value("TIME", f"{day.isoformat()}T{clock}", (day, day), "time")
    return Value("TIME", f"XXXX-XX-XXT{clock}", None, "time")


_STEP = {"last": -1, "past": -1, "previous": -1, "this past": -1, "the past": -1, "the last": -1,
         "the previous": -1, "next": 1, "coming": 1, "following": 1, "the next": 1, "the coming": 1,
         "the following": 1, "this": 0, "current": 0, "the current": 0, "the": 0}


def _weekend(step: int, ctx) -> Value:
    ref = ctx.reference
    if step == 0:
        in_weekend = ref.weekday() >= 5
        step = 0 if in_weekend or ctx.direction in (FUTURE, FIRM_FUTURE) else -1
    elif step == 1 and ref.weekday() < 5:
        step = 0  # "next weekend" on a weekday: the coming one
    day = p.shift(ref, step, "week")
    return Value("DATE", f"{p.week_timex(day)}-WE", p.weekend_span(day), "weekend")


def _relative_unit(groups, ctx, words):
    rel = re.sub(r"\s+", " ", groups.get("rel", "the").lower()) if groups.get("rel") else "the"
    unit = groups["unit"].lower()
    step = _STEP[rel]
    if unit in g.SEASONS:
        return _relative_season(g.SEASONS[unit][0], step, ctx)
    if rel in ("the past", "the last", "the previous") and unit not in ("weekend",) or (
            unit in ("decade", "century") and step == -1):
        # "the past year", "the last decade": the stretch ending on the reference
        return _anchored(1, unit, -1, ctx)
    if rel in ("the following", "the previous") and unit in ("year", "month") and ctx.anchor:
        base = ctx.anchor_day(unit)  # narrative time: "In 1995 ... the following year"
        if base is None:  # "in 1995 ... the following month": which month is not known
            return _unplaced(unit)
        day = _safe(p.shift, base, step, unit)
        return _value_at(day, unit) if day else None
    if ctx.reference is None:
        return Value("DATE", {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
                              "quarter": "XXXX-QX"}.get(unit, "XXXX"), None, g.UNITS[unit][1])
    ref = ctx.reference
    if unit == "weekend":
        return _weekend(step, ctx)
    day = _safe(p.shift, ref, step, unit)
    return _value_at(day, unit) if day else None


def _year_end(groups, ctx, words):
    """"by year-end": the end of the year, the one nearest in the sentence's direction
    ("since year-end" in October is last December's)."""
    if ctx.reference is None:
        return Value("DATE", "XXXX", None, "year", "END")
    ends = [(y, _safe(lambda y: (date(y, 12, 31),) * 2, y)) for y in _around(ctx.reference)]
    year = _place(ends, ctx.reference, ctx.direction)[0]
    return Value("DATE", f"{year:04d}", p.narrow(p.year_span(year), g.END_SHARE), "year", "END")


def _anaphoric_unit(groups, ctx, words):
    """"that year", "later that month": the period that holds the latest date named."""
    unit = groups["unit"].lower()
    if ctx.anchor is None:
        return None
    day = ctx.anchor_day(unit)
    return _value_at(day, unit) if day else _unplaced(unit)


def _unplaced(unit: str) -> Value:
    """A day, month or year the narrative names but does not place ("in 1995 ... that month")."""
    return Value("DATE", {"day": "XXXX-XX-XX", "month": "XXXX-XX"}.get(unit, "XXXX"), None, unit)


def _relative_season(code, step, ctx):
    if ctx.reference is None:
        return Value("DATE", f"XXXX-{code}", None, "season")
    ref = ctx.reference
    seasons = [_season_value(code, y) for y in range(ref.year - 2, ref.year + 2)]
    seasons = [s for s in seasons if s[1]]
    if step < 0:  # last summer: the latest that has ended
        timex, span = ([s for s in seasons if s[1][1] < ref] or [(f"XXXX-{code}", None)])[-1]
    elif step > 0:  # next summer: the first that has not begun
        timex, span = next((s for s in seasons if s[1][0] > ref), (f"XXXX-{code}", None))
    else:  # this summer: the reference year's (this winter: the one under way or to come)
        year = ref.year - 1 if code == "WI" and ref.month <= 2 else ref.year
        timex, span = _season_value(code, year)
    return Value("DATE", timex, span, "season")


def _anchored(n, unit, sign, ctx) -> Value:
    timex = _duration_timex(n, unit)
    if n is None or ctx.reference is None:
        return Value("DURATION", timex, None, g.UNITS[unit][1])
    ref = ctx.reference
    if g.UNITS[unit][2]:  # hours, minutes: the days they touch
        days = math.ceil(n / (24 if unit == "hour" else 1440))
        far = p.shift(ref, sign * max(days, 0), "day")
    else:
        end = _safe(p.shift, ref, sign * n, unit)
        far = end and _safe(p.shift, end, -sign, "day")
    if far is None:
        return Value("DURATION", timex, None, g.UNITS[unit][1])
    span = (far, ref) if sign < 0 else (ref, far)
    granularity = "day" if g.UNITS[unit][2] else g.UNITS[unit][1]
    return Value("DURATION", timex, span, granularity)


def _anchored_duration(groups, ctx, words):
    unit = _unit(groups["unit"])
    rel = groups["rel"].lower()
    n = _number(groups.get("n")) if groups.get("n") else None
    if n is not None and n <= 0:
        return None  # "the last 0 weeks" names no stretch of time
    if rel == "first":
        return Value("DURATION", _duration_timex(n, unit), None, g.UNITS[unit][1])
    return _anchored(n, unit, 1 if rel in ("next", "coming", "following") else -1, ctx)


def _duration(groups, ctx, words):
    unit = _unit(groups["unit"])
    n = _number(groups["n"])
    if n is not None and n <= 0:
        return None
    if n is not None and groups.get("half"):  # "an hour and a half"
        n += 0.5
    return Value("DURATION", _duration_timex(n, unit), None, g.UNITS[unit][1])


def _anchored_length(groups, ctx, words):
    """"three days later" (after the story's last date), "three years from now" (after the
    reference): a length, placed where it ends; "two weeks after the vote": a length only."""
    unit = _unit(groups["unit"])
    n = _number(groups["n"])
    length = Value("DURATION", _duration_timex(n, unit), None, g.UNITS[unit][1])
    word = groups["dir"].lower().split()[0]
    base = ctx.reference if word == "from" else ctx.anchor_day(unit) if word == "later" else None
    if n is None or base is None or unit == "weekend":
        return length
    day = _safe(p.shift, base, n, unit)
    if day is None:
        return length
    if g.UNITS[unit][2]:  # hours, minutes: the day it ends on
        return Value("DURATION", length.timex, (day, day), "time")
    placed = _value_at(day, "year" if unit in ("decade", "century") else unit)
    return Value("DURATION", length.timex, placed.span, placed.granularity)


def _one_unit(groups, ctx, words):
    """"the year ended March 31": a year's length, the day it ends named apart."""
    unit = _unit(groups["unit"])
    return Value("DURATION", _duration_timex(1, unit), None, g.UNITS[unit][1])


def _vague_duration(groups, ctx, words):
    unit = _unit(groups.get("unit") or groups.get("unit2"))
    return Value("DURATION", _duration_timex(None, unit), None, g.UNITS[unit][1])


def _ago(groups, ctx, words):
    unit = _unit(groups["unit"])
    n = _number(groups["n"])
    word = groups["dir"].lower().split()[0]
    forward = word in ("later", "from", "hence")
    if n is None:
        return Value("DATE", "FUTURE_REF" if forward else "PAST_REF", None, "")
    if ctx.reference is None or unit == "weekend":
        return Value("DATE", "XXXX-XX-XX", None, g.UNITS[unit][1])
    if unit == "year" and ctx.topic_quarter and isinstance(n, int):
        year, q = ctx.topic_quarter
        return _quarter_value(year + (n if forward else -n), q)
    base = ctx.reference  # "two weeks ago", "a year from now"
    if word in ("later", "earlier", "before"):
        # "he was arrested in 2015; two years later": from the narrative time. Without
        # one, "a year earlier" compares with the publication date, but "two years
        # later" has nothing to count from.
        base = ctx.anchor_day(unit) or (None if forward else ctx.reference)
        if base is None:
            return Value("DATE", "XXXX-XX-XX", None, g.UNITS[unit][1])
    day = _safe(p.shift, base, n if forward else -n, unit)
    if day is None:
        return None
    if g.UNITS[unit][2]:
        return Value("TIME", day.isoformat(), (day, day), "time")
    # "a decade ago" measures back ten years to a year, not to a calendar decade
    return _value_at(day, "year" if unit in ("decade", "century") else unit)


def _value_at(day: date, unit: str) -> Value:
    """The period of granularity `unit` that contains `day`."""
    if unit == "day":
        return Value("DATE", day.isoformat(), (day, day), "day")
    if unit in ("week", "fortnight"):
        return Value("DATE", p.week_timex(day), p.iso_week_span(day), "week")
    if unit == "month":
        return Value("DATE", f"{day.year:04d}-{day.month:02d}", p.month_span(day.year, day.month), "month")
    if unit == "quarter":
        return _quarter_value(*_quarter_of(day))
    if unit == "decade":
        first = day.year // 10 * 10
        return Value("DATE", f"{first // 10:03d}", p.decade_span(first), "decade")
    if unit == "century":
        first = day.year // 100 * 100
        return Value("DATE", f"{first // 100:02d}", p.century_span(max(first, 1)), "century")
    return Value("DATE", f"{day.year:04d}", p.year_span(day.year), "year")


def _year_earlier(groups, ctx, words):
    if ctx.reference is None:
        return Value("DATE", "XXXX", None, "year")
    if ctx.topic_quarter:
        return _quarter_value(ctx.topic_quarter[0] - 1, ctx.topic_quarter[1])
    if (groups.get("unit") or groups.get("unit2") or groups.get("unit3") or "").lower() in ("quarter", "period"):
        return _quarter_value(*_last_completed_quarter(ctx.reference, back=4))
    return _value_at(p.shift(ctx.reference, -1, "year"), "year")


def _year_period(groups, ctx, words):
    """"the 1988 quarter": that year's quarter of the one under report (financial news),
    or of the latest quarter ended when the text has named none."""
    if ctx.topic_quarter:
        return _quarter_value(int(groups["y"]), ctx.topic_quarter[1])
    if ctx.reference is None:
        return Value("DATE", f"{int(groups['y']):04d}-QX", None, "quarter")
    return _quarter_value(int(groups["y"]), _last_completed_quarter(ctx.reference)[1])


def _vague_ref(groups, ctx, words):
    words = re.sub(r"\s+", " ", groups["word"].lower())
    value = g.VAGUE_REFS[words]
    if words in g.ON_THE_DAY and ctx.reference is not None:
        return Value("DATE", value, (ctx.reference, ctx.reference), "present")
    return Value("DATE", value, None, "present" if value == "PRESENT_REF" else "")


def _spoken_year(groups, ctx, words):
    """"nineteen ninety-six", and a month or season of it ("January nineteen ninety-seven")."""
    parts = re.split(r"[\s-]+", groups["spoken"].lower())
    if parts[:2] == ["two", "thousand"]:
        rest = [w for w in parts[2:] if w != "and"]
        year = 2000 + (g.NUMBER_WORDS[rest[0]] if rest else 0)
    else:
        year = g.SPOKEN_TENS[parts[0]] * 100 + sum(g.SPOKEN_TENS.get(w) or g.NUMBER_WORDS[w] for w in parts[1:])
    if groups.get("month"):
        month = g.MONTHS[groups["month"].lower().rstrip(".")]
        return Value("DATE", f"{year:04d}-{month:02d}", _safe(p.month_span, year, month), "month")
    if groups.get("season"):
        return _season({**groups, "y": str(year)}, ctx, words)
    return Value("DATE", f"{year:04d}", _safe(p.year_span, year), "year")


def _holiday_date(rule, year) -> date:
    if len(rule) == 2:
        return date(year, *rule)
    month, weekday, nth = rule
    first, last = p.month_span(year, month)
    if nth > 0:
        return p.shift(first, (weekday - first.weekday()) % 7 + 7 * (nth - 1), "day")
    return p.shift(last, -((last.weekday() - weekday) % 7), "day")


def _holiday(groups, ctx, words):
    rule = g.HOLIDAYS[re.sub(r"\s+", " ", groups["holiday"].lower()).replace("’", "'")]
    if groups.get("y"):
        year = int(groups["y"])
    elif ctx.reference is None:
        return Value("DATE", "XXXX-" + (f"{rule[0]:02d}-{rule[1]:02d}" if len(rule) == 2 else f"{rule[0]:02d}"), None, "day")
    else:
        cands = [(y, _safe(lambda y: (_holiday_date(rule, y),) * 2, y)) for y in _around(ctx.reference)]
        year = _place(cands, ctx.reference, ctx.direction)[0]
    day = _safe(_holiday_date, rule, year)
    return Value("DATE", day.isoformat(), (day, day), "day") if day else None


def _set(groups, ctx, words):
    return Value("SET", g.SETS[re.sub(r"\s+", " ", groups["set"].lower())], None, "")


def _recurring(groups, ctx, words):
    """"every Thursday" (XXXX-WXX-4), "on Tuesday nights" (XXXX-WXX-2TNI), "each July" (XXXX-07)."""
    if groups.get("month"):
        return Value("SET", f"XXXX-{g.MONTHS[groups['month'].lower()]:02d}", None, "")
    wd = g.WEEKDAYS[(groups.get("wd") or groups.get("wd2") or groups["wd3"]).lower()]
    part = groups.get("part") or groups.get("part3")
    return Value("SET", f"XXXX-WXX-{wd + 1}" + (f"T{g.DAY_PARTS[part.lower()]}" if part else ""), None, "")


NORMALIZERS = {
    # calendar words and numbers
    "calendar": _calendar, "week_of": _week_of, "year": _year, "spoken_year": _spoken_year,
    "decade": _decade, "century": _century, "season": _season, "holiday": _holiday,
    "quarter": _quarter, "quarter_latest": _quarter_latest, "half": _half,
    "year_period": _year_period, "year_earlier": _year_earlier, "year_end": _year_end,
    # days and times
    "relative_day": _relative_day, "day_part": _day_part, "weekday": _weekday,
    "day_beside": _day_beside, "clock": _clock,
    # relative to the reference or to the narrative
    "month_relative": _month_relative, "relative_unit": _relative_unit,
    "anaphoric_unit": _anaphoric_unit, "ago": _ago, "anchored_length": _anchored_length,
    # lengths of time, recurrences, vague references
    "anchored_duration": _anchored_duration, "duration": _duration, "one_unit": _one_unit,
    "vague_duration": _vague_duration, "set": _set, "recurring": _recurring, "vague_ref": _vague_ref,
}
assert {r.normalizer for r in g.RULES} <= NORMALIZERS.keys(), "a rule names an unknown normalizer"


# --- the engine ----------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+|\d+(?::\d+)?")


@lru_cache(maxsize=65536)
def _token_triggers(token: str) -> tuple[str, ...]:
    return tuple(name for name, regex in _TRIGGERS.items() if name != "any" and regex.search(token))


def _triggered_sentences(text: str, sentences) -> dict[str, list[tuple[int, int]]]:
    """For each rule's trigger, the sentences that hold a word of each of its parts."""
    hits: dict[str, set[int]] = {name: set() for name in _TRIGGERS}
    for i, (s, e) in enumerate(sentences):
        for name in set(chain.from_iterable(map(_token_triggers, set(map(str.lower, _TOKEN.findall(text, s, e)))))):
            hits[name].add(i)
    hits["any"] = set(range(len(sentences)))
    found = {}
    for c in _RULES:
        key = c.rule.trigger
        if key not in found:
            indexes = set.intersection(*(hits[name] for name in key.split()))
            found[key] = [sentences[i] for i in sorted(indexes)]
    return found


def _candidates(text: str, sentences, budget: WorkBudget):
    """Every rule match that no veto rejects: (start, end, rule order, rule, match).

    Each rule's scan is charged to `budget` as it ends: the characters it read and
    the matches it found."""
    by_trigger = _triggered_sentences(text, sentences)
    budget.charge(len(text), "finding date words")
    found = []
    append = found.append
    for order, c in enumerate(_RULES):
        rule, finditer, not_before, not_after = c.rule, c.regex.finditer, c.not_before, c.not_after
        group = rule.span
        scanned, before = 0, len(found)
        for s, e in by_trigger[rule.trigger]:
            scanned += e - s
            for m in finditer(text, s, e):
                start, end = m.span(group) if group and m.group(group) else m.span()
                if start == end:
                    continue
                if not_before and not_before.search(text, max(0, start - _VETO_BEFORE), start):
                    continue
                if not_after and not_after.match(text[end:end + _CONTEXT]):
                    continue
                append((start, end, order, rule, m))
        budget.charge(scanned + STEPS_PER_MATCH * (len(found) - before), "finding date words")
    return found


def _select(found, length: int):
    """Longest candidates first, then earlier rules; no two may overlap."""
    taken = bytearray(length)
    chosen = []
    for start, end, _order, rule, m in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, rule, m))
    return sorted(chosen, key=lambda c: c[0])


@dataclass(frozen=True)
class _Cues:
    """The direction cue words of one sentence, sorted for nearest-neighbour look-ups."""

    ends: list[int]
    by_end: list[str]
    starts: list[int]
    by_start: list[str]
    spans_by_end: list[tuple[int, int]]  # each cue's own offsets, for saying which word decided
    spans_by_start: list[tuple[int, int]]


def _cues(text: str, sentence: tuple[int, int]) -> _Cues:
    s, e = sentence
    found = [(m.start(), m.end(), direction)
             for regex, direction in ((_FUTURE, FUTURE), (_PAST, PAST), (_WEAK_PAST, WEAK_PAST))
             for m in regex.finditer(text, s, e)]
    plans = [m.span() for m in _PAST_PLAN.finditer(text, s, e)]
    if plans:  # "had been scheduled": its future cues point back
        plan_starts = [ps for ps, _ in plans]  # plans do not overlap: the one a cue may be in is the last starting before it

        def in_plan(a):
            i = bisect.bisect_right(plan_starts, a) - 1
            return i >= 0 and a < plans[i][1]

        found = [(a, b, PAST if d == FUTURE and in_plan(a) else d) for a, b, d in found]
    found.sort(key=lambda c: (c[1], c[2] != FUTURE))  # at a tie, a future cue wins ("scheduled")
    by_start = sorted(found, key=lambda c: (c[0], c[2] != FUTURE))
    return _Cues([c[1] for c in found], [c[2] for c in found], [c[0] for c in by_start], [c[2] for c in by_start],
                 [(c[0], c[1]) for c in found], [(c[0], c[1]) for c in by_start])


def _direction(cues: _Cues, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
    """The direction of the cue word nearest the expression in its sentence (the
    expression's own words, as "last" in "last week", are not cues), and that word's offsets
    (None when no cue decided)."""
    best, cue = (math.inf, PAST), None
    i = bisect.bisect_right(cues.ends, start) - 1
    if i >= 0:
        j = bisect.bisect_left(cues.ends, cues.ends[i])  # the first cue ending there: a future one
        best, cue = (start - cues.ends[j], cues.by_end[j]), cues.spans_by_end[j]
    k = bisect.bisect_left(cues.starts, end)
    if k < len(cues.starts) and (cues.starts[k] - end) * g.AFTER_CUE_WEIGHT < best[0]:
        # a cue after the expression may belong to the next clause ("talks that are to
        # conclude by May, invited ..."): it sets the direction but never holds it firm
        return PAST if cues.by_start[k] == WEAK_PAST else cues.by_start[k], cues.spans_by_start[k]
    if best[1] == WEAK_PAST:  # firm only with at most a preposition between: "opened on March 3"
        return FIRM_PAST if best[0] <= g.WEAK_CUE_CHARS else PAST, cue
    if best[0] <= g.STRONG_CUE_CHARS:
        return FIRM_FUTURE if best[1] == FUTURE else FIRM_PAST, cue
    return best[1], cue


def _apply_modifier(text, start, sentence_start, value: Value, reference):
    before = text[max(sentence_start, start - _CONTEXT):start]
    if not _ANY_MODIFIER.search(before):
        return start, value, ""
    for regex, mod, share in _MODIFIERS:
        m = regex.search(before)
        if not m:
            continue
        if value.type not in ("DATE", "TIME") or value.granularity in ("day", "time", "present", ""):
            return start, value, ""
        span = value.span
        if span is not None:
            if share == "to_ref":
                span = (span[0], min(span[1], reference)) if reference and span[0] <= reference else span
            elif share == "from_ref":
                span = (max(span[0], reference), span[1]) if reference and reference <= span[1] else span
            else:
                span = p.narrow(span, share)
        new_start = start - len(before) + m.start()
        return new_start, Value(value.type, value.timex, span, value.granularity), mod
    return start, value, ""


def _relation(text, sentence_start, start) -> str:
    before = text[max(sentence_start, start - _CONTEXT):start]
    if not _ANY_RELATION.search(before):
        return "at"
    for regex, relation in _RELATIONS:
        if regex.search(before):
            return relation
    return "at"


def find_dates(text: str, reference: date | None = None, budget: WorkBudget | None = None,
               sentences=None, limit: int | None = None) -> list[TemporalExpression]:
    """Every temporal expression in `text`, resolved against `reference`.

    The work is charged to `budget` (explorer.budget), which raises BudgetExceeded
    when the text needs more than it allows. `sentences`: the text's
    `sentence_spans`, when they are already known. With `limit`, stops once that
    many expressions that are on the calendar are found (the rest would be left out)."""
    budget = budget or Unlimited()
    sentences = sentence_spans(text) if sentences is None else sentences
    found = _select(_candidates(text, sentences, budget), len(text))
    out: list[TemporalExpression] = []
    si = 0
    topic = anchor = None
    cue_cache: dict[tuple[int, int], _Cues] = {}
    on_calendar = 0
    for n, (start, end, rule, m) in enumerate(found):
        if limit is not None and on_calendar >= limit:
            break
        if n % 256 == 255:
            budget.charge(256 * STEPS_PER_EXPRESSION, "reading date words")
        while si < len(sentences) - 1 and sentences[si][1] <= start:
            si += 1
        sentence = sentences[si] if sentences else (0, len(text))
        sentence = sentence if sentence[0] <= start else (start, end)
        title = _TITLE_WORD.search(text, start, end)
        if title and text[max(sentence[0], title.start() - 8):title.start()].rstrip()[-1:].isalnum():
            continue  # a name: "60 Minutes", "This Week", not "MINSK — Now ..."
        def read_direction(sentence=sentence, start=start, end=end):
            if sentence not in cue_cache:
                budget.charge(sentence[1] - sentence[0], "reading the direction of sentences")
                cue_cache[sentence] = _cues(text, sentence)
            return _direction(cue_cache[sentence], start, end)

        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        ctx = Context(reference, read_direction, topic, anchor)
        try:
            value = NORMALIZERS[rule.normalizer](groups, ctx, text[start:end])
        except (ValueError, OverflowError):
            value = None  # the period falls off the calendar (a reference near year 1 or 9999)
        if value is None:
            continue
        if (value.granularity == "quarter" and value.span and rule.normalizer in ("quarter", "quarter_latest")
                and (reference is None or value.span[1] < reference)):  # results are of a quarter ended
            topic = _quarter_of(value.span[0])
        if value.span and value.granularity != "present":  # a placed length too: "three days later"
            anchor = (value.span[0], value.granularity)  # the narrative moves on
        start, value, mod = _apply_modifier(text, start, sentence[0], value, reference)
        mod = mod or value.mod
        relation = _relation(text, sentence[0], start) if value.type != "DURATION" or value.span else "at"
        span = value.span or (None, None)
        expression = TemporalExpression(text[start:end], start, end, value.type, value.timex, span[0], span[1],
                                        value.granularity, relation, mod, rule.name, _cue_words(text, ctx))
        out.append(expression)
        on_calendar += expression.on_calendar
    budget.charge(len(found) % 256 * STEPS_PER_EXPRESSION, "reading date words")
    return _link_ranges(text, out)


def _cue_words(text: str, ctx: Context) -> str:
    """What set a year-less date's direction, in words: "said (looks back)"; "" when none was read."""
    if "direction" not in ctx.__dict__ or ctx.reference is None:
        return ""
    ahead = ctx.direction in (FUTURE, FIRM_FUTURE)
    looks = "looks ahead" if ahead else "looks back"
    if ctx.cue is None:
        return f"no cue word: {looks}"
    return f"{text[ctx.cue[0]:ctx.cue[1]]} ({looks})"


def _link_ranges(text, exprs):
    """'from X to Y', 'between X and Y', 'X-Y': X opens the range, Y closes it."""
    out = list(exprs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.type == "DURATION" or b.type == "DURATION" or "\n" in text[a.end:b.start]:
            continue
        gap = text[a.end:b.start]
        dash = re.fullmatch(r"\s*[-–—]\s*", gap) is not None
        if _RANGE_LINK.match(gap) and (a.relation == "opens" or dash):
            out[i] = replace(a, relation="opens")
            out[i + 1] = replace(b, relation="closes")
    return out
