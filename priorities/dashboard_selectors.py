"""Reads of actions for the chair's dashboard (reports.dashboard), each one
query whatever the number of actions or assessments.

The rules (what "overdue" and "not assessed for too long" mean) are stated
here once, as query conditions, and again as plain functions for a row
already read, so the page and the database cannot disagree.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from board.models import Board
from core.expressions import IsoDate
from priorities.models import Action, ActionPlan, Assessment, Rating
from priorities.selectors import overdue_q, with_current_ratings

#: The ratings that ask the chair "how do we know?": on either dimension.
WORRYING = (Rating.RED, Rating.AMBER)


def stale_before(*, today: datetime.date, stale_days: int) -> datetime.date:
    """Assessed before this date means not assessed for more than
    `stale_days` days: an action assessed exactly `stale_days` ago is not stale."""
    return today - datetime.timedelta(days=stale_days)


def stale_q(*, today: datetime.date, stale_days: int) -> Q:
    """Never assessed, or last assessed more than `stale_days` days before
    today; a completed action (BLUE for process) needs no new assessment."""
    not_completed = Q(current_process__isnull=True) | ~Q(current_process=Rating.BLUE)
    old = Q(last_assessed__isnull=True) | Q(
        last_assessed__lt=stale_before(today=today, stale_days=stale_days)
    )
    return old & not_completed


def worrying_q() -> Q:
    return Q(current_process__in=WORRYING) | Q(current_impact__in=WORRYING)


def is_worrying(process: str | None, impact: str | None) -> bool:
    """The rule of worrying_q, for ratings already read."""
    return process in WORRYING or impact in WORRYING


def is_overdue(due_date: datetime.date | None, process: str | None, today: datetime.date) -> bool:
    """The rule of priorities.selectors.overdue_q, for values already read:
    due before today (an action due today is not overdue) and not BLUE."""
    return due_date is not None and due_date < today and process != Rating.BLUE


def is_stale(
    process: str | None,
    last_assessed: datetime.date | None,
    *,
    today: datetime.date,
    stale_days: int,
) -> bool:
    """The rule of stale_q, for values already read."""
    if process == Rating.BLUE:
        return False
    return last_assessed is None or last_assessed < stale_before(today=today, stale_days=stale_days)


#: What the dashboard reads of an action: plain values, not model instances,
#: because a board at ten times the seeds' size lists hundreds of actions and
#: building a model (and its plan and priority) for each costs more than the query.
ACTION_FIELDS = (
    "id",
    "ref",
    "description",
    "due_date",
    "current_process",
    "current_impact",
    "last_assessed",
    "plan_id",
    "plan__slug",
    "plan__title",
    "priority_id",
    "priority__number",
    "priority__title",
)


#: The plan's period, read as ISO text (core.expressions.IsoDate) with each
#: of hundreds of actions' rows but used once a plan: the dashboard makes
#: dates of the first row's only.
PLAN_PERIOD = {
    "plan_starts_on": IsoDate("plan__starts_on"),
    "plan_ends_on": IsoDate("plan__ends_on"),
    "plan_extended_to": IsoDate("plan__extended_to"),
}


def actions_needing_attention(
    *, board: Board, today: datetime.date, stale_days: int
) -> QuerySet[Any, dict[str, Any]]:
    """The board's actions in plans in force on `today` that are rated RED or
    AMBER for process or impact, overdue, or not assessed for more than
    `stale_days` days, each with its current ratings, in plan, priority and
    action order. A closed plan, or one not started yet, is left out
    (ActionPlanQuerySet.in_force_on). One query."""
    attention = worrying_q() | overdue_q(today) | stale_q(today=today, stale_days=stale_days)
    in_force = ActionPlan.objects.filter(board=board).in_force_on(today).values("pk")
    return (
        with_current_ratings(Action.objects.filter(plan__board=board, plan__in=in_force))
        .filter(attention)
        .order_by("plan__kind", "plan__title", "plan_id", "priority__number", "position", "ref")
        .values(*ACTION_FIELDS, **PLAN_PERIOD)
    )


def assessments_since(*, board: Board, since: datetime.date) -> QuerySet[Any, Any]:
    """The board's assessments dated on or after `since`, each with the
    action's rating just before it (`previous_process`, `previous_impact`:
    None for an action's first assessment). "Before" follows the order that
    makes an action's current rating: date, then when it was recorded, then
    the order it was saved in, so two assessments on one day stand in the
    order they were recorded. One query."""
    earlier = Assessment.objects.filter(action=OuterRef("action")).filter(
        Q(assessed_on__lt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), recorded_at__lt=OuterRef("recorded_at"))
        | Q(
            assessed_on=OuterRef("assessed_on"),
            recorded_at=OuterRef("recorded_at"),
            id__lt=OuterRef("id"),
        )
    )
    previous = earlier.order_by("-assessed_on", "-recorded_at", "-id").values("id")[:1]
    # The assessment before is joined once, picked by one correlated subquery
    # in the join's condition, as with_current_ratings joins the latest.
    return (
        Assessment.objects.filter(action__plan__board=board, assessed_on__gte=since)
        .alias(
            previous_id=Subquery(previous),
            previous=FilteredRelation(
                "action__assessments", condition=Q(action__assessments__id=F("previous_id"))
            ),
        )
        .annotate(
            previous_process=F("previous__process"),
            previous_impact=F("previous__impact"),
        )
        .order_by(
            "action__plan__kind",
            "action__plan__title",
            "action__plan_id",
            "action__position",
            "action__ref",
            "assessed_on",
            "recorded_at",
            "id",
        )
        .values(
            "id",
            "assessed_on",
            "process",
            "impact",
            "previous_process",
            "previous_impact",
            "action__ref",
            "action__description",
            "action__plan__slug",
            "action__plan__title",
        )
    )


def actions_added_since(*, board: Board, since: datetime.date) -> QuerySet[Any, dict[str, Any]]:
    """The board's actions a person added in Assure on or after `since` (the
    day starts at midnight where Assure runs), as the change history records
    them. Only additions with a person's name count: an action loaded from a
    past report's fixture (history without a user, as
    core.fixtures.edited_by_a_person reads it) was not added since the
    meeting, whatever day it was loaded. One query."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    added = Action.history.filter(
        history_type="+", history_date__gte=start, history_user__isnull=False
    ).values("id")
    return (
        with_current_ratings(Action.objects.filter(plan__board=board, pk__in=Subquery(added)))
        .order_by("plan__kind", "plan__title", "plan_id", "position", "ref")
        .values(*ACTION_FIELDS)
    )
