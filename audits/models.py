"""The board's quality-assurance evidence: audits of cases and what they found,
Section 11 self-assessments by each agency, and external inspections with
their judgements. Each leads to actions in an action plan of the priorities
app, so what was found can be followed to what was done about it.

Audits, Section 11 rounds and standard sets belong to one board or to one
pan-area group serving several boards (the Pan Bedfordshire audits serve
Luton, Bedford Borough and Central Bedfordshire), as training figures do.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, Group, ReportingYear, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from priorities.models import Action, ActionPlan

#: The largest number of cases an audit may say it looked at.
MAX_CASES = 100_000


class OwnedByBoardOrGroup(CleanTextModel):
    """A record of one board, or of one pan-area group serving several boards:
    exactly one of the two (a check constraint and the services say so)."""

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A pan-area group serving several boards, instead of one board.",
    )

    class Meta:
        abstract = True

    @property
    def owner(self) -> Board | Group | None:
        return self.board if self.board_id else self.group

    def owner_problems(self) -> dict[str, list[str]]:
        if bool(self.board_id) == bool(self.group_id):
            return {"board": ["Choose the board or a pan-area group, not both and not neither."]}
        return {}

    def boards_served(self) -> list[Board]:
        """The boards whose pages show this record."""
        if self.board is not None:
            return [self.board]
        return list(self.group.boards.all()) if self.group is not None else []

    def owner_key(self) -> tuple[str, str]:
        return (
            self.board.slug if self.board is not None else "",
            self.group.slug if self.group is not None else "",
        )


def owner_lookup(board: str, group: str, prefix: str = "") -> dict[str, object]:
    if board:
        return {f"{prefix}board__slug": board, f"{prefix}group__isnull": True}
    return {f"{prefix}group__slug": group, f"{prefix}board__isnull": True}


def owner_constraint(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(board__isnull=False, group__isnull=True)
        | Q(board__isnull=True, group__isnull=False),
        name=f"{prefix}_board_or_group",
    )


class DatedBy(models.TextChoices):
    MONTH = "month", "Month"
    DAY = "day", "Day"


def _month(day: datetime.date) -> str:
    return f"{day:%B %Y}"


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Audit(OwnedByBoardOrGroup):
    """A multi-agency audit of cases, or a single agency's audit shared with
    the board: its theme and scope, when, how many cases, who took part and
    how, and where it stands."""

    class Kind(models.TextChoices):
        MULTI_AGENCY = "multi-agency", "Multi-agency"
        SINGLE_AGENCY = "single-agency", "Single-agency, shared with the board"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in-progress", "In progress"
        REPORTED = "reported", "Reported"
        ACTIONS_CLOSED = "actions-closed", "Actions closed"

    slug = models.SlugField(max_length=80, unique=True)
    year = models.ForeignKey(
        ReportingYear,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reporting year the audit belongs to.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    theme = models.CharField(max_length=200)
    scope = models.TextField(
        blank=True,
        help_text='Whose cases, for example "children under one on a child protection '
        'plan for neglect".',
    )
    start = models.DateField("from", null=True, blank=True)
    end = models.DateField("to", null=True, blank=True)
    dated_by = models.CharField(
        max_length=5,
        choices=DatedBy.choices,
        default=DatedBy.MONTH,
        help_text="Whether the report gives the month or the day.",
    )
    cases_audited = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_CASES)]
    )
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    agencies_note = models.CharField(
        "agencies taking part, as written",
        max_length=300,
        blank=True,
        help_text="Where the report describes the agencies without naming each.",
    )
    method = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(blank=True)
    plan = models.ForeignKey(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audits",
        help_text="The audit's action plan (an action plan of kind audit).",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="Gaps in the source and how they were recorded.")

    objects = NaturalKeyManager()
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["-year__start", "-start", "theme"]
        constraints = [
            owner_constraint("audit"),
            models.UniqueConstraint(fields=["plan"], name="audit_unique_plan"),
        ]

    def __str__(self) -> str:
        return self.theme

    def url_on(self, board: Board) -> str:
        return reverse("audits:audit", kwargs={"board": board.slug, "audit": self.slug})

    def clean(self) -> None:
        """The rules every way in enforces (the pages, the admin, the fixtures);
        audits.services adds those that need other records."""
        problems = self.owner_problems()
        if self.dated_by == DatedBy.MONTH:
            # A month is kept as its first day.
            self.start = self.start.replace(day=1) if self.start else None
            self.end = self.end.replace(day=1) if self.end else None
        if self.end is not None and self.start is None:
            problems.setdefault("start", []).append("Give when the audit started as well.")
        if self.start and self.end and self.end < self.start:
            problems.setdefault("end", []).append("The audit cannot end before it starts.")
        # The year may be one nobody has entered anything in yet, unsaved
        # until the audit is saved (a refused audit leaves no year behind).
        year = self.year if self.year_id else self._state.fields_cache.get("year")
        if self.start and year is not None and not year.start <= self.start <= year.end:
            problems.setdefault("start", []).append(
                f"{_month(self.start)} is not in the reporting year {year}: choose the "
                "year the audit started in."
            )
        done = (self.Status.REPORTED, self.Status.ACTIONS_CLOSED)
        if self.status in done and self.start and self.start > timezone.localdate():
            problems.setdefault("status", []).append(
                "An audit that has not started yet cannot be reported: it is planned."
            )
        if self.plan_id is not None and self.plan is not None:
            if self.plan.kind != ActionPlan.Kind.AUDIT:
                problems.setdefault("plan", []).append("Choose an action plan of kind audit.")
            elif self.plan.board_id not in [b.pk for b in self.boards_served()]:
                problems.setdefault("plan", []).append(
                    "That action plan belongs to a board this audit does not serve."
                )
        if problems:
            raise ValidationError(problems)  # type: ignore[arg-type]

    @property
    def when(self) -> str:
        """The dates as precisely as the report gives them."""
        if self.start is None:
            return ""
        show = _month if self.dated_by == DatedBy.MONTH else _day
        if self.end is None or self.end == self.start:
            return show(self.start)
        if self.dated_by == DatedBy.MONTH and self.start.year == self.end.year:
            return f"{self.start:%B} to {_month(self.end)}"
        return f"{show(self.start)} to {show(self.end)}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Audit:
        return cls.objects.get(slug=slug)


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_DEVELOPMENT = "area-for-development", "Area for development"
    CONCERN = "concern", "Concern"


#: GOV.UK tag modifier for each kind of finding; the tag always names it too.
FINDING_TAG_CLASSES: dict[str, str] = {
    FindingKind.STRENGTH: "govuk-tag--green",
    FindingKind.AREA_FOR_DEVELOPMENT: "govuk-tag--orange",
    FindingKind.CONCERN: "govuk-tag--red",
}


class Finding(CleanTextModel):
    """What an audit found, in short: a strength, an area for development or
    a concern. One that needs following up leads to an action in the audit's
    action plan."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=25, choices=FindingKind.choices)
    text = models.TextField()
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="finding_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def tag_class(self) -> str:
        return FINDING_TAG_CLASSES.get(self.kind, "govuk-tag--grey")

    def clean(self) -> None:
        if not (self.text or "").strip():
            raise ValidationError({"text": "Say what the audit found."})
        if (
            self.action_id is not None
            and self.audit_id
            and self.action is not None
            and (self.audit.plan_id is None or self.action.plan_id != self.audit.plan_id)
        ):
            raise ValidationError(
                {"action": "A finding leads to an action of its own audit's action plan."}
            )

    def natural_key(self) -> tuple[str, str]:
        return (self.audit.slug, str(self.position))

    natural_key.dependencies = ["audits.audit"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, audit: str, position: str) -> Finding:
        return cls.objects.get(audit__slug=audit, position=int(position))


class Section11Standard(OwnedByBoardOrGroup):
    """One numbered standard of a board's (or a pan-area group's) Section 11
    self-assessment set."""

    number = models.PositiveSmallIntegerField(validators=[MaxValueValidator(99)])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "Section 11 standard"
        constraints = [
            owner_constraint("section11standard"),
            models.UniqueConstraint(
                fields=["board", "number"],
                condition=Q(board__isnull=False),
                name="section11standard_unique_board_number",
            ),
            models.UniqueConstraint(
                fields=["group", "number"],
                condition=Q(group__isnull=False),
                name="section11standard_unique_group_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Standard {self.number}: {self.title}"

    def clean(self) -> None:
        problems = self.owner_problems()
        if self.number is not None and self.number < 1:
            problems["number"] = ["Standards are numbered from 1."]
        if problems:
            raise ValidationError(problems)  # type: ignore[arg-type]

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.owner_key(), str(self.number))

    natural_key.dependencies = ["board.board", "board.group"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, group: str, number: str) -> Section11Standard:
        return cls.objects.get(number=int(number), **owner_lookup(board, group))


class Section11Round(OwnedByBoardOrGroup):
    """A year's Section 11 self-assessment: the standards in scope (with what
    the round found on each), the deadline, each agency's return."""

    slug = models.SlugField(max_length=80, unique=True)
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    deadline = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    plan = models.ForeignKey(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="section11_rounds",
        help_text="The round's action plan (an action plan of kind Section 11).",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__start", "title"]
        verbose_name = "Section 11 round"
        constraints = [
            owner_constraint("section11round"),
            models.UniqueConstraint(fields=["plan"], name="section11round_unique_plan"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        problems = self.owner_problems()
        if self.plan_id is not None and self.plan is not None:
            if self.plan.kind != ActionPlan.Kind.SECTION_11:
                problems["plan"] = ["Choose an action plan of kind Section 11."]
            elif self.plan.board_id not in [b.pk for b in self.boards_served()]:
                problems["plan"] = [
                    "That action plan belongs to a board this round does not serve."
                ]
        if problems:
            raise ValidationError(problems)  # type: ignore[arg-type]

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Section11Round:
        return cls.objects.get(slug=slug)


class Section11Focus(CleanTextModel):
    """A standard in a round's scope, with what the round found on it."""

    round = models.ForeignKey(Section11Round, on_delete=models.CASCADE, related_name="focus")
    standard = models.ForeignKey(Section11Standard, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(blank=True, help_text="What the round found on this standard.")

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "standard__number"]
        verbose_name = "standard in scope"
        verbose_name_plural = "standards in scope"
        constraints = [
            models.UniqueConstraint(fields=["round", "standard"], name="section11focus_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.standard}"

    def clean(self) -> None:
        if self.round_id and self.standard_id:
            same = (self.round.board_id, self.round.group_id) == (
                self.standard.board_id,
                self.standard.group_id,
            )
            if not same:
                raise ValidationError(
                    {
                        "standard": "Choose a standard of the round's own set (the same board or group)."
                    }
                )

    def natural_key(self) -> tuple[str, str]:
        return (self.round.slug, str(self.standard.number))

    natural_key.dependencies = ["audits.section11round", "audits.section11standard"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, round_slug: str, number: str) -> Section11Focus:
        return cls.objects.get(round__slug=round_slug, standard__number=int(number))


class Section11Return(CleanTextModel):
    """One agency's return to a round: whether it came in, and when."""

    round = models.ForeignKey(Section11Round, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submitted = models.BooleanField(default=False)
    submitted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "agency__name"]
        verbose_name = "Section 11 return"
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="section11return_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.round}"

    def clean(self) -> None:
        if self.submitted and self.submitted_on is None:
            raise ValidationError({"submitted_on": "Give the date the return came in."})
        if not self.submitted and self.submitted_on is not None:
            raise ValidationError(
                {"submitted_on": "A return not yet submitted has no date: leave it blank."}
            )
        if self.submitted_on is not None and self.submitted_on > timezone.localdate():
            raise ValidationError(
                {"submitted_on": "The date the return came in cannot be in the future."}
            )

    def natural_key(self) -> tuple[str, str]:
        return (self.round.slug, self.agency.slug)

    natural_key.dependencies = ["audits.section11round", "board.agency"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, round_slug: str, agency: str) -> Section11Return:
        return cls.objects.get(round__slug=round_slug, agency__slug=agency)


class Section11Level(models.TextChoices):
    """The Bedfordshire boards' scale for a standard."""

    MET = "met", "Met"
    PARTIALLY_MET = "partially-met", "Partially met"
    NOT_MET = "not-met", "Not met"


#: GOV.UK tag modifier for each level; the tag always names the level too.
LEVEL_TAG_CLASSES: dict[str, str] = {
    Section11Level.MET: "govuk-tag--green",
    Section11Level.PARTIALLY_MET: "govuk-tag--orange",
    Section11Level.NOT_MET: "govuk-tag--red",
}


class Section11Rating(CleanTextModel):
    """An agency's rating of itself against one standard, its evidence, the
    outcome of the challenge session, and an area for development that may
    lead to an action."""

    ret = models.ForeignKey(
        Section11Return, on_delete=models.CASCADE, related_name="ratings", verbose_name="return"
    )
    standard = models.ForeignKey(Section11Standard, on_delete=models.PROTECT, related_name="+")
    level = models.CharField("rating", max_length=15, choices=Section11Level.choices)
    evidence = models.TextField(blank=True)
    challenge_outcome = models.TextField("outcome of the challenge session", blank=True)
    area_for_development = models.TextField(blank=True)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["ret", "standard__number"]
        verbose_name = "Section 11 rating"
        constraints = [
            models.UniqueConstraint(fields=["ret", "standard"], name="section11rating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ret.agency}, standard {self.standard.number}: {self.get_level_display()}"

    @property
    def tag_class(self) -> str:
        return LEVEL_TAG_CLASSES.get(self.level, "govuk-tag--grey")

    def clean(self) -> None:
        if self.ret_id and self.standard_id:
            in_scope = Section11Focus.objects.filter(
                round_id=self.ret.round_id, standard_id=self.standard_id
            ).exists()
            if not in_scope:
                raise ValidationError(
                    {"standard": f"Standard {self.standard.number} is not in this round's scope."}
                )
            if not self.ret.submitted:
                raise ValidationError(
                    {"level": "Record ratings on a return that has been submitted."}
                )

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.ret.natural_key(), str(self.standard.number))

    natural_key.dependencies = ["audits.section11return", "audits.section11standard"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, round_slug: str, agency: str, number: str) -> Section11Rating:
        return cls.objects.get(
            ret__round__slug=round_slug, ret__agency__slug=agency, standard__number=int(number)
        )


class Inspection(CleanTextModel):
    """An external inspection touching the board: who inspected, what, when,
    the published report, the judgements in the inspectorate's own words, and
    the action plans of its recommendations."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=80, unique=True)
    inspectorate = models.CharField(
        max_length=120, help_text="Ofsted, CQC, HMICFRS, a joint targeted area inspection..."
    )
    kind = models.CharField(
        max_length=300, help_text="What was inspected, as the report's title puts it."
    )
    year = models.ForeignKey(
        ReportingYear,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reporting year of the inspection (of its start, where the days are known).",
    )
    start = models.DateField("inspected from", null=True, blank=True)
    end = models.DateField("inspected to", null=True, blank=True)
    dates_as_written = models.CharField(
        max_length=200,
        blank=True,
        help_text='Where the report gives no days, its words, for example "January and '
        'February 2017".',
    )
    published = models.DateField("report published", null=True, blank=True)
    published_as_written = models.CharField(
        "report published (as written)",
        max_length=200,
        blank=True,
        help_text="Where the report gives no day of publication, its words, for example "
        '"April 2017".',
    )
    report_url = models.URLField("published report", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    plans = models.ManyToManyField(
        ActionPlan,
        blank=True,
        related_name="inspections",
        help_text="The action plans of its recommendations (action plans of kind inspection).",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords(m2m_fields=[plans])

    class Meta:
        ordering = ["-start", "inspectorate"]

    def __str__(self) -> str:
        return f"{self.inspectorate}: {self.kind}"

    def clean(self) -> None:
        problems: dict[str, list[str]] = {}
        if self.end is not None and self.start is None:
            problems["start"] = ["Give when the inspection started as well."]
        if self.start and self.end and self.end < self.start:
            problems["end"] = ["The inspection cannot end before it starts."]
        if self.start and self.published and self.published < self.start:
            problems["published"] = ["The report cannot be published before the inspection."]
        if self.start and self.year_id and not self.year.start <= self.start <= self.year.end:
            problems["start"] = [f"{_day(self.start)} is not in the reporting year {self.year}."]
        if problems:
            raise ValidationError(problems)  # type: ignore[arg-type]

    @property
    def when(self) -> str:
        if self.start is None:
            return self.dates_as_written
        if self.end is None or self.end == self.start:
            return _day(self.start)
        return f"{_day(self.start)} to {_day(self.end)}"

    @property
    def published_when(self) -> str:
        """The day the report was published, or the source's words when it
        gives no day; never the dates of the inspection itself."""
        if self.published is not None:
            return _day(self.published)
        return self.published_as_written

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> Inspection:
        return cls.objects.get(slug=slug)


class Judgement(CleanTextModel):
    """One line of an inspection's judgements table: the area and the grade,
    both in the inspectorate's own words."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    position = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=300)
    grade = models.CharField(max_length=120)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="judgement_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.grade}"

    def natural_key(self) -> tuple[str, str]:
        return (self.inspection.slug, str(self.position))

    natural_key.dependencies = ["audits.inspection"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, inspection: str, position: str) -> Judgement:
        return cls.objects.get(inspection__slug=inspection, position=int(position))
