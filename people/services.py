"""Every write to invitations: inviting, sending again, cancelling and
accepting, each one transaction. The message goes through the outbox in the
same transaction, so an invitation is never left without its email."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from board.accounts import user_save
from board.models import Board
from core import roles, two_factor
from core.problems import Problems, add_problem, raise_problems
from outbox.models import LINK_MARK, Message
from outbox.services import message_queue, site_link
from people import rules
from people.models import Invitation
from people.tokens import hash_token, token_for

#: A person's link is sent at most this many times in a day, so nobody can
#: fill someone's inbox from Assure.
SENDS_PER_DAY = 5

#: What each role may do, in the invitation's own words.
ROLE_WORDS = {
    roles.BUSINESS_MANAGER: "keep the board's records as its business manager",
    roles.INDEPENDENT_CHAIR: "read the board's records and dashboards as its independent chair",
    roles.PARTNER: "read and download what the board publishes",
    roles.ADMIN: "manage people and the board's records as an Assure administrator",
    roles.ACTION_LEAD: "keep the actions you lead up to date",
}


def _days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ASSURE_INVITATION_DAYS)


def _rate_problem(actor: Any) -> str | None:
    """Invitations are mail Assure sends to any address: one person may
    send ASSURE_INVITATIONS_PER_HOUR links an hour, no more."""
    since = timezone.now() - datetime.timedelta(hours=1)
    sent = Message.objects.filter(
        reason=Message.Reason.INVITATION, queued_by=actor, queued_at__gte=since
    ).count()
    limit = settings.ASSURE_INVITATIONS_PER_HOUR
    if sent >= limit:
        return (
            f"You have sent {limit} invitations in the last hour, the most Assure sends for one "
            "person. Try again later."
        )
    return None


def invitation_problems(
    *, actor: Any, board: Board, role: str, email: str, full_name: str, username: str
) -> Problems:
    """Why this invitation cannot be sent, field by field: every path that
    invites (the page, create_user --invite) asks this."""
    problems: Problems = {}
    if not settings.ASSURE_SITE_URL:
        add_problem(
            problems,
            "__all__",
            "Assure cannot send invitations until ASSURE_SITE_URL is set (the address its links "
            "start with): tell your administrator.",
        )
    if role not in roles.ALL:
        add_problem(problems, "role", f"{role!r} is not a role; choose one from the list.")
    elif actor is not None and not rules.may_invite(actor=actor, board=board, role=role):
        add_problem(problems, "role", f"You cannot invite someone as {role} to {board.name}.")
    _name_problems(problems, full_name)
    _email_problems(problems, email)
    _username_problems(problems, username.strip() or email.strip().lower())
    if not problems and actor is not None and (rate := _rate_problem(actor)):
        add_problem(problems, "__all__", rate)
    return problems


def _name_problems(problems: Problems, full_name: str) -> None:
    name = full_name.strip()
    if not name:
        add_problem(problems, "full_name", "Enter the person's full name.")
    elif len(name) > 150 or "\x00" in name:
        add_problem(problems, "full_name", "The name must be 150 characters or fewer.")


def _email_problems(problems: Problems, email: str) -> None:
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError:
        add_problem(
            problems, "email", "Enter an email address in the right form, like name@example.org."
        )
        return
    if get_user_model().objects.filter(email__iexact=address).exists():
        add_problem(
            problems,
            "email",
            f"{address} already has an Assure account. Ask an Admin to give it this board.",
        )


def _username_problems(problems: Problems, login: str) -> None:
    try:
        UnicodeUsernameValidator()(login)
    except ValidationError:
        add_problem(
            problems,
            "username",
            "A username uses letters, digits and @ . + - _ only, 150 characters or fewer.",
        )
        return
    if len(login) > 150:
        add_problem(problems, "username", "A username is 150 characters or fewer.")
    elif get_user_model().objects.filter(username__iexact=login).exists():
        add_problem(problems, "username", f"The username {login} is taken; choose another.")


@transaction.atomic
def invitation_create(
    *, actor: Any, board: Board, role: str, email: str, full_name: str, username: str = ""
) -> Invitation:
    """Make the person's account, which cannot be used yet, and email them a
    link to choose their password and set up their authenticator app.

    `actor` is who invites (people.rules says whom they may); None is the
    command line (create_user --invite), whose operator may invite anyone."""
    raise_problems(
        invitation_problems(
            actor=actor,
            board=board,
            role=role,
            email=email,
            full_name=full_name,
            username=username,
        )
    )
    user, _ = user_save(
        username=username.strip() or email.strip().lower(),
        role=role,
        boards=[board],
        email=email.strip(),
        full_name=full_name.strip(),
        invited=True,
    )
    return _invite(actor=actor, user=user, board=board, role=role)


@transaction.atomic
def invitation_for_account(*, actor: Any, user: Any, board: Board) -> Invitation:
    """A set-up link for an existing account that has no authenticator app
    (one made before invitations, or whose app a superuser removed): the
    person chooses a new password and sets up an app with it."""
    role = next((name for name in user.groups.values_list("name", flat=True)), "")
    problems: Problems = {}
    if (
        not rules.may_invite(actor=actor, board=board, role=role)
        or not user.boards.filter(pk=board.pk).exists()
    ):
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        add_problem(problems, "__all__", "This person has set up their authenticator app already.")
    if Invitation.objects.filter(user=user, status=Invitation.Status.PENDING).exists():
        add_problem(problems, "__all__", "This person has an invitation waiting: send it again.")
    if not user.email:
        add_problem(problems, "__all__", "This account has no email address to send a link to.")
    if not problems and actor is not None and (rate := _rate_problem(actor)):
        add_problem(problems, "__all__", rate)
    raise_problems(problems)
    return _invite(actor=actor, user=user, board=board, role=role)


def _invite(*, actor: Any, user: Any, board: Board, role: str) -> Invitation:
    now = timezone.now()
    invitation = Invitation(
        user=user,
        board=board,
        role=role,
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        sent_at=now,
        expires_at=now + _days(),
    )
    invitation.save()
    invitation.token_hash = hash_token(token_for(invitation))
    invitation.save(update_fields=["token_hash"])
    _send(invitation, actor)
    return invitation


def _send(invitation: Invitation, actor: Any) -> Message:
    """The invitation's email, in plain words, with the board's name."""
    board, user = invitation.board, invitation.user
    inviter = invitation.invited_by
    by = f"{inviter.get_full_name() or inviter.get_username()} has" if inviter else "You have been"
    invited = "invited you" if inviter else "invited"
    expires = timezone.localtime(invitation.expires_at)
    body = (
        f"Dear {user.get_full_name() or user.get_username()},\n\n"
        f"{by} {invited} to use Assure, the performance management system of "
        f"{board.name}, as {_article(invitation.role)} {invitation.role}: you will "
        f"{ROLE_WORDS.get(invitation.role, 'use Assure')}.\n\n"
        "To set up your account, open this link. You will choose a password and set up an "
        "authenticator app on your phone (such as Microsoft Authenticator or Google "
        "Authenticator), which gives you a code each time you sign in:\n\n"
        f"{LINK_MARK}\n\n"
        f"The link works once, until {expires:%-d %B %Y at %H:%M}. "
        f"Your username is {user.get_username()}.\n\n"
        "If you were not expecting this, you can ignore this email: nothing happens "
        f"unless the link is opened. Sign-in page: {site_link('/accounts/login/')}\n\n"
        f"{board.name}"
    )
    return message_queue(
        board=board,
        reason=Message.Reason.INVITATION,
        about=f"Invitation for {user.get_full_name() or user.get_username()} as {invitation.role}",
        to_user=user,
        to_address=user.email,
        subject=f"Your invitation to {board.name} on Assure",
        body=body,
        queued_by=actor if getattr(actor, "is_authenticated", False) else None,
        reply_to=inviter.email if inviter and inviter.email else "",
        link_kind="invitation",
        link_object_id=invitation.pk,
    )


def _article(role: str) -> str:
    return "an" if role[:1].lower() in "aeiou" else "a"


def _locked_pending(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("user", "board").get(pk=invitation.pk)
    )
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(f"This invitation was {locked.get_status_display().lower()} already.")
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: Any) -> Invitation:
    """Send a new link (which stops the last one working) that works for
    the full number of days again, expired or not."""
    if not rules.may_manage_invitation(actor=actor, invitation=invitation):
        raise PermissionDenied
    invitation = _locked_pending(invitation)
    problems: Problems = {}
    since = timezone.now() - datetime.timedelta(days=1)
    sent_today = Message.objects.filter(
        link_kind="invitation", link_object_id=invitation.pk, queued_at__gte=since
    ).count()
    if sent_today >= SENDS_PER_DAY:
        add_problem(
            problems,
            "__all__",
            f"This invitation was sent {sent_today} times in the last day, the most Assure "
            "sends. Try again tomorrow.",
        )
    elif rate := _rate_problem(actor):
        add_problem(problems, "__all__", rate)
    raise_problems(problems)
    now = timezone.now()
    invitation.sends += 1
    invitation.sent_at = now
    invitation.expires_at = now + _days()
    invitation.token_hash = hash_token(token_for(invitation))
    invitation._history_user = actor  # type: ignore[attr-defined]
    invitation.save()
    _send(invitation, actor)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: Any) -> Invitation:
    """Stop the link working. An account never set up stays unusable."""
    if not rules.may_manage_invitation(actor=actor, invitation=invitation):
        raise PermissionDenied
    invitation = _locked_pending(invitation)
    invitation.status = Invitation.Status.CANCELLED
    invitation.cancelled_at = timezone.now()
    invitation.cancelled_by = actor
    invitation.token_hash = ""
    invitation._history_user = actor  # type: ignore[attr-defined]
    invitation.save()
    return invitation


def password_problems(*, invitation: Invitation, password: str, again: str) -> Problems:
    problems: Problems = {}
    if not password:
        add_problem(problems, "password", "Enter a password.")
        return problems
    if "\x00" in password or len(password) > 4096:
        add_problem(problems, "password", "Choose another password.")
        return problems
    try:
        password_validation.validate_password(password, invitation.user)
    except ValidationError as exc:
        for message in exc.messages:
            add_problem(problems, "password", message)
    if password != again:
        add_problem(problems, "again", "The two passwords are not the same.")
    return problems


def password_hash(*, invitation: Invitation, password: str, again: str) -> str:
    """The chosen password, checked and hashed, to keep (in the session)
    until the authenticator is set up: the account changes only then."""
    raise_problems(password_problems(invitation=invitation, password=password, again=again))
    return make_password(password)


@dataclass(frozen=True)
class Accepted:
    problem: str | None
    user: Any = None
    device: TOTPDevice | None = None
    recovery_codes: tuple[str, ...] = ()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password_hash: str, code: str) -> Accepted:
    """Finish the invitation with the code the new authenticator app shows:
    the app is confirmed, the password chosen is set, the account can be used,
    and the link stops working. A wrong code changes nothing but the app's
    own wait before the next try (so guesses stay slow)."""
    invitation = _locked_pending(invitation)
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired.")
    result = two_factor.authenticator_confirm(user=invitation.user, code=code)
    if result.device is None:
        return Accepted(problem=result.problem or two_factor.WRONG_SET_UP_CODE)
    user = invitation.user
    user.password = password_hash
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.token_hash = ""
    invitation._history_user = user  # type: ignore[attr-defined]
    invitation.save()
    return Accepted(None, user, result.device, result.recovery_codes)
