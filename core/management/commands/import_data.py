"""Load a file written by export_data into a freshly migrated database."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Import a file written by export_data into an empty, migrated database, "
        "all or nothing. The history in the file is kept exactly; none is added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A JSON file written by export_data.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        # Rows migrations make (the roles; a model marked made_by_migrations,
        # such as the shared learning themes) are in every migrated database:
        # they come back from the file under the same keys.
        made_by_migrations = [
            model for model in apps.get_models() if getattr(model, "made_by_migrations", False)
        ]
        in_use = [
            label
            for model in apps.get_models()
            if (label := model._meta.label_lower) not in ("auth.group", "auth.permission")
            and model not in made_by_migrations
            and model._meta.app_label not in ("contenttypes", "sessions", "axes")
            and model._default_manager.exists()
        ]
        if in_use:
            raise CommandError(
                "This database already holds records (" + ", ".join(sorted(in_use)[:5]) + "). "
                "Import only into an empty database: create it, run migrate, then import."
            )
        # The history in the file is the record; the change handlers that
        # would write history for each loaded relation are switched off.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            # The roles made by migrations come back, with their permissions,
            # from the file under the same keys.
            Group.objects.all().delete()
            for model in made_by_migrations:
                model._default_manager.all().delete()
            call_command("loaddata", str(file), verbosity=0)
        self.stdout.write(f"Imported {file}.")
