"""The statutory clock: named cases around the holidays that catch people
out, and properties that hold for any date and any count."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.clock import (
    add_months,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    working_days_between,
)

D = datetime.date

#: From 2000 to 2040: the years a board's reviews and their deadlines fall in.
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (D(2020, 5, 8), "May Day"),  # moved for the 75th anniversary of VE day
        (D(2021, 12, 27), "Christmas Day (observed)"),
        (D(2021, 12, 28), "Boxing Day (observed)"),
        (D(2020, 12, 28), "Boxing Day (observed)"),
        (D(2017, 1, 2), "New Year's Day (observed)"),
        (D(2026, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_it_knows_the_substitute_and_one_off_bank_holidays(day, name):
    assert bank_holiday_name(day) == name
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        D(2020, 5, 4),  # the first Monday of May 2020 was a working day
        D(2023, 5, 2),  # the day after the 2023 May Day
        D(2022, 9, 20),  # the day after the State Funeral
        D(2026, 12, 2),  # today, a Wednesday
        D(2022, 12, 28),  # Wednesday after the 2022 Christmas holidays
    ],
)
def test_it_counts_ordinary_weekdays_as_working_days(day):
    assert bank_holiday_name(day) is None
    assert is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2026, 12, 5))  # Saturday
    assert not is_working_day(D(2026, 12, 6))  # Sunday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The day something happens is day 0, even a Friday.
        (D(2026, 12, 4), 5, D(2026, 12, 11)),
        (D(2026, 12, 4), 1, D(2026, 12, 7)),
        # Same day: nothing to add.
        (D(2026, 12, 2), 0, D(2026, 12, 2)),
        (D(2026, 12, 5), 0, D(2026, 12, 5)),  # a Saturday stays day 0
        # From a Saturday the first working day is the Monday.
        (D(2026, 12, 5), 1, D(2026, 12, 7)),
        # Christmas 2026: Friday 25, Monday 28 (Boxing Day observed) are off.
        (D(2026, 12, 23), 1, D(2026, 12, 24)),
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        (D(2026, 12, 23), 5, D(2027, 1, 4)),  # 1 January 2027 is a Friday off
        # Christmas 2021: 27 and 28 December were both substitute days.
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        # Easter 2023: Good Friday 7 April and Easter Monday 10 April.
        (D(2023, 4, 6), 1, D(2023, 4, 11)),
        (D(2023, 4, 3), 5, D(2023, 4, 12)),
        # The Coronation: Monday 8 May 2023, after May Day on the 1st.
        (D(2023, 4, 28), 5, D(2023, 5, 9)),
        (D(2023, 5, 5), 1, D(2023, 5, 9)),
        # The State Funeral: Monday 19 September 2022.
        (D(2022, 9, 16), 1, D(2022, 9, 20)),
        (D(2022, 9, 12), 5, D(2022, 9, 20)),
        # 15 working days from a notification before Easter 2017.
        (D(2017, 4, 3), 15, D(2017, 4, 26)),
        # Counting back: 7 working days before a publication after Easter 2023.
        (D(2023, 4, 12), -7, D(2023, 3, 30)),
        (D(2022, 9, 20), -1, D(2022, 9, 16)),
    ],
)
def test_it_adds_working_days(start, days, due):
    assert add_working_days(start, days) == due
    assert working_days_between(start, due) == days


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2026, 12, 2), D(2026, 12, 2), 0),
        (D(2026, 12, 4), D(2026, 12, 6), 0),  # Friday to Sunday
        (D(2026, 12, 4), D(2026, 12, 7), 1),
        (D(2026, 12, 7), D(2026, 12, 4), -1),
        (D(2026, 12, 24), D(2026, 12, 29), 1),
        (D(2022, 9, 16), D(2022, 9, 20), 1),
        (D(2023, 5, 5), D(2023, 5, 9), 1),
        (D(2016, 1, 1), D(2017, 1, 1), 253),  # 261 weekdays less 8 bank holidays
    ],
)
def test_it_counts_working_days_between_two_dates(start, end, days):
    assert working_days_between(start, end) == days


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 1, 15), 6, D(2026, 7, 15)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2026, 12, 31), 6, D(2027, 6, 30)),
        (D(2026, 7, 1), 6, D(2027, 1, 1)),
    ],
)
def test_it_adds_calendar_months(start, months, end):
    assert add_months(start, months) == end


@given(dates, counts)
def test_counting_back_the_days_added_gives_the_count(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days
    # Counting back from a working day (publication, say) is the inverse too;
    # from a weekend or holiday the start itself is not one of the days.
    back = working_days_between(start, add_working_days(start, -days))
    assert back == (-days if is_working_day(start) or days == 0 else -days + 1)


@given(dates, st.integers(min_value=1, max_value=400))
def test_a_due_date_is_always_a_working_day_after_the_start(start, days):
    due = add_working_days(start, days)
    assert is_working_day(due)
    assert due > start
    # Never more than twice the days plus a fortnight of holidays away.
    assert (due - start).days <= 2 * days + 14


@given(dates, counts)
def test_adding_one_more_day_reaches_the_next_working_day(start, days):
    due = add_working_days(start, days)
    following = add_working_days(start, days + 1)
    assert following > due
    assert all(
        not is_working_day(due + datetime.timedelta(days=gap))
        for gap in range(1, (following - due).days)
    )


@given(dates, dates)
def test_counting_between_matches_counting_day_by_day(start, end):
    low, high = sorted((start, end))
    if (high - low).days > 800:
        high = low + datetime.timedelta(days=800)
    by_day = sum(
        1
        for gap in range(1, (high - low).days + 1)
        if is_working_day(low + datetime.timedelta(days=gap))
    )
    assert working_days_between(low, high) == by_day
    assert working_days_between(high, low) == -by_day


@given(dates, dates, dates)
def test_counting_between_adds_up(a, b, c):
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)
