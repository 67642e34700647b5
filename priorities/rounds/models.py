"""A round, its requests (one per lead), their proposals (one per action)
and the proposals' evidence files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from board.models import Board, Meeting
from core.models import CleanTextModel
from outbox.models import Message
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Rating


class UpdateRound(CleanTextModel):
    """The business manager's request for updates before a meeting."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="update_rounds")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="update_rounds")
    plans = models.ManyToManyField(ActionPlan, related_name="update_rounds")
    deadline = models.DateField()
    remind_days_before = models.PositiveSmallIntegerField(
        default=3,
        help_text="Days before the deadline the first reminder goes (0: only on the day).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[plans])

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["board", "status"], name="round_board_status")]

    def __str__(self) -> str:
        return f"Update round for {self.meeting}"


class UpdateRequest(CleanTextModel):
    """What one lead is asked for in a round, and the messages sent to them."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="requests")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="update_requests"
    )
    actions = models.ManyToManyField(Action, related_name="update_requests")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_before = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_on_day = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "lead__first_name", "lead__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "lead"], name="request_unique_lead")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.lead}"


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """Stored names are made by the service (priorities.rounds.evidence);
    this only keeps Django's FileField from asking for one."""
    return filename


class Proposal(CleanTextModel):
    """A lead's proposed rating of one action in a round. Saved as a draft,
    submitted, returned with a comment (and submitted again), or accepted,
    when it becomes an assessment by the lead accepted by the manager."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for review"
        RETURNED = "returned", "Returned"
        ACCEPTED = "accepted", "Accepted"

    request = models.ForeignKey(UpdateRequest, on_delete=models.CASCADE, related_name="proposals")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    process = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    impact = models.CharField(max_length=5, choices=Rating.choices, blank=True)
    commentary = models.TextField(blank=True)
    evidence_types = models.ManyToManyField(EvidenceType, blank=True, related_name="+")
    evidence = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False, help_text="Submitted after the round's deadline.")
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    assessment = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(m2m_fields=[evidence_types])

    class Meta:
        ordering = ["request", "action__plan__title", "action__position", "action__ref"]
        constraints = [
            models.UniqueConstraint(fields=["request", "action"], name="proposal_unique_action")
        ]
        indexes = [models.Index(fields=["status"], name="proposal_status")]

    def __str__(self) -> str:
        return f"Proposal for {self.action.ref} ({self.get_status_display()})"


class EvidenceFile(CleanTextModel):
    """A file a lead sent with a proposal: checked by its content, stored
    through Django's storage API under a name nobody can guess."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=200, help_text="The file's name as the lead sent it.")
    kind = models.CharField(max_length=10, help_text="What its content is: pdf, docx, xlsx ...")
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
