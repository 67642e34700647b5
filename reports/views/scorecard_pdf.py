"""The scorecard as a document: the page listing the board's scorecard
documents (where a chair or business manager asks for a new one), a
document's progress while it is built in the background, and its stored
files. Board-internal, as the scorecard is: for partners none of these
pages exists (404)."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from board.access import render_board
from indicators.views import board_for_indicators
from reports import scorecard_documents as documents
from reports.models import ScorecardDocument

NAV = "reports:scorecard"

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


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
@require_GET
def scorecard_document_file(
    request: HttpRequest, board: str, document: int, fmt: str
) -> HttpResponseBase:
    """A finished document's stored file, exactly as stored, with its
    SHA-256 in the Repr-Digest header."""
    obj = board_for_indicators(request, board)
    if fmt not in ScorecardDocument.FORMATS:
        raise Http404("No such format.")
    found = documents.document_or_404(board=obj, document_id=document)
    if found.status != ScorecardDocument.Status.SUCCEEDED or not found.path(fmt):
        raise Http404("This document has no file yet.")
    path = documents.absolute(found, fmt)
    if not path.is_file():
        raise Http404("The file is missing.")
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES[fmt],
        as_attachment=fmt == "pdf",
        filename=path.name,
    )
    try:
        digest = base64.b64encode(binascii.unhexlify(found.sha256(fmt))).decode()
    except (binascii.Error, ValueError):
        digest = ""
    if digest:
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["Cache-Control"] = "private, max-age=0"
    return response
