"""Training pages. Each view starts by fetching the board through
get_board_or_404, which checks the person may see it (and do this on it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from core.spreadsheets import spreadsheet_response
from training import selectors, services
from training.forms import StatedFigureForm, TrainingFiguresForm, owners_for

READ = "board.read_records"
EDIT = "board.edit_records"


@login_required
@require_GET
def training(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    return render_board(
        request,
        "training/training.html",
        obj,
        "training:training",
        {
            "year": year,
            "years": years,
            "training": selectors.training_for_year(board=obj, year=year),
        },
    )


@login_required
@require_GET
def training_export(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    """The year's tables as CSV or XLSX, through the safe spreadsheet writer."""
    obj = get_board_or_404(request, board, READ)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Training figures download as CSV or XLSX.")
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    training = selectors.training_for_year(board=obj, year=year)
    return spreadsheet_response(
        selectors.training_export_rows(training),
        fmt=fmt,
        filename=f"{obj.slug}-training-{year.label}",
        sheet_title=f"Training {year.label}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures_record(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
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
    obj = get_board_or_404(request, board, EDIT)
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
