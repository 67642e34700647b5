"""The services that change time: ending a seat, recording who took it
over, marking the board's main group and filling the reporting years. Each
refusal changes nothing; each change is in history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from board import services
from board.models import Group, MainGroup, Member, ReportingYear
from tests.factories import (
    AgencyFactory,
    GroupFactory,
    MemberFactory,
    YearFactory,
)

D = datetime.date

pytestmark = pytest.mark.django_db


def problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def unchanged(member: Member) -> tuple:
    member.refresh_from_db()
    return (member.end, member.successor_id, member.history.count())


# --- ending a seat ------------------------------------------------------------------------


def test_it_ends_a_seat_on_its_last_day_with_history(world):
    seat = world.member
    ended = services.member_end(member=seat, end=D(2026, 12, 7))
    assert ended.end == D(2026, 12, 7)
    latest = seat.history.latest()
    assert (latest.history_type, latest.end) == ("~", D(2026, 12, 7))
    assert latest.prev_record.end is None


def test_it_ends_a_seat_naming_the_seat_that_took_it_over(world):
    successor = MemberFactory(board=world.board, person="Sam", start=D(2026, 12, 8))
    services.member_end(member=world.member, end=D(2026, 12, 7), successor=successor)
    world.member.refresh_from_db()
    assert world.member.successor == successor
    assert list(successor.predecessors.all()) == [world.member]


def test_it_refuses_an_end_before_the_start_and_changes_nothing(world):
    seat = MemberFactory(board=world.board, start=D(2020, 4, 1))
    before = unchanged(seat)
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=seat, end=D(2020, 3, 31))
    assert problems(exc) == {"end": ["The end date is before the start date."]}
    assert unchanged(seat) == before
    # The day it started is a day it was held: it may end that day.
    assert services.member_end(member=seat, end=D(2020, 4, 1)).end == D(2020, 4, 1)


def test_it_refuses_no_end(world):
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=world.member, end=None)
    assert problems(exc) == {"end": ["Enter the last day the seat was held."]}


def test_it_refuses_an_end_before_the_first_year_a_source_records(world):
    first = YearFactory()  # 2016-17
    seat = MemberFactory(board=world.board, first_recorded=first, last_recorded=first)
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=seat, end=D(2016, 3, 31))
    assert problems(exc) == {"end": ["The seat ends on 31 March 2016, before 2016-17 starts."]}
    assert services.member_end(member=seat, end=D(2016, 4, 1)).end == D(2016, 4, 1)


def test_it_refuses_a_successor_that_is_the_seat_itself_or_another_boards(world):
    seat = world.member
    before = unchanged(seat)
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=seat, end=D(2026, 1, 1), successor=seat)
    assert problems(exc) == {"successor": ["A seat cannot succeed itself."]}
    elsewhere = MemberFactory(board=world.other_board, person="Other")
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=seat, end=D(2026, 1, 1), successor=elsewhere)
    assert problems(exc) == {"successor": [f"{elsewhere} is a seat of another board."]}
    assert unchanged(seat) == before


def test_it_refuses_a_successor_that_leads_back_to_the_seat(world):
    first = MemberFactory(board=world.board, person="First")
    second = MemberFactory(board=world.board, person="Second")
    services.member_end(member=first, end=D(2011, 12, 31), successor=second)
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=second, end=D(2013, 1, 1), successor=first)
    assert problems(exc)["successor"] == [
        f"{first} is succeeded by this seat, directly or through others, so it cannot succeed it."
    ]


def test_it_refuses_a_successor_already_in_the_seat_before_this_one_started(world):
    seat = MemberFactory(board=world.board, person="Later", start=D(2020, 4, 1))
    earlier = MemberFactory(board=world.board, person="Earlier", start=D(2020, 4, 1))
    with pytest.raises(ValidationError) as exc:
        services.member_end(member=seat, end=D(2021, 3, 31), successor=earlier)
    assert problems(exc) == {
        "successor": [
            f"{earlier.label} was in their seat by 1 April 2020, before this seat started, "
            "so they cannot have taken it over."
        ]
    }
    later = MemberFactory(board=world.board, person="Next", start=D(2020, 4, 2))
    services.member_end(member=seat, end=D(2021, 3, 31), successor=later)


# --- recording who took a seat over -----------------------------------------------------------


def test_a_successor_gets_a_seat_like_the_old_one_which_ends_the_day_before(world):
    agency = AgencyFactory(name="Board office")
    chair = MemberFactory(
        board=world.board,
        agency=agency,
        position="Independent Chair",
        person="Pat Old",
        role=Member.Role.INDEPENDENT_CHAIR,
        start=D(2019, 9, 1),
        groups=[world.group],
    )
    new = services.member_succeed(
        member=chair, person="  Sam New ", start=D(2027, 4, 1), notes="Appointed in March."
    )
    chair.refresh_from_db()
    assert (chair.end, chair.successor) == (D(2027, 3, 31), new)
    assert (new.board, new.agency, new.position, new.role, new.person, new.start, new.end) == (
        world.board,
        agency,
        "Independent Chair",
        Member.Role.INDEPENDENT_CHAIR,
        "Sam New",
        D(2027, 4, 1),
        None,
    )
    assert list(new.groups.all()) == [world.group]
    assert new.notes == "Appointed in March."
    assert new.history.earliest().history_type == "+"
    latest = chair.history.latest()
    assert (latest.end, latest.successor_id) == (D(2027, 3, 31), new.pk)


def test_a_seat_that_ended_before_its_successor_started_keeps_its_end(world):
    seat = MemberFactory(board=world.board, person="Left", end=D(2026, 6, 30))
    services.member_succeed(member=seat, person="Came", start=D(2026, 9, 1))
    seat.refresh_from_db()
    assert seat.end == D(2026, 6, 30)  # the seat stood empty between
    later_end = MemberFactory(board=world.board, person="Stayed", end=D(2026, 12, 31))
    services.member_succeed(member=later_end, person="Replaced", start=D(2026, 9, 1))
    later_end.refresh_from_db()
    assert later_end.end == D(2026, 8, 31)


def test_a_successor_must_start_after_the_seat_did_and_nothing_is_saved(world):
    seat = MemberFactory(board=world.board, person="Held", start=D(2020, 4, 1))
    count = Member.objects.count()
    before = unchanged(seat)
    with pytest.raises(ValidationError) as exc:
        services.member_succeed(member=seat, person="Too soon", start=D(2020, 4, 1))
    assert problems(exc) == {
        "start": ["The new member must start after this seat started (1 April 2020)."]
    }
    with pytest.raises(ValidationError) as exc:
        services.member_succeed(member=seat, person="Nobody", start=None)
    assert problems(exc) == {"start": ["Enter the day the new member takes the seat."]}
    assert (Member.objects.count(), unchanged(seat)) == (count, before)
    services.member_succeed(member=seat, person="Next day", start=D(2020, 4, 2))
    seat.refresh_from_db()
    assert seat.end == D(2020, 4, 1)


def test_a_seat_already_taken_over_is_not_taken_over_again(world):
    seat = world.member
    first = services.member_succeed(member=seat, person="First", start=D(2026, 1, 1))
    count = Member.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.member_succeed(member=seat, person="Second", start=D(2026, 6, 1))
    assert problems(exc) == {"__all__": [f"{first.label} already took this seat over."]}
    assert Member.objects.count() == count


def test_a_successor_the_board_already_has_is_refused(world):
    seat = MemberFactory(board=world.board, position="Chair", person="Old")
    MemberFactory(board=world.board, agency=seat.agency, position="Chair", person="Taken")
    with pytest.raises(ValidationError) as exc:
        services.member_succeed(member=seat, person="Taken", start=D(2026, 1, 1))
    assert problems(exc) == {
        "person": ["This board already has a seat with this person, position and agency."]
    }


def test_a_successor_cannot_start_before_the_first_year_a_source_records_the_seat(world):
    recorded = YearFactory()  # 2016-17
    seat = MemberFactory(board=world.board, first_recorded=recorded, last_recorded=recorded)
    with pytest.raises(ValidationError) as exc:
        services.member_succeed(member=seat, person="New", start=D(2016, 4, 1))
    assert problems(exc) == {
        "start": ["The new member must start after this seat started (1 April 2016)."]
    }
    services.member_succeed(member=seat, person="New", start=D(2016, 4, 2))


# --- the board's main group ---------------------------------------------------------------


def test_it_marks_changes_and_clears_the_main_group_with_history(world):
    other = GroupFactory(boards=[world.board])
    mark = services.main_group_set(board=world.board, group=world.group)
    assert MainGroup.objects.get(board=world.board).group == world.group
    services.main_group_set(board=world.board, group=world.group)  # no change, no history
    assert mark.history.count() == 1
    services.main_group_set(board=world.board, group=other)
    assert MainGroup.objects.get(board=world.board).group == other
    services.main_group_set(board=world.board, group=None)
    assert not MainGroup.objects.filter(board=world.board).exists()
    kinds = list(
        MainGroup.history.filter(board_id=world.board.pk)
        .order_by("history_date", "history_id")
        .values_list("history_type", "group_id")
    )
    assert kinds == [("+", world.group.pk), ("~", other.pk), ("-", other.pk)]


def test_it_refuses_a_main_group_that_does_not_serve_the_board(world):
    services.main_group_set(board=world.board, group=world.group)
    theirs = Group.objects.get(slug="beta-board")
    with pytest.raises(ValidationError) as exc:
        services.main_group_set(board=world.board, group=theirs)
    assert problems(exc) == {
        "group": [f"{theirs} does not serve {world.board}, so it cannot be its main group."]
    }
    assert MainGroup.objects.get(board=world.board).group == world.group


def test_a_pan_area_group_may_be_the_main_group_of_each_board_it_serves(world):
    pan = GroupFactory(boards=[world.board, world.other_board])
    services.main_group_set(board=world.board, group=pan)
    services.main_group_set(board=world.other_board, group=pan)
    assert MainGroup.objects.filter(group=pan).count() == 2


def test_a_main_group_cannot_be_taken_off_its_board(world):
    pan = GroupFactory(boards=[world.board, world.other_board])
    services.main_group_set(board=world.board, group=pan)
    with pytest.raises(ValidationError) as exc:
        services.group_save(group=pan, boards=[world.other_board])
    assert problems(exc) == {
        "boards": [
            f"This group is the main group of {world.board}; mark another group as its main "
            "one before taking this group off it."
        ]
    }
    assert set(pan.boards.all()) == {world.board, world.other_board}
    services.main_group_set(board=world.board, group=None)
    services.group_save(group=pan, boards=[world.other_board])
    assert list(pan.boards.all()) == [world.other_board]


# --- reporting years -----------------------------------------------------------------------


def labels() -> list[str]:
    return list(ReportingYear.objects.order_by("start").values_list("label", flat=True))


def test_it_fills_every_year_from_the_first_to_the_one_holding_today(db):
    YearFactory(label="2019-20", start=D(2019, 4, 1), end=D(2020, 3, 31))
    YearFactory(label="2021-22", start=D(2021, 4, 1), end=D(2022, 3, 31))
    made = services.reporting_years_fill(today=D(2025, 3, 31))
    assert [y.label for y in made] == ["2020-21", "2022-23", "2023-24", "2024-25"]
    assert labels() == ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]
    assert [y.label for y in services.reporting_years_fill(today=D(2025, 4, 1))] == ["2025-26"]
    assert services.reporting_years_fill(today=D(2025, 4, 1)) == []
    assert ReportingYear.objects.get(label="2025-26").history.count() == 1


def test_with_no_year_saved_there_is_nothing_to_fill(db):
    assert services.reporting_years_fill(today=D(2026, 12, 7)) == []
    assert labels() == []


def test_a_year_saved_ahead_stays_and_the_gap_to_it_is_not_filled(db):
    YearFactory(label="2024-25", start=D(2024, 4, 1), end=D(2025, 3, 31))
    YearFactory(label="2030-31", start=D(2030, 4, 1), end=D(2031, 3, 31))
    services.reporting_years_fill(today=D(2026, 12, 7))
    assert labels() == ["2024-25", "2025-26", "2026-27", "2030-31"]


def test_the_fill_command_says_what_it_added(db):
    from io import StringIO

    from django.core.management import call_command

    from tests.clock import on_day

    YearFactory(label="2024-25", start=D(2024, 4, 1), end=D(2025, 3, 31))
    out = StringIO()
    with on_day(D(2026, 12, 7)):
        call_command("fill_reporting_years", stdout=out)
        call_command("fill_reporting_years", stdout=out)
    assert out.getvalue().splitlines() == [
        "Added 2 reporting years: 2025-26, 2026-27.",
        "Every reporting year to the current one was already there.",
    ]


def test_years_the_fill_saves_are_in_history_as_made_by_no_person(db):
    YearFactory()
    services.reporting_years_fill(today=D(2017, 4, 1))
    made = ReportingYear.objects.get(label="2017-18")
    assert made.history.get().history_user is None


def test_an_admin_marks_a_main_group_in_the_admin_through_the_same_rules(world, client_for):
    from django.urls import reverse

    admin = client_for("admin")
    add = reverse("admin:board_maingroup_add")
    assert admin.get(add).status_code == 200
    theirs = Group.objects.get(slug="beta-board")
    refused = admin.post(add, {"board": world.board.pk, "group": theirs.pk})
    assert refused.status_code == 200
    assert f"{theirs} does not serve {world.board}, so it cannot be its main group." in (
        refused.content.decode()
    )
    assert not MainGroup.objects.exists()
    saved = admin.post(add, {"board": world.board.pk, "group": world.group.pk})
    assert saved.status_code == 302
    mark = MainGroup.objects.get(board=world.board)
    assert mark.group == world.group
    assert mark.history.get().history_user.username == "admin"
    again = admin.post(add, {"board": world.board.pk, "group": world.group.pk})
    assert again.status_code == 200
    assert f"{world.board} already has a main group; change that one instead." in (
        again.content.decode()
    )
