"""The annual report as its people use it, on a narrow screen (320 CSS
pixels): a business manager drafts it, sees the Working Together check,
writes a section, approves (the board decided the business manager
approves), publishes and watches the build; a partner downloads the PDF."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from reports.models import AnnualReport, Snapshot
from tests.browser.conftest import check_accessibility
from tests.factories import ContributionFactory, UserFactory


@pytest.fixture
def people(world):
    year = ReportingYear.for_start_year(2016)
    ContributionFactory(board=world.board, year=year, label="Council", amount=Decimal("80000"))
    return {
        "manager": UserFactory(
            username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board]
        ),
        "partner": UserFactory(username="partner", role=roles.PARTNER, boards=[world.board]),
    }


def test_a_manager_drafts_approves_and_publishes_and_a_partner_downloads_the_pdf(
    page, live_server, world, people, sign_in
):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    page.get_by_role("button", name="Menu").click()
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Annual reports").click()
    expect(page.get_by_role("heading", name="Annual reports")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Start an annual report").click()
    check_accessibility(page)
    page.get_by_label("Reporting year").select_option("2016-17")
    page.get_by_label("The business manager").check()
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("heading", name="Working Together check")).to_be_visible()
    expect(page.locator("#check-funding-status")).to_have_text("Present")
    expect(page.locator("#check-voice-status")).to_contain_text("Missing")
    check_accessibility(page)

    page.get_by_role(
        "link", name="How feedback from children and families was sought and used"
    ).click()
    page.get_by_label("Text").fill(
        "We asked **40 children** what helped.\n\n- A survey\n- Two forums"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Save section").click()
    expect(page.locator("#check-voice-status")).to_have_text("Present")

    page.get_by_role("link", name="Preview the report").click()
    expect(page.get_by_role("heading", name="The voice of children and families")).to_be_visible()
    expect(page.locator("#table-budget")).to_contain_text("£80,000")
    check_accessibility(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("link", name="Approve the report").click()
    check_accessibility(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    check_accessibility(page)
    page.get_by_label("Why approve with items missing").fill("Scrutiny is reported in March.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#report-summary")).to_contain_text("Approved")

    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_role("heading", name="Version 1 is published")).to_be_visible(timeout=60_000)
    check_accessibility(page)
    report = AnnualReport.objects.get(board=world.board)
    assert report.status == AnnualReport.Status.PUBLISHED
    snapshot = Snapshot.objects.get(report=report)

    page.get_by_role("link", name="Back to the report").click()
    page.get_by_role("link", name="Record the dates sent").click()
    check_accessibility(page)

    # A partner downloads the PDF from the board's home page.
    page.context.clear_cookies()
    sign_in("partner")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    published = page.locator("#published-reports")
    expect(published).to_contain_text(report.title)
    check_accessibility(page)
    with page.expect_download() as download_info:
        published.get_by_role("link", name="PDF").click()
    path = download_info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == snapshot.pdf_sha256
    # The draft pages do not exist for a partner.
    response = page.goto(live_server.url + report.get_absolute_url())
    assert response is not None
    assert response.status == 404
