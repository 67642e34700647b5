"""Edit history holds only real changes: a person who changes one field of a
record in any app's edit page (the browser sending every textarea back with
CRLF line endings) sees one change in the history, and the text is stored in
the one form core.text gives it, whichever way it came: a page, the admin or
a spreadsheet."""

import datetime

import pytest
from django.urls import reverse

from core.history import history_with_changes
from tests.html import browser_post

#: Text as a person left it: several lines, stored with LF.
LINES = "First line of the text.\nSecond line, after a break.\n\nA paragraph after."


def changed_fields(record):
    """The fields the record's latest history entry shows as changed."""
    latest = history_with_changes(type(record).history.filter(id=record.pk))[0]
    return [change.field for change in latest.changes]


def resend(client, url, **changes):
    """Open the edit page and send its form back as a browser does (every
    textarea's text with CRLF), with `changes` made to it."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = browser_post(page.content.decode(), url)
    assert any("\r\n" in value for values in data.values() for value in values), (
        "the form should send multi-line text back"
    )
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode()[:3000])
    return response


def assert_stored_in_one_form(record):
    """No text field of the record holds what the rule would change."""
    record.refresh_from_db()
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        assert value == type(record).normalised(field.name, value), (field.name, value)


@pytest.mark.django_db
def test_changing_a_risks_owner_records_only_the_owner(world, manager_client):
    risk = world.risk
    risk.description, risk.mitigations = LINES, LINES
    risk.save()
    url = reverse("board:risk_edit", kwargs={"board": world.board.slug, "ref": risk.ref})
    resend(manager_client, url, owner="Head of Early Help")
    risk.refresh_from_db()
    assert risk.owner == "Head of Early Help"
    assert changed_fields(risk) == ["Owner"]
    assert risk.description == LINES


@pytest.mark.django_db
def test_changing_an_actions_lead_records_only_the_lead(world, manager_client):
    action = world.action
    for name in ("description", "impact_expected", "how_we_will_know", "notes"):
        setattr(action, name, LINES)
    action.save()
    url = reverse(
        "priorities:action_edit",
        kwargs={"board": world.board.slug, "plan": world.plan.slug, "ref": action.ref},
    )
    resend(manager_client, url, lead="Head of Early Help")
    action.refresh_from_db()
    assert action.lead == "Head of Early Help"
    assert changed_fields(action) == ["Lead"]
    assert action.description == LINES


@pytest.mark.django_db
def test_sending_an_action_back_unchanged_records_nothing(world, manager_client):
    action = world.action
    action.description = LINES
    action.save()
    entries, version = action.history.count(), action.version
    url = reverse(
        "priorities:action_edit",
        kwargs={"board": world.board.slug, "plan": world.plan.slug, "ref": action.ref},
    )
    resend(manager_client, url)
    action.refresh_from_db()
    assert (action.history.count(), action.version) == (entries, version)


@pytest.mark.django_db
def test_changing_a_reviews_name_records_only_the_name(world, manager_client):
    from tests.reviews.factories import ReviewFactory

    review = ReviewFactory(board=world.board, year=world.year, summary=LINES, notes=LINES)
    url = reverse("reviews:review_edit", kwargs={"board": world.board.slug, "review": review.slug})
    resend(manager_client, url, name="Child Q")
    review.refresh_from_db()
    assert review.name == "Child Q"
    assert changed_fields(review) == ["Name as published"]


@pytest.mark.django_db
def test_changing_an_audits_theme_records_only_the_theme(world, manager_client):
    from tests.factories import AuditFactory

    audit = AuditFactory(
        board=world.board, year=world.year, scope=LINES, method=LINES, summary=LINES
    )
    url = reverse("audits:audit_edit", kwargs={"board": world.board.slug, "audit": audit.slug})
    resend(manager_client, url, theme="Neglect and domestic abuse")
    audit.refresh_from_db()
    assert audit.theme == "Neglect and domestic abuse"
    assert changed_fields(audit) == ["Theme"]


@pytest.mark.django_db
def test_recording_a_periods_training_again_records_only_the_changed_figure(world, manager_client):
    from training.models import TrainingFigures

    url = reverse("training:figures_record", kwargs={"board": world.board.slug})
    page = manager_client.get(url, {"year": world.year.label})
    data = browser_post(page.content.decode(), url)
    data.update(courses_delivered=["4"], places_offered=["80"], notes=[LINES.replace("\n", "\r\n")])
    assert manager_client.post(url, data).status_code == 302
    figures = TrainingFigures.objects.get()
    assert figures.notes == LINES
    data["places_offered"] = ["90"]
    assert manager_client.post(url, data).status_code == 302
    assert changed_fields(figures) == ["Places offered"]


@pytest.mark.django_db
def test_a_report_section_sent_back_as_it_was_records_nothing_and_stays_approved(
    world, manager_client, users
):
    from reports import services
    from reports.models import AnnualReport, Section

    report = services.report_create(board=world.board, year=world.year)
    section = Section.objects.get(report=report, kind="context")
    services.section_save(section=section, body="The area.  \nIts children.\n\n- one\n- two")
    section.refresh_from_db()
    assert section.body == "The area.\\\nIts children.\n\n- one\n- two"
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)
    entries = section.history.count()
    url = reverse(
        "reports:section_edit",
        kwargs={"board": world.board.slug, "year": report.year.label, "kind": "context"},
    )
    resend(manager_client, url)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED
    assert section.history.count() == entries
    resend(manager_client, url, body="The area.\r\nIts children.  \r\n\r\n- one\r\n- three")
    section.refresh_from_db()
    assert section.body == "The area.\nIts children.\n\n- one\n- three"
    assert changed_fields(section) == ["Body"]


# --- the admin ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_stores_text_in_one_form_and_records_one_change(world, client_for):
    """Groups save through board.services from the admin; boards (which only
    a superuser changes) through the admin's own model form. Both store what
    the pages would."""
    client = client_for("admin")
    group = world.group
    group.purpose = LINES
    group.save()
    url = reverse("admin:board_group_change", args=[group.pk])
    resend(client, url, short_name="  SB \t")
    group.refresh_from_db()
    assert group.short_name == "SB"
    assert changed_fields(group) == ["Short name"]
    assert_stored_in_one_form(group)

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    board = world.board
    url = reverse("admin:board_board_change", args=[board.pk])
    page = client.get(url)
    data = browser_post(page.content.decode(), url)
    data.update(area=["Alpha \r\n Borough  "])
    assert client.post(url, data).status_code == 302
    board.refresh_from_db()
    assert board.area == "Alpha Borough"
    assert changed_fields(board) == ["Area"]


# --- a service, straight ------------------------------------------------------------


@pytest.mark.django_db
def test_each_app_service_stores_text_in_one_form(world, users):
    """One service of each app, called as an importer or command would call
    it, with CRLF, lone CR, trailing spaces and tabs."""
    from audits import services as audits_services
    from board import services as board_services
    from priorities import services as priorities_services
    from reviews import services as reviews_services
    from tests.factories import AuditFactory
    from tests.reviews.factories import ReviewFactory
    from training import services as training_services

    messy = "  First line. \t\r\nSecond line.  \rThird.\r\n\r\n"
    clean = "First line.\nSecond line.\nThird."

    meeting = board_services.meeting_create(
        group=world.group, date=datetime.date(2016, 9, 1), location=" Town hall\r\n", notes=messy
    )
    assert (meeting.location, meeting.notes) == ("Town hall", clean)
    plan = priorities_services.plan_create(
        board=world.board, slug="cse", title="CSE plan", kind="other", summary=messy
    )
    action = priorities_services.action_create(plan=plan, ref="1", description=messy, lead=messy)
    assessment = priorities_services.assessment_record(
        action=action,
        process="AMBER",
        impact="GREY",
        assessed_on=datetime.date(2016, 9, 1),
        recorded_by=users["manager"],
        commentary=messy,
    )
    review = ReviewFactory(board=world.board, year=world.year)
    reviews_services.recommendation_save(
        recommendation=review.recommendations.model(
            review=review, number=1, text=messy, to_partnership=True
        )
    )
    audit = AuditFactory(board=world.board, year=world.year)
    finding = audits_services.finding_add(audit=audit, kind="strength", text=messy)
    figures = training_services.figures_record(
        owner=world.board,
        year=world.year,
        quarter=None,
        mode="face-to-face",
        values={},
        notes=messy,
    )
    for record in (meeting, plan, action, assessment, review, finding, figures):
        assert_stored_in_one_form(record)
    assert action.lead == "First line. Second line. Third."
    assert review.recommendations.get().text == clean
    assert (plan.summary, action.description, assessment.commentary) == (clean, clean, clean)
    assert (finding.text, figures.notes) == (clean, clean)
