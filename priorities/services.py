"""Every write to action plans: keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Field, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from board.models import Board
from core import roles
from core.problems import Problems, add_problem, raise_problems
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Priority, Rating
from priorities.periods import (
    Closure,
    Standing,
    effective_end,
    long_date,
    period_problems,
    state_on,
)

#: Ratings that must say why.
NEEDS_COMMENTARY = {Rating.RED, Rating.AMBER}
#: Impact ratings that must rest on evidence.
NEEDS_EVIDENCE = {Rating.GREEN, Rating.BLUE}

#: The fields a person edits on an action; also what a conflict compares.
EDITABLE_FIELDS = (
    "priority",
    "description",
    "timescale",
    "due_date",
    "lead",
    "lead_account",
    "lead_agency",
    "oversight_group",
    "reporting_to",
    "oversight_note",
    "impact_expected",
    "how_we_will_know",
    "notes",
)


#: Why a future date is refused: the latest assessment is the current rating,
#: so one dated ahead would hide every real rating until that day.
FUTURE_ASSESSMENT = "The date of the assessment cannot be in the future."


def assessment_problems(
    *,
    process: str,
    impact: str,
    commentary: str,
    evidence_types: Iterable[Any],
    evidence: str,
    assessed_on: datetime.date | None = None,
) -> dict[str, str]:
    """The business plan's rules for a rating, as field errors. Every path
    that records an assessment (the form, the import, the service) asks this."""
    problems = {}
    if assessed_on is not None and assessed_on > timezone.localdate():
        problems["assessed_on"] = FUTURE_ASSESSMENT
    if process not in Rating.values:
        problems["process"] = (
            f"{process!r} is not a rating; choose RED, AMBER, GREEN, BLUE or GREY."
        )
    if impact not in Rating.values:
        problems["impact"] = f"{impact!r} is not a rating; choose RED, AMBER, GREEN, BLUE or GREY."
    if (process in NEEDS_COMMENTARY or impact in NEEDS_COMMENTARY) and not commentary.strip():
        problems["commentary"] = "Say why: a RED or AMBER rating needs commentary."
    if impact in NEEDS_EVIDENCE and not (list(evidence_types) or evidence.strip()):
        problems["evidence_types"] = (
            "An impact rating of GREEN or BLUE needs at least one piece of evidence: "
            "choose an evidence type or describe the evidence."
        )
    return problems


@transaction.atomic
def assessment_record(
    *,
    action: Action,
    process: str,
    impact: str,
    assessed_on: datetime.date,
    recorded_by: Any,
    accepted_by: Any = None,
    commentary: str = "",
    evidence_types: Iterable[EvidenceType] = (),
    evidence: str = "",
) -> Assessment:
    """Record a dated rating of an action. Assessments are never changed
    afterwards: a correction is a new assessment. One an action lead proposed
    in an update round is recorded as theirs, `accepted_by` the manager."""
    evidence_types = list(evidence_types)
    problems = assessment_problems(
        process=process,
        impact=impact,
        commentary=commentary,
        evidence_types=evidence_types,
        evidence=evidence,
        assessed_on=assessed_on,
    )
    if problems:
        raise ValidationError(problems)
    assessment = Assessment(
        action=action,
        process=process,
        impact=impact,
        assessed_on=assessed_on,
        commentary=commentary.strip(),
        evidence=evidence.strip(),
        recorded_by=recorded_by,
        accepted_by=accepted_by,
    )
    assessment.full_clean(exclude=["recorded_by", "accepted_by"])
    assessment.save()
    assessment.evidence_types.set(evidence_types)
    return assessment


# Action plans ------------------------------------------------------------------------------


#: Slugs that name a page rather than a plan (plans/new/).
RESERVED_PLAN_SLUGS = frozenset({"new"})


def free_plan_slug(*, board: Board, base: str) -> str:
    """A slug for a new plan of the board made from `base`, with -2, -3...
    added when the board already has a plan there."""
    stem = slugify(base)[:70].strip("-") or "plan"
    slug, n = stem, 2
    while slug in RESERVED_PLAN_SLUGS or ActionPlan.objects.filter(board=board, slug=slug).exists():
        slug = f"{stem}-{n}"
        n += 1
    return slug


def plan_problems(
    *,
    board: Board,
    slug: str,
    title: str,
    kind: str,
    period: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Problems:
    """The rules for a new action plan, as field errors: every path that adds
    a plan (the first plan of a case review, an audit or a Section 11 round)
    asks this."""
    problems: Problems = {}
    if not slug:
        add_problem(problems, "slug", "Enter the plan's short name for its web address.")
    elif slugify(slug) != slug or len(slug) > 80:
        add_problem(
            problems,
            "slug",
            "The short name uses lower-case letters, numbers and hyphens, 80 characters or fewer.",
        )
    elif slug in RESERVED_PLAN_SLUGS:
        add_problem(problems, "slug", f"{slug!r} names a page of its own: choose another.")
    elif ActionPlan.objects.filter(board=board, slug=slug).exists():
        add_problem(problems, "slug", f"This board already has an action plan at {slug!r}.")
    if not title.strip():
        add_problem(problems, "title", "Enter the plan's title.")
    elif len(title.strip()) > 200:
        add_problem(problems, "title", "The title must be 200 characters or fewer.")
    if kind not in ActionPlan.Kind.values:
        add_problem(problems, "kind", f"{kind!r} is not a kind of plan; choose one from the list.")
    _merge(problems, _period_text_problems(period))
    _merge(problems, period_problems(starts_on=starts_on, ends_on=ends_on))
    return problems


def _merge(problems: Problems, more: Problems) -> None:
    for name, messages in more.items():
        for message in messages:
            add_problem(problems, name, message)


def _period_text_problems(period: str) -> Problems:
    problems: Problems = {}
    if len(period.strip()) > 40:
        add_problem(problems, "period", "The period must be 40 characters or fewer.")
    return problems


@transaction.atomic
def plan_create(
    *,
    board: Board,
    slug: str,
    title: str,
    kind: str,
    period: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    summary: str = "",
) -> ActionPlan:
    """Add an action plan to a board. Refused, with field errors, when
    plan_problems finds any. A plan without `ends_on` runs until its actions
    are complete (docs/adr/0008-plans-have-a-period.md)."""
    problems = plan_problems(
        board=board,
        slug=slug,
        title=title,
        kind=kind,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    raise_problems(problems)
    return ActionPlan.objects.create(
        board=board,
        slug=slug,
        title=title.strip(),
        kind=kind,
        period=period.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary.strip(),
    )


def plan_details_problems(*, title: str, kind: str, summary: str = "") -> Problems:
    problems: Problems = {}
    if not title.strip():
        add_problem(problems, "title", "Enter the plan's title.")
    elif len(title.strip()) > 200:
        add_problem(problems, "title", "The title must be 200 characters or fewer.")
    if kind not in ActionPlan.Kind.values:
        add_problem(problems, "kind", f"{kind!r} is not a kind of plan; choose one from the list.")
    return problems


@transaction.atomic
def plan_update(*, plan: ActionPlan, title: str, kind: str, summary: str = "") -> ActionPlan:
    """Change a plan's title, kind and summary (its period has services of
    its own, below; its web name never changes). A save that changes
    nothing leaves the history as it was."""
    raise_problems(plan_details_problems(title=title, kind=kind, summary=summary))
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    wanted = {
        "title": ActionPlan.normalised("title", title),
        "kind": kind,
        "summary": ActionPlan.normalised("summary", summary),
    }
    if all(getattr(locked, name) == value for name, value in wanted.items()):
        return locked
    for name, value in wanted.items():
        setattr(locked, name, value)
    locked._change_reason = "Details changed"  # type: ignore[attr-defined]
    locked.save()
    return locked


# Priorities ------------------------------------------------------------------------------


#: The largest priority number a plan takes: plans list a handful.
MAX_PRIORITY_NUMBER = 99


def priority_problems(*, priority: Priority) -> Problems:
    """A priority's rules: a number from 1 the plan has not used, and a title."""
    problems: Problems = {}
    number = priority.number
    if number is None or not 1 <= number <= MAX_PRIORITY_NUMBER:
        add_problem(problems, "number", f"Enter a number from 1 to {MAX_PRIORITY_NUMBER}.")
    elif (
        Priority.objects.filter(plan_id=priority.plan_id, number=number)
        .exclude(pk=priority.pk)
        .exists()
    ):
        add_problem(problems, "number", f"{priority.plan.title} already has a priority {number}.")
    title = (priority.title or "").strip()
    if not title:
        add_problem(problems, "title", "Enter the priority's title.")
    elif len(title) > 300:
        add_problem(problems, "title", "The title must be 300 characters or fewer.")
    return problems


def next_priority_number(*, plan: ActionPlan) -> int:
    last = plan.priorities.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def priority_save(*, priority: Priority) -> Priority:
    """Add or change a priority of a plan: its number, title, summary,
    evidence base, key outcomes and how success will be measured."""
    raise_problems(priority_problems(priority=priority))
    priority.title = priority.title.strip()
    priority.full_clean(validate_unique=False, validate_constraints=False)
    priority.save()
    return priority


@transaction.atomic
def priority_move(*, priority: Priority, up: bool) -> Priority:
    """Swap the priority's number with the one before it (`up`) or after
    it, so the plan reads in a new order; nothing happens at either end.
    The numbers are what the plan's pages and reports print."""
    siblings = list(
        Priority.objects.select_for_update().filter(plan_id=priority.plan_id).order_by("number")
    )
    at = next(i for i, p in enumerate(siblings) if p.pk == priority.pk)
    other_at = at - 1 if up else at + 1
    if not 0 <= other_at < len(siblings):
        return siblings[at]
    mine, other = siblings[at], siblings[other_at]
    mine_number, other_number = mine.number, other.number
    # Through 0 (never a priority's number), so the plan's numbers stay unique.
    Priority.objects.filter(pk=mine.pk).update(number=0)
    other.number = mine_number
    other._change_reason = "Moved"  # type: ignore[attr-defined]
    other.save()
    mine.number = other_number
    mine._change_reason = "Moved"  # type: ignore[attr-defined]
    mine.save()
    return mine


# A plan's period: closing, reopening, extending ----------------------------------------------
#
# Each reads the plan again, locked, inside its transaction, so two people
# acting on one plan at once are taken one after the other and the second is
# told what the first did. Each save carries its reason into the plan's history.


def _locked(plan: ActionPlan, today: datetime.date) -> ActionPlan:
    return ActionPlan.objects.with_state(today).select_for_update().get(pk=plan.pk)


def _save(plan: ActionPlan, reason: str) -> ActionPlan:
    raise_problems(
        period_problems(
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            extended_to=plan.extended_to,
            closed_on=plan.closed_on,
            closed_reason=plan.closed_reason,
        )
    )
    plan._change_reason = reason  # type: ignore[attr-defined]
    plan.save()
    return plan


def plan_close_problems(
    *, plan: ActionPlan, closed_on: datetime.date | None, reason: str, today: datetime.date
) -> Problems:
    problems: Problems = {}
    state = plan.state_on(today)
    if state.closed:
        add_problem(problems, "__all__", f"This plan is already closed. {state.words}.")
        return problems
    if state.standing == Standing.NOT_STARTED and plan.starts_on is not None:
        add_problem(
            problems,
            "__all__",
            f"This plan has not started: it starts on {long_date(plan.starts_on)}. "
            "Change its period instead.",
        )
        return problems
    if closed_on is None:
        add_problem(problems, "closed_on", "Enter the day the plan closed.")
    elif closed_on > today:
        add_problem(
            problems,
            "closed_on",
            "The day the plan closed cannot be after today. To end it later, change its period.",
        )
    elif plan.starts_on is not None and closed_on < plan.starts_on:
        add_problem(
            problems,
            "closed_on",
            f"The plan cannot close before its period starts on {long_date(plan.starts_on)}.",
        )
    if not reason.strip():
        add_problem(problems, "reason", "Say why the plan is closed.")
    return problems


@transaction.atomic
def plan_close(
    *,
    plan: ActionPlan,
    reason: str,
    closed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ActionPlan:
    """A person closes a plan before its period ends (or an open-ended plan
    before its actions are complete), from `closed_on` (today unless given),
    saying why. It then leaves the dashboard, the default view of all actions
    and the overdue counts; its history says who closed it and why."""
    today = today or timezone.localdate()
    closed_on = closed_on or today
    plan = _locked(plan, today)
    raise_problems(plan_close_problems(plan=plan, closed_on=closed_on, reason=reason, today=today))
    plan.closed_on = closed_on
    plan.closed_reason = ActionPlan.normalised("closed_reason", reason)
    return _save(plan, f"Closed from {long_date(closed_on)}: {plan.closed_reason}")


def plan_reopen_problems(
    *, plan: ActionPlan, new_end: datetime.date | None, today: datetime.date
) -> Problems:
    problems: Problems = {}
    state = plan.state_on(today)
    if not state.closed:
        add_problem(problems, "__all__", f"This plan is not closed. {state.words}.")
        return problems
    # Were a person's closing undone, would the plan be in force again?
    after = state_on(
        day=today,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        extended_to=plan.extended_to,
        closed_on=None,
        complete_before=plan.complete_before(today),
    )
    end = effective_end(plan.ends_on, plan.extended_to)
    if new_end is None:
        if after.closure == Closure.PERIOD_ENDED and end is not None:
            add_problem(
                problems,
                "new_end",
                f"This plan's period ended on {long_date(end)}: give a new end, today or "
                "later, to reopen it.",
            )
        elif after.closure == Closure.ACTIONS_COMPLETE:
            add_problem(
                problems,
                "new_end",
                "Every action of this plan is complete: give an end, today or later, to reopen "
                "it, or add an action.",
            )
        return problems
    if new_end < today:
        add_problem(
            problems,
            "new_end",
            "The new end cannot be before today: the plan would still be closed.",
        )
    elif end is not None and new_end <= end:
        add_problem(
            problems,
            "new_end",
            f"The new end must be after the current end, {long_date(end)}; leave it blank to "
            "keep that.",
        )
    return problems


@transaction.atomic
def plan_reopen(
    *,
    plan: ActionPlan,
    new_end: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ActionPlan:
    """Reopen a closed plan: a person's closing is undone and, where the
    plan's period has ended (or every action is complete), `new_end` gives it
    a new end, today or later. Refused, with the reason, when the plan is not
    closed or would stay closed."""
    today = today or timezone.localdate()
    plan = _locked(plan, today)
    raise_problems(plan_reopen_problems(plan=plan, new_end=new_end, today=today))
    plan.closed_on = None
    plan.closed_reason = ""
    if new_end is not None:
        plan.extended_to = new_end
        return _save(plan, f"Reopened until {long_date(new_end)}")
    return _save(plan, "Reopened")


def plan_extend_problems(
    *, plan: ActionPlan, new_end: datetime.date | None, today: datetime.date
) -> Problems:
    problems: Problems = {}
    if plan.closed_on is not None and plan.closed_on <= today:
        add_problem(
            problems,
            "__all__",
            f"This plan was closed on {long_date(plan.closed_on)}: reopen it to give it a new end.",
        )
        return problems
    end = effective_end(plan.ends_on, plan.extended_to)
    if end is None:
        add_problem(
            problems,
            "__all__",
            "This plan runs until its actions are complete, so it has no end to extend.",
        )
        return problems
    if new_end is None:
        add_problem(problems, "new_end", "Enter the new end of the plan.")
    elif new_end <= end:
        add_problem(
            problems, "new_end", f"The new end must be after the current end, {long_date(end)}."
        )
    return problems


@transaction.atomic
def plan_extend(
    *, plan: ActionPlan, new_end: datetime.date, today: datetime.date | None = None
) -> ActionPlan:
    """Give a plan a later end, keeping the period its source states. A plan
    whose period has ended is in force again if the new end is today or
    later; an end already past records that the plan ran on to it."""
    today = today or timezone.localdate()
    plan = _locked(plan, today)
    raise_problems(plan_extend_problems(plan=plan, new_end=new_end, today=today))
    plan.extended_to = new_end
    return _save(plan, f"Extended to {long_date(new_end)}")


@transaction.atomic
def plan_period_set(
    *,
    plan: ActionPlan,
    period: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> ActionPlan:
    """Correct the period a plan states: its words, start and end (none for a
    plan that runs until its actions are complete). An extension or a
    closing stays, and must still fit the period."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problems = _period_text_problems(period)
    _merge(
        problems,
        period_problems(
            starts_on=starts_on,
            ends_on=ends_on,
            extended_to=plan.extended_to,
            closed_on=plan.closed_on,
            closed_reason=plan.closed_reason,
        ),
    )
    if "extended_to" in problems:
        problems["ends_on"] = [
            f"The plan was extended to {long_date(plan.extended_to)}: its period must end "  # type: ignore[arg-type]
            "before that, and start by then."
        ]
        del problems["extended_to"]
    if "closed_on" in problems:
        problems["starts_on"] = [
            f"The plan was closed on {long_date(plan.closed_on)}: its period cannot start "  # type: ignore[arg-type]
            "after that."
        ]
        del problems["closed_on"]
    raise_problems(problems)
    plan.period = ActionPlan.normalised("period", period)
    plan.starts_on = starts_on
    plan.ends_on = ends_on
    return _save(plan, "Period changed")


def lead_accounts(*, board: Board) -> QuerySet[Any]:
    """The accounts that may lead an action of the board: active, in the
    Action lead role, and given the board."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.ACTION_LEAD, board_accesses__board=board)
        .order_by("first_name", "last_name", "username")
    )


def lead_account_problems(*, plan: ActionPlan, account: Any) -> Problems:
    """An action's lead in Assure must be an action lead of the plan's board,
    so the person sees the action (and only such people are offered)."""
    problems: Problems = {}
    if account is not None and not lead_accounts(board=plan.board).filter(pk=account.pk).exists():
        name = account.get_full_name() or account.get_username()
        add_problem(
            problems,
            "lead_account",
            f"{name} is not an action lead of {plan.board.name}: choose someone invited to "
            "this board as an action lead.",
        )
    return problems


@transaction.atomic
def priority_create(*, plan: ActionPlan, number: int, title: str, summary: str = "") -> Priority:
    """Add a numbered priority to a plan (a business plan's priorities are
    what its actions and indicators serve), under priority_save's rules, as
    the priority pages add one."""
    return priority_save(priority=Priority(plan=plan, number=number, title=title, summary=summary))


@transaction.atomic
def action_create(*, plan: ActionPlan, ref: str, **fields: Any) -> Action:
    """Add an action at the end of a plan."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    raise_problems(lead_account_problems(plan=plan, account=fields.get("lead_account")))
    last = plan.actions.order_by("-position").values_list("position", flat=True).first() or 0
    action = Action(plan=plan, ref=ref.strip(), position=last + 1, **fields)
    action.full_clean()
    action.save()
    return action


@dataclass
class FieldChange:
    field: str
    label: str
    theirs: Any
    yours: Any


class EditConflict(Exception):
    """Someone else saved the action after this edit began."""

    def __init__(self, current: Action, their_changes: list[FieldChange]) -> None:
        super().__init__("This action was changed by someone else while you were editing it.")
        self.current = current
        self.their_changes = their_changes


@transaction.atomic
def action_update(*, action_id: int, expected_version: int, changes: dict[str, Any]) -> Action:
    """Save an edit made from version `expected_version` of the action.

    The version is claimed with one conditional UPDATE, so of two people
    saving edits begun from the same version, exactly one succeeds on any
    database; the other gets an EditConflict naming what the first changed.
    An edit that changes nothing (text compared as it would be stored) saves
    nothing, so the history holds only real changes.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    current = Action.objects.select_related("plan").get(pk=action_id)
    if current.version == expected_version and _holds(current, changes):
        return current
    claimed = Action.objects.filter(pk=action_id, version=expected_version).update(
        version=F("version") + 1
    )
    action = Action.objects.select_related("plan", "plan__board").get(pk=action_id)
    if not claimed:
        raise EditConflict(action, action_changes_since(action=action, version=expected_version))
    if "lead_account" in changes and changes["lead_account"] != action.lead_account:
        raise_problems(lead_account_problems(plan=action.plan, account=changes["lead_account"]))
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    return action


def _holds(action: Action, changes: dict[str, Any]) -> bool:
    """Whether the action already holds `changes` as it would store them."""
    for name, value in changes.items():
        model_field = cast(Field, Action._meta.get_field(name))
        if model_field.is_relation:
            held, wanted = getattr(action, model_field.attname), getattr(value, "pk", value)
        else:
            held, wanted = getattr(action, name), Action.normalised(name, value)
        if held != wanted:
            return False
    return True


def action_changes_since(*, action: Action, version: int) -> list[FieldChange]:
    """What was changed on the action since the given version was saved, with
    names (not ids) for the groups and priority."""
    base = action.history.filter(version=version).order_by("-history_date").first()
    if base is None:
        return []
    changes = []
    for name in EDITABLE_FIELDS:
        model_field = cast(Field, Action._meta.get_field(name))
        attname = model_field.attname
        before, after = getattr(base, attname), getattr(action, attname)
        if before != after:
            shown_after = getattr(action, name) if model_field.is_relation else after
            changes.append(
                FieldChange(name, str(model_field.verbose_name).capitalize(), shown_after, None)
            )
    return changes
