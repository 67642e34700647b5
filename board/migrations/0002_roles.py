"""Create Assure's four roles as groups, with their permissions on board models."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


def remove_roles(apps, schema_editor):
    from core.roles import ALL

    apps.get_model("auth", "Group").objects.filter(name__in=ALL).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
