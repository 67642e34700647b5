"""Action plans and priorities set up in pages: a plan with its kind and
period, its details, its priorities and their order, each through its
service, each change in history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from priorities import services
from priorities.models import ActionPlan, Priority
from tests.factories import ActionFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db


def test_a_manager_adds_a_business_plan_with_its_period_in_a_page(world, client_for):
    response = client_for("manager").post(
        reverse("priorities:plan_create", kwargs={"board": world.board.slug}),
        {
            "title": "Business plan 2026-28",
            "kind": "business-plan",
            "period": "2026-2028",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2026",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2028",
            "summary": "",
        },
    )
    plan = ActionPlan.objects.get(board=world.board, title="Business plan 2026-28")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert plan.slug == "business-plan-2026-28"
    assert (plan.starts_on, plan.ends_on) == (datetime.date(2026, 4, 1), datetime.date(2028, 3, 31))
    assert plan.history.get().history_user.username == "manager"


def test_it_refuses_a_plan_that_ends_before_it_starts_and_saves_nothing(world, client_for):
    before = ActionPlan.objects.count()
    response = client_for("manager").post(
        reverse("priorities:plan_create", kwargs={"board": world.board.slug}),
        {
            "title": "Backwards plan",
            "kind": "business-plan",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2027",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2027",
        },
    )
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert ActionPlan.objects.count() == before


def test_a_plan_is_never_given_the_web_name_of_the_new_plan_page(world):
    assert services.free_plan_slug(board=world.board, base="New") == "new-2"
    with pytest.raises(ValidationError, match="names a page"):
        services.plan_create(board=world.board, slug="new", title="New", kind="other")


def test_a_plans_details_change_with_one_history_record_and_none_for_no_change(world):
    plan = world.plan
    records = plan.history.count()
    services.plan_update(plan=plan, title="Renamed plan", kind="other", summary="Why")
    assert plan.history.count() == records + 1
    services.plan_update(plan=plan, title="Renamed plan ", kind="other", summary="Why")
    assert plan.history.count() == records + 1
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, title=" ", kind="made-up")
    assert ActionPlan.objects.get(pk=plan.pk).title == "Renamed plan"


def test_a_priority_is_added_with_the_next_number_and_its_aims(world, client_for):
    url = reverse(
        "priorities:priority_create", kwargs={"board": world.board.slug, "plan": world.plan.slug}
    )
    client = client_for("manager")
    assert b'value="2"' in client.get(url).content
    response = client.post(
        url,
        {
            "number": "2",
            "title": "Neglect",
            "summary": "",
            "evidence_base": "Audit of neglect cases, 2025",
            "key_outcomes": "Earlier help",
            "success_measures": "Fewer repeat plans",
        },
    )
    assert response.status_code == 302
    saved = Priority.objects.get(plan=world.plan, number=2)
    assert (saved.evidence_base, saved.key_outcomes, saved.success_measures) == (
        "Audit of neglect cases, 2025",
        "Earlier help",
        "Fewer repeat plans",
    )


def test_it_refuses_a_priority_number_the_plan_has_or_below_one(world):
    with pytest.raises(ValidationError, match="already has a priority 1"):
        services.priority_save(priority=Priority(plan=world.plan, number=1, title="Again"))
    with pytest.raises(ValidationError, match="from 1"):
        services.priority_save(priority=Priority(plan=world.plan, number=0, title="Zero"))
    with pytest.raises(ValidationError, match="title"):
        services.priority_save(priority=Priority(plan=world.plan, number=3, title="  "))
    assert world.plan.priorities.count() == 1


def test_moving_a_priority_swaps_its_number_with_its_neighbours_and_keeps_its_actions(world):
    first = Priority.objects.get(plan=world.plan, number=1)
    second = PriorityFactory(plan=world.plan, number=2, title="Second")
    ActionFactory(plan=world.plan, priority=second, ref="2a")
    services.priority_move(priority=second, up=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (2, 1)
    assert second.actions.get().ref == "2a"
    assert not second.history.filter(number=0).exists()
    # At the top already: nothing moves.
    services.priority_move(priority=second, up=True)
    second.refresh_from_db()
    assert second.number == 1


def test_the_priority_page_shows_its_actions_and_the_indicators_serving_it(world, client_for):
    from tests.indicators.factories import IndicatorFactory

    priority = Priority.objects.get(plan=world.plan, number=1)
    IndicatorFactory(board=world.board, code="referrals", name="Referrals", priority=priority)
    IndicatorFactory(board=world.board, code="contacts", name="Contacts")
    page = client_for("chair").get(
        reverse(
            "priorities:priority",
            kwargs={"board": world.board.slug, "plan": world.plan.slug, "number": 1},
        )
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Referrals" in html
    assert "Contacts" not in html
    assert world.action.ref in html
    assert "Choose the indicators" not in html  # a chair reads, and changes nothing


def test_an_action_moves_to_another_priority_of_its_plan_from_its_page(world):
    second = PriorityFactory(plan=world.plan, number=2, title="Second")
    action = world.action
    saved = services.action_update(
        action_id=action.pk, expected_version=action.version, changes={"priority": second}
    )
    assert saved.priority == second
    other_plans = PriorityFactory(plan=PlanFactory(board=world.board, slug="p2"), number=1)
    with pytest.raises(ValidationError, match="another plan"):
        services.action_update(
            action_id=action.pk, expected_version=saved.version, changes={"priority": other_plans}
        )
