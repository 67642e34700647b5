"""A board's messages: what Assure sent, to whom and why, and what became of
each attempt. For the business manager and the Admin."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from board.access import get_board_or_404, render_board
from core.tables import configure_table
from outbox import selectors, services
from outbox.models import LINK_MARK, Message
from outbox.tables import MessageTable, status_words

SEE = "board.invite_people"
SECTION = "people:people"


@login_required
@require_GET
def message_list(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, SEE)
    table = MessageTable(selectors.messages_for_board(board=obj), board_slug=obj.slug)
    configure_table(request, table, exportable=False)
    context = {"table": table, "waiting": selectors.queued_count(board=obj)}
    return render_board(request, "outbox/messages.html", obj, SECTION, context)


@login_required
@require_GET
def message(request: HttpRequest, board: str, message: int) -> HttpResponse:
    obj = get_board_or_404(request, board, SEE)
    found = get_object_or_404(
        Message.objects.select_related("to_user", "queued_by"), board=obj, pk=message
    )
    context = {
        "message": found,
        "status_words": status_words(found),
        "body": found.body.replace(LINK_MARK, "[a link made when the message is sent]"),
        "attempts": selectors.attempts_of(message=found),
        "can_retry": found.status in (Message.Status.QUEUED, Message.Status.FAILED),
    }
    return render_board(request, "outbox/message.html", obj, SECTION, context)


@login_required
@require_POST
def message_retry(request: HttpRequest, board: str, message: int) -> HttpResponse:
    obj = get_board_or_404(request, board, SEE)
    found = get_object_or_404(Message, board=obj, pk=message)
    try:
        services.message_retry(message=found, by=request.user)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, f"Assure will try to send the message to {found.to_address} now.")
    return redirect("outbox:message", board=obj.slug, message=found.pk)
