"""Action plans and their RAG-rated actions.

Every plan the board tracks lives here, whatever it came from: the business
plan, a case review, an audit, an inspection or Section 11. An action's current
rating is its latest assessment; assessments are never edited or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, Group, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from core.validators import REF_CHARACTERS, validate_ref


class Rating(models.TextChoices):
    """The five-point scale, rated separately for process and impact."""

    RED = "RED", "Red"
    AMBER = "AMBER", "Amber"
    GREEN = "GREEN", "Green"
    BLUE = "BLUE", "Blue (completed)"
    GREY = "GREY", "Grey (not started)"


#: GOV.UK tag modifier for each rating; the tag text always names the rating too.
RATING_TAG_CLASSES: dict[str, str] = {
    Rating.RED: "govuk-tag--red",
    Rating.AMBER: "govuk-tag--orange",
    Rating.GREEN: "govuk-tag--green",
    Rating.BLUE: "",
    Rating.GREY: "govuk-tag--grey",
}


class ActionPlan(CleanTextModel):
    class Kind(models.TextChoices):
        BUSINESS_PLAN = "business-plan", "Business plan"
        CASE_REVIEW = "case-review", "Case review"
        AUDIT = "audit", "Audit"
        INSPECTION = "inspection", "Inspection"
        SECTION_11 = "section-11", "Section 11"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="action_plans")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=40, blank=True, help_text='As written, e.g. "2015-2017".')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    summary = models.TextField(blank=True)
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="Gaps in the source and how they were recorded.")

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-period", "title"]
        constraints = [
            models.UniqueConstraint(fields=["board", "slug"], name="actionplan_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:plan", kwargs={"board": self.board.slug, "plan": self.slug})

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.slug)

    natural_key.dependencies = ["board.board", "board.sourcedocument"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, slug: str) -> ActionPlan:
        return cls.objects.get(board__slug=board, slug=slug)


class RagDefinition(CleanTextModel):
    """What a rating means in this plan, for process and for impact, in the
    plan's own words; shown wherever someone chooses a rating."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="rag_definitions")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    process = models.TextField(blank=True)
    impact = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "rating"], name="ragdefinition_unique_rating")
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.rating}"

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.rating)

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, rating: str) -> RagDefinition:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, rating=rating)


class EvidenceType(CleanTextModel):
    """PI, assurance report, Ofsted, audit, voice: the kinds of evidence a
    rating can rest on."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> EvidenceType:
        return cls.objects.get(slug=slug)


class Theme(CleanTextModel):
    """A plan-wide theme: a cross-cutting theme, or an area for improving the
    board's own effectiveness."""

    class Kind(models.TextChoices):
        CROSS_CUTTING = "cross-cutting", "Cross-cutting theme"
        EFFECTIVENESS = "effectiveness", "Area for improving the board's effectiveness"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="themes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "position"], name="theme_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.kind, str(self.position))

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, kind: str, position: str) -> Theme:
        return cls.objects.get(
            plan__board__slug=board, plan__slug=plan, kind=kind, position=int(position)
        )


class Priority(CleanTextModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    evidence_base = models.TextField(blank=True)
    key_outcomes = models.TextField(blank=True)
    success_measures = models.TextField(blank=True, verbose_name="how success will be measured")

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_unique_number")
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), str(self.number))

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, number: str) -> Priority:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, number=int(number))


class Action(CleanTextModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    ref = models.CharField(
        max_length=12,
        verbose_name="reference",
        validators=[validate_ref],
        help_text=f'For example "1a": {REF_CHARACTERS}.',
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the plan.")
    description = models.TextField(verbose_name="action")
    timescale = models.CharField(max_length=120, blank=True, help_text="As written in the plan.")
    due_date = models.DateField(null=True, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    lead_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        verbose_name="action lead in Assure",
        help_text="The person, invited to this board as an action lead, who keeps this "
        "action up to date in Assure.",
    )
    lead_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    oversight_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporting_to = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    oversight_note = models.CharField(
        max_length=300, blank=True, help_text="The oversight and reporting line as written."
    )
    impact_expected = models.TextField(blank=True)
    how_we_will_know = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "ref"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="action_unique_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "priorities:action",
            kwargs={"board": self.plan.board.slug, "plan": self.plan.slug, "ref": self.ref},
        )

    def clean(self) -> None:
        if self.priority is not None and self.plan_id and self.priority.plan_id != self.plan_id:
            raise ValidationError({"priority": "That priority belongs to another plan."})

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.ref)

    natural_key.dependencies = ["priorities.actionplan", "priorities.priority"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, ref: str) -> Action:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, ref=ref)


class Assessment(CleanTextModel):
    """One dated rating of an action, for process and impact. Append-only: a
    correction is a new assessment, so the record of who said what stands."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    process = models.CharField(max_length=5, choices=Rating.choices)
    impact = models.CharField(max_length=5, choices=Rating.choices)
    commentary = models.TextField(blank=True)
    evidence_types = models.ManyToManyField(EvidenceType, blank=True, related_name="+")
    evidence = models.TextField(blank=True, help_text="Evidence notes or links, one per line.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["action", "-assessed_on", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.action.ref} on {self.assessed_on}: {self.process}/{self.impact}"


# --- indicators: the scorecard's measures and their values -------------------


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither (watched, not judged)"


class Marker(models.TextChoices):
    """Why a published figure is not given, as official statistics mark it.
    A marked value is never a zero: it is kept, shown and charted as a gap."""

    CONFIDENTIAL = "c", "c: confidential (suppressed to protect individuals)"
    NOT_AVAILABLE = "x", "x: not available"
    NOT_APPLICABLE = "z", "z: not applicable"
    LOW_RELIABILITY = "u", "u: low reliability"
    ROUNDS_TO_ZERO = "k", "k: rounds to zero but is not zero"
    LOW = "low", "low: a small number, not published"


class PeriodKind(models.TextChoices):
    YEAR = "year", "Reporting year (April to March)"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"


def _raise_problems(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]


class Indicator(CleanTextModel):
    """One measure on the board's scorecard: what it counts, which way is
    better, and the target (if a document states one) it is rated against."""

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage"
        RATE = "rate", "Rate per 10,000 children"
        MONEY = "money", "Money (GBP)"
        DAYS = "days", "Days"

    class Frequency(models.TextChoices):
        YEAR = "year", "Yearly"
        QUARTER = "quarter", "Quarterly"
        MONTH = "month", "Monthly"

    class SourceKind(models.TextChoices):
        PUBLISHED = "published", "Published statistic"
        LOCAL = "local", "Local data"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60, help_text='A short name, e.g. "referrals".')
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    polarity = models.CharField(max_length=8, choices=Polarity.choices, default=Polarity.NEITHER)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.YEAR)
    priority = models.ForeignKey(
        Priority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        help_text="The priority this indicator evidences, if any.",
    )
    source_kind = models.CharField(
        "source", max_length=10, choices=SourceKind.choices, default=SourceKind.LOCAL
    )
    measure = models.CharField(
        "published measure",
        max_length=100,
        blank=True,
        help_text="The column of the published statistics file that holds it, if any.",
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="How far short of the target still rates as near target.",
    )
    target_source = models.ForeignKey(
        SourceDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The document that states the target.",
    )
    position = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "priorities:indicator", kwargs={"board": self.board.slug, "indicator": self.code}
        )

    def clean(self) -> None:
        """The service's rules, for the paths that validate a model rather
        than call the service (the past reports' fixtures)."""
        from priorities.indicator_services import indicator_problems

        if self.board_id is not None:
            _raise_problems(indicator_problems(indicator=self))

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.code)

    natural_key.dependencies = ["board.board", "priorities.priority"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, code: str) -> Indicator:
        return cls.objects.get(board__slug=board, code=code)


class PeriodValue(CleanTextModel):
    """A figure for a period, or the marker that stands in its place."""

    period_kind = models.CharField(
        "period", max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    marker = models.CharField(
        "suppression marker",
        max_length=3,
        choices=Marker.choices,
        blank=True,
        help_text="Instead of a value, where the publication suppresses it.",
    )
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def suppressed(self) -> bool:
        return bool(self.marker)


def _value_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=(Q(value__isnull=True) & ~Q(marker=""))
            | (Q(value__isnull=False) & Q(marker="")),
            name=f"{prefix}_value_or_marker",
        ),
        models.CheckConstraint(
            condition=Q(period_end__gte=F("period_start")), name=f"{prefix}_period_in_order"
        ),
    ]


class IndicatorValue(PeriodValue):
    """The area's own figure for a period. A later publication that revises
    it is a second edition with its own source: both are kept, and the
    scorecard uses the latest edition and says so."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    edition = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the figure first stated; 2 for its first revision, and so on."
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start", "edition"]
        constraints = [
            *_value_constraints("indicatorvalue"),
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start", "edition"],
                name="indicatorvalue_unique_edition",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start", "source"],
                name="indicatorvalue_unique_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.period_start} ({self.edition})"

    def clean(self) -> None:
        from priorities.indicator_services import period_end_problems, value_problems

        if self.indicator_id is not None:
            _raise_problems({**period_end_problems(self), **value_problems(value=self)})

    def natural_key(self) -> tuple[str, ...]:
        return (
            *self.indicator.natural_key(),
            self.period_kind,
            self.period_start.isoformat(),
            str(self.edition),
        )

    natural_key.dependencies = ["priorities.indicator", "board.sourcedocument"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(
        cls, board: str, code: str, period_kind: str, period_start: str, edition: str
    ) -> IndicatorValue:
        return cls.objects.get(
            indicator__board__slug=board,
            indicator__code=code,
            period_kind=period_kind,
            period_start=period_start,
            edition=int(edition),
        )


class Comparator(PeriodValue):
    """The same measure for a wider area and period: England, the region, or
    the average of the statistical neighbours (saying how many were used)."""

    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "Region"
        NEIGHBOURS = "neighbours", "Statistical neighbours"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    area_name = models.CharField(max_length=100, blank=True, help_text="The region's name.")
    neighbours_used = models.PositiveSmallIntegerField(null=True, blank=True)
    neighbours_listed = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "kind", "period_start"]
        constraints = [
            *_value_constraints("comparator"),
            models.UniqueConstraint(
                fields=["indicator", "kind", "period_kind", "period_start"],
                name="comparator_unique_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.get_kind_display()} {self.period_start}"

    def clean(self) -> None:
        from priorities.indicator_services import comparator_problems, period_end_problems

        if self.indicator_id is not None:
            _raise_problems({**period_end_problems(self), **comparator_problems(comparator=self)})

    def natural_key(self) -> tuple[str, ...]:
        return (
            *self.indicator.natural_key(),
            self.kind,
            self.period_kind,
            self.period_start.isoformat(),
        )

    natural_key.dependencies = ["priorities.indicator", "board.sourcedocument"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(
        cls, board: str, code: str, kind: str, period_kind: str, period_start: str
    ) -> Comparator:
        return cls.objects.get(
            indicator__board__slug=board,
            indicator__code=code,
            kind=kind,
            period_kind=period_kind,
            period_start=period_start,
        )


class StatisticalNeighbour(CleanTextModel):
    """One of the authorities the published model lists as like the board's
    own, by local authority code, from the list the business manager uploads."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="neighbours")
    la_code = models.CharField("local authority code", max_length=12)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "rank", "la_name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "la_code"], name="neighbour_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.la_name or self.la_code} (neighbour of {self.board})"

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.la_code)

    natural_key.dependencies = ["board.board"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, la_code: str) -> StatisticalNeighbour:
        return cls.objects.get(board__slug=board, la_code=la_code)
