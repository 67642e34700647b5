"""One account per role for trying Assure on your own machine (DEBUG only)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from board.accounts import board_access_give, user_save
from board.models import Board
from core import roles
from core.two_factor import AUTHENTICATOR_NAME

ACCOUNTS = [
    ("manager", roles.BUSINESS_MANAGER, "Local Business Manager"),
    ("chair", roles.INDEPENDENT_CHAIR, "Local Independent Chair"),
    ("partner", roles.PARTNER, "Local Partner"),
    ("admin", roles.ADMIN, "Local Administrator"),
    ("lead", roles.ACTION_LEAD, "Local Action Lead"),
]

SIGN_IN_CODE_HINT = (
    "The manager, chair, admin and lead also give a code from an authenticator app when they "
    "sign in. Without the app, `DEBUG=1 .venv/bin/python manage.py sign_in_code <username>` "
    "prints the code it would show."
)


class Command(BaseCommand):
    help = (
        "Create one local account per role, with random passwords printed once and kept "
        "in .local-accounts.txt (git-ignored). Refuses to run unless DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Local accounts are only for development: DEBUG is off.")
        store = Path(settings.BASE_DIR) / ".local-accounts.txt"
        User = get_user_model()
        existing = set(
            User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        boards = list(Board.objects.all())
        self._give_demonstrations(User.objects.filter(username__in=existing))
        lines = []
        for username, role, name in ACCOUNTS:
            if username in existing:
                continue
            user, password = user_save(username=username, role=role, boards=boards, full_name=name)
            if role in roles.SECOND_FACTOR_REQUIRED:
                # Such roles set up their app only through an invitation's link;
                # a local account has one ready, whose codes sign_in_code prints.
                TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
            lines.append(f"{username:<8} {role:<18} {password}")
        if not lines:
            self.stdout.write(f"Local accounts already exist; their passwords are in {store.name}.")
            self.stdout.write(SIGN_IN_CODE_HINT)
            return
        with store.open("a", encoding="utf-8") as handle:
            handle.write(f"# Created {timezone.now():%Y-%m-%d %H:%M}\n" + "\n".join(lines) + "\n")
        store.chmod(0o600)
        self.stdout.write("Local accounts (also kept in .local-accounts.txt):")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(SIGN_IN_CODE_HINT)

    def _give_demonstrations(self, users: Any) -> None:
        """Accounts made before the demonstration board existed see it too;
        they are given no other board they lack (a real board is the
        Admin's to give)."""
        for board in Board.objects.filter(synthetic_as_of__isnull=False):
            given = [u.username for u in users if board_access_give(user=u, board=board)]
            if given:
                self.stdout.write(f"{board.name} given to: {', '.join(sorted(given))}.")
