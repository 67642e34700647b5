"""No two agencies share a name, case and spacing aside (docs/adr/0019, "Agencies with the same name").

Each agency's name key is filled from its name. Where agencies already share
one, the oldest keeps it and the others are left with an empty key and named on
the output: they are not merged, since which seats, contributions and
delegates belong to which is a person's call. An Admin renames or merges
them; until then a change to one of them is refused with the name of the
agency it clashes with.
"""

import sys

from django.db import migrations, models


def key_of(name):
    """board.models.agency_name_key as it stands in this migration."""
    return " ".join(name.split()).casefold()


def fill_name_keys(apps, schema_editor):
    Agency = apps.get_model("board", "Agency")
    seen = {}
    clashes = []
    for agency in Agency.objects.using(schema_editor.connection.alias).order_by("pk"):
        key = key_of(agency.name or "")
        if key and key in seen:
            clashes.append((agency, seen[key]))
            continue
        seen[key] = agency
        agency.name_key = key
        agency.save(update_fields=["name_key"])
    for agency, first in clashes:
        sys.stdout.write(
            f"\n  Agency {agency.name!r} ({agency.slug}) has the name of {first.name!r} "
            f"({first.slug}): left as it is for an Admin to rename or merge."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0017_import_mappings"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="agency",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                fields=("name_key",),
                name="board_agency_name_unique",
                violation_error_message=(
                    "Another agency already has this name (case and spacing do not count)."
                ),
            ),
        ),
    ]
