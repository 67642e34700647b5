"""The pages of a board's people and messages, as the business manager and
the Admin use them."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from core import roles
from outbox import services as outbox
from outbox.models import Message
from people.models import Invitation

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


def offered_roles(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="role" value="([^"]+)"', html)


def test_a_manager_is_offered_action_lead_and_partner_and_an_admin_every_role(
    world, users, client_for
):
    assert offered_roles(
        client_for("manager").get(url("people:invite", world)).content.decode()
    ) == [
        roles.ACTION_LEAD,
        roles.PARTNER,
    ]
    assert offered_roles(
        client_for("admin").get(url("people:invite", world)).content.decode()
    ) == list(roles.ALL)


def test_the_manager_invites_through_the_page_and_sees_the_invitation(
    world, users, client_for, django_capture_on_commit_callbacks
):
    client = client_for("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("people:invite", world),
            {"full_name": "Jo Lead", "email": "jo@police.example.org", "role": roles.ACTION_LEAD},
        )
    invitation = Invitation.objects.get()
    assert response["Location"] == url("people:invitation", world, invitation=invitation.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Jo Lead" in page
    assert "Waiting for the person: the link works until" in page
    assert "Send a new link" in page
    listing = client.get(url("people:people", world)).content.decode()
    assert "jo@police.example.org" in listing


def test_a_refused_invitation_shows_why_and_saves_nothing(world, users, client_for):
    response = client_for("manager").post(
        url("people:invite", world),
        {"full_name": "", "email": "nope", "role": roles.ADMIN},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the person&#x27;s full name." in html
    assert "Select a valid choice. Admin is not one of the available choices." in html
    assert not Invitation.objects.exists()


def test_the_manager_sends_a_new_link_and_cancels_from_the_invitations_page(
    world, users, client_for
):
    client = client_for("manager")
    client.post(
        url("people:invite", world),
        {"full_name": "Jo Lead", "email": "jo@police.example.org", "role": roles.PARTNER},
    )
    invitation = Invitation.objects.get()
    client.post(url("people:invitation_resend", world, invitation=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.sends == 2
    assert (
        "Are you sure"
        not in client.get(
            url("people:invitation_cancel", world, invitation=invitation.pk)
        ).content.decode()
    )
    client.post(url("people:invitation_cancel", world, invitation=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    page = client.get(url("people:invitation", world, invitation=invitation.pk)).content.decode()
    assert "Cancelled on" in page
    assert "Send a new link" not in page
    assert page.count("govuk-table__row") >= 4  # the history: invited, sent again, cancelled


def test_an_invitation_of_another_board_is_a_404(world, users, client_for):
    client_for("admin").post(
        reverse("people:invite", kwargs={"board": world.other_board.slug}),
        {"full_name": "Jo", "email": "jo@example.org", "role": roles.PARTNER},
    )
    invitation = Invitation.objects.get()
    response = client_for("manager").get(url("people:invitation", world, invitation=invitation.pk))
    assert response.status_code == 404


def queue(world, n: int = 1) -> list[Message]:
    return [
        outbox.message_queue(
            board=world.board,
            reason=Message.Reason.REMINDER,
            about=f"Reminder {i}",
            to_address=f"lead{i}@example.org",
            subject=f"Reminder number {i}",
            body="Please update your actions.",
        )
        for i in range(n)
    ]


def test_the_messages_page_lists_a_boards_messages_a_page_at_a_time(
    world, users, client_for, django_assert_max_num_queries
):
    queue(world, 30)
    client = client_for("manager")
    client.get(url("outbox:messages", world))
    with django_assert_max_num_queries(15):
        first = client.get(url("outbox:messages", world)).content.decode()
    assert first.count("Reminder number") == 25
    second = client.get(url("outbox:messages", world), {"page": 2}).content.decode()
    assert second.count("Reminder number") == 5
    assert "30 messages waiting to send" in first


def test_a_message_the_server_could_not_take_says_so_and_can_be_tried_again(
    world, users, client_for, smtp_server_down, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            [message] = queue(world)
        client = client_for("manager")
        listing = client.get(url("outbox:messages", world)).content.decode()
        assert "Not sent yet: The mail server 127.0.0.1:" in listing
        assert "the connection was refused. Tried 1 time; next try 7 Dec 2026 10:01." in listing
        page = client.get(url("outbox:message", world, message=message.pk)).content.decode()
        assert "Failed; will try again" in page
        assert "Try to send it now" in page
    smtp_server_down.start()
    with django_capture_on_commit_callbacks(execute=True):
        # Signed in afresh: the clock is back on today, past that session's end.
        client_for("manager").post(url("outbox:message_retry", world, message=message.pk))
    message.refresh_from_db()
    assert message.status == Message.Status.SENT, (message.last_error, message.attempts)
    assert len(smtp_server_down.received) == 1
