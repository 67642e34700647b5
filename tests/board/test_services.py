import pytest
from django.core.exceptions import ValidationError

from board import services
from board.models import Attendance
from tests.factories import BoardFactory, GroupFactory, MeetingFactory, MemberFactory


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
