"""Reads of case reviews, each a fixed number of queries whatever the size.

`review_deadlines` and `review_changes_since` are what the chair's
dashboard reads; `record_of_decisions` is what the annual report reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from board.agency_uses import NAMED, AgencyUse
from board.models import Agency, Board, ReportingYear
from core.history import Change, history_with_changes, without_loaded_records
from priorities.models import Action, Assessment, Rating
from priorities.selectors import with_current_ratings
from reviews import clock
from reviews.models import (
    STEP_ORDER,
    CaseReview,
    LearningTheme,
    Outcome,
    Recommendation,
    ReviewStep,
    StatedCount,
    StepKind,
)
from reviews.services import NOT_DUE_TO_PUBLISH, STEPS_BY_KIND, is_late

#: Working days ahead that count as "due soon" on the register.
DUE_SOON_DAYS = 10

Kind = CaseReview.Kind
Publication = CaseReview.Publication


def open_steps_q() -> Q:
    """Steps that are still to happen and can fall due: not recorded, with a
    due date, in a review not closed, and for the publication and the report
    sent before it, only while publication is expected."""
    waiting = Q(date__isnull=True, due__isnull=False) & ~Q(review__status=CaseReview.Status.CLOSED)
    publishing = Q(kind__in=[StepKind.PUBLICATION, StepKind.SENT_TO_PANEL])
    return waiting & ~(publishing & Q(review__publication_status__in=NOT_DUE_TO_PUBLISH))


def due_soon_limit(today: datetime.date, within: int = DUE_SOON_DAYS) -> datetime.date:
    return clock.add_working_days(today, within)


def visible_reviews(*, board: Board, partner: bool) -> QuerySet[CaseReview]:
    """The board's reviews a person may see: a partner only those published
    (with a publication date)."""
    reviews = CaseReview.objects.filter(board=board)
    if partner:
        reviews = reviews.filter(
            publication_status=Publication.PUBLISHED,
            steps__kind=StepKind.PUBLICATION,
            steps__date__isnull=False,
        )
    return reviews


# The chair's dashboard ------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    review: CaseReview
    step: str
    due: datetime.date
    overdue: bool
    url: str
    working_days_left: int


def review_deadlines(
    *, board: Board, today: datetime.date, within: int = DUE_SOON_DAYS
) -> list[Deadline]:
    """The steps of the board's reviews due within `within` working days of
    `today` or overdue (due before today, not yet recorded), soonest first.
    A step due today is due, not overdue. One query."""
    limit = due_soon_limit(today, within)
    steps = (
        ReviewStep.objects.filter(open_steps_q(), review__board=board, due__lte=limit)
        .select_related("review", "review__board")
        .order_by("due", "review__name", "id")
    )
    return [
        Deadline(
            review=s.review,
            step=s.get_kind_display(),
            due=s.due,  # type: ignore[arg-type]
            overdue=s.due < today,  # type: ignore[operator]
            url=s.review.get_absolute_url(),
            working_days_left=clock.working_days_between(today, s.due),  # type: ignore[arg-type]
        )
        for s in steps
    ]


@dataclass(frozen=True)
class ReviewChange:
    when: datetime.datetime
    review: CaseReview
    what: str
    url: str


def review_changes_since(*, board: Board, since: datetime.datetime) -> list[ReviewChange]:
    """New reviews and steps recorded since `since`, newest first, leaving out
    what was loaded from past reports (it did not happen since the meeting).
    Two queries."""
    changes = []
    # Every review here is the board's: it is given, not joined and read again.
    for r in without_loaded_records(CaseReview.objects.filter(board=board, created__gt=since)):
        r.board = board
        changes.append(
            ReviewChange(r.created, r, f"New {r.get_kind_display().lower()}", r.get_absolute_url())
        )
    steps = without_loaded_records(
        ReviewStep.objects.filter(review__board=board, recorded_at__gt=since, date__isnull=False)
    ).select_related("review")
    for s in steps:
        s.review.board = board
        changes.append(
            ReviewChange(
                s.recorded_at,  # type: ignore[arg-type]
                s.review,
                f"{s.get_kind_display()} recorded: {s.date_label}",
                s.review.get_absolute_url(),
            )
        )
    return sorted(changes, key=lambda c: c.when, reverse=True)


# The register ---------------------------------------------------------------


def register(*, board: Board, today: datetime.date, partner: bool = False) -> QuerySet[CaseReview]:
    """The board's reviews with their publication date, their next open step
    (its due date) and whether any step is overdue or due soon: subqueries in
    one SELECT, and themes prefetched, so a page is a fixed number of queries."""
    limit = due_soon_limit(today)
    open_steps = ReviewStep.objects.filter(open_steps_q(), review=OuterRef("pk")).order_by(
        "due", "id"
    )
    published = ReviewStep.objects.filter(review=OuterRef("pk"), kind=StepKind.PUBLICATION).values(
        "date"
    )[:1]
    return (
        visible_reviews(board=board, partner=partner)
        .select_related("board", "year")
        .prefetch_related(Prefetch("themes", queryset=LearningTheme.objects.order_by("name")))
        .annotate(
            published_on=Subquery(published),
            next_step=Subquery(open_steps.values("kind")[:1]),
            next_due=Subquery(open_steps.values("due")[:1]),
            overdue=Exists(open_steps.filter(due__lt=today)),
            due_soon=Exists(open_steps.filter(due__gte=today, due__lte=limit)),
        )
        .order_by("-year__start", "name")
    )


def review_years(*, board: Board) -> list[ReportingYear]:
    """The years the board's reviews belong to, latest first."""
    ids = CaseReview.objects.filter(board=board).values("year")
    return list(ReportingYear.objects.filter(pk__in=ids).order_by("-start"))


def in_year_q(year: ReportingYear) -> Q:
    """Reviews belonging to the year, or with a step dated in it."""
    stepped = ReviewStep.objects.filter(
        review=OuterRef("pk"), date__gte=year.start, date__lte=year.end
    )
    return Q(year__label=year.label) | Q(Exists(stepped))


# A review's page --------------------------------------------------------------


@dataclass
class TimelineStep:
    step: ReviewStep
    taken: int | None
    taken_label: str
    late: bool
    overdue: bool
    due_soon: bool


def timeline(*, review: CaseReview, today: datetime.date) -> list[TimelineStep]:
    """The review's steps in order, each with its due date, the working days
    it took (from the step it is counted from) and whether it was late."""
    saved = {s.kind: s for s in review.steps.all()}
    # A review loaded from a past report holds only the steps it states; the
    # others of its kind are shown (unsaved) so they can be recorded.
    kinds = set(saved) | set(STEPS_BY_KIND.get(review.kind, ()))
    steps = sorted(
        (saved.get(k) or ReviewStep(review=review, kind=k) for k in kinds),
        key=lambda s: STEP_ORDER.index(s.kind),
    )
    by_kind = {s.kind: s for s in steps}
    limit = due_soon_limit(today)
    rows = []
    open_ids = set(
        ReviewStep.objects.filter(open_steps_q(), review=review).values_list("id", flat=True)
    )
    for s in steps:
        taken, label = _taken(s, by_kind)
        waiting = s.id in open_ids and s.due is not None
        rows.append(
            TimelineStep(
                step=s,
                taken=taken,
                taken_label=label,
                late=is_late(s),
                overdue=waiting and s.due < today,  # type: ignore[operator]
                due_soon=waiting and today <= s.due <= limit,  # type: ignore[operator]
            )
        )
    return rows


#: Which step each step's working days are counted from.
COUNTED_FROM = {
    StepKind.NOTIFICATION: StepKind.AWARE,
    StepKind.RAPID_REVIEW: StepKind.NOTIFICATION,
    StepKind.DECISION: StepKind.NOTIFICATION,
}


def _taken(step: ReviewStep, by_kind: dict[str, ReviewStep]) -> tuple[int | None, str]:
    if step.exact is None:
        return None, ""
    if step.kind == StepKind.SENT_TO_PANEL:
        publication = by_kind.get(StepKind.PUBLICATION)
        if publication is not None and publication.exact is not None:
            days = clock.working_days_between(step.exact, publication.exact)
            return days, f"{days} working days before publication"
        return None, ""
    start_kind = COUNTED_FROM.get(StepKind(step.kind))
    start = by_kind.get(start_kind) if start_kind else None
    if start is None or start.exact is None:
        return None, ""
    days = clock.working_days_between(start.exact, step.exact)
    return days, f"{days} working days from {StepKind(start.kind).label.lower()}"


@dataclass
class RecommendationRow:
    recommendation: Recommendation
    actions: list[Action]

    @property
    def open(self) -> bool:
        """Still open: no action yet, or an action not rated BLUE (completed)."""
        return not self.actions or any(
            getattr(a, "current_process", None) != Rating.BLUE for a in self.actions
        )


def _actions_with_latest() -> QuerySet[Action]:
    latest = Assessment.objects.filter(action=OuterRef("pk")).order_by(
        "-assessed_on", "-recorded_at", "-id"
    )
    return (
        with_current_ratings(Action.objects.select_related("plan", "plan__board"))
        .annotate(
            latest_commentary=Subquery(latest.values("commentary")[:1]),
            latest_evidence=Subquery(latest.values("evidence")[:1]),
        )
        .order_by("position", "ref")
    )


def recommendations(*, review: CaseReview) -> list[RecommendationRow]:
    """The review's recommendations, each with its actions and their current
    process and impact ratings. Three queries."""
    recs = (
        Recommendation.objects.filter(review=review)
        .prefetch_related(
            Prefetch("actions", queryset=_actions_with_latest()),
            Prefetch("agencies"),
        )
        .order_by("number")
    )
    return [RecommendationRow(r, list(r.actions.all())) for r in recs]


# The record of decisions and actions ---------------------------------------------


@dataclass
class ReviewRecord:
    review: CaseReview
    decision: ReviewStep | None
    published: ReviewStep | None
    recommendations: list[RecommendationRow] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.recommendations if r.open)


def acted_on_q(year: ReportingYear) -> Q:
    """Reviews the board acted on in the year: belonging to it, with a step
    dated in it, or with an action on a recommendation assessed in it."""
    assessed = Assessment.objects.filter(
        action__plan__case_review=OuterRef("pk"),
        assessed_on__gte=year.start,
        assessed_on__lte=year.end,
    )
    return in_year_q(year) | Q(Exists(assessed))


def record_of_decisions(*, board: Board, year: ReportingYear) -> list[ReviewRecord]:
    """Working Together's record of decisions and actions taken on the
    recommendations of local and national reviews, for a reporting year:
    every review the board acted on in the year, its decision, each
    recommendation with its actions (current ratings, latest commentary and
    evidence) and whether it is still open. Five queries."""
    reviews = list(
        CaseReview.objects.filter(acted_on_q(year), board=board)
        .select_related("board", "year")
        .prefetch_related(
            Prefetch("themes", queryset=LearningTheme.objects.order_by("name")),
            Prefetch(
                "steps",
                queryset=ReviewStep.objects.filter(
                    kind__in=[StepKind.DECISION, StepKind.PUBLICATION]
                ),
                to_attr="key_steps",
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.order_by("number").prefetch_related(
                    Prefetch("actions", queryset=_actions_with_latest()), "agencies"
                ),
            ),
        )
        .order_by("kind", "name")
        .distinct()
    )
    records = []
    for r in reviews:
        steps = cast(list[ReviewStep], r.key_steps)  # type: ignore[attr-defined]
        key = {s.kind: s for s in steps}
        records.append(
            ReviewRecord(
                review=r,
                decision=key.get(StepKind.DECISION),
                published=key.get(StepKind.PUBLICATION),
                recommendations=[
                    RecommendationRow(rec, list(rec.actions.all()))
                    for rec in r.recommendations.all()
                ],
            )
        )
    return records


def record_export_rows(records: list[ReviewRecord]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "Review",
            "Kind",
            "Decision",
            "Recommendation",
            "Addressed to",
            "Action",
            "Process",
            "Impact",
            "Last assessed",
            "Commentary",
            "Evidence",
            "Open",
        ]
    ]
    for record in records:
        review = record.review
        decision = record.decision.get_outcome_display() if record.decision else ""
        if not record.recommendations:
            rows.append([review.name, review.get_kind_display(), decision, *[""] * 9])
        for row in record.recommendations:
            rec = row.recommendation
            text = f"{rec.number}. {rec.text}"
            addressed = addressed_to(rec)
            actions: list[Action | None] = [*row.actions] or [None]
            for action in actions:
                rows.append(
                    [
                        review.name,
                        review.get_kind_display(),
                        decision,
                        text,
                        addressed,
                        f"{action.ref}: {action.description}" if action else "",
                        getattr(action, "current_process", None) or "",
                        getattr(action, "current_impact", None) or "",
                        getattr(action, "last_assessed", None) or "",
                        getattr(action, "latest_commentary", None) or "",
                        getattr(action, "latest_evidence", None) or "",
                        "Open" if row.open else "Done",
                    ]
                )
    return rows


def addressed_to(rec: Recommendation) -> str:
    names = (["The partnership"] if rec.to_partnership else []) + [
        a.short_name or a.name for a in rec.agencies.all()
    ]
    return ", ".join(names) or rec.addressed_as_written


# Stated counts -------------------------------------------------------------


@dataclass
class CountRow:
    measure: str
    label: str
    stated: StatedCount | None
    counted: int | None

    @property
    def difference(self) -> str:
        if self.stated is None or self.counted is None:
            return ""
        gap = self.stated.value - self.counted
        if gap == 0:
            return ""
        if gap > 0:
            return f"The report states {gap} more than Assure holds records of."
        return f"Assure holds records of {-gap} more than the report states."


def _dated_in(year: ReportingYear, kind: str, **extra: Any) -> QuerySet[ReviewStep]:
    return ReviewStep.objects.filter(kind=kind, date__gte=year.start, date__lte=year.end, **extra)


def assure_counts(*, board: Board, year: ReportingYear) -> dict[str, int | None]:
    """What Assure counts from its own records for each stated measure
    (None where it keeps no records of that kind). A few queries."""
    M = StatedCount.Measure
    reviews = CaseReview.objects.filter(board=board)

    def steps(kind: str, **extra: Any) -> int:
        return _dated_in(year, kind, review__board=board, **extra).count()

    return {
        M.RAPID_REVIEWS: steps(StepKind.RAPID_REVIEW),
        M.CSPRS_COMMISSIONED: steps(StepKind.DECISION, outcome=Outcome.CSPR),
        M.NO_FURTHER_REVIEW: steps(StepKind.DECISION, outcome=Outcome.NO_FURTHER_REVIEW),
        M.CONTRIBUTED: None,
        M.PUBLISHED: steps(
            StepKind.PUBLICATION,
            review__kind__in=[Kind.SCR, Kind.CSPR],
            review__publication_status=Publication.PUBLISHED,
        ),
        M.NOT_PUBLISHED: reviews.filter(
            kind=Kind.CSPR,
            publication_status=Publication.NOT_PUBLISHED,
            year__start__lte=year.start,
        ).count(),
        M.UNDERWAY: reviews.filter(
            kind=Kind.CSPR, status=CaseReview.Status.IN_PROGRESS, year__start__lte=year.start
        ).count(),
        M.LEARNING_REVIEWS: reviews.filter(kind=Kind.LEARNING, year__label=year.label).count(),
        M.SCRS_COMMISSIONED: steps(StepKind.COMMISSIONED, review__kind=Kind.SCR),
        M.COMPLETED: _completed_in(board, year),
    }


def _completed_in(board: Board, year: ReportingYear) -> int:
    """SCRs and learning reviews whose final report is dated in the year, or,
    completed with no date of their final report, belonging to the year."""
    dated = _dated_in(year, StepKind.FINAL_REPORT).filter(review=OuterRef("pk"))
    undated = ReviewStep.objects.filter(
        review=OuterRef("pk"), kind=StepKind.FINAL_REPORT, date__isnull=False
    )
    return (
        CaseReview.objects.filter(board=board, kind__in=[Kind.SCR, Kind.LEARNING])
        .filter(
            Q(Exists(dated))
            | Q(~Exists(undated), status=CaseReview.Status.COMPLETED, year__label=year.label)
        )
        .count()
    )


def stated_counts(*, board: Board, year: ReportingYear) -> list[CountRow]:
    """The counts the year's report states, each beside Assure's own count."""
    stated = {
        s.measure: s
        for s in StatedCount.objects.filter(board=board, year__label=year.label).select_related(
            "source"
        )
    }
    if not stated:
        return []
    counted = assure_counts(board=board, year=year)
    return [
        CountRow(m.value, m.label, stated[m.value], counted[m.value])
        for m in StatedCount.Measure
        if m.value in stated
    ]


def themes() -> QuerySet[LearningTheme]:
    return LearningTheme.objects.order_by("name")


# Years and history ----------------------------------------------------------------


def year_choice(
    *, board: Board, label: str | None, today: datetime.date
) -> tuple[ReportingYear, list[ReportingYear]]:
    """The year a page shows (the one asked for, else the latest with
    reviews, else this year) and the years to choose from, latest first. This
    year is always offered, unsaved if nothing belongs to it yet."""
    with_reviews = review_years(board=board)
    years = list(with_reviews)
    current = ReportingYear.span_of(today)
    if current.label not in {y.label for y in years}:
        years = sorted([*years, current], key=lambda y: y.start, reverse=True)
    by_label = {y.label: y for y in years}
    if label and label in by_label:
        return by_label[label], years
    return (with_reviews[0] if with_reviews else current), years


def years_to_record(*, today: datetime.date) -> list[ReportingYear]:
    """The years a review may belong to, latest first: every year Assure
    knows, and this one (unsaved until a review is saved in it)."""
    years = list(ReportingYear.objects.order_by("-start"))
    current = ReportingYear.span_of(today)
    if current.label not in {y.label for y in years}:
        years = sorted([*years, current], key=lambda y: y.start, reverse=True)
    return years


def review_history(*, review: CaseReview, limit: int = 50) -> list[Any]:
    """The review's change history and its steps', newest first, each entry
    with what it changed. Two queries."""
    entries = history_with_changes(review.history.all(), limit=limit)
    step_records = list(
        ReviewStep.history.filter(review_id=review.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    for entry in step_records:
        before = previous.get(entry.id)
        entry.changes = []
        label = StepKind(entry.kind).label
        if before is not None:
            delta = entry.diff_against(before, foreign_keys_are_objs=False)
            entry.changes = [
                Change(f"{label}: {c.field.replace('_', ' ')}", c.old, c.new)
                for c in delta.changes
                if c.field not in ("recorded_at",)
            ]
        previous[entry.id] = entry
    shown = [e for e in step_records if e.changes]
    return sorted([*entries, *shown], key=lambda e: e.history_date, reverse=True)[:limit]


def recommendations_naming_agency(
    *, board: Board, agency: Agency, year: ReportingYear
) -> list[AgencyUse]:
    """The board's recommendations addressed to the agency whose review is
    of `year` or later or still in progress: what keeps the agency on the
    board's list (board.agency_uses). One query."""
    found = (
        Recommendation.objects.filter(review__board=board, agencies=agency)
        .filter(
            Q(review__year__start__gte=year.start) | Q(review__status=CaseReview.Status.IN_PROGRESS)
        )
        .select_related("review__board")
        .order_by("review__name", "number")
    )
    return [
        AgencyUse(
            "recommendation", f"{rec.number} of {rec.review.name}", rec.review.get_absolute_url()
        )
        for rec in found[: NAMED + 1]
    ]
