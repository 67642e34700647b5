"""Reads of board data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from board.models import (
    Agency,
    Attendance,
    Board,
    Contribution,
    Group,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
)
from board.rules import board_ids, is_admin


def boards_for_user(*, user: Any) -> list[Board]:
    """The boards a person may open: their own, or every board for an admin."""
    cached = getattr(user, "_assure_boards", None)
    if cached is None:
        boards = Board.objects.order_by("name")
        if not is_admin(user):
            boards = boards.filter(id__in=board_ids(user))
        cached = list(boards)
        user._assure_boards = cached
    return cached


def groups_for_board(*, board: Board) -> QuerySet[Group]:
    """The board's groups, each with how many boards it serves (a pan-area
    group serves several); counted in a subquery because the join through
    this board would count only this board."""
    through = Group.boards.through
    served = (
        through.objects.filter(group_id=OuterRef("pk"))
        .values("group_id")
        .annotate(n=Count("board_id"))
        .values("n")  # type: ignore[misc]
    )
    return (
        board.groups.select_related("reports_to")
        .annotate(board_count=Subquery(served))
        .order_by("kind", "name")
    )


def members_for_board(*, board: Board) -> QuerySet[Member]:
    return (
        Member.objects.filter(board=board)
        .select_related("agency")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
    )


def agencies_for_board(*, board: Board) -> QuerySet[Agency]:
    return (
        Agency.objects.filter(Q(members__board=board) | Q(contributions__board=board))
        .annotate(
            member_count=Count("members", filter=Q(members__board=board), distinct=True),
        )
        .distinct()
        .order_by("name")
    )


def membership_summary(*, board: Board) -> dict[str, int]:
    """How many seats the board has and how many agencies fill them."""
    return Member.objects.filter(board=board).aggregate(
        seats=Count("id"), agencies=Count("agency", distinct=True)
    )


def office_holders(*, board: Board) -> list[Member]:
    """The chair (or scrutineer) and business manager, current first."""
    roles = [
        Member.Role.INDEPENDENT_CHAIR,
        Member.Role.INDEPENDENT_SCRUTINEER,
        Member.Role.BUSINESS_MANAGER,
    ]
    return list(
        Member.objects.filter(board=board, role__in=roles)
        .select_related("agency")
        .order_by("role", "-start")
    )


def meetings_for_board(*, board: Board) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group__boards=board).select_related("group")


def next_and_last_meeting(*, board: Board) -> tuple[Meeting | None, Meeting | None]:
    today = timezone.localdate()
    meetings = meetings_for_board(board=board)
    upcoming = meetings.filter(date__gte=today).order_by("date").first()
    last = meetings.filter(date__lt=today).order_by("-date").first()
    return upcoming, last


def reporting_years() -> list[ReportingYear]:
    return list(ReportingYear.objects.order_by("-start"))


def percentage(part: int, whole: int) -> int | None:
    """A whole-number percentage, rounded half up as published reports do."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP))


@dataclass
class AttendanceRow:
    member: Member
    cells: list[str | None]  # one status per meeting, None where nothing is recorded
    held: int = 0
    attended: int = 0

    @property
    def percent(self) -> int | None:
        return percentage(self.attended, self.held)


@dataclass
class AttendanceMatrix:
    group: Group
    year: ReportingYear
    meetings: list[Meeting]
    rows: list[AttendanceRow] = field(default_factory=list)


def attendance_matrix(*, group: Group, year: ReportingYear) -> AttendanceMatrix:
    """Seats (rows) by meetings (columns) for a group's meetings in a year.

    A meeting counts as held for a seat unless the seat was marked "not yet a
    member"; a cell with nothing recorded counts neither way. Three queries;
    the marks are read as plain values, since there are seats times meetings
    of them.
    """
    meetings = list(
        Meeting.objects.filter(group=group, date__range=(year.start, year.end)).order_by("date")
    )
    column = {meeting.pk: i for i, meeting in enumerate(meetings)}
    marks = Attendance.objects.filter(meeting__in=meetings).values_list(
        "member_id", "meeting_id", "status"
    )
    statuses: dict[int, list[str | None]] = {}
    for member_id, meeting_id, status in marks:
        statuses.setdefault(member_id, [None] * len(meetings))[column[meeting_id]] = status
    seats = (
        Member.objects.filter(Q(groups=group) | Q(pk__in=list(statuses)))
        .select_related("agency")
        .distinct()
        .order_by("pk")
    )
    present = Attendance.PRESENT
    matrix = AttendanceMatrix(group=group, year=year, meetings=meetings)
    for member in seats:
        cells = statuses.get(member.pk, [None] * len(meetings))
        recorded = [c for c in cells if c is not None and c != Attendance.Status.NOT_APPLICABLE]
        matrix.rows.append(
            AttendanceRow(
                member=member,
                cells=cells,
                held=len(recorded),
                attended=sum(1 for c in recorded if c in present),
            )
        )
    return matrix


@dataclass
class BudgetLine:
    contribution: Contribution
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None:
            return None
        return self.contribution.amount - self.previous


@dataclass
class Budget:
    year: ReportingYear
    lines: list[BudgetLine]
    total: Decimal
    previous_total: Decimal | None
    published: PublishedTotal | None = None

    @property
    def unexplained(self) -> Decimal | None:
        """How far the published total is from the sum of the recorded lines."""
        if self.published is None or self.published.amount == self.total:
            return None
        return self.published.amount - self.total

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total


def budget_for_year(*, board: Board, year: ReportingYear) -> Budget:
    """Contributions for a year, each beside the same contributor's amount the
    year before (matched by agency, or by label when no agency is set)."""
    contributions = list(
        Contribution.objects.filter(board=board, year__label__in=[year.label, year.previous_label])
        .select_related("agency", "year")
        .order_by("-amount", "label")
    )
    current = [c for c in contributions if c.year_id == year.pk]
    before = [c for c in contributions if c.year_id != year.pk]
    earlier = {_contributor(c): c.amount for c in before}
    lines = [BudgetLine(c, earlier.get(_contributor(c))) for c in current]
    total = sum((c.amount for c in current), Decimal("0"))
    previous_total = sum((c.amount for c in before), Decimal("0")) if before else None
    published = PublishedTotal.objects.filter(board=board, year=year).first()
    return Budget(
        year=year, lines=lines, total=total, previous_total=previous_total, published=published
    )


def _contributor(contribution: Contribution) -> tuple[str, Any]:
    if contribution.agency_id:
        return ("agency", contribution.agency_id)
    return ("label", contribution.label.casefold())


def risks_for_board(*, board: Board) -> QuerySet[Risk]:
    return Risk.objects.filter(board=board).select_related("board")


def years_with_meetings(*, group: Group) -> list[ReportingYear]:
    dates = Meeting.objects.filter(group=group).values_list("date", flat=True)
    years = ReportingYear.objects.order_by("-start")
    found = list(dates)
    return [y for y in years if any(y.start <= d <= y.end for d in found)]
