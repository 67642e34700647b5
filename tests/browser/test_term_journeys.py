"""Journeys through seats' terms and the board's main group: the business
manager recording a new chair and marking the strategic board, and the
chair reading Luton and Bedford Borough as the past reports leave them on
7 December 2026."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from board.models import Board, Member
from core import roles
from tests.browser.conftest import check_accessibility
from tests.clock import on_day
from tests.factories import GroupFactory, MeetingFactory, MemberFactory, UserFactory


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


def test_a_manager_records_a_new_chair_and_finds_the_old_one_under_past_seats(
    page, live_server, world, manager, sign_in
):
    MemberFactory(
        board=world.board,
        agency=None,
        position="Independent Chair",
        person="Pat Old",
        role=Member.Role.INDEPENDENT_CHAIR,
        start=datetime.date(2015, 9, 1),
        groups=[world.group],
    )
    sign_in("manager")
    page.get_by_role("link", name="Members", exact=True).first.click()
    page.get_by_role("link", name="Change seats").click()
    expect(page.get_by_role("heading", name="Seats", exact=True)).to_be_visible()
    check_accessibility(page)
    seats = page.locator("#seats")
    seats.get_by_role("row", name=re.compile("Pat Old")).get_by_role("link").click()
    expect(page.locator("#seat-term")).to_contain_text("Current")
    page.get_by_role("button", name="Record who takes this seat over").click()
    expect(page.get_by_role("heading", name=re.compile("Who takes over"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Record the new member").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the day the new member takes the seat."
    )
    check_accessibility(page)
    page.get_by_label("Name of the new member").fill("Sam New")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Record the new member").click()
    expect(page.get_by_role("heading", name="Change Independent Chair (Sam New)")).to_be_visible()
    expect(page.locator("#seat-term")).to_contain_text("Took over from Independent Chair (Pat Old)")
    page.get_by_role("link", name="Cancel").click()
    expect(seats.get_by_role("row", name=re.compile("Sam New"))).to_be_visible()
    expect(seats.get_by_role("row", name=re.compile("Pat Old"))).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"^Past seats \(1\)")).click()
    expect(seats.get_by_role("row", name=re.compile("Pat Old"))).to_contain_text(
        "Ended on 31 March 2020; Independent Chair (Sam New) took over"
    )
    check_accessibility(page)
    old = Member.objects.get(person="Pat Old")
    assert old.end == datetime.date(2020, 3, 31)


def test_a_manager_ends_a_seat_and_a_mistaken_date_is_explained(
    page, live_server, world, manager, sign_in
):
    seat = MemberFactory(
        board=world.board, agency=None, position="Lay member", start=datetime.date(2018, 1, 1)
    )
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/members/{seat.pk}/edit/")
    page.get_by_role("link", name="End this seat").click()
    check_accessibility(page)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="End the seat").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The end date is before the start date."
    )
    check_accessibility(page)
    page.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="End the seat").click()
    expect(page.get_by_text("Lay member ends on 31 December 2019.")).to_be_visible()
    expect(page.locator("#seat-term")).to_contain_text("Ended on 31 December 2019")


def test_a_manager_marks_the_strategic_board_and_the_meetings_page_opens_on_it(
    page, live_server, world, manager, sign_in
):
    executive = GroupFactory(name="A joint executive", kind="executive", boards=[world.board])
    MeetingFactory(group=executive, date=datetime.date(2019, 6, 1))
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/meetings/")
    expect(page.get_by_label("Group", exact=True)).to_have_value(executive.slug)
    page.goto(f"{live_server.url}/boards/{world.board.slug}/groups/")
    check_accessibility(page)
    page.get_by_role("button", name=f"Make {world.group.name} the main group").click()
    expect(page.get_by_text(f"{world.group.name} is now the main group")).to_be_visible()
    row = page.locator("#groups").get_by_role("row", name=re.compile(world.group.name))
    expect(row).to_contain_text("Main group")
    expect(page.locator("#main-group-history")).to_contain_text(
        f"{world.group.name} marked as the main group, by"
    )
    check_accessibility(page)
    page.goto(f"{live_server.url}/boards/{world.board.slug}/meetings/")
    expect(page.get_by_label("Group", exact=True)).to_have_value(world.group.slug)
    expect(page.get_by_label("Reporting year")).to_have_value("2016-17")


@pytest.fixture
def on_7_december_2026():
    with on_day(datetime.date(2026, 12, 7)):
        yield


def test_the_chair_reads_luton_and_bedford_borough_as_the_reports_leave_them(
    on_7_december_2026, page, live_server, world, sign_in
):
    call_command("load_past_reports", stdout=io.StringIO())
    call_command("fill_reporting_years", stdout=io.StringIO())
    UserFactory(
        username="chair",
        role=roles.INDEPENDENT_CHAIR,
        boards=list(Board.objects.filter(slug__in=["luton", "bedford-borough"])),
    )
    sign_in("chair")
    base = f"{live_server.url}/boards/luton"
    page.goto(f"{base}/members/")
    expect(page.get_by_text("No seat is known to be held on 7 December 2026.")).to_be_visible()
    page.get_by_label("Seats").select_option("past")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row", name=re.compile("Fran Pearson"))).to_contain_text(
        "Ended (the day is not recorded); LSCB - Independent Chair and Scrutineer "
        "(Alan Caton OBE) took over"
    )
    expect(page.get_by_role("row", name=re.compile("^Alan Caton OBE"))).to_contain_text(
        "Last recorded in 2020-21"
    )
    check_accessibility(page)
    page.goto(f"{base}/meetings/")
    expect(page.get_by_label("Group", exact=True)).to_have_value("luton-wscp")
    expect(page.get_by_label("Reporting year")).to_have_value("2026-27")
    page.goto(f"{base}/dashboard/")
    expect(page.locator("#changes-since")).to_have_text(
        "The strategic board (Luton Wider Safeguarding Children Partnership) has no meeting "
        "recorded before today; showing changes since 7 December 2025."
    )
    page.goto(f"{live_server.url}/boards/bedford-borough/dashboard/")
    expect(page.locator("#changes-since")).to_have_text(
        "The strategic board (Bedford Borough Safeguarding Children Board) has not met since "
        "28 March 2017; showing changes since 7 December 2025."
    )
    check_accessibility(page)
