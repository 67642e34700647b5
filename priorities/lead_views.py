"""An action lead's pages: the actions they lead on a board, each with its
plan's context, its ratings and its history. Nothing else of the board
exists for a lead, and these pages exist for nobody else (404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from board.access import get_lead_board_or_404, render_board
from core.history import history_with_changes
from priorities import selectors
from priorities.models import Action
from priorities.rounds.selectors import lead_requests

SECTION = "priorities:lead_home"


@login_required
@require_GET
def lead_home(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_lead_board_or_404(request, board)
    today = timezone.localdate()
    context = {
        "plans": selectors.lead_plans(user=request.user, board=obj, today=today),
        "requests": lead_requests(user=request.user, board=obj),
    }
    return render_board(request, "priorities/lead_home.html", obj, SECTION, context)


@login_required
@require_GET
def lead_action(request: HttpRequest, board: str, plan: str, ref: str) -> HttpResponse:
    obj = get_lead_board_or_404(request, board)
    action = (
        Action.objects.select_related(
            "plan", "plan__board", "priority", "oversight_group", "reporting_to"
        )
        .filter(plan__board=obj, plan__slug=plan, ref=ref)
        .first()
    )
    if action is None or not request.user.has_perm("priorities.lead_action", action):
        raise Http404("No such action.")
    context = {
        "plan": action.plan,
        "action": action,
        "definitions": selectors.rag_definitions(plan=action.plan),
        "assessments": selectors.action_assessments(action=action),
        "history": history_with_changes(action.history.all()),
    }
    return render_board(request, "priorities/lead_action.html", obj, SECTION, context)
