"""The annual report pages. Partners see only published reports and their
snapshot files; for them every other page answers 404, exactly as if it did
not exist. Chairs read everything; business managers write; who approves is
the report's setting (reports.services.may_approve).

A published report is frozen: its pages show it read only, and a post that
would change it (a stale form, a script) is refused by the service and
answered 409 with the reason, changing nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from reports import annual, narrative, services
from reports.annual_forms import (
    ApproveForm,
    CorrectForm,
    LeaveOutForm,
    ReportCreateForm,
    ReportSettingsForm,
    SectionForm,
    SentForm,
)
from reports.checklist import checklist
from reports.models import AnnualReport, Section, Snapshot
from reports.public import public_page_of
from reports.sections import available_kinds, build_report
from reports.views import files
from reviews.read_records import What, record_reads

SEE = "board.see_board"
READ = "board.read_records"
EDIT = "board.edit_records"
NAV = "reports:annual_reports"

#: A refusal because the report is published, not because of what was typed.
CONFLICT = 409


def _board(request: HttpRequest, slug: str, perm: str = READ) -> Board:
    """The board; for a partner anything beyond what is published is a 404."""
    return get_board_or_404(request, slug, perm)


def _report_url(report: AnnualReport) -> str:
    return report.get_absolute_url()


@login_required
@require_GET
def annual_reports(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board, SEE)
    reader = request.user.has_perm(READ, obj)
    return render_board(
        request,
        "reports/annual/list.html",
        obj,
        NAV,
        {
            "reports": annual.reports_for_board(board=obj, published_only=not reader),
            "public_page": public_page_of(board=obj) if reader else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_create(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    years = annual.years_without_report(board=obj)
    form = ReportCreateForm(
        request.POST if request.method == "POST" else None,
        years=years,
        initial={
            "approver": AnnualReport.Approver.CHAIR,
            "year": annual.default_report_year(years=years, today=timezone.localdate()),
        },
    )
    if form.is_valid():
        label = form.cleaned_data["year"]
        year = next(y for y in years if y.label == label)
        try:
            report = services.report_create(
                board=obj, year=year, approver=form.cleaned_data["approver"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Draft annual report for {report.year.label} started.")
            return redirect(_report_url(report))
    return render_board(
        request,
        "reports/annual/create.html",
        obj,
        NAV,
        {"form": form},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def annual_report(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board)
    report = annual.report_or_404(board=obj, year=year)
    built = build_report(report)
    offered = set(available_kinds())
    sections = [s for s in annual.sections_for_report(report=report) if s.kind in offered]
    return render_board(
        request,
        "reports/annual/report.html",
        obj,
        NAV,
        {
            "report": report,
            "checklist": checklist(report, built),
            "sections": sections,
            "unwritten": [s for s in sections if s.is_unwritten],
            "snapshots": annual.snapshots_of(report=report),
            "changes": services.pending_changes(report, built),
            "build": annual.latest_build(report=report),
            "may_approve": services.may_approve(report, request.user),
            "sending_due": services.sending_due(report),
        },
    )


@login_required
@require_GET
def annual_report_preview(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board)
    report = annual.report_or_404(board=obj, year=year)
    built = build_report(report)
    page = render_board(
        request,
        "reports/annual/preview.html",
        obj,
        NAV,
        {"report": report, "built": built, "preview": True},
    )
    return record_reads(
        request, page, reviews=built.reviews, what=What.REPORT_PREVIEW, detail=report.year.label
    )


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_settings(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    form = ReportSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"title": report.title, "approver": report.approver},
    )
    if form.is_valid():
        try:
            services.report_update(report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Report settings saved.")
            return redirect(_report_url(report))
    return _form_page(request, obj, report, form, "settings")


def _form_page(
    request: HttpRequest,
    board: Board,
    report: AnnualReport,
    form: Any,
    page: str,
    extra: dict[str, Any] | None = None,
    *,
    changes_report: bool = True,
) -> HttpResponse:
    """The form page. On a page that changes the report, a post refused
    because the report is published (as it stands in the database now, not
    as it was when the page was opened) answers 409 and shows it read only."""
    status = 400 if form.is_bound else 200
    if form.is_bound:
        report.refresh_from_db()
    frozen = changes_report and report.is_frozen
    if form.is_bound and frozen:
        status = CONFLICT
    return render_board(
        request,
        f"reports/annual/{page}.html",
        board,
        NAV,
        {"report": report, "form": form, "frozen": frozen, **(extra or {})},
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    section = annual.section_or_404(report=report, kind=kind)
    if not section.is_narrative:
        raise Http404("Assure builds this section from the data.")
    form = SectionForm(
        request.POST if request.method == "POST" else None, initial={"body": section.body}
    )
    if form.is_valid():
        try:
            services.section_save(section=section, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{section.get_kind_display()}” saved.")
            return redirect(_report_url(report) + "#sections")
    return _form_page(
        request,
        obj,
        report,
        form,
        "section",
        {"section": section, "written": narrative.render(section.body)},
    )


def _section_for_post(request: HttpRequest, board: str, year: str, kind: str) -> Section:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    return annual.section_or_404(report=report, kind=kind)


def _refused(request: HttpRequest, section: Section, exc: ValidationError) -> HttpResponse:
    """A post-only change the service refused: the report page's own words
    for it, on a page of its own, 409 when the report is published."""
    report = section.report
    report.refresh_from_db()
    return render_board(
        request,
        "reports/annual/refused.html",
        report.board,
        NAV,
        {"report": report, "section": section, "problems": exc.messages},
        CONFLICT if report.is_frozen else 400,
    )


@login_required
@require_POST
def section_include(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    """Bring a section left out back into the report."""
    section = _section_for_post(request, board, year, kind)
    try:
        services.section_include(section=section, included=True)
    except ValidationError as exc:
        return _refused(request, section, exc)
    messages.success(request, f"“{section.get_kind_display()}” included in the report.")
    return redirect(_report_url(section.report) + "#sections")


@login_required
@require_http_methods(["GET", "POST"])
def section_leave_out(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    """Leave a section out on purpose, saying why."""
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    section = annual.section_or_404(report=report, kind=kind)
    form = LeaveOutForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": section.left_out_reason},
    )
    if form.is_valid():
        try:
            services.section_include(
                section=section, included=False, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{section.get_kind_display()}” left out of the report.")
            return redirect(_report_url(report) + "#sections")
    return _form_page(request, obj, report, form, "leave_out", {"section": section})


@login_required
@require_POST
def section_move(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    section = _section_for_post(request, board, year, kind)
    try:
        services.section_move(section=section, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        return _refused(request, section, exc)
    messages.success(request, f"“{section.get_kind_display()}” moved.")
    return redirect(_report_url(section.report) + "#sections")


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_approve(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board)
    report = annual.report_or_404(board=obj, year=year)
    if not services.may_approve(report, request.user):
        raise PermissionDenied
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.report_approve(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Annual report approved. The business manager can publish it."
            )
            return redirect(_report_url(report))
    built = build_report(report)
    return _form_page(
        request,
        obj,
        report,
        form,
        "approve",
        {
            "checklist": checklist(report, built),
            "unwritten": services.unwritten(report),
            "left_out": [
                s
                for s in annual.sections_for_report(report=report)
                if not s.included and s.kind in set(available_kinds())
            ],
            "changes": services.pending_changes(report, built),
        },
    )


@login_required
@require_POST
def annual_report_publish(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    try:
        build = services.report_publish(report=report, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_report_url(report))
    return redirect(_build_url(report, build.pk))


def _build_url(report: AnnualReport, build_id: int) -> str:
    return reverse(
        "reports:annual_report_build",
        kwargs={"board": report.board.slug, "year": report.year.label, "build": build_id},
    )


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_correct(request: HttpRequest, board: str, year: str) -> HttpResponse:
    """Start a correction of a published report, saying what it will
    change; while one is drafted, change what it says it changes."""
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    form = CorrectForm(
        request.POST if request.method == "POST" else None,
        initial={"changes": report.correction_changes},
    )
    if form.is_valid():
        changes = form.cleaned_data["changes"]
        try:
            if report.is_correction:
                services.correction_describe(report=report, changes=changes)
            else:
                services.correction_start(report=report, user=request.user, changes=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Correction started: change what needs correcting, then ask for approval. "
                "Partners keep the published version until the correction is published."
                if not report.is_correction
                else "What the correction changes is saved.",
            )
            return redirect(_report_url(report))
    return _form_page(
        request,
        obj,
        report,
        form,
        "correct",
        {"latest": annual.latest_snapshot(report=report)},
        changes_report=False,
    )


@login_required
@require_POST
def annual_report_correction_cancel(request: HttpRequest, board: str, year: str) -> HttpResponse:
    """Drop the correction being drafted; the report is as published."""
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    try:
        services.correction_cancel(report=report, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Correction cancelled: the report is as it was published.")
    return redirect(_report_url(report))


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_sent(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    form = SentForm(
        request.POST if request.method == "POST" else None,
        initial={
            "sent_to_panel": report.sent_to_panel,
            "sent_to_what_works": report.sent_to_what_works,
        },
    )
    if form.is_valid():
        try:
            services.report_sent_record(report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Dates sent recorded.")
            return redirect(_report_url(report))
    return _form_page(
        request,
        obj,
        report,
        form,
        "sent",
        {"sending_due": services.sending_due(report)},
        changes_report=False,
    )


@login_required
@require_GET
def annual_report_build(request: HttpRequest, board: str, year: str, build: int) -> HttpResponse:
    """The build's progress; while it runs, htmx asks again every two
    seconds for the status block alone (no inline script)."""
    obj = _board(request, board)
    report = annual.report_or_404(board=obj, year=year)
    found = annual.build_or_404(report=report, build_id=build)
    template = (
        "reports/annual/_build_status.html"
        if request.headers.get("HX-Request")
        else "reports/annual/build.html"
    )
    return render_board(request, template, obj, NAV, {"report": report, "build": found})


@login_required
@require_GET
def snapshot_file(
    request: HttpRequest, board: str, year: str, version: int, fmt: str
) -> HttpResponseBase:
    """A published snapshot's stored file, exactly as stored and checked
    against its SHA-256. Anyone who may see the board may download it;
    nothing unpublished is reachable."""
    obj = _board(request, board, SEE)
    if fmt not in Snapshot.FORMATS:
        raise Http404("No such format.")
    report = annual.report_or_404(board=obj, year=year, published_only=True)
    snapshot = annual.snapshot_or_404(report=report, version=version)
    back = reverse("reports:annual_reports", kwargs={"board": obj.slug})
    response = files.serve(request, files.snapshot_file(snapshot, fmt, back), public=False)
    return record_reads(
        request,
        response,
        reviews=annual.snapshot_reviews(snapshot=snapshot),
        what=What.SNAPSHOT,
        detail=f"{report.year.label}, version {snapshot.version}, {fmt.upper()}",
    )
