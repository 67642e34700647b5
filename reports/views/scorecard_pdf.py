"""The scorecard as a document: the page listing the board's scorecard
documents (where a chair or business manager asks for a new one), a
document's progress while it is built in the background, its publication
by the business manager, and its stored files. Board-internal, as the
scorecard is: for partners none of these pages exists (404), except the
files of a published document, which they download from the board's home
page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board.access import get_board_or_404, render_board
from indicators.views import board_for_indicators
from reports import scorecard_documents as documents
from reports.models import ScorecardDocument
from reports.views import files

NAV = "reports:scorecard"
SEE = "board.see_board"
READ = "board.read_records"
EDIT = "board.edit_records"


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_documents(request: HttpRequest, board: str) -> HttpResponse:
    """GET lists the board's latest documents; POST asks for a new one (or
    joins the build under way) and goes to its progress."""
    obj = board_for_indicators(request, board)
    if request.method == "POST":
        try:
            document = documents.document_request(board=obj, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect(document.get_absolute_url())
    return render_board(
        request,
        "reports/scorecard_documents/list.html",
        obj,
        NAV,
        {"documents": documents.documents_for_board(board=obj)},
    )


@login_required
@require_GET
def scorecard_document(request: HttpRequest, board: str, document: int) -> HttpResponse:
    """The build's progress; while it runs, htmx asks again every two
    seconds for the status block alone (no inline script)."""
    obj = board_for_indicators(request, board)
    found = documents.document_or_404(board=obj, document_id=document)
    template = (
        "reports/scorecard_documents/_status.html"
        if request.headers.get("HX-Request")
        else "reports/scorecard_documents/document.html"
    )
    return render_board(request, template, obj, NAV, {"document": found})


@login_required
@require_POST
def scorecard_document_publish(request: HttpRequest, board: str, document: int) -> HttpResponse:
    """The business manager publishes a finished document to partners."""
    obj = board_for_indicators(request, board, EDIT)
    found = documents.document_or_404(board=obj, document_id=document)
    try:
        documents.document_publish(document=found, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The scorecard is published to the board's partners.")
    return redirect(found.get_absolute_url())


@login_required
@require_GET
def scorecard_document_file(
    request: HttpRequest, board: str, document: int, fmt: str
) -> HttpResponseBase:
    """A finished document's stored file, exactly as stored and checked
    against its SHA-256 (sent in the Repr-Digest header). Partners reach
    only the files of a published document."""
    obj = get_board_or_404(request, board, SEE)
    if fmt not in ScorecardDocument.FORMATS:
        raise Http404("No such format.")
    found = documents.document_or_404(board=obj, document_id=document)
    if not request.user.has_perm(READ, obj) and not found.is_published:
        raise Http404("No such document.")
    if found.status != ScorecardDocument.Status.SUCCEEDED or not found.path(fmt):
        raise Http404("This document has no file yet.")
    back = (
        found.get_absolute_url()
        if request.user.has_perm(READ, obj)
        else reverse("board:home", kwargs={"board": obj.slug})
    )
    return files.serve(request, files.scorecard_file(found, fmt, back), public=False)
