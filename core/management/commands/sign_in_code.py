"""The sign-in code for a local account, for trying Assure on your own machine
without an authenticator app (DEBUG only)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import current_code


class Command(BaseCommand):
    help = (
        "Print the sign-in code an authenticator app would show now for a local account, "
        "or the code that finishes setting one up. Refuses to run unless DEBUG is on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Sign-in codes are only for trying Assure on your own machine: DEBUG is off."
            )
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account called {username}.")
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
        if device is None:
            raise CommandError(
                f"{username} has no authenticator yet: sign in as {username} first, "
                "and run this again when Assure shows the set-up page."
            )
        code, seconds = current_code(device)
        if device.confirmed:
            self.stdout.write(f"Sign-in code for {username}: {code} (valid for {seconds} s)")
        else:
            self.stdout.write(
                f"Code to finish setting up {username}'s authenticator: {code} "
                f"(valid for {seconds} s)"
            )
