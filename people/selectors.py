"""Reads of invitations, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from board.models import Board
from outbox.models import Message
from people.models import Invitation


def invitations_for_board(*, board: Board) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(board=board)
        .select_related("user", "invited_by")
        .order_by("-created_at", "-id")
    )


def messages_of(*, invitation: Invitation) -> QuerySet[Message]:
    return Message.objects.filter(link_kind="invitation", link_object_id=invitation.pk).order_by(
        "-queued_at", "-id"
    )
