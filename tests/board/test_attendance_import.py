"""Importing an attendance record of a series of meetings, in the board's
own layout and codes (board.attendance_import through the mapping import's
pages): a row per person, a column per meeting, the board's own key."""

import datetime

import pytest

from board import selectors
from board.models import Attendance, AttendanceMark, ImportMapping, Meeting, ReportingYear
from tests.clock import on_day
from tests.factories import AgencyFactory, AttendanceFactory, MeetingFactory, MemberFactory
from tests.import_files import SheetSpec, csv_bytes, xlsx
from tests.imports import ImportWalk, problems_of

TODAY = datetime.date(2026, 12, 7)
OPTIONS = {"order": "day-first", "group": "alpha-board"}
#: The file's own codes, mapped on the words page to the board's four marks.
CODES = {"✓": "attended", "R": "representative", "A": "apologies", "X": "no-cover"}


@pytest.fixture
def key(world):
    """The board's own four-mark key, none of whose codes the file uses."""
    marks = [
        ("attended", "MA", "Attended", True, True),
        ("representative", "RA", "Representative attended", True, True),
        ("apologies", "Ap", "Apologies", False, True),
        ("no-cover", "NC", "No cover sent", False, True),
    ]
    return [
        AttendanceMark.objects.create(
            board=world.board,
            key=k,
            code=code,
            words=words,
            present=present,
            counted=counted,
            position=n,
        )
        for n, (k, code, words, present, counted) in enumerate(marks, start=1)
    ]


@pytest.fixture
def seats(world, key):
    """Sam Patel's seat from 1 April 2025; Jo Green in one seat to 30
    September 2025 and in another from 1 October 2025."""
    police = AgencyFactory(slug="anyshire-police", name="Anyshire Police")
    school = AgencyFactory(slug="riverside", name="Riverside Academy Trust")
    start = datetime.date(2025, 4, 1)
    return {
        "sam": MemberFactory(
            board=world.board,
            agency=police,
            person="Sam Patel",
            position="Detective Superintendent",
            start=start,
            groups=[world.group],
        ),
        "jo": MemberFactory(
            board=world.board,
            agency=school,
            person="Jo Green",
            position="Head teacher",
            start=start,
            end=datetime.date(2025, 9, 30),
            groups=[world.group],
        ),
        "jo_later": MemberFactory(
            board=world.board,
            agency=school,
            person="Jo Green",
            position="Executive head",
            start=datetime.date(2025, 10, 1),
            groups=[world.group],
        ),
    }


@pytest.fixture
def walk(world, manager_client):
    return ImportWalk(manager_client, world.board, "attendance")


def _state(board):
    return (
        sorted(
            Attendance.objects.filter(member__board=board).values_list(
                "meeting__date", "member_id", "status"
            )
        ),
        sorted(Meeting.objects.values_list("group__slug", "date")),
        ImportMapping.objects.filter(board=board).count(),
    )


def _preview(walk, content, name="attendance.xlsx", *, header_row=None, by_word=None, **options):
    walk.upload(name, content)
    if header_row is not None or walk.client.get(walk.url("layout")).status_code == 200:
        assert walk.layout(header_row=header_row).status_code == 302
    response = walk.columns(**{**OPTIONS, **options})
    assert response.status_code == 302, response.context and [
        str(p) for p in response.context["problems"]
    ]
    assert walk.words({"meeting": CODES, **(by_word or {})}).status_code == 302
    return walk.preview()


def test_a_grid_of_the_boards_own_codes_imports_into_its_own_key(walk, world, seats, users):
    """Headings written as boards write dates, codes mapped to the board's
    four marks, a meeting that exists changed from what it held, three
    meetings added, and Jo Green marked in the seat held on each date."""
    june = MeetingFactory(group=world.group, date=datetime.date(2025, 6, 12))
    AttendanceFactory(meeting=june, member=seats["sam"], status="attended")
    rows = [
        [
            "Name",
            "Organisation",
            "15/05/2025",
            "12 June 2025",
            datetime.date(2025, 9, 11),
            "16 Oct 2025",
        ],
        ["Sam Patel", "Anyshire Police", "✓", "A", "R", "✓"],
        ["Jo Green", "Riverside Academy Trust", "✓", "X", "", "✓"],
    ]
    content = xlsx(SheetSpec("2025-26", rows, above=[["Alpha board attendance 2025-26"]]))
    with on_day(TODAY):
        response = _preview(walk, content)
        assert response.status_code == 200, problems_of(response)
        text = response.content.decode()
        assert "3 meetings will be added: 15 May 2025, 11 September 2025, 16 October 2025." in text
        assert "12 June 2025: Attended → Apologies" in text
        assert walk.confirm().status_code == 302
    marks = {
        (a.member_id, a.meeting.date): a.status
        for a in Attendance.objects.filter(member__board=world.board).select_related("meeting")
    }
    sam, jo, later = seats["sam"].pk, seats["jo"].pk, seats["jo_later"].pk
    assert marks[(sam, datetime.date(2025, 6, 12))] == "apologies"
    assert marks[(sam, datetime.date(2025, 9, 11))] == "representative"
    assert marks[(jo, datetime.date(2025, 6, 12))] == "no-cover"
    assert marks[(later, datetime.date(2025, 10, 16))] == "attended"
    assert (jo, datetime.date(2025, 10, 16)) not in marks
    # The June mark's history shows the change; the percentages follow the board's key.
    assert Attendance.history.filter(member_id=sam, meeting=june).count() == 2
    assert (
        Attendance.history.filter(member_id=sam, meeting=june).latest("history_id").history_user
        == users["manager"]
    )
    matrix = selectors.attendance_matrix(
        group=world.group, year=ReportingYear.for_start_year(2025), board=world.board
    )
    row = next(r for r in matrix.rows if r.member.pk == sam)
    assert (row.held, row.attended) == (4, 3)
    assert [m.code for m in matrix.legend] == ["MA", "RA", "Ap", "NC"]
    remembered = ImportMapping.objects.get(board=world.board, kind="attendance")
    assert remembered.words["meeting"] == {
        "✓": "attended",
        "r": "representative",
        "a": "apologies",
        "x": "no-cover",
    }


def test_dates_above_the_headings_are_read_a_row_of_dates_and_a_month_over_its_day(
    walk, world, seats
):
    """A row of dates over a row of meeting names, and a month over the
    day: the person chooses the lower row as the headings."""
    above = [["", "14/05/2025", "June 2025"]]
    rows = [["Name", "Board meeting", "Thu 12"], ["Sam Patel", "✓", "R"]]
    with on_day(TODAY):
        response = _preview(walk, csv_bytes([*above, *rows]), "attendance.csv", header_row=2)
        assert response.status_code == 200, problems_of(response)
        assert walk.confirm().status_code == 302
    assert set(Meeting.objects.filter(group=world.group).values_list("date", flat=True)) >= {
        datetime.date(2025, 5, 14),
        datetime.date(2025, 6, 12),
    }
    assert Attendance.objects.get(member=seats["sam"], meeting__date="2025-06-12").status == (
        "representative"
    )


def test_an_unknown_code_is_named_by_row_and_column_and_nothing_can_be_confirmed(
    walk, world, seats
):
    rows = [["Name", "15/05/2025", "12/06/2025"], ["Sam Patel", "✓", "Z"]]
    with on_day(TODAY):
        before = _state(world.board)
        response = _preview(walk, csv_bytes(rows), "attendance.csv")
        assert response.status_code == 400
        assert problems_of(response) == [
            "Row 2, column C (12/06/2025): 'Z' is not a code the board's key has been given "
            "yet: say which mark it stands for on the words page."
        ]
        assert "Confirm and import" not in response.content.decode()
        assert walk.confirm().status_code == 302
    assert _state(world.board) == before


def test_an_unknown_person_is_named_until_mapped_to_a_seat(walk, world, seats):
    rows = [["Name", "15/05/2025"], ["Sam Patel", "✓"], ["Kim Wu", "A"]]
    with on_day(TODAY):
        before = _state(world.board)
        response = _preview(walk, csv_bytes(rows), "attendance.csv")
        assert response.status_code == 400
        assert problems_of(response) == [
            "Row 3, column A (Name): 'Kim Wu' matches none of the board's seats: map the name "
            "to a seat on the words page, or add the seat first."
        ]
        walk.confirm()
        assert _state(world.board) == before
        # Mapped to a seat on the words page, the row imports into that seat.
        assert walk.words({"person": {"Kim Wu": str(seats["jo"].pk)}}).status_code == 302
        assert walk.preview().status_code == 200
        assert walk.confirm().status_code == 302
    assert Attendance.objects.get(member=seats["jo"]).status == "apologies"


def test_a_mark_on_a_day_no_seat_was_held_a_date_twice_and_a_month_first_date_are_named(
    walk, world, seats
):
    rows = [
        ["Name", "13/03/2025", "12/05/2025", "12 May 2025", "05/13/2025"],
        ["Sam Patel", "✓", "✓", "A", "R"],
    ]
    with on_day(TODAY):
        before = _state(world.board)
        response = _preview(walk, csv_bytes(rows), "attendance.csv")
        problems = problems_of(response)
        assert response.status_code == 400
        assert (
            "Column D (12 May 2025): column C is also the meeting on 12 May 2025: each meeting "
            "has one column." in problems
        )
        assert any(
            p.startswith(
                "Column E (05/13/2025): '05/13/2025' has no month 13: it reads as a "
                "date only month first"
            )
            for p in problems
        )
        assert (
            "Row 2, column B (13/03/2025): Anyshire Police - Detective Superintendent (Sam "
            "Patel) held no seat of the board on 13 March 2025 (Anyshire Police - Detective "
            "Superintendent (Sam Patel), held from 1 April 2025). Correct the seat's dates, or "
            "the cell." in problems
        )
        walk.confirm()
    # Never swapped: no meeting on 5 January or 13 May.
    assert _state(world.board) == before


def test_a_change_after_the_preview_saves_nothing_and_shows_the_preview_again(walk, world, seats):
    june = MeetingFactory(group=world.group, date=datetime.date(2025, 6, 12))
    rows = [["Name", "12/06/2025", "10/07/2025"], ["Sam Patel", "✓", "A"]]
    with on_day(TODAY):
        response = _preview(walk, csv_bytes(rows), "attendance.csv")
        assert response.status_code == 200, problems_of(response)
        AttendanceFactory(meeting=june, member=seats["sam"], status="no-cover")
        before = _state(world.board)
        response = walk.confirm()
        assert response["Location"].endswith("/imports/attendance/preview/")
    assert _state(world.board) == before


def test_the_matrix_as_downloaded_imports_back_unchanged(walk, world, seats, manager_client):
    meeting = MeetingFactory(group=world.group, date=datetime.date(2025, 6, 12))
    AttendanceFactory(meeting=meeting, member=seats["sam"], status="apologies")
    with on_day(TODAY):
        url = f"/boards/{world.board.slug}/meetings/attendance.csv?group=alpha-board&year=2025-26"
        download = manager_client.get(url)
        assert download.status_code == 200
        walk.upload("attendance.csv", download.content)
        assert walk.columns(**OPTIONS).status_code == 302
        assert walk.words().status_code == 302
        response = walk.preview()
        assert response.status_code == 200, problems_of(response)
        assert response.context["preview"].plan == []
        assert response.context["preview"].count("unchanged") == 1


def test_the_meetings_page_links_the_import(world, manager_client):
    response = manager_client.get(f"/boards/{world.board.slug}/meetings/")
    assert f'href="/boards/{world.board.slug}/imports/attendance/"' in response.content.decode()
    assert "Import an attendance record" in response.content.decode()


def _preview_of(world, rows):
    from board import importing
    from core import spreadsheets as sheets

    book = sheets.read_book(
        "attendance.csv", csv_bytes(rows), max_rows=2000, max_unpacked_bytes=10_000_000
    )
    importer = importing.REGISTRY["attendance"](world.board, OPTIONS)
    pending = importing.Pending(kind="attendance", board=world.board.pk, name="a", sheets=book)
    importing.start_mapping(importer, pending, None)
    pending.options = OPTIONS
    pending.mapping.words = {"meeting": {code.casefold(): v for code, v in CODES.items()}}
    importing.suggest_words(importer, pending, pending.table(), None)
    return importing.run_preview(importer, pending)


def test_a_preview_reads_the_board_in_the_same_queries_however_many_rows(
    world, seats, django_assert_max_num_queries
):
    seats_made = [
        MemberFactory(board=world.board, person=f"Person {n}", groups=[world.group])
        for n in range(30)
    ]
    head = ["Name", "15/05/2025", "12/06/2025", "11/09/2025"]
    rows = [head, *([seat.person, "✓", "A", "X"] for seat in seats_made)]
    with on_day(TODAY), django_assert_max_num_queries(12):
        preview = _preview_of(world, rows)
    assert preview.valid, [str(p) for p in preview.all_problems]
    assert [len(entry["marks"]) for entry in preview.plan] == [30, 30, 30]


def test_an_agencys_seat_is_found_by_its_agency_and_a_name_left_blank_leaves_its_row_out(
    walk, world, seats
):
    health = AgencyFactory(slug="anyshire-icb", name="Anyshire ICB", short_name="ICB")
    seat = MemberFactory(board=world.board, agency=health, person="", position="")
    rows = [
        ["Name", "Organisation", "15/05/2025"],
        ["", "ICB", "R"],
        ["Visitor from Ofsted", "", "✓"],
    ]
    with on_day(TODAY):
        response = _preview(
            walk,
            csv_bytes(rows),
            "attendance.csv",
            by_word={"person": {"Visitor from Ofsted": "blank"}},
        )
        assert response.status_code == 200, problems_of(response)
        left_out = response.context["preview"].rows[1]
        assert (left_out.status, left_out.notes) == (
            "skipped",
            ["Left out: its name is mapped to be left blank."],
        )
        assert walk.confirm().status_code == 302
    assert list(
        Attendance.objects.filter(
            member__board=world.board, meeting__date="2025-05-15"
        ).values_list("member", "status")
    ) == [(seat.pk, "representative")]
