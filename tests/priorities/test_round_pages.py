"""The round's pages: the manager opens and reviews, the chair reads, the
lead answers through their own pages; another lead's action is a 404 (GET
and POST); files are downloads that are never sniffed."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from priorities.models import Assessment
from priorities.rounds.models import EvidenceFile, Proposal, UpdateRound
from tests.clock import on_day
from tests.factories import ActionFactory, MeetingFactory, UserFactory
from tests.priorities.round_helpers import EXE, pdf_bytes

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def clock():
    with on_day(TODAY):
        yield


@pytest.fixture
def setting(world, users):
    users["lead"].email = "jo.lead@police.example.org"
    users["lead"].save()
    other = UserFactory(
        username="other_lead",
        email="sam@health.example.org",
        role=roles.ACTION_LEAD,
        boards=[world.board],
    )
    return {
        "mine": ActionFactory(plan=world.plan, ref="2a", lead_account=users["lead"]),
        "theirs": ActionFactory(plan=world.plan, ref="3a", lead_account=other),
        "meeting": MeetingFactory(group=world.group, date=datetime.date(2027, 1, 20)),
        "other": other,
    }


def url(name, world, **kwargs):
    return reverse(f"priorities:{name}", kwargs={"board": world.board.slug, **kwargs})


def opened(world, setting, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("manager").post(
            url("round_open", world),
            {
                "meeting": setting["meeting"].pk,
                "plans": [world.plan.pk],
                "deadline_day": "13",
                "deadline_month": "1",
                "deadline_year": "2027",
                "remind_days_before": "3",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    return UpdateRound.objects.get()


def test_the_manager_opens_a_round_from_the_page_and_the_leads_are_emailed(
    world, users, setting, client_for, django_capture_on_commit_callbacks
):
    from board.services import main_group_set

    main_group_set(board=world.board, group=world.group)
    form = client_for("manager").get(url("round_open", world))
    assert "action 1a" in form.content.decode()  # no lead in Assure: listed to be given one
    assert form.context["form"]["meeting"].value() == setting["meeting"].pk  # the next one
    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "jo.lead@police.example.org",
        "sam@health.example.org",
    ]
    detail = client_for("chair").get(url("round", world, round=round.pk)).content.decode()
    assert "Not yet" in detail
    assert "Open the round" not in detail


def test_a_bad_round_is_refused_on_its_fields_and_nothing_is_opened(
    world, users, setting, client_for
):
    response = client_for("manager").post(
        url("round_open", world),
        {
            "meeting": setting["meeting"].pk,
            "plans": [world.plan.pk],
            "deadline_day": "1",
            "deadline_month": "12",
            "deadline_year": "2020",
            "remind_days_before": "3",
        },
    )
    assert response.status_code == 400
    assert "The deadline cannot be in the past." in response.content.decode()
    assert not UpdateRound.objects.exists()


def test_the_lead_answers_with_a_file_and_another_leads_action_is_a_404(
    world, users, setting, client_for, django_capture_on_commit_callbacks
):
    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    lead = client_for("lead")
    home = lead.get(reverse("priorities:lead_home", kwargs={"board": world.board.slug}))
    assert "Update requested" in home.content.decode()
    theirs = url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="3a")
    assert lead.get(theirs).status_code == 404
    assert lead.post(theirs, {"process": "GREY", "submit": "yes"}).status_code == 404
    assert not Proposal.objects.exists()
    mine = url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="2a")
    refused = lead.post(
        mine,
        {
            "process": "GREY",
            "impact": "GREY",
            "submit": "yes",
            "evidence_files": [SimpleUploadedFile("report.pdf", EXE)],
        },
    )
    assert refused.status_code == 400
    assert "report.pdf is a Windows program" in refused.content.decode()
    assert not Proposal.objects.exists()
    sent = lead.post(
        mine,
        {
            "process": "GREY",
            "impact": "GREEN",
            "submit": "yes",
            "evidence_files": [SimpleUploadedFile("audit.pdf", pdf_bytes())],
        },
    )
    assert sent.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    [stored] = proposal.files.all()
    download = lead.get(
        reverse("priorities:evidence_file", kwargs={"board": world.board.slug, "file": stored.pk})
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith('attachment; filename="audit.pdf"')
    assert b"".join(download.streaming_content) == pdf_bytes()
    other = UserFactory(username="x", role=roles.ACTION_LEAD, boards=[world.board])
    stranger = client_for("lead")
    stranger.force_login(other)
    assert (
        stranger.get(
            reverse(
                "priorities:evidence_file", kwargs={"board": world.board.slug, "file": stored.pk}
            )
        ).status_code
        == 404
    )


def test_the_manager_returns_then_accepts_from_the_review_page(
    world, users, setting, client_for, django_capture_on_commit_callbacks
):
    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    lead, manager = client_for("lead"), client_for("manager")
    mine = url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="2a")
    lead.post(mine, {"process": "AMBER", "impact": "GREY", "commentary": "Late.", "submit": "yes"})
    proposal = Proposal.objects.get()
    review = url("proposal", world, round=round.pk, proposal=proposal.pk)
    assert "Proposed, beside the action" in manager.get(review).content.decode()
    assert (
        manager.post(
            url("proposal_return", world, round=round.pk, proposal=proposal.pk), {}
        ).status_code
        == 400
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            url("proposal_return", world, round=round.pk, proposal=proposal.pk),
            {"comment": "Which audit is late?"},
        )
    assert "Which audit is late?" in mail.outbox[0].body
    page = lead.get(mine).content.decode()
    assert "Which audit is late?" in page
    lead.post(
        mine,
        {"process": "AMBER", "impact": "GREY", "commentary": "The S11 audit.", "submit": "yes"},
    )
    response = manager.post(url("proposal_accept", world, round=round.pk, proposal=proposal.pk))
    assert response.status_code == 302
    assessment = Assessment.objects.get(action=setting["mine"])
    assert (assessment.recorded_by, assessment.accepted_by) == (users["lead"], users["manager"])
    assert assessment.commentary == "The S11 audit."


def test_the_chairs_dashboard_shows_the_round_in_constant_queries(
    world,
    users,
    setting,
    client_for,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    opened(world, setting, client_for, django_capture_on_commit_callbacks)
    chair = client_for("chair")
    dashboard = reverse("reports:dashboard", kwargs={"board": world.board.slug})
    chair.get(dashboard)
    with django_assert_max_num_queries(60) as before:
        page = chair.get(dashboard).content.decode()
    assert "Update round for the" in page
    assert "0 of 2 leads replied" in page
    for n in range(6):
        lead = UserFactory(
            username=f"lead{n}", email=f"l{n}@x.org", role=roles.ACTION_LEAD, boards=[world.board]
        )
        round = UpdateRound.objects.get()
        request = round.requests.create(lead=lead)
        request.actions.add(ActionFactory(plan=world.plan, ref=f"8{n}", lead_account=lead))
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = chair.get(dashboard).content.decode()
    assert "0 of 8 leads replied" in page


def test_the_action_page_links_the_files_a_lead_sent_once_the_rating_is_accepted(
    world,
    users,
    setting,
    client_for,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    lead, manager = client_for("lead"), client_for("manager")
    mine = url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="2a")
    action_page = reverse(
        "priorities:action",
        kwargs={"board": world.board.slug, "plan": world.plan.slug, "ref": "2a"},
    )
    lead.post(
        mine,
        {
            "process": "GREEN",
            "impact": "GREEN",
            "commentary": "Audit done.",
            "submit": "yes",
            "evidence_files": [SimpleUploadedFile("S11 audit.pdf", pdf_bytes())],
        },
    )
    proposal = Proposal.objects.get()
    # Waiting for review: not yet on the action's record.
    assert "S11 audit.pdf" not in manager.get(action_page).content.decode()
    manager.post(url("proposal_accept", world, round=round.pk, proposal=proposal.pk))
    [stored] = proposal.files.all()
    link = reverse(
        "priorities:evidence_file", kwargs={"board": world.board.slug, "file": stored.pk}
    )
    with django_assert_max_num_queries(30) as one:
        page = manager.get(action_page).content.decode()
    queries = len(one.captured_queries)
    assert f'href="{link}"' in page
    assert "S11 audit.pdf</a> (PDF," in page
    assert client_for("chair").get(link).status_code == 200
    # More files cost no more queries: they are read in one go.
    for n in range(3):
        EvidenceFile.objects.create(
            proposal=proposal,
            file=stored.file.name,
            name=f"Minutes {n}.pdf",
            kind="pdf",
            size=stored.size,
            uploaded_by=users["lead"],
            uploaded_at=stored.uploaded_at,
        )
    with django_assert_max_num_queries(queries):
        page = manager.get(action_page).content.decode()
    assert "Minutes 2.pdf</a>" in page


def test_the_lead_is_told_when_the_actions_plan_closed_during_the_round(
    world, users, setting, client_for, django_capture_on_commit_callbacks
):
    from priorities.services import plan_close

    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    lead = client_for("lead")
    mine = url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="2a")
    assert 'id="plan-closed"' not in lead.get(mine).content.decode()
    plan_close(plan=world.plan, reason="Replaced by the 2027 plan", closed_on=TODAY, today=TODAY)
    page = lead.get(mine).content.decode()
    assert 'id="plan-closed"' in page
    assert "was closed on 7 December 2026 (Replaced by the 2027 plan)" in page
    # The last word is still taken for the record.
    sent = lead.post(
        mine, {"process": "AMBER", "impact": "GREY", "commentary": "Last word.", "submit": "yes"}
    )
    assert sent.status_code == 302
    assert Proposal.objects.get().status == Proposal.Status.SUBMITTED
