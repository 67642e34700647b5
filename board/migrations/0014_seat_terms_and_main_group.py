"""Seats' terms (a successor, and the years and source that record a seat),
the board's main group, its roles' permissions, and every reporting year
from the first saved one to the current one (docs/adr/0007)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["board"])


def fill_years(apps, schema_editor):
    """board.services.reporting_years_fill, on the historical model: every
    year from the first saved one to the one holding today."""
    import datetime

    from django.utils import timezone

    year_model = apps.get_model("board", "ReportingYear")
    labels = set(year_model.objects.values_list("label", flat=True))
    if not labels:
        return
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    for start in range(min(int(label[:4]) for label in labels), current + 1):
        label = f"{start}-{(start + 1) % 100:02d}"
        if label not in labels:
            year_model.objects.create(
                label=label,
                start=datetime.date(start, 4, 1),
                end=datetime.date(start + 1, 3, 31),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0013_normalise_stored_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmember",
            name="first_recorded",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The first reporting year a source shows this seat held, when it gives no start date.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="board.reportingyear",
            ),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="last_recorded",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The last reporting year a source shows this seat held. A seat from a past report with no end date is known to be held only until then.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="board.reportingyear",
            ),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="last_recorded_in",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The source that last records this seat.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="board.sourcedocument",
            ),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The seat that took this one over; naming it ends this seat.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="board.member",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="first_recorded",
            field=models.ForeignKey(
                blank=True,
                help_text="The first reporting year a source shows this seat held, when it gives no start date.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="board.reportingyear",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="last_recorded",
            field=models.ForeignKey(
                blank=True,
                help_text="The last reporting year a source shows this seat held. A seat from a past report with no end date is known to be held only until then.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="board.reportingyear",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="last_recorded_in",
            field=models.ForeignKey(
                blank=True,
                help_text="The source that last records this seat.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="board.sourcedocument",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                help_text="The seat that took this one over; naming it ends this seat.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="predecessors",
                to="board.member",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="end",
            field=models.DateField(
                blank=True,
                help_text="The last day the seat is held (it is held that day).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="end",
            field=models.DateField(
                blank=True,
                help_text="The last day the seat is held (it is held that day).",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalMainGroup",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "board",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="board.board",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="board.group",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical main group",
                "verbose_name_plural": "historical main groups",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MainGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "board",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="board.board",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="board.group",
                    ),
                ),
            ],
            options={
                "verbose_name": "main group",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("board",),
                        name="maingroup_one_per_board",
                        violation_error_message="This board already has a main group.",
                    )
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
    ]
