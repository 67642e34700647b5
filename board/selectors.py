"""Reads of board data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from board.models import (
    Agency,
    Attendance,
    AttendanceMark,
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
from core.history import history_with_changes


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


@dataclass(frozen=True)
class Seat:
    """A seat as the seats page lists it: the member (with its agency) and
    its groups as (short name, name) pairs in name order."""

    member: Member
    groups: list[tuple[str, str]]


def seats_for_board(*, board: Board) -> list[Seat]:
    """Every seat on the board by agency, position and person, with its groups.
    Two queries; the groups come as names through the link table, where a
    prefetch would build a Group and a queryset for every seat (most of the
    page's time at ten times a real board's size)."""
    members = (
        Member.objects.filter(board=board)
        .select_related("agency")
        # A seat with no agency first on every database (SQLite and
        # PostgreSQL sort NULLs at opposite ends).
        .order_by(F("agency__name").asc(nulls_first=True), "position", "person")
    )
    groups: dict[int, list[tuple[str, str]]] = {}
    links = (
        Member.groups.through.objects.filter(member__board=board)
        .order_by("group__name", "group_id")
        .values_list("member_id", "group__short_name", "group__name")
    )
    for member_id, short_name, name in links:
        groups.setdefault(member_id, []).append((short_name, name))
    return [Seat(member, groups.get(member.pk, [])) for member in members]


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


def current_year() -> ReportingYear:
    """The reporting year holding today: the saved one, or an unsaved one
    when nothing has been entered in it yet."""
    today = timezone.localdate()
    return ReportingYear.objects.containing(today) or ReportingYear.span_of(today)


def year_holding(day: datetime.date) -> ReportingYear:
    """The reporting year holding `day`, saved or not (a meeting loaded
    from elsewhere may fall in a year nobody has created)."""
    return ReportingYear.objects.containing(day) or ReportingYear.span_of(day)


def year_choices(
    *also: ReportingYear | None, saved: list[ReportingYear] | None = None
) -> list[ReportingYear]:
    """The years a page offers, latest first: every saved year (read again
    unless given), the current year whether or not anything is in it yet,
    and any year in `also`."""
    if saved is None:
        saved = list(ReportingYear.objects.all())
    years = {year.label: year for year in saved}
    for year in (ReportingYear.span_of(timezone.localdate()), *also):
        if year is not None:
            years.setdefault(year.label, year)
    return sorted(years.values(), key=lambda year: year.start, reverse=True)


def _latest_year_of(days: list[datetime.date]) -> ReportingYear | None:
    """The year of the latest day up to the end of the current year; a board
    with only future dates opens on the first of them."""
    if not days:
        return None
    end = ReportingYear.span_of(timezone.localdate()).end
    past = [day for day in days if day <= end]
    return ReportingYear.span_of(max(past) if past else min(days))


def _saved(year: ReportingYear) -> ReportingYear:
    return ReportingYear.objects.filter(label=year.label).first() or year


def default_group_and_year(*, board: Board) -> tuple[Group | None, ReportingYear]:
    """Where the meetings page opens: the board's first group (by kind, then
    name) that has meetings, on the latest year it met in; without any
    meetings, the first group on the current year. Never an empty year when
    there is a year with meetings."""
    groups = list(board.groups.order_by("kind", "name").only("id", "slug", "name", "kind"))
    if not groups:
        return None, current_year()
    with_meetings = set(
        Meeting.objects.filter(group__in=groups).values_list("group_id", flat=True).distinct()
    )
    group = next((g for g in groups if g.pk in with_meetings), groups[0])
    span = Meeting.objects.filter(group=group).aggregate(
        latest=Max("date", filter=Q(date__lte=ReportingYear.span_of(timezone.localdate()).end)),
        first=Min("date"),
    )
    day = span["latest"] or span["first"]
    return group, (_saved(ReportingYear.span_of(day)) if day else current_year())


def budget_year(
    *, board: Board, label: str | None = None
) -> tuple[ReportingYear, list[ReportingYear]]:
    """The budget page's year and the years it offers: the year asked for by
    label if it is one of them; otherwise the latest year with contributions
    or a published total for this board, or the current year when there is
    none. Years with money are saved years, so always among the choices."""
    years = year_choices()
    chosen = next((y for y in years if label and y.label == label), None)
    if chosen is None:
        contributions = Contribution.objects.filter(board=board).values("year_id")
        totals = PublishedTotal.objects.filter(board=board).values("year_id")
        with_money = ReportingYear.objects.filter(
            Q(pk__in=contributions) | Q(pk__in=totals)
        ).values_list("start", flat=True)
        latest = _latest_year_of(list(with_money))
        label = latest.label if latest else ReportingYear.span_of(timezone.localdate()).label
        chosen = next(y for y in years if y.label == label)
    return chosen, years


def percentage(part: int, whole: int) -> int | None:
    """A whole-number percentage, rounded half up as published reports do."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP))


@dataclass
class AttendanceRow:
    member: Member
    cells: list[str | None]  # one mark's key per meeting, None where nothing is recorded
    held: int = 0
    attended: int = 0
    #: The marks of the seat's board's key, by key.
    marks: dict[str, AttendanceMark] = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        return percentage(self.attended, self.held)

    def mark(self, key: str | None) -> AttendanceMark | None:
        return self.marks.get(key) if key is not None else None


@dataclass
class AttendanceMatrix:
    group: Group
    year: ReportingYear
    meetings: list[Meeting]
    rows: list[AttendanceRow] = field(default_factory=list)
    #: The marks the legend explains: those of every seat's board, each
    #: code once, in key order.
    legend: list[AttendanceMark] = field(default_factory=list)


def attendance_key(*, board: Board) -> list[AttendanceMark]:
    """The board's attendance key in order, retired marks included: its own
    marks, or the default key while it has none of its own. One query."""
    return AttendanceMark.keys_of([board.pk])[board.pk]


def attendance_mark_uses(*, board: Board) -> dict[str, int]:
    """How many attendances hold each mark of the board's key. One query."""
    return dict(
        Attendance.objects.filter(member__board=board)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def attendance_matrix(
    *, group: Group, year: ReportingYear, board: Board | None = None
) -> AttendanceMatrix:
    """Seats (rows) by meetings (columns) for a group's meetings in a year.

    Each cell is a mark of the seat's own board's key. A meeting counts
    towards a seat's percentage when its mark counts towards it (the
    default key's "not yet a member" does not), and as attended when the
    mark also counts as present; a cell with nothing recorded counts
    neither way. Four queries; the marks are read as plain values, since
    there are seats times meetings of them. The legend lists `board`'s
    marks first (the board whose page shows the matrix).
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
    seats = list(
        Member.objects.filter(Q(groups=group) | Q(pk__in=list(statuses)))
        .select_related("agency")
        .distinct()
        .order_by("pk")
    )
    board_ids = {member.board_id for member in seats}
    if board is not None:
        board_ids.add(board.pk)
    keys = AttendanceMark.keys_of(board_ids)
    by_key = {board_id: {m.key: m for m in key} for board_id, key in keys.items()}
    matrix = AttendanceMatrix(group=group, year=year, meetings=meetings)
    for member in seats:
        cells = statuses.get(member.pk, [None] * len(meetings))
        own = by_key[member.board_id]
        counted = [own[c] for c in cells if c is not None and c in own and own[c].counted]
        matrix.rows.append(
            AttendanceRow(
                member=member,
                cells=cells,
                held=len(counted),
                attended=sum(1 for m in counted if m.present),
                marks=own,
            )
        )
    used = {c for row in matrix.rows for c in row.cells if c is not None}
    order = [board.pk] if board is not None else []
    order += sorted(board_ids - set(order))
    seen: set[tuple[str, str]] = set()
    for board_id in order:
        for mark in keys[board_id]:
            shown = (mark.code, mark.words)
            if shown in seen or (mark.retired and mark.key not in used):
                continue
            seen.add(shown)
            matrix.legend.append(mark)
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
    current = [c for c in contributions if c.year.label == year.label]
    before = [c for c in contributions if c.year.label != year.label]
    earlier = {_contributor(c): c.amount for c in before}
    lines = [BudgetLine(c, earlier.get(_contributor(c))) for c in current]
    total = sum((c.amount for c in current), Decimal("0"))
    previous_total = sum((c.amount for c in before), Decimal("0")) if before else None
    published = PublishedTotal.objects.filter(board=board, year__label=year.label).first()
    return Budget(
        year=year, lines=lines, total=total, previous_total=previous_total, published=published
    )


def _contributor(contribution: Contribution) -> tuple[str, Any]:
    if contribution.agency_id:
        return ("agency", contribution.agency_id)
    return ("label", contribution.label.casefold())


def risks_for_board(*, board: Board) -> QuerySet[Risk]:
    return Risk.objects.filter(board=board).select_related("board")


def groups_with_boards(*, board: Board) -> QuerySet[Group]:
    """The board's groups with what they report to and every board they
    serve, for the groups page: three queries whatever the number."""
    return (
        board.groups.select_related("reports_to")
        .prefetch_related(Prefetch("boards", queryset=Board.objects.order_by("name")))
        .annotate(member_count=Count("members", filter=Q(members__board=board), distinct=True))
        .order_by("kind", "name")
    )


def contributions_for_year(*, board: Board, year: ReportingYear) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(board=board, year__label=year.label)
        .select_related("agency", "year")
        .order_by("-amount", "label")
    )


def removed_contributions(*, board: Board, year: ReportingYear) -> list[Any]:
    """Contributions removed from a year, newest first, from their history."""
    if year.pk is None:
        return []
    return list(
        Contribution.history.filter(board_id=board.pk, year_id=year.pk, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )


def history_naming_related(records: QuerySet[Any], **related: type[Any]) -> list[Any]:
    """A record's history with its many-to-many changes (a seat's groups, a
    group's boards) named rather than shown as rows of ids: `related` maps
    each field's label ("Groups") to the model of its other end. One query
    for the history and one for each field's names."""
    entries = history_with_changes(records)
    for label, model in related.items():
        changes = [c for e in entries for c in e.changes if c.field == label]
        key = model._meta.model_name
        ids = {row[key] for c in changes for rows in (c.old, c.new) for row in rows or []}
        names = dict(model.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        for change in changes:
            change.old, change.new = (
                ", ".join(sorted(names.get(row[key], "(removed)") for row in rows or [])) or "none"
                for rows in (change.old, change.new)
            )
    return entries
