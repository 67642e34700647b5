"""Email as a real office runs it: every message recorded, sent by the worker
through SMTP (a real server on the loopback address, and Django's locmem
backend), tried again after a wait while the server cannot be reached, never
lost, and refused for good only when the server refuses the address."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from outbox import links, services
from outbox.models import LINK_MARK, Attempt, Message

pytestmark = pytest.mark.django_db


def at(moment: datetime.datetime) -> time_machine.travel:
    """The clock stopped at `moment`."""
    return time_machine.travel(moment, tick=False)


def queue(world, users, **overrides):
    fields = {
        "board": world.board,
        "reason": Message.Reason.REMINDER,
        "about": "A reminder for Jo Lead",
        "to_address": "jo.lead@police.example.org",
        "subject": "Your update for the board",
        "body": "Dear Jo,\n\nPlease update your actions.\n",
        "to_user": users["lead"],
        "queued_by": users["manager"],
    }
    return services.message_queue(**(fields | overrides))


def test_a_message_is_recorded_and_sent_by_the_worker_once_the_transaction_commits(
    world, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue(world, users)
    assert message.status == Message.Status.QUEUED
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert [a.outcome for a in message.attempt_log.all()] == [Attempt.Outcome.SENT]
    [sent] = mail.outbox
    assert sent.to == ["jo.lead@police.example.org"]
    assert sent.subject == "Your update for the board"
    assert sent.from_email == f'"{world.board.name} (Assure)" <assure@localhost>'


def test_a_message_arrives_at_a_real_smtp_server(
    world, users, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world, users, reply_to="manager@council.example.org")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT, message.last_error
    [(sender, recipients, received)] = smtp_server.received
    assert sender == "assure@localhost"
    assert recipients == ["jo.lead@police.example.org"]
    assert received["Subject"] == "Your update for the board"
    assert received["From"].addresses[0].display_name == f"{world.board.name} (Assure)"
    assert received["Reply-To"] == "manager@council.example.org"
    assert "Please update your actions." in received.get_content()


def test_a_server_that_is_down_leaves_the_message_queued_then_it_is_sent_on_retry(
    world, users, smtp_server_down, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
    with at(start):
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(world, users)
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
        assert "could not be reached: the connection was refused" in message.last_error
        assert message.next_attempt_at == message.attempt_log.get().finished_at + (
            datetime.timedelta(minutes=1)
        )
        # Not due yet: nothing is tried.
        assert services.messages_send_due() == 0
    smtp_server_down.start()
    with (
        at(start + datetime.timedelta(minutes=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.messages_send_due() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert [a.outcome for a in message.attempt_log.all()] == [
        Attempt.Outcome.RETRY,
        Attempt.Outcome.SENT,
    ]
    assert len(smtp_server_down.received) == 1


def test_the_worker_sends_a_deferred_retry_when_its_time_comes(
    world, users, smtp_server_down, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With the database backend and its worker (`db_worker --batch`), as
    production runs: the failed attempt queues the next one itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert default_task_backend.supports_defer
    # The worker drops a connection whose autocommit is off, as a guard between
    # tasks. This test runs inside the transaction that is rolled back after
    # it, so on PostgreSQL the guard would close the test's own connection;
    # a deployed worker runs in autocommit and never trips it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    start = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
    with at(start):
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(world, users)
        # The worker's failed attempt queues its retry when its own save commits.
        with django_capture_on_commit_callbacks(execute=True):
            call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED
        assert message.attempts == 1
    smtp_server_down.start()
    with at(start + datetime.timedelta(seconds=30)):
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
        message.refresh_from_db()
        assert message.attempts == 1  # its retry waits a minute
    with at(start + datetime.timedelta(minutes=2)):
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(smtp_server_down.received) == 1


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (20, 60)],
)
def test_each_retry_waits_twice_as_long_up_to_an_hour(attempts, wait):
    assert services.wait_after(attempts) == datetime.timedelta(minutes=wait)


def test_after_the_retry_hours_the_message_is_marked_not_sent_and_can_be_tried_again(
    world, users, smtp_server_down, settings, django_capture_on_commit_callbacks
):
    settings.ASSURE_EMAIL_RETRY_HOURS = 1
    start = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
    moment = start
    with at(start), django_capture_on_commit_callbacks(execute=True):
        message = queue(world, users)
    while True:
        message.refresh_from_db()
        if message.status != Message.Status.QUEUED:
            break
        moment = message.next_attempt_at + datetime.timedelta(seconds=1)
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            services.messages_send_due()
    assert message.status == Message.Status.FAILED
    assert moment < start + datetime.timedelta(hours=1, minutes=5)
    outcomes = list(message.attempt_log.values_list("outcome", flat=True))
    assert outcomes[-1] == Attempt.Outcome.GAVE_UP
    assert set(outcomes[:-1]) == {Attempt.Outcome.RETRY}
    assert message.last_error.startswith("The mail server 127.0.0.1:")

    smtp_server_down.start()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_retry(message=message, by=users["manager"])
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempt_log.count() == len(outcomes) + 1


def test_a_refused_address_is_not_tried_again(
    world, users, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {"jo.lead@police.example.org": (550, b"5.1.1 No such mailbox")}
        )

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world, users)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "The mail server refused the address: 550 5.1.1 No such mailbox"
    assert message.attempt_log.get().outcome == Attempt.Outcome.REFUSED
    assert services.messages_send_due() == 0


def test_a_server_busy_for_now_is_tried_again():
    error = smtplib.SMTPRecipientsRefused({"a@b.example": (451, b"Try again later")})
    assert services.describe_failure(error) == (
        "The mail server refused the address: 451 Try again later",
        False,
    )


def test_a_secret_link_is_made_when_sent_and_never_stored(
    world, users, django_capture_on_commit_callbacks
):
    links.register("test-link", lambda pk: f"http://testserver/secret/{pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(
            world, users, body=f"Open {LINK_MARK} now.", link_kind="test-link", link_object_id=42
        )
    message.refresh_from_db()
    assert message.body == f"Open {LINK_MARK} now."
    assert mail.outbox[0].body == "Open http://testserver/secret/42/ now."


def test_a_link_that_no_longer_works_stops_the_message(
    world, users, django_capture_on_commit_callbacks
):
    links.register("gone-link", lambda pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(
            world, users, body=f"Open {LINK_MARK}", link_kind="gone-link", link_object_id=1
        )
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "no longer works" in message.last_error
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("to_address", "not an address", "to_address"),
        ("subject", "Two\nlines", "subject"),
        ("subject", "", "subject"),
        ("body", "  ", "body"),
        ("reason", "gossip", "reason"),
    ],
)
def test_a_message_that_cannot_be_sent_is_refused_and_nothing_is_recorded(
    field, value, problem, world, users
):
    with pytest.raises(ValidationError) as refused:
        queue(world, users, **{field: value})
    assert problem in refused.value.message_dict
    assert not Message.objects.exists()


def test_a_worker_that_stopped_mid_send_does_not_lose_the_message(world, users):
    message = queue(world, users)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.messages_send_due() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_a_message_is_sent_once_even_if_two_workers_pick_it_up(world, users):
    message = queue(world, users)
    assert services.message_attempt(message_id=message.pk).status == Message.Status.SENT
    assert services.message_attempt(message_id=message.pk) is None
    assert len(mail.outbox) == 1


def test_the_command_hands_due_messages_to_the_worker(world, users, capsys):
    queue(world, users)
    call_command("send_queued_email")
    assert "1 message handed to the worker." in capsys.readouterr().out
    assert Message.objects.get().status == Message.Status.SENT
