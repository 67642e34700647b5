"""The Admin role adds and changes training figures, stated figures, courses
and impact evaluations in the Django admin (core.roles.ADMIN_MAINTAINS), to
load and correct what past reports state."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["training"])


class Migration(migrations.Migration):
    dependencies = [("training", "0004_impact_evaluation")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
