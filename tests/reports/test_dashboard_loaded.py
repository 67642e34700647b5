"""What the past-reports loader brings in is not "changed since the last
meeting": a figure of 2017 loaded today did not move this month. A person's
later edit of a loaded record is a change again."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from board.models import Board
from indicators.models import IndicatorValue
from indicators.selectors import indicator_values_changed_since
from indicators.services import value_record
from reviews.selectors import review_changes_since

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    since = timezone.now() - datetime.timedelta(days=1)
    call_command("load_past_reports", stdout=StringIO())
    return since


def test_reviews_and_values_loaded_from_past_reports_are_not_changes(loaded):
    for slug in ("luton", "bedford-borough"):
        board = Board.objects.get(slug=slug)
        assert review_changes_since(board=board, since=loaded) == []
        changes = indicator_values_changed_since(board=board, since=loaded)
        assert (changes.listed, changes.total) == ([], 0)
    # The loader did load them, today.
    assert IndicatorValue.objects.filter(recorded_at__gte=loaded).count() == 90


def test_a_loaded_value_a_person_changes_is_a_change(loaded):
    value = IndicatorValue.objects.filter(indicator__board__slug="luton", marker="").first()
    assert value is not None
    value_record(
        indicator=value.indicator,
        period_kind=value.period_kind,
        period_start=value.period_start,
        source=value.source,
        value=value.value + Decimal("1"),
    )
    changes = indicator_values_changed_since(board=value.indicator.board, since=loaded)
    assert [(c.value_id, c.count) for c in changes.listed] == [(value.pk, 1)]
    assert changes.total == 1
