"""The date grammar, as data.

Everything the date engine (`explorer.dates`) knows about English temporal
expressions lives here: word tables, regex fragments, the rules that find
candidate expressions, and the cue tables that decide a range relation, a
modifier or the direction a sentence points in. The engine applies these; it
holds no vocabulary of its own. Adding a construct means adding a `Rule` here
(with an example) and a test case in tests/test_grammar_constructs.py.

Patterns are written with `{NAME}` placeholders that `expand()` fills from
`FRAGMENTS`. Each rule names a normalizer in `explorer.dates.NORMALIZERS` that
turns the match's named groups into a TIMEX3 value and a calendar span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2,
    "wed": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4,
    "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}

# TIMEX3 season codes and the months each covers (winter runs into next year).
SEASONS = {
    "spring": ("SP", 3, 5), "summer": ("SU", 6, 8), "autumn": ("FA", 9, 11),
    "fall": ("FA", 9, 11), "winter": ("WI", 12, 14),
}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12,
    "a couple of": 2, "couple of": 2,
}
# Counts with no definite number: TIMEX3 writes them as X (P"X"Y).
VAGUE_NUMBERS = ("several", "a few", "few", "many", "some", "numerous")

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
    "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
    "tenth": 10, "10th": 10, "eleventh": 11, "11th": 11, "twelfth": 12,
    "12th": 12, "thirteenth": 13, "13th": 13, "fourteenth": 14, "14th": 14,
    "fifteenth": 15, "15th": 15, "sixteenth": 16, "16th": 16,
    "seventeenth": 17, "17th": 17, "eighteenth": 18, "18th": 18,
    "nineteenth": 19, "19th": 19, "twentieth": 20, "20th": 20,
    "twenty-first": 21, "21st": 21,
}

DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}

# unit word -> (TIMEX3 duration letter, granularity, is a time-of-day unit)
UNITS = {
    "second": ("S", "time", True), "minute": ("M", "time", True),
    "hour": ("H", "time", True), "day": ("D", "day", False),
    "week": ("W", "week", False), "weekend": ("WE", "weekend", False),
    "fortnight": ("W2", "week", False), "month": ("M", "month", False),
    "quarter": ("Q", "quarter", False), "year": ("Y", "year", False),
    "decade": ("DE", "decade", False), "century": ("CE", "century", False),
}

# Parts of the day and their TIMEX3 codes ("Friday morning" = 1998-08-07TMO).
DAY_PARTS = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
    "overnight": "NI", "midday": "12:00", "noon": "12:00", "midnight": "24:00",
}

# Vague references: no calendar span except "now", which is the reference day.
VAGUE_REFS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "at present": "PRESENT_REF", "at the moment": "PRESENT_REF",
    "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "recently": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "in the past": "PAST_REF",
    "the future": "FUTURE_REF", "the near future": "FUTURE_REF", "the near term": "FUTURE_REF",
    "the short term": "FUTURE_REF", "the long term": "FUTURE_REF",
    "in the future": "FUTURE_REF",
    "the coming days": "FUTURE_REF", "the coming weeks": "FUTURE_REF",
    "the coming months": "FUTURE_REF", "the coming years": "FUTURE_REF",
    # TimeML's vague references that name no day: off the timeline
    "current": "PRESENT_REF", "as soon as possible": "FUTURE_REF",
    "recent years": "PAST_REF", "recent decades": "PAST_REF",
}
# The vague references that are the reference day itself ("now"); the others have no span.
ON_THE_DAY = {"now", "right now", "currently", "at present", "at the moment", "nowadays", "these days"}


# Holidays with a fixed date (month, day), or a rule: (month, weekday, nth).
HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "christmas eve": (12, 24),
    "christmas day": (12, 25), "christmas": (12, 25), "boxing day": (12, 26),
    "valentine's day": (2, 14), "halloween": (10, 31), "may day": (5, 1),
    "international women's day": (3, 8), "human rights day": (12, 10),
    "thanksgiving day": (11, 3, 4), "thanksgiving": (11, 3, 4),
    "labor day": (9, 0, 1), "memorial day": (5, 0, -1),
}

# Recurrences (TIMEX3 SET): word -> value.
SETS = {
    "hourly": "PT1H", "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
    "annually": "P1Y", "yearly": "P1Y", "every day": "P1D",
    "each day": "P1D", "every week": "P1W", "each week": "P1W", "every month": "P1M",
    "each month": "P1M", "every year": "P1Y", "each year": "P1Y", "every quarter": "P1Q",
    "a day": "P1D", "a week": "P1W", "a month": "P1M", "a year": "P1Y",
    "per day": "P1D", "per week": "P1W", "per month": "P1M", "per year": "P1Y",
}

SPOKEN_TENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
               "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
               "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
               "seventy": 70, "eighty": 80, "ninety": 90}


def _alternation(words) -> str:
    """Any of `words`, as a trie ("s(?:aid|ays)"): the regex engine tries one branch per
    letter, not every word. The longer of two words wins ('Sept' over 'Sep'); a space
    matches any run of white space."""
    tree: dict = {}
    for word in set(words):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?" if len(branches) == 1 else body + "?"
        return body

    return build(tree)


def _capitalised(words) -> str:
    return _alternation(w.capitalize() for w in words)


_MONTH_FULL = [m for m in MONTHS if len(m) > 3 or m == "may"]
_MONTH_ABBR = [m for m in MONTHS if len(m) <= 4 and m != "may"]
_UNIT_WORDS = [u for u in UNITS if u != "fortnight"]

FRAGMENTS = {
    # Month names are matched capitalised only: "may" and "march" are verbs.
    "MONTH": (
        rf"(?:{_capitalised(_MONTH_FULL)}|{_alternation(m.upper() for m in _MONTH_FULL)}"
        rf"|(?:{_capitalised(_MONTH_ABBR)})\.?)"
    ),
    "MONTH_BARE": _capitalised(m for m in _MONTH_FULL if m not in ("may", "march")),
    "WEEKDAY": rf"(?:{_capitalised(w for w in WEEKDAYS if len(w) > 4)})",
    "DAY": r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?",
    "YEAR": r"(?:1[0-9]{3}|20[0-9]{2})",
    "BARE_YEAR": r"(?:1[89][0-9]{2}|20[0-9]{2})",
    "SEASON": _alternation(SEASONS),
    "ORDINAL": _alternation(ORDINALS),
    "UNIT": _alternation(_UNIT_WORDS),
    "UNITS": r"(?:seconds|minutes|hours|days|weeks|weekends|months|quarters|years|decades|centuries)",
    "NUMBER": (
        r"(?:\d{1,3}(?:\.5)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
        r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
        + _alternation(NUMBER_WORDS) + ")"
    ),
    "VAGUE_NUMBER": _alternation(VAGUE_NUMBERS),
    "DAY_PART": _alternation(p for p in DAY_PARTS if p not in ("midday", "noon", "midnight", "overnight")),
    "CLOCK": r"(?:[01]?[0-9]|2[0-3])(?::[0-5][0-9])?\s*(?:[ap]\.\s?m\.?|[ap]m\b)|(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?!\d)",
    # years read aloud, as broadcast transcripts write them
    "SPOKEN_YEAR": r"(?:nineteen|twenty)[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)|two\s+thousand(?:\s+and)?(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine|ten))?",
    "TZ": r"(?:\s+(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|CEST|MSK))?",
}


def expand(pattern: str) -> str:
    return re.sub(r"\{([A-Z_]+)\}", lambda m: FRAGMENTS[m.group(1)], pattern)


# Words that, right after a number, make it a count or an amount, not a year.
QUANTITY_AFTER = (
    r"^(?:\s*(?:%|percent\b|per\s+cent\b|people\b|persons\b|men\b|women\b|children\b|"
    r"prisoners\b|detainees\b|cases\b|complaints\b|troops\b|soldiers\b|officers\b|"
    r"police\b|protesters\b|votes\b|members\b|workers\b|employees\b|jobs\b|"
    r"dollars\b|euros\b|rubles\b|roubles\b|tons\b|tonnes\b|km\b|miles\b|meters\b|"
    r"metres\b|units\b|shares\b|points\b|times\b|delegates\b|seats\b|deaths\b|"
    r"dead\b|injured\b|arrests\b|instances\b|media\b|journalists\b|"
    r"million\b|billion\b|thousand\b|hours\b|minutes\b)|-(?:member|strong|page|seat|year|day|month|week))"
)
# A number right after one of these names a thing, not a year ("Resolution 2020").
ENTITY_BEFORE = (
    r"(?:\b(?:No\.?|Number|Nos\.?|Article|Resolution|Flight|Route|Room|Chapter|"
    r"Section|Item|Law|Decree|Bill|Order|Case|Model|Version|Boeing|Airbus|Windows|"
    r"Highway|Interstate|Channel|Act|Paragraph|page|p\.)|[#№$£€])\s*$"
)
AGE_AFTER = r"^(?:-year-old|\s+years?\s+old\b|-years?-old)"


@dataclass(frozen=True)
class Rule:
    """One construct: a pattern that finds it and the normalizer that values it.

    `span` names the group that is the expression when the pattern needs
    context around it (May is a month only after "in", "since", ...).
    `not_before` / `not_after` are regexes tested against the text just
    before / after the match; either matching vetoes it.
    """

    name: str
    pattern: str
    normalizer: str
    example: str
    ignore_case: bool = False
    span: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    trigger: str = "any"  # TRIGGERS keys, space-separated: every match contains a word of each


RULES: list[Rule] = [
    # --- calendar dates: dateparser reads them, the engine places year-less ones
    Rule("iso_date", r"\b(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])(?:[T ](?P<clock>[0-2]?[0-9]:[0-5][0-9])(?::[0-5][0-9])?)?\b",
         "calendar", "2021-12-10 14:05", not_after=r"^\d", trigger="year_digits"),
    Rule("numeric_date", r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])/(?P<y>{YEAR})\b",
         "calendar", "12/10/2021", trigger="year_digits"),
    Rule("dotted_date", r"\b(?:0?[1-9]|[12][0-9]|3[01])\.(?:0?[1-9]|1[0-2])\.(?P<y>{YEAR})\b",
         "calendar", "10.12.2021", trigger="year_digits"),
    Rule("month_day_year", r"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY},?\s+(?P<y>{YEAR})\b",
         "calendar", "December 10, 2021", not_after=r"^\d", trigger="month"),
    Rule("day_month_year", r"(?:{WEEKDAY},?\s+)?\b{DAY}\s+(?:of\s+)?{MONTH},?\s+(?P<y>{YEAR})\b",
         "calendar", "28 October 2020", not_after=r"^\d", trigger="month"),
    Rule("week_of", r"\bthe\s+week\s+of\s+(?P<date>{MONTH}\s+{DAY}(?:,?\s+(?P<y>{YEAR}))?)\b", "week_of",
         "the week of March 6", trigger="month"),
    Rule("month_day", r"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}\b",
         "calendar", "December 10", not_after=r"^(?:[.,]?\d|,\s*\d{3}\b|\s*(?:%|percent|people|million|billion))", trigger="month"),
    Rule("day_month", r"(?:{WEEKDAY},?\s+)?\b{DAY}\s+(?:of\s+)?{MONTH}\b",
         "calendar", "27 February", not_before=r"[\d,.]$", trigger="month"),
    Rule("month_year", r"{MONTH},?\s+(?:of\s+)?(?P<y>{YEAR})\b", "calendar", "August 2020",
         not_after=r"^(?:\d|,\d)", trigger="month"),
    Rule("month", r"\b(?:{MONTH_BARE}|Sept\.)(?![\w-])", "calendar", "August", trigger="month"),
    Rule("month_relative_year", r"(?P<month>{MONTH})\s+(?:of\s+)?(?P<rel>last|next|this)\s+year\b", "month_relative", "July last year", trigger="month"),
    Rule("relative_month", r"\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Tt]he\s+previous|[Tt]he\s+following)\s+(?P<month>{MONTH})(?!\.?\s+\d)", "month_relative", "last February", trigger="month"),
    Rule("month_after_cue", r"\b(?:in|of|since|until|till|by|early|mid-|late|last|next|this|"
         r"before|after|during|from|through|to|until|between|and|or|on)\s+(?P<expr>May|March)\b(?!\s+(?:be|have|not)\b)",
         "calendar", "in May", span="expr", trigger="month"),
    # --- years, decades, centuries, seasons, quarters, halves
    Rule("year", r"(?<![\w$£€.,/'’])(?P<y>{BARE_YEAR})(?![\w%]|[.,]\d|/\d)", "year", "in 2020",
         not_before=ENTITY_BEFORE, not_after=QUANTITY_AFTER, trigger="year_digits"),
    Rule("spoken_year", r"\b(?:the\s+year\s+)?(?P<spoken>{SPOKEN_YEAR})\b",
         "spoken_year", "nineteen ninety-six", ignore_case=True, not_after=r"^\s+(?:people|percent|dollars|years|of)", trigger="spoken"),
    Rule("month_spoken_year", r"(?P<month>{MONTH})\s+(?:of\s+)?(?P<spoken>(?i:{SPOKEN_YEAR}))\b", "spoken_year",
         "January nineteen ninety-seven", trigger="month spoken"),
    Rule("season_spoken_year", r"\b(?:the\s+)?(?P<season>{SEASON})\s+(?:of\s+)?(?P<spoken>{SPOKEN_YEAR})\b", "spoken_year",
         "the winter of nineteen ninety-four", ignore_case=True, trigger="season spoken"),
    Rule("holiday", r"\b(?P<holiday>" + _alternation(HOLIDAYS) + r")(?:\s+(?P<y>{YEAR}))?\b", "holiday", "Christmas", ignore_case=True, trigger="holiday"),
    # not a rate after an amount ("20% annually"): TimeBank and AQUAINT leave those untagged. (An adjective,
    # "average daily volume", is untagged in TimeBank but tagged in AQUAINT: left as it is.)
    Rule("set", r"\b(?P<set>" + _alternation(k for k in SETS if not k.startswith(("a ", "per "))) + r")\b", "set", "daily", ignore_case=True,
         not_before=r"(?:\d|%|\b(?:percent|million|billion|thousand|units|shares|dollars|cents))\s*$", trigger="set"),
    # a weekday or month that recurs is a SET, not a day on the timeline
    Rule("recurring_day", r"\b(?:(?:every|each)\s+(?P<wd>{WEEKDAY})(?:\s+(?P<part>{DAY_PART}))?\b|(?P<wd2>{WEEKDAY})s\b|(?P<wd3>{WEEKDAY})\s+(?P<part3>{DAY_PART})s\b)",
         "recurring", "every Thursday", trigger="weekday"),
    Rule("recurring_month", r"\b(?:[Ee]very|[Ee]ach)\s+(?P<month>{MONTH_BARE}|May|March)\b", "recurring", "each July", trigger="set month"),
    Rule("fiscal_year", r"\bfiscal(?:\s+year)?\s+(?P<y>{YEAR})\b", "year", "fiscal 1989", ignore_case=True, trigger="year_digits"),
    Rule("decade", r"\b(?:the\s+)?(?:(?P<dec>1[0-9]{2}0|20[0-9]0)'?s|'(?P<dec2>[0-9]0)s)\b", "decade", "the 1990s", trigger="decade_digits"),
    Rule("decade_word", r"\bthe\s+(?:(?P<century>19|20)|(?:nineteen|twenty)\s*)?(?P<decword>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b",
         "decade", "the nineties", ignore_case=True, trigger="decade_word"),
    Rule("century", r"\b(?:the\s+(?P<ord>{ORDINAL})[\s-]+century|(?P<ord2>{ORDINAL})[\s-]+(?-i:century))\b", "century", "the 20th century", ignore_case=True, trigger="century"),
    Rule("season_year", r"\b(?P<season>{SEASON})\s+(?:of\s+)?(?P<y>{YEAR})\b", "season", "summer 2020", ignore_case=True, trigger="season year_digits"),
    Rule("quarter", r"\b(?:the\s+)?(?:(?P<y0>{YEAR})(?:'s)?\s+|fiscal\s+|(?P<rel>this|last|next)\s+year['’]s\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
         r"(?:\s+(?:of\s+)?(?:fiscal\s+)?(?P<y>{YEAR}))?\b", "quarter", "the third quarter of 2021", ignore_case=True, trigger="quarter"),
    Rule("quarter_code", r"\b(?:Q(?P<q>[1-4])\s+(?P<y>{YEAR})|(?P<y2>{YEAR})\s+Q(?P<q2>[1-4]))\b", "quarter", "Q3 2021", trigger="q year_digits"),
    Rule("quarter_latest", r"\bthe\s+(?:(?:latest|most\s+recent|recent|just-ended|just\s+ended)\s+)?quarter\b(?![\s-]+(?:century|of\s+a|mile|point|percent|of\s+the))",
         "quarter_latest", "the latest quarter", ignore_case=True, trigger="quarter"),
    Rule("period_latest", r"\bthe\s+(?:latest|most\s+recent|just-ended|just\s+ended)\s+(?:fiscal\s+)?period\b", "quarter_latest",
         "the latest period", ignore_case=True, trigger="period"),
    Rule("half", r"\b(?:the\s+)?(?P<ord>first|second|last|latter)\s+half(?:\s+of\s+(?:the\s+year\s+)?(?P<y>{YEAR}))\b", "half", "the first half of 2021", ignore_case=True, trigger="half year_digits"),
    Rule("two_quarters", r"\b(?:the\s+)?(?P<ord>first|last)\s+two\s+quarters\s+of\s+(?:the\s+year\s+)?(?P<y>{YEAR})\b", "half",
         "the first two quarters of 1990", ignore_case=True, trigger="quarter year_digits"),
    # --- days relative to the reference
    Rule("relative_day", r"\b(?P<word>today|yesterday|tomorrow|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)\b(?!['’]s\s+(?:world|society|youth|generation))",
         "relative_day", "yesterday", ignore_case=True, trigger="near_day"),
    Rule("tonight", r"\b(?P<word>tonight|last\s+night|overnight|this\s+(?:morning|afternoon|evening))\b", "day_part", "this morning", ignore_case=True, trigger="day_part"),
    Rule("weekday_part", r"\b(?:(?P<rel>last|next|this|on)\s+)?(?P<wd>{WEEKDAY})\s+(?P<part>{DAY_PART})\b", "weekday", "Friday morning", trigger="weekday"),
    Rule("relative_day_part", r"\b(?P<word>yesterday|tomorrow)\s+(?P<part>{DAY_PART})\b", "day_part", "yesterday afternoon", ignore_case=True, trigger="near_day"),
    Rule("day_part_relative", r"\b(?:(?:early|late|mid)[\s-])?(?P<part>{DAY_PART})\s+(?P<word>yesterday|today|tomorrow)\b", "day_part",
         "mid-afternoon yesterday", ignore_case=True, trigger="near_day day_part"),
    Rule("day_beside_weekday", r"\b(?:the\s+)?day\s+(?P<dir>before|after)\s+(?:(?P<rel>last|next|this)\s+)?(?P<wd>{WEEKDAY})\b", "day_beside",
         "the day before last Tuesday", trigger="weekday"),
    Rule("weekday", r"\b(?P<since>(?<=[Ff]ollowing\s)|(?<=[Ss]ince\s))?(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Pp]ast|(?:[Tt]he\s+)?previous|[Tt]he\s+following|following(?!\s+{WEEKDAY}['’]s\b))\s+)?(?P<wd>{WEEKDAY})\b(?P<possessive>(?=['’]s\b))?(?!\s+{MONTH})", "weekday", "Thursday's statement", trigger="weekday"),
    # a time takes the day named right after it, a bracketed aside allowed between:
    # "10:35 a.m. (0735 GMT) Friday", "5 p.m. EST, Nov. 9"
    Rule("clock", r"(?<![\d:.])(?P<clock>{CLOCK}){TZ}(?:(?:\s*\([^()\n]{1,24}\))?,?\s+(?:on\s+)?"
         r"(?:(?P<wd>{WEEKDAY})|(?P<date>{MONTH}\s+{DAY}\b(?:,?\s+(?P<y>{YEAR})\b)?)))?", "clock", "5 p.m. EST Nov. 9", trigger="clock"),
    Rule("noon", r"\b(?P<part>noon|midnight|midday)(?:\s+(?P<wd>{WEEKDAY}))?\b", "clock", "midnight Friday", ignore_case=True, trigger="noon"),
    # --- weeks, weekends, months, seasons, years ... relative to the reference
    Rule("relative_unit", r"\b(?P<rel>last|next|this|past|previous|coming|current|following|the\s+past|the\s+last|the\s+previous|the\s+coming|the\s+current|the\s+following|the\s+next|this\s+past)\s+"
         r"(?P<unit>week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn|winter)\b(?!-)",
         "relative_unit", "last week", ignore_case=True, trigger="relative unit"),
    Rule("that_unit", r"\b(?:(?:later|earlier)\s+(?:in\s+)?)?(?:that|the\s+same)\s+(?P<unit>year|month)\b(?![\s-]+(?:old|long))",
         "anaphoric_unit", "later that year", ignore_case=True, trigger="year_or_month"),
    Rule("that_day", r"\b(?:(?:later|earlier)\s+(?:that|the\s+same)|(?:that|the)\s+same)\s+(?P<unit>day)\b",
         "anaphoric_unit", "later that day", ignore_case=True, trigger="day"),
    Rule("year_end", r"\b(?:the\s+)?(?:year[-\s]end|year['’]s\s+end)\b", "year_end", "by year-end", ignore_case=True, trigger="year"),
    Rule("the_weekend", r"\b(?:the|this)\s+(?P<unit>weekend)\b", "relative_unit", "over the weekend", ignore_case=True, trigger="weekend"),
    # "for the year", "the full year": the reference's year ("that year" is the narrative's);
    # "the year ended March 31" is a stretch of a year, its end named next
    Rule("year_ended", r"\bthe\s+(?:fiscal\s+)?(?P<unit>year)(?=\s+(?:that\s+)?(?:ended|ending|ends)\b)", "one_unit",
         "the year ended March 31", ignore_case=True, trigger="year"),
    Rule("the_year", r"\bthe\s+(?:(?:full|current|fiscal|entire|whole|calendar)\s+){0,2}(?P<unit>year)\b"
         r"(?![-'’]|\s+(?:before|earlier|after|later|ago|two\s+thousand|nineteen|twenty|\d))", "relative_unit", "for the year",
         ignore_case=True, trigger="year"),
    Rule("bare_season", r"\b(?:(?:in|during|since|by|until|over|through|into|of|for|throughout)\s+the\s+(?:(?:early|late|mid)[\s-]+)?|(?:in|since|until|by)\s+)(?P<expr>(?P<season>spring|summer|autumn|fall|winter))\b(?!\s+(?:of|session|olympics|games|offensive|campaign|school|palace))",
         "season", "in the summer", ignore_case=True, span="expr", trigger="season"),
    Rule("ago", r"\b(?P<n>{NUMBER}|{VAGUE_NUMBER})[\s-]+(?P<unit>{UNIT})s?(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|hence|before(?=\s*[,.;:]))",
         "ago", "two weeks ago", ignore_case=True, not_before=r"[\d,.$]$", trigger="ago unit"),
    # TimeML: "three days later", "an hour before the vote", "three years from now" are a DURATION
    # (P3D, PT1H, P3Y) without the word that anchors it ("now" is its own PRESENT_REF); the
    # calendar placement, where the words give one, is kept as the span
    Rule("anchored_length", r"\b(?P<expr>(?P<n>{NUMBER}|{VAGUE_NUMBER})[\s-]+(?P<unit>{UNIT})s?)(?:\s+or\s+so)?\s+(?P<dir>later|after|before|from\s+now)\b",
         "anchored_length", "three days later", ignore_case=True, span="expr", not_before=r"[\d,.$]$", trigger="ago unit"),
    # financial news: the period compared with, a year before the quarter under report
    Rule("period_year_earlier", r"\b(?:the\s+)?(?:same|corresponding|comparable|like)\s+(?P<unit>period|quarter)\s+(?:of\s+|in\s+)?"
         r"(?:last\s+year|a\s+year\s+(?:earlier|ago|before)|the\s+(?:previous|prior)\s+year)\b|\blast\s+year['’]s\s+(?P<unit2>quarter|period)\b"
         r"|\bthe\s+(?P<unit3>quarter|period)\s+a\s+year\s+(?:earlier|ago|before)\b",
         "year_earlier", "the corresponding period last year", ignore_case=True, trigger="year"),
    Rule("year_period", r"\bthe\s+(?P<y>{YEAR})\s+(?:quarter|period)\b", "year_period", "the 1988 quarter",
         ignore_case=True, trigger="year_digits"),
    Rule("year_earlier", r"\b(?:the\s+)?(?:year-earlier|year-ago)(?:\s+(?P<unit>quarter|period|month|week))?\b", "year_earlier", "year-earlier", ignore_case=True, trigger="year"),
    # --- durations: anchored to the reference ("the past five years") or not
    Rule("anchored_duration", r"\b(?:the\s+)?(?P<rel>past|last|previous|next|coming|first|following)\s+(?P<n>{NUMBER}|{VAGUE_NUMBER})[\s-]+(?P<unit>{UNIT})s?\b",
         "anchored_duration", "over the past five years", ignore_case=True, not_before=r"[\d,.$]$", trigger="relative unit"),
    Rule("anchored_plural", r"\b(?:the\s+)?(?P<rel>past|last|previous|next|coming)\s+(?P<unit>{UNITS})\b", "anchored_duration", "the past months", ignore_case=True, trigger="relative plural_unit"),
    # not "three-quarters of its food" (a share), not "a second term" (an ordinal)
    Rule("duration", r"(?<![\w$£€.,])(?P<n>{NUMBER}(?:\s+1/2|\s+and\s+a\s+half)?|{VAGUE_NUMBER})(?:\s+or\s+(?:so|more))?(?:\s+(?:more|additional|extra|further|trading|business|working))?[\s-]+(?P<unit>{UNIT})s?(?P<half>\s+and\s+a\s+half)?(?:-long)?\b(?!-old|\s+old\b|-(?:member|strong)|(?<=quarter)s?\s+of\b|(?<=quarters)\s+of\b"
         r"|(?<=\ba\ssecond)\s+(?!later|earlier|ago|before|after|or|and)[a-z])",
         "duration", "10 years in prison", ignore_case=True, not_before=r"(?:[\d,.$]|\bof)\s*$|\b(?:No\.?|Article)\s*$", not_after=AGE_AFTER, trigger="unit"),
    Rule("recent_units", r"\brecent\s+(?P<unit>days|weeks|months|quarters)\b", "vague_duration", "in recent weeks", ignore_case=True, trigger="recent plural_unit"),
    Rule("vague_duration", r"\b(?P<unit>days|weeks|months|years|decades|centuries)(?=\s+(?:of|on\s+end|ago)\b)|\b(?:for|over)\s+(?P<expr>(?P<unit2>days|weeks|months|years|decades))\b",
         "vague_duration", "for days", ignore_case=True, span="expr", trigger="plural_unit"),
    Rule("vague_ref", r"\b(?P<word>" + _alternation(VAGUE_REFS) + r")\b(?!['’-]|\s+(?:and\s+then|on\b|that\b|(?:tense|perfect|participle)\b))",
         "vague_ref", "now", ignore_case=True, trigger="vague"),
]

# Words one of which every match of a rule contains, tested against each
# lower-cased word of a text (they may over-match, never under-match): the engine runs a rule only over the sentences where its trigger
# occurs, which spares most of a text most rules.
PLURAL_UNITS = {"seconds", "minutes", "hours", "days", "weeks", "weekends", "months", "quarters", "years",
                "decades", "centuries"}
TRIGGERS = {
    "any": r"(?s).",
    "digit": r"\d+",
    "month": r"^(?:" + "|".join(MONTHS) + r")$",
    "weekday": r"(?:mon|tues|wednes|thurs|fri|satur|sun)day",
    "unit": r"^(?:(?:second|minute|hour|day|week|weekend|fortnight|month|quarter|year|decade)s?|century|centuries|"
            r"spring|summer|autumn|fall|winter)$",
    "near_day": r"^(?:today|yesterday|tomorrow)$",
    "day_part": r"^(?:tonight|night|overnight|morning|afternoon|evening)$",
    "noon": r"^(?:noon|midnight|midday)$",
    # every vague reference holds its last word ("at the moment": moment), or the one
    # before a plural unit ("the coming weeks": coming), which is rarer
    "vague": r"^(?:" + "|".join(sorted({
        words[-2] if len(words) > 1 and words[-1] in PLURAL_UNITS else words[-1]
        for words in map(str.split, VAGUE_REFS)})) + r")$",
    "spoken": r"nineteen|twenty|thousand",
    "decade_word": r"(?:twent|thirt|fort|fift|sixt|sevent|eight|ninet)ies",
    "holiday": r"^(?:christmas|new|valentine|halloween|may|women|rights|thanksgiving|labor|memorial|boxing)$",
    "set": r"hourly|daily|nightly|weekly|monthly|annually|yearly|every|each",
    "ago": r"^(?:ago|earlier|before|after|later|hence|now)$",
    "year_digits": r"^(?:1\d{3}|20\d\d)$",
    "decade_digits": r"^(?:\d0|1\d\d0|20\d0)$",
    "q": r"^q$",
    "clock": r"^(?:m|am|pm)$|:",  # "a.m." gives the tokens "a" and "m"
    "quarter": r"quarter",
    "relative": r"^(?:last|next|this|past|previous|coming|current|following|first)$",
    "weekend": r"weekend",
    "season": r"^(?:spring|summer|autumn|fall|winter)$",
    "half": r"^half$",
    "plural_unit": r"^(?:" + "|".join(sorted(PLURAL_UNITS)) + r")$",
    "recent": r"^recent$",
    "year": r"^year$",
    "day": r"^day$",
    "period": r"^period$",
    "year_or_month": r"^(?:year|month)$",
    "century": r"^century$",
}

# --- cue tables applied around a found expression --------------------------

# Modifiers directly before an expression: TIMEX3 mod and the share of the
# named span they keep (start, end as fractions), or "to_ref"/"from_ref" for
# "earlier this year" / "later this month".
END_SHARE = (2 / 3, 1.0)
MODIFIERS = [
    (r"(?:the\s+)?(?:very\s+)?(?:early|earlier\s+in|beginning\s+of|start\s+of|outset\s+of)(?:\s+in)?(?:\s+the)?[\s-]+$", "START", (0.0, 1 / 3)),
    (r"(?:the\s+)?(?:mid|middle\s+of|mid-way\s+through)(?:\s+the)?[\s-]+$", "MID", (1 / 3, 2 / 3)),
    (r"(?:the\s+)?(?:late|later\s+in|end\s+of|close\s+of|turn\s+of)(?:\s+the)?[\s-]+$", "END", END_SHARE),
    (r"earlier\s+$", "START", "to_ref"),
    (r"later\s+$", "END", "from_ref"),
]

# Words before an expression that make it open, close or bound a range.
RELATIONS = [
    (r"\b(?:ever\s+)?since\s+(?:(?:the|a|an)\s+)?(?:\w+\s+)?$", "opens"),
    (r"\b(?:from|starting(?:\s+in|\s+on)?|beginning(?:\s+in|\s+on)?|as\s+of)\s+(?:the\s+)?$", "opens"),
    (r"\b(?:until|till|til|through|thru|up\s+to|up\s+until|by|no\s+later\s+than)\s+(?:the\s+)?$", "closes"),
    (r"\b(?:before|prior\s+to|ahead\s+of|earlier\s+than)\s+(?:the\s+)?$", "before"),
    (r"\b(?:after|following|later\s+than)\s+(?:the\s+)?$", "after"),
    (r"\bbetween\s+(?:the\s+)?$", "opens"),
]
# Between two expressions: "from X to Y", "between X and Y", "X-Y".
RANGE_LINKS = r"^\s*(?:to|until|till|through|and|[-–—])\s*(?:the\s+)?$"

# Direction cues: a year-less date, a bare weekday or "the weekend" takes the
# nearest such day on or before the reference unless the sentence looks
# ahead. The nearest cue word to the expression decides.
FUTURE_CUES = (
    # first, so that it wins over "will" alone: "will be paid Dec. 14", "to be completed
    # by Dec. 15" (the participle is not a report)
    r"\b(?:(?:will|won['’]t|to|would|shall|should|must|may|might)\s+(?:not\s+)?be\s+[a-z]+|supposed\s+to|"
    r"will|won['’]t|shall|['’]ll|going\s+to|to\s+take\s+place|scheduled|to\s+be\s+held|"
    r"is\s+to|are\s+to|plans?\s+to|planned|planning|expected\s+to|is\s+due|are\s+due|due\s+to\s+(?:be|take|start|begin|open|meet|speak|visit|hold)|"
    r"would|payable|effective|expires?|deadline|expects?|upcoming|next(?!\s+to\b)|intends?\s+to|set\s+to|slated|coming|tomorrow|to\s+begin|to\s+start|to\s+open|to\s+speak|to\s+visit|to\s+meet|to\s+hold|to\s+vote|"
    # "were planning", "was expected": the auxiliary starts a look ahead, not a report
    r"(?:was|were|is|are|be|been)\s+(?:planning|scheduled|expected|due|set|slated|going|about)|"
    r"might|as\s+(?:early|soon)\s+as|ahead\s+of|"
    r"(?:postponed|adjourned|deferred|delayed|extended|pushed\s+back|put\s+off)(?:\s+[\w'’]+){0,4}?\s+(?:until|till|to))\b"
)
PAST_WORDS = (
    "said says told announced reported was were had did been ago last earlier since "
    "agreed freed guaranteed decreed "
    "recalled stated issued named held met took began came went made gave won lost bought sold "
    "paid left fled led saw fell rose spent wrote spoke ran sent felt kept brought "
    # past tenses unlike their participles ("became", not "found": "when the case is found")
    "became knew broke chose drove grew threw arose shook swore tore wore withdrew rode rang sang "
    "flew froze stole sank forgave forgot overtook undertook forbade hid bit ate drank"
).split()
PAST_CUES = r"\b(?:" + _alternation(PAST_WORDS) + r")\b"
# A plan in the past perfect is past: the future cues inside these words point back
# ("had been scheduled for Friday", "had planned to visit Monday").
PAST_PLANS = (r"\bhad\s+(?:been\s+)?(?:scheduled|planned|planning|expected|due|set|slated|supposed|going|about)\b"
              r"(?:\s+to\s+[a-z]+)?")  # and its verb: "had been due to expire Friday"
# Any other past participle points back too, but only weakly: it may be an adjective
# ("preferred shares on Oct. 31"), so it never holds a date against a nearer reading.
# Lower case only: "United" is not a past tense; "-eed" words are not past tenses,
# except the few in PAST_CUES.
WEAK_PAST_CUES = r"\b(?-i:[a-z]{2,}(?<!e)ed)\b"  # not "succeed", "proceed", "need"

# How far (days) a year-less date may be placed in the sentence's direction
# before a nearer reading the other way wins.
# A cue this close (characters) to the expression is not overruled ("the year
# ended March 31").
FAR_DAYS = {"past": 270, "future": 183}
STRONG_CUE_CHARS = 12
# A cue after the expression counts as this many times farther than one before it:
# the verb that governs a date mostly comes first ("glossed over warnings from Moscow
# on Thursday that strikes could ...").
AFTER_CUE_WEIGHT = 2
WEAK_CUE_CHARS = 5  # the same for a weak cue: "opened on March 3", not "preferred shares on Oct. 31"

# A temporal word capitalised right after another word belongs to a name, not a
# time: "60 Minutes", ABC's "This Week", "USA Today", "High Noon" (but not "Now" that
# opens a sentence or follows a dateline's dash).
TITLE_WORDS = r"\b(?:Weeks?|Weekend|Minutes|Hours|Months|Years|Today|Tonight|Tomorrow|Noon|Midnight|Now)\b"

# Lines at the head of a document that carry its publication stamp.
STAMP_LINE = (
    r"^\s*(?:(?i:by)\s+[^·|\n]{1,60}?\s*[·|—–-]\s*(?=(?i:published|updated|posted)))?"  # a byline before it
    r"(?:(?i:published|updated|posted|date|dated|last\s+updated|first\s+published)"
    r"(?:\s+on)?\s*[:\-–]?\s*|[A-Z]{3,}(?:\s+[A-Z]{3,})*(?:,\s+[A-Z][a-z]+)?,\s+)?(?=\S)"
)
