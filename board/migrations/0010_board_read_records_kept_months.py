"""How long each board keeps the record of who read its case reviews."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0009_admins_maintain_board_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="board",
            name="read_records_kept_months",
            field=models.PositiveSmallIntegerField(
                default=24,
                editable=False,
                help_text="How long the record of who read each case review is kept before prune_read_records removes it. The business manager sets it on the read records page.",
                validators=[
                    django.core.validators.MinValueValidator(12),
                    django.core.validators.MaxValueValidator(120),
                ],
                verbose_name="months read records are kept",
            ),
        ),
        migrations.AddField(
            model_name="historicalboard",
            name="read_records_kept_months",
            field=models.PositiveSmallIntegerField(
                default=24,
                editable=False,
                help_text="How long the record of who read each case review is kept before prune_read_records removes it. The business manager sets it on the read records page.",
                validators=[
                    django.core.validators.MinValueValidator(12),
                    django.core.validators.MaxValueValidator(120),
                ],
                verbose_name="months read records are kept",
            ),
        ),
    ]
