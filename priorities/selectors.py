"""Reads of action plans, each a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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
from priorities.periods import PlanState, Standing
from priorities.rounds.models import Proposal


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


def actions_for_board(
    *, board: Board, today: datetime.date, closed_plans: Iterable[int] | None = None
) -> QuerySet[Action]:
    """Every action of the board with its current ratings and `plan_closed`
    (its plan is closed on `today`), in plan order. `closed_plans`, the ids
    of the board's plans closed today when the page has read them already
    (plans_on), saves the database working them out again; without it they
    are a subquery of the same query."""
    closed: Any
    if closed_plans is None:
        closed = ActionPlan.objects.filter(board=board).closed_on(today).values("pk")
    else:
        closed = list(closed_plans)
    # "IN ()" would make the database read no row at all where it is asked
    # for plans not closed: no plan closed is plainly false.
    plan_closed = (
        ExpressionWrapper(Q(plan__in=closed), output_field=BooleanField())
        if closed_plans is None or closed
        else Value(False, output_field=BooleanField())
    )
    return (
        with_current_ratings(
            Action.objects.filter(plan__board=board).select_related(
                "plan", "plan__board", "priority", "oversight_group"
            )
        )
        .annotate(plan_closed=plan_closed)
        .order_by("plan__title", "position", "ref")
    )


def plans_on(*, board: Board, today: datetime.date) -> list[ActionPlan]:
    """The board's plans by title, each with where it stands on `today`
    (`state`). One query: whether an open-ended plan's actions are complete
    is worked out once here, not again for every list that needs it."""
    plans = list(ActionPlan.objects.filter(board=board).with_state(today).order_by("title", "pk"))
    for plan in plans:
        plan.state = plan.state_on(today)  # type: ignore[attr-defined]
    return plans


@dataclass
class PlanGroups:
    """The board's plans as the plan list shows them: in force, not started
    yet, and closed, each with its counts and, for a business plan, the plan
    that superseded it."""

    in_force: list[ActionPlan]
    not_started: list[ActionPlan]
    closed: list[ActionPlan]

    def __bool__(self) -> bool:
        return bool(self.in_force or self.not_started or self.closed)


def plans_for_board(*, board: Board, today: datetime.date) -> PlanGroups:
    """The board's plans with where each stands on `today` (`state`), its
    counts of actions by current rating and the business plan that
    superseded it (`superseded_by`), grouped by standing. Two queries."""
    plans = list(
        ActionPlan.objects.filter(board=board)
        .with_state(today)
        .select_related("board")
        .order_by("kind", F("starts_on").desc(nulls_last=True), "-period", "title")
    )
    ratings: dict[int, list[str | None]] = {plan.pk: [] for plan in plans}
    rows = with_current_ratings(Action.objects.filter(plan__board=board)).values_list(  # type: ignore[misc]
        "plan_id", "current_process"
    )
    for plan_id, process in rows:
        ratings[plan_id].append(process)
    successors = superseding(plans)
    groups = PlanGroups([], [], [])
    for plan in plans:
        plan.process_counts = _rating_counts(ratings[plan.pk])  # type: ignore[attr-defined]
        plan.action_count = len(ratings[plan.pk])  # type: ignore[attr-defined]
        plan.state = plan.state_on(today)  # type: ignore[attr-defined]
        plan.superseded_by = successors.get(plan.pk)  # type: ignore[attr-defined]
        standing = plan.state.standing  # type: ignore[attr-defined]
        {
            Standing.IN_FORCE: groups.in_force,
            Standing.NOT_STARTED: groups.not_started,
            Standing.CLOSED: groups.closed,
        }[standing].append(plan)
    return groups


def superseding(plans: list[ActionPlan]) -> dict[int, ActionPlan]:
    """Which business plan superseded each of `plans`: of the same board's
    business plans among `plans`, the first to start after the plan's period
    as stated ends (after its start, for a plan with no end), the earlier
    added first on a tie. An extension does not move it: a plan extended to
    finish its actions has still been superseded. A plan with no dates, or
    not a business plan, is never superseded
    (docs/adr/0008-plans-have-a-period.md)."""
    business = sorted(
        (p for p in plans if p.kind == ActionPlan.Kind.BUSINESS_PLAN and p.starts_on),
        key=lambda p: (p.starts_on, p.pk),
    )
    found: dict[int, ActionPlan] = {}
    for plan in business:
        after = plan.ends_on or plan.starts_on
        found_next = next(
            (
                later
                for later in business
                if later.board_id == plan.board_id
                and later.pk != plan.pk
                and later.starts_on > after  # type: ignore[operator]
            ),
            None,
        )
        if found_next is not None:
            found[plan.pk] = found_next
    return found


def superseded_by(*, plan: ActionPlan) -> ActionPlan | None:
    """The business plan that superseded `plan` (see `superseding`). One query."""
    if plan.kind != ActionPlan.Kind.BUSINESS_PLAN or plan.starts_on is None:
        return None
    after = plan.ends_on or plan.starts_on
    candidates = list(
        ActionPlan.objects.filter(
            board_id=plan.board_id, kind=ActionPlan.Kind.BUSINESS_PLAN, starts_on__gt=after
        ).order_by("starts_on", "pk")[:1]
    )
    return candidates[0] if candidates else None


def plans_in_force_during(
    *, board: Board, first: datetime.date, last: datetime.date, kind: str | None = None
) -> QuerySet[ActionPlan]:
    """The board's plans in force on at least one day from `first` to
    `last`: what a report of a reporting year lists (pass the year's start
    and end). Newest first, then by title. One query."""
    plans = ActionPlan.objects.filter(board=board).in_force_during(first, last)
    if kind is not None:
        plans = plans.filter(kind=kind)
    return plans.select_related("board").order_by(
        F("starts_on").desc(nulls_last=True), "-period", "title"
    )


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


def plan_detail(*, plan: ActionPlan, plan_closed: bool = False) -> list[PriorityBlock]:
    """The plan's priorities in order, each with its actions and their current
    ratings; actions with no priority come last. `plan_closed` marks every
    action as one of a closed plan (never overdue). Two queries."""
    priorities = list(Priority.objects.filter(plan=plan).order_by("number"))
    blocks = {p.pk: PriorityBlock(p) for p in priorities}
    loose = PriorityBlock(None)
    actions = with_current_ratings(
        Action.objects.filter(plan=plan).select_related("oversight_group")
    ).order_by("position", "ref")
    for action in actions:
        action.plan_closed = plan_closed  # type: ignore[attr-defined]
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
            Prefetch("evidence_types", queryset=EvidenceType.objects.order_by("position")),
            # An assessment accepted from a lead's proposal keeps the files the
            # lead sent with it; the action page links them. Prefetched, not
            # joined: a join leaves an assessment without a proposal unknown,
            # and the page then asked for each one's proposal again.
            Prefetch("proposal", queryset=Proposal.objects.prefetch_related("files")),
        )
        .order_by("-assessed_on", "-recorded_at", "-id")
    )


def evidence_types() -> QuerySet[EvidenceType]:
    return EvidenceType.objects.order_by("position", "name")


def is_overdue(action: Action, today: datetime.date) -> bool:
    """The rule of overdue_q, for an action already read with its ratings and
    whether its plan is closed (`plan_closed`, as actions_for_board reads it)."""
    process = getattr(action, "current_process", None)
    if getattr(action, "plan_closed", False):
        return False
    return action.due_date is not None and action.due_date < today and process != Rating.BLUE


def overdue_q(today: datetime.date | None = None) -> Q:
    """Past its due date and not rated BLUE (completed) for process: the
    action's own rule. An action of a closed plan is never overdue, so a list
    that may hold closed plans adds `plan_closed=False` (actions_for_board
    reads it), and the dashboard reads only plans in force."""
    today = today or timezone.localdate()
    not_completed = Q(current_process__isnull=True) | ~Q(current_process=Rating.BLUE)
    return Q(due_date__lt=today) & not_completed


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
    """One plan on a lead's page, with the lead's actions in it and where
    the plan stands today (`state`)."""

    plan: ActionPlan
    actions: list[Action] = field(default_factory=list)
    state: PlanState | None = None


def lead_plans(*, user: Any, board: Board, today: datetime.date) -> list[LeadPlan]:
    """A lead's actions grouped by plan, in the order of actions_led_by, the
    plans not closed on `today` first and the closed ones after them, each
    saying where it stands. Two queries."""
    grouped: dict[int, LeadPlan] = {}
    for action in actions_led_by(user=user, board=board):
        grouped.setdefault(action.plan_id, LeadPlan(action.plan)).actions.append(action)
    for plan in ActionPlan.objects.filter(pk__in=list(grouped)).with_state(today):
        grouped[plan.pk].state = plan.state_on(today)
    return sorted(
        grouped.values(), key=lambda group: group.state is not None and group.state.closed
    )
