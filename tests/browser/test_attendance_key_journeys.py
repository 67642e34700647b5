"""The business manager gives the board an attendance key of its own (four
marks, one of which does not count towards the percentage) and records a
meeting's attendance with it; the matrix follows the new key."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from board.models import Attendance
from core import roles
from tests.browser.conftest import check_accessibility
from tests.factories import MeetingFactory, MemberFactory, UserFactory


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


def add_mark(page, code: str, words: str, *, present: bool, counted: bool) -> None:
    page.get_by_role("button", name="Add a mark").click()
    page.get_by_label("Code").fill(code)
    page.get_by_label("What it means").fill(words)
    page.get_by_label(re.compile("^Counts as present")).set_checked(present)
    page.get_by_label(re.compile("^Counts towards the percentage")).set_checked(counted)
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_text(f"Mark {code} ({words}) saved.")).to_be_visible()


def test_a_manager_defines_a_key_of_four_marks_and_records_attendance_with_it(
    page, live_server, world, manager, sign_in
):
    seat = MemberFactory(board=world.board, groups=[world.group], position="Head of Safeguarding")
    meeting = MeetingFactory(group=world.group, date=datetime.date(2016, 11, 17))
    sign_in("manager")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Attendance key").first.click()
    expect(page.get_by_role("heading", name="Attendance key")).to_be_visible()
    expect(page.get_by_text("This board uses the default key.")).to_be_visible()
    check_accessibility(page)

    add_mark(page, "MA", "Member attended", present=True, counted=True)
    add_mark(page, "SA", "Substitute attended", present=True, counted=True)
    add_mark(page, "AP", "Apologies sent", present=False, counted=True)
    add_mark(page, "NR", "Not required", present=False, counted=False)

    # A code the key already holds is refused, with the reason, and nothing saved.
    page.get_by_role("button", name="Add a mark").click()
    page.get_by_label("Code").fill("ma")
    page.get_by_label("What it means").fill("Member arrived")
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("each code is used once")
    check_accessibility(page)
    page.get_by_role("link", name="Cancel").click()

    # The default marks go: one in use is only retired, an unused one deleted.
    key = page.locator("#attendance-key")
    for name in ("1 (Attended)", "D (Deputy attended)", "A (Apologies)", "n/a (Not yet a member)"):
        key.get_by_role("button", name=f"Retire {name}").click()
        expect(page.get_by_text(re.compile("retired: past meetings keep it"))).to_be_visible()
    key.get_by_role("link", name="Delete 0 (Absent)").click()
    check_accessibility(page)
    page.get_by_role("button", name="Delete mark").click()
    expect(page.get_by_text("Mark 0 (Absent) deleted.")).to_be_visible()
    expect(key.get_by_role("link", name=re.compile("^Delete 1 "))).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Back to meetings and attendance").click()
    page.get_by_role("link", name="Record attendance for 17 November 2016").click()
    expect(
        page.get_by_label(seat.label).locator("option", has_text="Deputy attended")
    ).to_have_count(0)
    page.get_by_label(world.member.label).select_option("not-required")
    page.get_by_label(seat.label).select_option("substitute-attended")
    check_accessibility(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()

    matrix = page.locator("#attendance-matrix")
    member_row = matrix.get_by_role("row", name=re.compile(world.member.position))
    # Attended in May (the old key's mark, kept), not required in November.
    expect(member_row.locator("[data-column=held]")).to_have_text("1")
    expect(member_row.locator("[data-column=percent]")).to_have_text("100%")
    expect(member_row).to_contain_text("NR")
    seat_row = matrix.get_by_role("row", name=re.compile(seat.position))
    expect(seat_row).to_contain_text("SA")
    expect(seat_row.locator("[data-column=percent]")).to_have_text("100%")
    expect(page.locator("#attendance-legend")).to_contain_text("Not required")
    check_accessibility(page)
    assert Attendance.objects.get(meeting=meeting, member=seat).status == "substitute-attended"
