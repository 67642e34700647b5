"""Property tests of the indicator ways in: any uploaded bytes, any cell and
any posted value either work or are refused in words, never a server error,
and a refusal saves nothing."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import importer as imp
from indicators.models import IndicatorValue
from tests.indicators.factories import IndicatorFactory, SourceFactory

HEADER = "time_period,time_identifier,geographic_level,new_la_code,la_name,referrals\n"
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(content=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_in_words(content):
    for read in (
        lambda: imp.read_statistics("file.csv", content),
        lambda: imp.read_neighbours(content),
    ):
        try:
            read()
        except imp.SpreadsheetError as exc:
            message = str(exc)
            assert message.endswith(".")


@SETTINGS
@given(period=st.text(max_size=8), identifier=st.text(max_size=12), cell=st.text(max_size=12))
def test_any_period_and_cell_preview_or_say_why(period, identifier, cell, world):
    with transaction.atomic():
        _preview_and_save(world, period, identifier, cell)
        transaction.set_rollback(True)


def _preview_and_save(world, period, identifier, cell):
    IndicatorFactory(board=world.board, code="referrals")
    rows = [[period, identifier, "Local authority", "E06000032", "Luton", cell]]
    statistics = imp.Statistics(name="f.csv", header=HEADER.strip().split(","), rows=rows)
    preview = imp.preview_statistics(
        board=world.board,
        statistics=statistics,
        authority="E06000032",
        mapping={"referrals": "referrals"},
        publication="Anything",
    )
    if preview.valid:
        imp.save_statistics(preview=preview, publication="Anything")
    else:
        assert preview.errors or any(i.problems for i in preview.items)
        with pytest.raises(ValueError, match="cannot be saved"):
            imp.save_statistics(preview=preview, publication="Anything")


@SETTINGS
@given(
    kind=st.sampled_from(["year", "quarter", "month", "week", ""]),
    day=st.integers(-1, 32),
    month=st.integers(-1, 13),
    year=st.integers(-1, 10000),
    value=st.text(max_size=15),
    marker=st.sampled_from(["", "c", "x", "low", "q", "0"]),
)
def test_the_value_form_saves_or_refuses_never_fails(
    kind, day, month, year, value, marker, world, users, client_for
):
    with transaction.atomic():
        _post_value(kind, day, month, year, value, marker, world, client_for)
        transaction.set_rollback(True)


def _post_value(kind, day, month, year, value, marker, world, client_for):
    indicator = IndicatorFactory(board=world.board, code="prop", unit="count")
    source = SourceFactory(key="prop-source")
    before = IndicatorValue.objects.count()
    url = reverse("indicators:value_add", kwargs={"board": world.board.slug, "indicator": "prop"})
    response = client_for("manager").post(
        url,
        {
            "period_kind": kind,
            "period_start_day": day,
            "period_start_month": month,
            "period_start_year": year,
            "value": value,
            "marker": marker,
            "source": source.pk,
        },
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert IndicatorValue.objects.count() == before
    else:
        saved = IndicatorValue.objects.filter(indicator=indicator).latest("recorded_at")
        assert saved.period_start <= timezone.localdate()
        assert (saved.value is None) != (saved.marker == "")
