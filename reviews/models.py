"""Case reviews: rapid reviews, child safeguarding practice reviews, the
serious case reviews they replaced, learning reviews and the Panel's
national reviews, with their dated steps, learning themes and
recommendations.

A step's due date is the statutory clock's (reviews.clock), worked out by the
service from the earlier step whenever any step of the review changes, and
kept on the step so lists can ask the database what is overdue. Figures a
report gives only as counts are kept as stated counts beside what Assure
counts from its own records, never as invented reviews.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, ReportingYear, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from priorities.models import Action, ActionPlan

#: The largest count a report may state: far above any board's reviews.
MAX_STATED = 10_000


def _refuse(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]


class LearningTheme(CleanTextModel):
    """A theme of learning shared by every board (neglect, domestic abuse,
    exploitation, ...), so reviews and years can be compared."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    #: The shared vocabulary is made by a migration (0002), so a freshly
    #: migrated database holds it: import_data replaces it with the file's.
    made_by_migrations = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> LearningTheme:
        return cls.objects.get(slug=slug)


class CaseReview(CleanTextModel):
    class Kind(models.TextChoices):
        RAPID = "rapid", "Rapid review"
        CSPR = "cspr", "Child safeguarding practice review"
        SCR = "scr", "Serious case review"
        LEARNING = "learning", "Learning review"
        NATIONAL = "national", "National review by the Panel"
        OTHER = "other", "Other review"

    class Scope(models.TextChoices):
        LOCAL = "local", "Local"
        PAN_AREA = "pan-area", "Pan-area"
        NATIONAL = "national", "National"

    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"
        NOT_KNOWN = "not-known", "Not known (the source does not say)"

    class Publication(models.TextChoices):
        NOT_YET_DUE = "not-yet-due", "Not yet due"
        PUBLISHED = "published", "Published"
        NOT_PUBLISHED = "not-published", "Completed but not published"
        ON_HOLD_CRIMINAL = "on-hold-criminal", "On hold for criminal proceedings"
        ON_HOLD_CORONER = "on-hold-coroner", "On hold for the coroner's proceedings"
        NOT_KNOWN = "not-known", "Not known (the source does not say)"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="case_reviews")
    slug = models.SlugField(max_length=80, help_text="The review's address on its board's pages.")
    name = models.CharField(
        "name as published",
        max_length=100,
        help_text='The pseudonym the board publishes, for example "Child J" or "Family Usman". '
        "Never enter a child's or a family's real name.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.LOCAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    year = models.ForeignKey(
        ReportingYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="reporting year",
        help_text="The year the review began in, or the year of the report that first names it.",
    )
    publication_status = models.CharField(
        max_length=20, choices=Publication.choices, default=Publication.NOT_YET_DUE
    )
    publication_link = models.URLField("link to the published report", max_length=500, blank=True)
    not_published_reason = models.TextField(
        "why it is not published",
        blank=True,
        help_text="Needed when a completed review is not published.",
    )
    summary = models.TextField(blank=True)
    themes = models.ManyToManyField(
        LearningTheme, blank=True, related_name="reviews", verbose_name="learning themes"
    )
    plan = models.OneToOneField(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_review",
        editable=False,
        help_text="The action plan its recommendations' actions live in.",
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="Gaps in the source and how they were recorded.")
    created = models.DateTimeField(auto_now_add=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords(excluded_fields=["created"])

    class Meta:
        ordering = ["board", "-year__start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "slug"], name="casereview_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", kwargs={"board": self.board.slug, "review": self.slug})

    @property
    def is_published(self) -> bool:
        return self.publication_status == self.Publication.PUBLISHED

    @property
    def name_is_public(self) -> bool:
        """Whether the report may name it: its own report is published, or a
        document the board published already names it (the review's source,
        such as a past annual report naming "Adam" while publication is on
        hold). Any other review stays unnamed, whatever its name is."""
        return self.is_published or self.source_id is not None

    def clean(self) -> None:
        """The service's rules, for every way in that cleans a model (the
        fixture loader, the admin's form) as well as the services."""
        from reviews.services import review_problems

        if self.pk is not None and (self.created is None or self.plan_id is None):
            # Loaded again from a fixture, which states neither: keep them.
            kept = CaseReview.objects.filter(pk=self.pk).values("created", "plan_id").first()
            if kept is not None:
                self.created = self.created or kept["created"]
                self.plan_id = self.plan_id or kept["plan_id"]
        if self.board_id is not None:
            _refuse(review_problems(review=self, with_publication_date=False))

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.slug)

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.reportingyear",
        "board.sourcedocument",
        "reviews.learningtheme",
    ]

    @classmethod
    def get_by_natural_key(cls, board: str, slug: str) -> CaseReview:
        return cls.objects.get(board__slug=board, slug=slug)


class StepKind(models.TextChoices):
    """The dated steps of a review, in the order they happen."""

    INCIDENT = "incident", "Serious incident"
    AWARE = "aware", "Local authority became aware"
    NOTIFICATION = "notification", "Notification to the Panel"
    RAPID_REVIEW = "rapid-review", "Rapid review"
    DECISION = "decision", "Decision"
    PANEL_VIEW = "panel-view", "The Panel's view"
    COMMISSIONED = "commissioned", "Commissioned"
    FINAL_REPORT = "final-report", "Final report"
    SENT_TO_PANEL = "sent-to-panel", "Report sent to the Panel and the Secretary of State"
    PUBLICATION = "publication", "Publication"


STEP_ORDER = list(StepKind.values)


class Outcome(models.TextChoices):
    """What a decision or the Panel's view came to."""

    CSPR = "cspr", "A child safeguarding practice review"
    SCR = "scr", "A serious case review"
    LEARNING = "learning", "A learning review"
    NO_FURTHER_REVIEW = "none", "No further review"
    PANEL_AGREES = "agrees", "The Panel agrees"
    PANEL_DISAGREES = "disagrees", "The Panel does not agree"


#: The outcomes each step may record.
STEP_OUTCOMES: dict[str, tuple[str, ...]] = {
    StepKind.DECISION: (
        Outcome.CSPR,
        Outcome.SCR,
        Outcome.LEARNING,
        Outcome.NO_FURTHER_REVIEW,
    ),
    StepKind.PANEL_VIEW: (Outcome.PANEL_AGREES, Outcome.PANEL_DISAGREES),
}


class Precision(models.TextChoices):
    DAY = "day", "The day"
    MONTH = "month", "The month only"


class ReviewStep(CleanTextModel):
    """One dated step of a review. `due` is the clock's, kept by the service;
    `date` is when it happened, to the day or, where a report gives only the
    month, to the month (kept as its first day)."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    date = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    due = models.DateField(null=True, blank=True, editable=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    detail = models.CharField(
        max_length=300, blank=True, help_text="The reviewer commissioned, or what was decided."
    )
    late_reason = models.TextField("reason it was late", blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="reviewstep_unique_kind")
        ]
        indexes = [models.Index(fields=["due"], name="reviewstep_due")]

    def __str__(self) -> str:
        return f"{self.review.name}: {self.get_kind_display()}"

    @property
    def position(self) -> int:
        return STEP_ORDER.index(self.kind)

    @property
    def date_label(self) -> str:
        if self.date is None:
            return ""
        if self.precision == Precision.MONTH:
            return f"{self.date:%B %Y}"
        return f"{self.date.day} {self.date:%B %Y}"

    def clean(self) -> None:
        """The service's rules; the due date worked out by the clock from the
        review's other steps, whatever the way in."""
        from reviews.services import step_due, step_problems

        if self.review_id is None:
            return
        _refuse(step_problems(step=self))
        self.due = step_due(step=self)

    @property
    def exact(self) -> datetime.date | None:
        """The date, if it is known to the day: the clock counts only those."""
        return self.date if self.precision == Precision.DAY else None

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.review.natural_key(), self.kind)

    natural_key.dependencies = ["reviews.casereview"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, review: str, kind: str) -> ReviewStep:
        return cls.objects.get(review__board__slug=board, review__slug=review, kind=kind)


class Recommendation(CleanTextModel):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    text = models.TextField("recommendation")
    to_partnership = models.BooleanField(
        "addressed to the partnership",
        default=False,
        help_text="The board or partnership as a whole.",
    )
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name="addressed to agencies"
    )
    addressed_as_written = models.CharField(
        max_length=300, blank=True, help_text="Whom the review addresses it to, in its words."
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="+", help_text="Actions in the review's action plan."
    )

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review.name}: recommendation {self.number}"

    def clean(self) -> None:
        """The service's rules but whom it is addressed to, which needs the
        agencies chosen beside it (the service and the admin check that)."""
        from reviews.services import recommendation_problems

        if self.review_id is not None:
            problems = recommendation_problems(recommendation=self, agencies=None)
            problems.pop("agencies", None)
            _refuse(problems)

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.review.natural_key(), str(self.number))

    natural_key.dependencies = ["reviews.casereview"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, review: str, number: str) -> Recommendation:
        return cls.objects.get(review__board__slug=board, review__slug=review, number=int(number))


class StatedCount(CleanTextModel):
    """A count a published report states ("five rapid reviews"), kept beside
    what Assure counts from its own records, the way the budget keeps a
    published total."""

    class Measure(models.TextChoices):
        RAPID_REVIEWS = "rapid-reviews", "Rapid reviews undertaken"
        CSPRS_COMMISSIONED = "csprs-commissioned", "CSPRs commissioned"
        NO_FURTHER_REVIEW = "no-further-review", "Rapid reviews needing no further review"
        CONTRIBUTED = "contributed", "Reviews of other partnerships contributed to"
        PUBLISHED = "published", "SCRs and CSPRs published"
        NOT_PUBLISHED = "not-published", "CSPRs completed but not published"
        UNDERWAY = "underway", "CSPRs underway"
        LEARNING_REVIEWS = "learning-reviews", "Learning reviews undertaken"
        SCRS_COMMISSIONED = "scrs-commissioned", "SCRs commissioned"
        COMPLETED = "completed", "SCRs and learning reviews completed and signed off"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    value = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_STATED)])
    wording = models.CharField(
        max_length=300,
        blank=True,
        help_text='The report\'s words, for example "five rapid reviews".',
    )
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "year__start", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year", "measure"], name="statedcount_unique_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.year}: {self.get_measure_display()} stated as {self.value}"

    def clean(self) -> None:
        from reviews.services import stated_count_problems

        _refuse(stated_count_problems(stated=self))

    def natural_key(self) -> tuple[str, str, str]:
        return (self.board.slug, self.year.label, self.measure)

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "board.board",
        "board.reportingyear",
        "board.sourcedocument",
    ]

    @classmethod
    def get_by_natural_key(cls, board: str, year: str, measure: str) -> StatedCount:
        return cls.objects.get(board__slug=board, year__label=year, measure=measure)


class AppendOnly(Exception):
    """A read record was about to be changed or removed other than by pruning."""


class ReadRecordQuerySet(models.QuerySet["ReadRecord"]):
    """Read records are appended and pruned, never changed: an update or a
    delete through the ordinary manager is refused, so no page, admin action
    or script built on it can rewrite who read what. Pruning after the
    board's retention period (reviews.read_records.read_records_prune) is
    the one way out. Deleting a board, review or account still works: Django
    reaches these rows through the base manager, not this one."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("Read records cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Read records are removed only by pruning after the retention period.")

    def prune(self) -> int:
        """Remove these records: for read_records_prune alone. How many went."""
        return super().delete()[0]


class ReadRecord(CleanTextModel):
    """One person reading one case review, once: who, when, what they read
    and whether it was a page or a download. Kept apart from the change
    history (it records reads, not changes), never edited, and pruned after
    the board's retention period (Board.read_records_kept_months).

    The review and the account are kept as words too, so a record still says
    whom and what it was about after either is removed."""

    class Kind(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"

    class What(models.TextChoices):
        REVIEW_PAGE = "review-page", "The review's page"
        PUBLISHED_PAGE = "published-page", "The published review's page"
        FORM = "form", "A form showing the review's details"
        REGISTER_EXPORT = "register-export", "The register of case reviews, exported"
        RECORD_PAGE = "record-page", "The record of decisions and actions"
        RECORD_EXPORT = "record-export", "The record of decisions and actions, exported"
        REPORT_PREVIEW = "report-preview", "A draft annual report"
        SNAPSHOT = "snapshot", "A published annual report"
        ADMIN = "admin", "The Django admin"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(
        CaseReview, null=True, on_delete=models.SET_NULL, related_name="read_records"
    )
    review_name = models.CharField("review", max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    person = models.CharField(max_length=300, help_text="The person's name when they read it.")
    role = models.CharField(max_length=300, help_text="Their role when they read it.")
    at = models.DateTimeField("when", default=timezone.now)
    kind = models.CharField("how", max_length=10, choices=Kind.choices)
    what = models.CharField(max_length=20, choices=What.choices)
    detail = models.CharField(max_length=200, blank=True, help_text="Which year, version or file.")
    path = models.CharField(max_length=500, blank=True, help_text="The address that was read.")

    objects = ReadRecordQuerySet.as_manager()

    #: Reading a page adds these rows; the property tests' check that a page
    #: read changes nothing leaves them out (tests/test_properties.py).
    records_reads = True

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["review", "-at"], name="readrecord_review_at"),
            models.Index(fields=["board", "at"], name="readrecord_board_at"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display().lower()} {self.review_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Read records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Read records are removed only by pruning after the retention period.")

    @property
    def what_read(self) -> str:
        """What was read, in words: the page or file, then which."""
        label = str(self.get_what_display())
        return f"{label}: {self.detail}" if self.detail else label
