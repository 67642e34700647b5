"""Every write to case reviews: keyword-only, typed, one transaction each.

The rules live here (`*_problems()` return field errors; the writers refuse
whatever they name), so the pages, the admin and the fixtures refuse the same
things. Due dates are the clock's: every write to a step works out every due
date of its review again, in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from board.models import Agency, ReportingYear
from board.services import board_agencies_add
from core.problems import Problems, add_problem, raise_problems
from priorities import services as plan_services
from priorities.models import Action, ActionPlan
from reviews import clock
from reviews.models import (
    STEP_ORDER,
    STEP_OUTCOMES,
    CaseReview,
    LearningTheme,
    Outcome,
    Precision,
    Recommendation,
    ReviewStep,
    StatedCount,
    StepKind,
)

K = StepKind
Kind = CaseReview.Kind
Publication = CaseReview.Publication

#: Working days from becoming aware to the notification to the Panel.
NOTIFICATION_DAYS = 5
#: Working days from the notification to the rapid review.
RAPID_REVIEW_DAYS = 15
#: Working days the report reaches the Panel and the Secretary of State
#: before it is published, at least.
SENT_BEFORE_PUBLICATION_DAYS = 7
#: The earliest date a step may have: Assure's reporting years start in 2000.
EARLIEST_STEP = datetime.date(2000, 1, 1)
#: Calendar months from the decision to initiate a CSPR to its publication.
CSPR_PUBLICATION_MONTHS = 6

_NOTIFIED = (K.INCIDENT, K.AWARE, K.NOTIFICATION, K.RAPID_REVIEW, K.DECISION, K.PANEL_VIEW)
_REPORTED = (K.COMMISSIONED, K.FINAL_REPORT, K.PUBLICATION)

#: The steps each kind of review goes through.
STEPS_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.RAPID: _NOTIFIED,
    Kind.CSPR: (*_NOTIFIED, K.COMMISSIONED, K.FINAL_REPORT, K.SENT_TO_PANEL, K.PUBLICATION),
    Kind.SCR: (K.INCIDENT, K.DECISION, *_REPORTED),
    Kind.LEARNING: (K.DECISION, *_REPORTED),
    Kind.NATIONAL: (K.PUBLICATION,),
    Kind.OTHER: (K.INCIDENT, K.DECISION, *_REPORTED),
}

#: A step cannot come before the step it follows.
FOLLOWS: dict[str, str] = {
    K.AWARE: K.INCIDENT,
    K.NOTIFICATION: K.AWARE,
    K.RAPID_REVIEW: K.NOTIFICATION,
    K.DECISION: K.RAPID_REVIEW,
    K.PANEL_VIEW: K.DECISION,
    K.COMMISSIONED: K.DECISION,
    K.FINAL_REPORT: K.COMMISSIONED,
    K.SENT_TO_PANEL: K.FINAL_REPORT,
    K.PUBLICATION: K.FINAL_REPORT,
}

#: A decision to hold a further review makes the rapid review that kind.
DECISION_MAKES = {Outcome.CSPR: Kind.CSPR, Outcome.LEARNING: Kind.LEARNING}

#: Publication statuses under which publishing is not expected yet.
NOT_DUE_TO_PUBLISH = (
    Publication.ON_HOLD_CRIMINAL,
    Publication.ON_HOLD_CORONER,
    Publication.NOT_PUBLISHED,
    Publication.PUBLISHED,
    Publication.NOT_KNOWN,
)


def _model_problems(instance: Any, exclude: Iterable[str] = ()) -> Problems:
    """The fields' own rules (lengths, choices, URLs). Not the model's clean,
    which asks these services: the fixture loader's way to the same rules."""
    try:
        instance.clean_fields(exclude=list(exclude))
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}


# The clock --------------------------------------------------------------


def due_dates(kind: str, steps: dict[str, ReviewStep]) -> dict[str, datetime.date | None]:
    """Each step's due date, from the earlier steps' dates known to the day.
    A step with no statutory deadline, or whose earlier step has no exact
    date yet, has none."""
    exact = {k: s.exact for k, s in steps.items()}
    due: dict[str, datetime.date | None] = {k: None for k in steps}
    if K.NOTIFICATION in steps and exact.get(K.AWARE):
        due[K.NOTIFICATION] = clock.add_working_days(exact[K.AWARE], NOTIFICATION_DAYS)  # type: ignore[arg-type]
    if K.RAPID_REVIEW in steps and exact.get(K.NOTIFICATION):
        due[K.RAPID_REVIEW] = clock.add_working_days(
            exact[K.NOTIFICATION],  # type: ignore[arg-type]
            RAPID_REVIEW_DAYS,
        )
    if K.PUBLICATION in steps and kind == Kind.CSPR and exact.get(K.DECISION):
        due[K.PUBLICATION] = clock.add_months(exact[K.DECISION], CSPR_PUBLICATION_MONTHS)  # type: ignore[arg-type]
    if K.SENT_TO_PANEL in steps:
        publication = exact.get(K.PUBLICATION) or due.get(K.PUBLICATION)
        if publication:
            due[K.SENT_TO_PANEL] = clock.add_working_days(
                publication, -SENT_BEFORE_PUBLICATION_DAYS
            )
    return due


def step_due(*, step: ReviewStep) -> datetime.date | None:
    """The step's due date from its review's other steps as they stand."""
    review = step.review
    steps = {s.kind: s for s in review.steps.exclude(kind=step.kind)}
    steps[step.kind] = step
    return due_dates(review.kind, steps).get(step.kind)


def is_late(step: ReviewStep) -> bool:
    return bool(step.date and step.due and step.date > step.due)


def _period(step: ReviewStep) -> tuple[int, ...] | None:
    if step.date is None:
        return None
    if step.precision == Precision.MONTH:
        return (step.date.year, step.date.month)
    return (step.date.year, step.date.month, step.date.day)


def _before(step: ReviewStep, earlier: ReviewStep) -> bool:
    """Whether `step` is dated before `earlier`, at the coarser precision of the two."""
    mine, theirs = _period(step), _period(earlier)
    if mine is None or theirs is None:
        return False
    width = min(len(mine), len(theirs))
    return mine[:width] < theirs[:width]


# Reviews ----------------------------------------------------------------


def review_problems(*, review: CaseReview, with_publication_date: bool = True) -> Problems:
    """A review's own rules: a name (a pseudonym), a kind and scope from the
    lists, a slug not taken on its board, a reason when a completed review
    is not published, a link only to a published review, and a publication
    date before a review counts as published."""
    problems: Problems = {}
    if not review.name.strip():
        add_problem(problems, "name", "Enter the name the board publishes, such as Child J.")
    for name, messages in _model_problems(review, exclude=["board", "year", "slug"]).items():
        if name in problems:  # the service's own words say it better
            continue
        for message in messages:
            add_problem(problems, name, message)
    dated = publication_date_problems(review=review) if with_publication_date else {}
    for name, message in [
        *_publication_problems(review),
        *((n, m) for n, ms in dated.items() for m in ms),
    ]:
        add_problem(problems, name, message)
    if review.slug in RESERVED_SLUGS:
        add_problem(
            problems, "slug", "That address is one of the register's own pages: choose another."
        )
    if review.board_id and review.slug:
        taken = CaseReview.objects.filter(board_id=review.board_id, slug=review.slug)
        if taken.exclude(pk=review.pk).exists():
            add_problem(problems, "slug", "The board already has a review at this address.")
    return problems


def publication_date_problems(*, review: CaseReview) -> Problems:
    """A review counts as published only with its date of publication. The
    fixture loader saves a review before its steps, so the model's clean
    leaves this to the services, the admin and the seed tests; partners never
    see a review without the date either way (selectors.visible_reviews)."""
    if review.publication_status == Publication.PUBLISHED and not (
        review.pk is not None
        and review.steps.filter(kind=K.PUBLICATION, date__isnull=False).exists()
    ):
        return {
            "publication_status": [
                "Record the date of publication before recording the review as published."
            ]
        }
    return {}


def _publication_problems(review: CaseReview) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    status = review.publication_status
    if status == Publication.NOT_PUBLISHED and not review.not_published_reason.strip():
        problems.append(("not_published_reason", "Say why the completed review is not published."))
    if review.publication_link and status != Publication.PUBLISHED:
        problems.append(
            (
                "publication_link",
                "Only a published review has a link to its report: remove the link or "
                "record the review as published.",
            )
        )
    return problems


#: Addresses the register's own pages take.
RESERVED_SLUGS = ("new", "record", "read-records")


def _free_slug(review: CaseReview) -> str:
    base = slugify(review.name)[:70] or "review"
    if base in RESERVED_SLUGS:
        base = f"{base}-review"
    slug, n = base, 1
    while (
        CaseReview.objects.filter(board_id=review.board_id, slug=slug)
        .exclude(pk=review.pk)
        .exists()
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def review_save(*, review: CaseReview, themes: Iterable[LearningTheme] | None = None) -> CaseReview:
    """Add or change a review. A new review gets the steps of its kind; a
    review whose kind changes gains the steps of the new kind and keeps
    every step already recorded."""
    review.name = " ".join(review.name.split())
    review.not_published_reason = review.not_published_reason.strip()
    review.publication_link = review.publication_link.strip()
    if not review.slug:
        review.slug = _free_slug(review)
    raise_problems(review_problems(review=review))
    if isinstance(review.year, ReportingYear) and review.year.pk is None:
        review.year = ReportingYear.for_start_year(review.year.start.year)
    review.save()
    if themes is not None:
        review.themes.set(list(themes))
    _ensure_steps(review)
    _recompute_dues(review)
    return review


def _ensure_steps(review: CaseReview) -> None:
    have = set(review.steps.values_list("kind", flat=True))
    for kind in STEPS_BY_KIND[review.kind]:
        if kind not in have:
            ReviewStep.objects.create(review=review, kind=kind)


def _recompute_dues(review: CaseReview) -> None:
    steps = {s.kind: s for s in review.steps.all()}
    for kind, due in due_dates(review.kind, steps).items():
        step = steps[kind]
        if step.due != due:
            step.due = due
            step.save(update_fields=["due"])


# Steps ------------------------------------------------------------------


def step_problems(*, step: ReviewStep, today: datetime.date | None = None) -> Problems:
    """A step's rules: no date in the future, not before the step it follows,
    an outcome only where the step has one, and a reason when it is late
    (its date after its due date, due worked out as it will be saved)."""
    today = today or timezone.localdate()
    problems: Problems = {}
    review = step.review
    if step.kind not in STEP_ORDER:
        add_problem(problems, "kind", "Choose a step from the list.")
        return problems
    if step.precision not in Precision.values:
        add_problem(problems, "precision", "Say whether the date is known to the day or the month.")
    if step.date is not None and step.date > today:
        add_problem(
            problems, "date", "The date cannot be in the future: record a step once it happens."
        )
    if step.date is not None and step.date < EARLIEST_STEP:
        add_problem(problems, "date", "The date must be in 2000 or later.")
    allowed = STEP_OUTCOMES.get(step.kind, ())
    if step.outcome and step.outcome not in allowed:
        label = StepKind(step.kind).label
        add_problem(problems, "outcome", f"The step “{label}” has no outcome of that kind.")
    if step.outcome and step.date is None:
        add_problem(problems, "date", "Give the date of the outcome.")
    others = {s.kind: s for s in review.steps.exclude(kind=step.kind)}
    for message in _order_problems(step, others):
        add_problem(problems, "date", message)
    if (
        step.kind == K.PUBLICATION
        and step.date is None
        and review.publication_status == Publication.PUBLISHED
    ):
        add_problem(
            problems,
            "date",
            "The review is recorded as published: its publication date cannot be removed.",
        )
    steps = {**others, step.kind: step}
    due = due_dates(_kind_after(review.kind, step), steps).get(step.kind)
    if step.exact and due and step.exact > due and not step.late_reason.strip():
        add_problem(
            problems,
            "late_reason",
            f"This step was due on {due.day} {due:%B %Y}: say why it was late.",
        )
    return problems


def _order_problems(step: ReviewStep, others: dict[str, ReviewStep]) -> list[str]:
    """A step dated before the step it follows, or after one that follows it."""
    messages = []
    earlier = others.get(FOLLOWS.get(step.kind, ""))
    if earlier is not None and _before(step, earlier):
        messages.append(
            f"{StepKind(step.kind).label} cannot be before "
            f"{StepKind(earlier.kind).label.lower()} ({earlier.date_label})."
        )
    for after in others.values():
        if FOLLOWS.get(after.kind) == step.kind and _before(after, step):
            messages.append(
                f"{StepKind(step.kind).label} cannot be after "
                f"{StepKind(after.kind).label.lower()} ({after.date_label})."
            )
    return messages


def _kind_after(kind: str, step: ReviewStep) -> str:
    """The review's kind once the step is recorded: a rapid review decided
    for a CSPR or a learning review becomes that review."""
    if step.kind == K.DECISION and kind == Kind.RAPID and step.outcome in DECISION_MAKES:
        return DECISION_MAKES[Outcome(step.outcome)]
    return kind


@transaction.atomic
def step_record(
    *,
    review: CaseReview,
    kind: str,
    date: datetime.date | None,
    precision: str = Precision.DAY,
    outcome: str = "",
    detail: str = "",
    late_reason: str = "",
    today: datetime.date | None = None,
) -> ReviewStep:
    """Record (or correct) a step of a review and work out the review's due
    dates again. A date known only to the month is kept as its first day."""
    step = review.steps.filter(kind=kind).first() or ReviewStep(review=review, kind=kind)
    before = (step.date, step.precision)
    if date is not None and precision == Precision.MONTH:
        date = date.replace(day=1)
    step.date = date
    step.precision = precision
    step.outcome = outcome
    step.detail = " ".join(detail.split())
    step.late_reason = late_reason.strip()
    raise_problems(step_problems(step=step, today=today))
    if (step.date, step.precision) != before and step.date is not None:
        step.recorded_at = timezone.now()
    step.save()
    new_kind = _kind_after(review.kind, step)
    if new_kind != review.kind:
        review.kind = new_kind
        review.save(update_fields=["kind"])
        _ensure_steps(review)
    elif (
        kind == K.DECISION
        and outcome == Outcome.NO_FURTHER_REVIEW
        and review.status == CaseReview.Status.IN_PROGRESS
    ):
        review.status = CaseReview.Status.CLOSED
        review.save(update_fields=["status"])
    _recompute_dues(review)
    step.refresh_from_db()
    return step


@transaction.atomic
def publication_record(
    *,
    review: CaseReview,
    status: str,
    date: datetime.date | None = None,
    precision: str = Precision.DAY,
    link: str = "",
    reason: str = "",
    late_reason: str = "",
    today: datetime.date | None = None,
) -> CaseReview:
    """Record where a review's publication stands: published (with the date
    and, if there is one, the link), completed but not published (and why),
    on hold for criminal or coroner's proceedings, or not yet due."""
    if status not in Publication.values:
        raise_problems({"publication_status": ["Choose a publication status from the list."]})
    published = status == Publication.PUBLISHED
    if date is not None and not published:
        raise_problems({"date": ["Only a published review has a date of publication."]})
    known = review.steps.filter(kind=K.PUBLICATION, date__isnull=False).exists()
    if published and date is None and not known:
        raise_problems({"date": ["Give the date the review was published."]})
    if date is not None:
        step_record(
            review=review,
            kind=K.PUBLICATION,
            date=date,
            precision=precision,
            late_reason=late_reason,
            today=today,
        )
    review.publication_status = status
    review.publication_link = link if published else ""
    review.not_published_reason = reason if status == Publication.NOT_PUBLISHED else ""
    return review_save(review=review)


# Recommendations and their actions ---------------------------------------


def recommendation_problems(
    *, recommendation: Recommendation, agencies: Iterable[Agency] | None = None
) -> Problems:
    """A recommendation's rules: its text, a number not taken in the review,
    and someone it is addressed to (the partnership, agencies, or whom in
    the review's own words). `agencies` None keeps those already saved."""
    problems: Problems = {}
    if not recommendation.text.strip():
        add_problem(problems, "text", "Enter the recommendation as the review words it.")
    for name, messages in _model_problems(recommendation, exclude=["review"]).items():
        if name in problems:  # the service's own words say it better
            continue
        for message in messages:
            add_problem(problems, name, message)
    taken = Recommendation.objects.filter(
        review_id=recommendation.review_id, number=recommendation.number
    ).exclude(pk=recommendation.pk)
    if recommendation.number and taken.exists():
        add_problem(
            problems,
            "number",
            f"This review already has a recommendation {recommendation.number}.",
        )
    has_agencies = (
        bool(list(agencies))
        if agencies is not None
        else bool(recommendation.pk and recommendation.agencies.exists())
    )
    if not (
        recommendation.to_partnership or has_agencies or recommendation.addressed_as_written.strip()
    ):
        add_problem(
            problems,
            "agencies",
            "Say whom the recommendation is addressed to: the partnership, agencies, or both.",
        )
    return problems


@transaction.atomic
def recommendation_save(
    *,
    recommendation: Recommendation,
    agencies: Iterable[Agency] | None = None,
) -> Recommendation:
    """Add or change a recommendation. A new one without a number is given
    the next one in its review."""
    agency_list = list(agencies) if agencies is not None else None
    if recommendation.pk is None and not recommendation.number:
        last = (
            Recommendation.objects.filter(review_id=recommendation.review_id)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        recommendation.number = (last or 0) + 1
    recommendation.text = recommendation.text.strip()
    recommendation.addressed_as_written = recommendation.addressed_as_written.strip()
    raise_problems(recommendation_problems(recommendation=recommendation, agencies=agency_list))
    is_new = recommendation.pk is None
    recommendation.save()
    if agency_list is not None:
        # Only agencies named anew go on the list: one taken off it that a
        # past recommendation names stays off when that one is corrected.
        had = set() if is_new else set(recommendation.agencies.values_list("pk", flat=True))
        recommendation.agencies.set(agency_list)
        board_agencies_add(
            board=recommendation.review.board,
            agencies=[a for a in agency_list if a.pk not in had],
        )
    return recommendation


def review_plan(*, review: CaseReview) -> ActionPlan:
    """The review's action plan (kind case review), made through the plans'
    own service the first time a recommendation needs one; it runs from the
    start of the review's year until its actions are complete."""
    if review.plan_id is not None:
        return review.plan  # type: ignore[return-value]
    plan = plan_services.plan_create(
        board=review.board,
        slug=plan_services.free_plan_slug(board=review.board, base=f"review-{review.slug}"),
        title=f"Case review: {review.name}"[:200],
        kind=ActionPlan.Kind.CASE_REVIEW,
        period=review.year.label,
        starts_on=review.year.start,
    )
    review.plan = plan
    review.save(update_fields=["plan"])
    return plan


@transaction.atomic
def recommendation_action_create(
    *, recommendation: Recommendation, ref: str, **fields: Any
) -> Action:
    """Add an action for a recommendation to the review's action plan, and
    link the two: its RAG is then the recommendation's progress."""
    plan = review_plan(review=recommendation.review)
    action = plan_services.action_create(plan=plan, ref=ref, **fields)
    recommendation.actions.add(action)
    return action


@transaction.atomic
def recommendation_action_link(*, recommendation: Recommendation, action: Action) -> None:
    """Link an action already in the review's plan to a recommendation."""
    review = recommendation.review
    if review.plan_id is None or action.plan_id != review.plan_id:
        raise ValidationError({"action": ["Choose an action in this review's action plan."]})
    recommendation.actions.add(action)


# Themes and stated counts ---------------------------------------------------


@transaction.atomic
def theme_save(*, theme: LearningTheme) -> LearningTheme:
    theme.name = " ".join(theme.name.split())
    if not theme.slug:
        theme.slug = slugify(theme.name)[:60]
    problems = _model_problems(theme)
    taken = LearningTheme.objects.filter(name__iexact=theme.name).exclude(pk=theme.pk)
    if theme.name and taken.exists():
        add_problem(problems, "name", "There is already a theme of that name.")
    raise_problems(problems)
    theme.save()
    return theme


def stated_count_problems(*, stated: StatedCount) -> Problems:
    problems: Problems = {}
    for name, messages in _model_problems(stated, exclude=["board", "year"]).items():
        for message in messages:
            add_problem(problems, name, message)
    return problems


@transaction.atomic
def stated_count_save(*, stated: StatedCount) -> StatedCount:
    """Keep a count a report states: the same board, year and measure stated
    again changes it rather than doubling it."""
    if stated.pk is None:
        existing = (
            StatedCount.objects.filter(
                board_id=stated.board_id, year_id=stated.year_id, measure=stated.measure
            )
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            stated.pk = existing
            stated._state.adding = False
    stated.wording = stated.wording.strip()
    raise_problems(stated_count_problems(stated=stated))
    stated.save()
    return stated
