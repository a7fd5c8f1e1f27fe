"""Every row of the README's table of date constructs is what the engine returns."""

import re
from datetime import date

import pytest

from explorer.dates import find_dates

from .conftest import ROOT


def readme_rows():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Date constructs", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[2]):
            rows.append(cells)
    return rows


ROWS = readme_rows()


def test_the_table_covers_the_construct_families():
    assert len(ROWS) >= 30
    names = {r[0] for r in ROWS}
    for family in ("Weekend", "Anchored duration", "Modifier", "Since (opens a range)", "Decade", "Season",
                   "Possessive relative year", "Weekday, possessive", "Month and day, looking ahead"):
        assert family in names


@pytest.mark.parametrize("construct, text, reference, words, timex, days, granularity, relation", ROWS,
                         ids=[f"{r[0]}: {r[3]}" for r in ROWS])
def test_readme_row(construct, text, reference, words, timex, days, granularity, relation):
    found = [e for e in find_dates(text, date.fromisoformat(reference)) if e.text == words]
    assert len(found) == 1
    e = found[0]
    assert f"{e.type} {e.timex}" == timex
    if days == "—":
        assert e.date_start is None
    else:
        start, _, end = days.partition(" – ")
        assert (e.date_start.isoformat(), e.date_end.isoformat()) == (start, end or start)
    assert (e.granularity or "—") == granularity
    assert e.relation == relation
