"""Reads of board data, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from board import terms
from board.models import (
    Agency,
    Attendance,
    AttendanceMark,
    Board,
    BoardAgency,
    Contribution,
    Group,
    MainGroup,
    Meeting,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
    start_year_of,
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
    """Every seat of the board, with what board.terms needs to say what each
    is on a day, in one query (and one for the groups)."""
    return (
        Member.objects.filter(board=board)
        .select_related("agency", *terms.TERM_RELATED)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
    )


def seats_held_during(*, board: Board, year: ReportingYear) -> QuerySet[Member]:
    """The board's seats held on at least one day of `year` (board.terms):
    what a year's annual report and attendance count as its members. A seat
    from a past report counts only in the years its sources record it, and
    one kept in Assure from its start to its end."""
    return terms.held_between(members_for_board(board=board), year.start, year.end)


@dataclass(frozen=True)
class Seat:
    """A seat as the seats page lists it: the member (with its agency), its
    groups as (short name, name) pairs in name order, and what it is on the
    page's day."""

    member: Member
    groups: list[tuple[str, str]]
    state: terms.SeatState


def seats_for_board(*, board: Board, day: datetime.date) -> list[Seat]:
    """Every seat on the board by agency, position and person, with its
    groups and what it is on `day`. Three queries; the groups come as names
    through the link table, where a prefetch would build a Group and a
    queryset for every seat (most of the page's time at ten times a real
    board's size).

    The seats' agencies are read by their ids (a prefetch) and the order by
    each seat's agency's name looked up by its key, not by joining
    `board_agency`: with every board's agencies in one table (3,300 at
    national volume) PostgreSQL hashed the whole table to join a board's
    220 seats to theirs (docs/adr/0018)."""
    agency_name = Subquery(
        Agency.objects.filter(pk=OuterRef("agency_id")).order_by().values("name")[:1]
    )
    members = (
        Member.objects.filter(board=board)
        .select_related(*terms.TERM_RELATED)
        .prefetch_related("agency")
        .annotate(agency_name=agency_name)
        .order_by(
            # A seat with no agency first on every database (SQLite and
            # PostgreSQL sort NULLs at opposite ends).
            F("agency_name").asc(nulls_first=True),
            "position",
            "person",
        )
    )
    groups: dict[int, list[tuple[str, str]]] = {}
    links = (
        Member.groups.through.objects.filter(member__board=board)
        .order_by("group__name", "group_id")
        .values_list("member_id", "group__short_name", "group__name")
    )
    for member_id, short_name, name in links:
        groups.setdefault(member_id, []).append((short_name, name))
    return [
        Seat(member, groups.get(member.pk, []), terms.seat_state(member, day=day))
        for member in members
    ]


def seat_shown(seat: Seat, shown: str) -> bool:
    """Whether the seats page lists `seat` under `shown` (board.terms.SHOWN),
    by its state: the same seats board.terms.shown_on gives in SQL."""
    if shown == "current":
        return seat.state.current
    if shown == "upcoming":
        return seat.state.standing is terms.Standing.UPCOMING
    if shown == "past":
        return seat.state.past
    return True


def seat_counts_of(seats: list[Seat]) -> dict[str, int]:
    """How many of `seats` each choice of board.terms.SHOWN lists."""
    return {key: sum(1 for seat in seats if seat_shown(seat, key)) for key in terms.SHOWN}


def partner_agencies(*, board: Board, also: QuerySet[Any] | None = None) -> QuerySet[Agency]:
    """The board's own list of partner agencies, by name: what its forms
    offer. Read through the list's index on the board (a board's twenty
    or so rows), never every agency in Assure (docs/adr/0021). `also`, a
    query of agency ids (those a record being edited already names), joins
    them in by a UNION: one query still, each side an index read."""
    if also is None:
        return Agency.objects.filter(board_links__board=board).order_by("name")
    ids = (
        BoardAgency.objects.filter(board=board)
        .order_by()
        .values("agency_id")
        .union(also.order_by())
    )
    return Agency.objects.filter(pk__in=ids).order_by("name")


def agencies_for_board(*, board: Board) -> QuerySet[Agency]:
    """The board's partner agencies (which hold every agency its seats and
    contributions name), each with its number of seats on the board."""
    seats = (
        Member.objects.filter(board=board, agency=OuterRef("pk"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return partner_agencies(board=board).annotate(
        member_count=Coalesce(Subquery(seats, output_field=IntegerField()), 0)
    )


def membership_summary(*, board: Board, day: datetime.date) -> dict[str, int]:
    """How many seats are held on `day` and how many agencies fill them, and
    how many seats the board has recorded in all."""
    held = terms.held_on_q(day)
    return terms.with_term(Member.objects.filter(board=board)).aggregate(
        seats=Count("id", filter=held),
        agencies=Count("agency", filter=held, distinct=True),
        recorded=Count("id"),
    )


@dataclass(frozen=True)
class OfficeHolder:
    member: Member
    state: terms.SeatState


#: The offices the board's home page names, each a set of roles: the chair
#: (an independent scrutineer chairs under the newer arrangements) and the
#: business manager.
OFFICES = (
    (Member.Role.INDEPENDENT_CHAIR, Member.Role.INDEPENDENT_SCRUTINEER),
    (Member.Role.BUSINESS_MANAGER,),
)


def office_holders(*, board: Board, day: datetime.date) -> list[OfficeHolder]:
    """Who holds each office on `day`, with what each seat is that day; for
    an office nobody is known to hold, the seat known to be held latest, so
    the page says where it was last recorded instead of calling it current.
    One query."""
    members = terms.with_term(
        Member.objects.filter(
            board=board, role__in=[r for office in OFFICES for r in office]
        ).select_related("agency", *terms.TERM_RELATED)
    ).order_by(
        F("known_until").desc(nulls_first=True),
        # Of two seats known to the same day, the one not taken over first.
        F("successor").asc(nulls_first=True),
        "-person",  # and a named person before an unnamed seat
        "-pk",
    )
    holders = [OfficeHolder(m, terms.seat_state(m, day=day)) for m in members]
    shown: list[OfficeHolder] = []
    for office in OFFICES:
        held = [h for h in holders if h.member.role in office]
        current = [h for h in held if h.state.current]
        shown.extend(current or held[:1])
    return shown


def meetings_for_board(*, board: Board) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group__boards=board).select_related("group")


def next_and_last_meeting(*, board: Board) -> tuple[Meeting | None, Meeting | None]:
    today = timezone.localdate()
    meetings = meetings_for_board(board=board)
    upcoming = meetings.filter(date__gte=today).order_by("date").first()
    last = meetings.filter(date__lt=today).order_by("-date").first()
    return upcoming, last


def reporting_years() -> list[ReportingYear]:
    """Every reporting year from the first to the current one, and any
    later one added ahead, latest first (docs/adr/0007)."""
    return year_choices()


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
    """The years a page offers, latest first: every year from the first
    saved one to the one holding today, whether or not anything is saved in
    it yet (the services save a year when something is recorded in it), any
    later saved year, and any year in `also` (docs/adr/0007). A page that
    offers only some years (those with audits, say) passes them as `saved`
    and gets those and the current year."""
    current = ReportingYear.span_of(timezone.localdate())
    if saved is None:
        saved = list(ReportingYear.objects.all())
        first = min((year.start.year for year in saved), default=current.start.year)
        calendar = [ReportingYear.span(y) for y in range(first, current.start.year + 1)]
    else:
        calendar = [current]
    years = {year.label: year for year in saved}
    for year in (*calendar, *also):
        if year is not None:
            years.setdefault(year.label, year)
    return sorted(years.values(), key=lambda year: year.start, reverse=True)


def last_ended_year(*, day: datetime.date) -> ReportingYear:
    """The last reporting year that has ended by `day` (on 31 March 2027
    that is 2025-26; on 1 April 2027, 2026-27): the year a board writes its
    annual report for. Unsaved: pages compare it by label."""
    return ReportingYear.span(start_year_of(day) - 1)


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


def main_group(*, board: Board) -> Group | None:
    """The group marked as the board's main one (its strategic board), or
    None when none is marked. One query."""
    mark = MainGroup.objects.filter(board=board).select_related("group").first()
    return mark.group if mark is not None else None


def main_group_history(*, board: Board) -> list[Any]:
    """The latest changes of the board's main group, newest first, each
    with the group it named and who made it. One query."""
    return list(
        MainGroup.history.filter(board_id=board.pk)
        .select_related("history_user", "group")
        .order_by("-history_date", "-history_id")[:20]
    )


def default_group_and_year(*, board: Board) -> tuple[Group | None, ReportingYear]:
    """Where the meetings page opens: the board's main group when one is
    marked; otherwise its first group (by kind, then name) that has
    meetings. On the latest year up to the current one that the group met
    in, or the current year when it has not met."""
    groups = list(
        board.groups.annotate(
            is_main=Exists(MainGroup.objects.filter(board=board, group=OuterRef("pk")))
        )
        .order_by("kind", "name")
        .only("id", "slug", "name", "kind")
    )
    groups = [g for g in groups if g.is_main] or groups  # type: ignore[attr-defined]
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
    """Seats (rows) by meetings (columns) for a group's meetings in a year:
    the group's seats held during the year (board.terms), and any seat
    marked at one of its meetings.

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
    on_group = terms.held_between(Member.objects.filter(groups=group), year.start, year.end)
    # One list of ids from two index reads (the group's seats; the seats
    # marked), not an OR of the two, which PostgreSQL answers by reading
    # every board's seats (docs/adr/0018).
    marked = Member.objects.filter(pk__in=list(statuses)).order_by().values("pk")
    seats = list(
        Member.objects.filter(pk__in=on_group.order_by().values("pk").union(marked))
        .select_related("agency")
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
    """The board's groups with what they report to, every board they serve
    and whether it is the board's main group, for the groups page: two
    queries whatever the number."""
    return (
        board.groups.select_related("reports_to")
        .prefetch_related(Prefetch("boards", queryset=Board.objects.order_by("name")))
        .annotate(
            member_count=Count("members", filter=Q(members__board=board), distinct=True),
            is_main=Exists(MainGroup.objects.filter(board=board, group=OuterRef("pk"))),
        )
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
