"""Multi-agency training figures, as a training unit reports them: counts and
rates for a period (a quarter or a whole reporting year) and a delivery mode,
for a board or for a pan-area group serving several boards.

What a published report states (a total, a rate, "a 74% reduction") is kept
beside the counts, never in place of them, so a page can show where the
report and the arithmetic disagree.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, Group, ReportingYear, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager

#: Counts a report may give, in the order a table shows them.
COUNTS = (
    "courses_delivered",
    "places_offered",
    "delegates_booked",
    "delegates_attended",
    "delegates_no_show",
    "cancellations",
    "late_cancellations",
    "learners_registered",
    "learners_completed",
    "learners_passed",
)

#: Rates a report may give without the counts behind them.
STATED_RATES = ("places_filled_pct", "attendance_pct", "completion_pct", "pass_rate_pct")

#: A course's own counts beside its places: what the attendance rules read.
ATTENDANCE_COUNTS = (
    "places_offered",
    "delegates_booked",
    "delegates_attended",
    "delegates_no_show",
    "cancellations",
    "late_cancellations",
)

#: The most sessions one course row may hold: a course run weekly for
#: twenty years, far past any training unit's spreadsheet.
MAX_SESSIONS = 1000

#: The largest count a form or fixture may hold: far above any training
#: unit's year, well inside every database's integer.
MAX_COUNT = 10_000_000

_PERCENT = [
    MinValueValidator(Decimal("0"), "A percentage lies between 0 and 100."),
    MaxValueValidator(Decimal("100"), "A percentage lies between 0 and 100."),
]


class Mode(models.TextChoices):
    FACE_TO_FACE = "face-to-face", "Face to face"
    VIRTUAL_CLASSROOM = "virtual-classroom", "Virtual classroom"
    E_LEARNING = "e-learning", "E-learning"
    BRIEFING_OR_CONFERENCE = "briefing-or-conference", "Briefing or conference"
    OTHER = "other", "Other"


QUARTER_CHOICES = [
    (1, "Quarter 1 (April to June)"),
    (2, "Quarter 2 (July to September)"),
    (3, "Quarter 3 (October to December)"),
    (4, "Quarter 4 (January to March)"),
]


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "A count cannot be less than 0."),
            MaxValueValidator(MAX_COUNT, f"A count cannot be more than {MAX_COUNT:,}."),
        ],
    )


def _percent(label: str, help_text: str = "") -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
        help_text=help_text,
    )


def attendance_problems(record: Any) -> dict[str, list[str]]:
    """The rules a period's figures and a course share, each on the field it
    names (an empty mapping when they hold):

    - the delegates attended are at most the places offered;
    - the delegates attended and the no-shows together are at most the
      delegates booked: "booked" counts the bookings standing when the course
      ran, each of which either came or did not (a cancelled booking is not
      one of them, so cancellations are counted apart and not bounded by it);
    - the late cancellations are at most the cancellations, being some of them.

    A count left blank is not known, so no rule reads it. Delegates booked
    may be more than the places: a training unit may book beyond its places
    to allow for no-shows."""
    errors: dict[str, list[str]] = {}
    places = record.places_offered
    booked = record.delegates_booked
    attended = record.delegates_attended
    no_show = record.delegates_no_show
    if attended is not None and places is not None and attended > places:
        errors.setdefault("delegates_attended", []).append(
            f"The delegates attended ({attended:,}) cannot be more than the places offered "
            f"({places:,})."
        )
    if booked is not None and attended is not None and no_show is not None:
        if attended + no_show > booked:
            errors.setdefault("delegates_no_show", []).append(
                f"The delegates attended ({attended:,}) and the no-shows ({no_show:,}) come to "
                f"{attended + no_show:,}, more than the delegates booked ({booked:,}): each of "
                "them had a booking."
            )
    elif booked is not None and attended is not None and attended > booked:
        errors.setdefault("delegates_attended", []).append(
            f"The delegates attended ({attended:,}) cannot be more than the delegates booked "
            f"({booked:,})."
        )
    elif booked is not None and no_show is not None and no_show > booked:
        errors.setdefault("delegates_no_show", []).append(
            f"The no-shows ({no_show:,}) cannot be more than the delegates booked ({booked:,})."
        )
    late, cancelled = record.late_cancellations, record.cancellations
    if late is not None and cancelled is not None and late > cancelled:
        errors.setdefault("late_cancellations", []).append(
            f"The late cancellations ({late:,}) cannot be more than the cancellations "
            f"({cancelled:,}): they are counted among them."
        )
    return errors


class OwnedByBoardOrGroup(CleanTextModel):
    """A record that belongs to one board, or to one pan-area group serving
    several boards: exactly one of the two."""

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A pan-area group (a training unit serving several boards).",
    )
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    quarter = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=QUARTER_CHOICES,
        help_text="Blank for the whole reporting year.",
    )
    mode = models.CharField("delivery mode", max_length=30, choices=Mode.choices)

    class Meta:
        abstract = True

    @property
    def owner(self) -> Board | Group | None:
        return self.board if self.board_id else self.group

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}" if self.quarter else f"{self.year}"

    def clean(self) -> None:
        if bool(self.board_id) == bool(self.group_id):
            raise ValidationError(
                {"board": "Figures belong to a board or to a pan-area group: choose one."}
            )

    def owner_key(self) -> tuple[str, str]:
        return (
            self.board.slug if self.board is not None else "",
            self.group.slug if self.group is not None else "",
        )


def _owner_lookup(board: str, group: str) -> dict[str, object]:
    if board:
        return {"board__slug": board, "group__isnull": True}
    return {"group__slug": group, "board__isnull": True}


def _quarter_lookup(quarter: int | str) -> dict[str, object]:
    return {"quarter": int(quarter)} if int(quarter) else {"quarter__isnull": True}


def _owner_constraints(prefix: str) -> list[models.BaseConstraint]:
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=Q(board__isnull=False, group__isnull=True)
            | Q(board__isnull=True, group__isnull=False),
            name=f"{prefix}_board_or_group",
        ),
        models.CheckConstraint(
            condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
            name=f"{prefix}_quarter_1_to_4",
        ),
    ]
    return constraints


class TrainingFigures(OwnedByBoardOrGroup):
    """One period's figures for one delivery mode. Counts are blank where the
    report does not give them; rates are computed from counts, and a rate is
    stored only where a report gives the rate alone."""

    courses_delivered = _count("courses delivered")
    places_offered = _count("places offered")
    delegates_booked = _count("delegates booked")
    delegates_attended = _count("delegates attended")
    delegates_no_show = _count("no-shows")
    cancellations = _count("cancellations")
    late_cancellations = _count("late cancellations")
    learners_registered = _count("learners registered")
    learners_completed = _count("learners completed")
    learners_passed = _count("learners passed")
    satisfaction_pct = _percent("satisfaction %")
    places_filled_pct = _percent(
        "places filled % (as stated)", "Only where the report gives the rate, not the places."
    )
    attendance_pct = _percent(
        "attended of booked % (as stated)", "As the report states it, if it does."
    )
    completion_pct = _percent("completion % (as stated)", "As the report states it, if it does.")
    pass_rate_pct = _percent("pass rate % (as stated)", "As the report states it, if it does.")
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year__start", "mode", "quarter"]
        verbose_name = "training figures"
        verbose_name_plural = "training figures"
        constraints = [
            *_owner_constraints("trainingfigures"),
            models.UniqueConstraint(
                fields=["board", "year", "quarter", "mode"],
                condition=Q(board__isnull=False, quarter__isnull=False),
                name="trainingfigures_unique_board_quarter",
            ),
            models.UniqueConstraint(
                fields=["board", "year", "mode"],
                condition=Q(board__isnull=False, quarter__isnull=True),
                name="trainingfigures_unique_board_year",
            ),
            models.UniqueConstraint(
                fields=["group", "year", "quarter", "mode"],
                condition=Q(group__isnull=False, quarter__isnull=False),
                name="trainingfigures_unique_group_quarter",
            ),
            models.UniqueConstraint(
                fields=["group", "year", "mode"],
                condition=Q(group__isnull=False, quarter__isnull=True),
                name="trainingfigures_unique_group_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.get_mode_display()} training, {self.period_label}"

    def clean(self) -> None:
        """The rules every path enforces (forms, fixtures, the admin): the
        service adds those that need other records."""
        super().clean()
        errors: dict[str, list[str]] = {}
        pairs = (
            ("learners_completed", "learners_registered", "learners completed", "registered"),
            ("learners_passed", "learners_completed", "learners passed", "completed"),
        )
        for part, whole, part_label, whole_label in pairs:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                errors.setdefault(part, []).append(
                    f"The {part_label} ({part_value:,}) cannot be more than the "
                    f"{whole_label} ({whole_value:,})."
                )
        for name, messages in attendance_problems(self).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def natural_key(self) -> tuple[str, str, str, int, str]:
        return (*self.owner_key(), self.year.label, self.quarter or 0, self.mode)

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.group",
        "board.reportingyear",
    ]

    @classmethod
    def get_by_natural_key(
        cls, board: str, group: str, year: str, quarter: int | str, mode: str
    ) -> TrainingFigures:
        return cls.objects.get(
            year__label=year, mode=mode, **_owner_lookup(board, group), **_quarter_lookup(quarter)
        )


class StatedFigure(OwnedByBoardOrGroup):
    """A figure as a published report states it, kept beside what Assure
    computes from the counts: a year's total, a rate, or a change on the year
    before ("a 74% reduction" is -74 with change checked)."""

    class Measure(models.TextChoices):
        COURSES_DELIVERED = "courses_delivered", "Courses delivered"
        PLACES_OFFERED = "places_offered", "Places offered"
        DELEGATES_BOOKED = "delegates_booked", "Delegates booked"
        DELEGATES_ATTENDED = "delegates_attended", "Delegates attended"
        DELEGATES_NO_SHOW = "delegates_no_show", "No-shows"
        CANCELLATIONS = "cancellations", "Cancellations"
        LATE_CANCELLATIONS = "late_cancellations", "Late cancellations"
        LEARNERS_REGISTERED = "learners_registered", "Learners registered"
        LEARNERS_COMPLETED = "learners_completed", "Learners completed"
        LEARNERS_PASSED = "learners_passed", "Learners passed"
        PLACES_FILLED = "places_filled_pct", "Places filled %"
        ATTENDANCE = "attendance_pct", "Attended of booked %"
        COMPLETION = "completion_pct", "Completion %"
        PASS_RATE = "pass_rate_pct", "Pass rate %"
        SATISFACTION = "satisfaction_pct", "Satisfaction %"

    measure = models.CharField(max_length=30, choices=Measure.choices)
    change = models.BooleanField(
        "change on the year before",
        default=False,
        help_text="The value is a percentage change on the year before (negative for a fall).",
    )
    value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-1000000000")), MaxValueValidator(MAX_COUNT)],
    )
    wording = models.CharField(
        max_length=300, blank=True, help_text='The report\'s words, for example "a 74% reduction".'
    )
    explanation = models.TextField(
        blank=True, help_text="Why the stated figure differs from the computed one, if known."
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year__start", "mode", "quarter", "measure"]
        constraints = [
            *_owner_constraints("statedfigure"),
            models.UniqueConstraint(
                fields=["board", "year", "quarter", "mode", "measure", "change"],
                condition=Q(board__isnull=False, quarter__isnull=False),
                name="statedfigure_unique_board_quarter",
            ),
            models.UniqueConstraint(
                fields=["board", "year", "mode", "measure", "change"],
                condition=Q(board__isnull=False, quarter__isnull=True),
                name="statedfigure_unique_board_year",
            ),
            models.UniqueConstraint(
                fields=["group", "year", "quarter", "mode", "measure", "change"],
                condition=Q(group__isnull=False, quarter__isnull=False),
                name="statedfigure_unique_group_quarter",
            ),
            models.UniqueConstraint(
                fields=["group", "year", "mode", "measure", "change"],
                condition=Q(group__isnull=False, quarter__isnull=True),
                name="statedfigure_unique_group_year",
            ),
        ]

    def __str__(self) -> str:
        what = "change in " if self.change else ""
        return f"{self.owner} {self.period_label} {self.get_mode_display()}: {what}" + (
            f"{self.get_measure_display()} stated as {self.value}"
        )

    def clean(self) -> None:
        super().clean()
        if (
            not self.change
            and self.measure.endswith("_pct")
            and self.value is not None
            and not Decimal("0") <= self.value <= Decimal("100")
        ):
            raise ValidationError({"value": "A percentage lies between 0 and 100."})
        if (
            not self.change
            and not self.measure.endswith("_pct")
            and self.value is not None
            and (self.value < 0 or self.value != self.value.to_integral_value())
        ):
            raise ValidationError({"value": "A count is a whole number, 0 or more."})

    def natural_key(self) -> tuple[str, str, str, int, str, str, str]:
        return (
            *self.owner_key(),
            self.year.label,
            self.quarter or 0,
            self.mode,
            self.measure,
            "change" if self.change else "",
        )

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.group",
        "board.reportingyear",
    ]

    @classmethod
    def get_by_natural_key(
        cls,
        board: str,
        group: str,
        year: str,
        quarter: int | str,
        mode: str,
        measure: str,
        change: str,
    ) -> StatedFigure:
        return cls.objects.get(
            year__label=year,
            mode=mode,
            measure=measure,
            change=bool(change),
            **_owner_lookup(board, group),
            **_quarter_lookup(quarter),
        )


#: The period figures a period's courses add up to: a period with courses
#: takes these from its courses, never from a hand-kept count beside them.
#: Its courses delivered are its courses' sessions (a course run three times
#: is three deliveries, as reports count "training sessions delivered").
COURSE_SUMS = (
    "courses_delivered",
    "places_offered",
    "delegates_booked",
    "delegates_attended",
    "delegates_no_show",
    "cancellations",
    "late_cancellations",
)


def quarter_of(day: datetime.date) -> int:
    """The quarter of its reporting year a day falls in (April to June is 1)."""
    return (day.month - 4) % 12 // 3 + 1


class TrainingCourse(OwnedByBoardOrGroup):
    """One course as a training unit's spreadsheet lists it: its date, how
    many sessions it ran, its places across them, the bookings standing when
    it ran, who came, who did not (no-shows) and the bookings cancelled
    before it (of them, those cancelled late). Its period (year and quarter)
    follows from its date, and the period's courses, places, bookings and
    attendance are added up from its courses (training.services.course_sums).

    A rate the unit's own spreadsheet gives (places filled, attended of
    booked) is kept as stated, beside the one Assure computes."""

    title = models.CharField("course", max_length=200)
    date = models.DateField(help_text="The day it ran, or its first session's.")
    sessions = models.PositiveIntegerField(
        default=1,
        validators=[
            MinValueValidator(1, "A course runs at least once: give 1 session or more."),
            MaxValueValidator(
                MAX_SESSIONS, f"A course cannot have more than {MAX_SESSIONS:,} sessions."
            ),
        ],
        help_text="How many times it ran in its quarter (each counts as a course delivered).",
    )
    places_offered = _count("places offered")
    delegates_booked = _count("delegates booked")
    delegates_attended = _count("delegates attended")
    delegates_no_show = _count("no-shows")
    cancellations = _count("cancellations")
    late_cancellations = _count("late cancellations")
    places_filled_pct = _percent(
        "places filled % (as stated)", "As the unit states it, if it does."
    )
    attendance_pct = _percent(
        "attended of booked % (as stated)", "As the unit states it, if it does."
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "mode", "title"]
        constraints = [
            *_owner_constraints("trainingcourse"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=False), name="trainingcourse_has_quarter"
            ),
            models.CheckConstraint(
                condition=Q(sessions__gte=1), name="trainingcourse_at_least_one_session"
            ),
            models.UniqueConstraint(
                fields=["board", "date", "mode", "title"],
                condition=Q(board__isnull=False),
                name="trainingcourse_unique_board",
            ),
            models.UniqueConstraint(
                fields=["group", "date", "mode", "title"],
                condition=Q(group__isnull=False),
                name="trainingcourse_unique_group",
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "mode"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_mode_display().lower()}, {self.date:%-d %B %Y})"

    def clean(self) -> None:
        super().clean()
        errors = attendance_problems(self)
        if errors:
            raise ValidationError(errors)

    def natural_key(self) -> tuple[str, str, str, str, str]:
        return (*self.owner_key(), self.date.isoformat(), self.mode, self.title)

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.group",
        "board.reportingyear",
    ]

    @classmethod
    def get_by_natural_key(
        cls, board: str, group: str, date: str, mode: str, title: str
    ) -> TrainingCourse:
        return cls.objects.get(date=date, mode=mode, title=title, **_owner_lookup(board, group))


class CourseAgency(models.Model):
    """How many of a course's delegates came from one agency, where the
    training unit records it. Kept per course, the finest level a unit's
    booking register holds, so a period's or a year's delegates by agency
    are added up from its courses and never counted twice; delegates whose
    agency is not recorded are the course's attendance less these."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="agencies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    delegates = models.PositiveIntegerField(
        "delegates attended",
        validators=[
            MinValueValidator(1, "Give 1 delegate or more, or leave the agency out."),
            MaxValueValidator(MAX_COUNT, f"A count cannot be more than {MAX_COUNT:,}."),
        ],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "agency__name"]
        verbose_name = "course delegates by agency"
        verbose_name_plural = "course delegates by agency"
        constraints = [
            models.UniqueConstraint(fields=["course", "agency"], name="courseagency_unique"),
            models.CheckConstraint(condition=Q(delegates__gte=1), name="courseagency_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.delegates:,} from {self.agency}"


class ImpactEvaluation(OwnedByBoardOrGroup):
    """Follow-up evidence of what training changed in practice, for a course
    or for a period and mode: for example, three months on, how many of the
    delegates asked replied and how many of them report a change in their
    practice; linked to the business plan action it serves, where there is one.

    The share reporting a change is computed from the counts; a share a
    report gives without its counts is kept as stated."""

    course = models.ForeignKey(
        TrainingCourse,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        help_text="The course evaluated, if the evaluation is of one course.",
    )
    subject = models.CharField(
        "what was evaluated", max_length=200, help_text='For example "Neglect and GCP2 training".'
    )
    months_after = models.PositiveSmallIntegerField(
        "months after the training",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60, "A follow-up is at most 60 months after the training.")],
    )
    delegates_asked = _count("delegates asked")
    replies = _count("replies")
    reporting_change = _count("replies reporting a change in practice")
    reporting_change_pct = _percent(
        "reporting a change % (as stated)", "Only where the report gives the share, not the counts."
    )
    finding = models.TextField(
        "what changed", blank=True, help_text="What delegates or their managers say changed."
    )
    action = models.ForeignKey(
        "priorities.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The business plan action the training serves, if there is one.",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year__start", "quarter", "mode", "subject"]
        constraints = [
            *_owner_constraints("impactevaluation"),
            models.UniqueConstraint(
                fields=["board", "year", "mode", "subject", "months_after"],
                condition=Q(board__isnull=False),
                name="impactevaluation_unique_board",
            ),
            models.UniqueConstraint(
                fields=["group", "year", "mode", "subject", "months_after"],
                condition=Q(group__isnull=False),
                name="impactevaluation_unique_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner}: impact of {self.subject}, {self.period_label}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if (
            self.replies is not None
            and self.delegates_asked is not None
            and self.replies > self.delegates_asked
        ):
            errors["replies"] = (
                f"The replies ({self.replies:,}) cannot be more than the delegates asked "
                f"({self.delegates_asked:,})."
            )
        if (
            self.reporting_change is not None
            and self.replies is not None
            and self.reporting_change > self.replies
        ):
            errors["reporting_change"] = (
                f"The replies reporting a change ({self.reporting_change:,}) cannot be more "
                f"than the replies ({self.replies:,})."
            )
        if errors:
            raise ValidationError(errors)

    def natural_key(self) -> tuple[str, str, str, str, str, int]:
        return (
            *self.owner_key(),
            self.year.label,
            self.mode,
            self.subject,
            self.months_after if self.months_after is not None else -1,
        )

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.group",
        "board.reportingyear",
        "training.trainingcourse",
        "priorities.action",
    ]

    @classmethod
    def get_by_natural_key(
        cls, board: str, group: str, year: str, mode: str, subject: str, months_after: int | str
    ) -> ImpactEvaluation:
        months = int(months_after)
        return cls.objects.get(
            year__label=year,
            mode=mode,
            subject=subject,
            **({"months_after": months} if months >= 0 else {"months_after__isnull": True}),
            **_owner_lookup(board, group),
        )
