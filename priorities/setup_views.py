"""Setting up action plans in pages: a new plan with its kind and period,
its details, and its priorities (added, changed, put in order). Every
write goes through priorities.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from core.history import history_with_changes
from priorities import services
from priorities.forms import NewPlanForm, PlanDetailsForm, PriorityForm
from priorities.models import Action, ActionPlan, Priority

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "priorities:plans"


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _status(form: Any) -> int:
    return 400 if form.is_bound else 200


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    form = NewPlanForm(_posted(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                board=obj,
                slug=services.free_plan_slug(board=obj, base=data["title"]),
                title=data["title"],
                kind=data["kind"],
                period=data["period"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{plan.title} added. Now add its priorities and actions.")
            return redirect(plan)
    return render_board(
        request,
        "priorities/plan_form.html",
        obj,
        SECTION,
        {"form": form, "plan": None},
        _status(form),
    )


def _plan(board: Any, slug: str) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.select_related("board"), board=board, slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    form = PlanDetailsForm(
        _posted(request),
        initial={"title": plan_obj.title, "kind": plan_obj.kind, "summary": plan_obj.summary},
    )
    if form.is_valid():
        try:
            saved = services.plan_update(plan=plan_obj, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.title} saved.")
            return redirect(saved)
    return render_board(
        request,
        "priorities/plan_form.html",
        obj,
        SECTION,
        {"form": form, "plan": plan_obj},
        _status(form),
    )


def _priority(plan: ActionPlan, number: int) -> Priority:
    return get_object_or_404(
        Priority.objects.select_related("plan__board"), plan=plan, number=number
    )


@login_required
@require_GET
def priority(request: HttpRequest, board: str, plan: str, number: int) -> HttpResponse:
    """A priority: its aims, the actions under it and the indicators that
    serve it, with its history. Four queries beyond the board's."""
    obj = get_board_or_404(request, board, READ)
    plan_obj = _plan(obj, plan)
    priority_obj = _priority(plan_obj, number)
    actions = list(
        Action.objects.filter(priority=priority_obj)
        .select_related("plan__board")
        .order_by("position", "ref")
    )
    # The scorecard's indicators point at priorities; read them by that relation.
    indicators = list(
        priority_obj.indicators.select_related("board").order_by("position", "name")  # type: ignore[attr-defined]
    )
    context = {
        "plan": plan_obj,
        "priority": priority_obj,
        "actions": actions,
        "indicators": indicators,
        "history": history_with_changes(priority_obj.history.all()),
    }
    return render_board(request, "priorities/priority.html", obj, SECTION, context)


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(
    request: HttpRequest, board: str, plan: str, number: int | None = None
) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    instance = (
        _priority(plan_obj, number)
        if number is not None
        else Priority(plan=plan_obj, number=services.next_priority_number(plan=plan_obj))
    )
    form = PriorityForm(_posted(request), instance=instance)
    if form.is_valid():
        try:
            saved = services.priority_save(priority=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Priority {saved.number} of {plan_obj.title} saved.")
            return redirect(
                "priorities:priority", board=obj.slug, plan=plan_obj.slug, number=saved.number
            )
    context = {"form": form, "plan": plan_obj, "priority": instance if number else None}
    return render_board(
        request, "priorities/priority_form.html", obj, SECTION, context, _status(form)
    )


@login_required
@require_POST
def priority_move(request: HttpRequest, board: str, plan: str, number: int) -> HttpResponse:
    """Move a priority up or down the plan (a button on the plan's page)."""
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    moved = services.priority_move(
        priority=_priority(plan_obj, number), up=request.POST.get("direction") != "down"
    )
    messages.success(request, f"{moved.title} is now priority {moved.number}.")
    return redirect(plan_obj)
