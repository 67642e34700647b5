"""Give the roles their permissions on the indicator models."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["priorities"])


class Migration(migrations.Migration):
    dependencies = [("priorities", "0005_indicators"), ("board", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
