import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from board.models import Attendance, Meeting, Member, ReportingYear, Risk
from tests.factories import (
    AttendanceFactory,
    ContributionFactory,
    MeetingFactory,
    MemberFactory,
    RiskFactory,
    YearFactory,
)
from tests.html import table_rows


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


@pytest.mark.django_db
def test_a_manager_records_a_meetings_attendance_and_the_matrix_changes(world, manager_client):
    late = MemberFactory(board=world.board, groups=[world.group], position="Head of Education")
    second = MeetingFactory(group=world.group, date=datetime.date(2016, 9, 1))
    form_url = url("board:attendance", world, meeting=second.pk)
    response = manager_client.post(
        form_url, {f"seat_{world.member.pk}": "deputy", f"seat_{late.pk}": "absent"}
    )
    assert response.status_code == 302
    matrix = manager_client.get(response["Location"]).content.decode()
    rows = {row[0]: row for row in table_rows(matrix, "attendance-matrix")[1:]}
    assert rows[world.member.label][-3:] == ["2", "2", "100%"]
    assert rows[late.label][-3:] == ["1", "0", "0%"]


@pytest.mark.django_db
def test_an_incomplete_attendance_form_names_the_seat_and_saves_nothing(world, manager_client):
    other = MemberFactory(board=world.board, groups=[world.group])
    response = manager_client.post(
        url("board:attendance", world, meeting=world.meeting.pk),
        {f"seat_{world.member.pk}": "absent"},
    )
    assert response.status_code == 400
    assert f"Choose an attendance mark for {other.label}." in response.content.decode()
    assert Attendance.objects.get(meeting=world.meeting, member=world.member).status == "attended"


@pytest.mark.django_db
def test_a_manager_adds_a_meeting_and_goes_on_to_record_attendance(world, manager_client):
    response = manager_client.post(
        url("board:meeting_create", world),
        {"group": world.group.pk, "date": "2017-01-24", "location": "Borough Hall"},
    )
    meeting = Meeting.objects.get(date=datetime.date(2017, 1, 24))
    assert response["Location"] == url("board:attendance", world, meeting=meeting.pk)


@pytest.mark.django_db
def test_a_not_yet_member_mark_is_left_out_of_the_meetings_held(world, manager_client):
    second = MeetingFactory(group=world.group, date=datetime.date(2016, 7, 14))
    AttendanceFactory(meeting=second, member=world.member, status=Attendance.Status.NOT_APPLICABLE)
    html = manager_client.get(
        url("board:meetings", world), {"group": world.group.slug, "year": "2016-17"}
    )
    row = table_rows(html.content.decode(), "attendance-matrix")[1]
    assert row[-3:] == ["1", "1", "100%"]
    assert "Not yet a member" in row


@pytest.mark.django_db
def test_the_budget_shows_the_change_from_the_year_before_where_known(world, manager_client):
    earlier = YearFactory(
        label="2015-16", start=datetime.date(2015, 4, 1), end=datetime.date(2016, 3, 31)
    )
    ContributionFactory(
        board=world.board, year=world.year, label="Police", amount=Decimal("24359.60")
    )
    ContributionFactory(board=world.board, year=world.year, label="Cafcass", amount=Decimal("550"))
    ContributionFactory(board=world.board, year=earlier, label="Police", amount=Decimal("20000"))
    html = manager_client.get(url("board:budget", world), {"year": "2016-17"}).content.decode()
    rows = table_rows(html, "budget-table")
    assert rows[1] == ["Police", "£24,359.60", "£20,000.00", "+£4,359.60"]
    assert rows[2] == ["Cafcass", "£550.00", "Not known", "Not known"]
    assert rows[-1] == ["Total", "£24,909.60", "£20,000.00", "+£4,909.60"]


@pytest.mark.django_db
def test_a_manager_adds_and_updates_a_risk_and_the_change_is_on_record(world, manager_client):
    data = {
        "ref": "R2",
        "title": "Health partners stop funding",
        "description": "The CCG review may cut its contribution.",
        "owner": "Independent chair",
        "likelihood": "2",
        "impact": "5",
        "status": "open",
        "review_date": "2027-03-01",
    }
    assert manager_client.post(url("board:risk_create", world), data).status_code == 302
    manager_client.post(url("board:risk_edit", world, ref="R2"), {**data, "likelihood": "4"})
    risk = Risk.objects.get(board=world.board, ref="R2")
    assert risk.score == 20
    assert risk.level == "High"
    page = manager_client.get(url("board:risk", world, ref="R2")).content.decode()
    assert "Likelihood: “2” to “4”" in page
    assert "Test Person" in page


@pytest.mark.django_db
def test_a_duplicate_risk_ref_is_refused_with_a_clear_error(world, manager_client):
    response = manager_client.post(
        url("board:risk_create", world),
        {
            "ref": "R1",
            "title": "x",
            "description": "x",
            "owner": "x",
            "likelihood": "1",
            "impact": "1",
            "status": "open",
            "review_date": "2027-01-01",
        },
    )
    assert response.status_code == 400
    assert "The risk log already has a risk R1." in response.content.decode()
    assert Risk.objects.filter(board=world.board).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_risk_log_exports_exactly_what_is_filtered(world, manager_client, fmt):
    RiskFactory(board=world.board, ref="R5", status="closed", title="Closed one")
    response = manager_client.get(url("board:risks", world), {"status": "closed", "_export": fmt})
    assert response.status_code == 200
    assert f'filename="alpha-risk-log.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    header, *body = rows
    assert [row[header.index("Ref")] for row in body] == ["R5"]
    assert body[0][header.index("Title")] == "Closed one"


def make_data(world, n):
    """n seats, n meetings in the year, every mark recorded, n risks."""
    seats = [MemberFactory(board=world.board, groups=[world.group]) for _ in range(n)]
    for day in range(n):
        meeting = MeetingFactory(
            group=world.group, date=datetime.date(2017, 2, 1) + datetime.timedelta(days=day)
        )
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=s, status="attended") for s in seats]
        )
    Risk.objects.bulk_create(
        [
            Risk(
                board=world.board,
                ref=f"X{i}",
                title="t",
                description="d",
                owner="o",
                likelihood=1,
                impact=1,
                review_date=datetime.date(2027, 1, 1),
            )
            for i in range(n)
        ]
    )
    for i in range(n):
        ContributionFactory(board=world.board, year=world.year, label=f"Agency {i}")


PAGES = {
    # The overview also lists the board's published annual reports and scorecards.
    "board:home": ({}, 14),
    "board:members": ({}, 14),
    "board:meetings": ({"group": "alpha-board", "year": "2016-17"}, 16),
    "board:meetings:default": ({}, 19),
    "board:budget": ({"year": "2016-17"}, 10),
    "board:budget:default": ({}, 11),
    "board:risks": ({}, 10),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [3, 30])
def test_pages_run_a_constant_number_of_queries(
    world, manager_client, django_assert_max_num_queries, name, size
):
    make_data(world, size)
    params, limit = PAGES[name]
    with django_assert_max_num_queries(limit):
        response = manager_client.get(url(name.removesuffix(":default"), world), params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_board_home_marks_a_pan_area_group_with_the_boards_it_serves(world, manager_client):
    from tests.factories import GroupFactory

    GroupFactory(
        name="Pan-area Child Death Overview Panel", boards=[world.board, world.other_board]
    )
    html = manager_client.get(url("board:home", world)).content.decode()
    assert "Pan-area</strong> 2 boards" in html


@pytest.mark.django_db
def test_the_board_home_says_how_many_sit_on_the_board(world, manager_client):
    MemberFactory(board=world.board, agency=world.member.agency, position="Deputy")
    MemberFactory(board=world.board, agency=None, position="Lay member", role="lay-member")
    html = manager_client.get(url("board:home", world)).content.decode()
    assert "3 seats held today, from 1 agency." in html
    Member.objects.filter(position="Deputy").update(end=datetime.date(2020, 3, 31))
    html = manager_client.get(url("board:home", world)).content.decode()
    assert "2 seats held today, from 1 agency, of 3 recorded." in html


def current_year_label():
    """The label of the reporting year holding today (April to March)."""
    today = timezone.localdate()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@pytest.mark.django_db
def test_adding_a_meeting_dated_today_then_opening_its_attendance_page_gives_200(
    world, manager_client
):
    today = timezone.localdate()
    response = manager_client.post(
        url("board:meeting_create", world),
        {"group": world.group.pk, "date": today.isoformat(), "location": "Borough Hall"},
    )
    assert response.status_code == 302
    page = manager_client.get(response["Location"])
    assert page.status_code == 200
    assert f"Record attendance for {today:%-d %B %Y}" in page.content.decode()
    assert ReportingYear.objects.filter(label=current_year_label()).exists()


@pytest.mark.django_db
def test_the_meetings_page_with_no_meetings_opens_on_the_current_year(world, manager_client):
    Meeting.objects.filter(group=world.group).delete()
    YearFactory(label="2017-18", start=datetime.date(2017, 4, 1), end=datetime.date(2018, 3, 31))
    html = manager_client.get(url("board:meetings", world)).content.decode()
    label = current_year_label()
    assert f"{world.group.name}: attendance {label}" in html
    assert f'<option value="{label}" selected>{label}</option>' in html


@pytest.mark.django_db
def test_the_meetings_page_opens_on_the_latest_year_with_meetings_not_an_empty_later_one(
    world, manager_client
):
    YearFactory(label="2017-18", start=datetime.date(2017, 4, 1), end=datetime.date(2018, 3, 31))
    html = manager_client.get(url("board:meetings", world)).content.decode()
    assert f"{world.group.name}: attendance 2016-17" in html
    assert f'<option value="{current_year_label()}">' in html


@pytest.mark.django_db
def test_a_meeting_today_shows_in_the_matrix_of_the_current_year_by_default(world, manager_client):
    today = timezone.localdate()
    MeetingFactory(group=world.group, date=today)
    html = manager_client.get(url("board:meetings", world)).content.decode()
    assert f"{world.group.name}: attendance {current_year_label()}" in html
    header = table_rows(html, "attendance-matrix")[0]
    assert header[1].startswith(f"{today:%-d %b %Y}")


@pytest.mark.django_db
def test_the_budget_page_opens_on_the_latest_year_with_contributions(world, manager_client):
    later = YearFactory(
        label="2018-19", start=datetime.date(2018, 4, 1), end=datetime.date(2019, 3, 31)
    )
    YearFactory(label="2019-20", start=datetime.date(2019, 4, 1), end=datetime.date(2020, 3, 31))
    ContributionFactory(board=world.board, year=world.year, label="Police")
    ContributionFactory(board=world.board, year=later, label="Council", amount=Decimal("5"))
    ContributionFactory(board=world.other_board, label="Other board's")
    html = manager_client.get(url("board:budget", world)).content.decode()
    assert '<h1 class="govuk-heading-l">Budget 2018-19</h1>' in html
    assert table_rows(html, "budget-table")[1] == ["Council", "£5.00", "Not known", "Not known"]


@pytest.mark.django_db
def test_the_budget_page_with_no_contributions_opens_on_the_current_year(world, manager_client):
    html = manager_client.get(url("board:budget", world)).content.decode()
    label = current_year_label()
    assert f'<h1 class="govuk-heading-l">Budget {label}</h1>' in html
    assert f"No contributions are recorded for {label}." in html
    assert f'<option value="{label}" selected>{label}</option>' in html


def _seat_rows(client, world, **query):
    html = client.get(url("board:member_list", world), query).content.decode()
    return html, table_rows(html, "seats")


@pytest.mark.django_db
def test_the_seats_page_lists_every_seat_as_before(world, manager_client):
    from tests.board.test_tables import varied_seats

    seats = varied_seats(world)
    html, rows = _seat_rows(manager_client, world, seats="all")
    mine = world.member
    assert rows == [
        ["Seat", "Role", "Groups", "From", "Status", "Actions"],
        ["Lay Person", "Lay member", "MG", "9 Jan 2020", "Current", "Change Lay Person"],
        [
            "Seat only",
            "Adviser",
            "Board proper",
            "Not known",
            "Ended on 25 December 2021",
            "Change Seat only",
        ],
        [
            f"{mine.agency.name} - {mine.position}",
            "Agency representative",
            world.group.name,
            "Not known",
            "Current",
            f"Change {mine.agency.name} - {mine.position}",
        ],
        [
            "Alpha agency (Bob <b>)",
            "Independent chair",
            "SG<1>, Board proper",
            "1 Jan 2015",
            "Current",
            "Change Alpha agency (Bob <b>)",
        ],
        [
            "ZA - Deputy",
            "Agency representative",
            "None",
            "Not known",
            "Current",
            "Change ZA - Deputy",
        ],
        [
            "ZA - Director (Ann =1+1)",
            "Statutory partner",
            "SG<1>, Board proper, MG",
            "1 Apr 2016",
            "Ended on 31 March 2018",
            "Change ZA - Director (Ann =1+1)",
        ],
    ]
    _, current = _seat_rows(manager_client, world)
    assert [row[0] for row in current[1:]] == [row[0] for row in rows[1:] if row[4] == "Current"]
    assert "Alpha agency (Bob &lt;b&gt;)" in html
    for seat in [mine, *seats.values()]:
        assert f'href="{url("board:member_edit", world, member=seat.pk)}"' in html


@pytest.mark.django_db
def test_a_chair_reads_the_seats_without_change_links(world, client_for):
    _, rows = _seat_rows(client_for("chair"), world)
    mine = world.member
    assert rows == [
        ["Seat", "Role", "Groups", "From", "Status"],
        [
            f"{mine.agency.name} - {mine.position}",
            "Agency representative",
            world.group.name,
            "Not known",
            "Current",
        ],
    ]


@pytest.mark.django_db
def test_a_board_with_no_seats_says_so_on_the_seats_page(world, manager_client):
    Member.objects.filter(board=world.board).delete()
    html, rows = _seat_rows(manager_client, world)
    assert rows == []
    assert "No members have been recorded for this board." in html


def _reverse_calls(client, world) -> int:
    from django.urls.resolvers import URLResolver

    original = URLResolver._reverse_with_prefix
    with mock.patch.object(
        URLResolver, "_reverse_with_prefix", autospec=True, side_effect=original
    ) as spy:
        response = client.get(url("board:member_list", world))
    assert response.status_code == 200
    return spy.call_count


@pytest.mark.django_db
def test_the_seats_page_reverses_the_change_address_once_not_once_a_seat(world, manager_client):
    few = _reverse_calls(manager_client, world)
    for _ in range(30):
        MemberFactory(board=world.board, groups=[world.group])
    assert _reverse_calls(manager_client, world) == few


def _export(client, world, fmt, **query):
    response = client.get(url("board:members", world), {**query, "_export": fmt})
    assert response.status_code == 200
    assert f'filename="alpha-members.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Members"
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_members_export_is_every_filtered_seat_as_before(world, manager_client):
    from tests.board.test_tables import varied_seats

    seats = varied_seats(world)
    zeta = seats["ann"].agency_id
    header = ["Name", "Position", "Agency", "Role", "Groups", "Start", "End", "Status"]
    assert _export(manager_client, world, "csv", agency=zeta, seats="all") == [
        header,
        [
            "Seat (no person named)",
            "Deputy",
            "Zeta & <Agency>",
            "Agency representative",
            "None",
            "—",
            "—",
            "Current",
        ],
        [
            "Ann =1+1",
            "Director",
            "Zeta & <Agency>",
            "Statutory partner",
            "SG<1>, Board proper, MG",
            "2016-04-01",
            "2018-03-31",
            "Ended on 31 March 2018",
        ],
    ]
    header_row, *xlsx = _export(manager_client, world, "xlsx", agency=zeta, seats="all")
    assert header_row == header
    # Dates stay dates in a spreadsheet (openpyxl reads them back as datetimes).
    assert [[v.date() if hasattr(v, "date") else v for v in row] for row in xlsx] == [
        [
            "Seat (no person named)",
            "Deputy",
            "Zeta & <Agency>",
            "Agency representative",
            "None",
            "—",
            "—",
            "Current",
        ],
        [
            "Ann =1+1",
            "Director",
            "Zeta & <Agency>",
            "Statutory partner",
            "SG<1>, Board proper, MG",
            datetime.date(2016, 4, 1),
            datetime.date(2018, 3, 31),
            "Ended on 31 March 2018",
        ],
    ]
    mine = world.member
    header, *body = _export(manager_client, world, "csv", seats="all")
    assert sorted(body) == sorted(
        [
            ["Lay Person", "", "", "Lay member", "MG", "2020-01-09", "—", "Current"],
            [
                "Seat (no person named)",
                "Seat only",
                "",
                "Adviser",
                "Board proper",
                "—",
                "2021-12-25",
                "Ended on 25 December 2021",
            ],
            [
                "Bob <b>",
                "",
                "Alpha agency",
                "Independent chair",
                "SG<1>, Board proper",
                "2015-01-01",
                "—",
                "Current",
            ],
            [
                "Seat (no person named)",
                mine.position,
                mine.agency.name,
                "Agency representative",
                world.group.name,
                "—",
                "—",
                "Current",
            ],
            [
                "Seat (no person named)",
                "Deputy",
                "Zeta & <Agency>",
                "Agency representative",
                "None",
                "—",
                "—",
                "Current",
            ],
            [
                "Ann =1+1",
                "Director",
                "Zeta & <Agency>",
                "Statutory partner",
                "SG<1>, Board proper, MG",
                "2016-04-01",
                "2018-03-31",
                "Ended on 31 March 2018",
            ],
        ]
    )
