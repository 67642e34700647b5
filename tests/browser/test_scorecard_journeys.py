"""The scorecard in a browser: a business manager imports a published
statistics file with suppressed cells and sees them as suppressed, not zero;
a chair follows an off-target indicator to its chart and table. Every page is
checked with axe, and any Content Security Policy violation fails the test."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from indicators.models import Comparator, IndicatorValue
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.indicators import published
from tests.indicators.factories import IndicatorFactory, SourceFactory, ValueFactory

STATISTICS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,referrals,cp_plans\n"
    "202021,Reporting year,National,E92000001,England,,,,,,642980,51510\n"
    "202021,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
    "E06000032,821,Luton,3301,c\n"
    "201920,Reporting year,Local authority,E92000001,England,E12000006,East of England,"
    "E06000032,821,Luton,2890,x\n"
)


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


@pytest.fixture
def chair(world):
    return UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[world.board])


def test_a_manager_imports_published_statistics_and_sees_suppressed_cells_as_suppressed(
    page, live_server, manager, world, sign_in
):
    IndicatorFactory(board=world.board, code="referrals", name="Referrals", measure="referrals")
    IndicatorFactory(
        board=world.board, code="cp-plans", name="Child protection plans", measure="cp_plans"
    )
    sign_in("manager")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Scorecard", exact=True).click()
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Import published statistics").click()
    expect(page.get_by_role("heading", name="Import published statistics")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Published statistics file").set_input_files(
        files=[{"name": "cin.csv", "mimeType": "text/csv", "buffer": STATISTICS.encode()}]
    )
    page.get_by_label("Publication").fill("Characteristics of children in need 2021")
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("heading", name="Choose what to import")).to_be_visible()
    page.get_by_label("Local authority").select_option("E06000032")
    expect(page.get_by_label("Column “referrals”")).to_have_value("referrals")
    expect(page.get_by_label("Column “cp_plans”")).to_have_value("cp-plans")
    check_accessibility(page)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_text("Nothing has been saved yet.")).to_be_visible()
    expect(page.get_by_text("202021 read as 2020-21")).to_be_visible()
    preview = page.locator("#import-preview")
    row = preview.get_by_role(
        "row", name=re.compile("Child protection plans 2020-21 The board.s area")
    )
    expect(row).to_contain_text("Suppressed c (confidential")
    check_accessibility(page)
    assert not IndicatorValue.objects.exists()

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("figures recorded"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="See the scorecard").click()
    plans = page.locator("#scorecard-cp-plans")
    expect(plans).to_contain_text("c (confidential")
    expect(plans).to_contain_text("Cannot be judged: the latest value is suppressed")
    check_accessibility(page)
    saved = IndicatorValue.objects.get(
        indicator__code="cp-plans", period_start=datetime.date(2020, 4, 1)
    )
    assert (saved.value, saved.marker) == (None, "c")


def test_a_manager_imports_a_published_file_of_thousands_of_rows_with_the_neighbour_model(
    page, live_server, manager, world, sign_in
):
    """The Department for Education's layouts as downloaded (generated, with
    synthetic figures): the neighbour model found by the board's authority,
    then a children in need file of 2,268 rows with both kinds of code and
    suppressed cells, imported in the background, and the scorecard showing
    a count indicator's neighbours' average as the mean it is."""
    area = published.authorities()[4]
    world.board.area = area.name
    world.board.save()
    IndicatorFactory(
        board=world.board, code="referrals", name="Referrals", unit="count", measure="referrals"
    )
    model = published.neighbour_model()
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/indicators/neighbours/")
    expect(page.get_by_label("The board's local authority in the model")).to_have_value(area.name)
    page.get_by_label("Statistical neighbours file").set_input_files(
        files=[{"name": "sn.csv", "mimeType": "text/csv", "buffer": model}]
    )
    page.get_by_role("button", name="Save the list").click()
    expect(page.get_by_text("The board's 10 statistical neighbours are saved.")).to_be_visible()
    first = published.neighbours_of(model, area.name)[0]
    expect(page.locator("#neighbours")).to_contain_text(first)
    check_accessibility(page)

    page.goto(f"{live_server.url}/boards/{world.board.slug}/indicators/import/")
    page.get_by_label("Published statistics file").set_input_files(
        files=[{"name": "cin.csv", "mimeType": "text/csv", "buffer": published.statistics_file()}]
    )
    page.get_by_label("Publication").fill("Synthetic children in need file (generated)")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Choose what to import")).to_be_visible()
    expect(page.get_by_label("Local authority")).to_have_value(area.new_code)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("Nothing has been saved yet.")).to_be_visible()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#import-outcome")).to_contain_text("figures recorded")
    check_accessibility(page)
    page.get_by_role("link", name="See the scorecard").click()
    row = page.locator("#scorecard-referrals")
    expect(row).to_contain_text(re.compile(r"average of \d+ of 10 neighbours"))
    average = Comparator.objects.filter(kind="neighbours").latest("period_start")
    expect(row).to_contain_text(f"{average.value.normalize():,f}")
    check_accessibility(page)


def test_a_chair_follows_an_off_target_indicator_to_its_chart_and_table(
    page, live_server, chair, world, sign_in
):
    indicator = IndicatorFactory(
        board=world.board,
        code="timely-assessments",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        priority=world.action.priority,
    )
    report = SourceFactory(title="Annual report 2020-21")
    for year, value in ((2018, "84"), (2019, "79"), (2020, "72")):
        ValueFactory(
            indicator=indicator,
            period_start=datetime.date(year, 4, 1),
            value=Decimal(value),
            source=report,
        )
    sign_in("chair")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Scorecard", exact=True).click()
    card = page.locator("#scorecard-timely-assessments")
    expect(card).to_contain_text("Off target (80%)")
    expect(card).to_contain_text("Getting worse (down)")
    check_accessibility(page)

    card.get_by_role("link", name="Assessments completed within 45 days").click()
    expect(page.get_by_role("heading", name="Assessments completed within 45 days")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("over time"))).to_be_visible()
    table = page.locator("#table-timely-assessments")
    expect(table.get_by_role("row", name=re.compile("^2020-21"))).to_contain_text("72%")
    expect(page.locator("#chart-summary-timely-assessments")).to_contain_text(
        "72% in 2020-21 against 79% in 2019-20"
    )
    check_accessibility(page)

    # At 320px (400% zoom) no page scrolls sideways: the indicator's page, the
    # overview, and the priority's page with its charts and tables.
    page.set_viewport_size({"width": 320, "height": 640})
    check_accessibility(page)
    page.goto(f"{live_server.url}/boards/{world.board.slug}/scorecard/")
    check_accessibility(page)
    priority = str(world.action.priority)
    charts = re.compile(rf"^Charts and tables\s?: {re.escape(priority)}$")
    page.get_by_role("link", name=charts).click()
    expect(page.get_by_role("heading", name=priority, level=1)).to_be_visible()
    card = page.locator("#scorecard-timely-assessments")
    expect(card).to_contain_text("Off target (80%)")
    expect(card.locator("#table-timely-assessments")).to_be_visible()
    expect(page.locator("#chart-summary-timely-assessments")).to_contain_text(
        "72% in 2020-21 against 79% in 2019-20"
    )
    check_accessibility(page)
    page.get_by_role("link", name="Back to the scorecard").click()
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible()
