"""Text already stored (a browser's CRLF line endings, trailing spaces from a
paste) brought into the one form core.text gives it, history included, so
nothing stored before the rule differs from what is stored after it and no
later edit shows a change of line endings. No history record is added."""

from django.db import migrations


def normalise(apps, schema_editor):
    from core.text import normalise_stored_text

    normalise_stored_text(apps, "audits")


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_inspection_year")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
