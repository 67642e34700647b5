"""The Admin role adds and changes the board records it keeps in the Django
admin (members, groups, agencies, reporting years, contributions and
published totals): core.roles.ADMIN_MAINTAINS. Before this an Admin got a
403 adding a member."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


class Migration(migrations.Migration):
    dependencies = [("board", "0008_risk_ref_characters")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
