"""The annual report's rules, enforced in its services: creating, sections,
approval (who approves, the Working Together check and its recorded reason),
publication by a background build, corrections and sending dates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services
from reports.models import NARRATIVE_KINDS, AnnualReport, ReportBuild, Section, SectionKind
from reports.sections import available_kinds
from tests.factories import BoardFactory, UserFactory
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    leave_out_unwritten,
    media,
    section,
    write_narrative,
    year_2016,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_a_new_report_is_a_draft_with_every_offered_section_in_order(world):
    report = draft(world)
    assert report.status == AnnualReport.Status.DRAFT
    assert report.title == "Alpha Safeguarding Children Board annual report 2016-17"
    kinds = list(report.sections.order_by("position").values_list("kind", flat=True))
    assert kinds == SectionKind.values
    assert [k for k in kinds if k in available_kinds()] == available_kinds()
    assert kinds[0] == SectionKind.INTRODUCTION
    assert kinds[-1] == SectionKind.GLOSSARY
    assert all(report.sections.values_list("included", flat=True))


def test_sections_whose_app_has_no_data_source_yet_are_not_offered():
    offered = set(available_kinds())
    assert offered >= NARRATIVE_KINDS
    assert {SectionKind.PRIORITIES, SectionKind.BUDGET, SectionKind.TRAINING} <= offered


def test_it_refuses_a_second_report_for_the_same_board_and_year(world):
    draft(world)
    with pytest.raises(ValidationError) as exc:
        draft(world)
    assert exc.value.message_dict == {
        "year": ["This board already has an annual report for 2016-17."]
    }
    # Another board may have its own report for that year.
    assert services.report_create(board=world.other_board, year=year_2016()).pk


def test_a_report_for_a_year_nobody_has_created_saves_the_year(world):
    from board.models import ReportingYear

    report = services.report_create(board=world.board, year=ReportingYear.span(2026))
    assert report.year.pk is not None
    assert report.year.label == "2026-27"


def test_it_refuses_an_unknown_approver(world):
    with pytest.raises(ValidationError) as exc:
        draft(world, approver="mayor")
    assert "approver" in exc.value.message_dict


def test_a_narrative_section_keeps_markdown_without_html(world):
    report = draft(world)
    saved = services.section_save(
        section=section(report, SectionKind.CONTEXT),
        body="Luton <script>alert(1)</script>has **S&AG** <b>and</b> a < b",
    )
    assert saved.body == "Luton has **S&AG** and a < b"


def test_a_generated_section_has_no_text_to_write(world):
    report = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.section_save(section=section(report, SectionKind.BUDGET), body="Anything")
    assert exc.value.message_dict == {"body": ["Assure builds this section from the year's data."]}


def test_it_refuses_a_section_longer_than_the_limit(world):
    report = draft(world)
    with pytest.raises(ValidationError):
        services.section_save(section=section(report, SectionKind.CONTEXT), body="x" * 50_001)
    services.section_save(section=section(report, SectionKind.CONTEXT), body="x" * 50_000)


def test_moving_a_section_swaps_it_with_its_neighbour_and_stops_at_the_ends(world):
    report = draft(world)
    first, second = report.sections.order_by("position")[:2]
    services.section_move(section=second, direction="up")
    kinds = list(report.sections.order_by("position").values_list("kind", flat=True))
    assert kinds[:2] == [second.kind, first.kind]
    top = report.sections.order_by("position").first()
    services.section_move(section=top, direction="up")
    assert list(report.sections.order_by("position").values_list("kind", flat=True)) == kinds
    last = report.sections.order_by("position").last()
    services.section_move(section=last, direction="down")
    assert list(report.sections.order_by("position").values_list("kind", flat=True)) == kinds
    positions = list(report.sections.values_list("position", flat=True))
    assert len(set(positions)) == len(positions)


def test_it_refuses_a_move_other_than_up_or_down(world):
    report = draft(world)
    with pytest.raises(ValidationError):
        services.section_move(section=report.sections.first(), direction="sideways")


def test_approval_by_the_chair_when_the_board_says_the_chair_approves(world, users):
    complete_data(world)
    report = draft(world, approver=AnnualReport.Approver.CHAIR)
    write_narrative(report)
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, user=users["manager"], reason="x")
    assert exc.value.message_dict["__all__"] == [
        "On this board the independent chair approves the annual report."
    ]
    approved = services.report_approve(report=report, user=users["chair"], reason="")
    assert approved.status == AnnualReport.Status.APPROVED
    assert approved.approved_by == users["chair"]
    assert approved.missing_at_approval == []
    assert approved.approval_reason == ""


def test_approval_by_the_business_manager_when_the_board_says_so(world, users):
    report = draft(world, approver=AnnualReport.Approver.BUSINESS_MANAGER)
    leave_out_unwritten(report)
    with pytest.raises(ValidationError):
        services.report_approve(report=report, user=users["chair"], reason="Agreed")
    with pytest.raises(ValidationError):
        services.report_approve(report=report, user=users["other_manager"], reason="Agreed")
    approved = services.report_approve(report=report, user=users["manager"], reason="Agreed")
    assert approved.approved_by == users["manager"]


def test_approving_with_checklist_items_missing_needs_a_recorded_reason(world, users):
    report = draft(world, approver=AnnualReport.Approver.CHAIR)
    leave_out_unwritten(report)
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, user=users["chair"], reason="   ")
    message = exc.value.message_dict["reason"][0]
    assert message.startswith("Give the reason for approving with items missing")
    assert "How feedback from children and families was sought and used" in message
    approved = services.report_approve(
        report=report, user=users["chair"], reason="Reviews are reported separately."
    )
    assert approved.approval_reason == "Reviews are reported separately."
    assert "Funding" in approved.missing_at_approval
    assert "Independent scrutiny" in approved.missing_at_approval


def test_approving_with_nothing_missing_keeps_no_reason(world, users):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    approved = services.report_approve(report=report, user=users["chair"], reason="Not needed")
    assert approved.approval_reason == ""
    assert approved.missing_at_approval == []


def test_leaving_out_the_record_of_review_actions_makes_it_missing(world, users):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    services.section_include(
        section=section(report, SectionKind.REVIEWS), included=False, reason="Reported apart"
    )
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, user=users["chair"], reason="")
    assert exc.value.message_dict["reason"] == [
        "Give the reason for approving with items missing from the checklist: The record of "
        "actions on local and national review recommendations."
    ]


def test_only_a_draft_can_be_approved(world, users):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    with pytest.raises(ValidationError) as exc:
        services.report_approve(report=report, user=users["chair"], reason="Again")
    assert "Only a draft can be approved" in exc.value.message_dict["__all__"][0]


def test_editing_an_approved_report_sends_it_back_to_draft(world, users):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    services.section_save(section=section(report, SectionKind.CONTEXT), body="New words")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert report.approved_by is None
    assert report.approval_reason == ""


def test_saving_the_same_words_leaves_an_approved_report_approved(world, users):
    report = draft(world)
    services.section_save(section=section(report, SectionKind.CONTEXT), body="Words")
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    services.section_save(section=section(report, SectionKind.CONTEXT), body="Words")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED


def test_excluding_or_moving_a_section_also_needs_approval_again(world, users):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    services.section_include(
        section=section(report, SectionKind.BUDGET), included=False, reason="Reported apart"
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    services.report_approve(report=report, user=users["chair"], reason="Because")
    services.section_move(section=section(report, SectionKind.BUDGET), direction="up")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT


def test_only_an_approved_report_can_be_published(world, users):
    report = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.report_publish(report=report, user=users["manager"])
    assert exc.value.message_dict["__all__"] == ["Only an approved report can be published."]


def test_publishing_builds_a_snapshot_and_marks_the_report_published(
    world, users, django_capture_on_commit_callbacks
):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    with django_capture_on_commit_callbacks(execute=True):
        build = services.report_publish(report=report, user=users["manager"])
    build.refresh_from_db()
    report.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    assert build.progress == 100
    assert report.status == AnnualReport.Status.PUBLISHED
    assert report.published_at is not None
    snapshot = report.snapshots.get()
    assert snapshot.version == 1
    assert snapshot.changes == ""
    assert build.snapshot == snapshot


def test_a_second_publication_is_refused_while_a_build_is_waiting(world, users):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    services.report_publish(report=report, user=users["manager"])  # on_commit never runs here
    with pytest.raises(ValidationError) as exc:
        services.report_publish(report=report, user=users["manager"])
    assert exc.value.message_dict["__all__"] == ["This report is already being built."]


def test_a_correction_needs_a_published_report_and_says_what_changed(
    world, users, django_capture_on_commit_callbacks
):
    report = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.correction_start(report=report, user=users["manager"], changes="Fixed")
    assert exc.value.message_dict["__all__"] == ["A correction is started from a published report."]
    report = _published(report, users, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.correction_start(report=report, user=users["manager"], changes="  ")
    assert exc.value.message_dict == {"changes": ["Say what this correction changes."]}
    services.correction_start(report=report, user=users["manager"], changes="Budget corrected")
    services.section_save(section=section(report, SectionKind.CONTEXT), body="Corrected words")
    services.section_include(section=section(report, SectionKind.CONTEXT), included=True)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    with django_capture_on_commit_callbacks(execute=True):
        build = services.report_publish(report=report, user=users["manager"])
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.SUCCEEDED, build.error
    assert build.purpose == ReportBuild.Purpose.CORRECTION
    versions = list(report.snapshots.order_by("version").values_list("version", "changes"))
    assert versions == [(1, ""), (2, "Budget corrected")]
    second = report.snapshots.get(version=2)
    assert second.changed_sections == [
        {"kind": "context", "title": "Local context", "change": "added"}
    ]


def test_a_failed_build_leaves_the_report_as_it_was_with_a_clear_error(
    world, users, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from reports import tasks

    def broken(context):
        raise RuntimeError("the PDF engine ran out of memory")

    monkeypatch.setattr(tasks, "render_pdf", broken)
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    with django_capture_on_commit_callbacks(execute=True):
        build = services.report_publish(report=report, user=users["manager"])
    build.refresh_from_db()
    report.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert build.error.startswith(
        "The build stopped while making the pdf: the PDF engine ran out of memory."
    )
    assert report.status == AnnualReport.Status.APPROVED
    assert report.published_at is None
    assert not report.snapshots.exists()
    from pathlib import Path

    assert not list(Path(settings.MEDIA_ROOT).glob("reports/alpha/2016-17/*/*"))


def test_a_build_that_is_no_longer_queued_does_nothing(world, users):
    from reports.tasks import build_snapshot

    report = draft(world)
    build = ReportBuild.objects.create(
        report=report, purpose=ReportBuild.Purpose.PUBLISH, status=ReportBuild.Status.FAILED
    )
    assert build_snapshot.call(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED


def test_a_build_for_a_report_no_longer_approved_is_refused(world, users):
    from reports.tasks import build_snapshot

    report = draft(world)
    build = ReportBuild.objects.create(report=report, purpose=ReportBuild.Purpose.PUBLISH)
    assert build_snapshot.call(build_id=build.pk) is None
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED
    assert build.error == "The report is no longer approved, so it was not published."
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT


def _published(report, users, capture) -> AnnualReport:
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    with capture(execute=True):
        services.report_publish(report=report, user=users["manager"])
    report.refresh_from_db()
    return report


def test_sending_dates_fall_between_publication_and_today(
    world, users, django_capture_on_commit_callbacks
):
    report = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.report_sent_record(report=report, sent_to_panel=None, sent_to_what_works=None)
    assert exc.value.message_dict["__all__"] == ["A report is sent once it is published."]
    report = _published(report, users, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.report_sent_record(
            report=report,
            sent_to_panel=today - datetime.timedelta(days=1),
            sent_to_what_works=today + datetime.timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"sent_to_panel", "sent_to_what_works"}
    saved = services.report_sent_record(report=report, sent_to_panel=today, sent_to_what_works=None)
    assert saved.sent_to_panel == today
    assert saved.sent_to_what_works is None
    assert services.sending_due(report) == today + datetime.timedelta(days=7)


def test_who_approves_changes_only_while_a_draft(world, users):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_update(report=report, title="Our year", approver="business-manager")
    assert report.approver == "business-manager"
    assert report.title == "Our year"
    services.report_approve(report=report, user=users["manager"], reason="Because")
    with pytest.raises(ValidationError) as exc:
        services.report_update(report=report, title="Our year", approver="chair")
    assert exc.value.message_dict["approver"] == [
        "Who approves can change only while the report is a draft."
    ]
    with pytest.raises(ValidationError):
        services.report_update(report=report, title=" ", approver="business-manager")


def test_a_chair_of_another_board_cannot_approve(world, users):
    from core import roles

    outsider = UserFactory(role=roles.INDEPENDENT_CHAIR, boards=[BoardFactory()])
    report = draft(world)
    with pytest.raises(ValidationError):
        services.report_approve(report=report, user=outsider, reason="Because")
    assert Section.objects.filter(report=report).count() == len(SectionKind.values)


def test_an_edit_through_a_stale_copy_of_the_report_is_refused_and_changes_nothing(
    world, users, django_capture_on_commit_callbacks
):
    report = draft(world)
    leave_out_unwritten(report)
    services.report_approve(report=report, user=users["chair"], reason="Because")
    stale = AnnualReport.objects.get(pk=report.pk)  # read while approved
    stale_context = stale.sections.get(kind=SectionKind.CONTEXT)  # holds the stale report
    stale_budget = stale.sections.get(kind=SectionKind.BUDGET)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, user=users["manager"])
    with pytest.raises(ValidationError) as exc:
        services.section_save(section=stale_context, body="Written after publication")
    assert "a published version never changes" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.section_include(section=stale_budget, included=False, reason="Gone")
    with pytest.raises(ValidationError):
        services.section_move(section=stale_budget, direction="up")
    with pytest.raises(ValidationError):
        services.report_update(report=stale, title="Rewritten", approver="chair")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED
    assert report.approved_by == users["chair"]
    assert report.title == "Alpha Safeguarding Children Board annual report 2016-17"
    assert section(report, SectionKind.CONTEXT).body == ""
    assert section(report, SectionKind.BUDGET).included


def test_moving_skips_nothing_when_some_kinds_are_not_offered(world):
    report = draft(world)
    kinds = list(report.sections.order_by("position").values_list("kind", flat=True))
    services.section_move(section=section(report, kinds[1]), direction="up")
    after = list(report.sections.order_by("position").values_list("kind", flat=True))
    assert after[:2] == [kinds[1], kinds[0]]
