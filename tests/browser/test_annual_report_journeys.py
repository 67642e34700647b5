"""The annual report as its people use it, on a narrow screen (320 CSS
pixels): a business manager drafts it, sees the Working Together check and
the sections not yet written, writes one, leaves one out saying why,
approves (the board decided the business manager approves), publishes and
watches the build; a partner downloads the PDF, checked against the SHA-256
the page shows, and no page of it holds a placeholder."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from reports import services
from reports.models import AnnualReport, Snapshot
from tests.browser.conftest import check_accessibility
from tests.factories import ContributionFactory, UserFactory


def pdf_words(path: Path) -> str:
    """The PDF's text as poppler reads it, lines joined."""
    import subprocess

    found = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(found.stdout.split())


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
    unwritten = page.locator("#unwritten")
    expect(unwritten).to_contain_text("Plans for next year")
    expect(unwritten).not_to_contain_text("The voice of children and families")

    # The business manager writes three more and leaves one out, saying why.
    report = AnnualReport.objects.get(board=world.board)
    for kind in ("introduction", "context", "effectiveness"):
        services.section_save(section=report.sections.get(kind=kind), body=f"The {kind}.")
    page.reload()
    page.get_by_role("link", name="Leave out Plans for next year").click()
    check_accessibility(page)
    page.get_by_role("button", name="Leave the section out").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why this section is left out")
    page.get_by_label("Why is this section left out?").fill("Plans are in the new strategy.")
    page.get_by_role("button", name="Leave the section out").click()
    expect(page.locator("#row-next-year")).to_contain_text(
        "Left out: Plans are in the new strategy."
    )
    expect(unwritten).to_contain_text("Independent scrutiny")
    unwritten.get_by_role("link", name="Independent scrutiny").click()
    page.get_by_label("Text").fill("The scrutineer read **every** audit.")
    page.get_by_role("button", name="Save section").click()
    expect(page.locator("#unwritten")).to_have_count(0)

    page.get_by_role("link", name="Preview the report").click()
    expect(page.get_by_role("heading", name="The voice of children and families")).to_be_visible()
    expect(page.locator("#table-budget")).to_contain_text("£80,000")
    check_accessibility(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("link", name="Approve the report").click()
    expect(page.locator("#left-out")).to_contain_text("Plans are in the new strategy.")
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
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED
    snapshot = Snapshot.objects.get(report=report)
    words = pdf_words(Path(default_storage.path(snapshot.pdf_path)))
    assert "not been written" not in words
    assert "The scrutineer read every audit." in words
    assert "Plans for next year" not in words  # left out

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
    shown = published.locator("code.assure-sha256").first.inner_text()
    assert shown == snapshot.pdf_sha256
    with page.expect_download() as download_info:
        published.get_by_role("link", name="PDF").click()
    path = download_info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == shown
    # The draft pages do not exist for a partner.
    response = page.goto(live_server.url + report.get_absolute_url())
    assert response is not None
    assert response.status == 404
