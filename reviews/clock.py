"""The statutory clock: working days in England, as Working Together and the
Child Safeguarding Practice Review Panel count them.

A working day is Monday to Friday except an England and Wales bank holiday,
substitute days ("Christmas Day (observed)") and one-off holidays (the State
Funeral of 19 September 2022, the Coronation of 8 May 2023) included. The
holidays come from the pinned `holidays` package, which holds them in its own
code, so the clock works offline and gives the same answer on every machine.

The day something happens is day 0: a notification due "within 5 working days
of becoming aware" of an incident on a Friday falls due on the following
Friday, not on the Thursday.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

#: England and Wales: the bank holidays of the subdivision England, which the
#: package also applies to Wales.
_COUNTRY = "GB"
_SUBDIV = "ENG"


@lru_cache(maxsize=512)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays(_COUNTRY, subdiv=_SUBDIV, years=year))


def bank_holiday_name(day: datetime.date) -> str | None:
    """The bank holiday's name, or None on any other day."""
    if day not in _bank_holidays(day.year):
        return None
    names = holidays.country_holidays(_COUNTRY, subdiv=_SUBDIV, years=day.year)
    return str(names.get(day))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (before it, for a negative
    number). `start` is day 0 whatever day it is; the answer of a non-zero
    count is always a working day."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start` `end` is: the working days in
    (start, end], negative when `end` comes first. The inverse of
    add_working_days: working_days_between(d, add_working_days(d, n)) == n."""
    if end < start:
        return -working_days_between(end, start)
    whole_weeks, extra = divmod((end - start).days, 7)
    count = whole_weeks * 5
    day = start + datetime.timedelta(days=whole_weeks * 7)
    for _ in range(extra):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    holidays_between = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in _bank_holidays(year)
        if start < holiday <= end and holiday.weekday() < 5
    )
    return count - holidays_between


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, or the last day of that
    month when it is shorter (31 August + 6 months is 28 or 29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue  # pragma: no mutate
    # Unreachable, so no mutant of it can change what the clock answers.
    raise AssertionError("every month has a 28th")  # pragma: no cover  # pragma: no mutate
