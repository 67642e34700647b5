"""The business manager brings the board's own action tracker, an Excel
workbook whose columns and rating words are not Assure's: maps its columns
and words on the pages, sees a word left unmapped named by row and column,
maps it, previews and imports (axe on each page)."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from core import roles
from priorities.models import Action, Assessment
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.import_files import SheetSpec, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


def tracker() -> bytes:
    rows = [
        [
            "Action No.",
            "Workstream",
            "What we will do",
            "Owner",
            "Target completion date",
            "Delivery status",
            "Difference made",
            "Update",
            "Evidence of impact",
        ],
        [
            "1.c",
            "1",
            "Publish the neglect practice guidance",
            "Head of Early Help",
            "Q4 2026-27",
            "Delivered",
            "Delivered",
            "Published in October",
            "Used in 30 cases",
        ],
        [
            "1.d",
            "1",
            "Audit repeat neglect referrals",
            "Police",
            "31/03/2027",
            "Stalled",
            "Not yet measurable",
            "Audit team short-staffed",
            "",
        ],
    ]
    return xlsx(
        SheetSpec("2026-27", rows, above=[["Alpha partnership: business plan tracker"], []])
    )


def test_a_manager_maps_a_tracker_of_another_layout_and_imports_it(
    page, live_server, world, manager, sign_in
):
    sign_in("manager")
    page.goto(f"{live_server.url}{world.plan.get_absolute_url()}")
    page.get_by_role("link", name="Import the board's own action tracker (any layout)").click()
    expect(page.get_by_role("heading", name="Import an action tracker")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "tracker.xlsx", "mimeType": XLSX, "buffer": tracker()}
    )
    page.get_by_role("button", name="Upload and continue").click()

    # The headings are on row 3, below a title: Assure suggests it.
    expect(page.get_by_label("Which row holds the column headings?")).to_have_value("3")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Say what each column holds")).to_be_visible()
    page.get_by_label("Column B: Workstream").select_option(label="Priority")
    page.get_by_label("Column F: Delivery status").select_option(label="Process rating")
    page.get_by_label("Column G: Difference made").select_option(label="Impact rating")
    page.get_by_label("Which action plan is this the tracker of?").select_option(
        value=world.plan.slug
    )
    as_at = page.get_by_role("group", name=re.compile("^The ratings in this file are as at"))
    as_at.get_by_label("Day").fill("30")
    as_at.get_by_label("Month").fill("11")
    as_at.get_by_label("Year").fill("2026")
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Say what each word means")).to_be_visible()
    process = page.locator("#words-process")
    process.get_by_label("Delivered").select_option(label="Blue (completed)")
    # "Stalled" is left unmapped, to see the preview name it.
    impact = page.locator("#words-impact")
    impact.get_by_label("Delivered").select_option(label="Blue (completed)")
    impact.get_by_label("Not yet measurable").select_option(label="Grey (not started)")
    check_accessibility(page)
    page.get_by_role("button", name="Continue to the preview").click()

    expect(page).to_have_title(re.compile("^Error: Check the import"))
    expect(
        page.get_by_role(
            "link",
            name=re.compile(r"Row 5, column F \(Delivery status\): 'Stalled' is not mapped"),
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Change what the words mean").click()
    page.locator("#words-process").get_by_label("Stalled").select_option(label="Red")
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "Nothing has been saved yet. This import would add 2 actions"
    )
    check_accessibility(page)
    assert not Action.objects.filter(plan=world.plan, ref__in=["1.c", "1.d"]).exists()

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("^Imported tracker.xlsx: 2 actions added"))).to_be_visible()
    guidance = Action.objects.get(plan=world.plan, ref="1.c")
    assert guidance.due_date == datetime.date(2027, 3, 31)
    stalled = Assessment.objects.get(action__plan=world.plan, action__ref="1.d")
    assert (stalled.process, stalled.impact, stalled.assessed_on) == (
        "RED",
        "GREY",
        datetime.date(2026, 11, 30),
    )
