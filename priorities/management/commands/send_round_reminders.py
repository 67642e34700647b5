"""Remind the leads of open update rounds who have not replied."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from priorities.rounds.services import reminders_send


class Command(BaseCommand):
    help = (
        "Email a reminder to each lead of an open update round who has not replied: the set "
        "number of days before the deadline, and on the day. Each reminder goes once, so this "
        "is safe to run hourly or daily (a systemd timer or cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Act as if today were this day (YYYY-MM-DD), to catch up a missed run."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date must be a date such as 2027-01-14, not {options['date']!r}."
                ) from None
        count = reminders_send(today=today)
        self.stdout.write(f"{count} reminder{'s' if count != 1 else ''} queued.")
