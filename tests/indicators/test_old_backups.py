"""A backup export_data wrote before the scorecard's models moved from the
priorities app to their own still imports: its records, the roles'
permissions on them and the admin's log name them by their old labels."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from core.roles import sync_role_permissions
from indicators.models import Indicator, IndicatorValue
from tests.factories import UserFactory
from tests.indicators.factories import ComparatorFactory, IndicatorFactory, ValueFactory

pytestmark = pytest.mark.django_db(transaction=True)

MOVED = {
    "indicator",
    "indicatorvalue",
    "comparator",
    "statisticalneighbour",
    "historicalindicator",
    "historicalindicatorvalue",
    "historicalcomparator",
    "historicalstatisticalneighbour",
}


@pytest.fixture(autouse=True)
def _roles() -> None:
    """Transactional tests empty every table between tests, the roles the
    data migration made included; put them back."""
    sync_role_permissions(apps, ["board", "priorities", "indicators"])


def _as_written_before_the_move(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same records as export_data wrote them while the models were
    the priorities app's: only the labels differ."""

    def old(app: str, model: str) -> str:
        return "priorities" if app == "indicators" and model in MOVED else app

    for obj in objects:
        app, model = obj["model"].split(".")
        obj["model"] = f"{old(app, model)}.{model}"
        fields = obj["fields"]
        if obj["model"] == "admin.logentry":
            app, model = fields["content_type"]
            fields["content_type"] = [old(app, model), model]
        for key in fields.get("permissions", []):
            key[1] = old(key[1], key[2])
    return objects


def test_a_backup_written_before_the_move_imports_into_the_moved_app(tmp_path: Path) -> None:
    indicator = IndicatorFactory(code="referrals", name="Referrals", unit="rate")
    ValueFactory(
        indicator=indicator, period_start=datetime.date(2019, 4, 1), value=Decimal("612.3")
    )
    ValueFactory(
        indicator=indicator, period_start=datetime.date(2020, 4, 1), value=None, marker="c"
    )
    ComparatorFactory(indicator=indicator, period_start=datetime.date(2019, 4, 1))
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(Indicator),
        object_id=str(indicator.pk),
        object_repr=str(indicator),
        action_flag=ADDITION,
    )
    now = tmp_path / "now.json"
    call_command("export_data", str(now))
    objects = json.loads(now.read_text())
    backup = tmp_path / "before-the-move.json"
    backup.write_text(json.dumps(_as_written_before_the_move(objects), indent=1))
    assert '"priorities.indicator"' in backup.read_text()
    assert '"indicators.' not in backup.read_text()

    call_command("flush", interactive=False, verbosity=0)
    out = StringIO()
    call_command("import_data", str(backup), stdout=out)

    again = tmp_path / "again.json"
    call_command("export_data", str(again))
    assert again.read_text() == now.read_text()
    assert IndicatorValue.objects.filter(indicator__code="referrals").count() == 2
    assert LogEntry.objects.get().get_edited_object() == Indicator.objects.get(code="referrals")
    old_labels = {f"priorities.{model}" for model in MOVED}
    moved = sum(1 for obj in objects if obj["model"] in old_labels)
    assert moved == 8  # the indicator, two values, a comparator, and the history of each
    assert "records written before their models moved app took the new names" in out.getvalue()


def test_a_current_backup_imports_unchanged_and_says_nothing_of_moves(tmp_path: Path) -> None:
    IndicatorFactory(code="referrals")
    now = tmp_path / "now.json"
    call_command("export_data", str(now))
    call_command("flush", interactive=False, verbosity=0)
    out = StringIO()
    call_command("import_data", str(now), stdout=out)
    assert out.getvalue() == f"Imported {now}.\n"
    assert Indicator.objects.get().code == "referrals"
