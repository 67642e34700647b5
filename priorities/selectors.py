"""Reads of action plans, each a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from board.models import Board
from priorities.models import (
    Action,
    ActionPlan,
    Assessment,
    EvidenceType,
    Priority,
    RagDefinition,
    Rating,
)


def with_current_ratings(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate each action with its latest assessment (`current_process`,
    `current_impact`, `last_assessed`; None when never assessed), in the same
    query: the latest assessment is joined once, picked by one correlated
    subquery in the join's condition. (Three subqueries in the SELECT, one per
    column, cost three times as much, and again each time a filter names them.)
    "Latest" is by date, then when it was recorded, then the order it was saved in."""
    latest = (
        Assessment.objects.filter(action=OuterRef("pk"))
        .order_by("-assessed_on", "-recorded_at", "-id")
        .values("id")[:1]
    )
    return (
        actions.alias(latest_assessment_id=Subquery(latest))
        .alias(
            latest_assessment=FilteredRelation(
                "assessments", condition=Q(assessments__id=F("latest_assessment_id"))
            )
        )
        .annotate(
            current_process=F("latest_assessment__process"),
            current_impact=F("latest_assessment__impact"),
            last_assessed=F("latest_assessment__assessed_on"),
        )
    )


def actions_for_board(*, board: Board) -> QuerySet[Action]:
    return with_current_ratings(
        Action.objects.filter(plan__board=board).select_related(
            "plan", "plan__board", "priority", "oversight_group"
        )
    ).order_by("plan__title", "position", "ref")


def plans_for_board(*, board: Board) -> list[ActionPlan]:
    """The board's plans with their counts of actions by current rating."""
    plans = list(
        ActionPlan.objects.filter(board=board)
        .select_related("board")
        .order_by("kind", "-period", "title")
    )
    ratings: dict[int, list[str | None]] = {plan.pk: [] for plan in plans}
    rows = with_current_ratings(Action.objects.filter(plan__board=board)).values_list(  # type: ignore[misc]
        "plan_id", "current_process"
    )
    for plan_id, process in rows:
        ratings[plan_id].append(process)
    for plan in plans:
        plan.process_counts = _rating_counts(ratings[plan.pk])  # type: ignore[attr-defined]
        plan.action_count = len(ratings[plan.pk])  # type: ignore[attr-defined]
    return plans


@dataclass
class PriorityBlock:
    priority: Priority | None
    actions: list[Action] = field(default_factory=list)

    @property
    def process_counts(self) -> list[tuple[str, int]]:
        return _rating_counts(a.current_process for a in self.actions)  # type: ignore[attr-defined]

    @property
    def impact_counts(self) -> list[tuple[str, int]]:
        return _rating_counts(a.current_impact for a in self.actions)  # type: ignore[attr-defined]


def _rating_counts(ratings: Any) -> list[tuple[str, int]]:
    counted = Counter(r or "NONE" for r in ratings)
    order = [*Rating.values, "NONE"]
    return [(r, counted[r]) for r in order if counted[r]]


def plan_detail(*, plan: ActionPlan) -> list[PriorityBlock]:
    """The plan's priorities in order, each with its actions and their current
    ratings; actions with no priority come last. Two queries."""
    priorities = list(Priority.objects.filter(plan=plan).order_by("number"))
    blocks = {p.pk: PriorityBlock(p) for p in priorities}
    loose = PriorityBlock(None)
    actions = with_current_ratings(
        Action.objects.filter(plan=plan).select_related("oversight_group")
    ).order_by("position", "ref")
    for action in actions:
        blocks.get(action.priority_id, loose).actions.append(action)  # type: ignore[arg-type]
    result = list(blocks.values())
    if loose.actions:
        result.append(loose)
    return result


def rag_definitions(*, plan: ActionPlan) -> dict[str, RagDefinition]:
    return {d.rating: d for d in RagDefinition.objects.filter(plan=plan)}


def action_assessments(*, action: Action) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(action=action)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("evidence_types", queryset=EvidenceType.objects.order_by("position"))
        )
        .order_by("-assessed_on", "-recorded_at", "-id")
    )


def evidence_types() -> QuerySet[EvidenceType]:
    return EvidenceType.objects.order_by("position", "name")


def is_overdue(action: Action, today: datetime.date) -> bool:
    """The rule of overdue_q, for an action already read with its ratings."""
    process = getattr(action, "current_process", None)
    return action.due_date is not None and action.due_date < today and process != Rating.BLUE


def overdue_q(today: datetime.date | None = None) -> Q:
    """Past its due date and not rated BLUE (completed) for process."""
    today = today or timezone.localdate()
    not_completed = Q(current_process__isnull=True) | ~Q(current_process=Rating.BLUE)
    return Q(due_date__lt=today) & not_completed


# The indicators' reads live in their own module; the chair's dashboard and
# the scorecard reach them here too.
from priorities.indicator_selectors import (  # noqa: E402
    indicator_values_changed_since as indicator_values_changed_since,
)
from priorities.indicator_selectors import (  # noqa: E402
    indicators_needing_attention as indicators_needing_attention,
)

# --- an action lead's own actions -----------------------------------------


def actions_led_by(*, user: Any, board: Board) -> QuerySet[Action]:
    """The actions of the board whose lead in Assure is `user`, with their
    current ratings, plan and priority; one query."""
    return with_current_ratings(
        Action.objects.filter(plan__board=board, lead_account=user).select_related(
            "plan", "plan__board", "priority"
        )
    ).order_by("plan__title", "plan_id", "position", "ref")


@dataclass
class LeadPlan:
    """One plan on a lead's page, with the lead's actions in it."""

    plan: ActionPlan
    actions: list[Action] = field(default_factory=list)


def lead_plans(*, user: Any, board: Board) -> list[LeadPlan]:
    """A lead's actions grouped by plan, in the order of actions_led_by."""
    grouped: dict[int, LeadPlan] = {}
    for action in actions_led_by(user=user, board=board):
        grouped.setdefault(action.plan_id, LeadPlan(action.plan)).actions.append(action)
    return list(grouped.values())
