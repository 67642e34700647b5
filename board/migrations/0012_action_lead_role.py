"""The Action lead role (core.roles.ACTION_LEAD): a person in a partner agency
who sees only the actions they lead. It holds no model permissions; what a
lead may open is decided object by object (board.rules, priorities.rules)."""

from django.db import migrations


def create_role(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Action lead").delete()


class Migration(migrations.Migration):
    dependencies = [("board", "0011_board_logo")]

    operations = [migrations.RunPython(create_role, remove_role)]
