"""Which case reviews each published snapshot holds, frozen with it, so reading
it is recorded for them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_scorecard_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsnapshot",
            name="review_ids",
            field=models.JSONField(
                editable=False,
                help_text="The keys of the case reviews in its record of decisions and actions, frozen with it, so each read of it is recorded against them. Empty for a snapshot published before Assure kept this.",
                null=True,
                verbose_name="case reviews it holds",
            ),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="review_ids",
            field=models.JSONField(
                editable=False,
                help_text="The keys of the case reviews in its record of decisions and actions, frozen with it, so each read of it is recorded against them. Empty for a snapshot published before Assure kept this.",
                null=True,
                verbose_name="case reviews it holds",
            ),
        ),
    ]
