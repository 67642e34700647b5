"""Who read a case review, in the browser: a chair opens Child J; the
business manager opens it too, follows "Who has read this review", finds
both reads, narrows them to the chair's, and changes how long the board
keeps read records."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from board.models import Board
from core import roles
from reviews.models import ReadRecord
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.reviews.factories import ReviewFactory


@pytest.fixture
def people(world):
    return {
        name: UserFactory(
            username=name, first_name=first, last_name=last, role=role, boards=[world.board]
        )
        for name, first, last, role in (
            ("manager", "Jo", "Smith", roles.BUSINESS_MANAGER),
            ("chair", "Sam", "Patel", roles.INDEPENDENT_CHAIR),
        )
    }


def test_a_manager_sees_who_read_a_review_and_sets_how_long_it_is_kept(
    page, live_server, people, world, sign_in
):
    review = ReviewFactory(board=world.board, name="Child J", slug="child-j")
    sign_in("chair")
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Child J", level=1)).to_be_visible()
    # A chair reads the review, not who else did.
    expect(page.get_by_role("link", name="Who has read this review")).to_have_count(0)
    page.context.clear_cookies()

    sign_in("manager")
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    page.get_by_role("link", name="Who has read this review").click()
    expect(page.get_by_role("heading", name="Who read Child J", level=1)).to_be_visible()
    check_accessibility(page)
    table = page.locator("#read-records tbody")
    expect(table.locator("tr")).to_have_count(2)
    expect(table.locator("tr").first).to_contain_text("Jo Smith")
    expect(table.locator("tr").last).to_contain_text("Sam Patel")
    expect(table.locator("tr").last).to_contain_text("Independent chair")
    expect(table.locator("tr").last).to_contain_text("The review's page")

    page.get_by_label("Person").select_option(label="Sam Patel (chair)")
    page.get_by_role("button", name="Apply filters").click()
    expect(table.locator("tr")).to_have_count(1)
    expect(table).to_contain_text("Sam Patel")
    check_accessibility(page)

    # A period that ends before it starts is refused, with the reason.
    form = page.get_by_role("form", name="Filter read records")
    first = form.get_by_role("group", name="Read on or after")
    first.get_by_role("textbox", name="Day").fill("2")
    first.get_by_role("textbox", name="Month").fill("12")
    first.get_by_role("textbox", name="Year").fill("2026")
    last = form.get_by_role("group", name="Read on or before")
    last.get_by_role("textbox", name="Day").fill("1")
    last.get_by_role("textbox", name="Month").fill("12")
    last.get_by_role("textbox", name="Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The last day must be the same as or after the first day."
    )
    check_accessibility(page)

    page.get_by_role("link", name="Change how long read records are kept").click()
    check_accessibility(page)
    months = page.get_by_label("How many months should Assure keep read records?")
    expect(months).to_have_value("24")
    months.fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 12 months")
    check_accessibility(page)
    page.get_by_label("How many months should Assure keep read records?").fill("36")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Read records are now kept for 36 months.")).to_be_visible()
    expect(page.locator("#retention")).to_contain_text("kept for 36 months")
    assert Board.objects.get(pk=world.board.pk).read_records_kept_months == 36
    # Reading who read it was not another read of the review.
    assert ReadRecord.objects.count() == 2
