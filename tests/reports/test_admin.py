"""Annual reports in the Django admin: every save goes through
reports.services (the admin refuses what the pages refuse, with the same
words), a report's status moves only through approval and publication, and
what publishing froze cannot be changed or deleted there."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from reports import services
from reports.models import (
    AnnualReport,
    ReportBuild,
    ScorecardDocument,
    Section,
    SectionKind,
    Snapshot,
)
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    media,
    section,
    stored_snapshot,
    write_narrative,
    year_2016,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.org", "correct horse battery staple")
    client.force_login(user)
    return client


def approved(world, users):
    report = draft(world)
    complete_data(world)
    write_narrative(report)
    return services.report_approve(report=report, user=users["chair"], reason="Agreed")


def change_data(report, **changes):
    data = {
        "title": report.title,
        "approver": report.approver,
        "snapshots-TOTAL_FORMS": "0",
        "snapshots-INITIAL_FORMS": "0",
        "snapshots-MIN_NUM_FORMS": "0",
        "snapshots-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def page_text(response):
    return response.content.decode()


# Adding and changing a report ---------------------------------------------------------------


def test_the_admin_adds_a_report_with_every_section_through_the_service(world, root):
    response = root.post(
        reverse("admin:reports_annualreport_add"),
        {"board": world.board.pk, "year": year_2016().pk, "approver": "business-manager"},
    )
    assert response.status_code == 302, page_text(response)[:2000]
    report = AnnualReport.objects.get(board=world.board)
    assert report.title == "Alpha Safeguarding Children Board annual report 2016-17"
    assert report.status == AnnualReport.Status.DRAFT
    assert report.approver == AnnualReport.Approver.BUSINESS_MANAGER
    kinds = list(report.sections.order_by("position").values_list("kind", flat=True))
    assert kinds == SectionKind.values


def test_the_admin_refuses_a_second_report_for_a_year_with_the_services_words(world, root):
    draft(world)
    response = root.post(
        reverse("admin:reports_annualreport_add"),
        {"board": world.board.pk, "year": year_2016().pk, "approver": "chair"},
    )
    assert response.status_code == 200
    assert "This board already has an annual report for 2016-17." in page_text(response)
    assert AnnualReport.objects.filter(board=world.board).count() == 1


def test_the_admin_changes_a_drafts_title_and_who_approves(world, root):
    report = draft(world)
    response = root.post(
        reverse("admin:reports_annualreport_change", args=[report.pk]),
        change_data(report, title="Alpha annual report", approver="business-manager"),
    )
    assert response.status_code == 302, page_text(response)[:2000]
    report.refresh_from_db()
    assert (report.title, report.approver) == ("Alpha annual report", "business-manager")
    assert report.history.first().history_user.username == "root"


def test_the_admin_refuses_changing_who_approves_an_approved_report(world, users, root):
    report = approved(world, users)
    response = root.post(
        reverse("admin:reports_annualreport_change", args=[report.pk]),
        change_data(report, title="Another title", approver="business-manager"),
    )
    assert response.status_code == 200
    assert "Who approves can change only while the report is a draft." in page_text(response)
    report.refresh_from_db()
    assert (report.title, report.approver) == (
        "Alpha Safeguarding Children Board annual report 2016-17",
        "chair",
    )
    assert report.status == AnnualReport.Status.APPROVED


def test_the_status_and_approval_are_not_fields_of_the_change_form(world, users, root):
    report = draft(world)
    response = root.post(
        reverse("admin:reports_annualreport_change", args=[report.pk]),
        change_data(
            report,
            status="published",
            approved_by=users["chair"].pk,
            published_at_0="2016-06-01",
            published_at_1="10:00:00",
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.approved_by is None
    assert report.published_at is None


# Approval and publication, as the services rule --------------------------------------------


def run_action(client, action, *reports):
    return client.post(
        reverse("admin:reports_annualreport_changelist"),
        {"action": action, "_selected_action": [r.pk for r in reports]},
        follow=True,
    )


def test_approving_in_the_admin_follows_who_the_board_says_approves(world, root):
    report = draft(world)
    response = run_action(root, "approve", report)
    assert (
        f"{report.title}: On this board the independent chair approves the annual report."
        in page_text(response)
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT


def test_publishing_in_the_admin_refuses_a_draft_and_builds_an_approved_report(
    world, users, root, django_capture_on_commit_callbacks
):
    waiting = draft(world)
    ready = services.report_create(board=world.other_board, year=year_2016())
    write_narrative(ready)
    AnnualReport.objects.filter(pk=ready.pk).update(status=AnnualReport.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = run_action(root, "publish", waiting, ready)
    html = page_text(response)
    assert f"{waiting.title}: Only an approved report can be published." in html
    assert f"{ready.title}: the snapshot is being built" in html
    assert not ReportBuild.objects.filter(report=waiting).exists()
    build = ReportBuild.objects.get(report=ready)
    assert build.purpose == ReportBuild.Purpose.PUBLISH
    assert build.requested_by.username == "root"
    assert len(callbacks) == 1  # the build is sent to the worker once committed


def test_the_admin_roles_people_see_reports_but_cannot_change_or_approve_them(
    world, users, client_for
):
    report = draft(world)
    client = client_for("admin")
    listing = client.get(reverse("admin:reports_annualreport_changelist"))
    assert listing.status_code == 200
    assert report.title in page_text(listing)
    assert 'value="approve"' not in page_text(listing)
    assert client.get(reverse("admin:reports_annualreport_add")).status_code == 403
    response = client.post(
        reverse("admin:reports_annualreport_change", args=[report.pk]),
        change_data(report, title="Changed"),
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.title == "Alpha Safeguarding Children Board annual report 2016-17"


# Sections -----------------------------------------------------------------------------------


def section_data(obj, **changes):
    data = {"included": "on" if obj.included else "", "body": obj.body}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_narrative_section_is_saved_cleaned_and_an_approved_report_returns_to_draft(
    world, users, root
):
    report = approved(world, users)
    voice = section(report, SectionKind.VOICE)
    response = root.post(
        reverse("admin:reports_section_change", args=[voice.pk]),
        section_data(voice, body="Children <script>alert(1)</script>told us **more**."),
    )
    assert response.status_code == 302, page_text(response)[:2000]
    voice.refresh_from_db()
    assert voice.body == "Children told us **more**."
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.approved_by is None


def test_the_admin_refuses_a_section_longer_than_the_service_allows(world, root):
    from reports import narrative

    report = draft(world)
    context = section(report, SectionKind.CONTEXT)
    response = root.post(
        reverse("admin:reports_section_change", args=[context.pk]),
        section_data(context, body="x" * (narrative.MAX_LENGTH + 1)),
    )
    assert response.status_code == 200
    assert f"A section must be {narrative.MAX_LENGTH:,} characters or fewer." in page_text(response)
    context.refresh_from_db()
    assert context.body == ""


def test_a_generated_sections_words_cannot_be_written_in_the_admin(world, root):
    report = draft(world)
    budget = section(report, SectionKind.BUDGET)
    response = root.post(
        reverse("admin:reports_section_change", args=[budget.pk]),
        # included unticked: left out, with the reason the rules ask for
        {"body": "Made up figures", "left_out_reason": "Reported apart"},
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.body == ""
    assert budget.included is False


# What publishing froze ----------------------------------------------------------------------


def test_a_published_report_and_its_sections_are_read_only(world, root):
    report = draft(world)
    stored_snapshot(report)
    change_url = reverse("admin:reports_annualreport_change", args=[report.pk])
    page = page_text(root.get(change_url))
    assert 'name="_save"' not in page
    assert root.post(change_url, change_data(report, title="Rewritten")).status_code == 403
    voice = section(report, SectionKind.VOICE)
    response = root.post(
        reverse("admin:reports_section_change", args=[voice.pk]),
        section_data(voice, body="Rewritten"),
    )
    assert response.status_code == 403
    delete_url = reverse("admin:reports_annualreport_delete", args=[report.pk])
    assert root.post(delete_url, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
    voice.refresh_from_db()
    assert report.title == "Alpha Safeguarding Children Board annual report 2016-17"
    assert report.status == AnnualReport.Status.PUBLISHED
    assert voice.body == ""


def test_a_published_snapshot_cannot_be_changed_or_deleted_in_the_admin(world, root, settings):
    report = draft(world)
    snapshot = stored_snapshot(report)
    before = {f.name: getattr(snapshot, f.name) for f in Snapshot._meta.fields}
    html = (Path(settings.MEDIA_ROOT) / snapshot.html_path).read_bytes()

    change_url = reverse("admin:reports_snapshot_change", args=[snapshot.pk])
    page = root.get(change_url)
    assert page.status_code == 200  # shown, read only
    assert snapshot.html_sha256 in page_text(page)
    assert 'name="_save"' not in page_text(page)
    tampered = {"changes": "Tampered", "html_sha256": "0" * 64, "version": "7"}
    assert root.post(change_url, tampered).status_code == 403
    delete_url = reverse("admin:reports_snapshot_delete", args=[snapshot.pk])
    assert root.post(delete_url, {"post": "yes"}).status_code == 403
    root.post(
        reverse("admin:reports_snapshot_changelist"),
        {"action": "delete_selected", "_selected_action": [snapshot.pk], "post": "yes"},
    )
    # django-simple-history's page for an older version posts it back.
    version = snapshot.history.earliest()
    history_url = reverse(
        "admin:reports_snapshot_simple_history", args=[snapshot.pk, version.history_id]
    )
    assert root.post(history_url, tampered).status_code == 403

    snapshot.refresh_from_db()
    assert {f.name: getattr(snapshot, f.name) for f in Snapshot._meta.fields} == before
    assert (Path(settings.MEDIA_ROOT) / snapshot.html_path).read_bytes() == html
    assert root.get(reverse("admin:reports_snapshot_add")).status_code == 403


def test_an_older_version_of_a_published_report_cannot_be_posted_back(world, root):
    report = draft(world)
    services.report_update(report=report, title="The first title", approver="chair")
    services.report_update(report=report, title="The title published", approver="chair")
    stored_snapshot(report)
    older = report.history.get(title="The first title")
    history_url = reverse(
        "admin:reports_annualreport_simple_history", args=[report.pk, older.history_id]
    )
    response = root.post(history_url, change_data(older.instance))
    # Refused on its form: the rules say the report is published.
    assert response.status_code == 200
    assert "a published version never changes" in page_text(response)
    report.refresh_from_db()
    assert report.title == "The title published"
    assert report.status == AnnualReport.Status.PUBLISHED


def test_builds_are_shown_and_never_changed(world, users, root):
    report = approved(world, users)
    build = services.report_publish(report=report, user=users["manager"])
    assert root.get(reverse("admin:reports_reportbuild_change", args=[build.pk])).status_code == 200
    response = root.post(
        reverse("admin:reports_reportbuild_change", args=[build.pk]), {"status": "succeeded"}
    )
    assert response.status_code == 403
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.QUEUED
    assert Section.objects.filter(report=report).count() == len(SectionKind.values)


def test_scorecard_documents_are_shown_and_never_changed_or_deleted(world, root):
    document = ScorecardDocument.objects.create(
        board=world.board, status=ScorecardDocument.Status.SUCCEEDED, pdf_sha256="a" * 64
    )
    change_url = reverse("admin:reports_scorecarddocument_change", args=[document.pk])
    page = root.get(change_url)
    assert page.status_code == 200
    assert "a" * 64 in page_text(page)
    assert root.post(change_url, {"pdf_sha256": "b" * 64}).status_code == 403
    delete_url = reverse("admin:reports_scorecarddocument_delete", args=[document.pk])
    assert root.post(delete_url, {"post": "yes"}).status_code == 403
    document.refresh_from_db()
    assert document.pdf_sha256 == "a" * 64
