"""The business manager keeps the board's records in the browser: a new
member on a group, then a meeting held today and who came to it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board.models import Attendance, Meeting, Member
from core import roles
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory


@pytest.fixture
def manager(world):
    return UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        role=roles.BUSINESS_MANAGER,
        boards=[world.board],
    )


def test_a_manager_adds_a_member_to_a_group_and_records_a_meeting_held_today(
    page, live_server, manager, world, sign_in
):
    today = timezone.localdate()
    sign_in("manager")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Members", exact=True).click()
    page.get_by_role("button", name="Add a member").click()
    expect(page.get_by_role("heading", name="Add a member")).to_be_visible()
    check_accessibility(page)

    # Saving with nothing filled in says what is missing, and saves nothing.
    page.get_by_role("button", name="Save member").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Add a member"))
    check_accessibility(page)

    page.get_by_label("Name (optional)").fill("Sam Lee")
    page.get_by_label("Position (optional)").fill("Head of Early Help")
    page.get_by_label("Role").select_option(label="Agency representative")
    page.get_by_role("checkbox", name=world.group.name).check()
    start = page.get_by_role("group", name="Start (optional)")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("9")
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Save member").click()
    expect(page.get_by_text("Head of Early Help (Sam Lee) saved.")).to_be_visible()
    seats = page.locator("#seats")
    expect(seats.get_by_role("row", name=re.compile("Sam Lee"))).to_contain_text(world.group.name)
    check_accessibility(page)
    seat = Member.objects.get(person="Sam Lee")
    assert list(seat.groups.all()) == [world.group]

    nav.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("button", name="Add a meeting").click()
    expect(page.get_by_role("heading", name="Add a meeting")).to_be_visible()
    page.get_by_label("Group").select_option(label=world.group.name)
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill(str(today.day))
    date.get_by_label("Month").fill(str(today.month))
    date.get_by_label("Year").fill(str(today.year))
    check_accessibility(page)
    page.get_by_role("button", name="Add meeting and record attendance").click()

    heading = f"Record attendance for {today:%-d %B %Y}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    check_accessibility(page)
    page.get_by_label(world.member.label).select_option("apologies")
    page.get_by_label(seat.label).select_option("attended")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()

    start_year = today.year if today.month >= 4 else today.year - 1
    label = f"{start_year}-{(start_year + 1) % 100:02d}"
    expect(
        page.get_by_role("heading", name=f"{world.group.name}: attendance {label}")
    ).to_be_visible()
    matrix = page.locator("#attendance-matrix")
    new_row = matrix.get_by_role("row", name=re.compile("Sam Lee"))
    expect(new_row.locator("[data-column=percent]")).to_have_text("100%")
    old_row = matrix.get_by_role("row", name=re.compile(re.escape(world.member.position)))
    expect(old_row.locator("[data-column=percent]")).to_have_text("0%")
    check_accessibility(page)
    meeting = Meeting.objects.get(group=world.group, date=today)
    assert Attendance.objects.get(meeting=meeting, member=seat).status == "attended"
