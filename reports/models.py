"""The annual report: a board's report for a reporting year, its ordered
sections, the snapshots publishing freezes, and the background builds that
make them.

A report is a draft until it is approved (by the chair or the business
manager, as the report's approver says) and then published. Publishing
freezes a snapshot: the HTML, the PDF and the data behind them, stored as
files with their SHA-256 checksums. A correction is a new snapshot version
that says what changed; an earlier snapshot's files are never written again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from board.models import Board, ReportingYear
from core.models import CleanTextModel


class SectionKind(models.TextChoices):
    """Every kind of section, narrative and generated, in the order a new
    report lists them."""

    # Narrative: the business manager writes these.
    INTRODUCTION = "introduction", "Introduction by the independent chair or scrutineer"
    CONTEXT = "context", "Local context"
    # Generated: the scorecard's headline figures for the year.
    KEY_FACTS = "key-facts", "Key facts"
    EFFECTIVENESS = "effectiveness", "What the partners did and how effective it was"
    # Generated from the year's data.
    PRIORITIES = "priorities", "Priorities and progress"
    LITTLE_PROGRESS = "little-progress", "Priorities with little or no evidence of progress"
    REVIEWS = "reviews", "Case reviews and the record of actions on recommendations"
    # The child death overview panel's figures the year's report states.
    CHILD_DEATHS = "child-deaths", "Child deaths"
    AUDITS = "audits", "Audits and their findings"
    SECTION_11 = "section-11", "Section 11 self-assessments"
    INSPECTIONS = "inspections", "Inspections"
    TRAINING = "training", "Multi-agency training"
    TRAINING_IMPACT = "training-impact", "The impact of training"
    # Narrative again.
    VOICE = "voice", "The voice of children and families"
    SCRUTINY = "scrutiny", "Independent scrutiny"
    NEXT_YEAR = "next-year", "Plans for next year"
    # Generated appendices.
    MEMBERS = "members", "Board membership"
    ATTENDANCE = "attendance", "Board attendance"
    BUDGET = "budget", "Budget"
    GLOSSARY = "glossary", "Glossary of abbreviations"


#: Kinds the business manager writes; every other kind is built from data.
NARRATIVE_KINDS = frozenset(
    {
        SectionKind.INTRODUCTION,
        SectionKind.CONTEXT,
        SectionKind.EFFECTIVENESS,
        SectionKind.VOICE,
        SectionKind.SCRUTINY,
        SectionKind.NEXT_YEAR,
    }
)


class AnnualReport(CleanTextModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    class Approver(models.TextChoices):
        CHAIR = "chair", "The independent chair"
        BUSINESS_MANAGER = "business-manager", "The business manager"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    approver = models.CharField(
        "who approves",
        max_length=20,
        choices=Approver.choices,
        default=Approver.CHAIR,
        help_text="The board decides who approves its annual report.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(
        blank=True, help_text="Why the report was approved with checklist items missing."
    )
    missing_at_approval = models.JSONField(
        default=list, blank=True, help_text="The checklist items missing when it was approved."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    sent_to_panel = models.DateField(
        "sent to the national Panel", null=True, blank=True, help_text="Due within 7 days."
    )
    sent_to_what_works = models.DateField(
        "sent to the What Works centre", null=True, blank=True, help_text="Due within 7 days."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-year__start"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="annualreport_unique_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:annual_report", kwargs={"board": self.board.slug, "year": self.year.label}
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Section(CleanTextModel):
    """One section of a report, in its place. A narrative section holds the
    business manager's Markdown, cleaned when saved and again when shown; a
    generated one holds only its place and whether it is included."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField()
    included = models.BooleanField(default=True)
    body = models.TextField(blank=True, help_text="Markdown, for narrative sections.")

    history = HistoricalRecords()
    markdown_fields = ("body",)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="section_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_narrative(self) -> bool:
        return self.kind in NARRATIVE_KINDS

    @property
    def anchor(self) -> str:
        return f"section-{self.kind}"


class Snapshot(CleanTextModel):
    """What publishing froze: files under MEDIA_ROOT and their checksums.
    Version 1 is the report as published; each later version is a
    correction and says what changed."""

    FORMATS = ("html", "pdf", "csv", "json")

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField()
    changes = models.TextField(blank=True, help_text="What this correction changed.")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    html_path = models.CharField(max_length=300)
    html_sha256 = models.CharField(max_length=64)
    pdf_path = models.CharField(max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    csv_path = models.CharField(max_length=300)
    csv_sha256 = models.CharField(max_length=64)
    json_path = models.CharField(max_length=300)
    json_sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    review_ids = models.JSONField(
        "case reviews it holds",
        null=True,
        editable=False,
        help_text="The keys of the case reviews in its record of decisions and actions, frozen "
        "with it, so each read of it is recorded against them. Empty for a snapshot published "
        "before Assure kept this.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="snapshot_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} version {self.version}"

    def path(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_path"))

    def sha256(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_sha256"))

    def file_url(self, fmt: str) -> str:
        return reverse(
            "reports:snapshot_file",
            kwargs={
                "board": self.report.board.slug,
                "year": self.report.year.label,
                "version": self.version,
                "fmt": fmt,
            },
        )

    @property
    def file_url_html(self) -> str:
        return self.file_url("html")

    @property
    def file_url_pdf(self) -> str:
        return self.file_url("pdf")

    @property
    def file_url_csv(self) -> str:
        return self.file_url("csv")

    @property
    def file_url_json(self) -> str:
        return self.file_url("json")


class ReportBuild(CleanTextModel):
    """One background build of a report's snapshot: queued, running (with the
    step it is on), then succeeded with its snapshot or failed with the
    reason. A failed build leaves the report as it was."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    class Purpose(models.TextChoices):
        PUBLISH = "publish", "Publication"
        CORRECTION = "correction", "Correction"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="builds")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    changes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    error = models.TextField(blank=True)
    snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} of {self.report}: {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ScorecardDocument(CleanTextModel):
    """The board's scorecard as a printable web page and a tagged PDF, built
    in the background (reports.scorecard_tasks) for a chair or business
    manager who asked: queued, running (with the step it is on), then
    finished with both files stored under MEDIA_ROOT and their SHA-256
    checksums, or failed with the reason and no file left behind."""

    FORMATS = ("pdf", "html")

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="scorecard_documents")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    error = models.TextField(blank=True)
    pdf_path = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    html_path = models.CharField(max_length=300, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    indicators = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Scorecard of {self.board} asked for {self.created:%-d %B %Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:scorecard_document", kwargs={"board": self.board.slug, "document": self.pk}
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def path(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_path"))

    def sha256(self, fmt: str) -> str:
        return str(getattr(self, f"{fmt}_sha256"))

    def file_url(self, fmt: str) -> str:
        return reverse(
            "reports:scorecard_document_file",
            kwargs={"board": self.board.slug, "document": self.pk, "fmt": fmt},
        )

    @property
    def file_url_pdf(self) -> str:
        return self.file_url("pdf")

    @property
    def file_url_html(self) -> str:
        return self.file_url("html")


# Figures a past report states that Assure's records do not hold; a module
# of its own, loaded with the app's models.
from reports.figures import StatedFigure  # noqa: E402, F401
