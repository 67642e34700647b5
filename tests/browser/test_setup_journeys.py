"""A new board set up in pages, with no superuser and no Django admin: an
Admin adds the board and gives its business manager access; the manager adds
an agency, a group marked main, a business plan with its period, a priority,
an action and an indicator serving the priority with its target, and the
set-up page's list shrinks at each step. axe-core checks every page.

The plan's period (April 2020 to March 2099) holds whatever day the suite
runs on, so the journey needs no fixed clock on the live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from board.models import Board
from core import roles
from indicators.models import Indicator
from tests.browser.conftest import check_accessibility
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def still_to_do(page) -> int:
    return page.locator("#setup-missing > li").count()


def test_an_admin_adds_a_board_and_its_manager_sets_it_up_in_pages(page, live_server, sign_in):
    UserFactory(username="admin", first_name="Ada", last_name="Admin", role=roles.ADMIN)
    UserFactory(
        username="manager",
        first_name="Pat",
        last_name="Manager",
        email="pat@example.org",
        role=roles.BUSINESS_MANAGER,
    )

    sign_in("admin")
    page.goto(f"{live_server.url}/")
    check_accessibility(page)
    page.get_by_role("button", name="Add a board").click()
    check_accessibility(page)
    page.get_by_role("button", name="Add board").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_accessibility(page)
    page.get_by_label("Name", exact=True).fill("Dunstable Safeguarding Children Partnership")
    page.get_by_label("Short name").fill("DSCP")
    page.get_by_label("Area").fill("Dunstable")
    page.get_by_label("Kind").select_option(label="Safeguarding children partnership")
    page.get_by_role("button", name="Add board").click()
    board = Board.objects.get()
    assert board.slug == "dunstable-safeguarding-children-partnership"
    expect(page.get_by_role("heading", level=1)).to_have_text("People on this board")
    check_accessibility(page)
    page.get_by_label("Username or email address").fill("pat@example.org")
    page.get_by_role("button", name="Give access").click()
    expect(page.locator("#board-people")).to_contain_text("Business manager")
    page.get_by_role("link", name=f"Set up {board.name}").click()
    expect(page.locator("#setup-missing")).not_to_contain_text("Give the board a business manager")
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in("manager")
    setup_url = f"{live_server.url}/boards/{board.slug}/setup/"
    page.goto(setup_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Set up {board.name}")
    check_accessibility(page)
    counts = [still_to_do(page)]

    # A group, marked as the main one.
    page.get_by_role("link", name="Add the board's groups").click()
    page.get_by_label("Name", exact=True).fill("Partnership board")
    page.get_by_label("Kind").select_option(label="Strategic board")
    check_accessibility(page)
    page.get_by_role("button", name="Save group").click()
    page.get_by_role("button", name="Make Partnership board the main group").click()
    page.goto(setup_url)
    counts.append(still_to_do(page))

    # An agency.
    AgencyFactory(name="Bedfordshire Police", slug="bedfordshire-police")
    page.get_by_role("link", name="Add the partner agencies").click()
    check_accessibility(page)
    page.get_by_role("button", name="Add an agency").click()
    page.get_by_label("Name", exact=True).fill("Dunstable Police")
    page.get_by_label("Sector").select_option(label="Police")
    check_accessibility(page)
    page.get_by_role("button", name="Save agency").click()
    expect(page.locator("#agencies")).to_contain_text("Dunstable Police")
    # An agency already in Assure, found by name and added to this board's list.
    page.get_by_label("Find an agency by name").fill("bedfordshire")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#agencies")).not_to_contain_text("Dunstable Police")
    page.locator("#agencies").get_by_role("button", name="Add to this board").click()
    expect(page.get_by_role("alert")).to_contain_text("Bedfordshire Police added")
    check_accessibility(page)
    # Added by mistake: taken off again, after a confirmation page.
    row = page.locator("#agencies tr", has_text="Bedfordshire Police")
    row.get_by_role("link", name="Remove from this board").click()
    check_accessibility(page)
    page.get_by_role("button", name="Remove from this board").click()
    expect(page.get_by_role("alert")).to_contain_text("Bedfordshire Police taken off")
    expect(page.locator("#agencies")).not_to_contain_text("Bedfordshire Police")

    # A business plan with its period, then a priority and an action.
    page.goto(setup_url)
    page.get_by_role("link", name="Add the business plan in force").click()
    page.get_by_role("button", name="Add plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the plan's title")
    check_accessibility(page)
    page.get_by_label("Title").fill("Business plan 2020-2099")
    page.get_by_label("Business plan", exact=True).check()
    page.get_by_label("Period as written").fill("2020-2099")
    fill_date(page, "Start of the period", "1", "4", "2020")
    fill_date(page, "End of the period", "31", "3", "2099")
    page.get_by_role("button", name="Add plan").click()
    expect(page.locator("#plan-status")).to_contain_text("In force")
    page.goto(setup_url)
    expect(page.locator("#setup-done")).to_contain_text("Business plan 2020-2099 is in force today")
    counts.append(still_to_do(page))

    page.get_by_role("link", name="Add the business plan's priorities").click()
    page.get_by_label("Title").fill("Neglect")
    page.get_by_label("Key outcomes (optional)").fill("Children helped earlier")
    check_accessibility(page)
    page.get_by_role("button", name="Save priority").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priority 1: Neglect")
    check_accessibility(page)
    page.goto(setup_url)
    counts.append(still_to_do(page))

    page.get_by_role("link", name="Add the business plan's actions").click()
    page.get_by_label("Reference").fill("1a")
    page.get_by_label("Priority").select_option(label="Priority 1: Neglect")
    page.get_by_label("Action", exact=True).fill("Publish the neglect toolkit")
    page.get_by_role("button", name="Save action").click()
    page.goto(setup_url)
    counts.append(still_to_do(page))

    # An indicator serving the priority, with a target.
    page.get_by_role("link", name="Add the scorecard's indicators").click()
    page.get_by_label("Short code").fill("repeat-plans")
    page.get_by_label("Name", exact=True).fill("Repeat child protection plans")
    page.get_by_label("Percentage").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("The priority it serves").select_option(
        label="Business plan 2020-2099: priority 1, Neglect"
    )
    page.get_by_label("Target (optional)").fill("18")
    check_accessibility(page)
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Repeat child protection plans")
    indicator = Indicator.objects.get(board=board, code="repeat-plans")
    assert indicator.priority.title == "Neglect"
    page.goto(setup_url)
    counts.append(still_to_do(page))
    expect(page.locator("#setup-done")).to_contain_text("Add the scorecard's indicators")

    # The priority's page names the indicator that serves it.
    page.goto(f"{live_server.url}/boards/{board.slug}/plans/business-plan-2020-2099/priorities/1/")
    expect(page.locator("#priority-indicators")).to_contain_text("Repeat child protection plans")
    check_accessibility(page)

    assert counts == sorted(counts, reverse=True)
    assert len(set(counts)) == len(counts), counts
