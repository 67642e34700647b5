"""Published means frozen, tried through every way in as an attacker would:
the services, the models beneath them (a script, a shell, a later service
that forgets to ask), the business manager's pages with direct posts, the
Django admin and the management commands. Every attempt is refused with
the reason and changes nothing of the published report, its sections, its
settings or its snapshot."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from reports import services
from reports.models import AnnualReport, Frozen, Section, SectionKind, Snapshot
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    draft,
    leave_out_unwritten,
    media,
    publish_without_rendering,
    section,
    write_narrative,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

FROZEN = "This report is published, and a published version never changes."


@pytest.fixture
def published(world: Any, users: Any) -> AnnualReport:
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    publish_without_rendering(report, users["manager"])
    return report


def state(report: AnnualReport) -> dict[str, Any]:
    """Everything of the report a change could touch."""
    report.refresh_from_db()
    return {
        "report": {
            f.attname: getattr(report, f.attname)
            for f in AnnualReport._meta.concrete_fields
            if f.attname != "updated"
        },
        "sections": list(
            Section.objects.filter(report=report)
            .order_by("pk")
            .values_list("kind", "position", "included", "left_out_reason", "body")
        ),
        "snapshots": list(Snapshot.objects.filter(report=report).values()),
        "section_history": Section.history.filter(report_id=report.pk).count(),
    }


# The services ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        lambda r: services.section_save(section=section(r, SectionKind.CONTEXT), body="New"),
        lambda r: services.section_include(
            section=section(r, SectionKind.BUDGET), included=False, reason="Gone"
        ),
        lambda r: services.section_move(section=section(r, SectionKind.BUDGET), direction="up"),
        lambda r: services.report_update(report=r, title="Rewritten", approver="chair"),
        lambda r: services.correction_describe(report=r, changes="Sneaked in"),
        lambda r: services.report_approve(report=r, user=r._chair, reason="Again"),
    ],
    ids=["save", "leave-out", "move", "settings", "describe", "approve"],
)
def test_every_service_refuses_a_published_report_and_changes_nothing(published, users, attempt):
    published._chair = users["chair"]
    before = state(published)
    with pytest.raises(ValidationError):
        attempt(published)
    assert state(published) == before


def test_the_refusal_says_why_and_what_to_do(published):
    with pytest.raises(ValidationError) as exc:
        services.section_save(section=section(published, SectionKind.CONTEXT), body="New")
    assert exc.value.messages == [
        "This report is published, and a published version never changes. To change it, start "
        "a correction: a new version the report's approver approves again."
    ]


# Beneath the services: the models -------------------------------------------------------------


def test_a_published_reports_section_refuses_to_be_saved(published):
    context = Section.objects.get(report=published, kind=SectionKind.CONTEXT)
    context.body = "Saved by a script"
    with pytest.raises(Frozen):
        context.save()
    with pytest.raises(Frozen):
        context.delete()
    context.refresh_from_db()
    assert context.body == "About 60,000 children live in the area."


def test_a_bulk_update_or_delete_of_a_published_reports_sections_is_refused(published):
    with pytest.raises(Frozen):
        Section.objects.filter(report=published).update(body="Rewritten in bulk")
    with pytest.raises(Frozen):
        Section.objects.filter(report=published, kind=SectionKind.CONTEXT).delete()
    assert not Section.objects.filter(report=published, body="Rewritten in bulk").exists()
    assert Section.objects.filter(report=published).count() == len(SectionKind.values)


def test_a_published_reports_title_and_approver_refuse_to_change(published):
    published.title = "Rewritten"
    with pytest.raises(Frozen):
        published.save()
    fresh = AnnualReport.objects.get(pk=published.pk)
    fresh.approver = AnnualReport.Approver.BUSINESS_MANAGER
    with pytest.raises(Frozen):
        fresh.save()
    fresh = AnnualReport.objects.get(pk=published.pk)
    assert fresh.title == "Alpha Safeguarding Children Board annual report 2016-17"
    assert fresh.approver == AnnualReport.Approver.CHAIR


def test_who_approves_cannot_change_in_a_correction_either(published, users):
    services.correction_start(report=published, user=users["manager"], changes="A figure")
    with pytest.raises(ValidationError) as exc:
        services.report_update(report=published, title=published.title, approver="business-manager")
    assert "Who approves cannot change once a version is published" in exc.value.messages[0]
    published.approver = AnnualReport.Approver.BUSINESS_MANAGER
    with pytest.raises(Frozen):
        published.save()
    assert AnnualReport.objects.get(pk=published.pk).approver == AnnualReport.Approver.CHAIR


def test_a_snapshot_refuses_any_change_or_deletion(published):
    snapshot = Snapshot.objects.get(report=published)
    snapshot.pdf_sha256 = "0" * 64
    with pytest.raises(Frozen):
        snapshot.save()
    with pytest.raises(Frozen):
        snapshot.delete()
    with pytest.raises(Frozen):
        Snapshot.objects.filter(pk=snapshot.pk).update(changes="Tampered")
    with pytest.raises(Frozen):
        Snapshot.objects.filter(pk=snapshot.pk).delete()
    kept = Snapshot.objects.get(pk=snapshot.pk)
    assert kept.pdf_sha256 != "0" * 64
    assert kept.changes == ""


def test_the_sending_dates_are_still_recorded_on_a_published_report(published):
    """They record what happened to the published report, not part of it."""
    from django.utils import timezone

    today = timezone.localdate()
    saved = services.report_sent_record(
        report=published, sent_to_panel=today, sent_to_what_works=None
    )
    assert saved.sent_to_panel == today
    assert saved.status == AnnualReport.Status.PUBLISHED


# The pages, posted to directly -------------------------------------------------------------


def url(name: str, report: AnnualReport, **kwargs: Any) -> str:
    return reverse(name, kwargs={"board": report.board.slug, "year": report.year.label, **kwargs})


@pytest.mark.parametrize(
    ("name", "kwargs", "data"),
    [
        ("reports:section_edit", {"kind": "context"}, {"body": "Changed after publication"}),
        ("reports:section_leave_out", {"kind": "budget"}, {"reason": "Gone"}),
        ("reports:section_include", {"kind": "budget"}, {}),
        ("reports:section_move", {"kind": "budget"}, {"direction": "up"}),
        ("reports:annual_report_settings", {}, {"title": "Rewritten", "approver": "chair"}),
    ],
    ids=["section", "leave-out", "include", "move", "settings"],
)
def test_a_managers_direct_post_to_a_published_report_is_refused_with_409(
    published, client_for, name, kwargs, data
):
    before = state(published)
    response = client_for("manager").post(url(name, published, **kwargs), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert FROZEN in page
    assert "start a correction" in page
    assert state(published) == before


def test_the_chairs_post_to_approve_a_published_report_is_refused(published, client_for):
    before = state(published)
    response = client_for("chair").post(url("reports:annual_report_approve", published), {})
    assert response.status_code == 409
    assert state(published) == before


def test_a_published_sections_page_shows_it_read_only_with_the_way_to_correct_it(
    published, client_for
):
    response = client_for("manager").get(url("reports:section_edit", published, kind="context"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<textarea" not in page
    assert "About 60,000 children live in the area." in page
    assert url("reports:annual_report_correct", published) in page
    report_page = client_for("manager").get(published.get_absolute_url()).content.decode()
    assert "Start a correction" in report_page
    assert url("reports:section_leave_out", published, kind="budget") not in report_page
    assert 'name="direction"' not in report_page


# The admin ----------------------------------------------------------------------------------


def test_the_admin_refuses_a_published_section_and_edits_a_corrections(published, users, client):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@example.org", "correct horse battery")
    client.force_login(root)
    context = Section.objects.get(report=published, kind=SectionKind.CONTEXT)
    change = reverse("admin:reports_section_change", args=[context.pk])
    data = {"included": "on", "body": "Rewritten in the admin", "left_out_reason": ""}
    assert client.post(change, data).status_code == 403
    context.refresh_from_db()
    assert context.body == "About 60,000 children live in the area."

    services.correction_start(report=published, user=users["manager"], changes="Context")
    response = client.post(change, data)
    assert response.status_code == 302
    context.refresh_from_db()
    assert context.body == "Rewritten in the admin"
    published.refresh_from_db()
    assert published.status == AnnualReport.Status.DRAFT
    # The published version's sections are in its snapshot, untouched.
    kept = {s["kind"]: s for s in Snapshot.objects.get(report=published).sections}
    assert kept["context"]["body"] == "About 60,000 children live in the area."


def test_the_admin_asks_why_a_section_is_left_out(world, client):
    from django.contrib.auth.models import User

    report = draft(world)
    root = User.objects.create_superuser("root", "root@example.org", "correct horse battery")
    client.force_login(root)
    budget = section(report, SectionKind.BUDGET)
    change = reverse("admin:reports_section_change", args=[budget.pk])
    response = client.post(change, {"body": ""})  # included unticked, no reason
    assert response.status_code == 200
    assert "Say why this section is left out." in response.content.decode()
    assert section(report, SectionKind.BUDGET).included
    response = client.post(change, {"body": "", "left_out_reason": "Reported apart"})
    assert response.status_code == 302
    budget = section(report, SectionKind.BUDGET)
    assert (budget.included, budget.left_out_reason) == (False, "Reported apart")


# Management commands and scripts ------------------------------------------------------------


def test_starting_the_past_reports_again_leaves_a_published_one_as_it_was(published, world):
    from board.models import Board, ReportingYear

    Board.objects.filter(pk=world.board.pk).update(slug="luton")
    published.refresh_from_db()
    ReportingYear.for_start_year(2020)
    before = state(published)
    out = io.StringIO()
    from tests.factories import BoardFactory

    BoardFactory(slug="bedford-borough")
    call_command("past_annual_reports", stdout=out)
    assert f"Already there: {published.title} (published, left as it is)" in out.getvalue()
    assert state(published) == before


def test_a_shell_script_cannot_rewrite_a_published_section(published):
    before = state(published)
    script = (
        "from reports.models import Section; "
        f"Section.objects.filter(report_id={published.pk}).update(body='Rewritten by a script')"
    )
    with pytest.raises(Frozen):
        call_command("shell", command=script)
    assert state(published) == before


@pytest.mark.django_db(transaction=True)
def test_a_published_report_moves_between_databases_unchanged(world, users, tmp_path):
    """export_data and import_data (loaddata's raw saves) carry a published
    report, its sections and its snapshot across without the guards
    refusing them, and without changing them."""
    from django.apps import apps

    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board", "priorities"])
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    publish_without_rendering(report, users["manager"])
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_data", str(first))
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_data", str(first))
    call_command("export_data", str(second))
    assert second.read_text() == first.read_text()
    moved = AnnualReport.objects.get(pk=report.pk)
    assert moved.is_frozen
    with pytest.raises(Frozen):
        Section.objects.filter(report=moved).update(body="After the move")
