"""Invitations: how a person gets an account. A single-use link, emailed,
that works for a few days, with which the person chooses their password and
sets up their authenticator app; until then the account cannot be used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from board.models import Board
from core.models import CleanTextModel


class Invitation(CleanTextModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the person"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=40)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    sends = models.PositiveIntegerField(
        default=1, help_text="How many links were sent; each new one stops the last working."
    )
    sent_at = models.DateTimeField(help_text="When the current link was made.")
    expires_at = models.DateTimeField()
    #: SHA-256 of the current link's token (people.tokens); empty once the
    #: invitation is accepted or cancelled, so no link finds it again.
    token_hash = models.CharField(max_length=64, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_person",
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="invitation_unique_token",
            ),
        ]
        indexes = [models.Index(fields=["board", "-created_at"], name="invitation_board")]

    def __str__(self) -> str:
        return f"Invitation of {self.user} to {self.board} as {self.role}"

    @property
    def expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """The status in words, with expiry: what the pages show."""
        if self.expired:
            return "Expired"
        return self.get_status_display()
