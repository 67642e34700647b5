"""Audits, Section 11 and inspections pages. Each view starts by fetching the
board through get_board_or_404; these records are the board's own working
papers, so a person who may not read the board's records (a partner) is
answered 404, as if they did not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audits import selectors, services
from audits.filters import AuditFilter
from audits.forms import ActionFromForm, AuditForm, FindingForm, ReturnForm, owners_for
from audits.models import Audit, Finding, Section11Focus
from audits.tables import AuditTable
from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from board.selectors import year_choices
from core.tables import configure_table

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "audits:audits"


def _board(request: HttpRequest, slug: str, perm: str = READ) -> Board:
    """The board, if the person may read its records (404 otherwise, partners
    included) and holds `perm` on it (403 otherwise)."""
    return get_board_or_404(request, slug, perm)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _audit_or_404(board: Board, slug: str) -> Audit:
    audit = selectors.audit_for_board(board=board, slug=slug)
    if audit is None:
        raise Http404("No such audit.")
    return audit


# Audits


@login_required
@require_GET
def audits(request: HttpRequest, board: str) -> HttpResponse:
    """The audit programme, filtered by year, theme, kind and status."""
    obj = _board(request, board)
    years = selectors.audit_years(board=obj)
    audit_filter = AuditFilter(
        request.GET or None, queryset=selectors.audits_for_board(board=obj), years=years
    )
    table = AuditTable(audit_filter.qs, board=obj)
    if export := configure_table(request, table, filename=f"{obj.slug}-audit-programme"):
        return export
    return render_board(
        request,
        "audits/audits.html",
        obj,
        SECTION,
        {"filter": audit_filter, "table": table, "themes": selectors.audit_themes(board=obj)},
    )


def _audit_form(request: HttpRequest, board: Board, audit: Audit) -> tuple[AuditForm, list[Any]]:
    years = year_choices(audit.year if audit.pk else None)
    form = AuditForm(
        _posted(request),
        instance=audit,
        board=board,
        owners=owners_for(board),
        years=years,
        initial={"year": years[0].label} if not audit.pk else None,
    )
    return form, years


@login_required
@require_http_methods(["GET", "POST"])
def audit_edit(request: HttpRequest, board: str, audit: str | None = None) -> HttpResponse:
    obj = _board(request, board, EDIT)
    instance = _audit_or_404(obj, audit) if audit else Audit(board=obj)
    form, _ = _audit_form(request, obj, instance)
    if form.is_valid():
        try:
            saved = services.audit_save(
                audit=form.instance, agencies=form.cleaned_data.get("agencies") or []
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Audit “{saved.theme}” saved.")
            return redirect(saved.url_on(obj))
    return render_board(
        request,
        "audits/audit_form.html",
        obj,
        SECTION,
        {"form": form, "audit": instance},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def audit_detail(request: HttpRequest, board: str, audit: str) -> HttpResponse:
    obj = _board(request, board)
    found = _audit_or_404(obj, audit)
    return render_board(
        request,
        "audits/audit.html",
        obj,
        SECTION,
        {"detail": selectors.audit_detail(audit=found, board=obj), "audit": found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, board: str, audit: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    found = _audit_or_404(obj, audit)
    form = FindingForm(_posted(request))
    if form.is_valid():
        try:
            services.finding_add(audit=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Finding added.")
            return redirect(found.url_on(obj) + "#findings")
    return render_board(
        request,
        "audits/finding_form.html",
        obj,
        SECTION,
        {"form": form, "audit": found},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_action(request: HttpRequest, board: str, audit: str, position: int) -> HttpResponse:
    """Turn a finding into an action of the audit's action plan."""
    obj = _board(request, board, EDIT)
    found = _audit_or_404(obj, audit)
    finding = Finding.objects.filter(audit=found, position=position).first()
    if finding is None:
        raise Http404("No such finding.")
    if finding.action_id is not None:
        messages.info(request, "This finding already leads to an action.")
        return redirect(found.url_on(obj) + "#findings")
    form = ActionFromForm(_posted(request), initial={"description": finding.text})
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = services.finding_to_action(
                finding=finding,
                board=obj,
                ref=data["ref"],
                description=data["description"],
                lead=data["lead"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Action {action.ref} added to {action.plan.title} from the finding."
            )
            return redirect(found.url_on(obj) + "#findings")
    return render_board(
        request,
        "audits/finding_action.html",
        obj,
        SECTION,
        {"form": form, "audit": found, "finding": finding},
        400 if form.is_bound else 200,
    )


# Section 11


def _round_or_404(board: Board, slug: str) -> Any:
    found = selectors.round_for_board(board=board, slug=slug)
    if found is None:
        raise Http404("No such Section 11 round.")
    return found


@login_required
@require_GET
def rounds(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board)
    return render_board(
        request,
        "audits/rounds.html",
        obj,
        SECTION,
        {"rounds": selectors.rounds_for_board(board=obj)},
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, board: str, round: str) -> HttpResponse:
    """The round's matrix of agencies by standards, and who has not returned."""
    obj = _board(request, board)
    found = _round_or_404(obj, round)
    return render_board(
        request,
        "audits/round.html",
        obj,
        SECTION,
        {"section11": found, "matrix": selectors.section11_matrix(section11=found)},
    )


@login_required
@require_GET
def return_detail(request: HttpRequest, board: str, round: str, agency: str) -> HttpResponse:
    obj = _board(request, board)
    found = _round_or_404(obj, round)
    row = selectors.return_detail(section11=found, agency_slug=agency)
    if row is None:
        raise Http404("No return from that agency.")
    return render_board(
        request,
        "audits/return.html",
        obj,
        SECTION,
        {"section11": found, "row": row},
    )


def _initial_return(found: Any, agency: str | None, focus: list[Section11Focus]) -> dict[str, Any]:
    """What the form starts with: the agency's return as recorded, if any."""
    if not agency:
        return {}
    row = selectors.return_detail(section11=found, agency_slug=agency)
    if row is None:
        return {"agency": agency}
    initial: dict[str, Any] = {
        "agency": agency,
        "submitted": row.ret.submitted,
        "submitted_on": row.ret.submitted_on,
        "notes": row.ret.notes,
    }
    for cell in row.cells:
        if cell.rating is not None:
            prefix = f"standard_{cell.standard.pk}"
            initial[f"{prefix}_level"] = cell.rating.level
            initial[f"{prefix}_evidence"] = cell.rating.evidence
            initial[f"{prefix}_challenge_outcome"] = cell.rating.challenge_outcome
            initial[f"{prefix}_area_for_development"] = cell.rating.area_for_development
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def return_record(request: HttpRequest, board: str, round: str) -> HttpResponse:
    """Record one agency's return: one form per agency, all its ratings."""
    obj = _board(request, board, EDIT)
    found = _round_or_404(obj, round)
    focus = list(
        Section11Focus.objects.filter(round=found)
        .select_related("standard")
        .order_by("standard__number")
    )
    agency = request.GET.get("agency", "")[:80]
    form = ReturnForm(
        _posted(request),
        agencies=selectors.agencies_for_round(section11=found),
        focus=focus,
        initial=_initial_return(found, agency, focus) if request.method == "GET" else None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.return_record(
                section11=found,
                agency=data["agency"],
                submitted=data["submitted"],
                submitted_on=data["submitted_on"],
                notes=data["notes"],
                ratings=form.ratings(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.agency}'s return saved.")
            url = reverse("audits:round", kwargs={"board": obj.slug, "round": found.slug})
            return redirect(url)
    return render_board(
        request,
        "audits/return_form.html",
        obj,
        SECTION,
        {"form": form, "section11": found},
        400 if form.is_bound else 200,
    )


# Inspections


@login_required
@require_GET
def inspections(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board)
    return render_board(
        request,
        "audits/inspections.html",
        obj,
        SECTION,
        {"inspections": selectors.inspections_for_board(board=obj)},
    )


@login_required
@require_GET
def inspection_detail(request: HttpRequest, board: str, inspection: str) -> HttpResponse:
    obj = _board(request, board)
    found = selectors.inspection_for_board(board=obj, slug=inspection)
    if found is None:
        raise Http404("No such inspection.")
    return render_board(
        request,
        "audits/inspection.html",
        obj,
        SECTION,
        {"detail": selectors.inspection_detail(inspection=found)},
    )
