"""The scorecard's models move to the indicators app, rows and all.

Nothing is copied: each table is renamed to the name the indicators app
gives it (ALTER TABLE ... RENAME, which SQLite and PostgreSQL both do in
place, keeping rows, keys and the foreign keys that point at them), and the
models leave this app's migration state. indicators/0001_initial takes them
into its state on those same tables and moves their content types, so the
permissions the roles hold and the admin's log entries follow them. See
docs/adr/0009-the-scorecard-is-an-app-of-its-own.md.
"""

from django.db import migrations

#: Each moved model (as this app's state names it) and its table's new name.
MOVED = [
    ("historicalcomparator", "indicators_historicalcomparator"),
    ("historicalindicatorvalue", "indicators_historicalindicatorvalue"),
    ("historicalindicator", "indicators_historicalindicator"),
    ("historicalstatisticalneighbour", "indicators_historicalstatisticalneighbour"),
    ("comparator", "indicators_comparator"),
    ("indicatorvalue", "indicators_indicatorvalue"),
    ("statisticalneighbour", "indicators_statisticalneighbour"),
    ("indicator", "indicators_indicator"),
]


class Migration(migrations.Migration):
    dependencies = [("priorities", "0009_plan_periods")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=table) for name, table in MOVED
            ],
            # Those that point at an indicator go before it.
            state_operations=[migrations.DeleteModel(name=name) for name, _ in MOVED],
        )
    ]
