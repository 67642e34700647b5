"""The Admin role adds agencies to a board's list of partner agencies and
takes them off in the Django admin (core.roles.ADMIN_ACCOUNT_PERMISSIONS),
through the same services as the agencies page (docs/adr/0021)."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


class Migration(migrations.Migration):
    dependencies = [("board", "0019_board_agencies")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
