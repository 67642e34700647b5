"""Admins give people boards, so the Admin role may add, change and remove
BoardAccess rows (and sees every role's board permissions kept in step)."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


class Migration(migrations.Migration):
    dependencies = [("board", "0006_history_of_board_access")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
