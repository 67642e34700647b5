"""An indicator's targets by year: add, change and remove a year's target.
The years and their targets are listed on the indicator's page; these pages
change them, for the business manager (the chair and other readers see the
list, and are refused here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from board import selectors as board_selectors
from board.access import render_board
from board.forms import add_service_errors
from board.models import Board, ReportingYear
from core.history import history_with_changes
from indicators import selectors, services
from indicators.forms import IndicatorTargetForm
from indicators.models import Indicator, IndicatorTarget
from indicators.views import EDIT, SECTION, _indicator, board_for_indicators


def target_years(record: IndicatorTarget | None) -> list[ReportingYear]:
    """The years a target may be set for: every year to the current one,
    and the next, so a board can set next year's targets before it starts."""
    today = ReportingYear.span_of(timezone.localdate())
    ahead = ReportingYear.span(today.start.year + 1)
    return board_selectors.year_choices(ahead, record.year if record else None)


def _after(found: Indicator) -> str:
    return f"{found.get_absolute_url()}#targets"


def _form_page(
    request: HttpRequest, obj: Board, found: Indicator, record: IndicatorTarget | None
) -> HttpResponse:
    years = target_years(record)
    initial: dict[str, object] = {"year": board_selectors.current_year().label}
    if record is not None:
        initial = {
            "year": record.year.label,
            "target": f"{record.target.normalize():f}",
            "tolerance": "" if record.tolerance is None else f"{record.tolerance.normalize():f}",
            "source": record.source_id,
            "note": record.note,
        }
    posted = request.method == "POST"
    form = IndicatorTargetForm(request.POST if posted else None, initial=initial, years=years)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.indicator_target_set(
                indicator=found,
                year=form.year,
                target=data["target"],
                tolerance=data["tolerance"],
                source=data["source"],
                note=data["note"],
                replacing=record,
                adding=record is None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            shown = selectors.format_number(saved.target, found.unit)
            messages.success(request, f"{found.name}: the target for {saved.year} is {shown}.")
            return redirect(_after(found))
    return render_board(
        request,
        "indicators/target_form.html",
        obj,
        SECTION,
        {
            "form": form,
            "indicator": found,
            "record": record,
            "standing": selectors.format_number(found.target, found.unit),
            "history": history_with_changes(
                IndicatorTarget.history.filter(  # type: ignore[attr-defined]
                    indicator_id=found.pk, year_id=record.year_id
                )
            )
            if record
            else [],
        },
        400 if form.is_bound else 200,
    )


def _target(found: Indicator, year: str) -> IndicatorTarget:
    return get_object_or_404(
        IndicatorTarget.objects.select_related("year", "source"), indicator=found, year__label=year
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_add(request: HttpRequest, board: str, indicator: str) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    return _form_page(request, obj, _indicator(obj, indicator), None)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, board: str, indicator: str, year: str) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    found = _indicator(obj, indicator)
    return _form_page(request, obj, found, _target(found, year))


@login_required
@require_http_methods(["GET", "POST"])
def target_remove(request: HttpRequest, board: str, indicator: str, year: str) -> HttpResponse:
    """Ask, then remove a year's target: the year falls back to the
    standing target, which the page says."""
    obj = board_for_indicators(request, board, EDIT)
    found = _indicator(obj, indicator)
    record = _target(found, year)
    if request.method == "POST":
        services.indicator_target_remove(target=record)
        messages.success(request, f"{found.name}: the target for {year} is removed.")
        return redirect(_after(found))
    return render_board(
        request,
        "indicators/target_remove.html",
        obj,
        SECTION,
        {
            "indicator": found,
            "record": record,
            "standing": selectors.format_number(found.target, found.unit),
        },
    )
