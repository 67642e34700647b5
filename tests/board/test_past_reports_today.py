"""Luton and Bedford Borough as the past reports leave them, on 7 December
2026: what a new user sees on the members, seats, meetings, dashboard and
new annual report pages. Nobody has recorded anything since the reports, so
no seat is known to be held today, the strategic boards have not met for a
year, and the report a board writes this month is for 2025-26."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board import selectors
from board.models import Board, MainGroup, Member, ReportingYear
from reports.models import AnnualReport, Section, SectionKind
from reports.sections import Context
from reports.sections.governance import build_members
from tests.clock import on_day
from tests.html import table_rows

TODAY = datetime.date(2026, 12, 7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Every test here happens on 7 December 2026, signing in included (a
    session lasts eight hours from sign-in on the clock)."""
    with on_day(TODAY):
        yield


@pytest.fixture
def past_reports(db):
    with on_day(TODAY):
        call_command("load_past_reports", stdout=StringIO())
        call_command("fill_reporting_years", stdout=StringIO())


@pytest.fixture
def chair_of_both(past_reports, client_for, users):
    user = users["chair"]
    user.boards.add(*Board.objects.filter(slug__in=["luton", "bedford-borough"]))
    return client_for("chair")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def get(client, name: str, board: str, **query):
    with on_day(TODAY):
        response = client.get(reverse(name, kwargs={"board": board}), query)
    assert response.status_code == 200
    return response


LUTON_2016_17 = "Luton Safeguarding Children Board Annual Report 2016 - 2017"
LUTON_2020_21 = "Luton Safeguarding Children Board (LSCB) Annual Report 2020-2021"
BEDFORD_2016_17 = "Bedford Borough Safeguarding Children Board Annual Report 2016 - 2017"


def test_the_sources_record_two_successions_and_both_main_groups(past_reports):
    fran = Member.objects.get(person="Fran Pearson")
    assert fran.successor.person == "Alan Caton OBE"
    christine = Member.objects.get(person="Christine Bridgett")
    assert (christine.successor.position, christine.successor.person) == ("Business Manager", "")
    assert christine.successor.last_recorded_in.key == "004_120b600855f6dafa"
    marks = dict(MainGroup.objects.values_list("board__slug", "group__slug"))
    assert marks == {"luton": "luton-wscp", "bedford-borough": "bedford-borough-board"}
    assert not Member.objects.filter(last_recorded__isnull=True).exists()


def test_the_years_run_from_the_first_to_2026_27_without_a_gap(past_reports):
    labels = list(ReportingYear.objects.order_by("start").values_list("label", flat=True))
    assert labels == [f"{y}-{(y + 1) % 100:02d}" for y in range(2013, 2027)]


def test_no_seat_is_current_on_either_board_and_each_says_why(chair_of_both):
    for board in ("luton", "bedford-borough"):
        words = text(get(chair_of_both, "board:members", board))
        assert "No seat is known to be held on 7 December 2026." in words
        assert "Current" not in words.replace("Current seats", "")


def test_lutons_past_seats_say_who_took_over_and_where_each_was_last_recorded(chair_of_both):
    rows = table_rows(
        get(chair_of_both, "board:member_list", "luton", seats="past").content.decode(), "seats"
    )
    status = {row[0]: (row[3], row[4]) for row in rows[1:]}
    assert status == {
        "Bedfordshire Police - Chief Officer (Garry Forsyth)": (
            "Not known; recorded from 2020-21",
            f"Last recorded in 2020-21 ({LUTON_2020_21})",
        ),
        "BLMK CCG - Chief Officer (Felicity Cox)": (
            "Not known; recorded from 2020-21",
            f"Last recorded in 2020-21 ({LUTON_2020_21})",
        ),
        "LBC - Chief Officer (Robin Porter)": (
            "Not known; recorded from 2020-21",
            f"Last recorded in 2020-21 ({LUTON_2020_21})",
        ),
        "LBC - Director of Children's Services (Sally Rowe)": (
            "Not known; recorded from 2015-16",
            f"Last recorded in 2016-17 ({LUTON_2016_17})",
        ),
        "LBC - Local Authority Chief Executive (Trevor Holden)": (
            "Not known; recorded from 2015-16",
            f"Last recorded in 2016-17 ({LUTON_2016_17})",
        ),
        "LSCB - Business Manager": (
            "Not known; recorded from 2015-16",
            "Last recorded in 2015-16 (Luton Borough Council: Inspection of services for "
            "children in need of help and protection, children looked after and care leavers "
            "and Review of the effectiveness of the Local Safeguarding Children Board)",
        ),
        "LSCB - Independent Chair (Fran Pearson)": (
            "Not known; recorded from 2015-16",
            "Ended (the day is not recorded); LSCB - Independent Chair and Scrutineer "
            "(Alan Caton OBE) took over",
        ),
        "LSCB - Independent Chair and Scrutineer (Alan Caton OBE)": (
            "Not known; recorded from 2020-21",
            f"Last recorded in 2020-21 ({LUTON_2020_21})",
        ),
        "LSCB - Interim Business Manager": (
            "Not known; recorded from 2020-21",
            f"Last recorded in 2020-21 ({LUTON_2020_21})",
        ),
        "LSCB - Interim Business Manager (Christine Bridgett)": (
            "Not known; recorded from 2015-16",
            "Ended (the day is not recorded); LSCB - Business Manager took over",
        ),
    }


def test_bedford_boroughs_seats_were_last_recorded_in_2016_17(chair_of_both):
    rows = table_rows(
        get(chair_of_both, "board:member_list", "bedford-borough", seats="past").content.decode(),
        "seats",
    )
    assert len(rows) == 25
    assert {row[4] for row in rows[1:]} == {f"Last recorded in 2016-17 ({BEDFORD_2016_17})"}
    current = get(chair_of_both, "board:member_list", "bedford-borough").content.decode()
    assert "Current seats (0)" in current
    assert "Past seats (24)" in current


def test_the_home_pages_name_the_last_recorded_chair_and_business_manager(chair_of_both):
    luton = text(get(chair_of_both, "board:home", "luton"))
    assert (
        "Independent scrutineer Alan Caton OBE Independent Chair and Scrutineer "
        f"Last recorded in 2020-21 ({LUTON_2020_21})"
    ) in luton
    assert (
        "Business manager Not named Interim Business Manager "
        f"Last recorded in 2020-21 ({LUTON_2020_21})"
    ) in luton
    assert "0 seats held today, from 0 agencies, of 10 recorded." in luton
    bedford = text(get(chair_of_both, "board:home", "bedford-borough"))
    assert (
        "Independent chair Jenny Myers Independent Chair "
        f"Last recorded in 2016-17 ({BEDFORD_2016_17})"
    ) in bedford
    assert "Business manager Sally Stocker Business Manager" in bedford


def test_the_meetings_pages_open_on_each_boards_main_group(chair_of_both):
    luton = get(chair_of_both, "board:meetings", "luton").content.decode()
    assert '<option value="luton-wscp" selected>' in luton
    assert '<option value="2026-27" selected>' in luton
    bedford = get(chair_of_both, "board:meetings", "bedford-borough").content.decode()
    assert '<option value="bedford-borough-board" selected>' in bedford
    assert '<option value="2016-17" selected>' in bedford
    assert "19 May 2016" in bedford or "19 May" in bedford


def test_the_dashboards_say_plainly_the_strategic_board_has_not_met_for_a_year(chair_of_both):
    luton = text(get(chair_of_both, "reports:dashboard", "luton"))
    assert "What changed in the last year" in luton
    assert (
        "The strategic board (Luton Wider Safeguarding Children Partnership) has no meeting "
        "recorded before today; showing changes since 7 December 2025."
    ) in luton
    bedford = text(get(chair_of_both, "reports:dashboard", "bedford-borough"))
    assert (
        "The strategic board (Bedford Borough Safeguarding Children Board) has not met since "
        "28 March 2017; showing changes since 7 December 2025."
    ) in bedford


def test_a_new_annual_report_proposes_2025_26_on_either_board(past_reports, client_for, users):
    users["manager"].boards.add(*Board.objects.filter(slug__in=["luton", "bedford-borough"]))
    manager = client_for("manager")
    for board in ("luton", "bedford-borough"):
        html = get(manager, "reports:annual_report_create", board).content.decode()
        assert '<option value="2025-26" selected>' in html
        offered = re.findall(r'<option value="(\d{4}-\d{2})"', html)
        assert offered[:5] == ["2026-27", "2025-26", "2024-25", "2023-24", "2022-23"]


@pytest.mark.parametrize(
    ("board", "year", "people"),
    [
        ("luton", "2016-17", ["Sally Rowe", "Trevor Holden", "Fran Pearson"]),
        (
            "luton",
            "2020-21",
            ["Garry Forsyth", "Felicity Cox", "Robin Porter", "Alan Caton OBE", ""],
        ),
        ("luton", "2025-26", []),
        ("bedford-borough", "2025-26", []),
    ],
)
def test_an_annual_report_lists_the_seats_held_in_its_year(past_reports, board, year, people):
    report_year = ReportingYear.objects.get(label=year)
    obj = Board.objects.get(slug=board)
    held = selectors.seats_held_during(board=obj, year=report_year)
    assert [m.person for m in held] == people
    report = AnnualReport(board=obj, year=report_year, title="t")
    built = build_members(
        Context(board=obj, year=report_year), Section(report=report, kind=SectionKind.MEMBERS)
    )
    if people:
        (table,) = built.blocks
        assert [row[2].text for row in table.rows] == people
    else:
        assert built.empty == f"No seats are recorded as held during {year}."
