"""Text already stored (a browser's CRLF line endings, trailing spaces from a
paste) brought into the one form core.text gives it, history included, so
nothing stored before the rule differs from what is stored after it and no
later edit shows a change of line endings. No history record is added."""

from django.db import migrations
from django.db.models import Q


def normalise(apps, schema_editor):
    """Read records stay as they were written: a record of what someone read
    is never changed."""
    from core.text import normalise_stored_text

    normalise_stored_text(apps, "reviews", leave={"readrecord": Q(pk__isnull=False)})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_read_records")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
