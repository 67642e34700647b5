"""The scorecard and an indicator's pages, as the people who use them see them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Comparator, Indicator, IndicatorValue
from tests.factories import PriorityFactory
from tests.indicators.factories import (
    ComparatorFactory,
    IndicatorFactory,
    SourceFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db

Y = [datetime.date(year, 4, 1) for year in (2017, 2018, 2019, 2020)]


@pytest.fixture
def timeliness(world):
    ind = IndicatorFactory(
        board=world.board,
        code="timely-assessments",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        tolerance=Decimal("5"),
        priority=world.action.priority,
    )
    report = SourceFactory(title="Annual report 2020-21")
    for start, value, marker in zip(Y, ("82", None, "78", "70"), ("", "c", "", ""), strict=True):
        ValueFactory(
            indicator=ind,
            period_start=start,
            value=None if value is None else Decimal(value),
            marker=marker,
            source=report,
        )
    ComparatorFactory(indicator=ind, period_start=Y[3], value=Decimal("84.3"), kind="england")
    ComparatorFactory(
        indicator=ind,
        period_start=Y[3],
        value=Decimal("79.5"),
        kind="neighbours",
        neighbours_used=9,
        neighbours_listed=10,
    )
    return ind


def scorecard_url(board, priority=None):
    url = reverse("reports:scorecard", kwargs={"board": board.slug})
    return f"{url}?priority={priority}" if priority else url


def priority_key(priority):
    return f"{priority.plan.slug}-{priority.number}"


def row(body, code):
    """The overview's row of an indicator."""
    start = body.index(f'id="scorecard-{code}"')
    return body[start : body.index("</tr>", start)]


def test_the_chair_sees_each_indicator_with_its_judgements(world, users, client_for, timeliness):
    response = client_for("chair").get(scorecard_url(world.board))
    body = response.content.decode()
    assert response.status_code == 200
    assert str(world.action.priority) in body
    assert "Assessments completed within 45 days" in body
    assert "70%" in body
    assert "78%" in body
    assert "Getting worse (down)" in body
    assert '<span aria-hidden="true">↓</span>' in body
    assert "Off target (80%)" in body
    assert "84.3%" in body
    assert '79.5% <span class="govuk-body-s">(average of 9 of 10 neighbours)</span>' in body
    line = row(body, "timely-assessments")
    assert '<a class="govuk-link" href="/boards/alpha/indicators/timely-assessments/">' in line
    assert '70% <span class="govuk-body-s">(2020-21)</span>' in line
    assert '78% <span class="govuk-body-s">(2019-20)</span>' in line
    assert "Getting worse (down)" in line
    assert "Off target (80%)" in line


def test_the_overview_is_a_table_of_rows_and_each_priority_has_its_charts_on_its_own_page(
    world, users, client_for, timeliness
):
    IndicatorFactory(board=world.board, code="loose", name="Loose one")
    client = client_for("chair")
    body = client.get(scorecard_url(world.board)).content.decode()
    assert "<svg" not in body
    assert 'class="assure-scorecard__indicator"' not in body
    key = priority_key(world.action.priority)
    assert f'href="/boards/alpha/scorecard/?priority={key}">Charts and tables' in body
    assert 'href="/boards/alpha/scorecard/?priority=none">Charts and tables' in body
    page = client.get(scorecard_url(world.board, key))
    assert page.status_code == 200
    charts = page.content.decode()
    assert f'<h1 class="govuk-heading-l">{world.action.priority}</h1>' in charts
    assert charts.count('class="assure-scorecard__indicator"') == 1
    assert 'id="table-timely-assessments"' in charts
    assert "Assessments completed within 45 days over time" in charts
    assert "70% in 2020-21 against 78% in 2019-20" in charts
    assert "Loose one" not in charts  # on the page of indicators under no priority
    assert (
        'href="/boards/alpha/scorecard/?priority=none">Not linked to a priority</a> (1)' in charts
    )
    loose = client.get(scorecard_url(world.board, "none")).content.decode()
    assert 'id="table-loose"' in loose
    assert "timely-assessments" not in loose


@pytest.mark.parametrize(
    "key", ["business-plan-9", "none", "x", "business-plan-99999999999999999999"]
)
def test_a_priority_with_no_indicator_on_the_board_has_no_page(world, users, client_for, key):
    IndicatorFactory(board=world.board, code="cp", priority=world.action.priority)
    assert client_for("chair").get(scorecard_url(world.board, key)).status_code == 404


def test_another_boards_priority_has_no_page_here(world, users, client_for):
    theirs = PriorityFactory(plan=world.other_plan, number=1)
    IndicatorFactory(board=world.other_board, code="cp", priority=theirs)
    IndicatorFactory(board=world.board, code="cp", priority=world.action.priority)
    key = priority_key(theirs)
    assert client_for("chair").get(scorecard_url(world.board, key)).status_code == 404
    assert client_for("other_manager").get(scorecard_url(world.other_board, key)).status_code == 200


def test_a_suppressed_value_is_shown_as_its_marker_and_a_gap_never_zero(
    world, users, client_for, timeliness
):
    client = client_for("chair")
    overview = client.get(scorecard_url(world.board)).content.decode()
    assert ">0%<" not in overview
    key = priority_key(world.action.priority)
    body = client.get(scorecard_url(world.board, key)).content.decode()
    assert "c (confidential (suppressed to protect individuals))" in body
    assert "Suppressed: 2018-19 (c)." in body
    assert ">0%<" not in body


def test_the_overview_shows_a_suppressed_latest_figure_by_its_marker(world, users, client_for):
    ind = IndicatorFactory(board=world.board, code="cp-plans", polarity="lower", unit="count")
    ValueFactory(indicator=ind, period_start=Y[2], value=Decimal("12"))
    ValueFactory(indicator=ind, period_start=Y[3], value=None, marker="c")
    line = row(client_for("chair").get(scorecard_url(world.board)).content.decode(), "cp-plans")
    assert (
        '<strong class="govuk-tag govuk-tag--grey">Suppressed</strong> '
        "c (confidential (suppressed to protect individuals))"
    ) in line
    assert "Cannot be judged: the latest value is suppressed" in line
    assert '12 <span class="govuk-body-s">(2019-20)</span>' in line
    assert ">0<" not in line


def test_partners_do_not_find_the_scorecard(world, users, client_for, timeliness):
    assert client_for("partner").get(scorecard_url(world.board)).status_code == 404
    key = priority_key(world.action.priority)
    assert client_for("partner").get(scorecard_url(world.board, key)).status_code == 404
    url = timeliness.get_absolute_url()
    assert client_for("partner").get(url).status_code == 404


def test_another_boards_indicators_are_not_on_the_scorecard(world, users, client_for, timeliness):
    IndicatorFactory(board=world.other_board, name="Beta's own indicator")
    body = client_for("manager").get(scorecard_url(world.board)).content.decode()
    assert "Beta&#x27;s own indicator" not in body
    assert "Beta's own indicator" not in body


def test_the_scorecard_flags_a_revised_figure_and_says_which_it_uses(
    world, users, client_for, timeliness
):
    ValueFactory(
        indicator=timeliness,
        period_start=Y[3],
        value=Decimal("71"),
        source=SourceFactory(title="Children in need 2021"),
        edition=2,
    )
    client = client_for("chair")
    line = row(client.get(scorecard_url(world.board)).content.decode(), "timely-assessments")
    assert (
        '71% <span class="govuk-body-s">(2020-21)</span> '
        '<strong class="govuk-tag govuk-tag--orange">Revised</strong>'
    ) in line
    key = priority_key(world.action.priority)
    body = client.get(scorecard_url(world.board, key)).content.decode()
    assert "Children in need 2021" in body
    assert "Revised</strong> this figure revises 70% from Annual report 2020-21" in body


@pytest.mark.parametrize("count", [10, 200])
def test_the_scorecard_takes_the_same_queries_at_any_size(
    world, users, client_for, count, django_assert_max_num_queries
):
    source = SourceFactory()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            board=world.board, code=f"i{n}", name=f"Indicator {n}", unit="count", polarity="lower"
        )
        for n in range(count)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=ind,
            period_kind="month",
            period_start=datetime.date(2020 + m // 12, m % 12 + 1, 1),
            period_end=datetime.date(2020 + m // 12, m % 12 + 1, 28),
            value=None if m == 5 else Decimal(m),
            marker="c" if m == 5 else "",
            source=source,
        )
        for ind in indicators
        for m in range(12)
    )
    Comparator.objects.bulk_create(
        Comparator(
            indicator=ind,
            kind="england",
            period_kind="month",
            period_start=datetime.date(2020, 12, 1),
            period_end=datetime.date(2020, 12, 31),
            value=Decimal(7),
            source=source,
        )
        for ind in indicators
    )
    client = client_for("chair")
    client.get(scorecard_url(world.board))  # the session and the user, once
    with django_assert_max_num_queries(13):  # one of them the targets by year
        response = client.get(scorecard_url(world.board))
    assert (
        response.content.decode().count('class="govuk-table__row assure-scorecard__row"') == count
    )
    with django_assert_max_num_queries(14):
        response = client.get(scorecard_url(world.board, "none"))
    assert response.content.decode().count('class="assure-scorecard__indicator"') == count


# --- an indicator's page ------------------------------------------------------------


def test_an_indicators_page_lists_every_value_its_source_and_comparators(
    world, users, client_for, timeliness
):
    body = client_for("chair").get(timeliness.get_absolute_url()).content.decode()
    assert "Annual report 2020-21" in body
    assert "c: confidential (suppressed to protect individuals)" in body
    assert "Statistical neighbours" in body
    assert "average of 9 of 10 neighbours" in body
    assert "Add a value" not in body  # the chair reads, the business manager records


def test_a_business_manager_adds_a_revised_value_in_the_form(world, users, client_for, timeliness):
    client = client_for("manager")
    url = reverse(
        "indicators:value_add", kwargs={"board": world.board.slug, "indicator": timeliness.code}
    )
    source = SourceFactory(title="Children in need 2021")
    data = {
        "period_kind": "year",
        "period_start_day": "1",
        "period_start_month": "4",
        "period_start_year": "2020",
        "value": "71.5",
        "marker": "",
        "source": source.pk,
        "note": "As revised.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = IndicatorValue.objects.get(source=source)
    assert (saved.value, saved.edition, saved.note) == (Decimal("71.5"), 2, "As revised.")


def test_the_form_refuses_a_value_and_a_marker_together(world, users, client_for, timeliness):
    client = client_for("manager")
    url = reverse(
        "indicators:value_add", kwargs={"board": world.board.slug, "indicator": timeliness.code}
    )
    data = {
        "period_kind": "year",
        "period_start_day": "1",
        "period_start_month": "4",
        "period_start_year": "2020",
        "value": "0",
        "marker": "c",
        "source": SourceFactory().pk,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Give a value or a suppression marker, not both" in response.content.decode()


def test_the_form_changes_an_existing_value(world, users, client_for, timeliness):
    value = timeliness.values.get(period_start=Y[1])
    url = reverse(
        "indicators:value_edit",
        kwargs={"board": world.board.slug, "indicator": timeliness.code, "value": value.pk},
    )
    client = client_for("manager")
    assert 'value="c" selected' in client.get(url).content.decode()
    data = {
        "period_kind": "year",
        "period_start_day": "1",
        "period_start_month": "4",
        "period_start_year": "2018",
        "value": "77",
        "marker": "",
        "source": value.source_id,
    }
    assert client.post(url, data).status_code == 302
    value.refresh_from_db()
    assert (value.value, value.marker, value.edition) == (Decimal("77"), "", 1)


def test_the_export_keeps_markers_as_markers(world, users, client_for, timeliness):
    url = reverse(
        "indicators:indicator_export",
        kwargs={"board": world.board.slug, "indicator": timeliness.code, "fmt": "csv"},
    )
    text = client_for("chair").get(url).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Period,Edition,Value,Marker,Source,Note,Recorded"
    assert lines[3].startswith("2018-19,1,,c,Annual report 2020-21,")


def test_a_changed_figure_is_never_shown_from_a_stale_block(world, users, client_for, timeliness):
    client = client_for("chair")
    url = scorecard_url(world.board, priority_key(world.action.priority))
    assert "Off target (80%)" in client.get(url).content.decode()
    latest = timeliness.values.get(period_start=Y[3])
    latest.value = Decimal("81")
    latest.save()
    for page in (url, scorecard_url(world.board)):
        body = client.get(page).content.decode()
        assert "On target (80%)" in body
        assert "Off target (80%)" not in body
