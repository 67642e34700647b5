"""Give the roles their permissions on the annual report models."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["reports"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("board", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
