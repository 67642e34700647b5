"""An indicator's page, its values form, its export, the published
statistics import and the statistical neighbour list.

Until the annual report publishes a scorecard, indicators are the board's
own records: chairs and business managers read them, business managers
change them, and for partners the pages do not exist (404).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from board.models import Board
from core.history import history_with_changes
from core.spreadsheets import describe_size, spreadsheet_response
from core.tables import PAGE_SIZE
from indicators import charts, importer, selectors, services, statistics_imports
from indicators.forms import (
    IndicatorForm,
    IndicatorValueForm,
    NeighboursUploadForm,
    PriorityIndicatorsForm,
    StatisticsMappingForm,
    StatisticsUploadForm,
)
from indicators.models import Indicator, IndicatorValue, StatisticalNeighbour
from priorities.models import Priority

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "reports:scorecard"
STATISTICS_SESSION_KEY = "assure-statistics-import"


def board_for_indicators(request: HttpRequest, slug: str, perm: str = READ) -> Board:
    """The board, for someone who may read its records; anyone else is
    told it does not exist (404), and a reader who may not change is refused (403)."""
    return get_board_or_404(request, slug, perm)


def _indicator(board: Board, code: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("board", "priority", "priority__plan", "target_source"),
        board=board,
        code=code,
    )


@login_required
@require_GET
def indicator(request: HttpRequest, board: str, indicator: str) -> HttpResponse:
    obj = board_for_indicators(request, board)
    found = _indicator(obj, indicator)
    status = selectors.indicator_status(indicator=found)
    values = list(selectors.indicator_values(indicator=found))
    selectors.mark_restatements(values)
    history = list(
        IndicatorValue.history.filter(indicator_id=found.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:100]
    )
    targets = list(selectors.indicator_targets(indicator=found))
    return render_board(
        request,
        "indicators/indicator.html",
        obj,
        SECTION,
        {
            "indicator": found,
            "targets": targets,
            "standing": selectors.format_number(found.target, found.unit),
            "status": status,
            "chart": charts.svg_chart(status),
            "values": values,
            "comparators": list(selectors.indicator_comparators(indicator=found)),
            "history": history,
        },
    )


EXPORT_HEADER = ["Period", "Edition", "Value", "Marker", "Source", "Note", "Recorded"]


@login_required
@require_GET
def indicator_export(request: HttpRequest, board: str, indicator: str, fmt: str) -> HttpResponse:
    obj = board_for_indicators(request, board)
    found = _indicator(obj, indicator)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Indicators download as CSV or XLSX.")
    rows: list[list[Any]] = [
        [
            selectors.period_label(v.period_kind, v.period_start),
            v.edition,
            v.value,
            v.marker,
            v.source.title,
            v.note,
            v.recorded_at,
        ]
        for v in selectors.indicator_values(indicator=found)
    ]
    return spreadsheet_response(
        [EXPORT_HEADER, *rows],
        fmt=fmt,
        filename=f"{obj.slug}-{found.code}",
        sheet_title=found.code,
    )


def _value_form_page(
    request: HttpRequest, obj: Board, found: Indicator, record: IndicatorValue | None
) -> HttpResponse:
    posted = request.method == "POST"
    initial = {}
    if record is not None:
        initial = {
            "period_kind": record.period_kind,
            "period_start": record.period_start,
            "value": "" if record.value is None else f"{record.value.normalize():f}",
            "marker": record.marker,
            "source": record.source_id,
            "note": record.note,
        }
    form = IndicatorValueForm(request.POST if posted else None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        target = record or IndicatorValue(indicator=found)
        target.period_kind = data["period_kind"]
        target.period_start = data["period_start"]
        target.value = data["value"]
        target.marker = data["marker"] or ""
        target.source = data["source"]
        target.note = data["note"]
        target._history_user = request.user  # type: ignore[attr-defined]
        try:
            saved = services.indicator_value_save(value=target)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            label = selectors.period_label(saved.period_kind, saved.period_start)
            edition = (
                f" (edition {saved.edition}, revising the earlier figure)"
                if saved.edition > 1
                else ""
            )
            messages.success(request, f"{found.name}: the value for {label} is saved{edition}.")
            return redirect(found.get_absolute_url())
    return render_board(
        request,
        "indicators/value_form.html",
        obj,
        SECTION,
        {"form": form, "indicator": found, "record": record},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_add(request: HttpRequest, board: str, indicator: str) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    return _value_form_page(request, obj, _indicator(obj, indicator), None)


@login_required
@require_http_methods(["GET", "POST"])
def value_edit(request: HttpRequest, board: str, indicator: str, value: int) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    found = _indicator(obj, indicator)
    record = get_object_or_404(
        IndicatorValue.objects.select_related("source"), indicator=found, pk=value
    )
    return _value_form_page(request, obj, found, record)


# --- published statistics ---------------------------------------------------------


def _mapping_form(
    request: HttpRequest, obj: Board, statistics: importer.Statistics, data: Any = None
) -> StatisticsMappingForm:
    indicators = list(Indicator.objects.filter(board=obj).order_by("position", "name"))
    by_measure = {i.measure: i.code for i in indicators if i.measure}
    initial: dict[str, Any] = {}
    for index, measure in enumerate(statistics.measures):
        if measure in by_measure:
            initial[f"measure_{index}"] = by_measure[measure]
    for code, label in statistics.authorities:
        if label.lower().startswith(obj.area.lower() + " ("):
            initial["authority"] = code
    return StatisticsMappingForm(
        data,
        initial=initial,
        authorities=statistics.authorities,
        measures=statistics.measures,
        indicators=[(i.code, i.name) for i in indicators],
    )


def _import_page(
    request: HttpRequest, obj: Board, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render_board(
        request,
        "indicators/import.html",
        obj,
        SECTION,
        {
            "max_size": describe_size(settings.ASSURE_STATISTICS_MAX_BYTES),
            **context,
        },
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistics_import(request: HttpRequest, board: str) -> HttpResponse:
    """Three steps, nothing saved until the last: upload the file; choose the
    authority and the columns; see the preview (and confirm, in the next view)."""
    obj = board_for_indicators(request, board, EDIT)
    pending: dict[str, Any] | None = request.session.get(STATISTICS_SESSION_KEY)
    if request.method == "POST" and "token" in request.POST:
        statistics = None
        if (
            pending
            and pending.get("board") == obj.pk
            and pending.get("token") == request.POST["token"]
        ):
            statistics = _waiting_statistics(pending)
        if pending is None or statistics is None:
            messages.error(request, "That import has expired. Upload the file again.")
            return redirect("indicators:statistics_import", board=obj.slug)
        mapping_form = _mapping_form(request, obj, statistics, request.POST)
        if not mapping_form.is_valid():
            return _import_page(
                request,
                obj,
                {"mapping_form": mapping_form, "pending": pending, "statistics": statistics},
                400,
            )
        preview = importer.preview_statistics(
            board=obj,
            statistics=statistics,
            authority=mapping_form.cleaned_data["authority"],
            mapping=mapping_form.mapping(),
            publication=pending["publication"],
        )
        pending.update(
            authority=mapping_form.cleaned_data["authority"],
            mapping=mapping_form.mapping(),
            fingerprint=importer.fingerprint(preview) if preview.valid else "",
        )
        request.session[STATISTICS_SESSION_KEY] = pending
        return _import_page(
            request,
            obj,
            {
                "mapping_form": mapping_form,
                "pending": pending,
                "statistics": statistics,
                "preview": preview,
            },
            200 if preview.valid else 400,
        )
    posted = request.method == "POST"
    form = StatisticsUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.ASSURE_STATISTICS_MAX_BYTES:
                raise importer.SpreadsheetError(
                    f"The file is {describe_size(upload.size)}; the largest Assure accepts is "
                    f"{describe_size(settings.ASSURE_STATISTICS_MAX_BYTES)}."
                )
            statistics = importer.read_statistics(upload.name, upload.file)
        except importer.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            if pending:  # an upload replaces the one waiting
                statistics_imports.pending_upload_delete(str(pending.get("file", "")))
            token = secrets.token_urlsafe(16)
            pending = {
                "token": token,
                "board": obj.pk,
                "publication": form.cleaned_data["publication"].strip(),
                "name": upload.name,
                "file": statistics_imports.pending_upload_keep(
                    content=upload, token=token, now=timezone.now()
                ),
            }
            request.session[STATISTICS_SESSION_KEY] = pending
            return _import_page(
                request,
                obj,
                {
                    "mapping_form": _mapping_form(request, obj, statistics),
                    "pending": pending,
                    "statistics": statistics,
                },
            )
    return _import_page(request, obj, {"form": form}, 400 if form.is_bound else 200)


@login_required
@require_POST
def statistics_import_confirm(request: HttpRequest, board: str) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    pending: dict[str, Any] | None = request.session.get(STATISTICS_SESSION_KEY)
    statistics = None
    if (
        pending
        and pending.get("board") == obj.pk
        and pending.get("token") == request.POST.get("token")
        and pending.get("fingerprint")
    ):
        statistics = _waiting_statistics(pending)
    if pending is None or statistics is None:
        messages.error(
            request, "That import has expired or was already saved. Upload the file again."
        )
        return redirect("indicators:statistics_import", board=obj.slug)
    with transaction.atomic():
        job = statistics_imports.import_request(
            board=obj,
            user=request.user,
            file_name=statistics.name,
            publication=pending["publication"],
            authority=pending["authority"],
            mapping=pending["mapping"],
            fingerprint=pending["fingerprint"],
            statistics=statistics.as_json(),
        )
        statistics_imports.pending_upload_delete(pending["file"])
    del request.session[STATISTICS_SESSION_KEY]
    return redirect(job.get_absolute_url())


def _waiting_statistics(pending: dict[str, Any]) -> importer.Statistics | None:
    """The uploaded file read again from the storage it waits in; None if it
    is gone or no longer reads (it was read once already at upload)."""
    with statistics_imports.pending_upload_open(str(pending.get("file", ""))) as stream:
        if stream is None:
            return None
        try:
            return importer.read_statistics(str(pending.get("name", "")), stream)
        except importer.SpreadsheetError:
            return None


@login_required
@require_GET
def statistics_import_status(request: HttpRequest, board: str, job: int) -> HttpResponse:
    """A confirmed import's progress and outcome; while it runs, htmx asks
    again every two seconds for the status block alone (no inline script)."""
    obj = board_for_indicators(request, board, EDIT)
    found = statistics_imports.import_or_404(board=obj, job_id=job)
    template = (
        "indicators/_import_status.html"
        if request.headers.get("HX-Request")
        else "indicators/import_status.html"
    )
    return render_board(request, template, obj, SECTION, {"job": found})


@login_required
@require_http_methods(["GET", "POST"])
def neighbours(request: HttpRequest, board: str) -> HttpResponse:
    """The board's statistical neighbours, replaced by uploading a list."""
    obj = board_for_indicators(request, board, EDIT)
    posted = request.method == "POST"
    form = NeighboursUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"authority": obj.area},
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.ASSURE_STATISTICS_MAX_BYTES:
                raise importer.SpreadsheetError(
                    f"The file is {describe_size(upload.size)}; the largest Assure accepts is "
                    f"{describe_size(settings.ASSURE_STATISTICS_MAX_BYTES)}."
                )
            pairs = importer.read_neighbours(
                upload.read(),
                name=upload.name or "",
                authority=form.cleaned_data["authority"].strip() or obj.area,
            )
            saved = services.neighbours_replace(board=obj, neighbours=pairs)
        except importer.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The board's {len(saved)} statistical neighbours are saved.")
            return redirect("indicators:neighbours", board=obj.slug)
    return render_board(
        request,
        "indicators/neighbours.html",
        obj,
        SECTION,
        {"form": form, "neighbours": list(StatisticalNeighbour.objects.filter(board=obj))},
        400 if form.is_bound else 200,
    )


# Setting the scorecard up: indicators added and changed in pages, and the
# indicators that serve a priority chosen from the priority.


@login_required
@require_GET
def indicator_list(request: HttpRequest, board: str) -> HttpResponse:
    """The board's indicators with the priority each serves; those serving
    none first, since the scorecard cannot place them. Two queries a page."""
    obj = board_for_indicators(request, board)
    found = (
        Indicator.objects.filter(board=obj)
        .select_related("board", "priority", "priority__plan")
        .order_by(F("priority").asc(nulls_first=True), "position", "name")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_board(request, "indicators/indicator_list.html", obj, SECTION, {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, board: str, indicator: str | None = None) -> HttpResponse:
    obj = board_for_indicators(request, board, EDIT)
    instance = _indicator(obj, indicator) if indicator else Indicator(board=obj)
    form = IndicatorForm(
        request.POST if request.method == "POST" else None, instance=instance, board=obj
    )
    if form.is_valid():
        try:
            saved = services.indicator_save(indicator=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect(saved)
    history = (
        history_with_changes(Indicator.history.filter(id=instance.pk))  # type: ignore[attr-defined]
        if instance.pk
        else []
    )
    context = {"form": form, "indicator": instance if indicator else None, "history": history}
    return render_board(
        request,
        "indicators/indicator_form.html",
        obj,
        SECTION,
        context,
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_indicators(request: HttpRequest, board: str, plan: str, number: int) -> HttpResponse:
    """Choose, from the priority, the indicators that serve it."""
    obj = board_for_indicators(request, board, EDIT)
    priority = get_object_or_404(
        Priority.objects.select_related("plan", "plan__board"),
        plan__board=obj,
        plan__slug=plan,
        number=number,
    )
    form = PriorityIndicatorsForm(
        request.POST if request.method == "POST" else None,
        board=obj,
        initial={"indicators": list(Indicator.objects.filter(priority=priority))},
    )
    if form.is_valid():
        try:
            services.priority_indicators_set(
                priority=priority, indicators=form.cleaned_data["indicators"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The indicators serving priority {priority.number} saved.")
            return redirect(
                "priorities:priority", board=obj.slug, plan=priority.plan.slug, number=number
            )
    context = {"form": form, "priority": priority, "plan": priority.plan}
    return render_board(
        request,
        "indicators/priority_indicators.html",
        obj,
        SECTION,
        context,
        400 if form.is_bound else 200,
    )
