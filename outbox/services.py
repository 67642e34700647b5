"""Every write to the outbox: queueing a message, each attempt to send it,
trying again. Sending itself happens in the background worker
(outbox.tasks), which calls message_attempt."""

from __future__ import annotations

import datetime
import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend
from django.utils import timezone

from board.models import Board
from core.problems import Problems, add_problem, raise_problems
from outbox import links
from outbox.models import LINK_MARK, Attempt, Message

logger = logging.getLogger(__name__)

#: The first retry waits this long; each next one twice as long, up to MAX_WAIT.
FIRST_WAIT = datetime.timedelta(minutes=1)
MAX_WAIT = datetime.timedelta(hours=1)
#: A message marked as being sent for longer than this was lost with its
#: worker (stopped mid-send) and is queued again.
STALE_SENDING = datetime.timedelta(minutes=10)


def site_link(path: str) -> str:
    """An absolute link to a page of Assure, for a message."""
    if not settings.ASSURE_SITE_URL:
        raise ImproperlyConfigured(
            "Set ASSURE_SITE_URL to the address people open Assure at, so that the links in "
            "its messages work."
        )
    return settings.ASSURE_SITE_URL + path


def sender_for(board: Board) -> str:
    """The configured sender's address, shown with the board's name, so the
    message says at once which partnership it comes from."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(Address(display_name=f"{board.name} (Assure)", addr_spec=address))


def message_problems(*, to_address: str, subject: str, body: str, reason: str) -> Problems:
    problems: Problems = {}
    try:
        validate_email(to_address)
    except ValidationError:
        add_problem(problems, "to_address", f"{to_address!r} is not an email address.")
    if not subject.strip() or len(subject) > 200 or "\n" in subject or "\r" in subject:
        add_problem(problems, "subject", "A subject is one line of 200 characters or fewer.")
    if not body.strip():
        add_problem(problems, "body", "A message needs some text.")
    if reason not in Message.Reason.values:
        add_problem(problems, "reason", f"{reason!r} is not a reason for a message.")
    return problems


@transaction.atomic
def message_queue(
    *,
    board: Board,
    reason: str,
    about: str,
    to_address: str,
    subject: str,
    body: str,
    to_user: Any = None,
    queued_by: Any = None,
    reply_to: str = "",
    link_kind: str = "",
    link_object_id: int | None = None,
) -> Message:
    """Record a message and have the background worker send it once the
    surrounding transaction commits (so a message about something that was
    then rolled back is never sent, and one that commits is never lost).

    Put LINK_MARK in the body where a secret link goes, with the link's
    kind and object (outbox.links); every other link is plain text."""
    raise_problems(
        message_problems(to_address=to_address, subject=subject, body=body, reason=reason)
    )
    if (LINK_MARK in body) != bool(link_kind):
        raise ValueError("A secret link needs both its place in the body and its kind.")
    now = timezone.now()
    message = Message.objects.create(
        board=board,
        reason=reason,
        about=about[:300],
        to_user=to_user,
        to_address=to_address,
        from_address=sender_for(board),
        reply_to=reply_to,
        subject=subject.strip(),
        body=body,
        link_kind=link_kind,
        link_object_id=link_object_id,
        queued_by=queued_by,
        queued_at=now,
        next_attempt_at=now,
        give_up_at=now + datetime.timedelta(hours=settings.ASSURE_EMAIL_RETRY_HOURS),
    )
    _enqueue_on_commit(message.pk)
    return message


def _enqueue_on_commit(message_id: int, run_after: datetime.datetime | None = None) -> None:
    transaction.on_commit(lambda: _enqueue(message_id, run_after))


def _enqueue(message_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the message to the worker. A backend that cannot wait (the tests'
    immediate one) is not asked to: messages_send_due picks up what is due."""
    from outbox.tasks import deliver

    if run_after is not None:
        if not default_task_backend.supports_defer:
            return
        deliver.using(run_after=run_after).enqueue(message_id)
        return
    deliver.enqueue(message_id)


def wait_after(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_WAIT * (2 ** max(attempts - 1, 0)), MAX_WAIT)


def _claim(message_id: int, now: datetime.datetime) -> bool:
    """Mark a due message as being sent; False if it is not due or another
    worker has it (one conditional UPDATE, so two never send it twice)."""
    return bool(
        Message.objects.filter(
            pk=message_id, status=Message.Status.QUEUED, next_attempt_at__lte=now
        ).update(status=Message.Status.SENDING, claimed_at=now)
    )


def message_attempt(*, message_id: int) -> Message | None:
    """Try once to send a due message, and record what happened: sent; failed
    for now, to be tried again after a wait that doubles each time; or not
    sent, when the server refuses the address or the retry hours are over.

    Not one transaction: the message is claimed, then sent over the network,
    then the attempt is recorded, so a slow server holds no lock."""
    started = timezone.now()
    if not _claim(message_id, started):
        return None
    message = Message.objects.select_related("board").get(pk=message_id)
    try:
        email = _email_for(message)
    except _LinkGone as gone:
        return _record(message, started, Attempt.Outcome.REFUSED, str(gone))
    try:
        mail.mailers.default.send_messages([email])
    except Exception as exc:
        error, permanent = describe_failure(exc)
        if permanent:
            return _record(message, started, Attempt.Outcome.REFUSED, error)
        if timezone.now() + wait_after(message.attempts + 1) > message.give_up_at:
            return _record(message, started, Attempt.Outcome.GAVE_UP, error)
        return _record(message, started, Attempt.Outcome.RETRY, error)
    return _record(message, started, Attempt.Outcome.SENT, "")


class _LinkGone(Exception):
    pass


def _email_for(message: Message) -> mail.EmailMessage:
    body = message.body
    if message.link_kind:
        link = links.make(message.link_kind, message.link_object_id or 0)
        if link is None:
            raise _LinkGone(
                "Not sent: the link it carries no longer works (the invitation was cancelled, "
                "accepted or sent again since)."
            )
        body = body.replace(LINK_MARK, link)
    return mail.EmailMessage(
        subject=message.subject,
        body=body,
        from_email=message.from_address,
        to=[message.to_address],
        reply_to=[message.reply_to] if message.reply_to else None,
    )


@transaction.atomic
def _record(message: Message, started: datetime.datetime, outcome: str, error: str) -> Message:
    now = timezone.now()
    message.attempts += 1
    Attempt.objects.create(
        message=message,
        number=message.attempts,
        started_at=started,
        finished_at=now,
        outcome=outcome,
        error=error,
    )
    message.claimed_at = None
    message.last_error = error
    if outcome == Attempt.Outcome.SENT:
        message.status, message.sent_at, message.next_attempt_at = Message.Status.SENT, now, None
    elif outcome == Attempt.Outcome.RETRY:
        message.status = Message.Status.QUEUED
        message.next_attempt_at = now + wait_after(message.attempts)
        _enqueue_on_commit(message.pk, run_after=message.next_attempt_at)
        logger.warning("Message %s not sent yet (%s); trying again later", message.pk, error)
    else:
        message.status, message.next_attempt_at = Message.Status.FAILED, None
        logger.error("Message %s not sent: %s", message.pk, error)
    message.save()
    return message


def describe_failure(exc: BaseException) -> tuple[str, bool]:
    """Why a message did not go, in words for the business manager, and
    whether trying again cannot help (the server refused this message or
    address, as opposed to not being reachable or not accepting mail now)."""
    server = _server_name()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reasons = "; ".join(
            f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            for code, reply in exc.recipients.values()
        )
        return f"The mail server refused the address: {reasons}", all(c >= 500 for c in codes)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server {server} did not accept Assure's user name and password "
            "(EMAIL_HOST_USER, EMAIL_HOST_PASSWORD)",
            False,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        return f"The mail server {server} answered {exc.smtp_code} {text}".strip(), (
            500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPSenderRefused)
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"The mail server {server} closed the connection", False
    if isinstance(exc, ssl.SSLError):
        return f"A secure connection to the mail server {server} failed: {exc}", False
    if isinstance(exc, TimeoutError):
        return f"The mail server {server} did not answer in time", False
    if isinstance(exc, ConnectionRefusedError):
        return f"The mail server {server} could not be reached: the connection was refused", False
    if isinstance(exc, OSError):
        return f"The mail server {server} could not be reached: {exc.strerror or exc}", False
    return f"Sending failed: {type(exc).__name__}: {exc}", False


def _server_name() -> str:
    mailers: dict[str, Any] = settings.MAILERS
    options: dict[str, Any] = mailers.get("default", {}).get("OPTIONS", {})
    if "host" in options:
        return f"{options['host']}:{options.get('port', '')}".rstrip(":")
    return "(local delivery)"


@transaction.atomic
def message_retry(*, message: Message, by: Any) -> Message:
    """Send a message again now: one waiting for its next try, or one that
    was not sent. Its retry hours start again from now."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in (Message.Status.QUEUED, Message.Status.FAILED):
        raise ValidationError("Only a message waiting to send or not sent can be tried again.")
    now = timezone.now()
    message.status = Message.Status.QUEUED
    message.next_attempt_at = now
    message.give_up_at = now + datetime.timedelta(hours=settings.ASSURE_EMAIL_RETRY_HOURS)
    message.save(update_fields=["status", "next_attempt_at", "give_up_at"])
    logger.info("Message %s sent again by %s", message.pk, by)
    _enqueue_on_commit(message.pk)
    return message


def messages_send_due(*, now: datetime.datetime | None = None) -> int:
    """Hand the worker every message that is due: waiting past its next try,
    or marked as being sent by a worker that stopped. Safe to run at any
    time (a cron job, say); the claim in message_attempt sends each once."""
    now = now or timezone.now()
    Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(status=Message.Status.QUEUED, claimed_at=None, next_attempt_at=now)
    due = list(
        Message.objects.filter(
            Q(status=Message.Status.QUEUED) & Q(next_attempt_at__lte=now)
        ).values_list("pk", flat=True)
    )
    for message_id in due:
        _enqueue(message_id)
    return len(due)
