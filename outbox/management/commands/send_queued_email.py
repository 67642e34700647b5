"""Hand the background worker every message that is due to be sent."""

from typing import Any

from django.core.management.base import BaseCommand

from outbox.services import messages_send_due


class Command(BaseCommand):
    help = (
        "Queue for sending every message waiting past its next try (and any a stopped worker "
        "left half sent). The worker retries failed messages by itself; this is a safety net, "
        "safe to run as often as you like (from cron, say)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = messages_send_due()
        self.stdout.write(f"{count} message{'s' if count != 1 else ''} handed to the worker.")
