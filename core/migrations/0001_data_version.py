from django.db import migrations, models


def first_row(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.using(schema_editor.connection.alias).create(
        pk=1, number=0
    )


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "core_data_version"},
        ),
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("table_name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
            options={"db_table": "core_table_version"},
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
    ]
