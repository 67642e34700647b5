"""The chair preparing a board meeting from the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core import roles
from tests.browser.conftest import check_accessibility
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    MeetingFactory,
    PriorityFactory,
    UserFactory,
)
from tests.indicators.factories import IndicatorFactory, ValueFactory


def ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def chair_world(world):
    UserFactory(
        username="chair",
        first_name="Chris",
        last_name="Chair",
        role=roles.INDEPENDENT_CHAIR,
        boards=[world.board],
    )
    MeetingFactory(group=world.group, date=ago(21))
    priority = PriorityFactory(
        plan=world.plan, number=3, title="Reducing the prevalence and impact of neglect"
    )
    red = ActionFactory(
        plan=world.plan,
        priority=priority,
        ref="3a",
        description="Threshold document publicised to all partner agencies",
        due_date=ago(5),
    )
    AssessmentFactory(action=red, assessed_on=ago(30), process="AMBER", impact="GREY")
    AssessmentFactory(action=red, assessed_on=ago(7), process="RED", impact="AMBER")
    indicator = IndicatorFactory(
        board=world.board,
        code="timely-assessments",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        tolerance=Decimal("5"),
    )
    for year, value in ((2019, "78"), (2020, "70")):
        ValueFactory(
            indicator=indicator, period_start=datetime.date(year, 4, 1), value=Decimal(value)
        )
    return world


def test_a_chair_lands_on_the_dashboard_and_follows_a_red_action_to_its_history(
    page, live_server, chair_world, sign_in
):
    sign_in("chair")
    expect(page.get_by_role("heading", name="Chair's dashboard", level=1)).to_be_visible()
    assert page.url.endswith("/boards/alpha/dashboard/")
    check_accessibility(page)

    # The plan's title comes from a factory sequence: name it as it is.
    attention = page.get_by_role(
        "region", name=f"{chair_world.plan.title}, priority 3: actions needing attention"
    )
    row = attention.get_by_role("row").filter(has_text="Threshold document")
    expect(row).to_contain_text("Red")
    expect(row).to_contain_text("Overdue")
    changes = page.get_by_role("region", name="New assessments")
    expect(changes.get_by_role("row").filter(has_text="3a")).to_contain_text("Amber to Red")

    row.get_by_role("link", name="3a (history of action 3a)").click()
    expect(page.get_by_role("heading", name="Action 3a", level=1)).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Red")
    check_accessibility(page)


def test_a_chair_follows_an_off_target_indicator_to_its_chart_and_table(
    page, live_server, chair_world, sign_in
):
    sign_in("chair")
    indicators = page.get_by_role("region", name="Indicators off target or getting worse")
    expect(indicators).to_contain_text("Off target")
    indicators.get_by_role("link", name="Assessments completed within 45 days").click()
    expect(
        page.get_by_role("heading", name="Assessments completed within 45 days", level=1)
    ).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("70%")
    check_accessibility(page)


def test_a_chair_picks_a_date_and_a_future_one_is_refused(page, live_server, chair_world, sign_in):
    sign_in("chair")
    form = page.get_by_role("form", name="Show changes from another date")
    future = timezone.localdate() + datetime.timedelta(days=3)
    form.get_by_label("Day").fill(str(future.day))
    form.get_by_label("Month").fill(str(future.month))
    form.get_by_label("Year").fill(str(future.year))
    form.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Show changes from must be today or in the past."
    )
    check_accessibility(page)

    since = ago(10)
    form.get_by_label("Day").fill(str(since.day))
    form.get_by_label("Month").fill(str(since.month))
    form.get_by_label("Year").fill(str(since.year))
    form.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("heading", name=f"What changed from {since:%-d %B %Y}")).to_be_visible()
    expect(page.get_by_role("region", name="New assessments")).to_contain_text("Amber to Red")
    check_accessibility(page)


def test_the_dashboard_prints_without_navigation_or_buttons_and_fits_a_phone(
    page, live_server, chair_world, sign_in
):
    sign_in("chair")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Chair's dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="TSCB pages")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("button", name="Show changes")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    row_break = page.evaluate(
        "getComputedStyle(document.querySelector('.assure-dashboard__table tr')).breakInside"
    )
    assert row_break == "avoid"
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    check_accessibility(page)
