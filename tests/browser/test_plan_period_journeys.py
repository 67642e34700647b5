"""The business manager keeping a plan's period: extending a plan whose period
ended, reopening it, closing it with a reason; the chair's dashboard and the
plan list following each step.

The dates are far enough apart (a plan of 2015-17, a new end in 2099) that
the journey means the same on any day the suite runs, without fixing the
clock of the server the browser talks to."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from core import roles
from priorities.models import ActionPlan
from tests.browser.conftest import check_accessibility
from tests.factories import ActionFactory, PlanFactory, PriorityFactory, UserFactory

#: Set to a folder to keep a screenshot of each page the journey visits.
SHOTS = os.environ.get("ASSURE_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def plans_world(world):
    UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        role=roles.BUSINESS_MANAGER,
        boards=[world.board],
    )
    UserFactory(
        username="chair",
        first_name="Chris",
        last_name="Chair",
        role=roles.INDEPENDENT_CHAIR,
        boards=[world.board],
    )
    old = PlanFactory(
        board=world.board,
        slug="business-plan-2015-17",
        title="Business Plan 2015-2017",
        period="2015-2017",
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2017, 3, 31),
    )
    PlanFactory(
        board=world.board,
        slug="business-plan-2017-99",
        title="Business Plan 2017-2099",
        period="2017-2099",
        starts_on=datetime.date(2017, 4, 1),
        ends_on=datetime.date(2099, 3, 31),
    )
    priority = PriorityFactory(plan=old, number=3, title="Neglect")
    ActionFactory(
        plan=old, priority=priority, ref="3a", description="Threshold document publicised"
    )
    return world


def test_a_manager_extends_reopens_and_closes_a_plan_and_the_chair_sees_each_step(
    page, live_server, plans_world, sign_in, client_for
):
    world = plans_world
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/plans/")
    closed = page.get_by_role("region", name="Closed plans")
    expect(closed.get_by_role("link", name="Business Plan 2015-2017")).to_be_visible()
    expect(closed).to_contain_text("Superseded by Business Plan 2017-2099")
    shot(page, "plans")
    check_accessibility(page)

    closed.get_by_role("link", name="Business Plan 2015-2017").click()
    status = page.locator("#plan-status")
    expect(status).to_contain_text("Closed: its period ended on 31 March 2017")
    expect(page.locator("#superseded-by")).to_contain_text(
        "Superseded by Business Plan 2017-2099, from 1 April 2017"
    )
    expect(page.get_by_role("button", name="Close this plan")).to_have_count(0)
    shot(page, "plan-closed")
    check_accessibility(page)

    # Extended to a day already past: it ran on to it, and is still closed.
    page.get_by_role("button", name="Extend this plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Extend Business Plan 2015-2017")
    check_accessibility(page)
    fill_date(page, "New end of the plan", "31", "1", "2017")
    page.get_by_role("button", name="Extend the plan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The new end must be after the current end, 31 March 2017."
    )
    shot(page, "extend-refused")
    check_accessibility(page)
    fill_date(page, "New end of the plan", "30", "9", "2017")
    page.get_by_role("button", name="Extend the plan").click()
    expect(status).to_contain_text("Closed: its period ended on 30 September 2017")
    expect(page.locator("#plan-period")).to_contain_text(
        "1 April 2015 to 30 September 2017 (extended from 31 March 2017)"
    )

    # Reopened: the period has ended, so it asks for a new end first.
    page.get_by_role("button", name="Reopen this plan").click()
    check_accessibility(page)
    page.get_by_role("button", name="Reopen the plan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "This plan's period ended on 30 September 2017: give a new end, today or later, "
        "to reopen it."
    )
    shot(page, "reopen-refused")
    check_accessibility(page)
    fill_date(page, "New end of the plan", "31", "3", "2099")
    page.get_by_role("button", name="Reopen the plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Business Plan 2015-2017 reopened. In force until 31 March 2099."
    )
    expect(status).to_contain_text("In force until 31 March 2099")
    shot(page, "plan-reopened")
    check_accessibility(page)

    # The chair's dashboard lists its never-assessed action again.
    chair = client_for("chair")
    dashboard = chair.get(f"/boards/{world.board.slug}/dashboard/").content.decode()
    assert "Threshold document publicised" in dashboard

    # Closed by the manager, with a reason, after a confirmation page.
    page.get_by_role("button", name="Close this plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close Business Plan 2015-2017?")
    shot(page, "close")
    check_accessibility(page)
    page.get_by_role("button", name="Close the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the plan is closed.")
    check_accessibility(page)
    page.get_by_label("Why is the plan closed?").fill("Superseded by the 2017 plan.")
    page.get_by_role("button", name="Close the plan").click()
    expect(status).to_contain_text(re.compile(r"Closed on \d{1,2} [A-Z][a-z]+ \d{4}"))
    expect(status).to_contain_text("Why: Superseded by the 2017 plan.")
    history = page.get_by_role("region", name="Change history")
    expect(history).to_contain_text("Superseded by the 2017 plan.")
    expect(history).to_contain_text("Reopened until 31 March 2099")
    expect(history).to_contain_text("Extended to 30 September 2017")
    expect(history).to_contain_text("Pat Manager")
    shot(page, "plan-closed-by-person")
    check_accessibility(page)

    dashboard = chair.get(f"/boards/{world.board.slug}/dashboard/").content.decode()
    assert "Threshold document publicised" not in dashboard
    plan = ActionPlan.objects.get(slug="business-plan-2015-17")
    assert (plan.ends_on, plan.extended_to) == (
        datetime.date(2017, 3, 31),
        datetime.date(2099, 3, 31),
    )
    assert plan.closed_reason == "Superseded by the 2017 plan."

    # All actions leaves it out, until closed plans are asked for.
    page.goto(f"{live_server.url}/boards/{world.board.slug}/actions/")
    table = page.get_by_role("region", name="Actions")
    expect(table.get_by_role("link", name="3a", exact=True)).to_have_count(0)
    page.get_by_label("Closed plans").select_option("Include closed plans")
    page.get_by_role("button", name="Apply filters").click()
    expect(table.get_by_role("link", name="3a", exact=True)).to_be_visible()
    shot(page, "actions-with-closed")
    check_accessibility(page)


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)
