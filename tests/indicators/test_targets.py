"""Targets by year: a figure is rated against the target of the reporting
year its period falls in (the standing target where that year has none),
on the scorecard, the chair's dashboard, the indicator's page and chart, the
scorecard's CSV and the annual report's key facts; the business manager
sets, changes and removes a year's target through indicator_target_set and
indicator_target_remove, with history, and the chair only reads them."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from board.models import ReportingYear
from indicators import selectors as sel
from indicators import services
from indicators.charts import figure, svg_chart
from indicators.models import IndicatorTarget
from reports import scorecard_print
from reports.dashboard import dashboard
from reports.models import SectionKind
from reports.sections import Context, build_key_facts
from tests.clock import on_day
from tests.indicators.factories import IndicatorFactory, SourceFactory, ValueFactory
from tests.reports.annual_helpers import draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_2026_27():
    """The figures here fall in 2025-26 and 2026-27, and the pages offer the
    years up to the current one: the clock stays in 2026-27 so every year
    the tests name is on offer whatever day they run."""
    with on_day(datetime.date(2026, 12, 7)):
        yield


def year(start: int) -> ReportingYear:
    return ReportingYear.for_start_year(start)


@pytest.fixture
def timely(world):
    """A percentage, higher better, with no standing target."""
    return IndicatorFactory(
        board=world.board,
        code="timely",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
    )


def set_target(indicator, start: int, target: str, tolerance: str | None = None):
    return services.indicator_target_set(
        indicator=indicator,
        year=year(start),
        target=Decimal(target),
        tolerance=None if tolerance is None else Decimal(tolerance),
    )


def value(indicator, start: datetime.date, figure: str, kind: str = "quarter"):
    return ValueFactory(
        indicator=indicator,
        period_kind=kind,
        period_start=start,
        period_end=services.period_end(kind, start),
        value=Decimal(figure),
    )


def rating(indicator) -> str:
    return sel.indicator_status(indicator=indicator).rating.words


# --- rating against the year's own target ----------------------------------------------


def test_a_figure_is_rated_against_the_target_of_its_own_year(world, timely):
    set_target(timely, 2025, "80")
    set_target(timely, 2026, "90", tolerance="2")
    value(timely, datetime.date(2026, 1, 1), "85")  # 2025-26 Q4
    assert rating(timely) == "On target (80%)"
    assert sel.scorecard_overview(board=world.board)[0].statuses[0].rating.words == (
        "On target (80%)"
    )
    value(timely, datetime.date(2026, 4, 1), "85")  # 2026-27 Q1: the same figure
    assert rating(timely) == "Off target (90%)"
    line = sel.scorecard_overview(board=world.board)[0].statuses[0]
    assert line.rating.words == "Off target (90%)"
    assert [a.indicator.code for a in sel.indicators_needing_attention(board=world.board)] == [
        "timely"
    ]
    value(timely, datetime.date(2026, 7, 1), "88")  # short by 2, the tolerance: near
    assert rating(timely) == "Near target (90%)"


def test_the_year_is_the_one_the_period_starts_in_on_31_march_and_1_april(world, timely):
    set_target(timely, 2025, "80")
    set_target(timely, 2026, "90")
    targets = sel.year_targets([timely.pk])[timely.pk]
    assert sel.target_for(timely, targets, datetime.date(2026, 3, 31))[::2] == (
        Decimal("80"),
        "2025-26",
    )
    assert sel.target_for(timely, targets, datetime.date(2026, 4, 1))[::2] == (
        Decimal("90"),
        "2026-27",
    )
    value(timely, datetime.date(2026, 3, 1), "85", kind="month")  # March 2026, ends on 31 March
    assert rating(timely) == "On target (80%)"
    value(timely, datetime.date(2026, 4, 1), "85", kind="month")  # April 2026
    assert rating(timely) == "Off target (90%)"


def test_a_year_without_its_own_target_uses_the_standing_one(world, timely):
    set_target(timely, 2025, "80")
    value(timely, datetime.date(2026, 4, 1), "85")
    assert rating(timely) == "No target for 2026-27"
    timely.target = Decimal("86")
    services.indicator_save(indicator=timely)
    assert rating(timely) == "Off target (86%)"
    status = sel.indicator_status(indicator=timely)
    assert status.latest_target_year == ""
    assert [row.target for row in status.table] == ["86%"]


def test_removing_a_years_target_falls_back_to_the_standing_one_with_history(
    world, client_for, timely
):
    timely.target = Decimal("70")
    services.indicator_save(indicator=timely)
    value(timely, datetime.date(2026, 4, 1), "85")
    client = client_for("manager")
    add = reverse(
        "indicators:target_add", kwargs={"board": world.board.slug, "indicator": "timely"}
    )
    response = client.post(add, {"year": "2026-27", "target": "90", "tolerance": "", "note": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("/indicators/timely/#targets")
    assert rating(timely) == "Off target (90%)"
    kwargs = {"board": world.board.slug, "indicator": "timely", "year": "2026-27"}
    response = client.post(
        reverse("indicators:target_edit", kwargs=kwargs),
        {"year": "2026-27", "target": "84.5", "tolerance": "1", "note": "Agreed at the board"},
    )
    assert response.status_code == 302
    assert rating(timely) == "On target (84.5%)"
    assert client.get(reverse("indicators:target_remove", kwargs=kwargs)).status_code == 200
    assert client.post(reverse("indicators:target_remove", kwargs=kwargs)).status_code == 302
    assert not IndicatorTarget.objects.exists()
    assert rating(timely) == "On target (70%)"
    history = IndicatorTarget.history.order_by("history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert [h.target for h in history] == [Decimal("90"), Decimal("84.5"), Decimal("84.5")]
    assert {h.history_user.username for h in history} == {"manager"}


# --- the rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "polarity", "target", "tolerance", "field", "message"),
    [
        ("count", "lower", "12.5", None, "target", "A count is a whole number."),
        ("percentage", "higher", "120", None, "target", "A percentage lies between 0 and 100."),
        ("rate", "higher", "-1", None, "target", "A figure cannot be negative."),
        ("count", "lower", "12", "-1", "tolerance", "A tolerance cannot be negative."),
        ("count", "neither", "12", None, "target", "A target needs a direction"),
    ],
)
def test_it_refuses_a_target_the_indicator_could_not_hold_naming_the_field(
    world, unit, polarity, target, tolerance, field, message
):
    indicator = IndicatorFactory(board=world.board, unit=unit, polarity=polarity)
    with pytest.raises(ValidationError) as refused:
        set_target(indicator, 2025, target, tolerance)
    assert message in " ".join(refused.value.message_dict[field])
    assert not IndicatorTarget.objects.exists()


def test_the_form_shows_the_refusal_on_its_field_and_saves_nothing(world, client_for, timely):
    url = reverse(
        "indicators:target_add", kwargs={"board": world.board.slug, "indicator": "timely"}
    )
    response = client_for("manager").post(
        url, {"year": "2025-26", "target": "101", "tolerance": "1", "note": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_target">A percentage lies between 0 and 100.</a>' in body
    response = client_for("manager").post(
        url, {"year": "2025-26", "target": "80", "tolerance": "x"}
    )
    assert '<a href="#id_tolerance">Enter the tolerance as a number' in response.content.decode()
    assert not IndicatorTarget.objects.exists()


def test_a_year_has_one_target_and_a_second_for_it_is_refused(world, client_for, timely):
    first = set_target(timely, 2025, "80")
    url = reverse(
        "indicators:target_add", kwargs={"board": world.board.slug, "indicator": "timely"}
    )
    response = client_for("manager").post(url, {"year": "2025-26", "target": "95"})
    assert response.status_code == 400
    assert "already has a target for 2025-26" in response.content.decode()
    # The service changes the year's target when it is not told it is a new one.
    assert set_target(timely, 2025, "82").pk == first.pk
    assert IndicatorTarget.objects.get().target == Decimal("82")


def test_a_change_of_unit_a_years_target_no_longer_fits_is_refused(world, timely):
    set_target(timely, 2025, "62.5")
    timely.unit = "count"
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(indicator=timely)
    assert "The target for 2025-26 would no longer hold" in refused.value.message_dict["unit"][0]


def test_the_chair_reads_the_targets_and_cannot_change_them(world, client_for, timely):
    set_target(timely, 2025, "80")
    chair = client_for("chair")
    page = chair.get(timely.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="targets-by-year"' in body
    assert "Add a target for a year" not in body
    kwargs = {"board": world.board.slug, "indicator": "timely", "year": "2025-26"}
    for name, data in (
        ("indicators:target_edit", {"year": "2025-26", "target": "10"}),
        ("indicators:target_remove", {}),
    ):
        assert chair.post(reverse(name, kwargs=kwargs), data).status_code == 403
    add = reverse(
        "indicators:target_add", kwargs={"board": world.board.slug, "indicator": "timely"}
    )
    assert chair.post(add, {"year": "2026-27", "target": "10"}).status_code == 403
    assert list(IndicatorTarget.objects.values_list("year__label", "target")) == [
        ("2025-26", Decimal("80"))
    ]


# --- what shows it ------------------------------------------------------------------------


def test_the_page_lists_the_years_and_says_the_standing_target_serves_the_rest(
    world, client_for, timely
):
    timely.target = Decimal("75")
    services.indicator_save(indicator=timely)
    services.indicator_target_set(
        indicator=timely,
        year=year(2025),
        target=Decimal("80"),
        source=SourceFactory(title="Business plan 2025-27"),
    )
    value(timely, datetime.date(2025, 4, 1), "81")
    body = client_for("manager").get(timely.get_absolute_url()).content.decode()
    assert "A year without a target of its own uses the standing target, 75%" in body
    assert "On target (80%), against the target for 2025-26" in body
    assert "Business plan 2025-27" in body
    assert "Add a target for a year" in body


def test_the_indicator_page_reads_the_same_queries_however_many_targets(
    world, client_for, timely, django_assert_max_num_queries
):
    client = client_for("manager")
    client.get(timely.get_absolute_url())
    set_target(timely, 2020, "70")
    with django_assert_max_num_queries(30) as few:
        client.get(timely.get_absolute_url())
    for start in range(2021, 2027):
        set_target(timely, start, "75")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "2026-27" in client.get(timely.get_absolute_url()).content.decode()


def test_the_chart_steps_the_target_where_a_years_target_changes(world, timely):
    set_target(timely, 2025, "80")
    set_target(timely, 2026, "90")
    for start, figure_ in (((2025, 10, 1), "70"), ((2026, 1, 1), "75"), ((2026, 4, 1), "85")):
        value(timely, datetime.date(*start), figure_)
    status = sel.indicator_status(indicator=timely)
    target = next(line for line in svg_chart(status).lines if line.kind == "target")
    heights = [point.split(",")[1] for point in target.segments[0].split()]
    assert len(set(heights)) == 2  # two levels: 80 for 2025-26's quarters, 90 for 2026-27's
    assert heights[0] == heights[3] != heights[4]
    trace = next(t for t in figure(status)["data"] if t["name"] == "Target")
    assert (trace["y"], trace["line"]["shape"]) == ([80.0, 80.0, 90.0], "hvh")


def test_the_scorecard_csv_gives_each_periods_target(world, timely):
    set_target(timely, 2025, "80")
    timely.target = Decimal("70")
    services.indicator_save(indicator=timely)
    value(timely, datetime.date(2025, 4, 1), "81", kind="year")
    value(timely, datetime.date(2024, 4, 1), "65", kind="year")
    printed = scorecard_print.printed_scorecard(board=world.board)
    rows = list(csv.reader(io.StringIO(scorecard_print.render_csv(printed).decode("utf-8-sig"))))
    assert rows[0][-1] == "Target"
    assert [(r[3], r[-1]) for r in rows[1:]] == [
        ("2025-26", "80% (2025-26 target)"),
        ("2024-25", "70%"),
    ]


def test_the_annual_reports_key_facts_rate_the_years_figure_against_its_target(world, timely):
    report = draft(world)
    section = report.sections.get(kind=SectionKind.KEY_FACTS)
    set_target(timely, 2016, "80")
    set_target(timely, 2017, "60")
    value(timely, datetime.date(2016, 4, 1), "75", kind="year")
    value(timely, datetime.date(2017, 4, 1), "75", kind="year")
    built = build_key_facts(Context(board=world.board, year=year(2016)), section)
    table = built.tables[0]
    assert "Against the 2016-17 target" in table.head
    column = table.head.index("Against the 2016-17 target")
    assert table.rows[0][column].text == "Off target (80%)"


def test_the_chairs_dashboard_rates_against_the_years_target(world, timely):
    timely.target = Decimal("60")  # met by 70; the year's own target of 80 is not
    services.indicator_save(indicator=timely)
    set_target(timely, 2025, "80")
    value(timely, datetime.date(2025, 4, 1), "70")
    found = dashboard(board=world.board, today=datetime.date(2026, 12, 7))
    assert [(line.indicator.code, line.rating.words) for line in found.indicators.listed] == [
        ("timely", "Off target (80%)")
    ]
