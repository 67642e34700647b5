"""Give the roles their permissions on the audits models."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["audits"])


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial"), ("board", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
