"""Every email Assure sends, and each attempt to send it.

A message is written here before anything is sent, in the same transaction
as whatever it tells of (an invitation, a round), so it can never be lost:
the background worker sends it, and a server that cannot be reached leaves
it queued for another attempt, recorded with its outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from board.models import Board

#: Where a message's secret link goes. The link is made when the message is
#: sent and never stored (outbox.links), so the record cannot be used to open it.
LINK_MARK = "[[assure-link]]"


class Message(models.Model):
    class Reason(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        ROUND = "round", "Update round"
        REMINDER = "reminder", "Reminder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="messages")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    about = models.CharField(
        max_length=300, help_text="What the message is for, in words, for the list of messages."
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_received",
    )
    to_address = models.EmailField(max_length=254)
    from_address = models.CharField(max_length=400)
    reply_to = models.EmailField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text=f"The text sent; {LINK_MARK} stands for a secret link.")
    link_kind = models.CharField(max_length=40, blank=True)
    link_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_queued",
    )
    queued_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    give_up_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["board", "-queued_at", "-id"], name="message_board_queued"),
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address}"


class Attempt(models.Model):
    """One try at handing a message to the mail server, and what came of it."""

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        RETRY = "retry", "Failed; will try again"
        GAVE_UP = "gave-up", "Failed; stopped trying"
        REFUSED = "refused", "Refused by the mail server"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} at {self.message}: {self.outcome}"
