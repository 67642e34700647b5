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
from core.history import history_with_changes
from core.spreadsheets import describe_size, spreadsheet_response
from core.tables import configure_table
from training import columns, selectors, services, spreadsheets
from training.forms import (
    ColumnsForm,
    CourseForm,
    ImpactForm,
    ImportForm,
    StatedFigureForm,
    TrainingFiguresForm,
    owners_for,
)
from training.models import Mode, TrainingCourse
from training.tables import CourseTable

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
            "agency_tables": selectors.agencies_for_year(board=obj, year=year),
            "course_count": selectors.course_count(board=obj, year=year),
            "places_filled": selectors.PLACES_FILLED,
            "attended_of_booked": selectors.ATTENDED_OF_BOOKED,
            "by_attendance": selectors.BY_ATTENDANCE,
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
#: The file uploaded, waiting while the person says what its columns hold.
UPLOAD_SESSION_KEY = "assure-training-upload"
#: What a person chose for a heading earlier in the session, per board:
#: offered again for the next file (a corrected one, say).
COLUMNS_SESSION_KEY = "assure-training-columns"


def _import_context(obj: Board, year: Any) -> dict[str, Any]:
    return {
        "year": year,
        "max_rows": f"{settings.ASSURE_IMPORT_MAX_ROWS:,}",
        "max_unpacked": describe_size(settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES),
        "max_size": describe_size(settings.ASSURE_MAX_UPLOAD_BYTES),
        "period_columns": [c for c in columns.PERIOD_COLUMNS if c != "Early cancellations"],
        "course_columns": list(columns.COURSE_COLUMNS),
    }


def _pending_upload(request: HttpRequest, obj: Board) -> tuple[str, columns.Upload] | None:
    pending: dict[str, Any] | None = request.session.get(UPLOAD_SESSION_KEY)
    if not pending or pending.get("board") != obj.pk:
        return None
    return pending["token"], columns.Upload.from_json(pending["upload"])


def _remembered(request: HttpRequest, obj: Board) -> dict[str, str]:
    return dict(request.session.get(COLUMNS_SESSION_KEY, {}).get(str(obj.pk), {}))


def _remember(request: HttpRequest, obj: Board, kind: str, chosen: list[columns.Choice]) -> None:
    """Keep what the person chose for each heading Assure did not know, to
    offer for the next file this session."""
    kept = request.session.get(COLUMNS_SESSION_KEY, {})
    board_kept = kept.setdefault(str(obj.pk), {})
    for choice in chosen:
        if choice.heading and choice.target and not columns.recognise(kind, choice.heading):
            board_kept[f"{kind}:{columns.folded(choice.heading)}"] = choice.target
    request.session[COLUMNS_SESSION_KEY] = kept


def _preview_response(
    request: HttpRequest,
    obj: Board,
    year: Any,
    token: str,
    upload: columns.Upload,
    chosen: list[columns.Choice],
    form: ImportForm,
) -> HttpResponse:
    """The preview of an upload read as `chosen` says; a preview with no
    errors waits in the session for the confirm."""
    rows, headings = columns.apply(upload, chosen)
    preview = spreadsheets.preview_import(obj, upload.kind, rows, headings)
    confirm = None
    if preview.valid:
        # The rows (plain JSON) wait in the session for the confirm, which
        # checks them again against the figures as they are then.
        confirm = secrets.token_urlsafe(16)
        request.session[IMPORT_SESSION_KEY] = {
            "token": confirm,
            "board": obj.pk,
            "kind": upload.kind,
            "rows": rows,
            "headings": headings,
            "name": upload.name,
        }
    agencies = {a.slug: a for a in selectors.known_agencies(board=obj)}
    readings = [(choice, columns.target_label(choice.target, agencies)) for choice in chosen]
    return render_board(
        request,
        "training/import.html",
        obj,
        "training:training",
        {
            **_import_context(obj, year),
            "form": form,
            "preview": preview,
            "token": confirm,
            "upload_token": token,
            "readings": readings,
            "file_name": upload.name,
        },
        200 if preview.valid else 400,
    )


def _columns_response(
    request: HttpRequest,
    obj: Board,
    year: Any,
    token: str,
    upload: columns.Upload,
    form: ColumnsForm,
    general: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_board(
        request,
        "training/import_columns.html",
        obj,
        "training:training",
        {
            **_import_context(obj, year),
            "form": form,
            "upload": upload,
            "upload_token": token,
            "general": general or [],
            "unknown": [c for c in form.choices if not c.recognised],
            "kinds": columns.KINDS,
        },
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_import(request: HttpRequest, board: str) -> HttpResponse:
    """Upload a spreadsheet of period figures or of courses. When Assure
    knows every column, the preview follows at once; otherwise the page
    names the columns it does not know and asks what they hold. Nothing is
    saved here."""
    obj = _board(request, board, EDIT)
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            columns.check_size(upload_file.size)  # before reading it into memory
            upload = columns.read_upload(upload_file.name, upload_file.read())
        except columns.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            request.session[UPLOAD_SESSION_KEY] = {
                "token": token,
                "board": obj.pk,
                "upload": upload.as_json(),
            }
            request.session.pop(IMPORT_SESSION_KEY, None)
            agencies = selectors.known_agencies(board=obj)
            chosen = columns.suggest(upload, agencies, _remembered(request, obj))
            per_column, general = columns.mapping_problems(upload.kind, chosen)
            if not per_column and not general:
                return _preview_response(request, obj, year, token, upload, chosen, ImportForm())
            # The columns Assure does not know are asked about; a column the
            # file needs and seems to lack is said at once, since one of them
            # may hold it.
            columns_form = ColumnsForm(kind=upload.kind, choices=chosen, agencies=agencies)
            return _columns_response(request, obj, year, token, upload, columns_form, general)
    return render_board(
        request,
        "training/import.html",
        obj,
        "training:training",
        {**_import_context(obj, year), "form": form, "preview": None, "token": None},
        400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_import_columns(request: HttpRequest, board: str) -> HttpResponse:
    """Say what each column of the uploaded file holds: one of Assure's
    columns, an agency's delegates, or nothing to import. Then the preview."""
    obj = _board(request, board, EDIT)
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    pending = _pending_upload(request, obj)
    if pending is None or (
        request.method == "POST" and request.POST.get("upload_token") != pending[0]
    ):
        messages.error(request, "That file has expired or was replaced. Upload it again.")
        return redirect("training:import", board=obj.slug)
    token, upload = pending
    agencies = selectors.known_agencies(board=obj)
    if request.method == "GET":
        chosen = columns.suggest(upload, agencies, _remembered(request, obj))
        form = ColumnsForm(kind=upload.kind, choices=chosen, agencies=agencies)
        return _columns_response(request, obj, year, token, upload, form)
    kind = request.POST.get("kind")
    if kind in columns.KINDS and kind != upload.kind:
        # Another kind of file has other columns: offer them, and change nothing else.
        upload.kind = kind
        request.session[UPLOAD_SESSION_KEY] = {
            "token": token,
            "board": obj.pk,
            "upload": upload.as_json(),
        }
        chosen = columns.suggest(upload, agencies, _remembered(request, obj))
        form = ColumnsForm(kind=kind, choices=chosen, agencies=agencies)
        return _columns_response(request, obj, year, token, upload, form)
    chosen = columns.suggest(upload, agencies, _remembered(request, obj))
    form = ColumnsForm(request.POST, kind=upload.kind, choices=chosen, agencies=agencies)
    if not form.is_valid():
        return _columns_response(request, obj, year, token, upload, form, status=400)
    chosen = form.chosen()
    per_column, general = columns.mapping_problems(upload.kind, chosen)
    for index, message in per_column.items():
        form.add_error(f"column-{index}", message)
    if per_column or general:
        return _columns_response(request, obj, year, token, upload, form, general, 400)
    _remember(request, obj, upload.kind, chosen)
    return _preview_response(request, obj, year, token, upload, chosen, ImportForm())


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
        preview = spreadsheets.import_save(
            board=obj,
            kind=pending["kind"],
            rows=pending["rows"],
            headings=pending.get("headings"),
        )
    except (ValueError, ValidationError, IntegrityError):  # a colleague's save in between
        messages.error(
            request,
            "The training figures changed since the preview and the import no longer checks "
            "out, so nothing was saved. Upload the file again to see why.",
        )
        return redirect("training:import", board=obj.slug)
    del request.session[IMPORT_SESSION_KEY]
    request.session.pop(UPLOAD_SESSION_KEY, None)
    noun = preview.noun
    text = (
        f"Imported {pending['name']}: {preview.created} {noun} added, {preview.changed} changed, "
        f"{preview.unchanged} unchanged."
    )
    if preview.periods:
        text += f" {len(preview.periods)} periods added up from their courses."
    messages.success(request, text)
    url = reverse(
        "training:courses" if preview.kind == columns.COURSES else "training:training",
        kwargs={"board": obj.slug},
    )
    year = next((r.record.year.label for r in preview.rows if r.record is not None), None)
    return redirect(f"{url}?year={year}" if year else url)


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


# Courses --------------------------------------------------------------------------------


def _courses_url(obj: Board, year_label: str) -> str:
    return f"{reverse('training:courses', kwargs={'board': obj.slug})}?year={year_label}"


@login_required
@require_GET
def courses(request: HttpRequest, board: str) -> HttpResponse:
    """The year's courses, each with its sessions, places, bookings,
    attendance, no-shows, cancellations, the two rates computed from them
    (a rate the unit states beside each) and its delegates by agency."""
    obj = _board(request, board, READ)
    year, years = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    mode = request.GET.get("mode") or ""
    if mode not in Mode.values:
        mode = ""
    table = CourseTable(
        selectors.courses_for_year(board=obj, year=year, mode=mode or None),
        board_slug=obj.slug,
        can_edit=request.user.has_perm(EDIT, obj),
    )
    configure_table(request, table, exportable=False)
    return render_board(
        request,
        "training/courses.html",
        obj,
        "training:training",
        {
            "year": year,
            "years": years,
            "mode": mode,
            "modes": Mode.choices,
            "table": table,
            "places_filled": selectors.PLACES_FILLED,
            "attended_of_booked": selectors.ATTENDED_OF_BOOKED,
        },
    )


@login_required
@require_GET
def courses_export(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    """The year's courses as CSV or XLSX in the layout the course import
    reads, with the rates Assure computes and the delegates by agency."""
    obj = _board(request, board, READ)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Courses download as CSV or XLSX.")
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    return spreadsheets.courses_response(board=obj, year=year, fmt=fmt)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, board: str, course: int | None = None) -> HttpResponse:
    """Add a course, or change one: its figures, the rates the unit states
    and its delegates by agency. Its period is added up again."""
    obj = _board(request, board, EDIT)
    year, _ = selectors.training_year_choice(board=obj, label=request.GET.get("year"))
    record = TrainingCourse()
    counts: dict[Any, int] = {}
    if course is not None:
        found = selectors.course_of(board=obj, pk=course)
        if found is None:
            raise Http404("No such course.")
        record = found
        counts = services.course_agency_counts([record.pk]).get(record.pk, {})
    agencies = selectors.known_agencies(board=obj)
    initial = CourseForm.initial_for(record, counts) if record.pk else {"sessions": 1}
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        owners=owners_for(obj),
        agencies=agencies,
        initial=initial,
    )
    if form.is_valid():
        changes = form.apply(record)
        try:
            services.course_record(course=record, agencies=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{record} saved.")
            return redirect(_courses_url(obj, record.year.label))
    history = history_with_changes(TrainingCourse.history.filter(id=record.pk)) if record.pk else []
    return render_board(
        request,
        "training/course_form.html",
        obj,
        "training:training",
        {
            "form": form,
            "course": record if record.pk else None,
            "year": record.year if record.pk and record.year_id else year,
            "history": history,
        },
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_remove(request: HttpRequest, board: str, course: int) -> HttpResponse:
    """Remove a course after asking; its period is added up again from the
    courses left."""
    obj = _board(request, board, EDIT)
    record = selectors.course_of(board=obj, pk=course)
    if record is None:
        raise Http404("No such course.")
    if request.method == "POST":
        year = record.year.label
        record._history_user = request.user  # type: ignore[attr-defined]
        services.course_remove(course=record)
        messages.success(request, f"{record} removed.")
        return redirect(_courses_url(obj, year))
    return render_board(
        request, "training/course_remove.html", obj, "training:training", {"course": record}
    )
