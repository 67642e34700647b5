import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from board import services
from board.models import (
    Agency,
    Attendance,
    Contribution,
    Group,
    Member,
    PublishedTotal,
    ReportingYear,
    Risk,
)
from tests.factories import (
    AgencyFactory,
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
def test_it_refuses_a_mark_not_in_the_boards_key(world):
    with pytest.raises(ValidationError, match=r"not a mark of .*attendance key"):
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


# Edges the mutation run showed no test pinned.


@pytest.mark.django_db
def test_it_changes_a_mark_already_recorded(world):
    changed = services.attendance_record(meeting=world.meeting, marks={world.member: "absent"})
    assert [(a.member, a.status) for a in changed] == [(world.member, "absent")]
    assert Attendance.objects.get(meeting=world.meeting, member=world.member).status == "absent"


@pytest.mark.django_db
def test_a_risk_is_saved_on_the_board_it_is_saved_for(world):
    risk = RiskFactory.build(board=world.other_board, ref="R99")
    saved = services.risk_save(risk=risk, board=world.board)
    assert Risk.objects.get(ref="R99").board == world.board
    assert saved is risk


@pytest.mark.django_db
def test_a_seat_without_a_board_is_told_so_and_nothing_else(world):
    seat = Member(person="Sam Lee", role="lay-member")
    assert services.member_problems(member=seat, groups=[world.group]) == {
        "board": ["This field cannot be null."]
    }


@pytest.mark.django_db
def test_the_same_person_and_position_may_sit_for_another_agency_or_for_none(world):
    agency = AgencyFactory(name="Luton Council")
    taken = MemberFactory(board=world.board, agency=agency, person="Sam Lee", position="Director")
    for other in (AgencyFactory(name="Bedford Borough"), None):
        seat = Member(
            board=world.board,
            agency=other,
            person="Sam Lee",
            position="Director",
            role="lay-member",
        )
        assert services.member_problems(member=seat, groups=[]) == {}
    unaffiliated = MemberFactory(board=world.board, agency=None, person="Jo Kay", position="Lay")
    again = Member(board=world.board, person="Jo Kay", position="Lay", role="lay-member")
    assert services.member_problems(member=again, groups=[]) == {
        "person": ["This board already has a seat with this person, position and agency."]
    }
    # A seat does not clash with itself.
    assert services.member_problems(member=taken, groups=[]) == {}
    assert services.member_problems(member=unaffiliated, groups=[]) == {}


@pytest.mark.django_db
def test_groups_given_once_through_are_all_checked_and_all_joined(world):
    elsewhere = GroupFactory(name="Beta Executive", boards=[world.other_board])
    seat = Member(board=world.board, person="Sam Lee", role="lay-member")
    assert services.member_problems(member=seat, groups=(g for g in [elsewhere])) == {
        "groups": ["Beta Executive does not serve Alpha Safeguarding Children Board."]
    }
    services.member_save(member=seat, groups=(g for g in [world.group]))
    assert list(Member.objects.get(pk=seat.pk).groups.all()) == [world.group]


@pytest.mark.django_db
def test_a_seat_is_saved_without_the_spaces_around_its_person_and_position(world):
    seat = Member(
        board=world.board, person="  Sam Lee ", position=" Head of Service  ", role="lay-member"
    )
    services.member_save(member=seat, groups=[])
    assert Member.objects.filter(pk=seat.pk).values_list("person", "position").get() == (
        "Sam Lee",
        "Head of Service",
    )


@pytest.mark.django_db
def test_a_seat_differing_only_by_spaces_is_refused_as_the_same_seat(world):
    MemberFactory(board=world.board, agency=None, person="Sam Lee", position="Director")
    padded = Member(board=world.board, person=" Sam Lee ", position="Director ", role="lay-member")
    with pytest.raises(ValidationError) as refused:
        services.member_save(member=padded, groups=[])
    assert refused.value.message_dict == {
        "person": ["This board already has a seat with this person, position and agency."]
    }
    assert Member.objects.filter(person__contains="Sam Lee").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_web_name_another_group_has_and_changes_nothing(world):
    GroupFactory(name="Executive", slug="executive", boards=[world.board])
    world.group.slug = "executive"
    world.group.name = "Renamed"
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=world.group, boards=[world.board])
    assert refused.value.message_dict == {
        "slug": ["Another group already has the short web name executive."]
    }
    world.group.refresh_from_db()
    assert world.group.name != "Renamed"
    # Keeping its own web name is no clash.
    world.group.name = "Renamed"
    services.group_save(group=world.group, boards=[world.board])
    assert Group.objects.get(pk=world.group.pk).name == "Renamed"


@pytest.mark.django_db
def test_a_long_name_gives_a_web_name_of_seventy_characters_then_a_number(world):
    name = "a" * 90
    first = services.group_save(group=Group(name=name, kind="sub-group"), boards=[world.board])
    second = services.group_save(group=Group(name=name, kind="sub-group"), boards=[world.board])
    assert (first.slug, second.slug) == ("a" * 70, "a" * 70 + "-2")


@pytest.mark.django_db
def test_a_name_with_no_letters_or_digits_gives_the_web_name_group(world):
    first = services.group_save(group=Group(name="???", kind="sub-group"), boards=[world.board])
    second = services.group_save(group=Group(name="!!!", kind="sub-group"), boards=[world.board])
    assert (first.slug, second.slug) == ("group", "group-2")


@pytest.mark.django_db
def test_reporting_years_run_from_2000_to_ten_years_ahead_exactly(world):
    last = timezone.localdate().year + 10
    assert services.reporting_year_problems(start_year=2000) == {}
    assert services.reporting_year_problems(start_year=last) == {}
    refusal = {"start_year": [f"Enter a year between 2000 and {last}."]}
    assert services.reporting_year_problems(start_year=1999) == refusal
    assert services.reporting_year_problems(start_year=last + 1) == refusal
    year = services.reporting_year_create(start_year=2000)
    assert (year.label, year.start, year.end) == (
        "2000-01",
        datetime.date(2000, 4, 1),
        datetime.date(2001, 3, 31),
    )
    with pytest.raises(ValidationError):
        services.reporting_year_create(start_year=1999)
    assert not ReportingYear.objects.filter(label="1999-00").exists()


@pytest.mark.django_db
def test_a_blank_contributor_is_told_only_that_it_is_blank(world):
    # A blank line left from before the rule does not count as a clash.
    ContributionFactory(board=world.board, year=world.year, label="")
    line = Contribution(board=world.board, label="", amount=Decimal("1"))
    assert services.contribution_problems(contribution=line, year=world.year) == {
        "label": ["This field cannot be blank."]
    }


@pytest.mark.django_db
def test_a_contribution_is_saved_without_the_spaces_around_its_contributor(world):
    line = services.contribution_save(
        contribution=Contribution(board=world.board, label="  Police ", amount=Decimal("5")),
        year=world.year,
    )
    assert Contribution.objects.get(pk=line.pk).label == "Police"


@pytest.mark.django_db
def test_a_published_total_of_zero_or_more_has_no_problems(world):
    assert services.published_total_problems(amount=Decimal("0")) == {}
    assert services.published_total_problems(amount=None) == {}
    assert services.published_total_problems(amount=Decimal("-0.01")) == {
        "amount": ["The published total cannot be less than £0."]
    }


@pytest.mark.django_db
def test_a_refused_published_total_leaves_the_one_recorded(world):
    services.published_total_set(board=world.board, year=world.year, amount=Decimal("100"))
    with pytest.raises(ValidationError) as refused:
        services.published_total_set(board=world.board, year=world.year, amount=Decimal("-5"))
    assert refused.value.message_dict == {"amount": ["The published total cannot be less than £0."]}
    assert PublishedTotal.objects.get(board=world.board).amount == Decimal("100")


@pytest.mark.django_db
def test_saving_a_published_total_checks_its_amount_and_its_fields(world):
    negative = PublishedTotal(board=world.board, year=world.year, amount=Decimal("-1"))
    with pytest.raises(ValidationError) as refused:
        services.published_total_save(total=negative)
    assert refused.value.message_dict == {"amount": ["The published total cannot be less than £0."]}
    too_big = PublishedTotal(board=world.board, year=world.year, amount=Decimal("12345678901.00"))
    with pytest.raises(ValidationError) as refused:
        services.published_total_save(total=too_big)
    assert refused.value.message_dict == {
        "amount": ["Ensure that there are no more than 12 digits in total."]
    }
    assert not PublishedTotal.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_valid_agency_and_refuses_one_the_model_refuses(world):
    agency = Agency(slug="luton-council", name="Luton Council", sector="local-authority")
    assert services.agency_save(agency=agency) is agency
    assert Agency.objects.get(slug="luton-council").name == "Luton Council"
    with pytest.raises(ValidationError) as refused:
        services.agency_save(agency=Agency(slug="nowhere", name="Nowhere", sector="made-up"))
    assert list(refused.value.message_dict) == ["sector"]
    assert not Agency.objects.filter(slug="nowhere").exists()


@pytest.mark.django_db
def test_it_saves_a_valid_reporting_year_and_refuses_one_mislabelled(world):
    year = ReportingYear.span(2031)
    assert services.reporting_year_save(year=year) is year
    assert ReportingYear.objects.get(label="2031-32").start == datetime.date(2031, 4, 1)
    wrong = ReportingYear(
        label="2032-34", start=datetime.date(2032, 4, 1), end=datetime.date(2033, 3, 31)
    )
    with pytest.raises(ValidationError) as refused:
        services.reporting_year_save(year=wrong)
    assert refused.value.message_dict == {"label": ["This year is labelled 2032-33."]}
    assert not ReportingYear.objects.filter(label="2032-34").exists()
