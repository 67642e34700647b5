"""Every write to action plans: keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.text import slugify

from board.models import Board
from core.problems import Problems, add_problem, raise_problems
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Priority, Rating

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
    commentary: str = "",
    evidence_types: Iterable[EvidenceType] = (),
    evidence: str = "",
) -> Assessment:
    """Record a dated rating of an action. Assessments are never changed
    afterwards: a correction is a new assessment."""
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
    )
    assessment.full_clean(exclude=["recorded_by"])
    assessment.save()
    assessment.evidence_types.set(evidence_types)
    return assessment


# Action plans ------------------------------------------------------------------------------


def free_plan_slug(*, board: Board, base: str) -> str:
    """A slug for a new plan of the board made from `base`, with -2, -3...
    added when the board already has a plan there."""
    stem = slugify(base)[:70].strip("-") or "plan"
    slug, n = stem, 2
    while ActionPlan.objects.filter(board=board, slug=slug).exists():
        slug = f"{stem}-{n}"
        n += 1
    return slug


def plan_problems(
    *, board: Board, slug: str, title: str, kind: str, period: str, status: str
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
    elif ActionPlan.objects.filter(board=board, slug=slug).exists():
        add_problem(problems, "slug", f"This board already has an action plan at {slug!r}.")
    if not title.strip():
        add_problem(problems, "title", "Enter the plan's title.")
    elif len(title.strip()) > 200:
        add_problem(problems, "title", "The title must be 200 characters or fewer.")
    if kind not in ActionPlan.Kind.values:
        add_problem(problems, "kind", f"{kind!r} is not a kind of plan; choose one from the list.")
    if len(period.strip()) > 40:
        add_problem(problems, "period", "The period must be 40 characters or fewer.")
    if status not in ActionPlan.Status.values:
        add_problem(
            problems, "status", f"{status!r} is not a plan status; choose draft, active or closed."
        )
    return problems


@transaction.atomic
def plan_create(
    *,
    board: Board,
    slug: str,
    title: str,
    kind: str,
    period: str = "",
    status: str = ActionPlan.Status.ACTIVE,
    summary: str = "",
) -> ActionPlan:
    """Add an action plan to a board. Refused, with field errors, when
    plan_problems finds any."""
    problems = plan_problems(
        board=board, slug=slug, title=title, kind=kind, period=period, status=status
    )
    raise_problems(problems)
    return ActionPlan.objects.create(
        board=board,
        slug=slug,
        title=title.strip(),
        kind=kind,
        period=period.strip(),
        status=status,
        summary=summary.strip(),
    )


def priority_problems(*, plan: ActionPlan, number: int, title: str) -> Problems:
    """The rules for a new priority of a plan, as field errors."""
    problems: Problems = {}
    if not 1 <= number <= 99:
        add_problem(problems, "number", "A priority's number is from 1 to 99.")
    elif Priority.objects.filter(plan=plan, number=number).exists():
        add_problem(problems, "number", f"{plan.title} already has a priority {number}.")
    limit = cast(Field, Priority._meta.get_field("title")).max_length or 0
    if not title.strip():
        add_problem(problems, "title", "Enter the priority's title.")
    elif len(title.strip()) > limit:
        add_problem(problems, "title", f"The title must be {limit} characters or fewer.")
    return problems


@transaction.atomic
def priority_create(*, plan: ActionPlan, number: int, title: str, summary: str = "") -> Priority:
    """Add a numbered priority to a plan (a business plan's priorities are
    what its actions and indicators serve)."""
    raise_problems(priority_problems(plan=plan, number=number, title=title))
    priority = Priority(plan=plan, number=number, title=title.strip(), summary=summary.strip())
    priority.full_clean()
    priority.save()
    return priority


@transaction.atomic
def action_create(*, plan: ActionPlan, ref: str, **fields: Any) -> Action:
    """Add an action at the end of a plan."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
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
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    claimed = Action.objects.filter(pk=action_id, version=expected_version).update(
        version=F("version") + 1
    )
    action = Action.objects.select_related("plan").get(pk=action_id)
    if not claimed:
        raise EditConflict(action, action_changes_since(action=action, version=expected_version))
    for name, value in changes.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    return action


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
