"""An update round from end to end, as people meet it: the business manager
invites a lead, who signs in for the first time with a second factor; the
manager opens a round and the email reaches a real SMTP server on the
loopback address; the lead proposes ratings with an evidence file; the
manager returns it, the lead sends it again, the manager accepts it; the lead
who did not reply is reminded; the chair sees the round on the dashboard."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from core import roles
from priorities import services as priorities
from priorities.models import Assessment
from priorities.rounds import services as rounds
from tests.browser.conftest import authenticator_for, check_accessibility, code_for
from tests.browser.test_invitation_journeys import NEW_PASSWORD, code_from_key
from tests.factories import ActionFactory, MeetingFactory, UserFactory
from tests.priorities.round_helpers import pdf_bytes


@pytest.fixture
def people(world):
    manager = UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        email="pat.manager@council.example.org",
        role=roles.BUSINESS_MANAGER,
        boards=[world.board],
    )
    silent = UserFactory(
        username="sam",
        first_name="Sam",
        last_name="Quiet",
        email="sam.quiet@health.example.org",
        role=roles.ACTION_LEAD,
        boards=[world.board],
    )
    ActionFactory(plan=world.plan, ref="4d", lead_account=silent)
    chair = UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[world.board])
    return {"manager": manager, "silent": silent, "chair": chair}


def invite_and_enrol(page, browser, live_server, world, smtp_server):
    """The manager invites Jo; Jo sets a password and an authenticator app."""
    page.goto(f"{live_server.url}/boards/{world.board.slug}/people/invite/")
    page.get_by_label("Full name").fill("Jo Lead")
    page.get_by_label("Email address").fill("jo.lead@police.example.org")
    page.get_by_label("Action lead").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to jo.lead@police.example.org")).to_be_visible()
    [(_, _, email)] = smtp_server.received
    link = re.search(r"(http://\S+/invitations/\S+/)", email.get_content()).group(1)
    lead_page = browser.new_context().new_page()
    lead_page.goto(link)
    lead_page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    lead_page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    lead_page.get_by_role("button", name="Continue").click()
    key = lead_page.locator("#setup-key").inner_text()
    lead_page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    lead_page.get_by_role("button", name="Finish setting up").click()
    lead_page.get_by_role("button", name="I have kept my recovery codes").click()
    expect(lead_page.get_by_role("heading", name="Your actions")).to_be_visible()
    return lead_page, get_user_model().objects.get(email="jo.lead@police.example.org")


def test_a_round_from_invitation_to_the_chairs_view(
    page, browser, live_server, world, people, sign_in, smtp_server, settings, tmp_path
):
    settings.ASSURE_SITE_URL = live_server.url
    today = timezone.localdate()
    meeting = MeetingFactory(group=world.group, date=today + datetime.timedelta(days=30))
    deadline = today + datetime.timedelta(days=10)
    sign_in("manager")
    lead_page, jo = invite_and_enrol(page, browser, live_server, world, smtp_server)
    priorities.action_update(
        action_id=world.action.pk, expected_version=1, changes={"lead_account": jo}
    )

    # The manager opens a round.
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    page.get_by_role("link", name="Update rounds").click()
    check_accessibility(page)
    page.get_by_role("link", name="Open a round").click()
    expect(page.get_by_role("heading", name="Open an update round")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Meeting").select_option(str(meeting.pk))
    page.get_by_label("Day", exact=True).fill(str(deadline.day))
    page.get_by_label("Month", exact=True).fill(str(deadline.month))
    page.get_by_label("Year", exact=True).fill(str(deadline.year))
    page.get_by_role("button", name="Open the round and email the leads").click()
    expect(page.get_by_text("Round opened: 2 leads were emailed.")).to_be_visible()
    check_accessibility(page)

    # Jo's email, caught by the loopback SMTP server, leads to the request.
    to_jo = [m for _, rcpt, m in smtp_server.received if rcpt == ["jo.lead@police.example.org"]]
    body = to_jo[-1].get_content()
    assert "- 1a (" in body
    link = re.search(r"Answer in Assure: (\S+)", body).group(1)
    lead_page.goto(link)
    expect(lead_page.get_by_role("heading", name=re.compile("Your update for the"))).to_be_visible()
    check_accessibility(lead_page)
    lead_page.get_by_role("link", name=re.compile(r"^1a")).click()
    check_accessibility(lead_page)
    lead_page.locator("#id_process_2").check()  # Green
    lead_page.locator("#id_impact_2").check()
    evidence = tmp_path / "training-evaluation.pdf"
    evidence.write_bytes(pdf_bytes())
    lead_page.get_by_label("Evidence files").set_input_files(str(evidence))
    lead_page.get_by_role("button", name="Send for review").click()
    expect(lead_page.get_by_text("sent to the business manager for review")).to_be_visible()

    # The manager returns it with a comment.
    page.reload()
    page.get_by_role("link", name=re.compile(r"^1a")).click()
    expect(page.get_by_role("link", name="training-evaluation.pdf")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What should the lead change?").fill("Say what the evaluation found.")
    page.get_by_role("button", name="Return it with this comment").click()
    expect(page.get_by_text("returned to the lead, who was emailed")).to_be_visible()
    assert "Say what the evaluation found." in smtp_server.received[-1][2].get_content()

    # Jo sends it again.
    lead_page.goto(link)
    lead_page.get_by_role("link", name=re.compile(r"^1a")).click()
    expect(lead_page.locator("#review-comment")).to_have_text("Say what the evaluation found.")
    check_accessibility(lead_page)
    lead_page.get_by_label("Commentary").fill("94% of delegates applied the learning.")
    lead_page.get_by_role("button", name="Send for review").click()
    expect(lead_page.get_by_text("sent to the business manager for review")).to_be_visible()

    # The manager accepts: the lead's assessment, accepted by the manager.
    page.goto(f"{live_server.url}/boards/{world.board.slug}/rounds/")
    page.get_by_role("table").get_by_role("link", name=str(meeting)).click()
    page.get_by_role("link", name=re.compile(r"^1a")).click()
    page.get_by_role("button", name=re.compile("^Accept")).click()
    expect(page.get_by_text("the proposal is now its assessment")).to_be_visible()
    assessment = Assessment.objects.get(action=world.action)
    assert (assessment.recorded_by, assessment.accepted_by) == (jo, people["manager"])
    assert "Evidence file: training-evaluation.pdf" in assessment.evidence

    # The reminder on the day goes to Sam, who has not replied, and not to Jo.
    before = len(smtp_server.received)
    assert rounds.reminders_send(today=deadline) == 1
    [(_, recipients, reminder)] = smtp_server.received[before:]
    assert recipients == ["sam.quiet@health.example.org"]
    assert reminder["Subject"] == "Reminder: your update is due today"

    # The chair sees the round.
    device = authenticator_for(people["chair"])  # set up on an earlier visit
    chair_page = browser.new_context().new_page()
    chair_page.goto(f"{live_server.url}/accounts/login/")
    chair_page.get_by_label("Username").fill("chair")
    chair_page.get_by_label("Password").fill("correct horse battery staple")
    chair_page.get_by_role("button", name="Sign in").click()
    chair_page.get_by_label("Code from your authenticator app").fill(code_for(device))
    chair_page.get_by_role("button", name="Continue").click()
    chair_page.goto(f"{live_server.url}/boards/{world.board.slug}/dashboard/")
    expect(
        chair_page.get_by_role("heading", name=re.compile("Update round for the"))
    ).to_be_visible()
    expect(chair_page.get_by_text("1 of 2 leads replied")).to_be_visible()
    check_accessibility(chair_page)
