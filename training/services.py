"""Every write to training figures: keyword-only, typed, one transaction
each. The rules live here (and in the models' clean, which every path runs),
so the form, the fixtures and any later import refuse the same things."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from board.models import Agency, Board, Group, ReportingYear
from core.problems import Problems, add_problem, raise_problems
from training.models import (
    COURSE_SUMS,
    MAX_COUNT,
    CourseAgency,
    ImpactEvaluation,
    Mode,
    StatedFigure,
    TrainingCourse,
    TrainingFigures,
    quarter_of,
)


def _model_problems(instance: Any, exclude: tuple[str, ...] = ("year",)) -> Problems:
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {}


def _same_owner(model: type[Any], record: Any, year: ReportingYear) -> Any:
    owner = {"board_id": record.board_id} if record.board_id else {"group_id": record.group_id}
    return model.objects.filter(year__label=year.label, mode=record.mode, **owner)


def _owner_problems(
    record: TrainingFigures | StatedFigure | TrainingCourse | ImpactEvaluation,
) -> Problems:
    problems: Problems = {}
    if record.quarter is not None and record.quarter not in (1, 2, 3, 4):
        add_problem(problems, "quarter", "A quarter is 1, 2, 3 or 4 of its reporting year.")
    if record.mode not in Mode.values:
        add_problem(problems, "mode", "Choose a delivery mode from the list.")
    return problems


#: How the period figures a course-level import adds up are named in messages.
SUM_LABELS = {
    "courses_delivered": "courses delivered",
    "places_offered": "places offered",
    "delegates_booked": "delegates booked",
    "delegates_attended": "delegates attended",
    "delegates_no_show": "no-shows",
    "cancellations": "cancellations",
    "late_cancellations": "late cancellations",
}


def course_sums(courses: list[TrainingCourse]) -> dict[str, int | None]:
    """A period's courses added up: how many times they ran (their sessions),
    their places, bookings, attendance, no-shows and cancellations. A count
    some course leaves blank has no total (None)."""
    sums: dict[str, int | None] = {"courses_delivered": sum(c.sessions for c in courses)}
    for name in COURSE_SUMS[1:]:
        values = [getattr(course, name) for course in courses]
        sums[name] = sum(v for v in values if v is not None) if None not in values else None
    return sums


def period_courses(
    *, record: TrainingFigures | TrainingCourse, year: ReportingYear
) -> QuerySet[TrainingCourse]:
    """The courses of a record's owner, year, quarter and mode."""
    return _same_owner(TrainingCourse, record, year).filter(quarter=record.quarter)


def period_figures(
    *, record: TrainingFigures | TrainingCourse, year: ReportingYear
) -> TrainingFigures | None:
    """The figures kept for a record's owner, year, quarter and mode, if any."""
    period = {"quarter": record.quarter} if record.quarter else {"quarter__isnull": True}
    return _same_owner(TrainingFigures, record, year).filter(**period).first()


def _course_problems(
    figures: TrainingFigures, year: ReportingYear, courses: list[TrainingCourse] | None
) -> Problems:
    """A period with courses takes its courses, places, bookings and
    attendance from them: a different count kept by hand beside them would
    count the same training twice."""
    problems: Problems = {}
    if figures.quarter is None:
        return problems
    if courses is None:
        courses = list(period_courses(record=figures, year=year))
    if not courses:
        return problems
    sums = course_sums(courses)
    where = f"{Mode(figures.mode).label} training in {year} Q{figures.quarter}"
    for name in COURSE_SUMS:
        given, total = getattr(figures, name), sums[name]
        if given is None or given == total:
            continue
        if total is None:
            add_problem(
                problems,
                name,
                f"{where} is added up from its {len(courses)} courses, and not every one gives "
                f"its {SUM_LABELS[name]}: leave it blank, or give it for every course.",
            )
        else:
            add_problem(
                problems,
                name,
                f"{where} is added up from its {len(courses)} courses: its {SUM_LABELS[name]} "
                f"is {total:,}, not {given:,}. Leave it blank, or change the courses.",
            )
    return problems


def figures_problems(
    *,
    figures: TrainingFigures,
    year: ReportingYear,
    courses: list[TrainingCourse] | None = None,
) -> Problems:
    """What is wrong with a period's figures: the model's rules (counts not
    negative, percentages 0 to 100, completed not above registered, attended
    not above places), a quarter outside its year, a year recorded both
    whole and by quarter, which would count the same training twice, and a
    count that differs from the sum of the period's courses (`courses`, when
    given, stands for the period's courses as an import would leave them)."""
    problems = _owner_problems(figures)
    for name, messages in _model_problems(figures).items():
        for message in messages:
            if message not in problems.get(name, []):
                add_problem(problems, name, message)
    if problems or not (figures.board_id or figures.group_id):
        return problems
    others = _same_owner(TrainingFigures, figures, year).exclude(pk=figures.pk)
    mode = Mode(figures.mode).label.lower()
    if figures.quarter is None:
        quarters = sorted(q for q in others.values_list("quarter", flat=True) if q)
        if quarters:
            listed = ", ".join(str(q) for q in quarters)
            add_problem(
                problems,
                "quarter",
                f"{year} already has {mode} figures by quarter (quarter {listed}): record "
                "the year by quarter, so the total is not counted twice.",
            )
    elif others.filter(quarter__isnull=True).exists():
        add_problem(
            problems,
            "quarter",
            f"{year} already has {mode} figures for the whole year: change those, "
            "so the total is not counted twice.",
        )
    for name, messages in _course_problems(figures, year, courses).items():
        for message in messages:
            add_problem(problems, name, message)
    return problems


def _saved_year(year: ReportingYear) -> ReportingYear:
    if year.pk is not None:
        return year
    return ReportingYear.for_start_year(year.start.year)


@transaction.atomic
def figures_save(*, figures: TrainingFigures, year: ReportingYear) -> TrainingFigures:
    """Record a period's figures for a mode: a period already recorded is
    changed (its history keeps what it was), a new one added. Everything is
    checked before anything is saved."""
    if figures.pk is None:
        existing = (
            _same_owner(TrainingFigures, figures, year)
            .filter(quarter=figures.quarter)
            .values_list("pk", flat=True)
            .first()
            if figures.quarter is not None
            else _same_owner(TrainingFigures, figures, year)
            .filter(quarter__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            figures.pk = existing
            figures._state.adding = False
    figures.notes = figures.notes.strip()
    if figures.quarter is not None and not _owner_problems(figures):
        # A count left blank on a period with courses is the courses' sum.
        courses = list(period_courses(record=figures, year=year))
        if courses:
            for name, total in course_sums(courses).items():
                if getattr(figures, name) is None:
                    setattr(figures, name, total)
    raise_problems(figures_problems(figures=figures, year=year))
    figures.year = _saved_year(year)
    figures.save()
    return figures


def figures_record(
    *,
    owner: Board | Group,
    year: ReportingYear,
    quarter: int | None,
    mode: str,
    values: dict[str, Any],
    notes: str = "",
) -> TrainingFigures:
    """The form's way in: the period's figures from a mapping of field names
    to values (a blank is None)."""
    figures = TrainingFigures(
        board=owner if isinstance(owner, Board) else None,
        group=owner if isinstance(owner, Group) else None,
        year=year,
        quarter=quarter,
        mode=mode,
        notes=notes,
        **values,
    )
    return figures_save(figures=figures, year=year)


def stated_figure_problems(*, stated: StatedFigure, year: ReportingYear) -> Problems:
    """The model's rules (a percentage 0 to 100, a count a whole number),
    a quarter outside its year and a measure Assure does not know."""
    problems = _owner_problems(stated)
    if stated.measure not in StatedFigure.Measure.values:
        add_problem(problems, "measure", "Choose a measure from the list.")
    for name, messages in _model_problems(stated).items():
        for message in messages:
            if message not in problems.get(name, []):
                add_problem(problems, name, message)
    return problems


@transaction.atomic
def stated_figure_save(*, stated: StatedFigure, year: ReportingYear) -> StatedFigure:
    """Keep what a report states beside the computed figure: a figure already
    stated for the same period, mode and measure is changed, not doubled."""
    if stated.pk is None and (stated.board_id or stated.group_id):
        period = (
            {"quarter": stated.quarter} if stated.quarter is not None else {"quarter__isnull": True}
        )
        existing = (
            _same_owner(StatedFigure, stated, year)
            .filter(measure=stated.measure, change=stated.change, **period)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            stated.pk = existing
            stated._state.adding = False
    stated.wording = stated.wording.strip()
    stated.explanation = stated.explanation.strip()
    raise_problems(stated_figure_problems(stated=stated, year=year))
    stated.year = _saved_year(year)
    stated.save()
    return stated


def stated_figure_record(
    *,
    owner: Board | Group,
    year: ReportingYear,
    quarter: int | None,
    mode: str,
    measure: str,
    change: bool,
    value: Any,
    wording: str = "",
    explanation: str = "",
) -> StatedFigure:
    """The form's way in for a figure a report states."""
    stated = StatedFigure(
        board=owner if isinstance(owner, Board) else None,
        group=owner if isinstance(owner, Group) else None,
        year=year,
        quarter=quarter,
        mode=mode,
        measure=measure,
        change=change,
        value=value,
        wording=wording,
        explanation=explanation,
    )
    return stated_figure_save(stated=stated, year=year)


# Courses, and the period figures they add up to.

#: What a course's delegates by agency become: for each agency named, its
#: count (None to clear it). An agency not named keeps what it had.
AgencyCounts = Mapping[Agency, int | None]


def course_problems(*, course: TrainingCourse) -> Problems:
    """What is wrong with a course: the model's rules (counts not negative;
    attended not above places; attended and no-shows together not above
    booked; late cancellations not above cancellations: see
    training.models.attendance_problems), a missing title, date, places or
    attendance, fewer than one session, and a date before the first
    reporting year or after today (a course is recorded once it has run)."""
    problems = _owner_problems(course)
    if not course.title.strip():
        add_problem(problems, "title", "Enter the course's title.")
    _course_date_problems(course.date, problems)
    for name, label in (("places_offered", "places"), ("delegates_attended", "attendance")):
        if getattr(course, name) is None:
            add_problem(problems, name, f"Give the course's {label}: 0 if none.")
    if course.sessions is None:
        add_problem(problems, "sessions", "Give how many sessions the course ran: 1 or more.")
    # The board, group and source are set by Assure's own choices, not typed
    # ids: checking each exists would cost a query per course of an import.
    # A field this service has already said something about keeps its words
    # alone (a missing date is "Enter the date the course ran.", not that and
    # "This field cannot be null.").
    for name, messages in _model_problems(course, ("year", "board", "group", "source")).items():
        if name in problems:
            continue
        for message in messages:
            add_problem(problems, name, message)
    return problems


def _course_date_problems(day: datetime.date | None, problems: Problems) -> None:
    if day is None:
        add_problem(problems, "date", "Enter the date the course ran.")
        return
    today = timezone.localdate()
    if day > today:
        add_problem(
            problems,
            "date",
            f"The course date {day:%-d %B %Y} is after today "
            f"({today:%-d %B %Y}): record a course once it has run.",
        )
    elif day < datetime.date(2000, 4, 1):
        add_problem(problems, "date", "A course date is on or after 1 April 2000.")


def course_agency_problems(*, course: TrainingCourse, counts: Mapping[Agency, int]) -> Problems:
    """What is wrong with a course's delegates by agency (`counts`, as they
    would be after the change): a count below 1 (an agency with nobody is
    left out) or above the largest count, and counts that add up to more
    than the delegates who attended, since each was one of them. Fewer is
    right where the unit did not record every delegate's agency."""
    problems: Problems = {}
    for agency, count in counts.items():
        if count < 1:
            add_problem(
                problems,
                "agencies",
                f"{agency}: give 1 delegate or more, or leave the agency out.",
            )
        elif count > MAX_COUNT:
            add_problem(
                problems, "agencies", f"{agency}: a count cannot be more than {MAX_COUNT:,}."
            )
    total = sum(counts.values())
    attended = course.delegates_attended
    if attended is not None and total > attended:
        add_problem(
            problems,
            "agencies",
            f"The delegates by agency add up to {total:,}, more than the delegates attended "
            f"({attended:,}): each of them attended.",
        )
    return problems


def agency_counts_after(
    existing: Mapping[Agency, int], changes: AgencyCounts | None
) -> dict[Agency, int]:
    """A course's delegates by agency once `changes` apply to `existing`."""
    after = dict(existing)
    for agency, count in (changes or {}).items():
        if count is None:
            after.pop(agency, None)
        else:
            after[agency] = count
    return after


def course_agency_counts(course_ids: Iterable[int]) -> dict[int, dict[Agency, int]]:
    """The delegates by agency of each course, one query for them all."""
    found: dict[int, dict[Agency, int]] = {}
    rows = CourseAgency.objects.filter(course_id__in=list(course_ids)).select_related("agency")
    for row in rows:
        found.setdefault(row.course_id, {})[row.agency] = row.delegates
    return found


def course_place(course: TrainingCourse) -> TrainingCourse:
    """Set the course's year and quarter from its date, and find the course
    it is (the same owner, date, mode and title), so saving it again changes
    it instead of adding it twice."""
    course.title = course.title.strip()
    course.notes = course.notes.strip()
    if course.date is not None:
        course.year = ReportingYear.span_of(course.date)
        course.quarter = quarter_of(course.date)
    if course.pk is None and (course.board_id or course.group_id) and course.date is not None:
        existing = _same_course(course).values_list("pk", flat=True).first()
        if existing is not None:
            course.pk = existing
            course._state.adding = False
    return course


def _same_course(course: TrainingCourse) -> QuerySet[TrainingCourse]:
    owner = {"board_id": course.board_id} if course.board_id else {"group_id": course.group_id}
    return TrainingCourse.objects.filter(
        date=course.date, mode=course.mode, title=course.title, **owner
    )


def _period_key(record: TrainingCourse | TrainingFigures) -> tuple[Any, ...]:
    return (record.board_id, record.group_id, record.year.label, record.quarter, record.mode)


def _period_update(course: TrainingCourse) -> TrainingFigures | None:
    """The period figures of the course's period, with its courses' sums in
    place of whatever was kept there before (the import's preview says so).
    A period left with no course keeps its last figures, to change by hand."""
    year = course.year
    courses = list(period_courses(record=course, year=year))
    if not courses:
        return None
    existing = period_figures(record=course, year=year)
    figures = existing or TrainingFigures(
        board_id=course.board_id,
        group_id=course.group_id,
        year=year,
        quarter=course.quarter,
        mode=course.mode,
    )
    for name, total in course_sums(courses).items():
        setattr(figures, name, total)
    return figures_save(figures=figures, year=year)


def _was(course: TrainingCourse) -> TrainingCourse | None:
    """The course as saved before this change, whose period may lose it."""
    if course.pk is None:
        return None
    return TrainingCourse.objects.filter(pk=course.pk).select_related("year").first()


def _agencies_write(courses: list[TrainingCourse], changes: list[AgencyCounts | None]) -> None:
    """Write each course's delegates by agency as `changes` leave them:
    one read for every course, then the rows added, changed and removed,
    each with its history."""
    touched = [(c, ch) for c, ch in zip(courses, changes, strict=True) if ch]
    if not touched:
        return
    rows = {
        (row.course_id, row.agency_id): row
        for row in CourseAgency.objects.filter(course_id__in=[c.pk for c, _ in touched])
    }
    new: list[CourseAgency] = []
    changed: list[CourseAgency] = []
    for course, change in touched:
        for agency, count in change.items():  # type: ignore[union-attr]
            row = rows.get((course.pk, agency.pk))
            if count is None:
                if row is not None:
                    row.delete()
            elif row is None:
                new.append(CourseAgency(course=course, agency=agency, delegates=count))
            elif row.delegates != count:
                row.delegates = count
                changed.append(row)
    if new:
        bulk_create_with_history(new, CourseAgency, batch_size=500)
    if changed:
        bulk_update_with_history(changed, CourseAgency, ["delegates"], batch_size=500)


@transaction.atomic
def courses_save(
    *,
    courses: Iterable[TrainingCourse],
    resolved: bool = False,
    agencies: Sequence[AgencyCounts | None] | None = None,
) -> list[TrainingFigures]:
    """Record courses (a course already recorded is changed), with their
    delegates by agency where `agencies` (one entry per course, None to
    leave a course's as they are) says, then add up each period they fall
    in, and each period a changed course left: its courses delivered,
    places, bookings, attendance, no-shows and cancellations become the sums
    of its courses. All or nothing. `resolved`: the caller (an import, in
    this transaction) has already found which courses exist, and checked
    their delegates by agency."""
    courses = list(courses)
    changes: list[AgencyCounts | None] = (
        list(agencies) if agencies is not None else [None] * len(courses)
    )
    if len(changes) != len(courses):
        raise ValueError("Give one entry of delegates by agency per course.")
    periods: dict[tuple[Any, ...], TrainingCourse] = {}
    years: dict[str, ReportingYear] = {}
    new: list[TrainingCourse] = []
    existing_counts = course_agency_counts(c.pk for c in courses if c.pk)
    for course, change in zip(courses, changes, strict=True):
        was = None
        if resolved:
            course.title = course.title.strip()
            course.year = ReportingYear.span_of(course.date)
            course.quarter = quarter_of(course.date)
        else:
            was = _was(course)
            course_place(course)
        counts = agency_counts_after(existing_counts.get(course.pk, {}), change)
        raise_problems(_course_change_problems(course, counts, resolved=resolved))
        label = course.year.label
        if label not in years:
            years[label] = _saved_year(course.year)
        course.year = years[label]
        if resolved and course.pk is None:
            new.append(course)  # written together below, each with its history
        else:
            course.save()
        periods.setdefault(_period_key(course), course)
        if was is not None and _period_key(was) != _period_key(course):
            periods.setdefault(_period_key(was), was)
    if new:
        bulk_create_with_history(new, TrainingCourse, batch_size=500)
    _agencies_write(courses, changes)
    saved = [_period_update(course) for course in periods.values()]
    return [figures for figures in saved if figures is not None]


def _course_change_problems(
    course: TrainingCourse, counts: Mapping[Agency, int], *, resolved: bool
) -> Problems:
    """A course as it would be saved: its own rules, its delegates by agency
    as the change leaves them (the attendance may have changed under counts
    that stay), and, changed by hand, another course already recorded with
    its owner, date, mode and title (an import has matched them already)."""
    problems = course_problems(course=course)
    if not resolved and not problems and _same_course(course).exclude(pk=course.pk).exists():
        add_problem(problems, "title", f"{course} is already recorded: change that course instead.")
    for name, messages in course_agency_problems(course=course, counts=counts).items():
        for message in messages:
            add_problem(problems, name, message)
    return problems


def course_record(
    *, course: TrainingCourse, agencies: AgencyCounts | None = None
) -> TrainingCourse:
    """The form's way in: a course added or changed, with its delegates by
    agency, and its period (and the period it left) added up again. A new
    course the board already has (its owner, date, mode and title) is
    refused rather than written over the one recorded."""
    course.title = course.title.strip()
    if (
        course.pk is None
        and course.date is not None
        and (course.board_id or course.group_id)
        and _same_course(course).exists()
    ):
        raise_problems({"title": [f"{course} is already recorded: change that course instead."]})
    courses_save(courses=[course], agencies=[agencies])
    return course


@transaction.atomic
def course_remove(*, course: TrainingCourse) -> None:
    """Remove a course and its delegates by agency; its period's sums are
    those of the courses left (a period left with none keeps its last
    figures, to change by hand)."""
    course.delete()
    _period_update(course)


# Impact evaluation.


def _boards_of(owner_record: Any) -> set[int]:
    if owner_record.board_id:
        return {owner_record.board_id}
    if owner_record.group_id:
        links = Group.boards.through.objects.filter(group_id=owner_record.group_id)
        return set(links.values_list("board_id", flat=True))
    return set()


def impact_problems(*, evaluation: ImpactEvaluation) -> Problems:
    """What is wrong with an evaluation: the model's rules (replies not above
    those asked, those reporting a change not above the replies, a share
    0 to 100), no subject, no evidence at all, a course of another owner or
    mode, and an action of a board the training does not serve."""
    problems = _owner_problems(evaluation)
    if not evaluation.subject.strip():
        add_problem(problems, "subject", "Say what was evaluated, for example the course's title.")
    evidence = (
        evaluation.replies,
        evaluation.reporting_change,
        evaluation.reporting_change_pct,
    )
    if all(value is None for value in evidence) and not evaluation.finding.strip():
        add_problem(
            problems,
            "replies",
            "Give the follow-up evidence: the replies and how many report a change in "
            "practice, the share reporting a change, or what changed.",
        )
    for name, messages in _model_problems(evaluation).items():
        if name not in problems:  # the subject's own message says it better
            problems[name] = list(messages)
    course = evaluation.course
    if course is not None and (
        (course.board_id, course.group_id) != (evaluation.board_id, evaluation.group_id)
        or course.mode != evaluation.mode
    ):
        add_problem(
            problems,
            "course",
            f"The course {course} is not one of {evaluation.owner}'s "
            f"{evaluation.get_mode_display().lower()} courses.",
        )
    action = evaluation.action
    if action is not None and action.plan.board_id not in _boards_of(evaluation):
        add_problem(
            problems,
            "action",
            f"Action {action.ref} belongs to another board's plan: link an action of a board "
            "this training serves.",
        )
    return problems


def _impact_existing(evaluation: ImpactEvaluation, year: ReportingYear) -> int | None:
    months = (
        {"months_after": evaluation.months_after}
        if evaluation.months_after is not None
        else {"months_after__isnull": True}
    )
    return (
        _same_owner(ImpactEvaluation, evaluation, year)
        .filter(subject=evaluation.subject, **months)
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def impact_save(*, evaluation: ImpactEvaluation, year: ReportingYear) -> ImpactEvaluation:
    """Record follow-up evidence: an evaluation of a course takes its period
    from the course; the same subject and follow-up for the same owner, year
    and mode again changes it, not doubles it."""
    evaluation.subject = evaluation.subject.strip()
    evaluation.finding = evaluation.finding.strip()
    if evaluation.course is not None:
        year = ReportingYear.span_of(evaluation.course.date)
        evaluation.quarter = evaluation.course.quarter
    if evaluation.pk is None and (evaluation.board_id or evaluation.group_id):
        existing = _impact_existing(evaluation, year)
        if existing is not None:
            evaluation.pk = existing
            evaluation._state.adding = False
    raise_problems(impact_problems(evaluation=evaluation))
    evaluation.year = _saved_year(year)
    evaluation.save()
    return evaluation


def impact_record(
    *,
    owner: Board | Group,
    year: ReportingYear,
    quarter: int | None,
    mode: str,
    values: dict[str, Any],
) -> ImpactEvaluation:
    """The form's way in: the evaluation's fields from a mapping."""
    evaluation = ImpactEvaluation(
        board=owner if isinstance(owner, Board) else None,
        group=owner if isinstance(owner, Group) else None,
        year=year,
        quarter=quarter,
        mode=mode,
        **values,
    )
    return impact_save(evaluation=evaluation, year=year)
