"""The annual report: a board's report for a reporting year, its ordered
sections, the snapshots publishing freezes, and the background builds that
make them.

A report is a draft until it is approved (by the chair or the business
manager, as the report's approver says) and then published. Publishing
freezes a snapshot: the HTML, the PDF and the data behind them, stored as
files with their SHA-256 checksums, and the sections as they were. A
correction reopens the report as a draft of its next version, which is
approved again and published as a new snapshot saying what changed; an
earlier snapshot's files and sections are never written again.

Published means frozen here too, below the services (docs/adr/0011): a
published report's sections refuse to be saved, updated or deleted, its
title and who approves refuse to change, and a snapshot refuses any change
at all, whichever code path asks. The services are where the rules are
explained; these guards are what stops a path that forgot to ask them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
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


class Frozen(ValidationError):
    """A write to what a publication froze. A ValidationError, so every
    page and the admin show it as a refusal on the form, never as a server
    error."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "This report is published, and a published version never changes. "
            "To change it, start a correction: a new version the report's approver "
            "approves again."
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
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first version was published."
    )
    correction_changes = models.TextField(
        blank=True, help_text="What the correction being drafted changes, in the manager's words."
    )
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

    #: What a save may never change once the report is published.
    SETTLED = ("board_id", "year_id", "title", "approver", "published_at")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change the title, who approves, the board, the year or
        the date of first publication of a published report, and who approves
        once any version is published (so a correction is approved as the
        first version was). The text is compared as it would be stored."""
        self.normalise_text()
        if self.pk is not None and not self._state.adding:
            with transaction.atomic():
                stored = (
                    AnnualReport.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values("status", *self.SETTLED)
                    .first()
                )
                if stored is not None:
                    self._refuse_unsettling(stored)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:annual_report", kwargs={"board": self.board.slug, "year": self.year.label}
        )

    @property
    def is_published(self) -> bool:
        """Whether a version of the report is published: partners read it
        from then on, whatever is being drafted for the next version."""
        return self.published_at is not None

    @property
    def is_frozen(self) -> bool:
        """Whether the report as it stands is the published version, which no
        path may change (a correction must be started first)."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_correction(self) -> bool:
        """Whether the report is being corrected: a version is published and
        the next one is a draft or approved."""
        return self.is_published and not self.is_frozen

    @property
    def state_label(self) -> str:
        if self.is_correction:
            return f"Correction {self.get_status_display().lower()}"
        return self.get_status_display()

    def _refuse_unsettling(self, stored: dict[str, Any]) -> None:
        if stored["status"] == self.Status.PUBLISHED:
            changed = [f for f in self.SETTLED if getattr(self, f) != stored[f]]
            if changed:
                raise Frozen()
        if stored["published_at"] is not None and self.approver != stored["approver"]:
            raise Frozen("Who approves cannot change once a version is published.")


#: The statuses in which a report's sections may change.
EDITABLE = (AnnualReport.Status.DRAFT, AnnualReport.Status.APPROVED)


class SectionQuerySet(models.QuerySet["Section"]):
    """Bulk updates and deletes refuse sections of a published report, as
    Section.save does."""

    def _refuse_frozen(self) -> None:
        if self.filter(report__status=AnnualReport.Status.PUBLISHED).exists():
            raise Frozen()

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic():
            self._refuse_frozen()
            return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            self._refuse_frozen()
            return super().delete()


class Section(CleanTextModel):
    """One section of a report, in its place. A narrative section holds the
    business manager's Markdown, cleaned when saved and again when shown; a
    generated one holds only its place and whether it is included."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField()
    included = models.BooleanField(default=True)
    left_out_reason = models.TextField(
        "why it is left out", blank=True, help_text="Given when the section is left out."
    )
    body = models.TextField(blank=True, help_text="Markdown, for narrative sections.")

    objects = SectionQuerySet.as_manager()
    history = HistoricalRecords()
    markdown_fields = ("body",)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="section_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change a section of a published report, reading the
        report's status under a lock so a publication cannot slip in
        between the check and the write."""
        if self.pk is not None and not self._state.adding:
            with transaction.atomic():
                editable = (
                    AnnualReport.objects.select_for_update()
                    .filter(pk=self.report_id, status__in=EDITABLE)
                    .exists()
                )
                if not editable:
                    raise Frozen()
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if AnnualReport.objects.filter(
            pk=self.report_id, status=AnnualReport.Status.PUBLISHED
        ).exists():
            raise Frozen()
        return super().delete(*args, **kwargs)

    @property
    def is_narrative(self) -> bool:
        return self.kind in NARRATIVE_KINDS

    @property
    def anchor(self) -> str:
        return f"section-{self.kind}"

    @property
    def is_unwritten(self) -> bool:
        """A narrative section in the report with nothing written: it stops
        approval and publication until it is written or left out."""
        return self.is_narrative and self.included and not self.body.strip()


class SnapshotQuerySet(models.QuerySet["Snapshot"]):
    """A published version is never updated or deleted in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise Frozen("A published version never changes.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Frozen("A published version is never deleted.")


class Snapshot(CleanTextModel):
    """What publishing froze: files in the media storage and their
    checksums, the sections as they were, and who approved them. Version 1
    is the report as first published; each later version is a correction
    and says what changed, in the manager's words and as the list of
    sections that differ from the version before."""

    FORMATS = ("html", "pdf", "csv", "json")
    LABELS = {
        "pdf": "PDF",
        "html": "Web page (HTML)",
        "csv": "Data (CSV)",
        "json": "Data (JSON)",
    }

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True)
    changes = models.TextField(blank=True, help_text="What this correction changed.")
    changed_sections = models.JSONField(
        default=list,
        blank=True,
        help_text="The sections that differ from the version before: kind, title and how.",
    )
    sections = models.JSONField(
        default=list,
        blank=True,
        help_text="Every section as published: kind, title, place, whether included "
        "(and why not), the Markdown, and a fingerprint of what was built.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(blank=True)
    missing_at_approval = models.JSONField(default=list, blank=True)
    created = models.DateTimeField("published", auto_now_add=True)
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

    objects = SnapshotQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="snapshot_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Made once, by the build that stored its files; never changed."""
        if not self._state.adding:
            raise Frozen("A published version never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Frozen("A published version is never deleted.")

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
    """The board's scorecard as a printable web page and a tagged PDF, with
    its figures as CSV and JSON, built in the background
    (reports.scorecard_tasks) for a chair or business manager who asked:
    queued, running (with the step it is on), then finished with every file
    stored and its SHA-256 checksum, or failed with the reason and no file
    left behind. Documents made before the CSV and JSON were have only the
    PDF and the web page (`formats`)."""

    FORMATS = ("pdf", "html", "csv", "json")
    LABELS = {
        "pdf": "PDF",
        "html": "Web page (HTML)",
        "csv": "Figures (CSV)",
        "json": "Figures (JSON)",
    }

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
    csv_path = models.CharField(max_length=300, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    json_path = models.CharField(max_length=300, blank=True)
    json_sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    indicators = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the business manager published it to partners."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

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

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def formats(self) -> list[str]:
        """The formats this document has files of."""
        return [fmt for fmt in self.FORMATS if self.path(fmt)]

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


class PublicPage(models.Model):
    """Whether the board's published annual reports and scorecards have a
    page anyone may read without signing in (/public/<board>/). Off until
    the business manager turns it on; every change is kept in history."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="public_page")
    enabled = models.BooleanField("public page on", default=False)
    changed = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Public page of {self.board}: {'on' if self.enabled else 'off'}"

    def get_absolute_url(self) -> str:
        return reverse("public:board", kwargs={"board": self.board.slug})


# Figures a past report states that Assure's records do not hold; a module
# of its own, loaded with the app's models.
from reports.figures import StatedFigure  # noqa: E402, F401
