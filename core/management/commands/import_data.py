"""Load a file written by export_data into a freshly migrated database."""

import json
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings


def moved_models() -> dict[str, str]:
    """Old model labels and new, from every app that took models over from
    another (its AppConfig's `moved_models`), so that a file exported before
    the move still loads. The app registry is asked; core names no app."""
    moved: dict[str, str] = {}
    for config in apps.get_app_configs():
        moved.update(getattr(config, "moved_models", {}))
    return moved


def relabel(objects: list[dict[str, Any]], moved: dict[str, str]) -> int:
    """Give the objects of a file their models' current labels: each object's
    model, and the content types and permissions it names by natural key
    (["app", "model"] and ["codename", "app", "model"]). Returns how many
    objects it changed."""

    def label(key: list[str]) -> list[str]:
        *codename, app, model = key
        return [*codename, *moved.get(f"{app}.{model}", f"{app}.{model}").split(".")]

    changed = 0
    for obj in objects:
        if not isinstance(obj, dict):
            continue  # loaddata names what is wrong with it
        touched = obj.get("model") in moved
        if touched:
            obj["model"] = moved[obj["model"]]
        fields = obj.get("fields") or {}
        if _is_key(fields.get("content_type"), 2):
            key = label(fields["content_type"])
            touched |= key != fields["content_type"]
            fields["content_type"] = key
        for name in ("permissions", "user_permissions"):
            if isinstance(fields.get(name), list):
                keys = [label(k) if _is_key(k, 3) else k for k in fields[name]]
                touched |= keys != fields[name]
                fields[name] = keys
        changed += touched
    return changed


def _is_key(value: Any, length: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) == length
        and all(isinstance(part, str) for part in value)
    )


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
            # core's data versions (ADR 0022): the triggers wrote them at migrate
            and model._meta.app_label not in ("contenttypes", "sessions", "axes", "core")
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
            moved = self._load(file)
        self.stdout.write(f"Imported {file}.")
        if moved:
            self.stdout.write(
                f"{moved} records written before their models moved app took the new names."
            )

    def _load(self, file: Path) -> int:
        """loaddata on the file, or on a copy in which the models that moved
        app since it was written carry their new labels."""
        moved = moved_models()
        try:
            objects = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            objects = None  # loaddata names what is wrong with it
        changed = relabel(objects, moved) if moved and isinstance(objects, list) else 0
        if not changed:
            call_command("loaddata", str(file), verbosity=0)
            return 0
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / file.name
            copy.write_text(json.dumps(objects), encoding="utf-8")
            call_command("loaddata", str(copy), verbosity=0)
        return changed
