"""The business manager keeping the business plan current, and the chair reading it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from core import roles
from priorities import spreadsheets
from priorities.models import Action
from tests.browser.conftest import check_accessibility
from tests.factories import ActionFactory, EvidenceTypeFactory, PriorityFactory, UserFactory


@pytest.fixture
def plan_world(world):
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
    EvidenceTypeFactory(slug="pi", name="PI")
    priority = PriorityFactory(
        plan=world.plan, number=3, title="Reducing the prevalence and impact of neglect"
    )
    ActionFactory(
        plan=world.plan,
        priority=priority,
        ref="3a",
        description="Threshold document publicised to all partner agencies",
        lead="Safeguarding leads",
    )
    ActionFactory(
        plan=world.plan,
        priority=priority,
        ref="3b",
        description="Partner agencies ensure staff are trained in neglect",
    )
    return world


def test_a_manager_finds_3a_through_the_filters_and_records_its_ratings(
    page, live_server, plan_world, sign_in
):
    world = plan_world
    sign_in("manager")
    page.get_by_role("link", name="All actions").click()
    expect(page.get_by_role("heading", name="All actions", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Lead contains").fill("Safeguarding leads")
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_role("region", name="Actions")
    expect(table.get_by_role("link", name="3a", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="3b", exact=True)).to_have_count(0)
    check_accessibility(page)

    # in place on the list (htmx): the rating form opens under the row
    page.get_by_role("link", name="Record rating for 3a").click()
    form = page.get_by_role("form", name="Record an assessment of action 3a")
    expect(form).to_be_visible()
    expect(form.get_by_role("heading", name="Record an assessment of action 3a")).to_be_focused()
    form.get_by_role("group", name="Process rating").get_by_label("Amber").check()
    form.get_by_role("group", name="Impact rating").get_by_label("Grey (not started)").check()
    form.get_by_role("button", name="Record assessment").click()
    expect(form.get_by_text("a RED or AMBER rating needs commentary")).to_be_visible()
    check_accessibility(page)
    form.get_by_label("Commentary").fill(
        "Launch delayed until the new threshold document is signed off"
    )
    form.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_role("status")).to_have_text("Assessment of action 3a recorded.")
    expect(page.get_by_role("status")).to_be_focused()
    row = table.get_by_role("row", name=re.compile("^3a"))
    expect(row.get_by_text("Amber", exact=True)).to_be_visible()
    expect(row.get_by_text("Grey (not started)")).to_be_visible()
    check_accessibility(page)

    # the plan page and the action's history show the same
    page.get_by_role("link", name="Action plans").click()
    page.get_by_role("link", name=world.plan.title).click()
    plan_row = page.locator("#ref-3a")
    expect(plan_row.get_by_text("Amber", exact=True)).to_be_visible()
    check_accessibility(page)
    plan_row.get_by_role("link", name="3a").click()
    history = page.locator("#assessments")
    expect(
        history.get_by_role(
            "cell", name="Launch delayed until the new threshold document is signed off"
        )
    ).to_be_visible()
    expect(history.get_by_text("Pat Manager")).to_be_visible()
    check_accessibility(page)


def test_a_chair_sees_the_new_ratings_with_no_edit_controls(page, live_server, plan_world, sign_in):
    from priorities.services import assessment_record

    action = Action.objects.get(ref="3a")
    assessment_record(
        action=action,
        process="AMBER",
        impact="GREY",
        assessed_on=action.updated.date(),
        commentary="Delayed",
        recorded_by=None,
    )
    sign_in("chair")
    page.get_by_role("link", name="All actions").click()
    row = page.get_by_role("row", name=re.compile("^3a"))
    expect(row.get_by_text("Amber", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Record rating"))).to_have_count(0)
    row.get_by_role("link", name="3a").click()
    expect(page.get_by_role("heading", name="Action 3a", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Record an assessment")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit this action")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("link", name=plan_world.plan.title).click()
    expect(page.get_by_role("heading", name=plan_world.plan.title, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Import changes from a spreadsheet")).to_have_count(0)


def write_csv(path, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(spreadsheets.COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in spreadsheets.COLUMNS])
    path.write_text(out.getvalue())
    return path


def test_an_import_with_a_bad_row_saves_nothing_then_a_good_one_saves_the_plan(
    page, live_server, plan_world, sign_in, tmp_path
):
    world = plan_world
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/plans/{world.plan.slug}/")
    page.get_by_role("link", name="Import changes from a spreadsheet").click()
    expect(
        page.get_by_role("heading", name="Import actions from a spreadsheet", level=1)
    ).to_be_visible()
    check_accessibility(page)
    good = {
        "Ref": "3c",
        "Priority": "3",
        "Action": "Neglect toolkit used in every early help assessment",
        "Timescale": "6 months",
    }
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            good,
            {
                "Ref": "3d",
                "Priority": "3",
                "Action": "Audit neglect cases",
                "Process rating": "Amber-ish",
                "Impact rating": "GREY",
            },
        ],
    )
    page.get_by_label("Spreadsheet").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile("1 row with problems"))).to_be_visible()
    expect(
        page.get_by_role(
            "link",
            name=re.compile("Row 3 \\(ref 3d\\): The process rating 'Amber-ish' is not a rating"),
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    check_accessibility(page)
    assert not Action.objects.filter(ref__in=["3c", "3d"]).exists()

    fixed = write_csv(
        tmp_path / "good.csv",
        [
            good,
            {
                "Ref": "3d",
                "Priority": "3",
                "Action": "Audit neglect cases",
                "Process rating": "AMBER",
                "Impact rating": "GREY",
                "Commentary": "Audit booked for May",
            },
        ],
    )
    page.get_by_label("Spreadsheet").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-summary")).to_contain_text("would add 2 actions")
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported good.csv: 2 actions added")).to_be_visible()
    expect(page.locator("#ref-3d").get_by_text("Amber", exact=True)).to_be_visible()
    assert Action.objects.filter(plan=world.plan, ref__in=["3c", "3d"]).count() == 2


def test_a_manager_adds_an_action_from_the_plan_page(page, live_server, plan_world, sign_in):
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{plan_world.board.slug}/plans/{plan_world.plan.slug}/")
    page.get_by_role("button", name="Add an action").click()
    expect(page.get_by_role("heading", name="Add an action", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Reference").fill("3c")
    page.get_by_label("Priority").select_option(
        label="Priority 3: Reducing the prevalence and impact of neglect"
    )
    page.get_by_label("Action", exact=True).fill("Neglect toolkit in every early help assessment")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="Action 3c")).to_be_visible()
    check_accessibility(page)


def test_changing_only_the_lead_in_the_browser_records_only_the_lead(
    page, live_server, plan_world, sign_in
):
    """Chromium sends the textareas' lines back with CRLF: the history names
    the lead alone, and the text is stored as it was."""
    action = Action.objects.get(ref="3a")
    action.description = "Threshold document publicised.\nSignposted on the website."
    action.impact_expected = "Thresholds understood.\n\nFewer inappropriate referrals."
    action.save()
    sign_in("manager")
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    page.get_by_role("button", name="Edit this action").click()
    page.get_by_label("Lead (optional)").fill("Head of Early Help")
    page.get_by_role("button", name="Save action").click()
    history = page.get_by_role("region", name="Change history")
    latest = history.get_by_role("row").nth(1)
    expect(latest).to_contain_text("Lead: “Safeguarding leads” to “Head of Early Help”")
    expect(latest).not_to_contain_text("Action:")
    expect(latest).not_to_contain_text("Impact expected")
    action.refresh_from_db()
    assert action.description == "Threshold document publicised.\nSignposted on the website."
    assert action.impact_expected == "Thresholds understood.\n\nFewer inappropriate referrals."


@pytest.mark.parametrize(
    "path", ["actions/", "plans/", "plans/business-plan/", "meetings/", "members/", "risks/"]
)
def test_pages_reflow_on_a_narrow_screen(page, live_server, plan_world, sign_in, path):
    """At 320 CSS pixels wide (400% zoom on a laptop) wide tables scroll in
    their own region and the page itself does not scroll sideways."""
    sign_in("manager")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/boards/{plan_world.board.slug}/{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width}px wide"


def test_every_action_tracker_page_passes_axe(page, live_server, plan_world, sign_in):
    sign_in("manager")
    base = f"{live_server.url}/boards/{plan_world.board.slug}"
    plan = f"{base}/plans/{plan_world.plan.slug}"
    for path, heading in (
        (f"{base}/plans/", "Action plans"),
        (f"{plan}/actions/3a/edit/", "Edit action 3a"),
        (f"{plan}/actions/3a/assess/", "Record an assessment of action 3a"),
        (f"{base}/actions/?process=NONE&overdue=true", "All actions"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        check_accessibility(page)
    page.goto(f"{plan}/actions/3a/edit/")
    page.get_by_label("Action", exact=True).fill("")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(page)
