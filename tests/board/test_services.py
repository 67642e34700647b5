import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from board import services
from board.models import (
    Attendance,
    Contribution,
    Group,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
)
from tests.factories import (
    BoardFactory,
    ContributionFactory,
    GroupFactory,
    MeetingFactory,
    MemberFactory,
    RiskFactory,
)


@pytest.mark.django_db
def test_it_records_a_whole_meeting_and_only_changes_what_changed(world):
    second = MemberFactory(board=world.board, groups=[world.group])
    changed = services.attendance_record(
        meeting=world.meeting, marks={world.member: "attended", second: "apologies"}
    )
    assert [a.member for a in changed] == [second]
    assert Attendance.objects.get(meeting=world.meeting, member=second).status == "apologies"


@pytest.mark.django_db
def test_it_refuses_a_seat_from_a_board_the_group_does_not_serve_and_saves_nothing(world):
    outsider = MemberFactory(board=world.other_board)
    with pytest.raises(ValidationError, match="is not on a board"):
        services.attendance_record(
            meeting=world.meeting, marks={world.member: "absent", outsider: "attended"}
        )
    assert Attendance.objects.get(meeting=world.meeting, member=world.member).status == "attended"
    assert not Attendance.objects.filter(member=outsider).exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_status(world):
    with pytest.raises(ValidationError, match="not an attendance status"):
        services.attendance_record(meeting=world.meeting, marks={world.member: "late"})


@pytest.mark.django_db
def test_a_pan_area_group_takes_seats_from_every_board_it_serves():
    one, two = BoardFactory(), BoardFactory()
    group = GroupFactory(boards=[one, two])
    meeting = MeetingFactory(group=group)
    seats = {MemberFactory(board=one): "attended", MemberFactory(board=two): "deputy"}
    assert len(services.attendance_record(meeting=meeting, marks=seats)) == 2


@pytest.mark.django_db
def test_it_refuses_a_second_meeting_of_a_group_on_the_same_day(world):
    with pytest.raises(ValidationError, match="already exists"):
        services.meeting_create(group=world.group, date=world.meeting.date)


@pytest.mark.django_db
def test_a_change_to_who_sits_on_a_group_is_on_record(world):
    seat = MemberFactory(board=world.board)
    seat.groups.add(world.group)
    latest = seat.history.order_by("-history_date").first()
    assert [row.group_id for row in latest.groups.all()] == [world.group.pk]


# Reporting years for any date.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (
            datetime.date(2026, 12, 2),
            "2026-27",
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 31),
        ),
        (
            datetime.date(2027, 3, 31),
            "2026-27",
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 31),
        ),
        (
            datetime.date(2027, 4, 1),
            "2027-28",
            datetime.date(2027, 4, 1),
            datetime.date(2028, 3, 31),
        ),
        (
            datetime.date(2099, 4, 1),
            "2099-00",
            datetime.date(2099, 4, 1),
            datetime.date(2100, 3, 31),
        ),
    ],
)
def test_a_reporting_year_exists_for_any_date_april_to_march(day, label, start, end):
    year = ReportingYear.objects.for_date(day)
    assert (year.label, year.start, year.end) == (label, start, end)
    assert ReportingYear.objects.for_date(day).pk == year.pk
    assert ReportingYear.objects.filter(label=label).count() == 1


@pytest.mark.django_db
def test_adding_a_meeting_adds_the_reporting_year_it_falls_in(world):
    meeting = services.meeting_create(group=world.group, date=datetime.date(2026, 12, 2))
    assert ReportingYear.objects.containing(meeting.date).label == "2026-27"


@pytest.mark.django_db
def test_a_refused_meeting_adds_no_year(world):
    with pytest.raises(ValidationError):
        services.meeting_create(group=world.group, date="2026-13-45")
    assert not ReportingYear.objects.filter(label="2026-27").exists()


@pytest.mark.django_db
def test_it_adds_a_reporting_year_and_refuses_one_twice_or_out_of_range(world):
    assert services.reporting_year_create(start_year=2030).label == "2030-31"
    with pytest.raises(ValidationError) as twice:
        services.reporting_year_create(start_year=2030)
    assert twice.value.message_dict == {
        "start_year": ["The reporting year 2030-31 already exists."]
    }
    last = timezone.localdate().year + services.YEARS_AHEAD
    with pytest.raises(ValidationError) as far:
        services.reporting_year_create(start_year=last + 1)
    assert far.value.message_dict == {"start_year": [f"Enter a year between 2000 and {last}."]}
    assert services.reporting_year_create(start_year=last).label.startswith(str(last))


# Members and their seats.


@pytest.mark.django_db
def test_it_saves_a_seat_with_its_groups_and_history(world):
    seat = Member(
        board=world.board, person="Sam Lee", position="Head of Service", role="lay-member"
    )
    services.member_save(member=seat, groups=[world.group])
    assert list(seat.groups.all()) == [world.group]
    assert seat.history.count() >= 1


@pytest.mark.django_db
def test_it_refuses_a_seat_on_a_group_that_does_not_serve_its_board_and_saves_nothing(world):
    elsewhere = GroupFactory(name="Beta Executive", boards=[world.other_board])
    seat = Member(board=world.board, person="Sam Lee", role="lay-member")
    with pytest.raises(ValidationError) as refused:
        services.member_save(member=seat, groups=[world.group, elsewhere])
    assert refused.value.message_dict == {
        "groups": ["Beta Executive does not serve Alpha Safeguarding Children Board."]
    }
    assert not Member.objects.filter(person="Sam Lee").exists()


@pytest.mark.django_db
def test_it_refuses_a_seat_the_board_already_has_and_one_that_ends_before_it_starts(world):
    same = Member(
        board=world.board,
        agency=world.member.agency,
        position=world.member.position,
        person=world.member.person,
        role="statutory-partner",
        start=datetime.date(2020, 5, 1),
        end=datetime.date(2020, 4, 30),
    )
    with pytest.raises(ValidationError) as refused:
        services.member_save(member=same, groups=[])
    assert refused.value.message_dict == {
        "end": ["The end date is before the start date."],
        "person": ["This board already has a seat with this person, position and agency."],
    }
    assert Member.objects.filter(board=world.board).count() == 1


# Groups.


@pytest.mark.django_db
def test_it_refuses_a_group_that_reports_to_itself(world):
    world.group.reports_to = world.group
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=world.group, boards=[world.board])
    assert refused.value.message_dict == {"reports_to": ["A group cannot report to itself."]}


@pytest.mark.django_db
def test_it_refuses_a_group_that_reports_to_its_own_sub_group_however_deep(world):
    executive = GroupFactory(name="Executive", boards=[world.board], kind="executive")
    executive.reports_to = world.group
    executive.save()
    sub = GroupFactory(name="S&AG", boards=[world.board], kind="sub-group")
    sub.reports_to = executive
    sub.save()
    board_group = Group.objects.get(pk=world.group.pk)
    board_group.reports_to = sub
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=board_group, boards=[world.board])
    [message] = refused.value.message_dict["reports_to"]
    assert message.startswith("S&AG reports to this group")
    assert Group.objects.get(pk=world.group.pk).reports_to is None


@pytest.mark.django_db
def test_a_manager_changes_only_their_own_boards_on_a_pan_area_group(world):
    third = BoardFactory(slug="gamma", name="Gamma Safeguarding Children Board")
    cdop = GroupFactory(name="Pan-area CDOP", boards=[world.board, world.other_board])
    # Removing their own board keeps the other board's.
    services.group_save(group=cdop, boards=[], changeable=[world.board, third])
    assert set(cdop.boards.all()) == {world.other_board}
    # Adding one they are on keeps it too.
    services.group_save(group=cdop, boards=[third], changeable=[world.board, third])
    assert set(cdop.boards.all()) == {world.other_board, third}


@pytest.mark.django_db
def test_a_manager_cannot_add_a_board_they_are_not_on_and_nothing_changes(world):
    third = BoardFactory(slug="gamma", name="Gamma Safeguarding Children Board")
    cdop = GroupFactory(name="Pan-area CDOP", boards=[world.board])
    cdop.name = "Renamed"
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=cdop, boards=[world.board, third], changeable=[world.board])
    assert refused.value.message_dict == {
        "boards": [
            "You can add a group only to boards you are on; you are not on "
            "Gamma Safeguarding Children Board."
        ]
    }
    cdop.refresh_from_db()
    assert (cdop.name, list(cdop.boards.all())) == ("Pan-area CDOP", [world.board])


@pytest.mark.django_db
def test_a_group_serves_at_least_one_board(world):
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=Group(name="Orphan", kind="sub-group"), boards=[])
    assert refused.value.message_dict == {
        "boards": ["Choose at least one board that this group serves."]
    }
    assert not Group.objects.filter(name="Orphan").exists()


@pytest.mark.django_db
def test_a_new_group_gets_a_unique_web_name(world):
    first = services.group_save(
        group=Group(name="Alpha Board", kind="sub-group"), boards=[world.board]
    )
    second = services.group_save(
        group=Group(name="Alpha Board", kind="sub-group"), boards=[world.board]
    )
    assert (first.slug, second.slug) == ("alpha-board-2", "alpha-board-3")


# Budget.


@pytest.mark.django_db
def test_a_contribution_for_a_year_not_yet_saved_creates_the_year(world):
    year = ReportingYear.span(2026)
    line = services.contribution_save(
        contribution=Contribution(board=world.board, label="Police", amount=Decimal("1200.50")),
        year=year,
    )
    assert line.year.label == "2026-27"
    assert ReportingYear.objects.get(label="2026-27").start == datetime.date(2026, 4, 1)


@pytest.mark.django_db
def test_it_refuses_a_second_line_from_the_same_contributor_in_a_year(world):
    ContributionFactory(board=world.board, year=world.year, label="Police")
    with pytest.raises(ValidationError) as refused:
        services.contribution_save(
            contribution=Contribution(board=world.board, label=" police ", amount=Decimal("1")),
            year=world.year,
        )
    assert refused.value.message_dict == {
        "label": ["2016-17 already has a contribution from police; change that one instead."]
    }
    # Another board, or another year, may have the same contributor.
    services.contribution_save(
        contribution=Contribution(board=world.other_board, label="Police", amount=Decimal("1")),
        year=world.year,
    )


@pytest.mark.django_db
def test_it_refuses_a_negative_contribution_and_creates_no_year(world):
    with pytest.raises(ValidationError) as refused:
        services.contribution_save(
            contribution=Contribution(board=world.board, label="Police", amount=Decimal("-1")),
            year=ReportingYear.span(2026),
        )
    assert list(refused.value.message_dict) == ["amount"]
    assert not ReportingYear.objects.filter(label="2026-27").exists()


@pytest.mark.django_db
def test_a_removed_contribution_stays_in_its_history(world):
    line = ContributionFactory(board=world.board, year=world.year, label="Police")
    pk = line.pk
    services.contribution_remove(contribution=line)
    assert not Contribution.objects.filter(pk=pk).exists()
    assert Contribution.history.filter(id=pk, history_type="-").get().label == "Police"


@pytest.mark.django_db
def test_it_sets_changes_and_removes_the_published_total(world):
    total = services.published_total_set(
        board=world.board, year=world.year, amount=Decimal("187500"), notes=" As stated. "
    )
    assert (total.amount, total.notes) == (Decimal("187500"), "As stated.")
    services.published_total_set(board=world.board, year=world.year, amount=Decimal("0"))
    assert PublishedTotal.objects.get(board=world.board).amount == Decimal("0")
    with pytest.raises(ValidationError, match="cannot be less than £0"):
        services.published_total_set(board=world.board, year=world.year, amount=Decimal("-5"))
    assert services.published_total_set(board=world.board, year=world.year, amount=None) is None
    assert not PublishedTotal.objects.filter(board=world.board).exists()


# Risk references.


@pytest.mark.django_db
def test_it_refuses_a_risk_reference_with_a_slash(world):
    risk = RiskFactory.build(board=world.board, ref="A/B")
    with pytest.raises(ValidationError) as refused:
        services.risk_save(risk=risk, board=world.board)
    assert list(refused.value.message_dict) == ["ref"]
    assert not Risk.objects.filter(ref="A/B").exists()
