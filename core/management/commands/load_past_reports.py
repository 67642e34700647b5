"""Load every past report's fixture, validated, in one transaction."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.fixtures import FixtureError, fixture_paths, load_fixtures


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load the fixtures transcribed from past reports (every file in fixtures/, or the "
        "files named). Every object is validated; one bad object loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Fixture files (default: all).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, then roll back."
        )

    def handle(self, *args: Any, files: list[Path], dry_run: bool, **options: Any) -> None:
        paths = files or fixture_paths(settings.ASSURE_FIXTURE_DIRS)
        if not paths:
            raise CommandError("No fixture files found.")
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such fixture file: {', '.join(missing)}")
        try:
            with transaction.atomic():
                result = load_fixtures(paths)
                if dry_run:
                    raise _DryRun
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        except _DryRun:
            pass
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(f"{verb} {len(paths)} fixture files:")
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"  {label}: {count} created")
        for label, count in sorted(result.updated.items()):
            self.stdout.write(f"  {label}: {count} updated")
        for label, count in sorted(result.kept.items()):
            self.stdout.write(f"  {label}: {count} kept as people edited them in Assure")
        self.stdout.write(
            f"{result.total_created} created, {result.total_updated} updated, "
            f"{result.total_kept} kept, {result.unchanged} unchanged."
        )
