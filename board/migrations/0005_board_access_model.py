"""Board.users gets an explicit through model, BoardAccess, on the table the
plain many-to-many already uses, so access changes can be kept in history.
The database table does not change; only Django's view of it does."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0004_history_of_group_membership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BoardAccess",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="accesses",
                                to="board.board",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="board_accesses",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "board_board_users",
                        "unique_together": {("board", "user")},
                        "verbose_name": "board access",
                        "verbose_name_plural": "board access",
                    },
                ),
                migrations.AlterField(
                    model_name="board",
                    name="users",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="People who may see this board's pages, in the role their account holds.",
                        related_name="boards",
                        through="board.BoardAccess",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
