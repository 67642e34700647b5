"""A partner opens a published HTML snapshot after the site's stylesheet has
changed: the page shows the styling it was published with, under the strict
Content Security Policy (the autouse csp_violations fixture fails the test
on any violation)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from reports import services, snapshots
from reports.models import AnnualReport, Snapshot
from reports.sections import build_report
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def live_css(settings, tmp_path):
    css = tmp_path / "static" / "dist" / "css" / "assure.css"
    css.parent.mkdir(parents=True)
    css.write_text(".govuk-heading-xl{color:#123456}")
    settings.STATICFILES_DIRS = [tmp_path / "static"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return css


def test_a_partner_reads_a_snapshot_in_the_styling_it_was_published_with(
    page, live_server, world, sign_in, live_css
):
    UserFactory(username="partner", role=roles.PARTNER, boards=[world.board])
    report = services.report_create(board=world.board, year=ReportingYear.for_start_year(2016))
    context = snapshots.document_context(build_report(report), version=1, changes="")
    contents = {fmt: b"-" for fmt in Snapshot.FORMATS}
    contents["html"] = snapshots.render_html(context)
    stored = snapshots.store(report, 1, uuid.uuid4().int % 10**9, contents)
    snapshot = Snapshot.objects.create(
        report=report,
        version=1,
        **{f"{fmt}_path": path for fmt, (path, _) in stored.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in stored.items()},
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.PUBLISHED, published_at=timezone.now()
    )

    live_css.write_text(".govuk-heading-xl{color:#654321}")  # the site changes
    sign_in("partner")
    page.goto(live_server.url + snapshot.file_url("html"))
    heading = page.get_by_role("heading", name=report.title)
    expect(heading).to_have_css("color", "rgb(18, 52, 86)")
