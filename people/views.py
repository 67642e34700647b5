"""A board's people: invitations, sent and managed by the business manager
(action leads and partners) or an Admin (anyone)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from core.history import history_with_changes
from core.tables import configure_table
from people import rules, selectors, services
from people.forms import InvitationForm
from people.models import Invitation
from people.tables import InvitationTable

INVITE = "board.invite_people"
SECTION = "people:people"


def _invitation(board: object, pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("user", "board", "invited_by", "cancelled_by"),
        board=board,
        pk=pk,
    )


@login_required
@require_GET
def people(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, INVITE)
    table = InvitationTable(selectors.invitations_for_board(board=obj), board_slug=obj.slug)
    configure_table(request, table, exportable=False)
    context = {"table": table, "invitation_days": settings.ASSURE_INVITATION_DAYS}
    return render_board(request, "people/people.html", obj, SECTION, context)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, INVITE)
    choices = rules.roles_invitable(actor=request.user, board=obj)
    form = InvitationForm(request.POST if request.method == "POST" else None, roles=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                actor=request.user,
                board=obj,
                role=data["role"],
                email=data["email"],
                full_name=data["full_name"],
                username=data["username"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.user.email}. The link works for "
                f"{settings.ASSURE_INVITATION_DAYS} days.",
            )
            return redirect("people:invitation", board=obj.slug, invitation=invitation.pk)
    return render_board(
        request,
        "people/invite.html",
        obj,
        SECTION,
        {"form": form},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def invitation(request: HttpRequest, board: str, invitation: int) -> HttpResponse:
    obj = get_board_or_404(request, board, INVITE)
    found = _invitation(obj, invitation)
    context = {
        "invitation": found,
        "may_manage": rules.may_manage_invitation(actor=request.user, invitation=found),
        "history": history_with_changes(found.history.all()),
        "sent": selectors.messages_of(invitation=found).select_related("board")[:20],
    }
    return render_board(request, "people/invitation.html", obj, SECTION, context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, board: str, invitation: int) -> HttpResponse:
    obj = get_board_or_404(request, board, INVITE)
    found = _invitation(obj, invitation)
    try:
        services.invitation_resend(invitation=found, actor=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"A new link was sent to {found.user.email}; the last one no longer works."
        )
    return redirect("people:invitation", board=obj.slug, invitation=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_cancel(request: HttpRequest, board: str, invitation: int) -> HttpResponse:
    obj = get_board_or_404(request, board, INVITE)
    found = _invitation(obj, invitation)
    if not rules.may_manage_invitation(actor=request.user, invitation=found):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.invitation_cancel(invitation=found, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Invitation cancelled: its link no longer works.")
        return redirect("people:invitation", board=obj.slug, invitation=found.pk)
    return render_board(
        request, "people/invitation_cancel.html", obj, SECTION, {"invitation": found}
    )
