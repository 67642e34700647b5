"""Create or update a person's account with a role and boards."""

import argparse
import getpass
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from board.accounts import user_save
from board.models import Board
from core import roles


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

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = options["board"]
        boards = list(Board.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {b.slug for b in boards})
        if unknown:
            raise CommandError(f"No such board: {', '.join(unknown)}")
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
