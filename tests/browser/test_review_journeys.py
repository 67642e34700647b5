"""Case reviews in the browser: a business manager runs a rapid review from
notification to decision and sees the due dates move, then adds a
recommendation and its action; a chair sees the overdue step on the
register; a partner sees only published reviews."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from core import roles
from reviews import services
from reviews.models import CaseReview, StepKind
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from tests.reviews.factories import ReviewFactory, ThemeFactory

D = datetime.date


@pytest.fixture
def people(world):
    return {
        name: UserFactory(username=name, role=role, boards=[world.board])
        for name, role in (
            ("manager", roles.BUSINESS_MANAGER),
            ("chair", roles.INDEPENDENT_CHAIR),
            ("partner", roles.PARTNER),
        )
    }


def fill_date(form, day: D) -> None:
    form.get_by_role("textbox", name="Day", exact=True).fill(str(day.day))
    form.get_by_role("textbox", name="Month", exact=True).fill(str(day.month))
    form.get_by_role("textbox", name="Year", exact=True).fill(str(day.year))


def record_step(page, label: str, day: D, outcome: str | None = None) -> None:
    page.get_by_role("link", name=f"Record {label}", exact=True).click()
    check_accessibility(page)
    form = page.locator("main form")
    fill_date(form, day)
    if outcome:
        form.get_by_label("Outcome").select_option(label=outcome)
    form.get_by_role("button", name="Save step").click()


def test_a_manager_runs_a_rapid_review_to_its_decision_and_adds_an_action(
    page, live_server, people, world, sign_in
):
    ThemeFactory(slug="neglect", name="Neglect")
    sign_in("manager")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Case reviews", exact=True).click()
    expect(page.get_by_role("heading", name="Case reviews", exact=True)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add a review").click()
    check_accessibility(page)
    page.get_by_label("Name as published").fill("Child K")
    page.get_by_label("Kind").select_option(label="Rapid review")
    page.get_by_label("Neglect").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("heading", name="Child K")).to_be_visible()
    check_accessibility(page)

    # Aware on Monday 23 November 2026: the notification is due 5 working days later.
    record_step(page, "local authority became aware", D(2026, 11, 23))
    notification = page.locator("#step-notification")
    expect(notification).to_contain_text("30 November 2026")
    # Notified on Wednesday the 25th: the rapid review is due 15 working days later.
    record_step(page, "notification to the panel", D(2026, 11, 25))
    expect(notification).to_contain_text("On time")
    expect(notification).to_contain_text("2 working days from local authority became aware")
    rapid = page.locator("#step-rapid-review")
    expect(rapid).to_contain_text("16 December 2026")
    # A correction a day earlier moves the rapid review's due date with it.
    record_step(page, "notification to the panel", D(2026, 11, 24))
    expect(rapid).to_contain_text("15 December 2026")

    record_step(page, "rapid review", D(2026, 12, 1))
    expect(rapid).to_contain_text("On time")
    record_step(page, "decision", D(2026, 12, 1), outcome="A child safeguarding practice review")
    expect(page.locator("#step-decision")).to_contain_text("A child safeguarding practice review")
    # The decision makes it a CSPR, due to be published within six months.
    expect(page.locator("#step-publication")).to_contain_text("1 June 2027")
    check_accessibility(page)

    page.get_by_role("button", name="Add a recommendation").click()
    check_accessibility(page)
    page.get_by_label("Recommendation", exact=True).fill(
        "Agencies should check a family's history when they move into the area."
    )
    page.get_by_label("Addressed to the partnership").check()
    page.get_by_role("button", name="Save recommendation").click()
    card = page.locator("#recommendation-1")
    expect(card).to_contain_text("No action yet.")

    card.get_by_role("link", name="Add an action for recommendation 1").click()
    check_accessibility(page)
    page.set_viewport_size({"width": 320, "height": 640})  # no sideways scrolling at 320px
    check_accessibility(page)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_label("Reference").fill("1a")
    page.get_by_label("Action", exact=True).fill("A moving-in checklist for every referral")
    page.get_by_role("button", name="Save action").click()
    card = page.locator("#recommendation-1")
    expect(card).to_contain_text("Action 1a")
    expect(card).to_contain_text("Process not assessed")
    check_accessibility(page)
    review = CaseReview.objects.get(name="Child K")
    assert review.kind == CaseReview.Kind.CSPR
    assert review.plan.actions.get().ref == "1a"


def test_a_chair_sees_the_overdue_step_on_the_register(page, live_server, people, world, sign_in):
    review = ReviewFactory(board=world.board, name="Child M")
    services.step_record(review=review, kind=StepKind.AWARE, date=D(2026, 11, 2))
    sign_in("chair")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/reviews/")
    deadlines = page.locator("#deadlines")
    expect(deadlines).to_contain_text("Child M: Notification to the Panel, due 9 November 2026")
    expect(deadlines).to_contain_text("Overdue")
    row = page.locator("#reviews").get_by_role("row", name="Child M")
    expect(row).to_contain_text("Overdue")
    check_accessibility(page)
    page.get_by_label("Steps").select_option(label="A step overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#reviews")).to_contain_text("Child M")
    check_accessibility(page)
    page.get_by_role("link", name="Record of decisions and actions").click()
    check_accessibility(page)


def test_a_partner_sees_only_published_reviews(page, live_server, people, world, sign_in):
    published = ReviewFactory(board=world.board, name="Child E", kind="scr")
    services.publication_record(
        review=published,
        status="published",
        date=D(2016, 6, 1),
        precision="month",
        link="https://example.org/child-e.pdf",
    )
    hidden = ReviewFactory(board=world.board, name="Child Hidden", kind="scr")
    services.publication_record(review=hidden, status="on-hold-coroner")
    sign_in("partner")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Case reviews", exact=True).click()
    table = page.locator("#reviews")
    expect(table).to_contain_text("Child E")
    expect(table).to_contain_text("June 2016")
    expect(page.locator("main")).not_to_contain_text("Child Hidden")
    check_accessibility(page)
    table.get_by_role("link", name="Child E", exact=True).click()
    expect(page.get_by_role("heading", name="Child E")).to_be_visible()
    expect(page.get_by_role("link", name="Read the report on Child E")).to_be_visible()
    check_accessibility(page)
    response = page.goto(f"{live_server.url}{hidden.get_absolute_url()}")
    assert response is not None
    assert response.status == 404
