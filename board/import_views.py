"""The pages of a mapping import, the same for every importer (board.
importing): upload the file; choose its sheet, row of headings and what to
do with merged cells (only when there is a choice to make); say what each
column holds; say what each word means; see every row with its problems;
confirm. Nothing is saved before the confirm, and the confirm saves what
the preview showed or nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from board import importing
from board.access import get_board_or_404, render_board
from board.import_forms import FILL, ColumnsForm, LayoutForm, UploadForm, WordsForm
from board.importing import Importer, Pending
from board.models import Board
from core import mapping as m
from core import spreadsheets as sheets

EDIT = "board.edit_records"


def _importer(board: Board, kind: str, options: dict[str, Any] | None = None) -> Importer:
    found = importing.REGISTRY.get(kind)
    if found is None:
        raise Http404("Assure imports no spreadsheets of that kind.")
    return found(board, options)


def _render(
    request: HttpRequest,
    template: str,
    importer: Importer,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render_board(
        request,
        f"board/import/{template}",
        importer.board,
        importer.section,
        {"importer": importer, "kind": importer.kind, **context},
        status,
    )


def _start_again(request: HttpRequest, board: Board, kind: str) -> HttpResponse:
    messages.error(request, "That import has expired or was already saved. Upload the file again.")
    return redirect("board:import_upload", board=board.slug, kind=kind)


def _pending(request: HttpRequest, board: Board, kind: str) -> Pending | None:
    return importing.pending_of(request.session, kind=kind, board=board)


def _needs_layout(pending: Pending) -> bool:
    """Whether the file leaves a choice to make before its columns: several
    sheets with rows, merged cells below the headings, or headings that
    are not on the sheet's first row."""
    with_rows = [sheet for sheet in pending.sheets if sheet.rows]
    table = pending.table()
    return (
        len(with_rows) > 1
        or bool(table.merged)
        or pending.layout.header_row != pending.sheet.rows[0][0]
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    importer = _importer(obj, kind)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    saved = importing.remembered(board=obj, kind=kind)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.ASSURE_MAX_UPLOAD_BYTES
        try:
            if upload.size > limit:
                raise sheets.SpreadsheetError(
                    f"The file is {sheets.describe_size(upload.size)}; the largest Assure "
                    f"accepts is {sheets.describe_size(limit)}."
                )
            book = sheets.read_book(
                upload.name,
                upload.read(),
                max_rows=settings.ASSURE_IMPORT_MAX_ROWS,
                max_unpacked_bytes=settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
            )
        except sheets.SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            pending = Pending(kind=kind, board=obj.pk, name=upload.name, sheets=book)
            importing.start_mapping(importer, pending, saved)
            importing.pending_keep(request.session, pending)
            step = "board:import_layout" if _needs_layout(pending) else "board:import_columns"
            return redirect(step, board=obj.slug, kind=kind)
    return _render(
        request,
        "upload.html",
        importer,
        {
            "form": form,
            "saved": saved,
            "max_rows": f"{settings.ASSURE_IMPORT_MAX_ROWS:,}",
            "max_bytes": sheets.describe_size(settings.ASSURE_MAX_UPLOAD_BYTES),
            "max_unpacked": sheets.describe_size(settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES),
        },
        400 if form.is_bound else 200,
    )


#: How many rows of a sheet the layout page shows.
SHOWN_ROWS = 12


@login_required
@require_http_methods(["GET", "POST"])
def import_layout(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    importer = _importer(obj, kind)
    pending = _pending(request, obj, kind)
    if pending is None:
        return _start_again(request, obj, kind)
    initial = {
        "sheet": pending.layout.sheet,
        "header_row": pending.layout.header_row,
        "merged": FILL if pending.layout.unmerge else "",
    }
    form = LayoutForm(
        request.POST if request.method == "POST" else None, initial=initial, sheets=pending.sheets
    )
    if form.is_valid():
        changed = (form.cleaned_data["sheet"], form.cleaned_data["header_row"]) != (
            pending.layout.sheet,
            pending.layout.header_row,
        )
        pending.layout = m.Layout(
            sheet=form.cleaned_data["sheet"],
            header_row=form.cleaned_data["header_row"],
            unmerge=form.cleaned_data["merged"] == FILL,
        )
        if changed:
            importing.suggest_columns(importer, pending, importing.remembered(board=obj, kind=kind))
            pending.mapped = False
        importing.pending_keep(request.session, pending)
        return redirect("board:import_columns", board=obj.slug, kind=kind)
    shown = pending.sheet
    width = min(shown.width, 26)
    top = [
        (number, [m.text_of(v)[:40] for v in (values + [None] * width)[:width]])
        for number, values in shown.rows[:SHOWN_ROWS]
    ]
    return _render(
        request,
        "layout.html",
        importer,
        {
            "form": form,
            "pending": pending,
            "letters": [m.column_letter(i) for i in range(width)],
            "top": top,
            "merged": [sheet for sheet in pending.sheets if sheet.merged],
        },
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_columns(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    pending = _pending(request, obj, kind)
    if pending is None:
        return _start_again(request, obj, kind)
    importer = _importer(obj, kind, pending.options)
    table = pending.table()
    posted = request.method == "POST"
    form = ColumnsForm(
        request.POST if posted else None, importer=importer, table=table, mapping=pending.mapping
    )
    options = importer.options_form(
        request.POST if posted else None, initial=pending.options or None
    )
    problems: list[m.CellProblem] = []
    if posted and form.is_valid() and options.is_valid():
        pending.mapping.columns = form.mapped()
        problems = m.column_problems(table, pending.mapping, importer.fields)
        if not problems:
            pending.options = importer.options_of(options)
            pending.mapped = True
            saved = importing.remembered(board=obj, kind=kind)
            importing.suggest_words(_importer(obj, kind, pending.options), pending, table, saved)
            importing.pending_keep(request.session, pending)
            has_words = any(
                f.has_words and pending.mapping.columns_of(f.name) for f in importer.fields
            )
            step = "board:import_words" if has_words else "board:import_preview"
            return redirect(step, board=obj.slug, kind=kind)
    return _render(
        request,
        "columns.html",
        importer,
        {
            "form": form,
            "options": options,
            "pending": pending,
            "table": table,
            "problems": problems,
            "saved": importing.remembered(board=obj, kind=kind),
        },
        400 if posted else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_words(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    pending = _pending(request, obj, kind)
    if pending is None:
        return _start_again(request, obj, kind)
    if not pending.mapped:
        return redirect("board:import_columns", board=obj.slug, kind=kind)
    importer = _importer(obj, kind, pending.options)
    table = pending.table()
    groups = [
        (f, importing.words_for(importer, table, pending.mapping, f), importer.choices(f))
        for f in importer.fields
        if f.has_words and pending.mapping.columns_of(f.name)
    ]
    groups = [group for group in groups if group[1]]
    form = WordsForm(
        request.POST if request.method == "POST" else None,
        groups=groups,
        chosen=pending.mapping.words,
    )
    if form.is_valid():
        pending.mapping.words = form.words()
        importing.pending_keep(request.session, pending)
        return redirect("board:import_preview", board=obj.slug, kind=kind)
    return _render(
        request,
        "words.html",
        importer,
        {"form": form, "pending": pending},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET"])
def import_preview(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    pending = _pending(request, obj, kind)
    if pending is None:
        return _start_again(request, obj, kind)
    if not pending.mapped:
        return redirect("board:import_columns", board=obj.slug, kind=kind)
    importer = _importer(obj, kind, pending.options)
    preview = importing.run_preview(importer, pending)
    pending.digest = preview.digest
    importing.pending_keep(request.session, pending)
    return _render(
        request,
        "preview.html",
        importer,
        {"preview": preview, "pending": pending},
        200 if preview.valid else 400,
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, board: str, kind: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    pending = _pending(request, obj, kind)
    if pending is None or pending.token != request.POST.get("token") or not pending.digest:
        return _start_again(request, obj, kind)
    importer = _importer(obj, kind, pending.options)
    try:
        _, message = importing.import_save(importer=importer, pending=pending, user=request.user)
    except (importing.PreviewChanged, ValidationError):
        messages.error(
            request,
            "The board's records changed since the preview, so nothing was saved. Here is the "
            "preview as it stands now: check it and confirm again.",
        )
        return redirect("board:import_preview", board=obj.slug, kind=kind)
    importing.pending_drop(request.session, kind)
    messages.success(request, f"Imported {pending.name}: {message}")
    return redirect(importer.done_url())
