"""Make (or bring up to today) the demonstration board (DEBUG only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.demonstration import NAME, DemonstrationRefused, demonstration_board_make


class Command(BaseCommand):
    help = (
        f"Make the {NAME}: synthetic records generated relative to today, labelled "
        "synthetic on every page. Run again the same day, it changes nothing; on a later "
        "day, it is generated again for that day. Refuses to run unless DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            outcome = demonstration_board_make(today=today)
        except DemonstrationRefused as exc:
            raise CommandError(str(exc)) from None
        where = f"/boards/{outcome.board.slug}/"
        if not outcome.made:
            self.stdout.write(f"{NAME} is already as of {today:%-d %B %Y} ({where}).")
        elif outcome.removed_from is not None:
            self.stdout.write(
                f"{NAME} generated again as of {today:%-d %B %Y} ({where}); the demonstration "
                f"as of {outcome.removed_from:%-d %B %Y}, and any change made to it, is gone."
            )
        else:
            self.stdout.write(f"{NAME} made as of {today:%-d %B %Y} ({where}).")
