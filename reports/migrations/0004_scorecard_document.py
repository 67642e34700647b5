"""Scorecard documents (the scorecard as a printable page and a tagged PDF,
built in the background), and the roles' permissions on them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["reports"])


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0009_admins_maintain_board_records"),
        ("reports", "0003_key_facts_section"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ScorecardDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Building"),
                            ("succeeded", "Finished"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("step", models.CharField(blank=True, max_length=100)),
                (
                    "progress",
                    models.PositiveSmallIntegerField(default=0, help_text="Per cent done."),
                ),
                ("error", models.TextField(blank=True)),
                ("pdf_path", models.CharField(blank=True, max_length=300)),
                ("pdf_sha256", models.CharField(blank=True, max_length=64)),
                ("html_path", models.CharField(blank=True, max_length=300)),
                ("html_sha256", models.CharField(blank=True, max_length=64)),
                ("pages", models.PositiveIntegerField(blank=True, null=True)),
                ("indicators", models.PositiveIntegerField(blank=True, null=True)),
                ("task_id", models.CharField(blank=True, max_length=64)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                (
                    "board",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scorecard_documents",
                        to="board.board",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created", "-id"],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
