"""Write everything in this Assure's database to one JSON file, to move it to
another database (SQLite to PostgreSQL, say) with import_data, or to keep as a
backup."""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

#: What is not moved: Django rebuilds content types and permissions on migrate
#: (references to them are written as natural keys), and sign-in sessions and
#: throttling records belong to the database they were made in, and so do
#: core's data versions (ADR 0022), which the database's triggers keep.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes", "core")


class Command(BaseCommand):
    help = (
        "Export every record, history included, to a JSON file that import_data loads "
        "into an empty database of either kind."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The JSON file to write.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        call_command(
            "dumpdata",
            format="json-exact",
            natural_foreign=True,
            exclude=list(EXCLUDED),
            indent=1,
            output=str(file),
            verbosity=0,
        )
        self.stdout.write(f"Exported to {file}.")
