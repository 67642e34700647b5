"""The scorecard's measures and their values.

An indicator is one measure a board watches (a count, a percentage, a rate
per 10,000 children, money or days), with the direction that is better and
the target a document states. Its values are figures for periods, kept with
their source and every later edition; comparators are the same measure for
England, the region or the statistical neighbours. A suppressed figure keeps
the marker the publication gave it and is never a zero.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from board.models import Board, ReportingYear, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from priorities.models import Priority


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
            "indicators:indicator", kwargs={"board": self.board.slug, "indicator": self.code}
        )

    def clean(self) -> None:
        """The service's rules, for the paths that validate a model rather
        than call the service (the past reports' fixtures)."""
        from indicators.services import indicator_problems

        if self.board_id is not None:
            _raise_problems(indicator_problems(indicator=self))

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.code)

    natural_key.dependencies = ["board.board", "priorities.priority"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, code: str) -> Indicator:
        return cls.objects.get(board__slug=board, code=code)


class IndicatorTarget(CleanTextModel):
    """An indicator's target and tolerance for one reporting year, with the
    document that states it where known. A value is rated against the target
    of the year its period falls in; a year without a target of its own uses
    the indicator's standing target (`Indicator.target`), if it has one
    (docs/adr/0020)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.ForeignKey(
        ReportingYear, on_delete=models.PROTECT, related_name="+", verbose_name="reporting year"
    )
    target = models.DecimalField(max_digits=14, decimal_places=4)
    tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="How far short of the target still rates as near target.",
    )
    source = models.ForeignKey(
        SourceDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="document that states it",
    )
    note = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year__start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicatortarget_one_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: target for {self.year}"

    def clean(self) -> None:
        from indicators.services import indicator_target_problems

        if self.indicator_id is not None and self.year_id is not None:
            _raise_problems(indicator_target_problems(target=self))

    def natural_key(self) -> tuple[str, ...]:
        return (*self.indicator.natural_key(), self.year.label)

    natural_key.dependencies = ["indicators.indicator", "board.reportingyear"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, code: str, year: str) -> IndicatorTarget:
        return cls.objects.get(indicator__board__slug=board, indicator__code=code, year__label=year)


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
        from indicators.services import period_end_problems, value_problems

        if self.indicator_id is not None:
            _raise_problems({**period_end_problems(self), **value_problems(value=self)})

    def natural_key(self) -> tuple[str, ...]:
        return (
            *self.indicator.natural_key(),
            self.period_kind,
            self.period_start.isoformat(),
            str(self.edition),
        )

    natural_key.dependencies = ["indicators.indicator", "board.sourcedocument"]  # type: ignore[attr-defined]

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
        from indicators.services import comparator_problems, period_end_problems

        if self.indicator_id is not None:
            _raise_problems({**period_end_problems(self), **comparator_problems(comparator=self)})

    def natural_key(self) -> tuple[str, ...]:
        return (
            *self.indicator.natural_key(),
            self.kind,
            self.period_kind,
            self.period_start.isoformat(),
        )

    natural_key.dependencies = ["indicators.indicator", "board.sourcedocument"]  # type: ignore[attr-defined]

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
    other_code = models.CharField(
        "the authority's other code",
        max_length=12,
        blank=True,
        help_text=(
            "Its code of the other kind (the old three-digit number or the new nine-character "
            "code such as E06000032), where the list gives both. Published files carry both, "
            "and a row matches either."
        ),
    )
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

    @property
    def codes(self) -> set[str]:
        """Every code a published row may give this authority by."""
        return {code for code in (self.la_code, self.other_code) if code}

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.la_code)

    natural_key.dependencies = ["board.board"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, la_code: str) -> StatisticalNeighbour:
        return cls.objects.get(board__slug=board, la_code=la_code)


class StatisticsImport(CleanTextModel):
    """A confirmed import of a published statistics file, saved in the
    background (indicators.tasks) so a file of many thousands of rows never
    holds a request: queued, running (with the step it is on and how far),
    then finished with how many figures it recorded, or failed with the
    reason and nothing saved. The rows the import needs wait in
    `statistics` until it finishes, and are then let go."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="statistics_imports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    publication = models.CharField(max_length=250)
    authority = models.CharField(max_length=12)
    mapping = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    statistics = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    error = models.TextField(blank=True)
    recorded = models.PositiveIntegerField(null=True, blank=True)
    unchanged = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.board} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "indicators:statistics_import_status",
            kwargs={"board": self.board.slug, "job": self.pk},
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
