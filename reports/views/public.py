"""The board's public page and its files, for anyone, signed in or not,
once the business manager has turned the page on; and the business
manager's page that turns it on or off.

The public views ask for no sign-in and keep nothing in a session: they
read the board (reports.public.public_board_or_404), what it published, and
the stored files, checked against their SHA-256 before they are sent.
Everything unpublished, and every page of a board whose public page is off,
is a 404 exactly like a board that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from board.access import get_board_or_404, render_board
from board.forms import add_service_errors
from reports import public
from reports.annual_forms import PublicPageForm
from reports.models import ScorecardDocument, Snapshot
from reports.views import files

#: The public page's list may be kept this long by a browser or a cache.
LIST_MAX_AGE = 5 * 60


@require_safe
def public_board(request: HttpRequest, board: str) -> HttpResponse:
    """The board's published annual reports (every version) and scorecards,
    each file with its SHA-256 and the day it was published."""
    found = public.public_board_or_404(board)
    response = render(
        request,
        "reports/public/board.html",
        {"listing": public.public_listing(board=found), "public_board": found},
    )
    patch_cache_control(response, public=True, max_age=LIST_MAX_AGE)
    return response


@require_safe
def public_snapshot_file(
    request: HttpRequest, board: str, year: str, version: int, fmt: str
) -> HttpResponseBase:
    found = public.public_board_or_404(board)
    if fmt not in Snapshot.FORMATS:
        raise Http404("No such format.")
    snapshot = public.public_snapshot_or_404(board=found, year=year, version=version)
    back = reverse("public:board", kwargs={"board": found.slug})
    return files.serve(request, files.snapshot_file(snapshot, fmt, back), public=True)


@require_safe
def public_scorecard_file(
    request: HttpRequest, board: str, document: int, fmt: str
) -> HttpResponseBase:
    found = public.public_board_or_404(board)
    if fmt not in ScorecardDocument.FORMATS:
        raise Http404("No such format.")
    scorecard = public.public_scorecard_or_404(board=found, document_id=document)
    if not scorecard.path(fmt):
        raise Http404("This scorecard has no such file.")  # made before its CSV and JSON were
    back = reverse("public:board", kwargs={"board": found.slug})
    return files.serve(request, files.scorecard_file(scorecard, fmt, back), public=True)


@login_required
@require_http_methods(["GET", "POST"])
def public_page(request: HttpRequest, board: str) -> HttpResponse:
    """The business manager turns the board's public page on or off."""
    obj = get_board_or_404(request, board, public.EDIT)
    page = public.public_page_of(board=obj)
    form = PublicPageForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": "on" if page.enabled else "off"},
    )
    if form.is_valid():
        try:
            page = public.public_page_set(
                board=obj, enabled=form.cleaned_data["enabled"] == "on", user=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "The public page is on." if page.enabled else "The public page is off.",
            )
            return redirect(reverse("reports:annual_reports", kwargs={"board": obj.slug}))
    return render_board(
        request,
        "reports/public/settings.html",
        obj,
        "reports:annual_reports",
        {"form": form, "page": page, "history": public.public_page_history(board=obj)},
        400 if form.is_bound else 200,
    )
