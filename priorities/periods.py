"""When an action plan is in force: the rule for one plan already read, its
words, and the period's own rules (an end before the start, say).

The same rule is written as query conditions in
`priorities.models.ActionPlanQuerySet`, so a list of plans and one plan's
page cannot disagree; tests/priorities/test_periods.py holds the two side by
side. This module imports no model, so the models (their `clean`, which the
admin and the fixture loader run) and the services both use it.

The rule (docs/adr/0008-plans-have-a-period.md): a plan is closed on a day
when a person closed it on or before that day, or its period (as extended)
ended before that day, or, for a plan with no end, every one of its actions
was rated Blue (completed) for process by the day before. It is in force on a
day when it has started (or has no start) and is not closed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from core.problems import Problems, add_problem


class Standing(StrEnum):
    NOT_STARTED = "not-started"
    IN_FORCE = "in-force"
    CLOSED = "closed"


class Closure(StrEnum):
    """Why a plan is closed, in the order the rule asks: a person's decision
    first, then the period, then the plan's actions."""

    BY_PERSON = "by-person"
    PERIOD_ENDED = "period-ended"
    ACTIONS_COMPLETE = "actions-complete"


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def effective_end(
    ends_on: datetime.date | None, extended_to: datetime.date | None
) -> datetime.date | None:
    """The last day of the period as the business manager left it: the
    extension when there is one, else the end the plan states; None for a
    plan that runs until its actions are complete."""
    return extended_to or ends_on


@dataclass(frozen=True)
class PlanState:
    """Where a plan stands on `day`, with what the page says about it."""

    day: datetime.date
    standing: Standing
    closure: Closure | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    extended_to: datetime.date | None
    closed_on: datetime.date | None

    @property
    def closed(self) -> bool:
        return self.standing == Standing.CLOSED

    @property
    def in_force(self) -> bool:
        return self.standing == Standing.IN_FORCE

    @property
    def end(self) -> datetime.date | None:
        return effective_end(self.ends_on, self.extended_to)

    @property
    def open_ended(self) -> bool:
        return self.end is None

    @property
    def words(self) -> str:
        """The plan's standing in a sentence, as the plan page and list show it."""
        if self.closure == Closure.BY_PERSON and self.closed_on is not None:
            return f"Closed on {long_date(self.closed_on)}"
        if self.closure == Closure.PERIOD_ENDED and self.end is not None:
            return f"Closed: its period ended on {long_date(self.end)}"
        if self.closure == Closure.ACTIONS_COMPLETE:
            return "Closed: every action is complete (rated Blue for process)"
        if self.standing == Standing.NOT_STARTED and self.starts_on is not None:
            return f"Not started: it starts on {long_date(self.starts_on)}"
        if self.end is None:
            since = f" since {long_date(self.starts_on)}" if self.starts_on else ""
            return f"In force{since}, until its actions are complete"
        return f"In force until {long_date(self.end)}"

    @property
    def dates(self) -> str:
        """The period's dates in words, with an extension said as such."""
        return period_in_words(self.starts_on, self.ends_on, self.extended_to)


def period_in_words(
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    extended_to: datetime.date | None = None,
) -> str:
    """ "1 April 2015 to 31 March 2017", "From 29 March 2016 until its actions
    are complete", with an extension said as such."""
    end = effective_end(ends_on, extended_to)
    if end is None:
        until = "until its actions are complete"
        return f"From {long_date(starts_on)} {until}" if starts_on else until.capitalize()
    words = (
        f"{long_date(starts_on)} to {long_date(end)}" if starts_on else f"Until {long_date(end)}"
    )
    if extended_to is not None:
        words += (
            f" (extended from {long_date(ends_on)})"
            if ends_on
            else " (an end given when it was reopened)"
        )
    return words


def state_on(
    *,
    day: datetime.date,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    extended_to: datetime.date | None,
    closed_on: datetime.date | None,
    complete_before: bool,
) -> PlanState:
    """Where a plan stands on `day`. `complete_before` says whether the plan
    has actions and every one was rated Blue for process in its latest
    assessment dated before `day` (ActionPlanQuerySet.with_state reads it)."""
    end = effective_end(ends_on, extended_to)
    closure = None
    if closed_on is not None and closed_on <= day:
        closure = Closure.BY_PERSON
    elif end is not None and end < day:
        closure = Closure.PERIOD_ENDED
    elif end is None and complete_before:
        closure = Closure.ACTIONS_COMPLETE
    if closure is not None:
        standing = Standing.CLOSED
    elif starts_on is not None and starts_on > day:
        standing = Standing.NOT_STARTED
    else:
        standing = Standing.IN_FORCE
    return PlanState(day, standing, closure, starts_on, ends_on, extended_to, closed_on)


# The period's own rules ------------------------------------------------------------------

END_BEFORE_START = "The end of the period cannot be before its start."
EXTENSION_NOT_AFTER_END = "An extension must end after the period's end."
EXTENSION_BEFORE_START = "An extension cannot end before the period's start."
CLOSED_BEFORE_START = "A plan cannot close before its period starts."
CLOSED_WITHOUT_REASON = "Say why the plan was closed."


def period_problems(
    *,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    extended_to: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    closed_reason: str = "",
) -> Problems:
    """What is wrong with a plan's dates, whatever the day: the model's
    `clean` (the admin, the fixture loader) and every service ask this."""
    problems: Problems = {}
    if starts_on and ends_on and ends_on < starts_on:
        add_problem(problems, "ends_on", END_BEFORE_START)
    if extended_to is not None:
        if ends_on is not None and extended_to <= ends_on:
            add_problem(problems, "extended_to", EXTENSION_NOT_AFTER_END)
        if starts_on is not None and extended_to < starts_on:
            add_problem(problems, "extended_to", EXTENSION_BEFORE_START)
    if closed_on is not None:
        if starts_on is not None and closed_on < starts_on:
            add_problem(problems, "closed_on", CLOSED_BEFORE_START)
        if not closed_reason.strip():
            add_problem(problems, "closed_reason", CLOSED_WITHOUT_REASON)
    return problems
