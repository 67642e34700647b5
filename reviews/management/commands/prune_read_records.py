"""Remove read records older than each board's retention period. Safe to
run every day (a second run the same day removes nothing) and from a timer:
see the README's "Read records"."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from reviews.read_records import read_records_prune


def _records(count: int) -> str:
    if count == 0:
        return "no read records"
    return f"{count} read record{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Remove the record of who read each case review once it is older than the board's "
        "retention period, and say how many went from each board."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; remove nothing."
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        today = timezone.localdate()
        pruned = read_records_prune(today=today, dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for result in pruned:
            self.stdout.write(
                f"{result.board.name}: {verb} {_records(result.count)} made before "
                f"{result.kept_from:%-d %B %Y} (kept for {result.months} months)."
            )
        total = sum(result.count for result in pruned)
        if not pruned:
            self.stdout.write("There are no boards, so there was nothing to remove.")
        else:
            done = "Would remove" if dry_run else "Removed"
            self.stdout.write(f"{done} {_records(total)} in all, on {today:%-d %B %Y}.")
