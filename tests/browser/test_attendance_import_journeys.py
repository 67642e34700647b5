"""The business manager brings the board's attendance record of a series of
meetings, a workbook in its own codes: from the meetings page, uploads it,
maps its codes to the board's own key (one left unmapped is named by row and
column), previews, confirms and sees the matrix (axe on each page)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from board.models import Attendance, AttendanceMark, Meeting
from core import roles
from tests.browser.conftest import check_accessibility
from tests.factories import AgencyFactory, MemberFactory, UserFactory
from tests.import_files import SheetSpec, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


@pytest.fixture
def seats(world):
    for n, (key, code, words, present) in enumerate(
        [
            ("attended", "MA", "Attended", True),
            ("representative", "RA", "Representative attended", True),
            ("apologies", "Ap", "Apologies", False),
            ("no-cover", "NC", "No cover sent", False),
        ],
        start=1,
    ):
        AttendanceMark.objects.create(
            board=world.board,
            key=key,
            code=code,
            words=words,
            present=present,
            counted=True,
            position=n,
        )
    police = AgencyFactory(slug="anyshire-police", name="Anyshire Police")
    school = AgencyFactory(slug="riverside", name="Riverside Academy Trust")
    start = datetime.date(2025, 4, 1)
    return [
        MemberFactory(
            board=world.board,
            agency=agency,
            person=person,
            position=position,
            start=start,
            groups=[world.group],
        )
        for agency, person, position in (
            (police, "Sam Patel", "Detective Superintendent"),
            (school, "Jo Green", "Head teacher"),
        )
    ]


def record() -> bytes:
    rows = [
        ["Name", "Organisation", "15/05/2025", "12 June 2025", "11 Sep 2025"],
        ["Sam Patel", "Anyshire Police", "✓", "R", "✓"],
        ["Jo Green", "Riverside Academy Trust", "✓", "A", ""],
    ]
    return xlsx(SheetSpec("2025-26", rows))


def test_a_manager_imports_an_attendance_record_in_the_boards_own_codes(
    page, live_server, world, manager, seats, sign_in
):
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/meetings/")
    page.get_by_role("button", name="Import an attendance record").click()
    expect(page.get_by_role("heading", name="Import an attendance record")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "attendance.xlsx", "mimeType": XLSX, "buffer": record()}
    )
    page.get_by_role("button", name="Upload and continue").click()

    # The meetings' columns are suggested from the dates heading them.
    expect(page.get_by_role("heading", name="Say what each column holds")).to_be_visible()
    expect(page.get_by_label("Column E: 11 Sep 2025")).to_have_value("meeting")
    page.get_by_label("Whose meetings does the file record?").select_option(value=world.group.slug)
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Say what each word means")).to_be_visible()
    codes = page.locator("#words-meeting")
    codes.get_by_label("✓").select_option(label="MA: Attended")
    codes.get_by_label("R", exact=True).select_option(label="RA: Representative attended")
    # "A" is left unmapped, to see the preview name it.
    check_accessibility(page)
    page.get_by_role("button", name="Continue to the preview").click()

    expect(page).to_have_title(re.compile("^Error: Check the import"))
    expect(
        page.get_by_role(
            "link", name=re.compile(r"Row 3, column D \(12 June 2025\): 'A' is not a code")
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Change what the words mean").click()
    page.locator("#words-meeting").get_by_label("A", exact=True).select_option(
        label="Ap: Apologies"
    )
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "3 meetings will be added: 15 May 2025, 12 June 2025, 11 September 2025."
    )
    check_accessibility(page)
    assert not Meeting.objects.filter(group=world.group, date__year=2025).exists()

    page.get_by_role("button", name="Confirm and import").click()
    expect(
        page.get_by_text(re.compile("^Imported attendance.xlsx: 5 marks recorded at 3 meetings"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("attendance 2025-26$"))).to_be_visible()
    sam = page.locator("#attendance-matrix tr", has_text="Sam Patel")
    expect(sam).to_contain_text("RA")
    expect(sam.locator("td").last).to_have_text("100%")
    jo = page.locator("#attendance-matrix tr", has_text="Jo Green")
    expect(jo.locator("td").last).to_have_text("50%")
    check_accessibility(page)
    assert Attendance.objects.filter(member__in=seats).count() == 5
