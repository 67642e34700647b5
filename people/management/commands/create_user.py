"""Create or update a person's account with a role and boards; with
--invite, the account is set up by its person through an invitation link,
printed here and emailed to them."""

import argparse
import getpass
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from board.accounts import user_save
from board.models import Board
from core import roles
from people.services import invitation_create, invitation_for_account
from people.tokens import invitation_link


class OneRole(argparse.Action):
    """Refuse `--role` given twice: argparse would keep the last one silently,
    and a person has exactly one role."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        earlier = getattr(namespace, self.dest, None)
        if earlier is not None:
            parser.error(
                f"{option_string}: give one role only; a person has exactly one role "
                f"(you gave {earlier}, then {values})."
            )
        setattr(namespace, self.dest, values)


class Command(BaseCommand):
    help = "Create or update an account: its role and the boards it may see."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=roles.ALL, action=OneRole)
        parser.add_argument(
            "--board", action="append", default=[], help="Board slug; repeat for more."
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Full name.")
        parser.add_argument("--password", action="store_true", help="Prompt for a password.")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Print an invitation link (also emailed to --email) with which the person "
            "chooses their password and sets up their authenticator app, instead of a password. "
            "For an existing account without an authenticator app, a new set-up link.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = options["board"]
        boards = list(Board.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {b.slug for b in boards})
        if unknown:
            raise CommandError(f"No such board: {', '.join(unknown)}")
        if options["invite"]:
            self._invite(options, boards)
            return
        password = getpass.getpass("Password: ") if options["password"] else None
        try:
            user, generated = user_save(
                username=options["username"],
                role=options["role"],
                boards=boards,
                email=options["email"],
                full_name=options["name"],
                password=password,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Saved {user.username} as {options['role']} on {len(boards)} boards.")
        if generated:
            self.stdout.write(f"Password (shown once): {generated}")
            if options["role"] in roles.SECOND_FACTOR_REQUIRED:
                self.stdout.write(
                    f"A {options['role']} sets up an authenticator app only through an "
                    "invitation: run this again with --invite before they sign in."
                )

    def _invite(self, options: dict[str, Any], boards: list[Board]) -> None:
        if options["password"]:
            raise CommandError("Give --invite or --password, not both.")
        if not boards:
            raise CommandError("Give the --board the invitation is for.")
        User = get_user_model()
        existing = User.objects.filter(username=options["username"]).first()
        try:
            with transaction.atomic():
                if existing is None:
                    invitation = invitation_create(
                        actor=None,
                        board=boards[0],
                        role=options["role"],
                        email=options["email"],
                        full_name=options["name"],
                        username=options["username"],
                    )
                else:
                    user_save(
                        username=existing.username,
                        role=options["role"],
                        boards=boards,
                        email=options["email"] or existing.email,
                        full_name=options["name"] or existing.get_full_name(),
                    )
                    invitation = invitation_for_account(actor=None, user=existing, board=boards[0])
                if len(boards) > 1:
                    user_save(
                        username=invitation.user.username,
                        role=options["role"],
                        boards=boards,
                        email=invitation.user.email,
                        full_name=invitation.user.get_full_name(),
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        link = invitation_link(invitation.pk)
        self.stdout.write(
            f"Invited {invitation.user.username} as {options['role']} on {len(boards)} boards."
        )
        self.stdout.write(
            f"Invitation link (works once, until {invitation.expires_at:%Y-%m-%d %H:%M %Z}):"
        )
        self.stdout.write(f"  {link}")
        self.stdout.write(f"Also emailed to {invitation.user.email}.")
