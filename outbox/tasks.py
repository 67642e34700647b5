"""Sending email in the background worker (django.tasks with the
django-tasks-db backend, `manage.py db_worker`). A failed attempt queues
the next one itself, after a wait (outbox.services)."""

from __future__ import annotations

from django.tasks import task

from outbox import services


@task()
def deliver(message_id: int) -> str | None:
    """Try to send one message; its status afterwards, or None when it was
    not due (sent already, or another worker has it)."""
    message = services.message_attempt(message_id=message_id)
    return message.status if message is not None else None
