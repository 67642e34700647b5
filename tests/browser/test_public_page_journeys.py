"""Publication as its people meet it, on a narrow screen (320 CSS pixels):
the business manager turns the board's public page on and someone who
never signs in downloads the published report from it, checking the file
against the SHA-256 the page shows; and a business manager who tries to
change a section after publication is told it is published, and nothing
changes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from reports import services
from reports.models import AnnualReport, Section, SectionKind, Snapshot
from tests.browser.conftest import check_accessibility
from tests.browser.test_layout import sideways_scroll
from tests.factories import UserFactory
from tests.reports.annual_helpers import WRITTEN, publish_without_rendering


@pytest.fixture
def people(world):
    return {
        "manager": UserFactory(
            username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board]
        ),
        "chair": UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[world.board]),
    }


@pytest.fixture
def published(world, people):
    """The 2016-17 report, written, approved by the chair and published."""
    report = services.report_create(board=world.board, year=ReportingYear.for_start_year(2016))
    for waiting in services.unwritten(report):
        services.section_save(
            section=waiting, body=WRITTEN.get(waiting.kind, f"What {waiting} says.")
        )
    services.report_approve(report=report, user=people["chair"], reason="Agreed by the board")
    publish_without_rendering(report, people["manager"])
    return report


def test_the_manager_turns_the_public_page_on_and_anyone_downloads_the_report(
    page, live_server, world, people, published, sign_in
):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/annual-reports/")
    expect(page.locator("#public-page-state")).to_contain_text("The board's public page is off")
    page.get_by_role("link", name="Change whether the public page is on").click()
    check_accessibility(page)
    page.get_by_label("On: anyone can read and download what the board publishes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#public-page-state")).to_contain_text("The board's public page is on")
    check_accessibility(page)

    # Someone who has never signed in.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/{world.board.slug}/")
    expect(page.get_by_role("heading", name="Published reports")).to_be_visible()
    expect(page.get_by_role("heading", name=published.title)).to_be_visible()
    assert sideways_scroll(page) is None
    check_accessibility(page)
    snapshot = Snapshot.objects.get(report=published)
    shown = page.locator("code.assure-sha256").first.inner_text()
    assert shown == snapshot.pdf_sha256
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF\b.*version 1$")).click()
    data = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == shown
    assert page.context.cookies() == []  # nothing was kept of the visit

    # Everything else still asks them to sign in.
    page.goto(f"{live_server.url}{published.get_absolute_url()}")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_a_manager_changing_a_section_after_publication_is_refused(
    page, live_server, world, people, sign_in
):
    page.set_viewport_size({"width": 320, "height": 800})
    report = services.report_create(board=world.board, year=ReportingYear.for_start_year(2016))
    for waiting in services.unwritten(report):
        services.section_save(section=waiting, body=f"What {waiting} says.")
    sign_in("manager")
    page.goto(f"{live_server.url}{report.get_absolute_url()}sections/{SectionKind.CONTEXT}/")
    page.get_by_label("Text").fill("Words written while the report was being published.")

    # Meanwhile the chair approves and the report is published.
    services.report_approve(report=report, user=people["chair"], reason="Agreed")
    publish_without_rendering(report, people["manager"])

    page.get_by_role("button", name="Save section").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing was changed")
    expect(summary).to_contain_text("This report is published")
    expect(page.locator("#frozen-notice")).to_contain_text("start a correction")
    expect(page.get_by_label("Text")).to_have_count(0)
    assert sideways_scroll(page) is None
    check_accessibility(page)
    context = Section.objects.get(report=report, kind=SectionKind.CONTEXT)
    assert context.body == "What Local context says."
    assert AnnualReport.objects.get(pk=report.pk).status == AnnualReport.Status.PUBLISHED

    # The way to change it: a correction, approved again before it is published.
    page.locator("#frozen-notice").get_by_role("link", name="start a correction").click()
    check_accessibility(page)
    page.get_by_label("What this correction changes").fill("The local context")
    page.get_by_role("button", name="Start the correction").click()
    expect(page.locator("#correction")).to_contain_text("Correction to version 2")
    check_accessibility(page)
