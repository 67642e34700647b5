"""The annual report pages as people use them: the business manager drafts,
writes, checks, publishes and corrects; the chair approves; partners see and
download only what is published, and a published snapshot never changes."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from board.models import Contribution
from reports import services
from reports.models import AnnualReport, ReportBuild, SectionKind, Snapshot
from tests.clock import on_day
from tests.factories import BoardFactory, ContributionFactory
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    leave_out_unwritten,
    media,
    section,
    stored_snapshot,
    write_narrative,
    year_2016,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def url(name, report, **kwargs):
    return reverse(name, kwargs={"board": report.board.slug, "year": report.year.label, **kwargs})


def test_a_business_manager_starts_a_report_for_a_year(world, client_for):
    client = client_for("manager")
    response = client.post(
        reverse("reports:annual_report_create", kwargs={"board": "alpha"}),
        {"year": "2016-17", "approver": "business-manager"},
    )
    report = AnnualReport.objects.get(board=world.board)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.approver == AnnualReport.Approver.BUSINESS_MANAGER
    assert report.year.label == "2016-17"


@on_day(datetime.date(2026, 12, 2))
def test_the_new_report_form_offers_only_years_without_a_report(world, client_for):
    draft(world)
    client = client_for("manager")
    page = client.get(reverse("reports:annual_report_create", kwargs={"board": "alpha"}))
    content = page.content.decode()
    assert 'value="2016-17"' not in content
    assert 'value="2026-27"' in content
    response = client.post(
        reverse("reports:annual_report_create", kwargs={"board": "alpha"}),
        {"year": "2016-17", "approver": "chair"},
    )
    assert response.status_code == 400
    assert AnnualReport.objects.filter(board=world.board).count() == 1


def test_the_report_page_shows_the_checklist_with_links_to_fix_what_is_missing(world, client_for):
    report = draft(world)
    complete_data(world)
    services.section_save(
        section=section(report, SectionKind.VOICE), body="Young people told us things."
    )
    content = client_for("manager").get(report.get_absolute_url()).content.decode()
    assert 'id="check-voice-status">Present' in content
    assert 'id="check-funding-status">Present' in content
    assert 'id="check-impact-status">Present' in content
    scrutiny = url("reports:section_edit", report, kind="scrutiny")
    assert f'href="{scrutiny}" aria-describedby="check-scrutiny-status"' in content
    assert '<strong class="govuk-tag govuk-tag--red">Missing</strong>' in content
    assert "Sent to the national Panel and the What Works centre" in content


def test_a_narrative_section_is_saved_cleaned_and_shown_safely(world, client_for):
    report = draft(world)
    client = client_for("manager")
    response = client.post(
        url("reports:section_edit", report, kind="context"),
        {"body": "Luton is **diverse**.<script>alert('x')</script>\n\n- one\n- two"},
    )
    assert response.status_code == 302
    assert section(report, SectionKind.CONTEXT).body == "Luton is **diverse**.\n\n- one\n- two"
    preview = client.get(url("reports:annual_report_preview", report)).content.decode()
    assert "<strong>diverse</strong>" in preview
    assert "alert(" not in preview
    assert '<ul class="govuk-list govuk-list--bullet">\n<li>one</li>' in preview


def test_a_generated_section_has_no_page_to_write_it(world, client_for):
    report = draft(world)
    response = client_for("manager").get(url("reports:section_edit", report, kind="budget"))
    assert response.status_code == 404


def test_leaving_out_and_moving_sections_from_the_report_page(world, client_for):
    report = draft(world)
    client = client_for("manager")
    response = client.post(url("reports:section_leave_out", report, kind="budget"), {"reason": ""})
    assert response.status_code == 400
    assert section(report, SectionKind.BUDGET).included
    response = client.post(
        url("reports:section_leave_out", report, kind="budget"),
        {"reason": "The budget is reported to the board separately."},
    )
    assert response.status_code == 302
    budget = section(report, SectionKind.BUDGET)
    assert not budget.included
    assert budget.left_out_reason == "The budget is reported to the board separately."
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Left out: The budget is reported to the board separately." in page
    preview = client.get(url("reports:annual_report_preview", report)).content.decode()
    assert 'id="section-budget"' not in preview
    before = section(report, SectionKind.CONTEXT).position
    client.post(url("reports:section_move", report, kind="context"), {"direction": "up"})
    assert section(report, SectionKind.CONTEXT).position == before - 1


def test_the_chair_approves_with_a_reason_for_what_is_missing(world, client_for):
    report = draft(world)
    leave_out_unwritten(report)
    client = client_for("chair")
    response = client.post(url("reports:annual_report_approve", report), {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for approving with items missing" in response.content.decode()
    response = client.post(
        url("reports:annual_report_approve", report), {"reason": "Scrutiny report follows."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED
    assert report.approval_reason == "Scrutiny report follows."
    page = client.get(report.get_absolute_url()).content.decode()
    assert "because: Scrutiny report follows." in page


def _approve(report, users):
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed at the board")


def test_publishing_builds_in_the_background_and_the_manager_sees_the_result(
    world, users, client_for, django_capture_on_commit_callbacks
):
    report = draft(world)
    _approve(report, users)
    client = client_for("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reports:annual_report_publish", report))
    build = ReportBuild.objects.get(report=report)
    assert response["Location"] == url("reports:annual_report_build", report, build=build.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Version 1 is published" in page
    assert "hx-trigger" not in page  # finished: no more polling
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED


def test_a_running_build_page_polls_for_its_status_without_inline_script(world, users, client_for):
    report = draft(world)
    _approve(report, users)
    build = services.report_publish(report=report, user=users["manager"])  # not run yet
    client = client_for("manager")
    page = client.get(url("reports:annual_report_build", report, build=build.pk)).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page
    assert "<script>" not in page
    partial = client.get(
        url("reports:annual_report_build", report, build=build.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<div id="build-status"')
    assert "<html" not in partial


def test_a_failed_build_shows_its_error(world, users, client_for):
    report = draft(world)
    build = ReportBuild.objects.create(
        report=report,
        purpose=ReportBuild.Purpose.PUBLISH,
        status=ReportBuild.Status.FAILED,
        error="The build stopped while making the pdf: no fonts.",
    )
    page = client_for("manager").get(url("reports:annual_report_build", report, build=build.pk))
    assert "The build stopped while making the pdf: no fonts." in page.content.decode()
    assert "The report is as it was before." in page.content.decode()


def test_partners_see_only_published_reports_and_download_them(world, users, client_for):
    published = draft(world)
    snapshot = stored_snapshot(published)
    unpublished = services.report_create(
        board=world.board, year=type(world.year).for_start_year(2017)
    )
    client = client_for("partner")
    listing = client.get(reverse("reports:annual_reports", kwargs={"board": "alpha"}))
    content = listing.content.decode()
    assert published.title in content
    assert unpublished.title not in content
    home = client.get(reverse("board:home", kwargs={"board": "alpha"})).content.decode()
    assert snapshot.file_url("pdf") in home
    download = client.get(snapshot.file_url("pdf"))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == f"pdf of {published.title} v1".encode()
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Repr-Digest"].startswith("sha-256=:")
    assert client.get(published.get_absolute_url()).status_code == 404
    assert client.get(unpublished.get_absolute_url()).status_code == 404


def test_nothing_unpublished_reaches_a_partner_even_with_a_snapshot_url(world, client_for):
    report = draft(world)
    snapshot = stored_snapshot(report)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.DRAFT, published_at=None
    )
    client = client_for("partner")
    assert client.get(snapshot.file_url("pdf")).status_code == 404
    assert client.get(snapshot.file_url("html")).status_code == 404


def test_a_snapshot_of_another_board_is_not_reached_through_this_one(world, client_for):
    other = services.report_create(board=world.other_board, year=year_2016())
    snapshot = stored_snapshot(other)
    client = client_for("manager")
    assert client.get(snapshot.file_url("pdf")).status_code == 404
    through_mine = reverse(
        "reports:snapshot_file",
        kwargs={"board": "alpha", "year": "2016-17", "version": 1, "fmt": "pdf"},
    )
    assert client.get(through_mine).status_code == 404


def test_an_unknown_format_is_not_found(world, client_for):
    report = draft(world)
    snapshot = stored_snapshot(report)
    bad = snapshot.file_url("pdf").replace("/pdf", "/exe")
    assert client_for("partner").get(bad).status_code == 404


def test_later_edits_never_change_a_published_snapshot(
    world, users, client_for, django_capture_on_commit_callbacks, settings
):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    _approve(report, users)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, user=users["manager"])
    first = Snapshot.objects.get(report=report, version=1)
    files = {
        fmt: (Path(settings.MEDIA_ROOT) / first.path(fmt)).read_bytes() for fmt in Snapshot.FORMATS
    }
    for fmt, data in files.items():
        assert hashlib.sha256(data).hexdigest() == first.sha256(fmt)
    assert "£100,000" in files["html"].decode()

    # The data and the words change; a correction is published.
    Contribution.objects.filter(board=world.board, label="Luton Council").update(
        amount=Decimal("90000")
    )
    ContributionFactory(board=world.board, year=year_2016(), label="Schools", amount=5)
    report.refresh_from_db()
    services.correction_start(report=report, user=users["manager"], changes="Council figure")
    services.section_save(section=section(report, SectionKind.VOICE), body="New words.")
    _approve(report, users)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, user=users["manager"])
    second = Snapshot.objects.get(report=report, version=2)
    assert second.changed_sections == [
        {"kind": "voice", "title": "The voice of children and families", "change": "rewritten"},
        {"kind": "budget", "title": "Budget", "change": "figures or entries changed"},
    ]
    assert "£90,000" in (Path(settings.MEDIA_ROOT) / second.path("html")).read_text()

    first.refresh_from_db()
    client = client_for("partner")
    for fmt, data in files.items():
        assert (Path(settings.MEDIA_ROOT) / first.path(fmt)).read_bytes() == data
        assert first.sha256(fmt) == hashlib.sha256(data).hexdigest()
        assert b"".join(client.get(first.file_url(fmt)).streaming_content) == data
    assert second.path("pdf") != first.path("pdf")


def test_the_list_page_reads_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    for start in range(2010, 2016):
        report = services.report_create(
            board=world.board, year=type(world.year).for_start_year(start)
        )
        stored_snapshot(report)
    client = client_for("partner")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reports:annual_reports", kwargs={"board": "alpha"}))
    assert response.content.decode().count("Web page (HTML)") == 6


def test_a_manager_of_another_board_gets_nothing(world, client_for):
    report = draft(world)
    client = client_for("other_manager")
    assert client.get(report.get_absolute_url()).status_code == 404
    other = BoardFactory()
    assert other.pk
