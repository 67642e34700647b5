"""Fixing the clock for a test that means a particular day.

A test that reads "today" through the code under test states the day it means
with ``@on_day(datetime.date(2026, 12, 2))`` (or uses it as a context manager),
so it passes on any day the suite runs; `.ci/run` proves that by running the
suite again with ASSURE_TEST_CLOCK set to the first day of a reporting year.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine

LONDON = ZoneInfo("Europe/London")


def on_day(day: datetime.date, hour: int = 12) -> time_machine.travel:
    """The clock stopped at ``hour`` o'clock, London time, on ``day``."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON), tick=False
    )
