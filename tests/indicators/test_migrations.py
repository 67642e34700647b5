"""The scorecard's models moved from the priorities app to their own: an
install that had indicators before the move has every one of them after it.

The database is taken back to the last migration before the move
(priorities/0009), given indicator data through that state's models, and
migrated forward again; the data must be where the indicators app looks for
it, with its ids, history, and the permissions the roles held.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import roles
from indicators.models import Comparator, Indicator, IndicatorValue, StatisticalNeighbour

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = ("priorities", "0009_plan_periods")
MOVED = [
    "indicator",
    "indicatorvalue",
    "comparator",
    "statisticalneighbour",
    "historicalindicator",
    "historicalindicatorvalue",
    "historicalcomparator",
    "historicalstatisticalneighbour",
]
WHEN = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _before_the_move() -> list[tuple[str, str | None]]:
    """Every app at its latest migration, except priorities before the move
    and the indicators app not there at all."""
    targets: list[tuple[str, str | None]] = []
    for app, name in MigrationExecutor(connection).loader.graph.leaf_nodes():
        if app == "indicators":
            targets.append((app, None))
        elif app == "priorities":
            targets.append(BEFORE_THE_MOVE)
        else:
            targets.append((app, name))
    return targets


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _load_old_data(apps) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A board's indicators as the priorities app kept them, through the
    models of the state before the move."""
    Board = apps.get_model("board", "Board")
    SourceDocument = apps.get_model("board", "SourceDocument")
    ActionPlan = apps.get_model("priorities", "ActionPlan")
    Priority = apps.get_model("priorities", "Priority")
    OldIndicator = apps.get_model("priorities", "Indicator")
    OldValue = apps.get_model("priorities", "IndicatorValue")
    OldComparator = apps.get_model("priorities", "Comparator")
    OldNeighbour = apps.get_model("priorities", "StatisticalNeighbour")
    OldHistory = apps.get_model("priorities", "HistoricalIndicator")

    board = Board.objects.create(slug="luton", name="Luton LSCB", short_name="LSCB", area="Luton")
    source = SourceDocument.objects.create(key="cin-2020", title="Children in need 2020")
    plan = ActionPlan.objects.create(
        board=board, slug="bp", title="Business plan", kind="business-plan"
    )
    priority = Priority.objects.create(plan=plan, number=1, title="Early help")
    # Ids well past 1, so a move that renumbered rows would show.
    indicator = OldIndicator.objects.create(
        id=41,
        board=board,
        code="referrals",
        name="Referrals to children's social care",
        unit="rate",
        polarity="lower",
        priority=priority,
        target=Decimal("550.5"),
        target_source=source,
    )
    OldHistory.objects.create(
        id=indicator.id,
        board_id=board.id,
        code="referrals",
        name="Referrals to children's social care",
        definition="",
        unit="rate",
        polarity="lower",
        frequency="year",
        source_kind="local",
        measure="",
        target=Decimal("550.5"),
        position=0,
        notes="",
        history_date=WHEN,
        history_type="+",
        history_change_reason="Added by the business manager",
    )
    # The values take their ids from the table's sequence, which must carry on.
    stated = OldValue.objects.create(
        indicator=indicator,
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
        value=Decimal("612.3000"),
        source=source,
    )
    suppressed = OldValue.objects.create(
        indicator=indicator,
        period_start=datetime.date(2020, 4, 1),
        period_end=datetime.date(2021, 3, 31),
        marker="c",
        source=source,
    )
    england = OldComparator.objects.create(
        id=77,
        indicator=indicator,
        kind="england",
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
        value=Decimal("534.8000"),
        source=source,
    )
    neighbour = OldNeighbour.objects.create(
        id=13, board=board, la_code="E06000055", la_name="Bedford", rank=1
    )
    return {
        "indicator": indicator.id,
        "stated": stated.id,
        "suppressed": suppressed.id,
        "england": england.id,
        "neighbour": neighbour.id,
        "priority": priority.id,
    }


def _content_type_ids(apps, app_label: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    return dict(
        ContentType.objects.filter(app_label=app_label, model__in=MOVED).values_list("model", "id")
    )


def _role_codenames(app_label: str, role: str) -> set[str]:
    return set(
        Permission.objects.filter(group__name=role, content_type__app_label=app_label).values_list(
            "codename", flat=True
        )
    )


@pytest.fixture
def before_the_move():
    """The database as it was before the move; migrated to the latest again
    afterwards, whatever the test found."""
    executor = _migrate(_before_the_move())
    yield executor.loader.project_state([t for t in _before_the_move() if t[1]]).apps
    _migrate(_latest())
    ContentType.objects.clear_cache()


def test_indicators_keep_their_rows_history_and_permissions_when_they_move_app(before_the_move):
    ids = _load_old_data(before_the_move)
    old_content_types = _content_type_ids(before_the_move, "priorities")
    assert set(old_content_types) == set(MOVED)
    before = {role: _role_codenames("priorities", role) for role in roles.ALL}
    assert "change_indicator" in before[roles.BUSINESS_MANAGER]
    assert "view_comparator" in before[roles.INDEPENDENT_CHAIR]

    _migrate(_latest())
    ContentType.objects.clear_cache()

    indicator = Indicator.objects.get(board__slug="luton", code="referrals")
    assert indicator.pk == ids["indicator"]
    assert indicator.priority_id == ids["priority"]
    assert indicator.target == Decimal("550.5")
    assert indicator.target_source.key == "cin-2020"
    values = {v.pk: (v.value, v.marker) for v in IndicatorValue.objects.filter(indicator=indicator)}
    assert values == {ids["stated"]: (Decimal("612.3"), ""), ids["suppressed"]: (None, "c")}
    england = Comparator.objects.get(indicator=indicator)
    assert (england.pk, england.kind, england.value) == (
        ids["england"],
        "england",
        Decimal("534.8"),
    )
    neighbour = StatisticalNeighbour.objects.get(board__slug="luton")
    assert (neighbour.pk, neighbour.la_code) == (ids["neighbour"], "E06000055")
    history = list(indicator.history.all())  # type: ignore[attr-defined]
    assert [(h.history_type, h.history_change_reason) for h in history] == [
        ("+", "Added by the business manager")
    ]
    # New rows carry on from the old rows' ids on either database.
    later = IndicatorValue.objects.create(
        indicator=indicator,
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2022, 3, 31),
        value=Decimal("580"),
        source=indicator.target_source,
    )
    assert later.pk > ids["suppressed"]

    # The same content types, relabelled: the roles' permissions point at them.
    assert _content_type_ids(before_the_move, "indicators") == old_content_types
    assert _content_type_ids(before_the_move, "priorities") == {}
    assert ContentType.objects.get_for_model(Indicator).pk == old_content_types["indicator"]
    for role in roles.ALL:
        held = {c for c in before[role] if c.split("_", 1)[1] in MOVED}
        # Of the moved models (models added to the app later bring their own).
        moved = {c for c in _role_codenames("indicators", role) if c.split("_", 1)[1] in MOVED}
        assert moved == held
    assert (
        Group.objects.get(name=roles.BUSINESS_MANAGER)
        .permissions.filter(content_type__app_label="indicators", codename="add_indicatorvalue")
        .exists()
    )


def test_the_move_can_be_undone_with_the_rows_kept(before_the_move):
    ids = _load_old_data(before_the_move)
    _migrate(_latest())
    executor = _migrate(_before_the_move())
    apps = executor.loader.project_state([t for t in _before_the_move() if t[1]]).apps

    OldIndicator = apps.get_model("priorities", "Indicator")
    OldValue = apps.get_model("priorities", "IndicatorValue")
    assert OldIndicator.objects.get(code="referrals").pk == ids["indicator"]
    assert sorted(OldValue.objects.values_list("id", flat=True)) == [
        ids["stated"],
        ids["suppressed"],
    ]
    assert set(_content_type_ids(apps, "priorities")) == set(MOVED)
