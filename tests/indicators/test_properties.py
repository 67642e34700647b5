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
from indicators import services
from indicators.models import IndicatorValue
from tests.indicators import published
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


PUBLISHED_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PUBLISHED_SETTINGS
@given(
    seed=st.integers(0, 10_000),
    unit=st.sampled_from(["count", "percentage", "rate", "money"]),
    column=st.sampled_from([name for name, _ in published.MEASURES]),
    codes=st.sampled_from(["both", "new", "old"]),
    list_codes=st.sampled_from(["old", "new"]),
    marker_share=st.sampled_from([0.0, 0.2, 0.9]),
)
def test_a_generated_published_file_that_previews_is_saved_and_then_unchanged(
    seed, unit, column, codes, list_codes, marker_share, world
):
    """A file in the published layout (either kind of code, any share of
    suppressed cells, any unit mapped to any column) either previews with
    its problems named, or saves exactly what the preview showed: the
    preview and the save never disagree, and importing it again records nothing."""
    with transaction.atomic():
        _import_generated(seed, unit, column, codes, list_codes, marker_share, world)
        transaction.set_rollback(True)


def _import_generated(seed, unit, column, codes, list_codes, marker_share, world):
    content = published.statistics_file(
        years=2, count=24, seed=seed, codes=codes, marker_share=marker_share
    )
    IndicatorFactory(board=world.board, code="measure", unit=unit)
    area, others = published.authorities(24)[3], published.authorities(24)[10:20]
    services.neighbours_replace(
        board=world.board,
        neighbours=[(a.old_code if list_codes == "old" else a.new_code, a.name) for a in others],
    )
    statistics = imp.read_statistics("generated.csv", content)
    chosen = area.old_code if codes == "old" else area.new_code

    def preview():
        return imp.preview_statistics(
            board=world.board,
            statistics=statistics,
            authority=chosen,
            mapping={column: "measure"},
            publication="Generated",
        )

    first = preview()
    if codes not in ("both", list_codes):
        # A list of one kind of code cannot match a file that gives only the other: refused, saying why.
        assert any(
            e.startswith("None of the board's 10 statistical neighbours") for e in first.errors
        )
        return
    if not first.valid:
        assert all(
            p.startswith(("Row ", "The neighbours' average for "))
            for i in first.items
            for p in i.problems
        )
        with pytest.raises(ValueError, match="cannot be saved"):
            imp.save_statistics(preview=first, publication="Generated")
        assert not IndicatorValue.objects.exists()
        return
    saved = imp.save_statistics(preview=first, publication="Generated")
    assert saved == len(first.items)
    again = preview()
    assert again.valid
    assert again.counts["new"] == again.counts["changed"] == 0
