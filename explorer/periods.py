"""Calendar arithmetic: the span of days a TIMEX3 period covers.

Pure functions on `datetime.date`; spans are inclusive (first day, last day).
"""

from __future__ import annotations

from datetime import date, timedelta

Span = tuple[date, date]

MIN_YEAR, MAX_YEAR = 1, 9998  # datetime's range, less a year of slack for +1 shifts


def month_span(year: int, month: int) -> Span:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def year_span(year: int) -> Span:
    return date(year, 1, 1), date(year, 12, 31)


def months_span(year: int, first_month: int, last_month: int) -> Span:
    """Months first..last of `year`; a last month past 12 runs into next year."""
    start = month_span(year, first_month)[0]
    end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return start, month_span(end_year, end_month)[1]


def quarter_span(year: int, quarter: int) -> Span:
    return months_span(year, 3 * quarter - 2, 3 * quarter)


def half_span(year: int, half: int) -> Span:
    return months_span(year, 6 * half - 5, 6 * half)


def iso_week_span(day: date) -> Span:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def week_timex(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def weekend_span(day: date) -> Span:
    """The Saturday and Sunday of `day`'s ISO week."""
    monday = iso_week_span(day)[0]
    return monday + timedelta(days=5), monday + timedelta(days=6)


def decade_span(first_year: int) -> Span:
    return date(first_year, 1, 1), date(first_year + 9, 12, 31)


def century_span(first_year: int) -> Span:
    return date(max(first_year, 1), 1, 1), date(first_year + 99, 12, 31)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_span(year, month + 1)[1].day
    return date(year, month + 1, min(day.day, last))


def shift(day: date, amount: float, unit: str) -> date:
    """`day` moved by `amount` units (day, week, month, quarter, year, decade, century)."""
    days = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7,
            "weekend": 7, "fortnight": 14}.get(unit)
    if days is not None:
        return day + timedelta(days=int(amount * days))
    months = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}[unit]
    return add_months(day, round(amount * months))


def narrow(span: Span, share: tuple[float, float]) -> Span:
    """The part of `span` between two fractions of its length ("early", "late")."""
    start, end = span
    days = (end - start).days + 1
    first = start + timedelta(days=int(days * share[0]))
    last = start + timedelta(days=max(int(days * share[1]) - 1, int(days * share[0])))
    return first, min(last, end)
