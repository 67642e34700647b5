"""Board pages. Each view starts by fetching the board through
get_board_or_404, which checks the person may see it (and do this on it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from board import selectors, services, terms
from board.access import board_entry_url, get_board_or_404, render_board
from board.filters import MemberFilter, RiskFilter
from board.forms import (
    AttendanceForm,
    ContributionForm,
    GroupForm,
    GroupYearForm,
    LogoForm,
    MeetingForm,
    MemberEndForm,
    MemberForm,
    MemberSucceedForm,
    PublishedTotalForm,
    ReportingYearForm,
    RiskForm,
    add_service_errors,
)
from board.models import (
    Board,
    Contribution,
    Group,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
)
from board.rules import is_chair
from board.tables import AgencyTable, MemberTable, RiskTable, attendance_sheet
from core.history import history_with_changes
from core.page_cache import cached_page
from core.spreadsheets import spreadsheet_response
from core.tables import configure_table

READ = "board.read_records"
EDIT = "board.edit_records"


@login_required
def site_home(request: HttpRequest) -> HttpResponse:
    """The boards this person may open; straight to it when there is one
    (for an independent chair, straight to its chair's dashboard)."""
    boards = selectors.boards_for_user(user=request.user)
    if len(boards) == 1:
        if is_chair(request.user) and request.user.has_perm(READ, boards[0]):
            return redirect("reports:dashboard", board=boards[0].slug)
        return redirect(board_entry_url(request.user, boards[0]))
    entries = [(b, board_entry_url(request.user, b)) for b in boards]
    context = {"boards": entries, "can_add_board": request.user.has_perm("board.manage_boards")}
    return render(request, "board/site_home.html", context)


@login_required
@require_GET
def switch_board(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("board", "")
    for board in selectors.boards_for_user(user=request.user):
        if board.slug == slug:
            return redirect(board_entry_url(request.user, board))
    raise Http404("No such board.")


@login_required
@require_GET
@cached_page
def home(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board)
    context: dict[str, object] = {}
    if request.user.has_perm(READ, obj):
        upcoming, last = selectors.next_and_last_meeting(board=obj)
        today = timezone.localdate()
        context = {
            "office_holders": selectors.office_holders(board=obj, day=today),
            "membership": selectors.membership_summary(board=obj, day=today),
            "groups": selectors.groups_for_board(board=obj),
            "next_meeting": upcoming,
            "last_meeting": last,
        }
    return render_board(request, "board/home.html", obj, "board:home", context)


@login_required
@require_GET
def members(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    member_filter = MemberFilter(
        request.GET, queryset=selectors.members_for_board(board=obj), board=obj, day=today
    )
    table = MemberTable(member_filter.qs, day=today)
    if member_filter.shown != "all":
        table.empty_text = _no_seats_shown(member_filter.shown, today)
    if export := configure_table(request, table, filename=f"{obj.slug}-members"):
        return export
    agencies = AgencyTable(selectors.agencies_for_board(board=obj), prefix="agency-")
    configure_table(request, agencies, exportable=False)
    return render_board(
        request,
        "board/members.html",
        obj,
        "board:members",
        {
            "filter": member_filter,
            "table": table,
            "agencies": agencies,
            "shown": member_filter.shown,
            "today": today,
        },
    )


def _no_seats_shown(shown: str, today: Any) -> str:
    """What an empty list of seats says when the board has seats of another kind."""
    day = f"{today:%-d %B %Y}"
    return {
        "current": f"No seat is known to be held on {day}. Seats from past reports are "
        "listed under past seats, each with the year a report last records it.",
        "upcoming": f"No seat starts after {day}.",
        "past": f"No seat had ended by {day}.",
    }.get(shown, "No members have been recorded for this board.")


def _group_and_year(
    request: HttpRequest, board: Board
) -> tuple[Group | None, ReportingYear, GroupYearForm]:
    """The group and year asked for, or where the page opens by default."""
    years = selectors.year_choices()
    form = GroupYearForm(request.GET or None, board=board, years=years)
    if form.is_bound and form.is_valid():
        year = next(y for y in years if y.label == form.cleaned_data["year"])
        return form.cleaned_data["group"], year, form
    group, year = selectors.default_group_and_year(board=board)
    years = selectors.year_choices(year, saved=years)
    initial = {"group": group.slug, "year": year.label} if group else None
    return group, year, GroupYearForm(initial=initial, board=board, years=years)


@login_required
@require_GET
def meetings(request: HttpRequest, board: str) -> HttpResponse:
    """A group's meetings in a reporting year, with the attendance matrix."""
    obj = get_board_or_404(request, board, READ)
    group, year, form = _group_and_year(request, obj)
    matrix = selectors.attendance_matrix(group=group, year=year, board=obj) if group else None
    return render_board(
        request, "board/meetings.html", obj, "board:meetings", {"form": form, "matrix": matrix}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    form = MeetingForm(request.POST if request.method == "POST" else None, board=obj)
    if form.is_valid():
        try:
            meeting = services.meeting_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Meeting of {meeting.group} on {meeting.date:%-d %B %Y} added."
            )
            return redirect("board:attendance", board=obj.slug, meeting=meeting.pk)
    status = 400 if form.is_bound else 200
    return render_board(
        request, "board/meeting_form.html", obj, "board:meetings", {"form": form}, status
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, board: str, meeting: int) -> HttpResponse:
    """Record a whole meeting's attendance in one form."""
    obj = get_board_or_404(request, board, EDIT)
    meeting_obj = get_object_or_404(
        Meeting.objects.select_related("group"), pk=meeting, group__boards=obj
    )
    year = selectors.year_holding(meeting_obj.date)
    matrix = selectors.attendance_matrix(group=meeting_obj.group, year=year, board=obj)
    seats = [row.member for row in matrix.rows]
    index = matrix.meetings.index(meeting_obj)
    current = {row.member.pk: cell for row in matrix.rows if (cell := row.cells[index])}
    keys = {row.member.board_id: list(row.marks.values()) for row in matrix.rows}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, seats=seats, current=current, keys=keys
    )
    if form.is_valid():
        try:
            changed = services.attendance_record(meeting=meeting_obj, marks=form.marks())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Attendance saved for {meeting_obj}: {len(changed)} marks changed."
            )
            url = reverse("board:meetings", kwargs={"board": obj.slug})
            return redirect(f"{url}?group={meeting_obj.group.slug}&year={year.label}")
    status = 400 if form.is_bound else 200
    return render_board(
        request,
        "board/attendance_form.html",
        obj,
        "board:meetings",
        {"form": form, "meeting": meeting_obj, "year": year, "legend": matrix.legend},
        status,
    )


@login_required
@require_GET
def attendance_export(request: HttpRequest, board: str, fmt: str) -> HttpResponse:
    """A group's attendance matrix for a year as CSV or XLSX, in the board's
    key: a row per seat, a column per meeting headed by its date, the
    mark's code in each cell. The attendance import reads this layout back."""
    obj = get_board_or_404(request, board, READ)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Attendance downloads as CSV or XLSX.")
    group, year, form = _group_and_year(request, obj)
    if group is None or (form.is_bound and not form.is_valid()):
        raise Http404("No such group or year.")
    matrix = selectors.attendance_matrix(group=group, year=year, board=obj)
    return spreadsheet_response(
        attendance_sheet(matrix),
        fmt=fmt,
        filename=f"{obj.slug}-{group.slug}-attendance-{year.label}",
        sheet_title="Attendance",
    )


@login_required
@require_GET
def budget(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    year, years = selectors.budget_year(board=obj, label=request.GET.get("year"))
    figures = selectors.budget_for_year(board=obj, year=year)
    return render_board(
        request,
        "board/budget.html",
        obj,
        "board:budget",
        {"years": years, "year": year, "budget": figures},
    )


@login_required
@require_GET
def risks(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    risk_filter = RiskFilter(request.GET, queryset=selectors.risks_for_board(board=obj))
    table = RiskTable(risk_filter.qs)
    if export := configure_table(request, table, filename=f"{obj.slug}-risk-log"):
        return export
    return render_board(
        request, "board/risks.html", obj, "board:risks", {"filter": risk_filter, "table": table}
    )


@login_required
@require_GET
def risk_detail(request: HttpRequest, board: str, ref: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    risk = get_object_or_404(Risk, board=obj, ref=ref)
    history = history_with_changes(risk.history.all())
    return render_board(
        request, "board/risk_detail.html", obj, "board:risks", {"risk": risk, "history": history}
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, board: str, ref: str | None = None) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    risk = get_object_or_404(Risk, board=obj, ref=ref) if ref else Risk(board=obj)
    form = RiskForm(request.POST if request.method == "POST" else None, instance=risk, board=obj)
    if form.is_valid():
        saved = services.risk_save(risk=form.save(commit=False), board=obj)
        messages.success(request, f"Risk {saved.ref} saved.")
        return redirect(saved)
    status = 400 if form.is_bound else 200
    return render_board(
        request, "board/risk_form.html", obj, "board:risks", {"form": form, "risk": risk}, status
    )


# The business manager keeps the board's own records: seats, groups,
# reporting years and the budget. Chairs read these pages; every save goes
# through a service, which holds the rules.


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _boards_user_changes(request: HttpRequest) -> list[Board]:
    """The boards whose records this person changes: a business manager's own."""
    return [
        b for b in selectors.boards_for_user(user=request.user) if request.user.has_perm(EDIT, b)
    ]


@login_required
@require_GET
def member_list(request: HttpRequest, board: str) -> HttpResponse:
    """The board's seats that are current on today's date, or those starting
    later, past or all (`?seats=`)."""
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    shown = request.GET.get("seats", "current")
    if shown not in terms.SHOWN:
        shown = "current"
    seats = selectors.seats_for_board(board=obj, day=today)
    counts = selectors.seat_counts_of(seats)
    return render_board(
        request,
        "board/member_list.html",
        obj,
        "board:members",
        {
            "seats": [seat for seat in seats if selectors.seat_shown(seat, shown)],
            "shown": shown,
            "choices": [(key, label, counts[key]) for key, label in terms.SHOWN.items()],
            "empty": _no_seats_shown(shown, today) if seats else "",
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, board: str, member: int | None = None) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    seat = get_object_or_404(Member, pk=member, board=obj) if member else Member(board=obj)
    form = MemberForm(_posted(request), instance=seat, board=obj)
    if form.is_valid():
        try:
            saved = services.member_save(member=form.instance, groups=form.cleaned_data["groups"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.label} saved.")
            return redirect("board:member_list", board=obj.slug)
    history = (
        selectors.history_naming_related(Member.history.filter(id=seat.pk), Groups=Group)
        if seat.pk
        else []
    )
    state = terms.seat_state(seat, day=timezone.localdate()) if seat.pk else None
    return render_board(
        request,
        "board/member_form.html",
        obj,
        "board:members",
        {"form": form, "seat": seat, "history": history, "state": state},
        400 if form.is_bound else 200,
    )


def _seat_or_404(board: Board, member: int) -> Member:
    return get_object_or_404(
        Member.objects.select_related("agency", "board", *terms.TERM_RELATED),
        pk=member,
        board=board,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, board: str, member: int) -> HttpResponse:
    """End a seat on a day, naming the seat that took it over if recorded."""
    obj = get_board_or_404(request, board, EDIT)
    seat = _seat_or_404(obj, member)
    initial = {"end": seat.end, "successor": seat.successor_id}
    form = MemberEndForm(_posted(request), seat=seat, initial=initial)
    if form.is_valid():
        try:
            saved = services.member_end(member=seat, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.label} ends on {saved.end:%-d %B %Y}.")
            return redirect("board:member_edit", board=obj.slug, member=seat.pk)
    return render_board(
        request,
        "board/member_end.html",
        obj,
        "board:members",
        {"form": form, "seat": seat, "state": terms.seat_state(seat, day=timezone.localdate())},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_succeed(request: HttpRequest, board: str, member: int) -> HttpResponse:
    """Record who takes a seat over: their seat, and this one ending."""
    obj = get_board_or_404(request, board, EDIT)
    seat = _seat_or_404(obj, member)
    form = MemberSucceedForm(_posted(request))
    if form.is_valid():
        try:
            new = services.member_succeed(member=seat, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{new.label} takes the seat from {new.start:%-d %B %Y}; "
                f"{seat.label} ends the day before.",
            )
            return redirect("board:member_edit", board=obj.slug, member=new.pk)
    return render_board(
        request,
        "board/member_succeed.html",
        obj,
        "board:members",
        {"form": form, "seat": seat, "state": terms.seat_state(seat, day=timezone.localdate())},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def group_list(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    return render_board(
        request,
        "board/group_list.html",
        obj,
        "board:members",
        {
            "groups": selectors.groups_with_boards(board=obj),
            "main_history": selectors.main_group_history(board=obj),
        },
    )


@login_required
@require_POST
def group_main(request: HttpRequest, board: str, group: str) -> HttpResponse:
    """Mark one of the board's groups as its main one (its strategic board)."""
    obj = get_board_or_404(request, board, EDIT)
    chosen = get_object_or_404(Group, slug=group, boards=obj)
    services.main_group_set(board=obj, group=chosen)
    messages.success(
        request,
        f"{chosen.name} is now the main group of {obj.name}: the meetings page opens on it "
        "and the chair's dashboard counts changes from its last meeting.",
    )
    return redirect("board:group_list", board=obj.slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, board: str, group: str | None = None) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    instance = get_object_or_404(Group, slug=group, boards=obj) if group else Group()
    changeable = _boards_user_changes(request)
    form = GroupForm(_posted(request), instance=instance, board=obj, changeable=changeable)
    if form.is_valid():
        try:
            saved = services.group_save(
                group=form.instance, boards=form.cleaned_data["boards"], changeable=changeable
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("board:group_list", board=obj.slug)
    history = (
        selectors.history_naming_related(Group.history.filter(id=instance.pk), Boards=Board)
        if instance.pk
        else []
    )
    return render_board(
        request,
        "board/group_form.html",
        obj,
        "board:members",
        {"form": form, "group": instance, "history": history},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def year_list(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    return render_board(
        request,
        "board/year_list.html",
        obj,
        "board:budget",
        {"years": selectors.reporting_years(), "current": selectors.current_year()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    form = ReportingYearForm(_posted(request))
    if form.is_valid():
        try:
            year = services.reporting_year_create(start_year=form.cleaned_data["start_year"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Reporting year {year.label} added.")
            return redirect("board:year_list", board=obj.slug)
    return render_board(
        request,
        "board/year_form.html",
        obj,
        "board:budget",
        {"form": form},
        400 if form.is_bound else 200,
    )


@login_required
@require_GET
def contribution_list(request: HttpRequest, board: str) -> HttpResponse:
    """A year's contributions, to change or remove, and those removed."""
    obj = get_board_or_404(request, board, READ)
    year, years = selectors.budget_year(board=obj, label=request.GET.get("year"))
    return render_board(
        request,
        "board/contribution_list.html",
        obj,
        "board:budget",
        {
            "year": year,
            "years": years,
            "contributions": selectors.contributions_for_year(board=obj, year=year),
            "removed": selectors.removed_contributions(board=obj, year=year),
            "published": PublishedTotal.objects.filter(board=obj, year__label=year.label).first(),
        },
    )


def _contributions_url(board: Board, year: ReportingYear) -> str:
    url = reverse("board:contribution_list", kwargs={"board": board.slug})
    return f"{url}?year={year.label}"


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(
    request: HttpRequest, board: str, contribution: int | None = None
) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    if contribution:
        line = get_object_or_404(
            Contribution.objects.select_related("year"), pk=contribution, board=obj
        )
        year, years = selectors.budget_year(board=obj, label=line.year.label)
    else:
        line = Contribution(board=obj)
        year, years = selectors.budget_year(board=obj, label=request.GET.get("year"))
    form = ContributionForm(
        _posted(request), instance=line, board=obj, years=years, initial={"year": year.label}
    )
    if form.is_valid():
        chosen = next(y for y in years if y.label == form.cleaned_data["year"])
        try:
            saved = services.contribution_save(contribution=form.instance, year=chosen)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved.label}'s contribution for {saved.year} saved.")
            return redirect(_contributions_url(obj, saved.year))
    history = history_with_changes(Contribution.history.filter(id=line.pk)) if line.pk else []
    return render_board(
        request,
        "board/contribution_form.html",
        obj,
        "board:budget",
        {"form": form, "line": line, "year": year, "history": history},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_remove(request: HttpRequest, board: str, contribution: int) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    line = get_object_or_404(
        Contribution.objects.select_related("year", "agency"), pk=contribution, board=obj
    )
    if request.method == "POST":
        year = line.year
        services.contribution_remove(contribution=line)
        messages.success(request, f"{line.label}'s contribution for {year} removed.")
        return redirect(_contributions_url(obj, year))
    return render_board(
        request, "board/contribution_remove.html", obj, "board:budget", {"line": line}
    )


@login_required
@require_http_methods(["GET", "POST"])
def published_total_edit(request: HttpRequest, board: str, year: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    chosen, _ = selectors.budget_year(board=obj, label=year)
    if chosen.label != year:
        raise Http404("No such reporting year.")
    existing = PublishedTotal.objects.filter(board=obj, year__label=year).first()
    initial = {"amount": existing.amount, "notes": existing.notes} if existing else None
    form = PublishedTotalForm(_posted(request), initial=initial)
    if form.is_valid():
        try:
            services.published_total_set(board=obj, year=chosen, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Published total for {chosen} saved.")
            return redirect(_contributions_url(obj, chosen))
    return render_board(
        request,
        "board/published_total_form.html",
        obj,
        "board:budget",
        {"form": form, "year": chosen},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def logo_edit(request: HttpRequest, board: str) -> HttpResponse:
    """The board's logo, for the covers of its reports: see it, upload a new
    one (checked by its content in board.logo) or remove it."""
    obj = get_board_or_404(request, board, EDIT)
    form = LogoForm(_posted(request), request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        limit = settings.ASSURE_MAX_LOGO_BYTES
        data = upload.read(limit + 1)
        try:
            services.board_logo_set(board=obj, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Logo saved. Reports built from now on show it on their cover."
            )
            return redirect("board:logo", board=obj.slug)
    return render_board(
        request,
        "board/logo_form.html",
        obj,
        "board:home",
        {"form": form, "limit": settings.ASSURE_MAX_LOGO_BYTES},
        400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["POST"])
def logo_remove(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, EDIT)
    services.board_logo_remove(board=obj)
    messages.success(request, "Logo removed. Reports built from now on have none.")
    return redirect("board:logo", board=obj.slug)


@login_required
@require_GET
def logo_image(request: HttpRequest, board: str) -> FileResponse:
    """The logo as stored, for anyone who may see the board (its published
    reports show it)."""
    obj = get_board_or_404(request, board)
    if not obj.logo:
        raise Http404("The board has no logo.")
    try:
        handle = obj.logo.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The logo's file is missing.") from missing
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response
