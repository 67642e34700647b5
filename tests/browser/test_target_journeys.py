"""Targets by year in a browser: the business manager adds this year's
target to an indicator from its page, and the scorecard rates this year's
figure against it instead of the standing target. axe checks every page,
and any Content Security Policy violation fails the test.

The year is the one holding whatever day the suite runs on, read as the
live server reads it, so the journey needs no fixed clock."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, ValueFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_sets_this_years_target_and_the_scorecard_rates_against_it(
    page, live_server, world, sign_in
):
    UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])
    this_year = ReportingYear.span_of(timezone.localdate())
    timely = IndicatorFactory(
        board=world.board,
        code="timely",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("90"),
    )
    ValueFactory(indicator=timely, period_start=this_year.start, value=Decimal("85"))

    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/scorecard/")
    row = page.get_by_role("row", name=re.compile("Assessments completed within 45 days"))
    expect(row).to_contain_text("Off target (90%)")

    page.goto(f"{live_server.url}{timely.get_absolute_url()}")
    expect(page.locator("#targets + p")).to_contain_text("uses the standing target, 90%")
    expect(page.get_by_text("No year has a target of its own.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Add a target for a year").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a target for a year")
    check_accessibility(page)
    page.get_by_label("Reporting year").select_option(this_year.label)
    page.get_by_label("Target", exact=True).fill("101")
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("alert")).to_contain_text("A percentage lies between 0 and 100.")
    check_accessibility(page)
    page.get_by_label("Target", exact=True).fill("80")
    page.get_by_label("Tolerance (optional)").fill("2")
    page.get_by_role("button", name="Save target").click()

    table = page.locator("#targets-by-year")
    expect(table).to_contain_text(this_year.label)
    expect(table).to_contain_text("80%")
    expect(
        page.get_by_text(f"On target (80%), against the target for {this_year.label}")
    ).to_be_visible()
    check_accessibility(page)

    page.goto(f"{live_server.url}/boards/{world.board.slug}/scorecard/")
    row = page.get_by_role("row", name=re.compile("Assessments completed within 45 days"))
    expect(row).to_contain_text("On target (80%)")
    check_accessibility(page)
