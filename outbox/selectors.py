"""Reads of the outbox, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from board.models import Board
from outbox.models import Attempt, Message


def messages_for_board(*, board: Board) -> QuerySet[Message]:
    """The board's messages, newest first, with who they went to and who
    caused them; one query a page."""
    return (
        Message.objects.filter(board=board)
        .select_related("to_user", "queued_by")
        .order_by("-queued_at", "-id")
    )


def attempts_of(*, message: Message) -> QuerySet[Attempt]:
    return Attempt.objects.filter(message=message).order_by("number")


def queued_count(*, board: Board) -> int:
    """Messages of the board still waiting to send (a failed attempt among
    them means the mail server could not take them)."""
    return Message.objects.filter(
        board=board, status__in=[Message.Status.QUEUED, Message.Status.SENDING]
    ).count()
