"""Setting a board up without the Django admin: an Admin adds and changes
boards and gives people access to them; the business manager keeps the
agencies. Every write goes through board.services or board.accounts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board import accounts, selectors, services
from board.access import get_board_or_404, render_board
from board.agency_uses import NAMED, agency_uses, by_kind
from board.forms import AccessForm, AgencyForm, BoardForm, add_service_errors
from board.models import (
    Agency,
    Board,
    BoardAccess,
    BoardAgency,
    Contribution,
    Member,
    ReportingYear,
)
from core import roles
from core.history import history_with_changes
from core.tables import PAGE_SIZE

MANAGE = "board.manage_boards"
READ = "board.read_records"
EDIT = "board.edit_records"
SECTION = "board:members"


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    """The page of `items` the query asks for; a page beyond either end
    gives the nearest end, so no `?page=` fails the page."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# Boards: the Admin's.


@login_required
@require_http_methods(["GET", "POST"])
def board_create(request: HttpRequest) -> HttpResponse:
    """Add a board. Only an Admin (or a superuser): everyone else is told
    there is no such page, as for a board they were not given."""
    if not request.user.has_perm(MANAGE):
        raise Http404("No such page.")
    form = BoardForm(_posted(request), instance=Board())
    if form.is_valid():
        try:
            saved = services.board_save(board=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{saved.name} added at /boards/{saved.slug}/. Give its business manager access "
                "to it, then set it up.",
            )
            return redirect("board:access", board=saved.slug)
    return render(
        request, "board/board_form.html", {"form": form, "board": None}, status=_status(form)
    )


def _status(form: Any) -> int:
    return 400 if form.is_bound else 200


@login_required
@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, MANAGE)
    form = BoardForm(_posted(request), instance=obj)
    if form.is_valid():
        try:
            saved = services.board_save(board=form.instance)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("reports:setup", board=saved.slug)
        obj.refresh_from_db()
    context = {"form": form, "history": history_with_changes(obj.history.all())}
    return render_board(request, "board/board_form.html", obj, SECTION, context, _status(form))


def _people_on(board: Board) -> Any:
    """The board's people with their roles: two queries a page."""
    from django.contrib.auth.models import Group as Role

    return (
        BoardAccess.objects.filter(board=board)
        .select_related("user")
        .prefetch_related(
            Prefetch("user__groups", queryset=Role.objects.filter(name__in=roles.ALL))
        )
        .order_by("user__first_name", "user__last_name", "user__username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def board_access(request: HttpRequest, board: str) -> HttpResponse:
    """Who can see the board, with their roles; give an existing account
    access. Accounts the Admin may not manage are listed but not offered."""
    obj = get_board_or_404(request, board, MANAGE)
    form = AccessForm(_posted(request))
    if form.is_valid():
        user = form.cleaned_data["account"]
        try:
            accounts.board_access_add(actor=request.user, user=user, board=obj)
        except ValidationError as exc:
            add_service_errors(form, ValidationError({"account": exc.messages}))
        else:
            name = user.get_full_name() or user.get_username()
            messages.success(request, f"{name} can now see {obj.name}.")
            return redirect("board:access", board=obj.slug)
    page = _page(request, _people_on(obj))
    managed = set(
        accounts.users_managed_by(request.user)
        .filter(pk__in=[a.user_id for a in page.object_list])
        .values_list("pk", flat=True)
    )
    context = {
        "form": form,
        "page": page,
        "managed": managed,
        "access_history": BoardAccess.history.filter(board_id=obj.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:50],
    }
    return render_board(request, "board/access.html", obj, SECTION, context, _status(form))


@login_required
@require_http_methods(["GET", "POST"])
def board_access_remove(request: HttpRequest, board: str, user: int) -> HttpResponse:
    obj = get_board_or_404(request, board, MANAGE)
    access = get_object_or_404(BoardAccess.objects.select_related("user"), board=obj, user_id=user)
    problems: list[str] = []
    if request.method == "POST":
        try:
            accounts.board_access_remove(actor=request.user, user=access.user, board=obj)
        except ValidationError as exc:
            problems = exc.messages
        else:
            name = access.user.get_full_name() or access.user.get_username()
            messages.success(request, f"{name} can no longer see {obj.name}.")
            return redirect("board:access", board=obj.slug)
    context = {"access": access, "problems": problems}
    return render_board(
        request, "board/access_remove.html", obj, SECTION, context, 400 if problems else 200
    )


# Agencies: the business manager's, shared by every board.


def _agency_page(request: HttpRequest, board: Board, wanted: str) -> Page[Any]:
    """A page of the board's own agencies, or of every agency in Assure whose
    name holds `wanted` (to find one to add), each with how many of this
    board's seats name it, whether it is on the board's list of partner
    agencies, and whether other boards' records name it. Read for the page's
    agencies only (by index), never by joining every board's seats: seven
    queries a page, whatever the number of boards."""
    if wanted:
        agencies_q = Agency.objects.filter(
            Q(name__icontains=wanted) | Q(short_name__iexact=wanted)
        ).order_by("name")
    else:
        agencies_q = selectors.partner_agencies(board=board)
    page = _page(request, agencies_q)
    agencies = list(page.object_list)
    ids = [a.pk for a in agencies]
    partners = set(
        BoardAgency.objects.filter(board=board, agency_id__in=ids).values_list(
            "agency_id", flat=True
        )
    )
    here = Counter(
        Member.objects.filter(board=board, agency_id__in=ids).values_list("agency_id", flat=True)
    )
    elsewhere = (
        set(
            Member.objects.filter(agency_id__in=ids)
            .exclude(board=board)
            .values_list("agency_id", flat=True)
            .distinct()
        )
        | set(
            Contribution.objects.filter(agency_id__in=ids)
            .exclude(board=board)
            .values_list("agency_id", flat=True)
            .distinct()
        )
        | set(
            BoardAgency.objects.filter(agency_id__in=ids)
            .exclude(board=board)
            .values_list("agency_id", flat=True)
            .distinct()
        )
    )
    for agency in agencies:
        agency.seats_here = here[agency.pk]  # type: ignore[attr-defined]
        agency.partner = agency.pk in partners  # type: ignore[attr-defined]
        agency.other_boards = agency.pk in elsewhere  # type: ignore[attr-defined]
    page.object_list = agencies
    return page


@login_required
@require_GET
def agency_list(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    # Printable characters only: PostgreSQL refuses a NUL in a query's text.
    typed = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable())
    wanted = " ".join(typed.split())[:200]
    page = _agency_page(request, obj, wanted)
    # Who added an agency to the list or took one off, and when: the last
    # twenty changes, in one query.
    changes = (
        BoardAgency.history.filter(board_id=obj.pk)
        .select_related("history_user", "agency")
        .order_by("-history_date", "-history_id")[:20]
    )
    context = {"page": page, "wanted": wanted, "list_history": changes}
    return render_board(request, "board/agency_list.html", obj, SECTION, context)


@login_required
@require_POST
def agency_add(request: HttpRequest, board: str, agency: str) -> HttpResponse:
    """Bring an agency already in Assure onto this board's list of partner
    agencies, so the board's forms offer it."""
    obj = get_board_or_404(request, board, EDIT)
    found = get_object_or_404(Agency, slug=agency)
    if services.board_agencies_add(board=obj, agencies=[found]):
        messages.success(request, f"{found.name} added to {obj.name}'s agencies.")
    else:
        messages.success(request, f"{found.name} is already one of {obj.name}'s agencies.")
    return redirect("board:agency_list", board=obj.slug)


@login_required
@require_http_methods(["GET", "POST"])
def agency_remove(request: HttpRequest, board: str, agency: str) -> HttpResponse:
    """Take an agency off this board's list (it left the partnership, or was
    added by mistake). The page says first whether the board still uses it,
    naming the records and linking to them; a POST then takes it off, or is
    refused for the same reason and changes nothing."""
    obj = get_board_or_404(request, board, EDIT)
    link = get_object_or_404(
        BoardAgency.objects.select_related("agency"), board=obj, agency__slug=agency
    )
    found = link.agency
    year = ReportingYear.span_of(timezone.localdate())
    uses = agency_uses(board=obj, agency=found, year=year)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.board_agency_remove(board=obj, agency=found)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                f"{found.name} taken off {obj.name}'s agencies: its forms no longer offer it. "
                "Past records that name it keep it.",
            )
            return redirect("board:agency_list", board=obj.slug)
    context = {
        "agency": found,
        "uses": by_kind(uses),
        "year": year,
        "named": NAMED,
        "problems": problems,
    }
    return render_board(
        request, "board/agency_remove.html", obj, SECTION, context, 400 if problems else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, board: str, agency: str | None = None) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    instance = get_object_or_404(Agency, slug=agency) if agency else Agency()
    changeable = [
        b for b in selectors.boards_for_user(user=request.user) if request.user.has_perm(EDIT, b)
    ]
    form = AgencyForm(_posted(request), instance=instance)
    if form.is_valid():
        try:
            saved = services.agency_save(
                agency=form.instance, changeable=changeable, board=None if instance.pk else obj
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("board:agency_list", board=obj.slug)
    history = history_with_changes(Agency.history.filter(id=instance.pk)) if instance.pk else []
    context = {"form": form, "agency": instance, "history": history}
    return render_board(request, "board/agency_form.html", obj, SECTION, context, _status(form))
