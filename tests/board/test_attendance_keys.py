"""A board's own attendance key: the services' refusals and history, and the
matrix, the percentages, the annual report and the download following it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from board import selectors, services
from board.models import Attendance, AttendanceMark
from reports.models import SectionKind
from reports.sections import build_report
from tests.factories import MeetingFactory, MemberFactory
from tests.reports.annual_helpers import draft, year_2016

pytestmark = pytest.mark.django_db


def own_mark(board, **fields) -> AttendanceMark:
    """Add a mark to the board's key through the service, as the page does."""
    return services.attendance_mark_save(mark=AttendanceMark(board=board, **fields))


def mark_of(board, key: str) -> AttendanceMark:
    return next(m for m in selectors.attendance_key(board=board) if m.key == key)


def a_key_of_four(board) -> dict[str, AttendanceMark]:
    """Alpha's own key: attended, sent a substitute, apologies, and "not
    required" (a meeting the seat was not asked to, which does not count)."""
    marks = {
        "MA": own_mark(board, code="MA", words="Member attended", present=True, counted=True),
        "SA": own_mark(board, code="SA", words="Substitute attended", present=True, counted=True),
        "AP": own_mark(board, code="AP", words="Apologies sent", present=False, counted=True),
        "NR": own_mark(board, code="NR", words="Not required", present=False, counted=False),
    }
    for key in ("attended", "deputy", "apologies", "absent", "not-applicable"):
        old = mark_of(board, key)
        if services.attendance_mark_uses(mark=old):
            services.attendance_mark_retire(mark=old)
        else:
            services.attendance_mark_delete(mark=old)
    return marks


def test_a_board_without_marks_of_its_own_uses_the_default_key(world):
    key = selectors.attendance_key(board=world.board)
    assert [(m.code, m.words, m.present, m.counted) for m in key] == [
        ("1", "Attended", True, True),
        ("D", "Deputy attended", True, True),
        ("A", "Apologies", False, True),
        ("0", "Absent", False, True),
        ("n/a", "Not yet a member", False, False),
    ]


def test_it_refuses_a_code_the_board_already_uses_and_saves_nothing(world):
    own_mark(world.board, code="MA", words="Member attended", present=True, counted=True)
    before = AttendanceMark.objects.filter(board=world.board).count()
    with pytest.raises(ValidationError, match="already has a mark ma"):
        own_mark(world.board, code="ma", words="Member arrived", present=True, counted=True)
    assert AttendanceMark.objects.filter(board=world.board).count() == before


def test_another_board_may_use_the_same_code(world):
    own_mark(world.board, code="MA", words="Member attended", present=True, counted=True)
    other = own_mark(
        world.other_board, code="MA", words="Member attended", present=True, counted=True
    )
    assert other.board == world.other_board
    assert AttendanceMark.objects.filter(code="MA").count() == 2


def test_it_refuses_to_delete_a_mark_in_use_but_retires_it(world):
    attended = mark_of(world.board, "attended")  # world.member attended world.meeting
    with pytest.raises(ValidationError, match="used 1 time in the attendance already recorded"):
        services.attendance_mark_delete(mark=attended)
    retired = services.attendance_mark_retire(mark=attended)
    assert retired.retired
    assert Attendance.objects.get(meeting=world.meeting, member=world.member).status == "attended"
    second = MemberFactory(board=world.board, groups=[world.group])
    with pytest.raises(ValidationError, match="is retired"):
        services.attendance_record(meeting=world.meeting, marks={second: "attended"})


def test_it_deletes_a_mark_nobody_holds(world):
    services.attendance_mark_delete(mark=mark_of(world.board, "absent"))
    assert "absent" not in {m.key for m in selectors.attendance_key(board=world.board)}


def test_it_refuses_to_leave_the_key_without_a_mark_that_counts_as_present(world):
    services.attendance_mark_delete(mark=mark_of(world.board, "deputy"))
    attended = mark_of(world.board, "attended")
    attended.present = False
    with pytest.raises(ValidationError, match="at least one mark that counts as present"):
        services.attendance_mark_save(mark=attended)
    assert mark_of(world.board, "attended").present
    with pytest.raises(ValidationError, match="last mark that counts as present"):
        services.attendance_mark_retire(mark=mark_of(world.board, "attended"))
    assert not mark_of(world.board, "attended").retired


def test_every_change_to_a_mark_is_in_its_history(world):
    mark = own_mark(world.board, code="L", words="Late", present=True, counted=True)
    mark.words = "Arrived late"
    services.attendance_mark_save(mark=mark)
    services.attendance_mark_retire(mark=mark)
    history = list(AttendanceMark.history.filter(id=mark.pk).order_by("history_date"))
    assert [(h.history_type, h.words, h.retired) for h in history] == [
        ("+", "Late", False),
        ("~", "Arrived late", False),
        ("~", "Arrived late", True),
    ]


def test_rewording_a_mark_changes_no_attendance(world):
    attended = mark_of(world.board, "attended")
    attended.code, attended.words = "P", "Present"
    services.attendance_mark_save(mark=attended)
    record = Attendance.objects.get(meeting=world.meeting, member=world.member)
    assert record.status == "attended"
    matrix = selectors.attendance_matrix(group=world.group, year=year_2016(), board=world.board)
    (row,) = [r for r in matrix.rows if r.member == world.member]
    assert row.mark(row.cells[0]).code == "P"


def test_the_percentage_leaves_out_meetings_whose_mark_does_not_count(world):
    year = year_2016()
    marks = a_key_of_four(world.board)
    seat = MemberFactory(board=world.board, groups=[world.group], person="B Seat")
    dates = [datetime.date(2016, 6, 1), datetime.date(2016, 9, 1), datetime.date(2017, 3, 31)]
    meetings = [world.meeting] + [MeetingFactory(group=world.group, date=d) for d in dates]
    for meeting, code in zip(meetings, ("MA", "NR", "AP", "SA"), strict=True):
        services.attendance_record(meeting=meeting, marks={seat: marks[code].key})
    matrix = selectors.attendance_matrix(group=world.group, year=year, board=world.board)
    (row,) = [r for r in matrix.rows if r.member == seat]
    # Four meetings, one not required: two attended of three that count.
    assert (row.attended, row.held, row.percent) == (2, 3, 67)
    # Were "not required" counted, it would be two of four.
    nr = AttendanceMark.objects.get(pk=marks["NR"].pk)
    nr.counted = True
    services.attendance_mark_save(mark=nr)
    matrix = selectors.attendance_matrix(group=world.group, year=year, board=world.board)
    (row,) = [r for r in matrix.rows if r.member == seat]
    assert (row.attended, row.held, row.percent) == (2, 4, 50)


def test_the_annual_reports_attendance_follows_the_boards_key(world):
    marks = a_key_of_four(world.board)
    seat = MemberFactory(board=world.board, groups=[world.group], person="B Seat")
    second = MeetingFactory(group=world.group, date=datetime.date(2016, 9, 1))
    third = MeetingFactory(group=world.group, date=datetime.date(2017, 3, 31))
    services.attendance_record(meeting=world.meeting, marks={seat: marks["NR"].key})
    services.attendance_record(meeting=second, marks={seat: marks["SA"].key})
    services.attendance_record(meeting=third, marks={seat: marks["AP"].key})
    world.group.kind = "strategic-board"
    world.group.save()
    section = next(
        s for s in build_report(draft(world)).sections if s.kind == SectionKind.ATTENDANCE
    )
    (table,) = section.tables
    rows = {row[0].text: [c.text for c in row[1:]] for row in table.rows}
    assert rows[seat.label] == [
        "Not required",
        "Substitute attended",
        "Apologies sent",
        "1 of 2",
        "50%",
    ]
    note = " ".join(p.text for p in section.blocks if hasattr(p, "text"))
    assert "Member attended (MA) and Substitute attended (SA) count as attended" in note
    assert "Not required (NR) does not count" in note


def test_the_download_shows_the_boards_codes(world, manager_client):
    marks = a_key_of_four(world.board)
    second = MeetingFactory(group=world.group, date=datetime.date(2016, 9, 1))
    services.attendance_record(meeting=second, marks={world.member: marks["SA"].key})
    url = reverse("board:attendance_export", kwargs={"board": world.board.slug, "fmt": "csv"})
    response = manager_client.get(url, {"group": world.group.slug, "year": "2016-17"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r and r[0] == world.member.label]
    # The first meeting's mark was retired from the key, and keeps its code.
    codes = {"1", "D", "A", "0", "n/a", "MA", "SA", "AP", "NR"}
    assert [cell for cell in row if cell in codes] == ["1", "SA"]


def test_the_key_page_lists_the_boards_own_marks(world, manager_client):
    own_mark(world.board, code="L", words="Late", present=True, counted=True)
    response = manager_client.get(reverse("board:attendance_key", kwargs={"board": "alpha"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Late" in page
    assert "Deputy attended" in page
