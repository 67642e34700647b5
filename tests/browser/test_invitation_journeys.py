"""An invitation from end to end, as people meet it: the business manager
invites an action lead, the email reaches a real SMTP server on the loopback
address, and the lead opens the link, chooses a password, sets up an
authenticator app by typing the key the page shows, and lands on their own
actions."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from core import roles
from priorities import services as priorities
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory

NEW_PASSWORD = "plum orchard lantern 42"


@pytest.fixture
def manager(world):
    return UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        email="pat.manager@council.example.org",
        role=roles.BUSINESS_MANAGER,
        boards=[world.board],
    )


def code_from_key(key_as_shown: str) -> str:
    """What an authenticator app shows after a person types the set-up key."""
    key = key_as_shown.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_manager_invites_an_action_lead_who_sets_up_and_lands_on_their_actions(
    page, browser, live_server, world, manager, sign_in, smtp_server, settings
):
    settings.ASSURE_SITE_URL = live_server.url
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People and invitations")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Invite someone").click()
    expect(page.get_by_role("heading", name="Invite someone")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Full name").fill("Jo Lead")
    page.get_by_label("Email address").fill("jo.lead@police.example.org")
    page.get_by_label("Action lead").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to jo.lead@police.example.org")).to_be_visible()
    check_accessibility(page)

    # The email, caught by the SMTP server on the loopback address.
    [(_, recipients, email)] = smtp_server.received
    assert recipients == ["jo.lead@police.example.org"]
    assert email["Subject"] == f"Your invitation to {world.board.name} on Assure"
    body = email.get_content()
    assert "Pat Manager has invited you" in body
    link = re.search(r"(http://\S+/invitations/\S+/)", body).group(1)

    page.get_by_role("link", name="People and invitations").click()
    page.get_by_role("link", name="Messages Assure sent for this board").click()
    expect(page.get_by_text("Your invitation to")).to_be_visible()
    check_accessibility(page)

    # The lead, in a browser of their own.
    lead_page = browser.new_context().new_page()
    lead_page.goto(link)
    expect(lead_page.get_by_role("heading", name="Choose your password")).to_be_visible()
    expect(lead_page.get_by_text("Your username is")).to_contain_text("jo.lead@police.example.org")
    check_accessibility(lead_page)
    lead_page.get_by_label("Password", exact=True).fill("short")
    lead_page.get_by_label("Confirm password").fill("short")
    lead_page.get_by_role("button", name="Continue").click()
    expect(lead_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(lead_page)
    lead_page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    lead_page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    lead_page.get_by_role("button", name="Continue").click()

    expect(lead_page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    check_accessibility(lead_page)
    key = lead_page.locator("#setup-key").inner_text()
    lead_page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    lead_page.get_by_role("button", name="Finish setting up").click()
    expect(lead_page.get_by_role("heading", name="Keep your recovery codes")).to_be_visible()
    lead_page.get_by_role("button", name="I have kept my recovery codes").click()

    expect(lead_page.get_by_role("heading", name="Your actions")).to_be_visible()
    expect(lead_page.get_by_text("Signed in as Jo Lead")).to_be_visible()
    expect(lead_page.get_by_text("You do not lead any of")).to_be_visible()
    check_accessibility(lead_page)

    # The manager names the lead on an action; the lead sees it, and nothing else.
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="jo.lead@police.example.org")
    priorities.action_update(
        action_id=world.action.pk, expected_version=1, changes={"lead_account": lead}
    )
    lead_page.reload()
    lead_page.get_by_role("link", name=re.compile(r"^1a")).click()
    expect(lead_page.get_by_role("heading", name="Action 1a")).to_be_visible()
    check_accessibility(lead_page)
    response = lead_page.goto(f"{live_server.url}/boards/{world.board.slug}/plans/")
    assert response.status == 404

    # The link worked once.
    response = browser.new_context().new_page().goto(link)
    assert response.status == 404
