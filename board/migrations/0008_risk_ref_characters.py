"""A risk's reference appears in its URL, so it keeps to the reference
characters (core.validators.validate_ref). A reference saved before this
rule with other characters (a "/", a space) becomes one that does: each run
of other characters turns into a hyphen, with a number added if the result is
already taken on that board."""

import re

import django.core.validators
from django.db import migrations, models


def tidy_refs(apps, schema_editor):
    from core.validators import validate_ref

    Risk = apps.get_model("board", "Risk")
    for risk in Risk.objects.order_by("pk"):
        if validate_ref.regex.search(risk.ref):
            continue
        base = re.sub(r"[^A-Za-z0-9.\-]+", "-", risk.ref).strip(".-")[:16] or "R"
        candidate, n = base, 2
        while Risk.objects.filter(board_id=risk.board_id, ref=candidate).exists():
            candidate, n = f"{base}-{n}", n + 1
        risk.ref = candidate
        risk.save(update_fields=["ref"])


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0007_admins_manage_board_access"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalrisk",
            name="ref",
            field=models.CharField(
                help_text="For example R12. Use only letters, digits, full stops (.) and hyphens (-).",
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        code="invalid_ref",
                        message='A reference may use only letters, digits, full stops (.) and hyphens (-), and starts with a letter or a digit, for example "1a" or "R12".',
                        regex="\\A[A-Za-z0-9][A-Za-z0-9.\\-]*\\Z",
                    )
                ],
                verbose_name="reference",
            ),
        ),
        migrations.AlterField(
            model_name="risk",
            name="ref",
            field=models.CharField(
                help_text="For example R12. Use only letters, digits, full stops (.) and hyphens (-).",
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        code="invalid_ref",
                        message='A reference may use only letters, digits, full stops (.) and hyphens (-), and starts with a letter or a digit, for example "1a" or "R12".',
                        regex="\\A[A-Za-z0-9][A-Za-z0-9.\\-]*\\Z",
                    )
                ],
                verbose_name="reference",
            ),
        ),
        migrations.RunPython(tidy_refs, migrations.RunPython.noop),
    ]
