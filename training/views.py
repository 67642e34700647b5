"""Training pages. Each view starts by fetching the board through `_board`
(board.access.get_board_or_404), which checks the person may see it and do
this on it. Training is an internal record: for a partner every page here
answers 404, as if it did not exist, like the other internal pages."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from core.spreadsheets import describe_size, spreadsheet_response
from training import selectors, services, spreadsheets
from training.forms import (
    ImpactForm,
    ImportForm,
    StatedFigureForm,
    TrainingFiguresForm,
    owners_for,
)

READ = "board.read_records"
EDIT = "board.edit_records"


def _board(request: HttpRequest, slug: str, perm: str = READ) -> Board:
    """The board, if the person may read its records (404 otherwise, partners
    included) and holds `perm` on it (403 otherwise)."""
    return get_board_or_404(request, slug, perm)


@login_required
@require_GET
def training(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board, READ)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    training = selectors.training_for_year(board=obj, year=year)
    return render_board(
        request,
        "training/training.html",
        obj,
        "training:training",
        {
            "year": year,
            "years": years,
            "training": training,
            "chart": selectors.quarter_chart(training),
            "impacts": selectors.training_impact_for_year(board=obj, year=year),
        },
    )


@login_required
@require_GET
def training_export(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    """The year's tables as CSV or XLSX, through the safe spreadsheet writer."""
    obj = _board(request, board, READ)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Training figures download as CSV or XLSX.")
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    training = selectors.training_for_year(board=obj, year=year)
    impacts = selectors.training_impact_for_year(board=obj, year=year)
    return spreadsheet_response(
        selectors.training_export_rows(training) + selectors.impact_export_rows(impacts),
        fmt=fmt,
        filename=f"{obj.slug}-training-{year.label}",
        sheet_title=f"Training {year.label}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures_record(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    form = TrainingFiguresForm(
        request.POST if request.method == "POST" else None,
        owners=owners_for(obj),
        years=years,
        initial={"year": year.label},
    )
    if form.is_valid():
        try:
            saved = services.figures_record(**form.cleaned())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{saved.get_mode_display()} figures for {saved.period_label} saved.",
            )
            url = reverse("training:training", kwargs={"board": obj.slug})
            return redirect(f"{url}?year={saved.year.label}")
    return render_board(
        request,
        "training/figures_form.html",
        obj,
        "training:training",
        {"form": form, "year": year},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stated_figure_record(request: HttpRequest, board: str) -> HttpResponse:
    """Keep a figure a report states beside the one Assure computes."""
    obj = _board(request, board, EDIT)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    form = StatedFigureForm(
        request.POST if request.method == "POST" else None,
        owners=owners_for(obj),
        years=years,
        initial={"year": year.label},
    )
    if form.is_valid():
        try:
            saved = services.stated_figure_record(**form.cleaned())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"What the report states for {saved.period_label} "
                f"({saved.get_mode_display().lower()}) saved.",
            )
            url = reverse("training:training", kwargs={"board": obj.slug})
            return redirect(f"{url}?year={saved.year.label}")
    return render_board(
        request,
        "training/stated_figure_form.html",
        obj,
        "training:training",
        {"form": form, "year": year},
        400 if form.is_bound else 200,
    )


IMPORT_SESSION_KEY = "assure-training-import"


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request: HttpRequest, board: str) -> HttpResponse:
    """Upload a spreadsheet of period figures or of courses and see what it
    would change; nothing is saved here."""
    obj = _board(request, board, EDIT)
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    preview = None
    token = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            spreadsheets.check_size(upload.size)  # before reading it into memory
            kind, rows = spreadsheets.read_rows(upload.name, upload.read())
        except spreadsheets.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            preview = spreadsheets.preview_import(obj, kind, rows)
            if preview.valid:
                # The rows (plain JSON) wait in the session for the confirm,
                # which checks them again against the figures as they are then.
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "board": obj.pk,
                    "kind": kind,
                    "rows": rows,
                    "name": upload.name,
                }
    status = 400 if (form.errors or (preview and not preview.valid)) else 200
    return render_board(
        request,
        "training/import.html",
        obj,
        "training:training",
        {
            "form": form,
            "year": year,
            "preview": preview,
            "token": token,
            "max_rows": f"{settings.ASSURE_IMPORT_MAX_ROWS:,}",
            "max_unpacked": describe_size(settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES),
            "max_size": describe_size(settings.ASSURE_MAX_UPLOAD_BYTES),
            "period_columns": list(spreadsheets.PERIOD_COLUMNS),
            "course_columns": list(spreadsheets.COURSE_COLUMNS),
        },
        status,
    )


@login_required
@require_POST
def training_import_confirm(request: HttpRequest, board: str) -> HttpResponse:
    obj = _board(request, board, EDIT)
    pending: dict[str, Any] | None = request.session.get(IMPORT_SESSION_KEY)
    if (
        not pending
        or pending.get("token") != request.POST.get("token")
        or pending.get("board") != obj.pk
    ):
        messages.error(
            request, "That import has expired or was already saved. Upload the file again."
        )
        return redirect("training:import", board=obj.slug)
    try:
        preview = spreadsheets.import_save(board=obj, kind=pending["kind"], rows=pending["rows"])
    except (ValueError, ValidationError, IntegrityError):  # a colleague's save in between
        messages.error(
            request,
            "The training figures changed since the preview and the import no longer checks "
            "out, so nothing was saved. Upload the file again to see why.",
        )
        return redirect("training:import", board=obj.slug)
    del request.session[IMPORT_SESSION_KEY]
    noun = preview.noun
    text = (
        f"Imported {pending['name']}: {preview.created} {noun} added, {preview.changed} changed, "
        f"{preview.unchanged} unchanged."
    )
    if preview.periods:
        text += f" {len(preview.periods)} periods added up from their courses."
    messages.success(request, text)
    return redirect("training:training", board=obj.slug)


@login_required
@require_GET
def training_import_layout(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    """The year's period figures in the layout the import reads, to fill in
    and import again."""
    obj = _board(request, board, READ)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Training figures download as CSV or XLSX.")
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    return spreadsheets.layout_response(board=obj, year=year, fmt=fmt)


@login_required
@require_http_methods(["GET", "POST"])
def impact_record(request: HttpRequest, board: str) -> HttpResponse:
    """Record follow-up evidence of what training changed in practice."""
    obj = _board(request, board, EDIT)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    courses, actions = selectors.impact_choices(board=obj, year=year)
    form = ImpactForm(
        request.POST if request.method == "POST" else None,
        owners=owners_for(obj),
        years=years,
        courses=courses,
        actions=actions,
        initial={"year": year.label},
    )
    if form.is_valid():
        try:
            saved = services.impact_record(**form.cleaned())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The evaluation of {saved.subject} saved.")
            url = reverse("training:training", kwargs={"board": obj.slug})
            return redirect(f"{url}?year={saved.year.label}#impact")
    return render_board(
        request,
        "training/impact_form.html",
        obj,
        "training:training",
        {"form": form, "year": year},
        400 if form.is_bound else 200,
    )
