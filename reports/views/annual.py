"""The annual report pages. Partners see only published reports and their
snapshot files; for them every other page answers 404, exactly as if it did
not exist. Chairs read everything; business managers write; who approves is
the report's setting (reports.services.may_approve)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from reports import annual, services, snapshots
from reports.annual_forms import (
    ApproveForm,
    CorrectForm,
    ReportCreateForm,
    ReportSettingsForm,
    SectionForm,
    SentForm,
)
from reports.checklist import checklist
from reports.models import AnnualReport, Section, Snapshot
from reports.sections import available_kinds, build_report
from reviews.read_records import What, record_reads

SEE = "board.see_board"
READ = "board.read_records"
EDIT = "board.edit_records"
NAV = "reports:annual_reports"

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


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
        {"reports": annual.reports_for_board(board=obj, published_only=not reader)},
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
    return render_board(
        request,
        "reports/annual/report.html",
        obj,
        NAV,
        {
            "report": report,
            "checklist": checklist(report, built),
            "sections": [s for s in annual.sections_for_report(report=report) if s.kind in offered],
            "snapshots": list(report.snapshots.order_by("-version")),
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
        request, "reports/annual/preview.html", obj, NAV, {"report": report, "built": built}
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
) -> HttpResponse:
    return render_board(
        request,
        f"reports/annual/{page}.html",
        board,
        NAV,
        {"report": report, "form": form, **(extra or {})},
        400 if form.is_bound else 200,
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
    return _form_page(request, obj, report, form, "section", {"section": section})


def _section_for_post(request: HttpRequest, board: str, year: str, kind: str) -> Section:
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    return annual.section_or_404(report=report, kind=kind)


@login_required
@require_POST
def section_include(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    section = _section_for_post(request, board, year, kind)
    included = request.POST.get("included") == "1"
    services.section_include(section=section, included=included)
    verb = "included in" if included else "left out of"
    messages.success(request, f"“{section.get_kind_display()}” {verb} the report.")
    return redirect(_report_url(section.report) + "#sections")


@login_required
@require_POST
def section_move(request: HttpRequest, board: str, year: str, kind: str) -> HttpResponse:
    section = _section_for_post(request, board, year, kind)
    try:
        services.section_move(section=section, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
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
    return _form_page(request, obj, report, form, "approve", {"checklist": checklist(report)})


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
    obj = _board(request, board, EDIT)
    report = annual.report_or_404(board=obj, year=year)
    form = CorrectForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            build = services.report_correct(
                report=report, user=request.user, changes=form.cleaned_data["changes"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_build_url(report, build.pk))
    return _form_page(request, obj, report, form, "correct")


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
        request, obj, report, form, "sent", {"sending_due": services.sending_due(report)}
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
    """A published snapshot's stored file, exactly as stored. Anyone who may
    see the board may download it; nothing unpublished is reachable."""
    obj = _board(request, board, SEE)
    if fmt not in Snapshot.FORMATS:
        raise Http404("No such format.")
    report = annual.report_or_404(board=obj, year=year, published_only=True)
    snapshot = annual.snapshot_or_404(report=report, version=version)
    path = snapshots.absolute(snapshot, fmt)
    if not path.is_file():
        raise Http404("The file is missing.")
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES[fmt],
        as_attachment=fmt != "html",
        filename=path.name,
    )
    try:
        digest = base64.b64encode(binascii.unhexlify(snapshot.sha256(fmt))).decode()
    except (binascii.Error, ValueError):
        digest = ""
    if digest:
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["Cache-Control"] = "private, max-age=0"
    record_reads(
        request,
        response,
        reviews=annual.snapshot_reviews(snapshot=snapshot),
        what=What.SNAPSHOT,
        detail=f"{report.year.label}, version {snapshot.version}, {fmt.upper()}",
    )
    if fmt == "html":
        # The page's own frozen stylesheet, allowed by its SHA-256 alone.
        sources = snapshots.stylesheet_sources(path.read_bytes())
        if sources:
            policy: dict[str, Any] = dict(settings.SECURE_CSP)
            policy["style-src"] = [*policy.get("style-src", []), *sources]
            # The board's logo is frozen into the page as a data: URI.
            policy["img-src"] = [*policy.get("img-src", []), "data:"]
            response._csp_config = policy  # type: ignore[attr-defined]
    return response
