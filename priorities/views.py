"""Action plan pages. Every view starts with get_board_or_404, and looks the
plan and action up inside that board."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from core.history import history_with_changes
from core.page_cache import cached_page
from core.spreadsheets import describe_size, spreadsheet_response
from core.tables import configure_table
from priorities import selectors, services, spreadsheets
from priorities.filters import ActionFilter
from priorities.forms import (
    ActionForm,
    AssessmentForm,
    ImportForm,
    NewActionForm,
    PlanCloseForm,
    PlanExtendForm,
    PlanPeriodForm,
    PlanReopenForm,
)
from priorities.models import Action, ActionPlan
from priorities.periods import long_date
from priorities.tables import ActionTable

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION_PLANS = "priorities:plans"
SECTION_ACTIONS = "priorities:actions"


def _plan(board: Board, slug: str, today: datetime.date | None = None) -> ActionPlan:
    """The board's plan at `slug`; with `today`, read with what its state on
    that day needs (ActionPlan.state_on asks nothing more)."""
    plans = ActionPlan.objects.select_related("board", "source")
    if today is not None:
        plans = plans.with_state(today)
    return get_object_or_404(plans, board=board, slug=slug)


def _action(plan: ActionPlan, ref: str) -> Action:
    return get_object_or_404(
        Action.objects.select_related(
            "plan", "plan__board", "priority", "oversight_group", "reporting_to", "lead_account"
        ),
        plan=plan,
        ref=ref,
    )


@login_required
@require_GET
def plans(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    return render_board(
        request,
        "priorities/plans.html",
        obj,
        SECTION_PLANS,
        {"plans": selectors.plans_for_board(board=obj, today=today), "today": today},
    )


@login_required
@require_GET
def plan(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    plan_obj = _plan(obj, plan, today)
    state = plan_obj.state_on(today)
    blocks = selectors.plan_detail(plan=plan_obj, plan_closed=state.closed)
    context = {
        "plan": plan_obj,
        "state": state,
        "superseded_by": selectors.superseded_by(plan=plan_obj),
        "blocks": blocks,
        "last_priority_number": max(
            (b.priority.number for b in blocks if b.priority is not None), default=None
        ),
        "definitions": selectors.rag_definitions(plan=plan_obj),
        "themes": list(plan_obj.themes.order_by("kind", "position")),
        "history": history_with_changes(plan_obj.history.all()),
        "today": today,
    }
    return render_board(request, "priorities/plan.html", obj, SECTION_PLANS, context)


def _plan_change(
    request: HttpRequest,
    board: str,
    plan: str,
    form_class: type[forms.Form],
    save: Callable[[ActionPlan, dict[str, Any], datetime.date], str],
    template: str,
    initial: Callable[[ActionPlan, datetime.date], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A page that changes a plan's period or standing through one service:
    the form on GET, the service on POST. The service's refusal is shown on
    the form with nothing saved; its success goes back to the plan's page
    with what `save` says was done."""
    obj = get_board_or_404(request, board, EDIT)
    today = timezone.localdate()
    plan_obj = _plan(obj, plan, today)
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None,
        initial=initial(plan_obj, today) if initial and not posted else None,
    )
    state = plan_obj.state_on(today)
    _require_where_needed(form, plan_obj, today)
    if form.is_valid():
        try:
            done = save(plan_obj, form.cleaned_data, today)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(plan_obj)
    return render_board(
        request,
        template,
        obj,
        SECTION_PLANS,
        {"form": form, "plan": plan_obj, "state": state, "today": today},
        400 if posted else 200,
    )


def _require_where_needed(form: forms.Form, plan: ActionPlan, today: datetime.date) -> None:
    """On the reopening form, a new end is asked for (not "optional") when
    the service would refuse to reopen without one, with its words."""
    if not isinstance(form, PlanReopenForm):
        return
    needed = services.plan_reopen_problems(plan=plan, new_end=None, today=today).get("new_end")
    if needed:
        field = form.fields["new_end"]
        field.required = True
        field.error_messages["required"] = needed[0]


def _closed(plan: ActionPlan, data: dict[str, Any], today: datetime.date) -> str:
    services.plan_close(plan=plan, closed_on=data["closed_on"], reason=data["reason"], today=today)
    return f"{plan.title} closed."


def _reopened(plan: ActionPlan, data: dict[str, Any], today: datetime.date) -> str:
    saved = services.plan_reopen(plan=plan, new_end=data["new_end"], today=today)
    return f"{plan.title} reopened. {saved.state_on(today).words}."


def _extended(plan: ActionPlan, data: dict[str, Any], today: datetime.date) -> str:
    saved = services.plan_extend(plan=plan, new_end=data["new_end"], today=today)
    state = saved.state_on(today)
    return f"{plan.title} extended to {long_date(data['new_end'])}. {state.words}."


def _period_set(plan: ActionPlan, data: dict[str, Any], today: datetime.date) -> str:
    saved = services.plan_period_set(
        plan=plan, period=data["period"], starts_on=data["starts_on"], ends_on=data["ends_on"]
    )
    return f"Period of {plan.title} saved. {saved.state_on(today).words}."


@login_required
@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    return _plan_change(
        request,
        board,
        plan,
        PlanCloseForm,
        _closed,
        "priorities/plan_close.html",
        initial=lambda plan, today: {"closed_on": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_reopen(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    return _plan_change(
        request, board, plan, PlanReopenForm, _reopened, "priorities/plan_reopen.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_extend(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    return _plan_change(
        request, board, plan, PlanExtendForm, _extended, "priorities/plan_extend.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_period(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    return _plan_change(
        request,
        board,
        plan,
        PlanPeriodForm,
        _period_set,
        "priorities/plan_period.html",
        initial=lambda plan, today: {
            "period": plan.period,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
        },
    )


@login_required
@require_GET
def plan_export(request: HttpRequest, board: str, plan: str, fmt: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    plan_obj = _plan(obj, plan)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Plans download as CSV or XLSX.")
    return spreadsheet_response(
        [spreadsheets.COLUMNS, *spreadsheets.plan_rows(plan_obj)],
        fmt=fmt,
        filename=f"{obj.slug}-{plan_obj.slug}",
        sheet_title="Actions",
    )


@login_required
@require_GET
@cached_page
def actions(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    plans = selectors.plans_on(board=obj, today=today)
    closed = [p.pk for p in plans if p.state.closed]  # type: ignore[attr-defined]
    action_filter = ActionFilter(
        request.GET,
        queryset=selectors.actions_for_board(board=obj, today=today, closed_plans=closed),
        board=obj,
        today=today,
        plans=plans,
    )
    can_edit = request.user.has_perm(EDIT, obj)
    table = ActionTable(action_filter.qs, can_edit=can_edit)
    refused = bool(action_filter.errors)  # the page says why; nothing is listed or exported
    export = None if refused else configure_table(request, table, filename=f"{obj.slug}-actions")
    if export:
        return export
    return render_board(
        request,
        "priorities/actions.html",
        obj,
        SECTION_ACTIONS,
        {"filter": action_filter, "table": table},
        400 if refused else 200,
    )


@login_required
@require_GET
def action(request: HttpRequest, board: str, plan: str, ref: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    action_obj = _action(_plan(obj, plan), ref)
    context = {
        "plan": action_obj.plan,
        "action": action_obj,
        "assessments": selectors.action_assessments(action=action_obj),
        "history": history_with_changes(action_obj.history.all()),
    }
    return render_board(request, "priorities/action.html", obj, SECTION_PLANS, context)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, board: str, plan: str, ref: str) -> HttpResponse:
    """Edit an action. If someone else saved it since this form was opened,
    nothing is overwritten: their changes are shown beside this person's
    edit, which stays in the form to check and save again."""
    obj = get_board_or_404(request, board, EDIT)
    action_obj = _action(_plan(obj, plan), ref)
    form = ActionForm(request.POST if request.method == "POST" else None, instance=action_obj)
    conflict = None
    if form.is_valid():
        try:
            saved = services.action_update(
                action_id=action_obj.pk,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except services.EditConflict as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = str(exc.current.version)
            form = ActionForm(data, instance=exc.current)
            form.is_valid()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Action {saved.ref} saved.")
            return redirect(saved)
    status = 409 if conflict else (400 if form.is_bound else 200)
    return render_board(
        request,
        "priorities/action_form.html",
        obj,
        SECTION_PLANS,
        {"form": form, "action": action_obj, "plan": action_obj.plan, "conflict": conflict},
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    form = NewActionForm(
        request.POST if request.method == "POST" else None, instance=Action(plan=plan_obj)
    )
    if form.is_valid():
        fields = form.changes()
        try:
            action_obj = services.action_create(plan=plan_obj, ref=fields.pop("ref"), **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Action {action_obj.ref} added to {plan_obj.title}.")
            return redirect(action_obj)
    status = 400 if form.is_bound else 200
    return render_board(
        request,
        "priorities/action_form.html",
        obj,
        SECTION_PLANS,
        {"form": form, "plan": plan_obj, "action": None},
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, board: str, plan: str, ref: str) -> HttpResponse:
    """Record an assessment: a full page, or in place on the actions list
    when htmx asks (the same form and rules either way)."""
    obj = get_board_or_404(request, board, EDIT)
    action_obj = _action(_plan(obj, plan), ref)
    in_place = request.headers.get("HX-Request") == "true"
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        evidence_types=selectors.evidence_types(),
    )
    if form.is_valid():
        data = form.cleaned_data
        services.assessment_record(
            action=action_obj,
            recorded_by=request.user,
            process=data["process"],
            impact=data["impact"],
            assessed_on=data["assessed_on"],
            commentary=data["commentary"],
            evidence_types=data["evidence_types"],
            evidence=data["evidence"],
        )
        if in_place:
            row = selectors.actions_for_board(board=obj, today=timezone.localdate()).get(
                pk=action_obj.pk
            )
            table = ActionTable([row], can_edit=True)
            return render_board(
                request,
                "priorities/_action_row.html",
                obj,
                SECTION_ACTIONS,
                {"row": table.html_rows(oob=True), "action": action_obj},
            )
        messages.success(request, f"Assessment of action {action_obj.ref} recorded.")
        return redirect(action_obj)
    context = {
        "form": form,
        "action": action_obj,
        "plan": action_obj.plan,
        "definitions": selectors.rag_definitions(plan=action_obj.plan),
    }
    template = "priorities/_assess_row.html" if in_place else "priorities/assess.html"
    status = 400 if form.is_bound and not in_place else 200
    return render_board(request, template, obj, SECTION_PLANS, context, status)


IMPORT_SESSION_KEY = "assure-import"


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    """Upload a spreadsheet and see what it would change; nothing is saved here."""
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    preview = None
    token = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            spreadsheets.check_size(upload.size)  # before reading it into memory
            rows = spreadsheets.read_rows(upload.name, upload.read())
        except spreadsheets.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            preview = spreadsheets.preview_import(plan_obj, rows)
            if preview.valid:
                # The rows wait in the session (plain JSON) with the version of
                # every action the preview showed, which the confirm holds to.
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "plan": plan_obj.pk,
                    "rows": rows,
                    "pins": preview.pins,
                    "name": upload.name,
                }
    status = 400 if (form.errors or (preview and not preview.valid)) else 200
    return render_board(
        request,
        "priorities/import.html",
        obj,
        SECTION_PLANS,
        {
            "form": form,
            "plan": plan_obj,
            "preview": preview,
            "token": token,
            "max_rows": f"{settings.ASSURE_IMPORT_MAX_ROWS:,}",
            "max_unpacked": describe_size(settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES),
        },
        status,
    )


@login_required
@require_POST
def plan_import_confirm(request: HttpRequest, board: str, plan: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    plan_obj = _plan(obj, plan)
    pending: dict[str, Any] | None = request.session.get(IMPORT_SESSION_KEY)
    if (
        not pending
        or pending.get("token") != request.POST.get("token")
        or pending.get("plan") != plan_obj.pk
        or "pins" not in pending
    ):
        messages.error(
            request, "That import has expired or was already saved. Upload the file again."
        )
        return redirect("priorities:plan_import", board=obj.slug, plan=plan_obj.slug)
    try:
        preview = spreadsheets.import_save(
            plan=plan_obj, rows=pending["rows"], pins=pending["pins"], recorded_by=request.user
        )
    except spreadsheets.ImportConflict as conflict:
        del request.session[IMPORT_SESSION_KEY]
        return render_board(
            request,
            "priorities/import_conflict.html",
            obj,
            SECTION_PLANS,
            {"plan": plan_obj, "conflict": conflict, "name": pending["name"]},
            409,
        )
    except (ValueError, ValidationError):
        messages.error(
            request,
            "The plan changed since the preview and the import no longer checks out, so nothing "
            "was saved. Upload the file again to see why.",
        )
        return redirect("priorities:plan_import", board=obj.slug, plan=plan_obj.slug)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        f"Imported {pending['name']}: {preview.count('create')} actions added, "
        f"{preview.count('change')} changed, {preview.assessments} assessments recorded.",
    )
    return redirect(plan_obj)
