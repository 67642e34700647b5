"""Who read which case review (reviews.ReadRecord), and the Admin's view of
those records in the Django admin: no role holds any other permission on them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def grant(apps, schema_editor):
    from core.roles import sync_role_permissions

    sync_role_permissions(apps, ["reviews"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_status_not_known"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("review_name", models.CharField(max_length=100, verbose_name="review")),
                ("username", models.CharField(max_length=150)),
                (
                    "person",
                    models.CharField(
                        help_text="The person's name when they read it.", max_length=300
                    ),
                ),
                (
                    "role",
                    models.CharField(help_text="Their role when they read it.", max_length=300),
                ),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("view", "Viewed"), ("download", "Downloaded")],
                        max_length=10,
                        verbose_name="how",
                    ),
                ),
                (
                    "what",
                    models.CharField(
                        choices=[
                            ("review-page", "The review's page"),
                            ("published-page", "The published review's page"),
                            ("form", "A form showing the review's details"),
                            ("register-export", "The register of case reviews, exported"),
                            ("record-page", "The record of decisions and actions"),
                            ("record-export", "The record of decisions and actions, exported"),
                            ("report-preview", "A draft annual report"),
                            ("snapshot", "A published annual report"),
                            ("admin", "The Django admin"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "detail",
                    models.CharField(
                        blank=True, help_text="Which year, version or file.", max_length=200
                    ),
                ),
                (
                    "path",
                    models.CharField(
                        blank=True, help_text="The address that was read.", max_length=500
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
                    "review",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="read_records",
                        to="reviews.casereview",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["review", "-at"], name="readrecord_review_at"),
                    models.Index(fields=["board", "at"], name="readrecord_board_at"),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
