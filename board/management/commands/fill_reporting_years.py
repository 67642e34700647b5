"""Save every reporting year from the first one saved to the current one."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from board.services import reporting_years_fill


class Command(BaseCommand):
    help = (
        "Save every reporting year (April to March) from the first one saved to the one "
        "holding today that is not saved yet. Safe to run again; `make run` runs it after "
        "loading the past reports."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        made = reporting_years_fill(today=timezone.localdate())
        if made:
            self.stdout.write(
                f"Added {len(made)} reporting years: {', '.join(y.label for y in made)}."
            )
        else:
            self.stdout.write("Every reporting year to the current one was already there.")
