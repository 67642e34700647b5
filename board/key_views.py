"""The board's attendance key: the business manager's marks (code, words,
whether each counts as present and towards the percentage, in order), which
the matrix, the percentages, the annual report and the exports follow.
Chairs read the key; every change goes through board.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board import selectors, services
from board.access import get_board_or_404, render_board
from board.forms import AttendanceMarkForm, add_service_errors
from board.models import AttendanceMark, Board
from core.history import history_with_changes

READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "board:meetings"


def _mark(board: Board, key: str) -> AttendanceMark:
    """A mark of the board's key by its key, saved or (before the board has
    its own copy) of the default key."""
    found = next((m for m in selectors.attendance_key(board=board) if m.key == key), None)
    if found is None:
        raise Http404("No such mark.")
    found.board = board
    return found


@login_required
@require_GET
def attendance_key(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    marks = selectors.attendance_key(board=obj)
    uses = selectors.attendance_mark_uses(board=obj)
    rows = [(mark, uses.get(mark.key, 0)) for mark in marks]
    return render_board(
        request, "board/attendance_key.html", obj, SECTION, {"rows": rows, "own": bool(marks[0].pk)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_mark_edit(request: HttpRequest, board: str, key: str | None = None) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    mark = _mark(obj, key) if key else AttendanceMark(board=obj, present=False, counted=True)
    form = AttendanceMarkForm(request.POST if request.method == "POST" else None, instance=mark)
    if form.is_valid():
        try:
            saved = services.attendance_mark_save(mark=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Mark {saved.code} ({saved.words}) saved.")
            return redirect("board:attendance_key", board=obj.slug)
    history = history_with_changes(AttendanceMark.history.filter(id=mark.pk)) if mark.pk else []
    uses = services.attendance_mark_uses(mark=mark) if key else 0
    return render_board(
        request,
        "board/attendance_mark_form.html",
        obj,
        SECTION,
        {"form": form, "mark": mark, "history": history, "uses": uses},
        400 if form.is_bound else 200,
    )


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def attendance_mark_retire(request: HttpRequest, board: str, key: str) -> HttpResponse:
    """Retire a mark (or, with retired=0, offer it again)."""
    obj = get_board_or_404(request, board, EDIT)
    mark = _mark(obj, key)
    retired = request.POST.get("retired", "1") != "0"
    try:
        saved = services.attendance_mark_retire(mark=mark, retired=retired)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        done = "retired: past meetings keep it" if saved.retired else "offered again"
        messages.success(request, f"Mark {saved.code} ({saved.words}) {done}.")
    return redirect("board:attendance_key", board=obj.slug)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_mark_delete(request: HttpRequest, board: str, key: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    mark = _mark(obj, key)
    if request.method == "POST":
        try:
            services.attendance_mark_delete(mark=mark)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"Mark {mark.code} ({mark.words}) deleted.")
        return redirect("board:attendance_key", board=obj.slug)
    uses = services.attendance_mark_uses(mark=mark)
    return render_board(
        request, "board/attendance_mark_delete.html", obj, SECTION, {"mark": mark, "uses": uses}
    )


@login_required
@require_POST
def attendance_mark_move(request: HttpRequest, board: str, key: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    mark = _mark(obj, key)
    up = request.POST.get("direction") != "down"
    services.attendance_mark_move(mark=mark, up=up)
    return redirect("board:attendance_key", board=obj.slug)
