"""Update rounds: opening one, the lead's proposals and files, the manager's
review, reminders, and the email each sends (Django's locmem backend and a
real SMTP server on the loopback address)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command

from core import roles
from outbox.models import Message
from outbox.services import messages_send_due
from priorities.models import Assessment, Rating
from priorities.rounds import selectors, services
from priorities.rounds.models import EvidenceFile, Proposal, UpdateRequest, UpdateRound
from priorities.rounds.services import Upload
from tests.clock import on_day
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    EvidenceTypeFactory,
    MeetingFactory,
    PlanFactory,
    UserFactory,
)
from tests.priorities.round_helpers import EXE, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
MEETING = datetime.date(2027, 1, 20)
DEADLINE = datetime.date(2027, 1, 13)


@pytest.fixture
def people(world, users):
    lead = users["lead"]
    lead.first_name, lead.last_name, lead.email = "Jo", "Lead", "jo.lead@police.example.org"
    lead.save()
    other = UserFactory(
        username="other_lead",
        first_name="Sam",
        last_name="Other",
        email="sam.other@health.example.org",
        role=roles.ACTION_LEAD,
        boards=[world.board],
    )
    manager = users["manager"]
    manager.email = "manager@council.example.org"
    manager.save()
    return {"lead": lead, "other": other, "manager": manager}


@pytest.fixture
def setting(world, people):
    """The lead leads two actions, the other lead one; world.action has no lead;
    a completed action of the lead's is not asked about."""
    mine = ActionFactory(plan=world.plan, ref="2a", lead_account=people["lead"])
    mine_too = ActionFactory(plan=world.plan, ref="2b", lead_account=people["lead"])
    done = ActionFactory(plan=world.plan, ref="2c", lead_account=people["lead"])
    AssessmentFactory(action=done, process=Rating.BLUE, impact=Rating.BLUE)
    theirs = ActionFactory(plan=world.plan, ref="3a", lead_account=people["other"])
    meeting = MeetingFactory(group=world.group, date=MEETING)
    return {"mine": mine, "mine_too": mine_too, "done": done, "theirs": theirs, "meeting": meeting}


@pytest.fixture(autouse=True)
def clock():
    """The round is opened on TODAY; tests that mean another day say so."""
    with on_day(TODAY):
        yield


def open_round(world, people, setting, **overrides):
    fields = {
        "board": world.board,
        "meeting": setting["meeting"],
        "plans": [world.plan],
        "deadline": DEADLINE,
        "remind_days_before": 3,
        "opened_by": people["manager"],
        "today": TODAY,
    }
    with on_day(TODAY):
        return services.round_open(**(fields | overrides))


def request_of(round, lead) -> UpdateRequest:
    return UpdateRequest.objects.get(round=round, lead=lead)


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# Opening a round -----------------------------------------------------------------------------


def test_opening_a_round_asks_each_lead_once_about_their_actions_still_to_complete(
    world, people, setting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = open_round(world, people, setting)
    mine = request_of(round, people["lead"])
    assert set(mine.actions.values_list("ref", flat=True)) == {"2a", "2b"}
    assert set(request_of(round, people["other"]).actions.values_list("ref", flat=True)) == {"3a"}
    assert round.requests.count() == 2
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"jo.lead@police.example.org", "sam.other@health.example.org"}
    to_jo = sent["jo.lead@police.example.org"]
    assert "Wednesday 13 January 2027" in to_jo.subject
    assert "- 2a (" in to_jo.body
    assert "- 2b (" in to_jo.body
    assert "2c" not in to_jo.body
    assert f"http://testserver/boards/{world.board.slug}/" in to_jo.body
    assert to_jo.reply_to == ["manager@council.example.org"]
    assert mine.message.reason == Message.Reason.ROUND
    assert mine.message.status == Message.Status.SENT


def test_the_actions_with_no_lead_in_assure_are_listed_for_the_manager(world, people, setting):
    asked = selectors.round_actions(board=world.board, plans=[world.plan])
    assert [a.ref for a in asked.without_lead] == ["1a"]
    assert {lead.username: [a.ref for a in acts] for lead, acts in asked.by_lead.items()} == {
        "lead": ["2a", "2b"],
        "other_lead": ["3a"],
    }


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"deadline": TODAY - datetime.timedelta(days=1)}, "deadline", "in the past"),
        ({"deadline": MEETING}, "deadline", "before the meeting"),
        ({"deadline": None}, "deadline", "Enter the date"),
        ({"plans": []}, "plans", "at least one"),
        ({"meeting": None}, "meeting", "Choose the meeting"),
        ({"remind_days_before": -1}, "remind_days_before", "between 0 and"),
        ({"remind_days_before": 61}, "remind_days_before", "between 0 and"),
    ],
)
def test_it_refuses_a_round_that_breaks_a_rule(world, people, setting, overrides, field, words):
    problems = refusal(lambda: open_round(world, people, setting, **overrides))
    assert words in " ".join(problems[field])
    assert not UpdateRound.objects.exists()
    assert not Message.objects.exists()


def test_the_deadline_may_be_today_and_the_day_before_the_meeting(world, people, setting):
    assert open_round(world, people, setting, deadline=TODAY).deadline == TODAY
    UpdateRound.objects.all().delete()
    before = MEETING - datetime.timedelta(days=1)
    assert open_round(world, people, setting, deadline=before).deadline == before


def test_it_refuses_a_meeting_of_another_board_or_one_already_held(world, people, setting):
    other = MeetingFactory(group=world.other_meeting.group, date=MEETING)
    assert (
        "this board's groups"
        in refusal(lambda: open_round(world, people, setting, meeting=other))["meeting"][0]
    )
    past = MeetingFactory(group=world.group, date=TODAY)
    assert (
        "still to come"
        in refusal(lambda: open_round(world, people, setting, meeting=past))["meeting"][0]
    )


def test_it_refuses_a_plan_of_another_board_or_one_not_in_force(world, people, setting):
    closed = PlanFactory(
        board=world.board,
        slug="old",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    problems = refusal(lambda: open_round(world, people, setting, plans=[world.other_plan, closed]))
    assert len(problems["plans"]) == 2


def test_it_refuses_a_round_that_would_ask_nobody(world, people, setting):
    empty = PlanFactory(board=world.board, slug="empty")
    ActionFactory(plan=empty, ref="1a")
    assert (
        "name the actions' leads first"
        in refusal(lambda: open_round(world, people, setting, plans=[empty]))["plans"][0]
    )


def test_it_refuses_a_lead_without_an_email_address(world, people, setting):
    people["other"].email = ""
    people["other"].save()
    assert (
        "Sam Other has no email address"
        in refusal(lambda: open_round(world, people, setting))["__all__"][0]
    )
    assert not UpdateRound.objects.exists()


def test_it_refuses_a_second_open_round_until_the_first_is_closed(world, people, setting):
    first = open_round(world, people, setting)
    assert "still open" in refusal(lambda: open_round(world, people, setting))["__all__"][0]
    services.round_close(round=first, by=people["manager"])
    assert open_round(world, people, setting).pk != first.pk


# The lead's proposal ------------------------------------------------------------------------


def save(round, people, action, *, lead="lead", **fields):
    with on_day(fields.pop("day", TODAY)):
        return services.proposal_save(
            request=request_of(round, people["lead"]), action=action, by=people[lead], **fields
        )


def test_a_draft_may_be_half_done_and_a_submission_meets_every_rule(world, people, setting):
    round = open_round(world, people, setting)
    draft = save(round, people, setting["mine"], process=Rating.RED)
    assert draft.status == Proposal.Status.DRAFT
    problems = refusal(
        lambda: save(round, people, setting["mine"], process=Rating.RED, submit=True)
    )
    assert "commentary" in problems
    assert "impact" in problems
    sent = save(
        round,
        people,
        setting["mine"],
        process=Rating.RED,
        impact=Rating.AMBER,
        commentary="The audit is late.",
        submit=True,
    )
    assert sent.status == Proposal.Status.SUBMITTED
    assert not sent.late


def test_an_evidence_file_counts_as_evidence_for_a_green_impact(world, people, setting):
    round = open_round(world, people, setting)
    assert "evidence_types" in refusal(
        lambda: save(
            round, people, setting["mine"], process=Rating.GREEN, impact=Rating.GREEN, submit=True
        )
    )
    sent = save(
        round,
        people,
        setting["mine"],
        process=Rating.GREEN,
        impact=Rating.GREEN,
        uploads=[Upload("audit.pdf", pdf_bytes())],
        submit=True,
    )
    [stored] = sent.files.all()
    assert stored.kind == "pdf"
    assert stored.name == "audit.pdf"
    assert stored.file.name.startswith("evidence/")
    assert "audit" not in stored.file.name
    assert default_storage.open(stored.file.name).read() == pdf_bytes()


def test_a_reply_after_the_deadline_is_taken_and_marked_late(world, people, setting):
    round = open_round(world, people, setting)
    on_time = save(
        round, people, setting["mine"], process="GREY", impact="GREY", submit=True, day=DEADLINE
    )
    assert not on_time.late
    late = save(
        round,
        people,
        setting["mine_too"],
        process="GREY",
        impact="GREY",
        submit=True,
        day=DEADLINE + datetime.timedelta(days=1),
    )
    assert late.late


def test_a_lead_cannot_answer_for_another_leads_action(world, people, setting):
    round = open_round(world, people, setting)
    with pytest.raises(PermissionDenied):
        save(round, people, setting["theirs"], process="GREY")
    with pytest.raises(PermissionDenied):
        save(round, people, setting["mine"], lead="other", process="GREY")
    assert not Proposal.objects.exists()


def test_a_lead_no_longer_leading_the_action_cannot_answer_for_it(world, people, setting):
    round = open_round(world, people, setting)
    setting["mine"].lead_account = people["other"]
    setting["mine"].save()
    with pytest.raises(PermissionDenied):
        save(round, people, setting["mine"], process="GREY")


def test_a_refused_file_refuses_the_whole_save_and_stores_nothing(world, people, setting):
    round = open_round(world, people, setting)
    problems = refusal(
        lambda: save(
            round,
            people,
            setting["mine"],
            process="GREY",
            impact="GREY",
            uploads=[Upload("fine.pdf", pdf_bytes()), Upload("report.pdf", EXE)],
            submit=True,
        )
    )
    assert "report.pdf is a Windows program" in problems["evidence_files"][0]
    assert not Proposal.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_a_lead_removes_a_file_and_it_leaves_the_storage(
    world, people, setting, django_capture_on_commit_callbacks
):
    round = open_round(world, people, setting)
    draft = save(round, people, setting["mine"], uploads=[Upload("a.docx", docx_bytes())])
    [kept] = draft.files.all()
    with django_capture_on_commit_callbacks(execute=True):
        save(round, people, setting["mine"], remove_files=[kept.pk])
    assert not EvidenceFile.objects.exists()
    assert not default_storage.exists(kept.file.name)


def test_a_submitted_or_accepted_proposal_cannot_be_changed_by_the_lead(world, people, setting):
    round = open_round(world, people, setting)
    save(round, people, setting["mine"], process="GREY", impact="GREY", submit=True)
    assert "waiting for the business manager" in " ".join(
        refusal(lambda: save(round, people, setting["mine"], process="RED"))["__all__"]
    )
    services.proposal_accept(proposal=Proposal.objects.get(), by=people["manager"])
    assert "accepted" in " ".join(
        refusal(lambda: save(round, people, setting["mine"], process="RED"))["__all__"]
    )


def test_nobody_answers_a_closed_round(world, people, setting):
    round = open_round(world, people, setting)
    services.round_close(round=round, by=people["manager"])
    assert "closed" in " ".join(
        refusal(lambda: save(round, people, setting["mine"], process="GREY"))["__all__"]
    )


# The manager's review -----------------------------------------------------------------------


def submitted(round, people, setting, **fields):
    values = {
        "process": Rating.GREEN,
        "impact": Rating.AMBER,
        "commentary": "Training delivered; impact not yet seen.",
        "evidence_types": [EvidenceTypeFactory()],
        "submit": True,
    } | fields
    return save(round, people, setting["mine"], **values)


def test_accepting_records_the_assessment_as_the_leads_accepted_by_the_manager(
    world, people, setting
):
    round = open_round(world, people, setting)
    proposal = submitted(round, people, setting, uploads=[Upload("minutes.pdf", pdf_bytes())])
    with on_day(TODAY + datetime.timedelta(days=2)):
        accepted = services.proposal_accept(proposal=proposal, by=people["manager"])
    assessment = Assessment.objects.get(action=setting["mine"])
    assert accepted.assessment == assessment
    assert accepted.status == Proposal.Status.ACCEPTED
    assert assessment.recorded_by == people["lead"]
    assert assessment.accepted_by == people["manager"]
    assert assessment.assessed_on == TODAY  # the day the lead said it
    assert (assessment.process, assessment.impact) == (Rating.GREEN, Rating.AMBER)
    assert assessment.commentary == "Training delivered; impact not yet seen."
    assert "Evidence file: minutes.pdf" in assessment.evidence
    assert [t.slug for t in assessment.evidence_types.all()] == ["audit"]
    assert accepted.history.count() >= 3  # drafted/submitted, accepted: kept


def test_only_a_proposal_waiting_for_review_is_accepted_or_returned(world, people, setting):
    round = open_round(world, people, setting)
    draft = save(round, people, setting["mine"], process="GREY")
    with pytest.raises(ValidationError, match="not waiting for review"):
        services.proposal_accept(proposal=draft, by=people["manager"])
    with pytest.raises(ValidationError, match="not waiting for review"):
        services.proposal_return(proposal=draft, by=people["manager"], comment="More, please.")
    assert not Assessment.objects.filter(action=setting["mine"]).exists()


def test_returning_needs_a_comment_and_emails_the_lead_who_submits_again(
    world, people, setting, django_capture_on_commit_callbacks
):
    round = open_round(world, people, setting)
    proposal = submitted(round, people, setting)
    assert "comment" in refusal(
        lambda: services.proposal_return(proposal=proposal, by=people["manager"], comment="  ")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.proposal_return(
            proposal=proposal, by=people["manager"], comment="Which audit? Attach its summary."
        )
    assert returned.status == Proposal.Status.RETURNED
    [sent] = mail.outbox
    assert sent.to == ["jo.lead@police.example.org"]
    assert "Which audit? Attach its summary." in sent.body
    again = submitted(round, people, setting, uploads=[Upload("summary.docx", docx_bytes())])
    assert again.status == Proposal.Status.SUBMITTED
    assert again.pk == proposal.pk
    assert again.review_comment == "Which audit? Attach its summary."


def test_accepting_all_takes_what_passes_and_leaves_the_rest_waiting_with_the_reason(
    world, people, setting
):
    round = open_round(world, people, setting)
    submitted(round, people, setting)
    other = save(round, people, setting["mine_too"], process="GREY", impact="GREY", submit=True)
    # Changed behind the service's back (as a rule that changed since would):
    # a red rating with no commentary.
    Proposal.objects.filter(pk=other.pk).update(process=Rating.RED)
    outcome = services.proposals_accept_all(round=round, by=people["manager"])
    assert [p.action.ref for p in outcome.accepted] == ["2a"]
    [(refused, reason)] = outcome.refused
    assert refused.pk == other.pk
    assert "needs commentary" in reason
    refused.refresh_from_db()
    assert refused.status == Proposal.Status.SUBMITTED
    assert not Assessment.objects.filter(action=setting["mine_too"]).exists()


def test_a_round_with_proposals_waiting_is_not_closed(world, people, setting):
    round = open_round(world, people, setting)
    submitted(round, people, setting)
    with pytest.raises(ValidationError, match="wait for review"):
        services.round_close(round=round, by=people["manager"])


# Reminders ----------------------------------------------------------------------------------


def remind(day: datetime.date) -> int:
    with on_day(day):
        return services.reminders_send(today=day)


def test_reminders_go_n_days_before_and_on_the_day_to_leads_who_owe_a_reply_once_each(
    world, people, setting
):
    round = open_round(world, people, setting)
    # The other lead has replied for their one action.
    with on_day(TODAY):
        services.proposal_save(
            request=request_of(round, people["other"]),
            action=setting["theirs"],
            by=people["other"],
            process="GREY",
            impact="GREY",
            submit=True,
        )
    assert remind(DEADLINE - datetime.timedelta(days=4)) == 0
    assert remind(DEADLINE - datetime.timedelta(days=3)) == 1
    assert remind(DEADLINE - datetime.timedelta(days=3)) == 0  # once
    assert remind(DEADLINE - datetime.timedelta(days=1)) == 0
    assert remind(DEADLINE) == 1
    assert remind(DEADLINE) == 0
    assert remind(DEADLINE + datetime.timedelta(days=1)) == 0
    mine = request_of(round, people["lead"])
    assert mine.reminder_before.reason == Message.Reason.REMINDER
    assert mine.reminder_before.to_address == "jo.lead@police.example.org"
    assert "due today" in mine.reminder_on_day.subject
    assert "2 of your 2 actions" in mine.reminder_on_day.body
    assert request_of(round, people["other"]).reminder_on_day is None


def test_a_lead_with_a_returned_proposal_is_still_reminded(world, people, setting):
    round = open_round(world, people, setting)
    proposal = submitted(round, people, setting)
    save(round, people, setting["mine_too"], process="GREY", impact="GREY", submit=True)
    assert remind(DEADLINE) == 1  # the other lead
    services.proposal_return(proposal=proposal, by=people["manager"], comment="Say more.")
    UpdateRequest.objects.update(reminder_on_day=None)
    assert remind(DEADLINE) == 2


def test_a_round_opened_after_the_first_reminder_day_gets_only_the_days_one(world, people, setting):
    late_open = DEADLINE - datetime.timedelta(days=2)
    round = open_round(world, people, setting, today=late_open)
    UpdateRound.objects.filter(pk=round.pk).update(
        opened_at=datetime.datetime(2027, 1, 11, 9, tzinfo=datetime.UTC)
    )
    assert remind(DEADLINE - datetime.timedelta(days=1)) == 0
    assert remind(DEADLINE) == 2


def test_zero_days_before_reminds_only_on_the_day(world, people, setting):
    open_round(world, people, setting, remind_days_before=0)
    assert remind(DEADLINE - datetime.timedelta(days=1)) == 0
    assert remind(DEADLINE) == 2


def test_the_reminder_command_reminds_and_says_how_many(world, people, setting, capsys):
    open_round(world, people, setting)
    with on_day(DEADLINE):
        call_command("send_round_reminders")
    assert "2 reminders queued." in capsys.readouterr().out
    with on_day(DEADLINE):
        call_command("send_round_reminders", date=DEADLINE.isoformat())
    assert "0 reminders queued." in capsys.readouterr().out


# Email through a real SMTP server, and one that is down ---------------------------------------


def test_the_invitation_to_a_round_reaches_a_real_smtp_server(
    world, people, setting, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_round(world, people, setting)
    received = {rcpt[0]: message for _, rcpt, message in smtp_server.received}
    assert set(received) == {"jo.lead@police.example.org", "sam.other@health.example.org"}
    assert "- 2a (" in received["jo.lead@police.example.org"].get_content()


def test_a_mail_server_that_is_down_leaves_the_rounds_messages_queued_and_the_round_goes_on(
    world, people, setting, smtp_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round = open_round(world, people, setting)
    messages = Message.objects.filter(reason=Message.Reason.ROUND)
    assert messages.count() == 2
    assert {m.status for m in messages} == {Message.Status.QUEUED}
    assert all("could not be reached" in m.last_error for m in messages)
    # The round goes on: the lead answers, the manager accepts.
    proposal = submitted(round, people, setting)
    services.proposal_accept(proposal=proposal, by=people["manager"])
    smtp_server_down.start()
    with on_day(TODAY, hour=13), django_capture_on_commit_callbacks(execute=True):
        assert messages_send_due() == 2
    assert {m.status for m in messages.all()} == {Message.Status.SENT}
    assert len(smtp_server_down.received) == 2


# Reads --------------------------------------------------------------------------------------


def test_the_overview_says_who_replied_and_what_waits_in_constant_queries(
    world, people, setting, django_assert_max_num_queries
):
    round = open_round(world, people, setting)
    submitted(round, people, setting)
    save(round, people, setting["mine_too"], process="GREY", impact="GREY", submit=True)
    with django_assert_max_num_queries(4):
        overview = selectors.round_overview(round=round)
        lines = {line.request.lead.username: line for line in overview.lines}
    assert lines["lead"].replied
    assert not lines["other_lead"].replied
    assert [p.action.ref for p in overview.waiting] == ["2a", "2b"]
    for n in range(5):
        extra = ActionFactory(plan=world.plan, ref=f"7{n}", lead_account=people["other"])
        request_of(round, people["other"]).actions.add(extra)
    with django_assert_max_num_queries(4):
        assert selectors.round_overview(round=round).lines[1].actions in (6, 2)
