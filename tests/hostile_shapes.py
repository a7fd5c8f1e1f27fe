"""Inputs shaped to make a step cost more than its size: one document each, grown by a factor.

`SHAPES[name](k)` is a file (name, bytes) about k times the size of `SHAPES[name](1)`.
`bench/hostile.py` times every shape at 1x to 16x against dateparser's search_dates;
`tests/test_hostile.py` checks each stays linear and within its bounds.
"""

from __future__ import annotations

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TITLE = "Hostile shape\n"


def month_names(k: int):
    """One sentence of 1,000 k month names: every one a candidate date."""
    names = " ".join(MONTHS[i % 12] for i in range(1000 * k))
    return "months.txt", (TITLE + "It happened in " + names + ".").encode()


def long_sentence(k: int):
    """One sentence of about 56 k KB holding 62 k dates."""
    filler = "and the police came again to the square where people stood " * 14
    return "long.txt", (TITLE + "It began " + "".join(f"{filler}on 28 October 2020 " for _ in range(62 * k)) + "end.").encode()


def actor_names(k: int):
    """One sentence naming two actors 125 k times, with a date every 25 names."""
    parts = []
    for i in range(125 * k):
        parts.append("Lukashenka and Tsikhanouskaya met")
        if i % 25 == 0:
            parts.append("on 28 October 2020")
    return "actors.txt", (TITLE + "In Minsk " + " ".join(parts) + ".").encode()


def quotations(k: int):
    """200 k quoted sentences, each attributed after the quote."""
    quote = "“We will not give up, and we will win on 28 October 2020,” said Lukashenka. "
    return "quotes.txt", (TITLE + quote * (200 * k)).encode()


def furniture(k: int):
    """500 k lines of site furniture between 500 k dated sentences."""
    body = "".join("Breaking News\nPolice came on 28 October 2020, the prosecutor said.\n" for _ in range(500 * k))
    return "furniture.txt", (TITLE + body).encode()


def plans(k: int):
    """One sentence of 200 k past-perfect plans, each with a weekday."""
    return "plans.txt", (TITLE + "The talks " + "had been scheduled for Friday and " * (200 * k) + "ended.").encode()


def digits(k: int):
    """A run of 20,000 k digits before a date."""
    return "digits.txt", (TITLE + "1" * (20_000 * k) + " on 28 October 2020.").encode()


def since(k: int):
    """'since' 2,000 k times, then a year."""
    return "since.txt", (TITLE + "It went on " + "since " * (2000 * k) + "2020.").encode()


def nested_html(k: int):
    """A web page of 1,000 k nested elements, a date in each."""
    n = 1000 * k
    inner = "".join("<div><span>On 28 October 2020 police came.</span>" for _ in range(n)) + "</div>" * n
    return "nested.html", f"<html><head><title>Nested</title></head><body>{inner}</body></html>".encode()


def ordinary(k: int):
    """An ordinary article of about 5 k KB (the control)."""
    paragraph = ("Police in Minsk detained 40 people on Friday, the Viasna Human Rights Center said. "
                 "Since August 2020, the United States has imposed sanctions on Lukashenka's officials. "
                 "“We will not stop,” said Svyatlana Tsikhanouskaya on 28 October 2020.\n")
    return "ordinary.txt", (TITLE + paragraph * (20 * k)).encode()


SHAPES = {
    "month names in one sentence": month_names,
    "dates in one long sentence": long_sentence,
    "two actors named in one sentence": actor_names,
    "quotations": quotations,
    "furniture between sentences": furniture,
    "past-perfect plans in one sentence": plans,
    "a run of digits": digits,
    "'since' repeated": since,
    "nested HTML": nested_html,
    "ordinary article": ordinary,
}
PUBLISHED = "2021-01-27"
