"""A seat's term: the one place that decides whether a seat is held on a day,
and what the pages say about it.

A seat kept in Assure has a start and an end, and without an end it is held
until someone ends it. A seat transcribed from a past report is known only
as far as its sources go: from its start (or the first reporting year a
source shows it held) to its end (or the last year a source records it).
After that Assure does not know it is still held, so it says where the seat
was last recorded rather than calling it current; once a successor named by
a source holds the seat, it has ended, even though no source gives the day.

The same bounds are SQL expressions (`HELD_FROM`, `KNOWN_UNTIL`) so the
selectors filter in the database exactly as `seat_state` decides in Python:
a seat is current on a day exactly when it is neither starting later nor
past on that day. The end date is the last day a seat is held: on it the
seat is current, the day after it is past.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.formats import date_format

from board.models import Member, ReportingYear, SourceDocument

#: The first day a seat is known to be held: its start, or the start of the
#: first (else the last) reporting year a source records it in. NULL when
#: nothing is known, which counts as held from always.
HELD_FROM = Coalesce("start", "first_recorded__start", "last_recorded__start")

#: The last day a seat is known to be held: its end, or the end of the last
#: reporting year a source records it in. NULL for a seat kept in Assure
#: with no end, which is held until someone ends it.
KNOWN_UNTIL = Coalesce("end", "last_recorded__end")

#: What a page needs to say a seat's standing without a query per seat.
TERM_RELATED = (
    "first_recorded",
    "last_recorded",
    "last_recorded_in",
    "successor__agency",
    "successor__first_recorded",
    "successor__last_recorded",
)


class Standing(enum.StrEnum):
    CURRENT = "current"
    UPCOMING = "upcoming"
    ENDED = "ended"
    SUCCEEDED = "succeeded"
    LAST_RECORDED = "last-recorded"


#: The seats a page may show, by what they are on its day.
SHOWN = {
    "current": "Current seats",
    "upcoming": "Seats starting later",
    "past": "Past seats",
    "all": "All seats",
}


@dataclass(frozen=True)
class SeatState:
    """What a seat is on `day`, and the words a page shows for it."""

    standing: Standing
    day: datetime.date
    text: str
    ended: datetime.date | None = None
    year: ReportingYear | None = None
    source: SourceDocument | None = None
    successor: Member | None = None

    @property
    def current(self) -> bool:
        return self.standing is Standing.CURRENT

    @property
    def past(self) -> bool:
        return self.standing in (Standing.ENDED, Standing.SUCCEEDED, Standing.LAST_RECORDED)


def _day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def held_from(member: Member) -> datetime.date | None:
    """HELD_FROM in Python."""
    if member.start is not None:
        return member.start
    year = member.first_recorded or member.last_recorded
    return year.start if year is not None else None


def known_until(member: Member) -> datetime.date | None:
    """KNOWN_UNTIL in Python."""
    if member.end is not None:
        return member.end
    return member.last_recorded.end if member.last_recorded is not None else None


def seat_state(member: Member, *, day: datetime.date) -> SeatState:
    """The seat's standing on `day`.

    - Starting later: `day` is before the first day it is known to be held.
    - Current: `day` is on or before its end (or the last day of the last
      year a source records it), or it has no end at all.
    - Ended: past its end date.
    - Succeeded: past what its sources record, and its successor holds the
      seat by `day`, so it has ended on a day no source gives.
    - Last recorded: past what its sources record, with nothing known after.
    """
    start = held_from(member)
    until = known_until(member)
    successor = member.successor
    if start is not None and day < start:
        if member.start is not None:
            text = f"Starts on {_day(member.start)}"
        else:
            text = f"First recorded in {member.first_recorded or member.last_recorded}"
        return SeatState(Standing.UPCOMING, day, text)
    if until is None or day <= until:
        text = f"Current, until {_day(member.end)}" if member.end is not None else "Current"
        return SeatState(Standing.CURRENT, day, text)
    took_over = f"; {successor.label} took over" if successor is not None else ""
    if member.end is not None:
        return SeatState(
            Standing.ENDED,
            day,
            f"Ended on {_day(member.end)}{took_over}",
            ended=member.end,
            successor=successor,
        )
    if successor is not None and (held_from(successor) or day) <= day:
        return SeatState(
            Standing.SUCCEEDED,
            day,
            f"Ended (the day is not recorded){took_over}",
            year=member.last_recorded,
            source=member.last_recorded_in,
            successor=successor,
        )
    source = member.last_recorded_in
    return SeatState(
        Standing.LAST_RECORDED,
        day,
        f"Last recorded in {member.last_recorded}" + (f" ({source.title})" if source else ""),
        year=member.last_recorded,
        source=source,
        successor=successor,
    )


def start_text(member: Member) -> str:
    """A seat's start as the pages show it: the date, or what is known."""
    if member.start is not None:
        return date_format(member.start, "j M Y")
    year = member.first_recorded or member.last_recorded
    return f"Not known; recorded from {year}" if year is not None else "Not known"


def with_term(members: QuerySet[Member]) -> QuerySet[Member]:
    return members.alias(held_from=HELD_FROM, known_until=KNOWN_UNTIL)


def held_between_q(first: datetime.date, last: datetime.date) -> Q:
    """On a queryset `with_term`: seats held on at least one day from
    `first` to `last`, both included."""
    return (Q(held_from__isnull=True) | Q(held_from__lte=last)) & (
        Q(known_until__isnull=True) | Q(known_until__gte=first)
    )


def held_on_q(day: datetime.date) -> Q:
    return held_between_q(day, day)


def held_between(
    members: QuerySet[Member], first: datetime.date, last: datetime.date
) -> QuerySet[Member]:
    """Seats held on at least one day from `first` to `last`, both included."""
    return with_term(members).filter(held_between_q(first, last))


def shown_on(members: QuerySet[Member], shown: str, day: datetime.date) -> QuerySet[Member]:
    """The seats a page shows under `shown` (a key of SHOWN) on `day`."""
    if shown == "current":
        return held_between(members, day, day)
    if shown == "upcoming":
        return with_term(members).filter(Q(held_from__gt=day))
    if shown == "past":
        return with_term(members).filter(Q(known_until__lt=day))
    return members
