"""The reads behind the board pages, pinned to exact values: percentages on
their .5 edges, the attendance matrix's counting, the budget's matching of
contributors year on year, and the order of everything."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from board import selectors
from board.models import Attendance, Group, Member, PublishedTotal
from core import roles
from tests.factories import (
    AgencyFactory,
    AttendanceFactory,
    BoardFactory,
    ContributionFactory,
    GroupFactory,
    MeetingFactory,
    MemberFactory,
    RiskFactory,
    UserFactory,
    YearFactory,
)

TODAY = datetime.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (1, 8, 13),  # 12.5 rounds half up
        (5, 8, 63),  # 62.5 rounds half up
        (3, 8, 38),  # 37.5
        (1, 6, 17),
        (1, 3, 33),
        (2, 3, 67),
        (0, 6, 0),
        (6, 6, 100),
        (1, 200, 1),  # 0.5
        (1, 201, 0),  # 0.497...
    ],
)
def test_a_percentage_rounds_half_up_to_a_whole_number(part, whole, percent):
    assert selectors.percentage(part, whole) == percent


def test_a_percentage_of_nothing_held_is_not_a_number():
    assert selectors.percentage(0, 0) is None


# --- the attendance matrix -----------------------------------------------------------


@pytest.fixture
def year():
    return YearFactory()  # 2016-17


@pytest.mark.django_db
def test_a_seat_that_attended_one_of_eight_meetings_reads_13_percent_and_five_63(year):
    group = GroupFactory()
    one, five = MemberFactory(groups=[group]), MemberFactory(groups=[group])
    for n in range(8):
        meeting = MeetingFactory(group=group, date=datetime.date(2016, 5, 1 + n))
        AttendanceFactory(meeting=meeting, member=one, status="attended" if n == 0 else "absent")
        present = "deputy" if n < 5 else "apologies"
        AttendanceFactory(meeting=meeting, member=five, status=present)
    rows = {r.member: r for r in selectors.attendance_matrix(group=group, year=year).rows}
    assert (rows[one].held, rows[one].attended, rows[one].percent) == (8, 1, 13)
    assert (rows[five].held, rows[five].attended, rows[five].percent) == (8, 5, 63)


@pytest.mark.django_db
def test_the_matrix_takes_the_years_meetings_in_date_order_and_counts_each_mark(year):
    group = GroupFactory()
    seat = MemberFactory(groups=[group])
    last = MeetingFactory(group=group, date=year.end)
    first = MeetingFactory(group=group, date=year.start)
    middle = MeetingFactory(group=group, date=datetime.date(2016, 9, 15))
    MeetingFactory(group=group, date=year.start - datetime.timedelta(days=1))  # 2015-16
    MeetingFactory(group=group, date=year.end + datetime.timedelta(days=1))  # 2017-18
    MeetingFactory(group=GroupFactory(), date=datetime.date(2016, 9, 15))  # another group's
    AttendanceFactory(meeting=first, member=seat, status=Attendance.Status.NOT_APPLICABLE)
    AttendanceFactory(meeting=last, member=seat, status=Attendance.Status.ABSENT)
    matrix = selectors.attendance_matrix(group=group, year=year)
    assert matrix.meetings == [first, middle, last]
    (row,) = matrix.rows
    assert row.cells == ["not-applicable", None, "absent"]
    # Not yet a member: not held; nothing recorded: not held either.
    assert (row.held, row.attended, row.percent) == (1, 0, 0)


@pytest.mark.django_db
def test_a_seat_with_no_meetings_held_has_no_percentage(year):
    group = GroupFactory()
    seat = MemberFactory(groups=[group])
    meeting = MeetingFactory(group=group, date=datetime.date(2016, 6, 1))
    AttendanceFactory(meeting=meeting, member=seat, status=Attendance.Status.NOT_APPLICABLE)
    (row,) = selectors.attendance_matrix(group=group, year=year).rows
    assert (row.held, row.attended, row.percent) == (0, 0, None)


@pytest.mark.django_db
def test_the_matrix_lists_the_groups_seats_and_anyone_marked_at_its_meetings_in_seat_order(year):
    group = GroupFactory()
    sitting = MemberFactory(groups=[group])
    left = MemberFactory()  # no longer on the group, but marked at a meeting this year
    MemberFactory(groups=[GroupFactory()])  # another group's seat
    meeting = MeetingFactory(group=group, date=datetime.date(2016, 6, 1))
    AttendanceFactory(meeting=meeting, member=left, status=Attendance.Status.ATTENDED)
    rows = selectors.attendance_matrix(group=group, year=year).rows
    assert [r.member for r in rows] == [sitting, left]
    assert [(r.cells, r.held, r.attended, r.percent) for r in rows] == [
        ([None], 0, 0, None),
        (["attended"], 1, 1, 100),
    ]


@pytest.mark.django_db
def test_the_matrix_reads_in_four_queries_whatever_its_size(year, django_assert_num_queries):
    group = GroupFactory()
    seats = [MemberFactory(groups=[group]) for _ in range(4)]
    for day in range(1, 4):
        meeting = MeetingFactory(group=group, date=datetime.date(2016, 6, day))
        for seat in seats:
            AttendanceFactory(meeting=meeting, member=seat)
    with django_assert_num_queries(4):  # meetings, marks, seats, their boards' keys
        rows = selectors.attendance_matrix(group=group, year=year).rows
        assert [r.member.agency.name for r in rows] == [s.agency.name for s in seats]
    assert [r.percent for r in rows] == [100, 100, 100, 100]


# --- the budget -------------------------------------------------------------------------


@pytest.fixture
def years():
    before = YearFactory(
        label="2015-16", start=datetime.date(2015, 4, 1), end=datetime.date(2016, 3, 31)
    )
    return before, YearFactory()


@pytest.mark.django_db
def test_budget_lines_are_matched_to_last_year_by_agency_even_when_renamed(years):
    before, now = years
    board = BoardFactory()
    police = AgencyFactory(name="Bedfordshire Police")
    ContributionFactory(
        board=board, year=before, agency=police, label="Police", amount=Decimal("20000")
    )
    ContributionFactory(
        board=board,
        year=now,
        agency=police,
        label="Bedfordshire Police",
        amount=Decimal("24359.60"),
    )
    budget = selectors.budget_for_year(board=board, year=now)
    (line,) = budget.lines
    assert (line.contribution.label, line.previous, line.change) == (
        "Bedfordshire Police",
        Decimal("20000"),
        Decimal("4359.60"),
    )


@pytest.mark.django_db
def test_budget_lines_without_an_agency_are_matched_by_label_whatever_its_case(years):
    before, now = years
    board, other = BoardFactory(), BoardFactory()
    agency = AgencyFactory()
    ContributionFactory(board=board, year=before, label="CAFCASS", amount=Decimal("550"))
    ContributionFactory(board=board, year=now, label="Cafcass", amount=Decimal("600"))
    # Same label, but an agency's line: not the same contributor as a label-only one.
    ContributionFactory(board=board, year=before, label="Schools", agency=agency, amount=1)
    ContributionFactory(board=board, year=now, label="Schools", amount=Decimal("300"))
    ContributionFactory(board=other, year=before, label="Lay members", amount=Decimal("5"))
    ContributionFactory(board=board, year=now, label="Lay members", amount=Decimal("10"))
    budget = selectors.budget_for_year(board=board, year=now)
    lines = [(ln.contribution.label, ln.previous, ln.change) for ln in budget.lines]
    assert lines == [
        ("Cafcass", Decimal("550"), Decimal("50")),
        ("Schools", None, None),
        ("Lay members", None, None),
    ]
    assert budget.total == Decimal("910")
    assert budget.previous_total == Decimal("551")
    assert budget.change == Decimal("359")


@pytest.mark.django_db
def test_budget_lines_run_from_the_largest_amount_then_by_label(years):
    _, now = years
    board = BoardFactory()
    for label, amount in [("B", "100"), ("A", "100"), ("C", "900")]:
        ContributionFactory(board=board, year=now, label=label, amount=Decimal(amount))
    budget = selectors.budget_for_year(board=board, year=now)
    assert [ln.contribution.label for ln in budget.lines] == ["C", "A", "B"]
    assert budget.previous_total is None
    assert budget.change is None


@pytest.mark.django_db
def test_the_budget_says_how_far_the_published_total_is_from_its_lines(years):
    _, now = years
    board = BoardFactory()
    ContributionFactory(board=board, year=now, amount=Decimal("198663.00"))
    assert selectors.budget_for_year(board=board, year=now).unexplained is None
    PublishedTotal.objects.create(board=board, year=now, amount=Decimal("199463.00"))
    budget = selectors.budget_for_year(board=board, year=now)
    assert budget.published.amount == Decimal("199463.00")
    assert budget.unexplained == Decimal("800.00")
    PublishedTotal.objects.filter(board=board).update(amount=Decimal("198663.00"))
    assert selectors.budget_for_year(board=board, year=now).unexplained is None


# --- who and what a board has ----------------------------------------------------------


@pytest.mark.django_db
def test_a_person_may_open_their_own_boards_and_an_admin_every_board_by_name():
    zulu = BoardFactory(name="Zulu Board")
    alpha = BoardFactory(name="Alpha Board")
    BoardFactory(name="Middle Board")
    manager = UserFactory(role=roles.BUSINESS_MANAGER, boards=[zulu, alpha])
    admin = UserFactory(role=roles.ADMIN)
    assert selectors.boards_for_user(user=manager) == [alpha, zulu]
    names = [b.name for b in selectors.boards_for_user(user=admin)]
    assert names == sorted(names)
    assert {"Alpha Board", "Middle Board", "Zulu Board"} <= set(names)


@pytest.mark.django_db
def test_a_persons_boards_are_read_once_per_request(django_assert_num_queries):
    user = UserFactory(role=roles.BUSINESS_MANAGER, boards=[BoardFactory()])
    selectors.boards_for_user(user=user)
    with django_assert_num_queries(0):
        selectors.boards_for_user(user=user)


@pytest.mark.django_db
def test_a_boards_groups_come_by_kind_then_name_with_how_many_boards_each_serves():
    board, other = BoardFactory(), BoardFactory()
    GroupFactory(name="Zeta", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    GroupFactory(name="Alpha", kind=Group.Kind.STRATEGIC_BOARD, boards=[board, other])
    GroupFactory(name="Aardvark", kind=Group.Kind.SUB_GROUP, boards=[board])
    GroupFactory(name="Beta", kind=Group.Kind.EXECUTIVE, boards=[board])
    groups = list(selectors.groups_for_board(board=board))
    assert [(g.name, g.board_count) for g in groups] == [
        ("Beta", 1),  # "executive" < "strategic-board" < "sub-group"
        ("Alpha", 2),
        ("Zeta", 1),
        ("Aardvark", 1),
    ]


@pytest.mark.django_db
def test_a_boards_agencies_count_only_its_own_seats_once_each():
    board, other = BoardFactory(), BoardFactory()
    police = AgencyFactory(name="Police")
    health = AgencyFactory(name="Health")
    funder = AgencyFactory(name="Funder")
    MemberFactory(board=board, agency=police)
    MemberFactory(board=board, agency=police)
    MemberFactory(board=other, agency=police)
    MemberFactory(board=other, agency=health)
    ContributionFactory(board=board, agency=funder)
    # Two contributions beside two seats: the join must not count seats twice.
    ContributionFactory(board=board, agency=police)
    ContributionFactory(board=board, agency=police)
    listed = [(a.name, a.member_count) for a in selectors.agencies_for_board(board=board)]
    assert listed == [("Funder", 0), ("Police", 2)]
    assert selectors.membership_summary(board=board, day=TODAY) == {
        "seats": 2,
        "agencies": 1,
        "recorded": 2,
    }


@pytest.mark.django_db
def test_the_office_holders_are_those_holding_each_office_on_the_day():
    board = BoardFactory()
    chair = Member.Role.INDEPENDENT_CHAIR
    old = MemberFactory(board=board, role=chair, person="Old", end=datetime.date(2016, 12, 1))
    new = MemberFactory(board=board, role=chair, person="New", start=datetime.date(2016, 12, 2))
    manager = MemberFactory(board=board, role=Member.Role.BUSINESS_MANAGER)
    scrutineer = MemberFactory(board=board, role=Member.Role.INDEPENDENT_SCRUTINEER)
    MemberFactory(board=board, role=Member.Role.LAY_MEMBER)
    MemberFactory(board=BoardFactory(), role=Member.Role.INDEPENDENT_CHAIR)

    def held(day):
        return [(h.member, h.state.text) for h in selectors.office_holders(board=board, day=day)]

    assert held(datetime.date(2016, 12, 1)) == [
        (scrutineer, "Current"),
        (old, "Current, until 1 December 2016"),
        (manager, "Current"),
    ]
    # Of seats held with no end, a named person first.
    assert held(datetime.date(2016, 12, 2)) == [
        (new, "Current"),
        (scrutineer, "Current"),
        (manager, "Current"),
    ]


@pytest.mark.django_db
def test_an_office_nobody_holds_shows_the_seat_known_to_be_held_latest():
    board = BoardFactory()
    recorded = YearFactory()  # 2016-17
    chair = Member.Role.INDEPENDENT_CHAIR
    MemberFactory(board=board, role=chair, person="Earlier", end=datetime.date(2015, 3, 31))
    last = MemberFactory(board=board, role=chair, person="Last", last_recorded=recorded)
    holders = selectors.office_holders(board=board, day=TODAY)
    assert [(h.member, h.state.text) for h in holders] == [(last, "Last recorded in 2016-17")]


@pytest.mark.django_db
def test_a_meeting_today_is_the_next_one_and_yesterdays_the_last(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    board = BoardFactory()
    group = GroupFactory(boards=[board])
    MeetingFactory(group=group, date=TODAY - datetime.timedelta(days=30))
    yesterday = MeetingFactory(group=group, date=TODAY - datetime.timedelta(days=1))
    today = MeetingFactory(group=group, date=TODAY)
    MeetingFactory(group=group, date=TODAY + datetime.timedelta(days=30))
    MeetingFactory(group=GroupFactory(), date=TODAY)  # another board's
    assert selectors.next_and_last_meeting(board=board) == (today, yesterday)


@pytest.mark.django_db
def test_a_board_with_no_meetings_has_no_next_or_last():
    assert selectors.next_and_last_meeting(board=BoardFactory()) == (None, None)


# --- which year a page opens on ------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.mark.django_db
def test_the_current_year_holds_today_saved_or_not(today):
    year = selectors.current_year()
    assert (year.label, year.start, year.end, year.pk) == (
        "2026-27",
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
        None,
    )
    saved = YearFactory(
        label="2026-27", start=datetime.date(2026, 4, 1), end=datetime.date(2027, 3, 31)
    )
    assert selectors.current_year() == saved


@pytest.mark.django_db
def test_a_day_belongs_to_the_year_from_april_to_march():
    assert selectors.year_holding(datetime.date(2017, 3, 31)).label == "2016-17"
    assert selectors.year_holding(datetime.date(2017, 4, 1)).label == "2017-18"


@pytest.mark.django_db
def test_the_years_offered_are_every_saved_year_and_this_one_latest_first(today):
    YearFactory()  # 2016-17
    asked = selectors.year_holding(datetime.date(2030, 6, 1))
    labels = [y.label for y in selectors.year_choices(asked, None)]
    assert labels[:2] == ["2030-31", "2026-27"]
    assert labels[-1] == "2016-17"
    assert labels == sorted(labels, reverse=True)


@pytest.mark.django_db
def test_the_meetings_page_opens_on_the_first_group_with_meetings_in_its_latest_year(today):
    board = BoardFactory()
    GroupFactory(name="A group that never met", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    met = GroupFactory(name="B group", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    MeetingFactory(group=met, date=datetime.date(2016, 5, 19))
    MeetingFactory(group=met, date=datetime.date(2019, 5, 19))
    MeetingFactory(group=met, date=datetime.date(2031, 5, 19))  # beyond this year: not chosen
    group, year = selectors.default_group_and_year(board=board)
    assert (group, year.label, year.pk) == (met, "2019-20", None)
    saved = YearFactory(
        label="2019-20", start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31)
    )
    assert selectors.default_group_and_year(board=board) == (met, saved)
    assert selectors.default_group_and_year(board=board)[1].pk == saved.pk


@pytest.mark.django_db
def test_a_group_that_has_only_meetings_to_come_opens_on_the_first_of_them(today):
    board = BoardFactory()
    group = GroupFactory(boards=[board])
    MeetingFactory(group=group, date=datetime.date(2028, 5, 19))
    MeetingFactory(group=group, date=datetime.date(2029, 5, 19))
    assert selectors.default_group_and_year(board=board)[1].label == "2028-29"


@pytest.mark.django_db
def test_a_board_without_meetings_opens_on_its_first_group_and_this_year(today):
    board = BoardFactory()
    GroupFactory(name="Zeta", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    first = GroupFactory(name="Alpha", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    group, year = selectors.default_group_and_year(board=board)
    assert (group, year.label) == (first, "2026-27")
    empty = selectors.default_group_and_year(board=BoardFactory())
    assert (empty[0], empty[1].label) == (None, "2026-27")


@pytest.mark.django_db
def test_the_budget_opens_on_the_year_asked_for_or_the_latest_with_money(today, years):
    before, now = years
    board = BoardFactory()
    assert selectors.budget_year(board=board)[0].label == "2026-27"
    ContributionFactory(board=board, year=before)
    assert selectors.budget_year(board=board)[0] == before
    PublishedTotal.objects.create(board=board, year=now, amount=Decimal("1"))
    assert selectors.budget_year(board=board)[0] == now
    assert selectors.budget_year(board=board, label="2015-16")[0] == before
    assert selectors.budget_year(board=board, label="1999-00")[0] == now
    _, offered = selectors.budget_year(board=board)
    assert [y.label for y in offered] == [f"{y}-{(y + 1) % 100:02d}" for y in range(2026, 2014, -1)]


# --- lists the maintenance pages read ----------------------------------------------------


@pytest.mark.django_db
def test_a_boards_seats_come_with_their_agency_and_groups_by_name(django_assert_num_queries):
    board = BoardFactory()
    zeta, alpha = GroupFactory(name="Zeta group"), GroupFactory(name="Alpha group")
    seat = MemberFactory(board=board, groups=[zeta, alpha])
    MemberFactory(board=BoardFactory())
    with django_assert_num_queries(2):
        (read,) = selectors.members_for_board(board=board)
        assert read.agency.name == seat.agency.name
        assert [g.name for g in read.groups.all()] == ["Alpha group", "Zeta group"]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 25])
def test_the_seats_page_reads_every_seat_in_order_with_its_agency_and_groups_in_three_queries(
    django_assert_num_queries, extra
):
    board = BoardFactory()
    zeta = GroupFactory(name="Zeta group", short_name="ZG")
    alpha = GroupFactory(name="Alpha group")
    agency_b = AgencyFactory(name="B agency")
    agency_a = AgencyFactory(name="A agency")
    second = MemberFactory(board=board, agency=agency_b, position="Head", groups=[zeta, alpha])
    first = MemberFactory(board=board, agency=agency_a, position="Lead", person="Kim")
    third = MemberFactory(
        board=board, agency=agency_b, position="Head", person="Zed", groups=[zeta]
    )
    for n in range(extra):
        MemberFactory(board=board, agency=AgencyFactory(name=f"C agency {n}"), groups=[alpha, zeta])
    MemberFactory(board=BoardFactory(), agency=agency_a, groups=[alpha])  # another board's
    with django_assert_num_queries(3):
        seats = selectors.seats_for_board(board=board, day=TODAY)
        assert [(s.member, s.groups) for s in seats[:3]] == [
            (first, []),
            (second, [("", "Alpha group"), ("ZG", "Zeta group")]),
            (third, [("ZG", "Zeta group")]),
        ]
        assert seats[0].member.agency.name == "A agency"
        assert len(seats) == 3 + extra
        assert all(s.groups == [("", "Alpha group"), ("ZG", "Zeta group")] for s in seats[3:])


@pytest.mark.django_db
def test_reporting_years_run_latest_first(years):
    before, now = years
    labels = [y.label for y in selectors.reporting_years()]
    assert labels.index(now.label) < labels.index(before.label)
    assert labels == sorted(labels, reverse=True)


@pytest.mark.django_db
def test_the_groups_page_lists_each_group_with_its_boards_by_name_and_this_boards_seats(
    django_assert_num_queries,
):
    board = BoardFactory(name="Middle board")
    zulu, alpha = BoardFactory(name="Zulu board"), BoardFactory(name="Alpha board")
    parent = GroupFactory(name="Board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    pan = GroupFactory(
        name="CDOP", kind=Group.Kind.STRATEGIC_BOARD, boards=[zulu, board, alpha], reports_to=parent
    )
    MemberFactory(board=board, groups=[pan])
    MemberFactory(board=board, groups=[pan])
    MemberFactory(board=zulu, groups=[pan])
    with django_assert_num_queries(2):
        rows = [
            (g.name, g.reports_to and g.reports_to.name, [b.name for b in g.boards.all()])
            for g in selectors.groups_with_boards(board=board)
        ]
    assert rows == [
        ("Board", None, ["Middle board"]),
        ("CDOP", "Board", ["Alpha board", "Middle board", "Zulu board"]),
    ]
    counts = {g.name: g.member_count for g in selectors.groups_with_boards(board=board)}
    assert counts == {"Board": 0, "CDOP": 2}


@pytest.mark.django_db
def test_a_years_contributions_run_from_the_largest_with_agency_and_year_read_once(
    years, django_assert_num_queries
):
    before, now = years
    board = BoardFactory()
    for label, amount in [("B", "100"), ("A", "100"), ("C", "900")]:
        ContributionFactory(
            board=board, year=now, label=label, amount=Decimal(amount), agency=AgencyFactory()
        )
    ContributionFactory(board=board, year=before, label="Last year")
    ContributionFactory(board=BoardFactory(), year=now, label="Another board")
    with django_assert_num_queries(1):
        rows = [
            (c.label, c.year.label, c.agency.name)
            for c in selectors.contributions_for_year(board=board, year=now)
        ]
    assert [(label, year) for label, year, _ in rows] == [
        ("C", "2016-17"),
        ("A", "2016-17"),
        ("B", "2016-17"),
    ]


@pytest.mark.django_db
def test_removed_contributions_are_the_latest_twenty_of_this_board_and_year(years):
    before, now = years
    board = BoardFactory()
    kept = ContributionFactory(board=board, year=now, label="Kept")
    for n in range(21):
        ContributionFactory(board=board, year=now, label=f"Gone {n:02}").delete()
    ContributionFactory(board=board, year=before, label="Other year").delete()
    ContributionFactory(board=BoardFactory(), year=now, label="Other board").delete()
    removed = selectors.removed_contributions(board=board, year=now)
    assert len(removed) == 20
    assert [r.label for r in removed[:2]] == ["Gone 20", "Gone 19"]
    assert removed[-1].label == "Gone 01"
    assert kept.label not in {r.label for r in removed}
    unsaved = selectors.year_holding(datetime.date(2040, 6, 1))
    assert selectors.removed_contributions(board=board, year=unsaved) == []


@pytest.mark.django_db
def test_a_seats_history_names_the_groups_it_joined_and_left():
    board = BoardFactory()
    zeta, alpha = GroupFactory(name="Zeta"), GroupFactory(name="Alpha")
    gone = GroupFactory(name="Gone")
    seat = MemberFactory(board=board)
    seat.groups.set([zeta, alpha, gone])
    seat.groups.set([zeta])
    seat.groups.add(GroupFactory(name="Beta"))
    gone_id = gone.pk
    gone.delete()
    entries = selectors.history_naming_related(Member.history.filter(id=seat.pk), Groups=Group)
    changes = [(c.old, c.new) for e in entries for c in e.changes if c.field == "Groups"]
    assert changes == [
        ("Zeta", "Beta, Zeta"),
        ("(removed), Alpha, Zeta", "Zeta"),
        ("none", "(removed), Alpha, Zeta"),
    ]
    assert gone_id not in {g.pk for g in Group.objects.all()}


@pytest.mark.django_db
def test_a_boards_risks_are_its_own_read_with_the_board_in_one_query(django_assert_num_queries):
    board = BoardFactory()
    RiskFactory(board=board, ref="R1")
    RiskFactory(board=BoardFactory(), ref="R2")
    with django_assert_num_queries(1):
        assert [(r.ref, r.board.slug) for r in selectors.risks_for_board(board=board)] == [
            ("R1", board.slug)
        ]


@pytest.mark.django_db
def test_a_boards_meetings_are_those_of_the_groups_serving_it_read_with_the_group(
    django_assert_num_queries,
):
    board = BoardFactory()
    ours = MeetingFactory(group=GroupFactory(name="Ours", boards=[board]))
    MeetingFactory(group=GroupFactory(boards=[BoardFactory()]))
    with django_assert_num_queries(1):
        assert [(m, m.group.name) for m in selectors.meetings_for_board(board=board)] == [
            (ours, "Ours")
        ]


@pytest.mark.django_db
def test_the_meetings_page_prefers_a_group_by_kind_before_name(today):
    board = BoardFactory()
    board_group = GroupFactory(name="A board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    executive = GroupFactory(name="Z executive", kind=Group.Kind.EXECUTIVE, boards=[board])
    MeetingFactory(group=board_group, date=datetime.date(2016, 5, 19))
    MeetingFactory(group=executive, date=datetime.date(2016, 6, 19))
    assert selectors.default_group_and_year(board=board)[0] == executive


@pytest.mark.django_db
def test_each_agencys_budget_line_is_matched_to_its_own_amount_last_year(years):
    before, now = years
    board = BoardFactory()
    police, health = AgencyFactory(), AgencyFactory()
    ContributionFactory(board=board, year=before, agency=police, label="Police", amount=20000)
    ContributionFactory(board=board, year=before, agency=health, label="Health", amount=5000)
    ContributionFactory(board=board, year=now, agency=police, label="Police", amount=24000)
    ContributionFactory(board=board, year=now, agency=health, label="Health", amount=6000)
    budget = selectors.budget_for_year(board=board, year=now)
    assert [(ln.contribution.label, ln.previous) for ln in budget.lines] == [
        ("Police", Decimal("20000")),
        ("Health", Decimal("5000")),
    ]


@pytest.mark.django_db
def test_the_groups_page_lists_groups_by_kind_then_name():
    board = BoardFactory()
    GroupFactory(name="A sub-group", kind=Group.Kind.SUB_GROUP, boards=[board])
    GroupFactory(name="Z executive", kind=Group.Kind.EXECUTIVE, boards=[board])
    GroupFactory(name="B executive", kind=Group.Kind.EXECUTIVE, boards=[board])
    names = [g.name for g in selectors.groups_with_boards(board=board)]
    assert names == ["B executive", "Z executive", "A sub-group"]


# --- years follow the calendar (docs/adr/0007) ---------------------------------------------


@pytest.mark.django_db
def test_the_years_offered_run_from_the_first_saved_to_today_without_a_gap(today):
    YearFactory(label="2019-20", start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31))
    YearFactory(label="2021-22", start=datetime.date(2021, 4, 1), end=datetime.date(2022, 3, 31))
    years = selectors.year_choices()
    assert [y.label for y in years] == [
        "2026-27",
        "2025-26",
        "2024-25",
        "2023-24",
        "2022-23",
        "2021-22",
        "2020-21",
        "2019-20",
    ]
    assert [y.label for y in years if y.pk] == ["2021-22", "2019-20"]
    assert [y.label for y in selectors.reporting_years()] == [y.label for y in years]


@pytest.mark.django_db
def test_a_page_offering_some_years_gets_those_and_the_current_one(today):
    only = YearFactory(
        label="2019-20", start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31)
    )
    YearFactory(label="2016-17", start=datetime.date(2016, 4, 1), end=datetime.date(2017, 3, 31))
    assert [y.label for y in selectors.year_choices(saved=[only])] == ["2026-27", "2019-20"]


@pytest.mark.django_db
def test_with_no_year_saved_the_current_one_is_offered(today):
    assert [y.label for y in selectors.year_choices()] == ["2026-27"]


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (datetime.date(2026, 3, 31), "2024-25"),
        (datetime.date(2026, 4, 1), "2025-26"),
        (datetime.date(2026, 12, 7), "2025-26"),
        (datetime.date(2027, 3, 31), "2025-26"),
        (datetime.date(2027, 4, 1), "2026-27"),
    ],
)
def test_the_last_year_that_has_ended_turns_over_on_1_april(day, label):
    year = selectors.last_ended_year(day=day)
    assert (year.label, year.end < day) == (label, True)


@pytest.mark.django_db
def test_the_main_group_is_the_one_marked_or_none():
    from board.services import main_group_set

    board = BoardFactory()
    group = GroupFactory(boards=[board])
    assert selectors.main_group(board=board) is None
    main_group_set(board=board, group=group)
    assert selectors.main_group(board=board) == group
    assert selectors.main_group(board=BoardFactory()) is None
