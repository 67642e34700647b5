"""The scorecard's models, on the tables priorities/0009 renamed for them.

The models come into this app's state only: their tables, with every row,
already exist (made by priorities/0005, renamed to indicators_* by
priorities/0009). Their content types then move from the priorities app to
this one, so the permissions granted to the roles, which point at those
content types, stay granted, and the Django admin's log keeps its links.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

#: The moved models' content types, as Django names them.
MODELS = [
    "indicator",
    "indicatorvalue",
    "comparator",
    "statisticalneighbour",
    "historicalindicator",
    "historicalindicatorvalue",
    "historicalcomparator",
    "historicalstatisticalneighbour",
]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def move_content_types(apps, schema_editor):
    from core.roles import sync_role_permissions

    _relabel(apps, "priorities", "indicators")
    # The roles already hold their permissions (they moved with the content
    # types); this only fills in any a database never had.
    sync_role_permissions(apps, ["indicators"])


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "indicators", "priorities")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("board", "0009_admins_maintain_board_records"),
        ("priorities", "0010_indicators_move_to_their_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalIndicator",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.SlugField(
                                help_text='A short name, e.g. "referrals".', max_length=60
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("definition", models.TextField(blank=True)),
                        (
                            "unit",
                            models.CharField(
                                choices=[
                                    ("count", "Count"),
                                    ("percentage", "Percentage"),
                                    ("rate", "Rate per 10,000 children"),
                                    ("money", "Money (GBP)"),
                                    ("days", "Days"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "polarity",
                            models.CharField(
                                choices=[
                                    ("higher", "Higher is better"),
                                    ("lower", "Lower is better"),
                                    ("neither", "Neither (watched, not judged)"),
                                ],
                                default="neither",
                                max_length=8,
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("year", "Yearly"),
                                    ("quarter", "Quarterly"),
                                    ("month", "Monthly"),
                                ],
                                default="year",
                                max_length=8,
                            ),
                        ),
                        (
                            "source_kind",
                            models.CharField(
                                choices=[
                                    ("published", "Published statistic"),
                                    ("local", "Local data"),
                                ],
                                default="local",
                                max_length=10,
                                verbose_name="source",
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                blank=True,
                                help_text="The column of the published statistics file that holds it, if any.",
                                max_length=100,
                                verbose_name="published measure",
                            ),
                        ),
                        (
                            "target",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "tolerance",
                            models.DecimalField(
                                blank=True,
                                decimal_places=4,
                                help_text="How far short of the target still rates as near target.",
                                max_digits=14,
                                null=True,
                            ),
                        ),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("notes", models.TextField(blank=True)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "priority",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The priority this indicator evidences, if any.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="priorities.priority",
                            ),
                        ),
                        (
                            "target_source",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The document that states the target.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical indicator",
                        "verbose_name_plural": "historical indicators",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalStatisticalNeighbour",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "la_code",
                            models.CharField(max_length=12, verbose_name="local authority code"),
                        ),
                        (
                            "la_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="local authority"
                            ),
                        ),
                        ("rank", models.PositiveSmallIntegerField(default=0)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                        "verbose_name": "historical statistical neighbour",
                        "verbose_name_plural": "historical statistical neighbours",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Indicator",
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
                            "code",
                            models.SlugField(
                                help_text='A short name, e.g. "referrals".', max_length=60
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("definition", models.TextField(blank=True)),
                        (
                            "unit",
                            models.CharField(
                                choices=[
                                    ("count", "Count"),
                                    ("percentage", "Percentage"),
                                    ("rate", "Rate per 10,000 children"),
                                    ("money", "Money (GBP)"),
                                    ("days", "Days"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "polarity",
                            models.CharField(
                                choices=[
                                    ("higher", "Higher is better"),
                                    ("lower", "Lower is better"),
                                    ("neither", "Neither (watched, not judged)"),
                                ],
                                default="neither",
                                max_length=8,
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("year", "Yearly"),
                                    ("quarter", "Quarterly"),
                                    ("month", "Monthly"),
                                ],
                                default="year",
                                max_length=8,
                            ),
                        ),
                        (
                            "source_kind",
                            models.CharField(
                                choices=[
                                    ("published", "Published statistic"),
                                    ("local", "Local data"),
                                ],
                                default="local",
                                max_length=10,
                                verbose_name="source",
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                blank=True,
                                help_text="The column of the published statistics file that holds it, if any.",
                                max_length=100,
                                verbose_name="published measure",
                            ),
                        ),
                        (
                            "target",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "tolerance",
                            models.DecimalField(
                                blank=True,
                                decimal_places=4,
                                help_text="How far short of the target still rates as near target.",
                                max_digits=14,
                                null=True,
                            ),
                        ),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("notes", models.TextField(blank=True)),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="indicators",
                                to="board.board",
                            ),
                        ),
                        (
                            "priority",
                            models.ForeignKey(
                                blank=True,
                                help_text="The priority this indicator evidences, if any.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="indicators",
                                to="priorities.priority",
                            ),
                        ),
                        (
                            "target_source",
                            models.ForeignKey(
                                blank=True,
                                help_text="The document that states the target.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["board", "position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalIndicatorValue",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "period_kind",
                            models.CharField(
                                choices=[
                                    ("year", "Reporting year (April to March)"),
                                    ("quarter", "Quarter"),
                                    ("month", "Month"),
                                ],
                                default="year",
                                max_length=8,
                                verbose_name="period",
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        (
                            "value",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "marker",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("c", "c: confidential (suppressed to protect individuals)"),
                                    ("x", "x: not available"),
                                    ("z", "z: not applicable"),
                                    ("u", "u: low reliability"),
                                    ("k", "k: rounds to zero but is not zero"),
                                    ("low", "low: a small number, not published"),
                                ],
                                help_text="Instead of a value, where the publication suppresses it.",
                                max_length=3,
                                verbose_name="suppression marker",
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(blank=True, editable=False)),
                        (
                            "edition",
                            models.PositiveSmallIntegerField(
                                default=1,
                                help_text="1 for the figure first stated; 2 for its first revision, and so on.",
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                        (
                            "source",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                        (
                            "indicator",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="indicators.indicator",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical indicator value",
                        "verbose_name_plural": "historical indicator values",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalComparator",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "period_kind",
                            models.CharField(
                                choices=[
                                    ("year", "Reporting year (April to March)"),
                                    ("quarter", "Quarter"),
                                    ("month", "Month"),
                                ],
                                default="year",
                                max_length=8,
                                verbose_name="period",
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        (
                            "value",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "marker",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("c", "c: confidential (suppressed to protect individuals)"),
                                    ("x", "x: not available"),
                                    ("z", "z: not applicable"),
                                    ("u", "u: low reliability"),
                                    ("k", "k: rounds to zero but is not zero"),
                                    ("low", "low: a small number, not published"),
                                ],
                                help_text="Instead of a value, where the publication suppresses it.",
                                max_length=3,
                                verbose_name="suppression marker",
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(blank=True, editable=False)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("england", "England"),
                                    ("region", "Region"),
                                    ("neighbours", "Statistical neighbours"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "area_name",
                            models.CharField(
                                blank=True, help_text="The region's name.", max_length=100
                            ),
                        ),
                        (
                            "neighbours_used",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        (
                            "neighbours_listed",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
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
                        (
                            "source",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                        (
                            "indicator",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="indicators.indicator",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical comparator",
                        "verbose_name_plural": "historical comparators",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Comparator",
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
                            "period_kind",
                            models.CharField(
                                choices=[
                                    ("year", "Reporting year (April to March)"),
                                    ("quarter", "Quarter"),
                                    ("month", "Month"),
                                ],
                                default="year",
                                max_length=8,
                                verbose_name="period",
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        (
                            "value",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "marker",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("c", "c: confidential (suppressed to protect individuals)"),
                                    ("x", "x: not available"),
                                    ("z", "z: not applicable"),
                                    ("u", "u: low reliability"),
                                    ("k", "k: rounds to zero but is not zero"),
                                    ("low", "low: a small number, not published"),
                                ],
                                help_text="Instead of a value, where the publication suppresses it.",
                                max_length=3,
                                verbose_name="suppression marker",
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("england", "England"),
                                    ("region", "Region"),
                                    ("neighbours", "Statistical neighbours"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "area_name",
                            models.CharField(
                                blank=True, help_text="The region's name.", max_length=100
                            ),
                        ),
                        (
                            "neighbours_used",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        (
                            "neighbours_listed",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                        (
                            "indicator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="comparators",
                                to="indicators.indicator",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["indicator", "kind", "period_start"],
                    },
                ),
                migrations.CreateModel(
                    name="IndicatorValue",
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
                            "period_kind",
                            models.CharField(
                                choices=[
                                    ("year", "Reporting year (April to March)"),
                                    ("quarter", "Quarter"),
                                    ("month", "Month"),
                                ],
                                default="year",
                                max_length=8,
                                verbose_name="period",
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        (
                            "value",
                            models.DecimalField(
                                blank=True, decimal_places=4, max_digits=14, null=True
                            ),
                        ),
                        (
                            "marker",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("c", "c: confidential (suppressed to protect individuals)"),
                                    ("x", "x: not available"),
                                    ("z", "z: not applicable"),
                                    ("u", "u: low reliability"),
                                    ("k", "k: rounds to zero but is not zero"),
                                    ("low", "low: a small number, not published"),
                                ],
                                help_text="Instead of a value, where the publication suppresses it.",
                                max_length=3,
                                verbose_name="suppression marker",
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("recorded_at", models.DateTimeField(auto_now=True)),
                        (
                            "edition",
                            models.PositiveSmallIntegerField(
                                default=1,
                                help_text="1 for the figure first stated; 2 for its first revision, and so on.",
                            ),
                        ),
                        (
                            "indicator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="values",
                                to="indicators.indicator",
                            ),
                        ),
                        (
                            "source",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="board.sourcedocument",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["indicator", "period_start", "edition"],
                    },
                ),
                migrations.CreateModel(
                    name="StatisticalNeighbour",
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
                            "la_code",
                            models.CharField(max_length=12, verbose_name="local authority code"),
                        ),
                        (
                            "la_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="local authority"
                            ),
                        ),
                        ("rank", models.PositiveSmallIntegerField(default=0)),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="neighbours",
                                to="board.board",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["board", "rank", "la_name"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="indicator",
                    constraint=models.UniqueConstraint(
                        fields=("board", "code"), name="indicator_unique_code"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="comparator",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("value__isnull", True), models.Q(("marker", ""), _negated=True)
                            ),
                            models.Q(("value__isnull", False), ("marker", "")),
                            _connector="OR",
                        ),
                        name="comparator_value_or_marker",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="comparator",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="comparator_period_in_order",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="comparator",
                    constraint=models.UniqueConstraint(
                        fields=("indicator", "kind", "period_kind", "period_start"),
                        name="comparator_unique_period",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="indicatorvalue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("value__isnull", True), models.Q(("marker", ""), _negated=True)
                            ),
                            models.Q(("value__isnull", False), ("marker", "")),
                            _connector="OR",
                        ),
                        name="indicatorvalue_value_or_marker",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="indicatorvalue",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="indicatorvalue_period_in_order",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="indicatorvalue",
                    constraint=models.UniqueConstraint(
                        fields=("indicator", "period_kind", "period_start", "edition"),
                        name="indicatorvalue_unique_edition",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="indicatorvalue",
                    constraint=models.UniqueConstraint(
                        fields=("indicator", "period_kind", "period_start", "source"),
                        name="indicatorvalue_unique_source",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="statisticalneighbour",
                    constraint=models.UniqueConstraint(
                        fields=("board", "la_code"), name="neighbour_unique_code"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
