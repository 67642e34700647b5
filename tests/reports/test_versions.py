"""Nothing unwritten reaches a partner, and a correction is a new version:
a section is written or left out on purpose (with a reason) before the
report is approved or published; a correction is drafted, approved again by
the report's approver, says what it changes and lists the sections that
differ, and can be cancelled, putting back the published sections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from board.models import Contribution
from reports import services
from reports.models import AnnualReport, ReportBuild, SectionKind, Snapshot
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    leave_out_unwritten,
    media,
    publish_without_rendering,
    section,
    write_narrative,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def url(name: str, report: AnnualReport, **kwargs: Any) -> str:
    return reverse(name, kwargs={"board": report.board.slug, "year": report.year.label, **kwargs})


# Nothing unwritten ---------------------------------------------------------------------------


def test_approval_is_refused_naming_every_section_not_written(world, users):
    report = draft(world)
    services.section_save(section=section(report, SectionKind.CONTEXT), body="Written")
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, user=users["chair"], reason="Agreed")
    assert exc.value.messages == [
        f"“{title}” has not been written. Write it, or leave it out and say why, before it is "
        "approved."
        for title in (
            "Introduction by the independent chair or scrutineer",
            "What the partners did and how effective it was",
            "The voice of children and families",
            "Independent scrutiny",
            "Plans for next year",
        )
    ]
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT


def test_a_section_left_out_on_purpose_no_longer_stops_approval(world, users):
    report = draft(world)
    write_narrative(report)
    voice = section(report, SectionKind.VOICE)
    services.section_save(section=voice, body="")
    with pytest.raises(ValidationError):
        services.report_approve(report=report, user=users["chair"], reason="Agreed")
    services.section_include(
        section=voice, included=False, reason="Reported in the board's engagement report."
    )
    approved = services.report_approve(report=report, user=users["chair"], reason="Agreed")
    assert approved.status == AnnualReport.Status.APPROVED
    assert "How feedback from children and families was sought and used" in (
        approved.missing_at_approval
    )


def test_whitespace_is_not_writing(world, users):
    report = draft(world)
    write_narrative(report)
    services.section_save(section=section(report, SectionKind.SCRUTINY), body="  \n\n  ")
    assert [s.kind for s in services.unwritten(report)] == [SectionKind.SCRUTINY]


def test_leaving_a_section_out_needs_a_reason_and_bringing_it_back_clears_it(world):
    report = draft(world)
    budget = section(report, SectionKind.BUDGET)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.section_include(section=budget, included=False, reason=reason)
        assert exc.value.message_dict == {
            "reason": [
                "Say why this section is left out. The approver sees it, and it is kept with "
                "the published version."
            ]
        }
    with pytest.raises(ValidationError):
        services.section_include(section=budget, included=False, reason="x" * 1001)
    services.section_include(section=budget, included=False, reason="<b>Reported</b> apart")
    budget = section(report, SectionKind.BUDGET)
    assert (budget.included, budget.left_out_reason) == (False, "Reported apart")
    services.section_include(section=budget, included=True)
    budget = section(report, SectionKind.BUDGET)
    assert (budget.included, budget.left_out_reason) == (True, "")


def test_publication_is_refused_if_a_section_was_emptied_behind_the_approval(world, users):
    """Approval is undone by any edit through the services; a change made
    below them (a database console) is still caught at publication."""
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    from reports.models import Section

    Section.objects.filter(report=report, kind=SectionKind.NEXT_YEAR).update(body="")
    with pytest.raises(ValidationError) as exc:
        services.report_publish(report=report, user=users["manager"])
    assert exc.value.messages == [
        "“Plans for next year” has not been written. Write it, or leave it out and say why, "
        "before it is published."
    ]
    assert not ReportBuild.objects.filter(report=report).exists()


def test_a_build_refuses_an_unwritten_section_however_it_got_there(world, users):
    from reports.models import Section
    from reports.tasks import build_snapshot

    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    Section.objects.filter(report=report, kind=SectionKind.CONTEXT).update(body=" ")
    build = ReportBuild.objects.create(report=report, purpose=ReportBuild.Purpose.PUBLISH)
    assert build_snapshot.call(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert build.error == "Not published: “Local context” has not been written."
    assert not Snapshot.objects.filter(report=report).exists()


def test_the_report_page_lists_each_unwritten_section_with_a_link_to_write_it(world, client_for):
    report = draft(world)
    write_narrative(report)
    services.section_save(section=section(report, SectionKind.VOICE), body="")
    page = client_for("manager").get(report.get_absolute_url()).content.decode()
    assert "Sections not written yet" in page
    voice = url("reports:section_edit", report, kind="voice")
    assert f'<li><a href="{voice}">The voice of children and families</a></li>' in page
    approve = client_for("chair").get(url("reports:annual_report_approve", report))
    assert f'<a href="{voice}">The voice of children and families</a>' in approve.content.decode()
    response = client_for("chair").post(url("reports:annual_report_approve", report), {})
    assert response.status_code == 400
    assert "“The voice of children and families” has not been written." in (
        response.content.decode()
    )


def test_the_preview_marks_an_unwritten_section_and_never_prints_a_placeholder(world, client_for):
    report = draft(world)
    preview = client_for("manager").get(url("reports:annual_report_preview", report))
    page = preview.content.decode()
    assert "This section has not been written yet." not in page
    assert page.count("Not written yet: write this section, or leave it out") == 6


# Corrections ---------------------------------------------------------------------------------


@pytest.fixture
def published(world: Any, users: Any) -> AnnualReport:
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    publish_without_rendering(report, users["manager"])
    return report


def test_publication_freezes_the_sections_and_who_approved_them(published, users):
    snapshot = Snapshot.objects.get(report=published)
    assert snapshot.title == published.title
    assert snapshot.approved_by == users["chair"]
    kept = {s["kind"]: s for s in snapshot.sections}
    assert set(kept) == set(SectionKind.values)
    assert kept["voice"]["body"] == "Children told us about their *experience* of help."
    assert kept["voice"]["included"] is True
    assert len(kept["budget"]["fingerprint"]) == 64


def test_a_correction_is_a_draft_of_the_next_version_that_partners_do_not_see_yet(
    published, users, client_for
):
    services.correction_start(report=published, user=users["manager"], changes="Budget figures")
    published.refresh_from_db()
    assert published.status == AnnualReport.Status.DRAFT
    assert published.is_correction
    assert published.approved_by is None
    assert published.correction_changes == "Budget figures"
    assert published.history.first().history_user == users["manager"]
    services.section_save(section=section(published, SectionKind.VOICE), body="Not yet public")
    partner = client_for("partner")
    listing = partner.get(reverse("reports:annual_reports", kwargs={"board": "alpha"}))
    assert published.title in listing.content.decode()
    first = Snapshot.objects.get(report=published)
    assert partner.get(first.file_url("pdf")).status_code == 200
    assert partner.get(published.get_absolute_url()).status_code == 404


def test_a_correction_is_published_only_once_the_approver_approves_it_again(published, users):
    services.correction_start(report=published, user=users["manager"], changes="Voice section")
    services.section_save(section=section(published, SectionKind.VOICE), body="Corrected.")
    with pytest.raises(ValidationError) as exc:
        services.report_publish(report=published, user=users["manager"])
    assert exc.value.messages == ["Only an approved report can be published."]
    with pytest.raises(ValidationError):
        services.report_approve(report=published, user=users["manager"], reason="Mine")
    services.report_approve(report=published, user=users["chair"], reason="Agreed")
    # An edit after the approval needs it again.
    services.section_save(section=section(published, SectionKind.VOICE), body="Changed again.")
    published.refresh_from_db()
    assert published.status == AnnualReport.Status.DRAFT
    with pytest.raises(ValidationError):
        services.report_publish(report=published, user=users["manager"])
    services.report_approve(report=published, user=users["chair"], reason="Agreed")
    second = publish_without_rendering(published, users["manager"])
    assert second.version == 2
    assert second.changes == "Voice section"
    assert second.approved_by == users["chair"]
    assert second.changed_sections == [
        {"kind": "voice", "title": "The voice of children and families", "change": "rewritten"}
    ]
    published.refresh_from_db()
    assert published.status == AnnualReport.Status.PUBLISHED
    assert published.correction_changes == ""


def test_a_correction_that_changes_nothing_is_not_approved(published, users):
    services.correction_start(report=published, user=users["manager"], changes="Nothing really")
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=published, user=users["chair"], reason="Agreed")
    assert exc.value.messages == [
        "Nothing differs from the published version yet: change what needs correcting, or "
        "cancel the correction."
    ]


def test_the_changes_name_each_way_a_section_differs(published, users, world):
    services.correction_start(report=published, user=users["manager"], changes="Several")
    services.report_update(report=published, title="Our year, corrected", approver="chair")
    services.section_include(
        section=section(published, SectionKind.SCRUTINY), included=False, reason="Withdrawn"
    )
    services.section_move(section=section(published, SectionKind.CONTEXT), direction="up")
    Contribution.objects.filter(board=world.board, label="Police").update(amount=Decimal("1"))
    changes = [c.as_dict() for c in services.pending_changes(published)]
    assert changes == [
        {"kind": "title", "title": "The report's title", "change": "now “Our year, corrected”"},
        {
            "kind": "context",
            "title": "Local context",
            "change": "moved",
        },
        {
            "kind": "introduction",
            "title": "Introduction by the independent chair or scrutineer",
            "change": "moved",
        },
        {"kind": "scrutiny", "title": "Independent scrutiny", "change": "left out: Withdrawn"},
        {"kind": "budget", "title": "Budget", "change": "figures or entries changed"},
    ]


def test_cancelling_a_correction_puts_back_what_was_published(published, users):
    before = list(
        published.sections.order_by("pk").values_list("kind", "position", "included", "body")
    )
    services.correction_start(report=published, user=users["manager"], changes="Try")
    services.report_update(report=published, title="Changed title", approver="chair")
    services.section_save(section=section(published, SectionKind.VOICE), body="Changed")
    services.section_move(section=section(published, SectionKind.BUDGET), direction="up")
    services.section_include(
        section=section(published, SectionKind.GLOSSARY), included=False, reason="Short"
    )
    services.correction_cancel(report=published, user=users["manager"])
    published.refresh_from_db()
    assert published.status == AnnualReport.Status.PUBLISHED
    assert published.history.first().history_user == users["manager"]
    assert published.title == "Alpha Safeguarding Children Board annual report 2016-17"
    assert published.approved_by == users["chair"]
    assert published.correction_changes == ""
    after = list(
        published.sections.order_by("pk").values_list("kind", "position", "included", "body")
    )
    assert after == before
    with pytest.raises(ValidationError):
        services.correction_cancel(report=published, user=users["manager"])


def test_a_second_correction_cannot_start_while_one_is_drafted(published, users):
    services.correction_start(report=published, user=users["manager"], changes="One")
    with pytest.raises(ValidationError) as exc:
        services.correction_start(report=published, user=users["manager"], changes="Two")
    assert exc.value.message_dict["__all__"] == [
        "A correction of this report is already being drafted."
    ]


def test_what_a_correction_says_can_change_while_drafted_and_sends_it_back(published, users):
    services.correction_start(report=published, user=users["manager"], changes="One")
    services.section_save(section=section(published, SectionKind.VOICE), body="Corrected")
    services.report_approve(report=published, user=users["chair"], reason="Agreed")
    services.correction_describe(report=published, changes="The voice section")
    published.refresh_from_db()
    assert published.correction_changes == "The voice section"
    assert published.status == AnnualReport.Status.DRAFT


def test_the_chair_sees_what_the_correction_changes_before_approving(published, users, client_for):
    services.correction_start(report=published, user=users["manager"], changes="Voice words")
    services.section_save(section=section(published, SectionKind.VOICE), body="Corrected.")
    page = client_for("chair").get(url("reports:annual_report_approve", published))
    content = page.content.decode()
    assert "Approve the correction" in content
    assert 'id="correction-changes">Voice words</p>' in content
    assert "<strong>The voice of children and families</strong>: rewritten" in content


def test_the_correction_pages_start_describe_and_cancel(published, client_for):
    client = client_for("manager")
    response = client.post(url("reports:annual_report_correct", published), {"changes": ""})
    assert response.status_code == 400
    response = client.post(
        url("reports:annual_report_correct", published), {"changes": "The budget"}
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.is_correction
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Correction to version 2" in page
    assert "Correction draft" in page
    response = client.post(url("reports:annual_report_correction_cancel", published))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.is_frozen


def test_downloads_show_each_versions_date_changes_and_checksums(published, users, client_for):
    services.correction_start(report=published, user=users["manager"], changes="Voice words")
    services.section_save(section=section(published, SectionKind.VOICE), body="Corrected.")
    services.report_approve(report=published, user=users["chair"], reason="Agreed")
    second = publish_without_rendering(published, users["manager"])
    page = client_for("partner").get(reverse("reports:annual_reports", kwargs={"board": "alpha"}))
    content = page.content.decode()
    assert f"Version 2, published {second.created:%-d %B %Y}: Voice words" in content
    assert "Changed from version 1: The voice of children and families (rewritten)." in content
    for fmt in Snapshot.FORMATS:
        assert f'<code class="assure-sha256">{second.sha256(fmt)}</code>' in content
    assert "Earlier versions of" in content
    assert "Get-FileHash" in content


def _published_pdf_words(build: ReportBuild) -> str:
    import subprocess

    from django.core.files.storage import default_storage

    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    assert build.snapshot is not None
    path = default_storage.path(build.snapshot.pdf_path)
    text = subprocess.run(
        ["pdftotext", path, "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def test_a_published_pdf_holds_what_was_written_and_no_placeholder(
    world, users, django_capture_on_commit_callbacks
):
    """Built for real: WeasyPrint's PDF, read back by poppler's pdftotext.
    Its cover says the day it was published (not "Draft made"); a
    correction's cover says what changed and both days."""
    import datetime

    from tests.clock import on_day

    report = draft(world)
    write_narrative(report)
    services.section_include(
        section=section(report, SectionKind.NEXT_YEAR), included=False, reason="In the strategy"
    )
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    with on_day(datetime.date(2027, 3, 31)), django_capture_on_commit_callbacks(execute=True):
        build = services.report_publish(report=report, user=users["manager"])
    words = _published_pdf_words(build)
    assert "not been written" not in words
    assert "About 60,000 children live in the area." in words
    assert "Next year the board will audit" not in words
    assert "Published 31 March 2027" in words
    assert "Draft made" not in words
    assert "first published" not in words

    report.refresh_from_db()
    services.correction_start(report=report, user=users["manager"], changes="Voice words")
    services.section_save(section=section(report, SectionKind.VOICE), body="Corrected words.")
    services.report_approve(report=report, user=users["chair"], reason="Agreed again")
    with on_day(datetime.date(2027, 4, 1)), django_capture_on_commit_callbacks(execute=True):
        build = services.report_publish(report=report, user=users["manager"])
    words = _published_pdf_words(build)
    assert "Version 2: Voice words" in words
    assert "Changed from version 1: The voice of children and families (rewritten)." in words
    assert "Published 1 April 2027 (first published 31 March 2027)" in words
    assert "Corrected words." in words


def test_changing_the_title_of_an_approved_report_needs_approval_again(world, users):
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    services.report_update(report=report, title=report.title, approver="chair")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED  # nothing changed
    services.report_update(report=report, title="Our year in review", approver="chair")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.approved_by is None
