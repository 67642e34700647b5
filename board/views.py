"""Board pages. Each view starts by fetching the board through
get_board_or_404, which checks the person may see it (and do this on it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from board import selectors, services
from board.access import get_board_or_404, render_board
from board.filters import MemberFilter, RiskFilter
from board.forms import AttendanceForm, GroupYearForm, MeetingForm, RiskForm
from board.models import Group, Meeting, ReportingYear, Risk
from board.tables import AgencyTable, MemberTable, RiskTable
from core.history import history_with_changes
from core.tables import configure_table

READ = "board.read_records"
EDIT = "board.edit_records"


@login_required
def site_home(request: HttpRequest) -> HttpResponse:
    """The boards this person may open; straight to it when there is one."""
    boards = selectors.boards_for_user(user=request.user)
    if len(boards) == 1:
        return redirect(boards[0])
    return render(request, "board/site_home.html", {"boards": boards})


@login_required
@require_GET
def switch_board(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("board", "")
    for board in selectors.boards_for_user(user=request.user):
        if board.slug == slug:
            return redirect(board)
    raise Http404("No such board.")


@login_required
@require_GET
def home(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board)
    context: dict[str, object] = {}
    if request.user.has_perm(READ, obj):
        upcoming, last = selectors.next_and_last_meeting(board=obj)
        context = {
            "office_holders": selectors.office_holders(board=obj),
            "membership": selectors.membership_summary(board=obj),
            "groups": selectors.groups_for_board(board=obj),
            "next_meeting": upcoming,
            "last_meeting": last,
        }
    return render_board(request, "board/home.html", obj, "board:home", context)


@login_required
@require_GET
def members(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    member_filter = MemberFilter(
        request.GET, queryset=selectors.members_for_board(board=obj), board=obj
    )
    table = MemberTable(member_filter.qs)
    if export := configure_table(request, table, filename=f"{obj.slug}-members"):
        return export
    agencies = AgencyTable(selectors.agencies_for_board(board=obj), prefix="agency-")
    configure_table(request, agencies, exportable=False)
    return render_board(
        request,
        "board/members.html",
        obj,
        "board:members",
        {"filter": member_filter, "table": table, "agencies": agencies},
    )


def _group_and_year(
    request: HttpRequest, board
) -> tuple[Group | None, ReportingYear | None, GroupYearForm]:  # type: ignore[no-untyped-def]
    years = selectors.reporting_years()
    form = GroupYearForm(request.GET or None, board=board, years=years)
    group = year = None
    if form.is_bound and form.is_valid():
        group = form.cleaned_data["group"]
        year = next(y for y in years if y.label == form.cleaned_data["year"])
    else:
        group = board.groups.order_by("kind", "name").first()
        if group is not None:
            with_meetings = selectors.years_with_meetings(group=group)
            year = with_meetings[0] if with_meetings else (years[0] if years else None)
        if group and year:
            form = GroupYearForm(
                initial={"group": group.slug, "year": year.label}, board=board, years=years
            )
    return group, year, form


@login_required
@require_GET
def meetings(request: HttpRequest, board: str) -> HttpResponse:
    """A group's meetings in a reporting year, with the attendance matrix."""
    obj = get_board_or_404(request, board, READ)
    group, year, form = _group_and_year(request, obj)
    matrix = selectors.attendance_matrix(group=group, year=year) if group and year else None
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
    year = ReportingYear.objects.containing(meeting_obj.date)
    if year is None:
        raise Http404("This meeting is outside every reporting year.")
    matrix = selectors.attendance_matrix(group=meeting_obj.group, year=year)
    seats = [row.member for row in matrix.rows]
    index = matrix.meetings.index(meeting_obj)
    current = {row.member.pk: cell for row in matrix.rows if (cell := row.cells[index])}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, seats=seats, current=current
    )
    if form.is_valid():
        changed = services.attendance_record(meeting=meeting_obj, marks=form.marks())
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
        {"form": form, "meeting": meeting_obj, "year": year},
        status,
    )


@login_required
@require_GET
def budget(request: HttpRequest, board: str) -> HttpResponse:
    obj = get_board_or_404(request, board, READ)
    years = selectors.reporting_years()
    label = request.GET.get("year")
    year = next((y for y in years if y.label == label), None)
    if year is None:
        with_money = set(obj.contributions.values_list("year__label", flat=True))
        year = next((y for y in years if y.label in with_money), years[0] if years else None)
    figures = selectors.budget_for_year(board=obj, year=year) if year else None
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
