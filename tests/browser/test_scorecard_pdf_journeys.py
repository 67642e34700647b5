"""The scorecard as PDF in a browser, on a narrow screen (320 CSS pixels): a
business manager asks for it from the scorecard, watches its progress while
the worker builds it (the page updates itself), and downloads the PDF whose
checksum Assure recorded, and opens the printable web page; for a partner none of it exists. Every page is
checked with axe, and any Content Security Policy violation fails the test."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core import roles
from reports.models import ScorecardDocument
from reports.scorecard_tasks import build_scorecard_document
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, ValueFactory


@pytest.fixture
def people(world):
    referrals = IndicatorFactory(board=world.board, code="referrals", name="Referrals")
    for start, value, marker in ((2019, "2890", ""), (2020, None, "c"), (2021, "3247", "")):
        ValueFactory(
            indicator=referrals,
            period_start=datetime.date(start, 4, 1),
            value=None if value is None else Decimal(value),
            marker=marker,
        )
    return {
        "manager": UserFactory(
            username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board]
        ),
        "partner": UserFactory(username="partner", role=roles.PARTNER, boards=[world.board]),
    }


def test_a_manager_asks_for_the_scorecard_pdf_watches_it_build_and_downloads_it(
    page, live_server, world, people, sign_in, settings
):
    # The worker is this test: the request only queues the build.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/scorecard/")
    page.get_by_role("link", name="Download the scorecard as PDF").click()
    expect(page.get_by_role("heading", name="The scorecard as PDF")).to_be_visible()
    expect(page.locator("#no-documents")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Make the PDF of today's scorecard").click()
    status = page.locator("#document-status")
    expect(status).to_contain_text("Waiting to start")
    expect(page.get_by_label("Progress of the PDF")).to_be_visible()
    check_accessibility(page)
    document = ScorecardDocument.objects.get()
    assert document.requested_by == people["manager"]

    assert build_scorecard_document.call(document.pk) == document.pk
    # The page asks again every two seconds and shows the result by itself.
    expect(page.get_by_role("heading", name="The scorecard is ready")).to_be_visible(timeout=30_000)
    expect(status).to_contain_text("1 indicator on")
    check_accessibility(page)
    document.refresh_from_db()
    with page.expect_download() as download_info:
        status.get_by_role("link", name="PDF").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.pdf_sha256

    # The printable web page: the same figures, each chart in words beside its table.
    status.get_by_role("link", name="Web page (HTML)").click()
    expect(page.get_by_role("heading", name=f"{world.board.name} scorecard")).to_be_visible()
    expect(page.locator("#table-referrals")).to_contain_text(
        "c (confidential (suppressed to protect individuals))"
    )
    expect(page.locator("#chart-referrals")).to_contain_text("Suppressed: 2020-21 (c).")
    check_accessibility(page)
    page.goto(live_server.url + document.get_absolute_url())

    page.get_by_role("link", name="Back to the scorecard's PDFs").click()
    expect(page.locator("#scorecard-documents")).to_contain_text("Finished")
    check_accessibility(page)

    # For a partner none of it exists.
    page.context.clear_cookies()
    sign_in("partner")
    for url in (
        f"/boards/{world.board.slug}/scorecard/pdf/",
        document.get_absolute_url(),
        document.file_url("pdf"),
    ):
        response = page.request.get(live_server.url + url)
        assert response.status == 404, url
